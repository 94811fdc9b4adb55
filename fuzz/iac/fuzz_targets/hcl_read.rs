//! Any text as a Terraform file: parse, evaluate, map, and audit; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_collect_iac::{InputKind, load_text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = load_text(InputKind::Terraform, text, "fuzz.tf");
    let config = rampart_checks::Config::default();
    let now = rampart_model::Timestamp::parse("2026-11-01T00:00:00Z").expect("a valid time");
    let ctx = rampart_checks::Context::new(&loaded.inventory, &config, now);
    let _ = rampart_checks::run(&ctx, &rampart_checks::registry::all());
});
