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

/// The checks of this helper's areas (ROOT, IAM, EC2-05x, RDS, DDB, RS, KMS-00x, SM, SSM, LAMBDA,
/// ECS, TAG), whose findings on their failing fixtures are kept as insta snapshots: a change to
/// a message, to evidence or to what is redacted shows up in review.
#[cfg(test)]
mod snapshots {
    use std::path::Path;

    use rampart_model::{Inventory, Timestamp};

    use crate::config::Config;
    use crate::context::Context;
    use crate::registry;

    const PREFIXES: &[&str] = &[
        "ROOT-", "IAM-0", "EC2-05", "RDS-", "DDB-", "RS-", "KMS-0", "SM-", "SSM-", "LAMBDA-",
        "ECS-", "TAG-",
    ];

    #[test]
    fn findings_on_failing_fixtures() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let config = Config::default();
        let mut all = Vec::new();
        for check in registry::all() {
            let code = check.meta().code;
            if !PREFIXES.iter().any(|p| code.starts_with(p)) {
                continue;
            }
            let path = dir.join(code).join("fail.json");
            let text = std::fs::read_to_string(&path).expect("fixture");
            let inventory: Inventory = serde_json::from_str(&text).expect("fixture inventory");
            let now = Timestamp::parse("2026-11-01T00:00:00Z").expect("timestamp");
            let ctx = Context::new(&inventory, &config, now);
            for f in crate::runner::run(&ctx, &[check]).findings {
                all.push(serde_json::json!({
                    "check": f.check,
                    "status": f.status,
                    "resource": f.resource,
                    "message": f.message,
                    "evidence": f.evidence,
                }));
            }
        }
        insta::assert_json_snapshot!(all);
    }
}
