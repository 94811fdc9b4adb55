//! End to end: the `rampart` binary on the bundled example account and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rampart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run rampart")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> String {
    repo_root()
        .join("examples/shopify-backend")
        .display()
        .to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_report(args: &[&str]) -> (i32, serde_json::Value) {
    let o = rampart(args);
    let code = o.status.code().expect("exit code");
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
    (code, v)
}

#[test]
fn example_audit_follows_the_json_contract() {
    let (code, report) = json_report(&["scan", &example(), "--format", "json"]);
    assert_eq!(
        code, 1,
        "the example account has failures, so the exit code is 1"
    );
    assert_eq!(report["tool"]["name"], "rampart");
    assert!(report["tool"]["version"].is_string());
    assert!(report["inputs"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(report["gaps"].is_array());
    assert!(report["summary"]["by_status"]["fail"].as_u64().unwrap_or(0) > 0);
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "check",
            "name",
            "controls",
            "severity",
            "status",
            "resource",
            "message",
            "evidence",
            "remediation",
        ] {
            assert!(f.get(key).is_some(), "finding without `{key}`: {f}");
        }
        let status = f["status"].as_str().expect("status");
        assert!(
            ["fail", "not_assessed", "manual", "waived"].contains(&status),
            "passes are not listed by default: {f}"
        );
        let sev = f["severity"].as_str().expect("severity");
        assert!(["critical", "high", "medium", "low", "info"].contains(&sev));
        assert!(f["controls"].as_array().is_some_and(|c| !c.is_empty()));
        if status == "fail" {
            assert!(f["account"].is_string(), "a failure names its account: {f}");
        }
    }
    // Manual controls are listed in every report.
    for control in ["ENC-6", "LOG-11", "APP-3"] {
        assert!(
            findings.iter().any(|f| f["status"] == "manual"
                && f["controls"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|x| x == control))),
            "manual control {control} missing"
        );
    }
}

