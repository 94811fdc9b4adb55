//! The same insecure account as a snapshot (`examples/shopify-backend`), as Terraform
//! (`examples/terraform`) and as CloudFormation (`examples/cloudformation`): for the controls the
//! IaC declares, the three give the same failures on the same resources (named as the console
//! names them: buckets, security groups, log groups).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rampart_model::snapshot::{self, Limits};
use rampart_model::{Inventory, Status};

/// Checks that judge only resources the IaC examples declare (account-level checks and checks
/// about resources outside the examples are out of scope for this comparison).
// Not EC2-009: it judges live and snapshot inputs only (its inputs are `LS`), so the runner gives
// no verdict on an IaC-only input, as `rampart scan` prints.
const COMPARED: &[&str] = &[
    "S3-001", "S3-002", "S3-003", "S3-004", "S3-005", "S3-006", "S3-100", "S3-101", "EC2-001",
    "EC2-002", "EC2-003", "EC2-004", "EC2-006", "LOGS-001",
];

fn names(inv: &Inventory) -> BTreeMap<String, String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(meta) = o.get("meta")
                    && let (Some(arn), Some(name)) = (
                        meta.get("arn").and_then(|x| x.as_str()),
                        meta.get("name").and_then(|x| x.as_str()),
                    )
                {
                    // Security groups are named by group name in IaC and by Name tag live.
                    let name = o.get("group_name").and_then(|x| x.as_str()).unwrap_or(name);
                    out.insert(arn.to_owned(), name.to_owned());
                }
                o.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(&serde_json::to_value(inv).expect("serializable"), &mut out);
    out
}

/// (check, resource name) of every failure of the compared checks, on resources named in `keep`.
fn failures(inv: &Inventory, keep: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let names = names(inv);
    common::audit(inv)
        .into_iter()
        .filter(|f| f.status == Status::Fail && COMPARED.contains(&f.check.as_str()))
        // S3-100 fails a live bucket whose Block Public Access is off anywhere ("can be made
        // public"); IaC that does not declare the account-level setting can only judge what the
        // bucket's own policy and ACL expose. Compare the failures both can make: exposures.
        .filter(|f| f.check != "S3-100" || exposes(f))
        .filter_map(|f| {
            let name = names.get(&f.resource)?.clone();
            keep.contains(&name).then_some((f.check, name))
        })
        .collect()
}

/// An S3-100 failure for a public policy statement or ACL grant in effect (S3-100 words each
/// exposure as "its policy: …" or "its ACL grants …").
fn exposes(f: &rampart_model::Finding) -> bool {
    f.message.contains("its policy:") || f.message.contains("its ACL grants")
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn terraform_cloudformation_and_snapshot_agree() {
    let mut snap = Inventory::default();
    let dir = repo().join("examples/shopify-backend");
    let mut parts: Vec<_> = std::fs::read_dir(&dir)
        .expect("example account")
        .flatten()
        .map(|e| e.path())
        .collect();
    parts.sort();
    for p in parts
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        snap.merge(snapshot::read(p, Limits::default()).expect("a valid snapshot part"));
    }
    let tf = common::read(&repo().join("examples/terraform"), &[]);
    assert!(tf.errors.is_empty(), "{:?}", tf.errors);
    let cfn = common::read(&repo().join("examples/cloudformation"), &[]);
    assert!(cfn.errors.is_empty(), "{:?}", cfn.errors);

    // The resources the IaC declares, by name.
    let declared: BTreeSet<String> = names(&tf.inventory).into_values().collect();
    let from_snapshot = failures(&snap, &declared);
    let from_tf = failures(&tf.inventory, &declared);
    let from_cfn = failures(&cfn.inventory, &declared);
    assert!(
        from_snapshot.len() >= 15,
        "too few failures to compare: {from_snapshot:?}"
    );
    let diff = |a: &BTreeSet<(String, String)>, b: &BTreeSet<(String, String)>| {
        a.symmetric_difference(b).cloned().collect::<Vec<_>>()
    };
    assert!(
        from_tf == from_snapshot,
        "Terraform vs snapshot differ on: {:?}",
        diff(&from_tf, &from_snapshot)
    );
    assert!(
        from_cfn == from_snapshot,
        "CloudFormation vs snapshot differ on: {:?}",
        diff(&from_cfn, &from_snapshot)
    );
}

