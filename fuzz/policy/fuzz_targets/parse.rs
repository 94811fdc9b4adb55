//! Any text: reading, validating and auditing a policy never panics, and every diagnostic of a
//! document that came from text is located inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_policy::{PolicyKind, lint_text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [
        PolicyKind::Auto,
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Trust,
    ] {
        let (policy, diags) = lint_text(text, kind);
        let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
        for d in &diags {
            assert!(
                d.span.line == 0 || d.span.line <= lines + 1,
                "{d} outside a {lines}-line text"
            );
        }
        if let Some(p) = policy {
            let _ = rampart_policy::audit::full_access(&p);
            let _ = rampart_policy::audit::wildcard_resource(&p);
            let _ = rampart_policy::audit::cancelled_allows(&p);
            let _ = rampart_policy::audit::escalation(&p);
            let _ = rampart_policy::audit::public_access(&p, "123456789012");
        }
    }
});
