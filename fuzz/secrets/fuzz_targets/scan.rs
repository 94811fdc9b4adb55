//! Hostile file contents: scanning never panics, in text or binary mode, and the windowed search
//! finds exactly what the whole-text reference finds.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rampart_secrets::{Match, Scanner};

fn scanners() -> &'static (Scanner, Scanner) {
    static BOTH: OnceLock<(Scanner, Scanner)> = OnceLock::new();
    BOTH.get_or_init(|| {
        let windowed = Scanner::builtin().expect("the built-in catalogue compiles");
        let whole = Scanner::builtin()
            .expect("the built-in catalogue compiles")
            .without_windows();
        (windowed, whole)
    })
}

fn key(found: &[Match]) -> Vec<(String, usize, String)> {
    found
        .iter()
        .map(|m| (m.rule.clone(), m.offset, m.fingerprint.clone()))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let (windowed, whole) = scanners();
    assert_eq!(key(&windowed.scan(data, Some("py"))), key(&whole.scan(data, Some("py"))));
    assert_eq!(
        key(&windowed.scan_binary(data, None)),
        key(&whole.scan_binary(data, None))
    );
});
