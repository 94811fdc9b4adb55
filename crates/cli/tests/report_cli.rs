//! `rampart scan` with the report options: every `--format`, waivers from `rampart.toml`,
//! `--baseline` and `--compliance`, end to end through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn snapshot(dir: &Path, buckets: &[(&str, &str)]) -> PathBuf {
    let buckets: Vec<Value> = buckets
        .iter()
        .map(|(name, versioning)| {
            json!({
                "meta": { "arn": format!("arn:aws:s3:::{name}"), "name": name },
                "region": "eu-west-1",
                "versioning": versioning,
            })
        })
        .collect();
    let snap = json!({
        "format": "rampart-snapshot",
        "version": 1,
        "created_by": "test",
        "inventory": {
            "collected_at": "2026-11-01T00:00:00Z",
            "accounts": [{ "id": "111122223333", "buckets": buckets }],
        },
    });
    let path = dir.join(format!("snap-{}.json", buckets.len()));
    std::fs::write(&path, serde_json::to_vec_pretty(&snap).expect("json")).expect("write");
    path
}

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rampart")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn base_buckets() -> Vec<(&'static str, &'static str)> {
    vec![
        ("shop-assets", "disabled"),
        (HOSTILE, "suspended"),
        ("shop-backups", "enabled"),
    ]
}

#[test]
fn every_format_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = snapshot(dir.path(), &base_buckets());
    let snap = snap.to_str().expect("utf-8");
    for format in [
        "text", "json", "sarif", "ocsf", "asff", "junit", "csv", "html",
    ] {
        let out = dir.path().join(format!("report.{format}"));
        let o = rampart(
            dir.path(),
            &[
                "scan",
                snap,
                "--checks",
                "S3-003",
                "--format",
                format,
                "-o",
                out.to_str().expect("path"),
            ],
        );
        assert_eq!(
            code(&o),
            1,
            "{format}: failures exit 1: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(&out).expect("report written");
        assert!(!text.is_empty(), "{format}");
        match format {
            "json" | "sarif" | "asff" => {
                serde_json::from_str::<Value>(&text).expect("JSON");
            }
            "ocsf" => assert_eq!(text.lines().count(), 2, "one event per failure"),
            "html" => assert!(!text.contains(HOSTILE), "the hostile name is escaped"),
            _ => {}
        }
    }
}

#[test]
fn waivers_from_the_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = snapshot(dir.path(), &base_buckets());
    let snap = snap.to_str().expect("utf-8");
    std::fs::write(
        dir.path().join("rampart.toml"),
        r#"
[[waivers]]
check = "S3-003"
resource = "arn:aws:s3:::*"
reason = "versioning is handled by the backup vault"
expires = "2999-12-31"

[[waivers]]
check = "S3-003"
resource = "arn:aws:s3:::old-*"
reason = "bucket is being deleted"
"#,
    )
    .expect("config");
    let o = rampart(
        dir.path(),
        &["scan", snap, "--checks", "S3-003", "--format", "json"],
    );
    assert_eq!(
        code(&o),
        0,
        "every failure is waived: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["status"] == "waived"
        && f["waiver_reason"] == "versioning is handled by the backup vault"));
    assert_eq!(v["summary"]["by_status"]["waived"], 2);
    let warnings = v["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["kind"], "unused-waiver");
    assert_eq!(warnings[0]["waiver"]["resource"], "arn:aws:s3:::old-*");

    // Expired: the failures count again, and the report says why.
    std::fs::write(
        dir.path().join("rampart.toml"),
        "[[waivers]]\ncheck = \"S3-003\"\nresource = \"*\"\nreason = \"temporary\"\nexpires = \"2020-01-01\"\n",
    )
    .expect("config");
    let o = rampart(
        dir.path(),
        &["scan", snap, "--checks", "S3-003", "--format", "json"],
    );
    assert_eq!(code(&o), 1);
    let v = json_of(&o);
    assert_eq!(v["warnings"][0]["kind"], "expired-waiver");
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["status"] == "fail")
    );

    // An unreadable date is an error (exit 2) naming the waiver.
    std::fs::write(
        dir.path().join("rampart.toml"),
        "[[waivers]]\ncheck = \"S3-003\"\nresource = \"*\"\nreason = \"x\"\nexpires = \"soon\"\n",
    )
    .expect("config");
    let o = rampart(dir.path(), &["scan", snap, "--checks", "S3-003"]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("waiver #1") && err.contains("soon") && err.contains("rampart.toml"),
        "{err}"
    );
}

#[test]
fn a_baseline_only_counts_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = snapshot(dir.path(), &base_buckets());
    let baseline = dir.path().join("baseline.json");
    let o = rampart(
        dir.path(),
        &[
            "scan",
            snap.to_str().expect("utf-8"),
            "--checks",
            "S3-003",
            "--format",
            "json",
            "-o",
            baseline.to_str().expect("p"),
        ],
    );
    assert_eq!(code(&o), 1);

    let o = rampart(
        dir.path(),
        &[
            "scan",
            snap.to_str().expect("utf-8"),
            "--checks",
            "S3-003",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        code(&o),
        0,
        "nothing new: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    assert_eq!(v["baseline"]["unchanged"], 2);
    assert_eq!(v["baseline"]["new"], 0);

    let mut more = base_buckets();
    more.push(("new-bucket", "disabled"));
    let snap2 = snapshot(dir.path(), &more);
    let o = rampart(
        dir.path(),
        &[
            "scan",
            snap2.to_str().expect("utf-8"),
            "--checks",
            "S3-003",
            "--baseline",
            "baseline.json",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(code(&o), 1, "a new failure counts");
    let v = json_of(&o);
    let states: Vec<(&str, &str)> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .expect("fqn"),
                r["baselineState"].as_str().expect("state"),
            )
        })
        .collect();
    assert!(states.contains(&("arn:aws:s3:::new-bucket", "new")));
    assert!(states.contains(&("arn:aws:s3:::shop-assets", "unchanged")));

    std::fs::write(dir.path().join("bad.json"), "{\n  \"findings\": {}\n}\n").expect("write");
    let o = rampart(
        dir.path(),
        &[
            "scan",
            snap.to_str().expect("utf-8"),
            "--baseline",
            "bad.json",
        ],
    );
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json:2:"), "{err}");
}

#[test]
fn compliance_lists_every_control() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = snapshot(dir.path(), &base_buckets());
    for (framework, count) in [("cis-3.0", 62), ("cis-6.0", 63), ("fsbp", 190)] {
        let o = rampart(
            dir.path(),
            &[
                "scan",
                snap.to_str().expect("utf-8"),
                "--compliance",
                framework,
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&o), 1);
        let v = json_of(&o);
        let controls = v["compliance"]["controls"].as_array().expect("controls");
        assert_eq!(controls.len(), count, "{framework}");
        for c in controls {
            let status = c["status"].as_str().expect("status");
            assert!(["pass", "fail", "not_assessed", "manual"].contains(&status));
        }
        if framework == "fsbp" {
            let s3 = controls.iter().find(|c| c["id"] == "S3.14").expect("S3.14");
            assert_eq!(s3["status"], "fail", "S3-003 maps to S3.14 and fails");
        }
    }
    let o = rampart(
        dir.path(),
        &[
            "scan",
            snap.to_str().expect("utf-8"),
            "--compliance",
            "cis-3.0",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("COMPLIANCE: CIS Amazon Web Services Foundations Benchmark v3.0.0"),
        "{text}"
    );
}
