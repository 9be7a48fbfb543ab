//! Fuzz target: see `corvid::fuzz::appconfig`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corvid::fuzz::appconfig(data));
