//! Test support for the checks of this crate's areas: run one check over an Inventory written
//! as JSON, with a given configuration, and look at the results by status.

use rampart_model::{Finding, Inventory, Status, Timestamp};

use crate::check::Check;
use crate::config::Config;
use crate::context::Context;

/// Runs `check` over the Inventory `json` (with gaps applied, as the runner does).
pub(crate) fn run(check: &dyn Check, json: serde_json::Value, config: &Config) -> Vec<Finding> {
    let inventory: Inventory = serde_json::from_value(json).expect("test inventory");
    let now = inventory
        .collected_at
        .unwrap_or_else(|| Timestamp::parse("2026-11-01T00:00:00Z").expect("timestamp"));
    let ctx = Context::new(&inventory, config, now);
    crate::runner::run(&ctx, &[check]).findings
}

/// The statuses of `findings`, in order.
pub(crate) fn statuses(findings: &[Finding]) -> Vec<Status> {
    findings.iter().map(|f| f.status).collect()
}

/// An Inventory of one account (`111122223333`) with `account` merged into it and, when given,
/// one region `us-east-1` holding `region`.
pub(crate) fn inventory(
    account: serde_json::Value,
    region: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut a = serde_json::json!({"id": "111122223333"});
    if let (Some(a), Some(extra)) = (a.as_object_mut(), account.as_object()) {
        a.extend(extra.clone());
    }
    if let Some(mut r) = region {
        if let Some(r) = r.as_object_mut() {
            r.insert("name".into(), "us-east-1".into());
        }
        a["regions"] = serde_json::json!([r]);
    }
    serde_json::json!({"collected_at": "2026-11-01T00:00:00Z", "accounts": [a]})
}
