//! The one report every format test renders: every status, a hostile resource name, an IaC
//! finding with a file position, evidence, a waived failure, unused and expired waivers, a
//! baseline and a compliance view.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::finding::ToolInfo;
use rampart_model::{
    Finding, Gap, InputInfo, Location, Remediation, Report, Severity, Status, Summary, Timestamp,
};
use rampart_report::{Baseline, Document, Framework, Reference, Rule, Waiver, compliance, waivers};
use serde_json::json;

/// The hostile bucket name of the issue.
pub const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("timestamp")
}

fn reference(framework: &str, id: &str) -> Reference {
    Reference {
        framework: framework.into(),
        id: id.into(),
    }
}

/// The catalogue of the shared report.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            code: "S3-003".into(),
            name: "bucket-without-versioning".into(),
            title: "S3 bucket versioning is not enabled".into(),
            severity: Severity::Medium,
            controls: vec!["DATA-2".into()],
            compliance: vec![reference("fsbp", "S3.14")],
            rationale: "Without versioning an overwrite or delete is final.".into(),
            remediation: remediation_s3(),
            manual: false,
        },
        Rule {
            code: "ROOT-001".into(),
            name: "root-access-key-exists".into(),
            title: "The root user has an access key".into(),
            severity: Severity::Critical,
            controls: vec!["ROOT-1".into()],
            compliance: vec![reference("cis-3.0", "1.4"), reference("cis-6.0", "2.3"), reference("fsbp", "IAM.4")],
            rationale: "A root key cannot be limited by any policy.".into(),
            remediation: Remediation {
                text: "Delete the root user's access keys.".into(),
                cli: None,
                terraform: None,
            },
            manual: false,
        },
        Rule {
            code: "CT-001".into(),
            name: "account-without-multi-region-trail".into(),
            title: "No multi-region CloudTrail trail".into(),
            severity: Severity::High,
            controls: vec!["LOG-1".into()],
            compliance: vec![reference("cis-3.0", "3.1"), reference("fsbp", "CloudTrail.1")],
            rationale: "Without a trail, API activity is not recorded.".into(),
            remediation: Remediation {
                text: "Create a multi-region trail.".into(),
                cli: Some("aws cloudtrail create-trail --name main --s3-bucket-name <bucket> --is-multi-region-trail".into()),
                terraform: None,
            },
            manual: false,
        },
        Rule {
            code: "MAN-001".into(),
            name: "application-field-encryption".into(),
            title: "Sensitive fields must be encrypted by the application".into(),
            severity: Severity::Info,
            controls: vec!["ENC-6".into()],
            compliance: vec![],
            rationale: "Storage encryption does not protect fields from the application's own readers.".into(),
            remediation: Remediation {
                text: "Review the data model.".into(),
                cli: None,
                terraform: None,
            },
            manual: true,
        },
    ]
}

fn remediation_s3() -> Remediation {
    Remediation {
        text: "Enable versioning on the bucket.".into(),
        cli: Some("aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled".into()),
        terraform: Some(
            "resource \"aws_s3_bucket_versioning\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}"
                .into(),
        ),
    }
}

fn finding(
    check: &str,
    name: &str,
    severity: Severity,
    status: Status,
    resource: &str,
    message: &str,
) -> Finding {
    let rule = rules().into_iter().find(|r| r.code == check).expect("rule");
    Finding {
        check: check.into(),
        name: name.into(),
        controls: rule.controls,
        severity,
        status,
        resource: resource.into(),
        account: Some("111122223333".into()),
        region: Some("eu-west-1".into()),
        message: message.into(),
        evidence: BTreeMap::new(),
        location: None,
        remediation: rule.remediation.into(),
        waiver_reason: None,
    }
}

