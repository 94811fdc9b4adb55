//! All 1,641 AWS managed policies (a snapshot of the iam-dataset corpus, shipped compressed in
//! `tests/data/`) parse without error, validate and evaluate without panicking, and a few
//! well-known ones get the verdicts everyone agrees on.

use std::collections::BTreeMap;
use std::io::Read;

use rampart_policy::analysis::{self, effective, escalations, is_full_admin};
use rampart_policy::eval::{Named, Request, RequestContext, evaluate_policy};
use rampart_policy::{Level, PolicyKind, parse_text};

fn corpus() -> (BTreeMap<String, String>, serde_json::Value) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/aws-managed-policies.tar.gz"
    );
    let file = std::fs::File::open(path).expect("corpus archive");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut policies = BTreeMap::new();
    let mut labels = serde_json::Value::Null;
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8");
        if let Some(p) = name
            .strip_prefix("policies/")
            .and_then(|n| n.strip_suffix(".json"))
        {
            policies.insert(p.to_owned(), text);
        } else if name == "labels.json" {
            labels = serde_json::from_str(&text).expect("labels");
        }
    }
    (policies, labels)
}

#[test]
fn every_managed_policy_parses_validates_and_evaluates() {
    let (policies, labels) = corpus();
    assert_eq!(policies.len(), 1641);
    assert_eq!(labels.as_object().map(serde_json::Map::len), Some(1641));
    let ctx = RequestContext::new();
    let mut evaluated = 0usize;
    for (name, text) in &policies {
        let outcome = parse_text(text, PolicyKind::Identity);
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let policy = outcome.policy.expect("policy");
        let _ = rampart_policy::validate::validate(&policy);
        for s in &policy.statements {
            for a in &s.action.items {
                let action = a.value.replace('*', "Get");
                for r in s.resource.iter().flat_map(|r| r.items.iter()) {
                    let resource = r.value.replace('*', "x");
                    let req = Request {
                        action: &action,
                        resource: &resource,
                        principal: None,
                        context: &ctx,
                    };
                    let _ = evaluate_policy(name, &policy, &req);
                    evaluated += 1;
                }
            }
        }
        let named = [Named {
            name,
            policy: &policy,
        }];
        let e = effective(&named);
        let _ = escalations(&e);
        let _ = analysis::cancellations(&e);
        let _ = analysis::wildcard_resources(&policy);
    }
    assert!(evaluated > 10_000, "{evaluated}");
}

#[test]
fn well_known_verdicts() {
    let (policies, _) = corpus();
    let get = |n: &str| {
        parse_text(&policies[n], PolicyKind::Identity)
            .policy
            .expect(n)
    };
    let amplify = get("AdministratorAccess-Amplify");
    assert!(!is_full_admin(&effective(&[Named {
        name: "a",
        policy: &amplify
    }])));
    let ro = get("ReadOnlyAccess");
    let e = effective(&[Named {
        name: "ro",
        policy: &ro,
    }]);
    assert!(!is_full_admin(&e));
    assert!(
        escalations(&e).is_empty(),
        "{:?}",
        escalations(&e)
            .iter()
            .map(|x| x.method.name)
            .collect::<Vec<_>>()
    );
    assert!(e.allows("s3:GetObject", true));
    assert!(!e.allows("s3:PutObject", false));
    let iam = get("IAMFullAccess");
    let e = effective(&[Named {
        name: "iam",
        policy: &iam,
    }]);
    let names: Vec<&str> = escalations(&e).iter().map(|x| x.method.name).collect();
    assert!(
        names.contains(&"attach-user-policy") && names.contains(&"create-policy-version"),
        "{names:?}"
    );
    // ViewOnlyAccess lists and describes, but reads no data.
    let vo = get("ViewOnlyAccess");
    let e = effective(&[Named {
        name: "vo",
        policy: &vo,
    }]);
    assert!(e.allows("ec2:DescribeInstances", false));
    assert!(!e.allows("s3:GetObject", false));
    assert!(escalations(&e).is_empty());
}

/// `parse_document` (the compact JSON text an Inventory `PolicyDocument` holds) answers exactly
/// as `parse_value` on the value that text writes: the same policy, the same diagnostics, the
/// same (absent) positions — on every managed policy of the corpus, as every kind, and on
/// documents that are not policies, policy text in a JSON string (whose positions are the
/// text's), and nesting deeper than the span parser takes.
#[test]
fn a_document_read_from_its_text_is_the_document_read_from_its_value() {
    let (policies, _) = corpus();
    let mut deep = serde_json::json!("x");
    for _ in 0..40 {
        deep = serde_json::json!([deep]);
    }
    let odd = [
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!([1, 2]),
        serde_json::json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 3],
            "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 1.5e3}, "Bool": {"aws:SecureTransport": false}}}]}),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root"]},
            "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/\u{e9}\"\\\n"}]}),
        serde_json::json!(
            "{\"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\",}]}"
        ),
        serde_json::json!("not json at all"),
        serde_json::json!({"Statement": [deep]}),
    ];
    let values = policies
        .values()
        .map(|t| serde_json::from_str::<serde_json::Value>(t).expect("corpus JSON"))
        .chain(odd);
    let mut compared = 0usize;
    for value in values {
        let text = value.to_string();
        for kind in [
            PolicyKind::Identity,
            PolicyKind::Resource,
            PolicyKind::Trust,
            PolicyKind::Boundary,
            PolicyKind::Scp,
            PolicyKind::Key,
            PolicyKind::Auto,
        ] {
            let old = rampart_policy::parse_value(&value, kind);
            let new = rampart_policy::parse_document(&text, kind);
            assert_eq!(new.policy, old.policy, "{kind:?}: {text}");
            assert_eq!(new.diagnostics, old.diagnostics, "{kind:?}: {text}");
            assert_eq!(
                rampart_policy::lint_document(&text, kind),
                rampart_policy::lint_value(&value, kind),
                "{kind:?}: {text}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, (1641 + 9) * 7);
    // Text with a repeated key (not what a `PolicyDocument` writes, but read as a value reads
    // it: first place, last value), in a small object and in one past the lookup map's size.
    let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 30)).collect();
    for text in [
        r#"{"Statement": [], "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#.to_owned(),
        format!(r#"{{"Statement": {{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {{"StringEquals": {{{}}}}}}}}}"#, many.join(", ")),
    ] {
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            rampart_policy::lint_document(&text, PolicyKind::Identity),
            rampart_policy::lint_value(&value, PolicyKind::Identity),
            "{text}"
        );
    }
}
