//! Any bytes as a log file's content: chunking, line numbers, JSON lines, grouping.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spillcheck_tokens::scan::{ScanOptions, scan_bytes};

fuzz_target!(|data: &[u8]| {
    let result = scan_bytes(data, "fuzz.log", ScanOptions::default());
    for g in &result.groups {
        assert!(g.count >= 1 && !g.secret.is_empty());
    }
});
