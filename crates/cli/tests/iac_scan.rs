//! `rampart scan` on infrastructure as code, end to end: detection, `--var-file`, inline
//! waivers, verdicts withheld on undeclared data, located parse errors and exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scan(args: &[&str]) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(repo())
        .arg("scan")
        .args(args)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .output()
        .expect("rampart runs");
    let report = std::fs::read_to_string(&out)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    (
        o.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn results<'a>(
    report: &'a serde_json::Value,
    check: &str,
    status: &str,
) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["check"] == check && f["status"] == status)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn terraform_example_is_detected_and_located() {
    let (code, report, _) = scan(&["examples/terraform"]);
    assert_eq!(code, 1);
    assert_eq!(report["inputs"][0]["kind"], "terraform");
    let ssh = results(&report, "EC2-003", "fail");
    assert!(
        ssh.iter()
            .any(|f| f["location"]["file"] == "examples/terraform/network.tf"
                && f["location"]["line"].as_u64().is_some())
    );
    // The account's alias and password policy are not declared: no verdict, and no
    // `not_assessed` per check either; the gap is listed once, as outside this input, and
    // summed up in one warning.
    for status in ["fail", "pass", "not_assessed"] {
        assert!(results(&report, "IAM-002", status).is_empty(), "{status}");
    }
    let outside: Vec<&serde_json::Value> = report["gaps"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter(|g| g["data"] == "iam.password_policy")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(outside.len(), 1, "{outside:?}");
    assert_eq!(outside[0]["kind"], "outside_input");
    let na_outside = report["findings"].as_array().is_some_and(|a| {
        a.iter()
            .any(|f| f["evidence"]["gap"]["kind"] == "outside_input")
    });
    assert!(!na_outside, "an outside-input gap gave a result per check");
    let warnings = report["warnings"].as_array().expect("warnings");
    let lines: Vec<&serde_json::Value> = warnings
        .iter()
        .filter(|w| w["kind"] == "outside-input")
        .collect();
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("iam.password_policy") && m.contains("outside this input"))
    );
}

#[test]
fn cloudformation_example_is_detected() {
    let (code, report, _) = scan(&["examples/cloudformation/shopify-backend.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(report["inputs"][0]["kind"], "cloudformation");
    assert!(!results(&report, "EC2-004", "fail").is_empty());
}

#[test]
fn inline_waivers_apply_only_with_a_reason() {
    let (_, report, stderr) = scan(&["crates/collect-iac/tests/inputs/waivers/main.tf"]);
    let waived = results(&report, "S3-003", "waived");
    assert_eq!(waived.len(), 1);
    assert_eq!(
        waived[0]["waiver_reason"],
        "inline waiver: the build cache is disposable"
    );
    let failed = results(&report, "S3-003", "fail");
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["evidence"]["inline_waiver_without_reason"].is_object());
    // Said in the report itself (every format lists warnings), not only on a terminal.
    assert!(
        report["warnings"]
            .as_array()
            .is_some_and(
                |w| w.iter().any(|w| w["kind"] == "inline-waiver-without-reason"
                    && w["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("has no reason")))
            ),
        "{stderr}"
    );
}

#[test]
fn var_file_flag_is_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vars = dir.path().join("open.tfvars");
    std::fs::write(&vars, "admin_cidr = \"0.0.0.0/0\"\n").expect("write");
    let fixture = "crates/collect-iac/tests/fixtures/tf-tfvars/pass";
    let (_, without, _) = scan(&[fixture]);
    assert!(results(&without, "EC2-003", "fail").is_empty());
    let vars = vars.display().to_string();
    let (_, with, _) = scan(&[fixture, "--var-file", &vars]);
    assert_eq!(results(&with, "EC2-003", "fail").len(), 1);
}

#[test]
fn a_broken_file_is_reported_and_the_scan_goes_on() {
    // The file that could not be read makes the run incomplete (exit 2); the report of what
    // could be read is still written.
    let (code, report, stderr) = scan(&["crates/collect-iac/tests/inputs/broken"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.tf:3:"), "{stderr}");
    assert!(stderr.contains("the audit is incomplete"), "{stderr}");
    assert!(
        report["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["status"] == "fail"))
    );
    assert!(
        report["gaps"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g["data"] == "iac.file"))
    );
    let (code, _, stderr) = scan(&["crates/collect-iac/tests/inputs/broken-template.yaml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken-template.yaml:"), "{stderr}");
}
