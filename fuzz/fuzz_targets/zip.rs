//! Fuzz target: see `corvid::fuzz::zip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corvid::fuzz::zip(data));
