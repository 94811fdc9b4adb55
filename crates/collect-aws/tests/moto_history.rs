//! Scan history against the emulated account (issue 16): the seeded moto account is scanned
//! into a store, the harness then fixes five of its problems and adds two (`fix_moto.py`, which
//! mutates moto with boto3 — the collector never does), the account is scanned again, and
//! `rampart diff --format json` must say exactly five resolved, two new, nothing changed and the
//! rest unchanged — in a SQLite store and in a PostgreSQL one (a throwaway server started by the
//! store tests' harness, `crates/store/tests/support/pg.rs`).
//!
//! Both stores record scans of the same two states of the account: the scans into each store
//! are made one after the other, before and after the fix, so the two diffs must be identical.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;
#[path = "common/moto_server.rs"]
mod moto_server;
use moto_server::{Moto, live_flags, rampart, seed, venv_python};
#[path = "../../store/tests/support/pg.rs"]
mod pg;

/// `rampart scan aws --store=STORE`; returns the number of results in the printed report.
fn scan(moto: &Moto, store: &str, out: &Path) -> usize {
    let run = rampart()
        .env_remove("RAMPART_STORE")
        .args(["scan", "aws", "--format", "json", "-o"])
        .arg(out)
        .arg(format!("--store={store}"))
        .args(live_flags(moto))
        .output()
        .expect("run rampart scan");
    // The seeded account fails checks: exit 1 (2 would be an incomplete run or a store error).
    assert_eq!(
        run.status.code(),
        Some(1),
        "rampart scan aws --store={store}\nstderr:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(out).expect("report written")).expect("JSON");
    report["findings"].as_array().expect("findings").len()
}

fn pairs(list: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = list
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or_default().to_owned(),
                f["resource"].as_str().unwrap_or_default().to_owned(),
                f["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn two_scans_of_the_emulated_account_diff_as_five_resolved_two_new() {
    let moto = Moto::start();
    let manifest = seed(&moto);
    let dir = tempfile::tempdir().expect("tempdir");
    let server = pg::Pg::start();
    let stores = [
        format!("sqlite:{}", dir.path().join("history.sqlite").display()),
        server.database("moto_history"),
    ];

    let before: Vec<usize> = stores
        .iter()
        .map(|s| scan(&moto, s, &dir.path().join("before.json")))
        .collect();
    assert_eq!(before[0], before[1], "two scans of one state differ");

    let manifest_path = dir.path().join("manifest.json");
    std::fs::write(&manifest_path, manifest.to_string()).expect("write manifest");
    let fix = Command::new(venv_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fix_moto.py"))
        .arg(moto.url())
        .arg(&manifest_path)
        .output()
        .expect("run fix_moto.py");
    assert!(
        fix.status.success(),
        "fix_moto.py failed:\n{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    for store in &stores {
        scan(&moto, store, &dir.path().join("after.json"));
    }

    let account = "123456789012";
    let keys = |region: &str, which: &str| {
        let id = manifest["per_region"][region]["keys"][which]
            .as_str()
            .expect("key id");
        format!("arn:aws:kms:{region}:{account}:key/{id}")
    };
    let log_group =
        |region: &str, name: &str| format!("arn:aws:logs:{region}:{account}:log-group:{name}");
    let fail = |check: &str, resource: String| (check.to_owned(), resource, "fail".to_owned());
    let mut resolved = vec![
        fail("LOGS-001", log_group("us-east-1", "bad-no-retention-use1")),
        fail("KMS-001", keys("us-east-1", "no_rotation")),
        fail(
            "BACKUP-003",
            format!("arn:aws:backup:us-east-1:{account}:backup-vault:bad-unlocked-use1"),
        ),
        fail(
            "LAMBDA-002",
            format!("arn:aws:lambda:eu-west-1:{account}:function:bad-fn-euw1"),
        ),
        // The template's new default version takes no public IP: the collector judges the
        // default version, and nothing else about the template changed.
        fail(
            "EC2-055",
            format!(
                "arn:aws:ec2:us-east-1:{account}:launch-template/{}",
                manifest["per_region"]["us-east-1"]["bad_lt"]
                    .as_str()
                    .expect("template id")
            ),
        ),
    ];
    resolved.sort();
    let mut new = vec![
        fail("KMS-001", keys("eu-west-1", "rotated")),
        fail("LOGS-001", log_group("eu-west-1", "good-retained-euw1")),
    ];
    new.sort();

    for store in &stores {
        let out = rampart()
            .env_remove("RAMPART_STORE")
            .args(["diff", &format!("--store={store}"), "--format", "json"])
            .output()
            .expect("run rampart diff");
        let diff: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "diff JSON from {store}: {e}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let shown = serde_json::to_string_pretty(&serde_json::json!({
            "new": pairs(&diff["new"]),
            "resolved": pairs(&diff["resolved"]),
            "changed": diff["changed"],
        }))
        .unwrap_or_default();
        assert_eq!(pairs(&diff["resolved"]), resolved, "{store}: {shown}");
        assert_eq!(pairs(&diff["new"]), new, "{store}: {shown}");
        assert_eq!(
            diff["changed"].as_array().map(Vec::len),
            Some(0),
            "{store}: {shown}"
        );
        assert_eq!(
            diff["unchanged"].as_u64(),
            Some((before[0] - 5) as u64),
            "{store}: the rest unchanged"
        );
        // A new failure at or above the default `--fail-on` threshold: exit 1 for CI.
        assert_eq!(out.status.code(), Some(1), "{store}");
    }
}