/// Every result of the shared scan, passes included, before waivers.
pub fn findings() -> Vec<Finding> {
    let mut hostile = finding(
        "S3-003",
        "bucket-without-versioning",
        Severity::Medium,
        Status::Fail,
        &format!("arn:aws:s3:::{HOSTILE}"),
        &format!("bucket `{HOSTILE}` has versioning disabled"),
    );
    hostile
        .evidence
        .insert("versioning".into(), json!("disabled"));
    hostile.evidence.insert("mfa_delete".into(), json!(false));
    let mut assets = finding(
        "S3-003",
        "bucket-without-versioning",
        Severity::Medium,
        Status::Fail,
        "arn:aws:s3:::shop-assets",
        "bucket `shop-assets` has versioning suspended",
    );
    assets.region = Some("us-east-1".into());
    assets
        .evidence
        .insert("versioning".into(), json!("suspended"));
    let mut iac = finding(
        "S3-003",
        "bucket-without-versioning",
        Severity::Medium,
        Status::Fail,
        "infra/main.tf:aws_s3_bucket.logs",
        "bucket `logs` has versioning disabled",
    );
    iac.account = None;
    iac.region = None;
    iac.location = Some(Location {
        file: "infra/main.tf".into(),
        line: Some(12),
        column: Some(3),
    });
    let mut formula = finding(
        "S3-003",
        "bucket-without-versioning",
        Severity::Medium,
        Status::Fail,
        "=HYPERLINK(\"http://x\",\"y\"):aws_s3_bucket.b",
        "bucket `=1+2` has versioning disabled\u{2028}and a line separator, \"quotes\" & ampersands",
    );
    formula.account = Some("444455556666".into());
    formula.region = Some("us-west-2".into());
    let mut root = finding(
        "ROOT-001",
        "root-access-key-exists",
        Severity::Critical,
        Status::Fail,
        "arn:aws:iam::111122223333:root",
        "the root user has an active access key",
    );
    root.region = None;
    root.evidence
        .insert("access_key_1_active".into(), json!(true));
    let mut gap = finding(
        "CT-001",
        "account-without-multi-region-trail",
        Severity::High,
        Status::NotAssessed,
        "111122223333/eu-west-1/cloudtrail.trails",
        "not assessed: `cloudtrail.trails` could not be read by cloudtrail:DescribeTrails (AccessDenied): denied",
    );
    gap.evidence.insert(
        "gap".into(),
        json!({ "data": "cloudtrail.trails", "code": "AccessDenied" }),
    );
    let mut manual = finding(
        "MAN-001",
        "application-field-encryption",
        Severity::Info,
        Status::Manual,
        "111122223333",
        "manual: sensitive fields must also be encrypted by the application",
    );
    manual.region = None;
    let pass = finding(
        "S3-003",
        "bucket-without-versioning",
        Severity::Medium,
        Status::Pass,
        "arn:aws:s3:::shop-backups",
        "bucket `shop-backups` has versioning enabled",
    );
    vec![hostile, assets, iac, formula, root, gap, manual, pass]
}

/// The waivers of the shared scan: one that applies, one unused, one expired.
pub fn waiver_list() -> Vec<Waiver> {
    vec![
        Waiver {
            check: "S3-003".into(),
            resource: "arn:aws:s3:::shop-*".into(),
            reason: "static assets are rebuilt from git".into(),
            expires: Some("2099-12-31".into()),
        },
        Waiver {
            check: "S3-003".into(),
            resource: "arn:aws:s3:::decommissioned-*".into(),
            reason: "bucket is being deleted".into(),
            expires: None,
        },
        Waiver {
            check: "ROOT-001".into(),
            resource: "*".into(),
            reason: "break-glass key, tracked in ticket SEC-12".into(),
            expires: Some("2026-01-31".into()),
        },
    ]
}

/// The day the shared scan is rendered.
pub fn today() -> time::Date {
    waivers::parse_date("2026-11-22").expect("date")
}

/// The shared document.
pub fn document() -> Document {
    let mut findings = findings();
    let applied = waivers::apply(&mut findings, &waiver_list(), today()).expect("waivers");
    let rules = rules();
    let ran: BTreeSet<String> = rules.iter().map(|r| r.code.clone()).collect();
    let view = compliance::evaluate(Framework::Cis3, &rules, &ran, &findings);
    let root_fp = findings
        .iter()
        .find(|f| f.check == "ROOT-001")
        .expect("root")
        .fingerprint();
    let baseline =
        Baseline::from_fingerprints("previous.json", [root_fp, "0000000000000000".to_owned()]);
    let summary = Summary::of(&findings, 4, 6);
    let mut settings = BTreeMap::new();
    settings.insert("fail_on".into(), json!("low"));
    let report = Report {
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        inputs: vec![
            InputInfo {
                kind: rampart_model::InputKind::Snapshot,
                source: "estate.json".into(),
            },
            InputInfo {
                kind: rampart_model::InputKind::Terraform,
                source: "infra".into(),
            },
        ],
        scanned_at: Some(ts("2026-11-01T00:00:00Z")),
        settings,
        findings,
        gaps: vec![
            Gap::new("cloudtrail.trails", "cloudtrail:DescribeTrails", "denied")
                .in_account("111122223333")
                .in_region("eu-west-1")
                .with_code("AccessDenied"),
        ],
        summary,
        passes_not_listed: Default::default(),
    };
    let mut doc = Document::new(report, ts("2026-11-22T10:00:00Z"));
    doc.rules = rules;
    doc.complete_rules();
    doc.compliance = Some(view);
    doc.warnings = applied.warnings;
    doc.baseline = Some(baseline);
    doc
}

/// Renders the shared document.
pub fn render(format: rampart_report::Format) -> String {
    let mut out = Vec::new();
    rampart_report::render_document(
        &document(),
        format,
        rampart_report::RenderOptions::default(),
        &mut out,
    )
    .expect("render");
    String::from_utf8(out).expect("UTF-8")
}
