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
