//! Any line through every secret detector, as source and as a log line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let scanner = spillcheck_tokens::detect::Scanner::get();
    let mut out = Vec::new();
    scanner.scan_line(&line, false, &mut out);
    scanner.scan_line(&line, true, &mut out);
});
