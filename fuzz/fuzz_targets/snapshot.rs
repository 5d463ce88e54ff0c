#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sw_websocket_fuzz::snapshot::run(data));
