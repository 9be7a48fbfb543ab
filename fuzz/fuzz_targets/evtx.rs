//! Fuzz target: see `corvid::fuzz::evtx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corvid::fuzz::evtx(data));
