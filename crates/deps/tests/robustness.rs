//! The fuzz target's property on stable Rust (fuzz/deps runs it under libFuzzer): every parser
//! on mangled lock files gives packages or a located error inside the text, never a panic.

use std::path::Path;

use proptest::prelude::*;
use rampart_deps::lockfile::{Format, parse};

const CASES: [(Format, &str); 12] = [
    (Format::Requirements, "python/requirements.txt"),
    (Format::Poetry, "python/poetry.lock"),
    (Format::Pipfile, "python/Pipfile.lock"),
    (Format::Uv, "python/uv.lock"),
    (Format::Pdm, "python/pdm.lock"),
    (Format::NpmLock, "node/package-lock.json"),
    (Format::Yarn, "node/yarn.lock"),
    (Format::Pnpm, "node/pnpm-lock.yaml"),
    (Format::Gemfile, "other/Gemfile.lock"),
    (Format::Cargo, "other/Cargo.lock"),
    (Format::GoMod, "other/go.mod"),
    (Format::Composer, "other/composer.lock"),
];

fn check(format: Format, text: &str) {
    let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX) + 1;
    match parse(format, "f", text) {
        Ok(lock) => {
            for p in &lock.packages {
                assert!(p.line >= 1 && p.line <= lines, "{format:?} line {}", p.line);
                if let Some(v) = &p.version {
                    let _ = p.ecosystem.parse(v);
                }
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= lines && e.column >= 1, "{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A fixture cut at a random place, with a random byte range replaced by random text.
    #[test]
    fn mangled_fixtures(case in 0usize..12, cut in 0.0f64..1.0, at in 0.0f64..1.0, junk in ".{0,12}") {
        let (format, rel) = CASES[case];
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/locks").join(rel),
        ).unwrap_or_default();
        let boundary = |f: f64| {
            let mut i = (text.len() as f64 * f) as usize;
            while !text.is_char_boundary(i) { i -= 1; }
            i
        };
        let (a, b) = (boundary(at.min(cut)), boundary(at.max(cut)));
        let mangled = format!("{}{junk}{}", &text[..a], &text[b..]);
        check(format, &mangled);
        check(format, &text[..b]);
    }

    #[test]
    fn arbitrary_text(case in 0usize..12, text in "\\PC{0,200}") {
        check(CASES[case].0, &text);
    }
}
