//! Fuzz target: see `corvid::fuzz::w3c`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corvid::fuzz::w3c(data));
