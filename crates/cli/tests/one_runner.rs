//! One runner shapes every result, and every command goes through it: the library's answer is
//! what `rampart scan` prints; `policy lint` runs the registered policy checks; options and exit
//! codes behave as documented.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rampart_checks::{Config, Context, RunOptions, registry};
use rampart_model::Inventory;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rampart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("rampart runs")
}

fn json_of(args: &[&str]) -> (i32, serde_json::Value, String) {
    let o = rampart(args);
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_slice(&o.stdout).unwrap_or_default(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// (check, status, resource, message) of every result.
type Row = (String, String, String, String);

fn rows_of_report(report: &serde_json::Value) -> BTreeSet<Row> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("check"), s("status"), s("resource"), s("message"))
        })
        .collect()
}

fn library_rows(inventory: &Inventory) -> BTreeSet<Row> {
    let config = Config::default();
    let now = inventory
        .collected_at
        .unwrap_or_else(rampart_model::Timestamp::now);
    let ctx = Context::new(inventory, &config, now);
    let out = rampart_checks::run_with(&ctx, &registry::all(), RunOptions::default());
    out.findings
        .iter()
        .map(|f| {
            (
                f.check.clone(),
                f.status.as_str().to_owned(),
                f.resource.clone(),
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn the_library_answers_what_scan_prints_on_the_example_account() {
    let dir = repo().join("examples/shopify-backend");
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("example")
        .map(|e| e.expect("entry").path())
        .collect();
    parts.sort();
    let mut inventory = Inventory::default();
    for p in parts {
        inventory.merge(
            rampart_model::snapshot::read(&p, rampart_model::snapshot::Limits::default())
                .expect("snapshot part"),
        );
    }
    let (code, report, stderr) = json_of(&[
        "scan",
        "examples/shopify-backend",
        "--include-passed",
        "-f",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let lib = library_rows(&inventory);
    let cli = rows_of_report(&report);
    assert!(cli.len() > 100);
    assert_eq!(lib, cli);
}

#[test]
fn the_library_answers_what_scan_prints_on_terraform() {
    let path = repo().join("examples/terraform");
    let loaded = rampart_collect_iac::load(
        &path,
        rampart_collect_iac::InputKind::Terraform,
        &rampart_collect_iac::TfOptions::default(),
    );
    let (code, report, stderr) = json_of(&[
        "scan",
        "examples/terraform",
        "--include-passed",
        "-f",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    // The file names differ only by how the path was spelt.
    let lib: BTreeSet<Row> = library_rows(&loaded.inventory)
        .into_iter()
        .map(|(c, s, r, m)| {
            let prefix = format!("{}/", path.display());
            (
                c,
                s,
                r.replace(&prefix, "examples/terraform/"),
                m.replace(&prefix, "examples/terraform/"),
            )
        })
        .collect();
    let cli = rows_of_report(&report);
    assert!(cli.iter().any(|r| r.1 == "fail"));
    assert_eq!(lib, cli);
}

#[test]
fn policy_lint_runs_every_policy_check_with_severity_overrides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let admin = dir.path().join("admin.json");
    std::fs::write(
        &admin,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","iam:CreatePolicyVersion","s3:*"],"Resource":"*"}]}"#,
    )
    .expect("write");
    let config = dir.path().join("rampart.toml");
    std::fs::write(&config, "[severity]\n\"IAM-109\" = \"low\"\n").expect("write");
    let a = admin.display().to_string();
    let c = config.display().to_string();
    let (code, report, stderr) = json_of(&[
        "policy",
        "lint",
        &a,
        "--config",
        &c,
        "-f",
        "json",
        "--include-passed",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let checks: BTreeSet<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    // Checks the old lint never ran judge the policy now.
    for code in ["IAM-103", "IAM-106", "IAM-109"] {
        assert!(checks.contains(code), "{code} did not run: {checks:?}");
    }
    let escalation: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "IAM-109" && f["status"] == "fail")
        .collect();
    assert!(!escalation.is_empty());
    for f in escalation {
        assert_eq!(
            f["severity"], "low",
            "the [severity] override is ignored: {f}"
        );
        assert_eq!(f["resource"], a.as_str());
    }
}

#[test]
fn policy_lint_exits_2_when_a_named_file_cannot_be_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clean = dir.path().join("clean.json");
    std::fs::write(
        &clean,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop-assets/*"}]}"#,
    )
    .expect("write");
    let missing = dir.path().join("missing.json");
    let o = rampart(&[
        "policy",
        "lint",
        &clean.display().to_string(),
        &missing.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.json"));
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("policy.json");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let f = fifo.display().to_string();
    for args in [
        vec!["policy", "lint", f.as_str()],
        vec!["scan", f.as_str()],
        vec!["secrets", f.as_str()],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                panic!("`rampart {}` hangs on a FIFO", args.join(" "));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn invalid_options_and_configuration_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("rampart.toml");
    std::fs::write(&bad, "[severity]\n\"S3-999\" = \"low\"\n").expect("write");
    let b = bad.display().to_string();
    let missing_vars = dir.path().join("prod.tfvars").display().to_string();
    for (args, says) in [
        (
            vec!["scan", "examples/shopify-backend", "--checks", "S3-999"],
            "S3-999",
        ),
        (
            vec!["scan", "examples/shopify-backend", "--skip-checks", "XX"],
            "XX",
        ),
        (
            vec!["scan", "examples/shopify-backend", "--config", b.as_str()],
            ":2:",
        ),
        (
            vec![
                "scan",
                "examples/terraform",
                "--var-file",
                missing_vars.as_str(),
            ],
            "prod.tfvars",
        ),
    ] {
        let o = rampart(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn a_misspelt_snapshot_key_is_an_error_not_a_missing_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("account.json");
    std::fs::write(
        &snap,
        "{\"format\": \"rampart-snapshot\", \"version\": 1, \"created_by\": \"test\",\n\"inventory\": {\"accounts\": [{\"id\": \"123456789012\",\n\"regions\": [{\"name\": \"us-east-1\",\n  \"trials\": []}]}]}}\n",
    )
    .expect("write");
    let o = rampart(&["scan", &snap.display().to_string()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("trials"), "{stderr}");
    assert!(stderr.contains("account.json:4:"), "{stderr}");
}

#[test]
fn checks_take_areas_wildcards_severity_and_services() {
    let codes = |args: &[&str]| -> BTreeSet<String> {
        let mut all = vec![
            "scan",
            "examples/shopify-backend",
            "-f",
            "json",
            "--include-passed",
        ];
        all.extend_from_slice(args);
        let (_, report, stderr) = json_of(&all);
        report["settings"]["checks"]
            .as_array()
            .unwrap_or_else(|| panic!("{stderr}"))
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect()
    };
    let s3 = codes(&["--checks", "S3"]);
    assert!(!s3.is_empty() && s3.iter().all(|c| c.starts_with("S3-")));
    assert_eq!(s3, codes(&["--checks", "s3-*"]));
    let minus = codes(&["--checks", "S3", "--skip-checks", "S3-003"]);
    assert_eq!(minus.len() + 1, s3.len());
    let iam10 = codes(&["--checks", "IAM-10?"]);
    assert!(iam10.contains("IAM-109") && !iam10.contains("IAM-110"));
    let critical = codes(&["--severity", "critical"]);
    for c in &critical {
        let sev = registry::by_code(c).expect("check").meta().severity;
        assert_eq!(sev, rampart_model::Severity::Critical, "{c}");
    }
    let cloudtrail = codes(&["--services", "cloudtrail"]);
    assert!(cloudtrail.contains("CT-001") || cloudtrail.iter().any(|c| c.starts_with("CT-")));
    assert!(!cloudtrail.contains("EC2-003"));
}

#[test]
fn several_formats_in_one_run_and_soft_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("reports");
    let o = rampart(&[
        "scan",
        "examples/shopify-backend",
        "-f",
        "text,json,sarif,html",
        "--output-dir",
        &out.display().to_string(),
        "--fail-on",
        "none",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    for name in [
        "rampart.txt",
        "rampart.json",
        "rampart.sarif",
        "rampart.html",
    ] {
        let p = out.join(name);
        assert!(p.is_file(), "{name}");
        assert!(std::fs::metadata(&p).expect("meta").len() > 100, "{name}");
        assert_eq!(
            stderr.matches(&*p.display().to_string()).count(),
            1,
            "{stderr}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("rampart.json")).expect("read"))
            .expect("json");
    assert_eq!(json["settings"]["fail_on"], "none");
    // Several formats to one stream cannot be told apart.
    let o = rampart(&["scan", "examples/shopify-backend", "-f", "text,json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn quiet_prints_the_summary_and_one_line_per_failure() {
    let o = rampart(&["scan", "examples/shopify-backend", "--quiet", "--no-color"]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    let mut lines = text.lines();
    let first = lines.next().expect("summary");
    assert!(first.contains(" failed, "), "{first}");
    let fails: usize = first
        .split(" failed")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("count");
    assert_eq!(lines.count(), fails);
}

#[test]
fn checks_list_filters() {
    let o = rampart(&[
        "checks",
        "list",
        "--area",
        "S3",
        "--severity",
        "high",
        "--framework",
        "cis-3.0",
        "-f",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(r["check"].as_str().is_some_and(|c| c.starts_with("S3-")));
        assert!(["high", "critical"].contains(&r["severity"].as_str().unwrap_or_default()));
        assert!(
            r["compliance"]
                .as_array()
                .is_some_and(|c| c.iter().any(|x| x["framework"] == "cis-3.0"))
        );
    }
    let o = rampart(&["checks", "list", "--area", "NOPE"]);
    assert_eq!(o.status.code(), Some(2));
}