/// S3 access points, IMDSv2 on launch templates and the Auto Scaling groups launching them
/// (issue 13's new resource types): the same account as a snapshot, Terraform and
/// CloudFormation gives the same verdicts by name.
#[test]
fn access_points_and_launch_templates_agree_across_sources() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/cross");
    let snap = snapshot::read(&dir.join("snapshot.json"), Limits::default()).expect("snapshot");
    let tf = common::read(&dir.join("tf"), &[]);
    let cfn = common::read(&dir.join("cfn/template.yaml"), &[]);
    let verdicts = |inv: &Inventory| -> BTreeSet<(String, String, String)> {
        let names = names(inv);
        common::audit(inv)
            .into_iter()
            .filter(|f| matches!(f.check.as_str(), "S3-102" | "EC2-054"))
            .filter(|f| matches!(f.status, Status::Fail | Status::Pass))
            .filter_map(|f| {
                let name = names.get(&f.resource)?.clone();
                Some((f.check, name, format!("{:?}", f.status)))
            })
            .collect()
    };
    let expected: BTreeSet<(String, String, String)> = [
        ("S3-102", "partner", "Fail"),
        ("S3-102", "internal", "Pass"),
        ("EC2-054", "web", "Fail"),
        ("EC2-054", "worker", "Pass"),
        ("EC2-054", "legacy", "Pass"),
        ("EC2-054", "legacy-private", "Fail"),
    ]
    .iter()
    .map(|(c, n, s)| ((*c).to_owned(), (*n).to_owned(), (*s).to_owned()))
    .collect();
    assert_eq!(verdicts(&snap), expected, "snapshot");
    assert_eq!(verdicts(&tf.inventory), expected, "Terraform");
    assert_eq!(verdicts(&cfn.inventory), expected, "CloudFormation");
    // The Auto Scaling group `web-asg` launches `web`: its failure names the group in each.
    let groups = |inv: &Inventory| -> Vec<serde_json::Value> {
        let names = names(inv);
        common::audit(inv)
            .into_iter()
            .filter(|f| f.check == "EC2-054" && f.status == Status::Fail)
            .filter(|f| names.get(&f.resource).map(String::as_str) == Some("web"))
            .map(|f| {
                f.evidence
                    .get("launched_by_groups")
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    };
    let web_asg = vec![serde_json::json!(["web-asg"])];
    assert_eq!(groups(&snap), web_asg, "snapshot");
    assert_eq!(groups(&tf.inventory), web_asg, "Terraform");
    assert_eq!(groups(&cfn.inventory), web_asg, "CloudFormation");
}

/// Launch configurations (a public address asked for by the configuration itself, EC2.25; the
/// group that launches it named in evidence) and encryption at rest of EFS, ElastiCache and
/// OpenSearch (ENC-3): the same verdicts by name from the snapshot, Terraform and
/// CloudFormation.
#[test]
fn launch_configurations_groups_and_data_stores_agree_across_sources() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/cross");
    let snap = snapshot::read(&dir.join("snapshot.json"), Limits::default()).expect("snapshot");
    let tf = common::read(&dir.join("tf"), &[]);
    assert!(tf.errors.is_empty(), "{:?}", tf.errors);
    let cfn = common::read(&dir.join("cfn/template.yaml"), &[]);
    assert!(cfn.errors.is_empty(), "{:?}", cfn.errors);
    let wanted = [
        "legacy",
        "legacy-private",
        "files",
        "scratch",
        "sessions",
        "search",
    ];
    let verdicts = |inv: &Inventory| -> BTreeSet<(String, String, String, String)> {
        let names = names(inv);
        common::audit(inv)
            .into_iter()
            .filter(|f| matches!(f.check.as_str(), "EC2-055" | "EC2-054" | "STORE-001"))
            .filter_map(|f| {
                let name = names.get(&f.resource)?.clone();
                wanted.contains(&name.as_str()).then(|| {
                    let groups = f
                        .evidence
                        .get("launched_by_groups")
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    (f.check, name, format!("{:?}", f.status), groups)
                })
            })
            .collect()
    };
    let expected: BTreeSet<(String, String, String, String)> = [
        ("EC2-055", "legacy", "Fail", r#"["legacy-asg"]"#),
        ("EC2-055", "legacy-private", "Pass", ""),
        ("EC2-054", "legacy", "Pass", ""),
        ("EC2-054", "legacy-private", "Fail", ""),
        ("STORE-001", "files", "Pass", ""),
        ("STORE-001", "scratch", "Fail", ""),
        ("STORE-001", "sessions", "Fail", ""),
        ("STORE-001", "search", "Pass", ""),
    ]
    .iter()
    .map(|(c, n, s, g)| {
        (
            (*c).to_owned(),
            (*n).to_owned(),
            (*s).to_owned(),
            (*g).to_owned(),
        )
    })
    .collect();
    assert_eq!(verdicts(&snap), expected, "snapshot");
    assert_eq!(verdicts(&tf.inventory), expected, "Terraform");
    assert_eq!(verdicts(&cfn.inventory), expected, "CloudFormation");
}
