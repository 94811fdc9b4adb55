//! What each format states must be true: the text report leads with its summary and lists gaps,
//! every SARIF result has a physical location and what was not assessed is a notification, a
//! waived failure is FAILED and SUPPRESSED in ASFF, a pass is never `new` against a baseline,
//! and compliance controls judge only what is in their scope.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{document, render};
use rampart_model::{Finding, InputInfo, Remediation, Severity, Status};
use rampart_report::{Format, RenderOptions, Rule, compliance};
use serde_json::{Value, json};

fn render_with(options: RenderOptions) -> String {
    let mut out = Vec::new();
    rampart_report::render_document(&document(), Format::Text, options, &mut out).expect("render");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn text_leads_with_the_summary_by_severity_and_area() {
    let out = render(Format::Text);
    let summary = out.find("SUMMARY").expect("a summary");
    let first_failure = out
        .find("ROOT-001 root-access-key-exists")
        .expect("failure");
    assert!(
        summary < first_failure,
        "summary after the findings:\n{out}"
    );
    assert!(
        out.contains("  failures by severity: 1 critical, 0 high, 3 medium, 0 low, 0 info"),
        "{out}"
    );
    // By area: ROOT has the critical one, S3 three medium (shop-assets is waived).
    assert!(
        out.contains("    ROOT                 1        1    0      0   0    0"),
        "{out}"
    );
    assert!(
        out.contains("    S3                   3        0    0      3   0    0"),
        "{out}"
    );
}

#[test]
fn text_lists_the_gaps_and_the_passes_it_holds() {
    let out = render(Format::Text);
    let gaps = out.find("GAPS").expect("gaps section");
    assert!(
        out[gaps..].contains(
            "cloudtrail.trails cloudtrail:DescribeTrails (111122223333, eu-west-1) — denied [AccessDenied]"
        ),
        "{out}"
    );
    let passed = out.find("PASSED").expect("passes listed");
    assert!(
        out[passed..].contains("S3-003 arn:aws:s3:::shop-backups"),
        "{out}"
    );
}

#[test]
fn quiet_text_is_the_summary_and_one_line_per_failure() {
    let out = render_with(RenderOptions {
        color: false,
        quiet: true,
        include_passed: false,
    });
    let failures: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("CRITICAL") || l.starts_with("MEDIUM"))
        .collect();
    assert_eq!(failures.len(), 4, "{out}");
    assert!(
        failures[0].starts_with("CRITICAL ROOT-001 arn:aws:iam::111122223333:root — "),
        "{out}"
    );
    // The IaC failure says where it is.
    assert!(
        failures
            .iter()
            .any(|l| l.contains(" infra/main.tf:12 — bucket `logs` has versioning disabled")),
        "{out}"
    );
    // The check ids line up whatever the severity's length.
    assert!(
        failures
            .iter()
            .all(|l| l.as_bytes().get(8) == Some(&b' ') && l.as_bytes().get(9) != Some(&b' ')),
        "{out}"
    );
    assert!(failures.iter().any(|l| l.starts_with("MEDIUM   ")), "{out}");
    assert!(!out.contains("fix:"), "no detail in the quiet form:\n{out}");
    assert!(!out.contains("NOT ASSESSED"), "{out}");
    // The summary is the first line, then the failures and nothing else (`--quiet` output is
    // counted by scripts).
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("4 failed, 1 passed, 1 not assessed, 1 manual, 1 waived, 1 gap(s)"),
        "{out}"
    );
    assert_eq!(lines.collect::<Vec<_>>(), failures, "{out}");
}

#[test]
fn every_sarif_result_has_a_physical_location_and_gaps_are_notifications() {
    let log: Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("no physical location: {r}"));
        assert!(!uri.is_empty());
        let status = r["properties"]["status"].as_str().expect("status");
        assert!(
            status != "not_assessed" && status != "manual",
            "{status} is not a result"
        );
    }
    // A cloud finding without a file points at the first file input (the snapshot).
    let root = results
        .iter()
        .find(|r| r["ruleId"] == "ROOT-001")
        .expect("root");
    assert_eq!(
        root["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "estate.json"
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("execution notifications");
    let rules: BTreeSet<&str> = notes
        .iter()
        .map(|n| n["associatedRule"]["id"].as_str().expect("rule"))
        .collect();
    assert_eq!(rules, BTreeSet::from(["CT-001", "MAN-001"]));
    let ct = notes
        .iter()
        .find(|n| n["associatedRule"]["id"] == "CT-001")
        .expect("ct");
    assert_eq!(ct["descriptor"]["id"], "not_assessed");
    assert_eq!(ct["level"], "warning");
}

#[test]
fn a_live_finding_gets_a_stable_location() {
    let mut doc = document();
    doc.report.inputs = vec![InputInfo {
        kind: rampart_model::InputKind::Live,
        source: "aws account 111122223333".into(),
    }];
    let mut out = Vec::new();
    rampart_report::render_document(&doc, Format::Sarif, RenderOptions::default(), &mut out)
        .expect("render");
    let log: Value = serde_json::from_slice(&out).expect("JSON");
    let root = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "ROOT-001")
        .expect("root")
        .clone();
    assert_eq!(
        root["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/111122223333"
    );
}

#[test]
fn a_waived_failure_is_failed_and_suppressed_in_asff() {
    let list: Value = serde_json::from_str(&render(Format::Asff)).expect("JSON");
    let waived: Vec<&Value> = list
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["Workflow"]["Status"] == "SUPPRESSED")
        .collect();
    assert_eq!(waived.len(), 1, "shop-assets is waived");
    for f in waived {
        assert_eq!(f["Compliance"]["Status"], "FAILED", "{f}");
    }
}

