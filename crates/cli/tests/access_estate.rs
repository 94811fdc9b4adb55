//! `rampart access who-can` and IAM-109 pinned on a hand-built estate
//! (`tests/fixtures/access-estate`, one account, the same principals in a member account and in
//! the organization's management account). The rules, from the IAM User Guide ("Policy
//! evaluation logic", "How IAM roles differ from resource-based policies") and the AWS
//! Organizations User Guide ("Service control policies"):
//! - assuming a role needs both the role's trust policy and the caller's identity policy; a
//!   trust policy naming the account (`"AWS": "111111111111"`) delegates to identity policies,
//!   one naming ARNs admits only those, one naming a service admits no user or role;
//! - a Deny in a permissions boundary or in an SCP wins;
//! - SCPs do not apply to service-linked roles, nor to the management account.
//!
//! Principals: alice (may assume hop1, which trusts only her), bob (`sts:AssumeRole` on `*`),
//! carol (`s3:GetObject` but a boundary denying `s3:*`), erin (may assume svc-admin, which
//! trusts only EC2), frank (may assume `blocked`, which an SCP forbids); roles hop1 (may assume
//! hop2 and admin), hop2 (trusts the account, reads `data`), admin, svc-admin (administrators),
//! blocked, bounded (a boundary denying `sts:AssumeRole`), and a service-linked role that reads
//! everything. The OU's SCP denies `sts:AssumeRole` on `blocked` and `s3:GetObject` on
//! `data/secret/*`.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const A: &str = "arn:aws:iam::111111111111";

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/access-estate")
}

/// Each listed principal (short name) with the targets of its hops, in order.
fn who_can(snapshot: &str, resource: &str) -> Vec<(String, Vec<String>)> {
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(fixture())
        .args([
            "access",
            "who-can",
            "--action",
            "s3:GetObject",
            "--resource",
        ])
        .args([resource, snapshot, "--format", "json"])
        .output()
        .expect("rampart runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let short = |v: &Value| {
        v.as_str()
            .and_then(|s| s.rsplit('/').next())
            .unwrap_or_default()
            .to_owned()
    };
    let mut rows: Vec<(String, Vec<String>)> = v["principals"]
        .as_array()
        .expect("principals")
        .iter()
        .map(|r| {
            let path = r["path"].as_array().expect("path");
            // Every hop names the statements that allowed it, and is a role assumption here.
            for h in path {
                assert_eq!(h["method"], "assume-role", "{r}");
                assert!(
                    h["statements"].as_array().is_some_and(|s| !s.is_empty()),
                    "{r}"
                );
            }
            (
                short(&r["principal"]),
                path.iter().map(|h| short(&h["to"])).collect(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn rows(spec: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = spec
        .iter()
        .map(|(p, path)| {
            (
                (*p).to_owned(),
                path.iter().map(|s| (*s).to_owned()).collect(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn who_can_follows_trust_boundaries_and_scps_hop_by_hop() {
    let got = who_can("member.json", "arn:aws:s3:::data/k");
    assert_eq!(
        got,
        rows(&[
            // Two hops: hop1 trusts alice by ARN, hop2 trusts the account and hop1's policy.
            ("alice", &["hop1", "hop2"]),
            // One hop: only hop2 trusts the account and lets bob in (hop1 and admin name other
            // callers, svc-admin trusts EC2 only, the SCP forbids `blocked`).
            ("bob", &["hop2"]),
            ("hop1", &["hop2"]),
            ("hop2", &[]),
            ("admin", &[]),
            ("svc-admin", &[]),
            ("blocked", &[]),
            ("AWSServiceRoleForSupport", &[]),
        ])
    );
    // carol (boundary Deny), erin (service-only trust), frank (SCP Deny) and bounded are out.
}

#[test]
fn scps_spare_service_linked_roles_and_the_management_account() {
    // The SCP denies `data/secret/*` to everyone but the service-linked role.
    assert_eq!(
        who_can("member.json", "arn:aws:s3:::data/secret/k"),
        rows(&[("AWSServiceRoleForSupport", &[])])
    );
    // In the management account no SCP applies: frank may now assume `blocked`.
    assert_eq!(
        who_can("management.json", "arn:aws:s3:::data/secret/k"),
        rows(&[
            ("alice", &["hop1", "hop2"]),
            ("bob", &["hop2"]),
            ("frank", &["blocked"]),
            ("hop1", &["hop2"]),
            ("hop2", &[]),
            ("admin", &[]),
            ("svc-admin", &[]),
            ("blocked", &[]),
            ("AWSServiceRoleForSupport", &[]),
        ])
    );
}

#[test]
fn escalation_paths_on_the_same_estate() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("report.json");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(fixture())
        .args([
            "scan",
            "member.json",
            "--checks",
            "IAM-109",
            "--include-passed",
        ])
        .args(["--format", "json", "-o"])
        .arg(&out)
        .output()
        .expect("rampart runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    let mut got: Vec<(String, String, Value)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "IAM-109")
        .map(|f| {
            let name = f["resource"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .unwrap_or_default()
                .to_owned();
            let path: Vec<Value> = f["evidence"]["path"]
                .as_array()
                .map(|p| p.iter().map(|h| json!([h["to"], h["method"]])).collect())
                .unwrap_or_default();
            (
                name,
                f["status"].as_str().unwrap_or_default().to_owned(),
                json!(path),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let hop = |role: &str| json!([format!("{A}:role/{role}"), "assume-role"]);
    let pass = json!([]);
    let mut want = vec![
        // Two-hop assumption to an administrator.
        ("alice", "fail", json!([hop("hop1"), hop("admin")])),
        ("hop1", "fail", json!([hop("admin")])),
        // hop2 trusts the account, but no administrator trusts bob or hop2.
        ("bob", "pass", pass.clone()),
        ("carol", "pass", pass.clone()),
        // svc-admin trusts EC2 only.
        ("erin", "pass", pass.clone()),
        // The SCP denies assuming `blocked` (which is no administrator anyway).
        ("frank", "pass", pass.clone()),
        ("hop2", "pass", pass.clone()),
        ("admin", "pass", pass.clone()),
        ("svc-admin", "pass", pass.clone()),
        ("blocked", "pass", pass.clone()),
        // admin trusts it, but its boundary denies sts:AssumeRole.
        ("bounded", "pass", pass.clone()),
    ];
    want.sort_by(|a, b| a.0.cmp(b.0));
    let want: Vec<(String, String, Value)> = want
        .into_iter()
        .map(|(n, s, p)| (n.to_owned(), s.to_owned(), p))
        .collect();
    // The service-linked role is no principal to judge (AWS manages it).
    assert_eq!(got, want);
}
