//! A snapshot of what the storage-and-logging checks say about their part of the bundled example
//! account (`examples/shopify-backend/storage-logging.json`), so a change in any of them shows up
//! as a reviewable diff.

use std::fmt::Write as _;

use rampart_model::Inventory;

use crate::{Config, Context, registry, run};

const AREAS: &[&str] = &["S3", "CT", "CW", "LOGS", "VPC", "ELB", "BACKUP"];

#[test]
fn storage_logging_part_of_the_example_account() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/shopify-backend/storage-logging.json"
    );
    let text = std::fs::read_to_string(path).expect("example part");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("example json");
    let inv: Inventory = serde_json::from_value(doc["inventory"].clone()).expect("inventory");
    let config = Config::default();
    let now = inv.collected_at.expect("collected_at");
    let ctx = Context::new(&inv, &config, now);
    let checks: Vec<_> = registry::all()
        .into_iter()
        .filter(|c| AREAS.contains(&registry::area(c.meta().code)))
        .filter(|c| !(c.meta().code.starts_with("VPC-0") && c.meta().code < "VPC-050"))
        .filter(|c| !(c.meta().code.starts_with("S3-1")))
        .collect();
    let mut lines: Vec<String> = run(&ctx, &checks)
        .findings
        .iter()
        .map(|f| format!("{} {:?} {} | {}", f.check, f.status, f.resource, f.message))
        .collect();
    lines.sort();
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    insta::assert_snapshot!(out);
}
