//! Any document handed to the OpenAPI / Swagger loader (JSON or YAML).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(ops) = spillcheck_http::discovery::parse_openapi(&text) {
        for op in &ops {
            let _ = op.static_prefix();
            let _ = op.path_params().count();
        }
    }
});
