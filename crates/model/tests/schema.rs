//! The published snapshot JSON Schema (`docs/snapshot.schema.json`) matches the code.

use std::path::Path;

#[test]
fn published_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/snapshot.schema.json");
    let text = std::fs::read_to_string(&path).expect("docs/snapshot.schema.json exists");
    let published: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(
        published == rampart_model::snapshot::json_schema(),
        "docs/snapshot.schema.json is stale: run `cargo run -p rampart-cli -- schema > docs/snapshot.schema.json`"
    );
}
