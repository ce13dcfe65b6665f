//! The redactor never lets a registered secret through whole, whatever surrounds it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (secret, text) = input;
    let secret = secret.trim();
    if secret.chars().count() < 8 || secret.contains('\n') {
        return;
    }
    let mut r = spillcheck_core::Redactor::new();
    r.add(secret);
    let doc = format!("{text}{secret}{text}");
    let out = r.scrub(&doc);
    assert!(!out.contains(secret), "secret survived redaction");
});
