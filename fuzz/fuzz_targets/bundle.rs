//! Fuzz target: see `corvid::fuzz::bundle`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corvid::fuzz::bundle(data));
