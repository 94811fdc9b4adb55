//! Every lock-file parser on hostile text: no panic; an error is located inside the text
//! (line 1..=lines+1); every package entry's line is inside the text; and every version that
//! a parser yields can be handed to the version orders without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_deps::lockfile::{Format, parse};

const FORMATS: [Format; 12] = [
    Format::Requirements,
    Format::Poetry,
    Format::Pipfile,
    Format::Uv,
    Format::Pdm,
    Format::NpmLock,
    Format::Yarn,
    Format::Pnpm,
    Format::Gemfile,
    Format::Cargo,
    Format::GoMod,
    Format::Composer,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = FORMATS[usize::from(selector) % FORMATS.len()];
    let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX).saturating_add(1);
    match parse(format, "fuzz", text) {
        Ok(lock) => {
            for p in &lock.packages {
                assert!(p.line >= 1 && p.line <= lines, "{format:?}: line {} of {lines}", p.line);
                if let Some(v) = &p.version {
                    let _ = p.ecosystem.parse(v);
                }
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{format:?}: error line {} of {lines}", e.line);
            assert!(e.column >= 1);
        }
    }
});