#[test]
fn a_pass_is_never_new_against_a_baseline() {
    let doc = document();
    let pass = doc
        .report
        .findings
        .iter()
        .find(|f| f.status == Status::Pass)
        .expect("a pass");
    assert_eq!(doc.baseline_state(pass), None);
    let log: Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    for r in log["runs"][0]["results"].as_array().expect("results") {
        if r["kind"] == "pass" {
            assert!(r.get("baselineState").is_none(), "{r}");
        } else {
            assert!(r["baselineState"].is_string(), "{r}");
        }
    }
    // The HTML packs the same state: 0 (none) for the pass.
    let html = render(Format::Html);
    assert!(
        html.contains(r#""arn:aws:s3:::shop-backups""#),
        "the pass is in the HTML data"
    );
}

fn sg_rule() -> Rule {
    Rule {
        code: "NET-001".into(),
        name: "sg-admin-port-open-to-internet".into(),
        title: "admin ports open".into(),
        severity: Severity::High,
        controls: vec!["NET-1".into()],
        compliance: vec![
            rampart_report::Reference {
                framework: "cis-3.0".into(),
                id: "5.2".into(),
            },
            rampart_report::Reference {
                framework: "cis-3.0".into(),
                id: "5.3".into(),
            },
        ],
        rationale: String::new(),
        remediation: Remediation::default(),
        manual: false,
    }
}

fn sg_finding(status: Status, open_from: &[&str]) -> Finding {
    let mut evidence = BTreeMap::new();
    if !open_from.is_empty() {
        evidence.insert("open_from".to_owned(), json!(open_from));
    }
    Finding {
        check: "NET-001".into(),
        name: "sg-admin-port-open-to-internet".into(),
        controls: vec!["NET-1".into()],
        severity: Severity::High,
        status,
        resource: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1".into(),
        account: Some("111122223333".into()),
        region: Some("eu-west-1".into()),
        message: "open".into(),
        evidence,
        location: None,
        remediation: Remediation::default().into(),
        waiver_reason: None,
    }
}

fn status_of(view: &rampart_report::ComplianceView, id: &str) -> compliance::ControlStatus {
    view.controls
        .iter()
        .find(|c| c.id == id)
        .expect("control")
        .status
}

#[test]
fn cis_ipv6_control_fails_on_ipv6_findings_only() {
    let rules = vec![sg_rule()];
    let ran: BTreeSet<String> = BTreeSet::from(["NET-001".to_owned()]);
    let ipv4_only = vec![sg_finding(Status::Fail, &["0.0.0.0/0"])];
    let view = compliance::evaluate(rampart_report::Framework::Cis3, &rules, &ran, &ipv4_only);
    assert_eq!(status_of(&view, "5.2"), compliance::ControlStatus::Fail);
    assert_eq!(status_of(&view, "5.3"), compliance::ControlStatus::Pass);
    let ipv6 = vec![sg_finding(Status::Fail, &["::/0"])];
    let view = compliance::evaluate(rampart_report::Framework::Cis3, &rules, &ran, &ipv6);
    assert_eq!(status_of(&view, "5.2"), compliance::ControlStatus::Pass);
    assert_eq!(status_of(&view, "5.3"), compliance::ControlStatus::Fail);
}

#[test]
fn nothing_in_scope_on_a_partial_input_is_not_assessed() {
    let rules = vec![sg_rule()];
    let ran: BTreeSet<String> = BTreeSet::from(["NET-001".to_owned()]);
    let tf = [InputInfo {
        kind: rampart_model::InputKind::Terraform,
        source: "infra".into(),
    }];
    assert!(compliance::partial_inputs(&tf));
    let view = compliance::evaluate_inputs(
        rampart_report::Framework::Cis3,
        &rules,
        &ran,
        &[],
        &BTreeMap::new(),
        compliance::partial_inputs(&tf),
    );
    assert_eq!(
        status_of(&view, "5.2"),
        compliance::ControlStatus::NotAssessed
    );
    // On a snapshot, the inventory was read whole: nothing in scope passes.
    let snap = [InputInfo {
        kind: rampart_model::InputKind::Snapshot,
        source: "estate.json".into(),
    }];
    let view = compliance::evaluate_inputs(
        rampart_report::Framework::Cis3,
        &rules,
        &ran,
        &[],
        &BTreeMap::new(),
        compliance::partial_inputs(&snap),
    );
    assert_eq!(status_of(&view, "5.2"), compliance::ControlStatus::Pass);
}
