//! `rampart deps` and `rampart scan` on a source tree: the common output path (JSON contract,
//! --fail-on, baseline), exit codes (1 findings, 2 no database or an unreadable lock file).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deps/fixtures")
}

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(dir)
        .env_remove("RAMPART_OSV_DB")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A temporary directory with a copy of the PyPI database at `db/PyPI/all.zip`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(dir.path().join("db/PyPI")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        fixtures().join("osv/PyPI/all.zip"),
        dir.path().join("db/PyPI/all.zip"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(dir.path().join("app")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("app/requirements.txt"),
        "requests==2.25.0\nflask>=1\nsix==1.16.0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn deps_reports_findings_through_the_common_output_path() {
    let dir = workdir();
    let o = rampart(
        dir.path(),
        &[
            "deps",
            "app",
            "--db",
            "db",
            "--format",
            "json",
            "--include-passed",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&o);
    let got: Vec<(String, String, u64)> = r["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["status"].as_str().unwrap_or_default().to_owned(),
                        f["resource"].as_str().unwrap_or_default().to_owned(),
                        f["location"]["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        vec![
            (
                "fail".into(),
                "app/requirements.txt:requests@2.25.0".into(),
                1
            ),
            (
                "not_assessed".into(),
                "app/requirements.txt:flask@?".into(),
                2
            ),
            ("pass".into(), "app/requirements.txt:six@1.16.0".into(), 3),
        ]
    );
    let f = &r["findings"][0];
    assert_eq!(f["check"], "DEPS-001");
    assert_eq!(f["controls"], serde_json::json!(["APP-1"]));
    assert_eq!(f["evidence"]["ecosystem"], "PyPI");
    assert_eq!(f["evidence"]["package"], "requests");
    assert_eq!(f["evidence"]["version"], "2.25.0");
    assert_eq!(f["evidence"]["fixed"], "2.31.0");
    assert_eq!(
        f["evidence"]["advisories"][0]["aliases"],
        serde_json::json!(["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"])
    );
    assert!(
        f["remediation"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Upgrade"))
    );
    // The database's age is stated, and a warning given past --max-db-age (the fixture is of 2024-10).
    assert!(
        r["settings"]["osv_db_age_days"]
            .as_u64()
            .is_some_and(|d| d > 365)
    );
    assert_eq!(
        r["settings"]["osv_newest_record"],
        "2024-10-10T17:22:00.587279Z"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("days old"));

    // --fail-on above the finding's severity: exit 0.
    let o = rampart(
        dir.path(),
        &["deps", "app", "--db", "db", "--fail-on", "high"],
    );
    assert_eq!(o.status.code(), Some(0));
    // A baseline holding the finding: exit 0.
    let o = rampart(
        dir.path(),
        &[
            "deps",
            "app",
            "--db",
            "db",
            "--format",
            "json",
            "-o",
            "base.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = rampart(
        dir.path(),
        &["deps", "app", "--db", "db", "--baseline", "base.json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // SARIF renders the rule from the catalogue.
    let o = rampart(
        dir.path(),
        &["deps", "app", "--db", "db", "--format", "sarif"],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("dependency-with-known-vulnerability"));
}

#[test]
fn no_database_or_an_unreadable_lock_file_is_exit_2() {
    let dir = workdir();
    let o = rampart(dir.path(), &["deps", "app"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rampart deps --update-db"));
    let o = rampart(dir.path(), &["deps", "app", "--db", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--update-db nowhere"));

    std::fs::write(
        dir.path().join("app/poetry.lock"),
        "[[package]]\nname = \"x\"\nversion = \n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = rampart(
        dir.path(),
        &[
            "deps", "app", "--db", "db", "--format", "json", "-o", "r.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("app/poetry.lock:3:11: invalid TOML"),
        "{stderr}"
    );
    // The report is still written, with the unreadable file as a gap.
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r["gaps"][0]["operation"], "app/poetry.lock");
    assert_eq!(
        r["findings"][0]["resource"],
        "app/requirements.txt:requests@2.25.0"
    );
}

#[test]
fn scan_of_a_source_tree_audits_its_lock_files() {
    let dir = workdir();
    let o = rampart(
        dir.path(),
        &["scan", "app", "--osv-db", "db", "--format", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&o);
    let deps: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["check"] == "DEPS-001").collect())
        .unwrap_or_default();
    assert_eq!(deps.len(), 2, "{deps:#?}");
    assert_eq!(deps[0]["resource"], "app/requirements.txt:requests@2.25.0");
    assert_eq!(deps[0]["status"], "fail");
    // Without a database: not assessed, never a silent pass.
    let o = rampart(dir.path(), &["scan", "app", "--format", "json"]);
    let r = json(&o);
    let deps: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["check"] == "DEPS-001").collect())
        .unwrap_or_default();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0]["status"], "not_assessed");
    assert_eq!(deps[0]["resource"], "app/requirements.txt");
}

#[test]
fn runtimes_named_in_a_source_tree_are_judged_app2() {
    let dir = workdir();
    let svc = dir.path().join("svc");
    std::fs::create_dir_all(&svc).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(svc.join(".python-version"), "3.7.12\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        svc.join("Dockerfile"),
        "FROM node:14-alpine AS web\nFROM public.ecr.aws/lambda/python:3.12\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = rampart(
        dir.path(),
        &[
            "deps",
            "svc",
            "--db",
            "db",
            "--format",
            "json",
            "--include-passed",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&o);
    let got: Vec<(String, String, String, u64)> = r["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["check"].as_str().unwrap_or_default().to_owned(),
                        f["status"].as_str().unwrap_or_default().to_owned(),
                        f["evidence"]["runtime"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        f["location"]["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        vec![
            ("DEPS-002".into(), "fail".into(), "python3.7".into(), 1),
            ("DEPS-002".into(), "fail".into(), "nodejs14.x".into(), 1),
            ("DEPS-002".into(), "pass".into(), "python3.12".into(), 2),
        ]
    );
    assert_eq!(r["findings"][0]["controls"], serde_json::json!(["APP-2"]));
    assert_eq!(r["findings"][0]["evidence"]["end_of_support"], "2023-12-04");
}