#[test]
fn include_passed_lists_passes_and_fail_on_sets_the_exit_code() {
    let (_, all) = json_report(&["scan", &example(), "--format", "json", "--include-passed"]);
    let findings = all["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["status"] == "pass"));
    let passes = findings.iter().filter(|f| f["status"] == "pass").count() as u64;
    assert_eq!(
        all["summary"]["by_status"]["pass"].as_u64().unwrap_or(0),
        passes
    );

    let (code, r) = json_report(&[
        "scan",
        &example(),
        "--format",
        "json",
        "--checks",
        "S3-003",
        "--fail-on",
        "critical",
    ]);
    assert!(
        r["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["check"] == "S3-003"))
    );
    assert_eq!(code, 0, "S3-003 is medium: nothing at or above critical");
}

#[test]
fn every_automated_check_fails_somewhere_on_the_example_account() {
    let (_, report) = json_report(&["scan", &example(), "--format", "json"]);
    let failed: std::collections::BTreeSet<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .filter_map(|f| f["check"].as_str().map(str::to_owned))
        .collect();
    let o = rampart(&["checks", "list", "--format", "json"]);
    let checks: serde_json::Value = serde_json::from_slice(&o.stdout).expect("checks list JSON");
    let silent: Vec<String> = checks
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c["manual"] == false)
        .filter(|c| {
            c["inputs"]
                .as_array()
                .is_some_and(|i| i.iter().any(|x| x == "snapshot"))
        })
        .filter_map(|c| c["check"].as_str().map(str::to_owned))
        .filter(|code| !failed.contains(code))
        // S3-001 can fail only on a scan dated before 2023-01-05: S3 has encrypted every bucket
        // with SSE-S3 since then (its fixtures hold such a scan).
        .filter(|code| code != "S3-001")
        .collect();
    assert!(
        silent.is_empty(),
        "checks that never fail on the example account: {silent:?}"
    );
}

#[test]
fn text_report_has_evidence_fix_and_summary() {
    let o = rampart(&["scan", &example()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("fix:"));
    assert!(out.contains("MANUAL"));
    // The summary comes first, before the findings.
    let summary = out
        .lines()
        .position(|l| l.contains(" failed, ") && l.contains("checks over"))
        .unwrap_or_else(|| panic!("summary line:\n{out}"));
    let first_fix = out.lines().position(|l| l.contains("fix:")).expect("a fix");
    assert!(summary < first_fix, "summary after the findings");
    assert!(out.contains("failures by severity: "));
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn checks_list_json_and_explain() {
    let o = rampart(&["checks", "list", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let list = v.as_array().expect("array");
    for c in list {
        for key in [
            "check",
            "name",
            "controls",
            "severity",
            "title",
            "inputs",
            "compliance",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    let o = rampart(&["checks", "explain", "s3-003"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("bucket-without-versioning")
            && text.contains("aws s3api put-bucket-versioning")
    );
    let o = rampart(&["checks", "explain", "NOPE-999"]);
    assert_eq!(o.status.code(), Some(2));
}

fn write_temp(name: &str, content: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write");
    let p = path.display().to_string();
    (dir, p)
}

#[test]
fn malformed_snapshot_is_located_and_exits_2() {
    let (_d, p) = write_temp(
        "bad.json",
        b"{\n  \"format\": \"rampart-snapshot\",\n  \"version\": 1,\n  \"inventory\": {\"accounts\": [],}\n}\n",
    );
    let o = rampart(&["scan", &p]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{p}:4:")),
        "file:line:column expected: {err}"
    );
    assert!(!err.contains("panicked"));
    assert!(o.stdout.is_empty(), "no partial report on failure");
}

#[test]
fn wrong_types_are_located() {
    let (_d, p) = write_temp(
        "types.json",
        b"{\"format\": \"rampart-snapshot\", \"version\": 1,\n\"inventory\": {\"accounts\": [{\"id\": 12}]}}",
    );
    let o = rampart(&["scan", &p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{p}:2:")), "{}", stderr(&o));
}

#[test]
fn newer_snapshot_is_refused() {
    let (_d, p) = write_temp(
        "new.json",
        b"{\"format\": \"rampart-snapshot\", \"version\": 99, \"created_by\": \"rampart 9.0\", \"inventory\": {}}",
    );
    let o = rampart(&["scan", &p]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("version 99") && err.contains("upgrade rampart"),
        "{err}"
    );
}

#[test]
fn deeply_nested_snapshot_is_an_error_not_a_crash() {
    let mut doc = String::from(
        "{\"format\": \"rampart-snapshot\", \"version\": 1, \"inventory\": {\"accounts\": [{\"id\": \"1\", \"iam\": {\"policies\": [{\"meta\": {\"arn\": \"a\", \"name\": \"n\"}, \"aws_managed\": false, \"document\": ",
    );
    doc.push_str(&"[".repeat(100_000));
    doc.push_str(&"]".repeat(100_000));
    doc.push_str("}]}}]}}");
    let (_d, p) = write_temp("deep.json", doc.as_bytes());
    let o = rampart(&["scan", &p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("recursion limit"), "{}", stderr(&o));
}

#[test]
fn huge_snapshot_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    // A sparse 1 GiB file that starts like a snapshot: no disk is used, but its size is over
    // the limit, so it must be refused before it is read.
    f.set_len(1 << 30).expect("set_len");
    drop(f);
    {
        use std::io::{Seek, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        f.seek(std::io::SeekFrom::Start(0)).expect("seek");
        f.write_all(b"{\"format\": \"rampart-snapshot\", \"version\": 1, \"inventory\": ")
            .expect("write");
    }
    let o = rampart(&["scan", &path.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("larger than"), "{err}");
}

#[test]
fn missing_input_exits_2() {
    let o = rampart(&["scan", "/nonexistent/snapshot.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));
}

#[test]
fn zstd_snapshot_gives_the_same_audit() {
    let (_, plain) = json_report(&["scan", &example(), "--format", "json", "--include-passed"]);
    // Write the merged example as one compressed snapshot, then scan it.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut merged = rampart_model::Inventory::default();
    let mut parts: Vec<_> = std::fs::read_dir(example())
        .expect("example dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    parts.sort();
    for p in parts {
        merged.merge(
            rampart_model::snapshot::read(&p, rampart_model::snapshot::Limits::default())
                .expect("part"),
        );
    }
    let zst = dir.path().join("example.json.zst");
    rampart_model::snapshot::write(&zst, &merged).expect("write zst");
    let (_, packed) = json_report(&[
        "scan",
        &zst.display().to_string(),
        "--format",
        "json",
        "--include-passed",
    ]);
    assert_eq!(
        plain["summary"]["by_status"],
        packed["summary"]["by_status"]
    );
    assert_eq!(
        plain["findings"].as_array().map(Vec::len),
        packed["findings"].as_array().map(Vec::len)
    );
}

/// The collector's minimal IAM policy passes rampart's own lint: nothing fails, and the only
/// findings are the three waived, with reasons, in `docs/iam-policy.rampart.toml`.
#[test]
fn the_shipped_iam_policy_is_clean_under_policy_lint() {
    let out = rampart(&[
        "policy",
        "lint",
        "docs/iam-policy.json",
        "--config",
        "docs/iam-policy.rampart.toml",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    for f in findings {
        assert_eq!(f["status"], "waived", "{f}");
        assert!(
            ["IAM-101", "IAM-107", "IAM-108"].contains(&f["check"].as_str().unwrap_or_default()),
            "an unexpected finding on the shipped policy: {f}"
        );
    }
    assert!(report["summary"]["by_status"]["pass"].as_u64().unwrap_or(0) >= 5);
}

/// A scan that does not list passes only counts them (and gaps still withdraw theirs): its
/// summary, compliance view and listed findings equal those of a scan that keeps every pass.
#[test]
fn counting_passes_gives_the_same_report_as_keeping_them() {
    let ex = example();
    let (_, counted) = json_report(&["scan", &ex, "--format", "json", "--compliance", "cis-3.0"]);
    let (_, kept) = json_report(&[
        "scan",
        &ex,
        "--format",
        "json",
        "--compliance",
        "cis-3.0",
        "--include-passed",
    ]);
    assert_eq!(counted["summary"], kept["summary"]);
    assert_eq!(counted["compliance"], kept["compliance"]);
    assert!(
        counted["summary"]["by_status"]["pass"]
            .as_u64()
            .unwrap_or(0)
            > 100
    );
    assert!(
        counted["summary"]["by_status"]["not_assessed"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    let not_pass = |r: &serde_json::Value| -> Vec<serde_json::Value> {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["status"] != "pass")
            .cloned()
            .collect()
    };
    assert_eq!(not_pass(&counted), not_pass(&kept));
}
