//! `docs/iam-policy.json` is the minimal policy for the collector: exactly the actions of the
//! allow-list. Regenerate it with `RAMPART_BLESS=1 cargo test -p rampart-collect-aws --test iam_policy`.

use std::path::Path;

use rampart_collect_aws::allow::{ALLOW_LIST, iam_policy};

#[test]
fn docs_policy_matches_the_allow_list() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/iam-policy.json");
    let expected = iam_policy();
    if std::env::var_os("RAMPART_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&expected).expect("serialize") + "\n";
        std::fs::write(&path, text).expect("write docs/iam-policy.json");
    }
    let text = std::fs::read_to_string(&path).expect("docs/iam-policy.json exists");
    let actual: serde_json::Value =
        serde_json::from_str(&text).expect("docs/iam-policy.json is JSON");
    assert_eq!(
        actual, expected,
        "docs/iam-policy.json is out of date: RAMPART_BLESS=1 cargo test -p rampart-collect-aws --test iam_policy"
    );
}

#[test]
fn policy_is_read_only_and_covers_every_call() {
    let policy = iam_policy();
    let statements = policy["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    let actions: Vec<&str> = statements[0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    for a in ALLOW_LIST {
        assert!(actions.contains(&a.action), "{} missing", a.action);
    }
    for action in &actions {
        let name = action.split_once(':').expect("prefix").1;
        assert!(
            ["List", "Get", "Describe"]
                .iter()
                .any(|p| name.starts_with(p))
                || ["AssumeRole", "GenerateCredentialReport"].contains(&name),
            "{action} is not a read"
        );
        assert!(!action.contains('*'), "{action}: no wildcards");
    }
}
