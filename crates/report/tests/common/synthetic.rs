//! A large synthetic report (the benchmark's and the browser test's 100,000 findings): a mix of
//! checks, statuses, accounts and regions, with realistic ARNs, messages and evidence.

use std::collections::BTreeMap;

use rampart_model::finding::ToolInfo;
use rampart_model::{
    Finding, InputInfo, Location, Remediation, Report, Severity, Status, Summary, Timestamp,
};
use rampart_report::{Document, Reference, Rule};
use serde_json::json;

const REGIONS: [&str; 6] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "sa-east-1",
];

struct Kind {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    control: &'static str,
    refs: &'static [(&'static str, &'static str)],
}

const KINDS: [Kind; 8] = [
    Kind {
        code: "S3-003",
        name: "bucket-without-versioning",
        severity: Severity::Medium,
        control: "DATA-2",
        refs: &[("fsbp", "S3.14")],
    },
    Kind {
        code: "S3-001",
        name: "bucket-public-read",
        severity: Severity::Critical,
        control: "DATA-1",
        refs: &[("cis-3.0", "2.1.4"), ("fsbp", "S3.8")],
    },
    Kind {
        code: "IAM-005",
        name: "access-key-not-rotated",
        severity: Severity::High,
        control: "IAM-8",
        refs: &[("cis-3.0", "1.14"), ("fsbp", "IAM.3")],
    },
    Kind {
        code: "EC2-050",
        name: "security-group-admin-port-open",
        severity: Severity::High,
        control: "NET-2",
        refs: &[("cis-3.0", "5.2")],
    },
    Kind {
        code: "EC2-052",
        name: "volume-not-encrypted",
        severity: Severity::Medium,
        control: "ENC-1",
        refs: &[("fsbp", "EC2.3")],
    },
    Kind {
        code: "TAG-001",
        name: "resource-missing-required-tags",
        severity: Severity::Low,
        control: "GOV-1",
        refs: &[],
    },
    Kind {
        code: "LAMBDA-002",
        name: "function-deprecated-runtime",
        severity: Severity::Medium,
        control: "APP-2",
        refs: &[("fsbp", "Lambda.2")],
    },
    Kind {
        code: "CT-004",
        name: "bucket-object-events-not-recorded",
        severity: Severity::Info,
        control: "LOG-3",
        refs: &[("cis-3.0", "3.8")],
    },
];

fn remediation(code: &str) -> Remediation {
    Remediation {
        text: format!("Fix the configuration that {code} reports, then re-run the audit."),
        cli: Some(format!("aws example fix --check {code} --resource <arn>")),
        terraform: Some(format!(
            "# {code}\nresource \"aws_example\" \"this\" {{\n  secure = true\n}}"
        )),
    }
}

/// The catalogue of the synthetic report.
pub fn rules() -> Vec<Rule> {
    KINDS
        .iter()
        .map(|k| Rule {
            code: k.code.into(),
            name: k.name.into(),
            title: k.name.replace('-', " "),
            severity: k.severity,
            controls: vec![k.control.into()],
            compliance: k
                .refs
                .iter()
                .map(|(f, id)| Reference {
                    framework: (*f).into(),
                    id: (*id).into(),
                })
                .collect(),
            rationale: format!(
                "Why {} matters, in a paragraph an auditor can read.",
                k.name
            ),
            remediation: remediation(k.code),
            manual: false,
        })
        .collect()
}

/// `n` findings, deterministic.
pub fn findings(n: usize) -> Vec<Finding> {
    (0..n)
        .map(|i| {
            let k = &KINDS[i % KINDS.len()];
            let account = format!("{:012}", 100_000_000_000u64 + (i % 40) as u64);
            let region = REGIONS[(i / 7) % REGIONS.len()];
            let status = match i % 50 {
                0..=39 => Status::Fail,
                40..=44 => Status::Pass,
                45..=47 => Status::NotAssessed,
                48 => Status::Manual,
                _ => Status::Waived,
            };
            let resource = match k.code {
                "S3-003" | "S3-001" | "CT-004" => {
                    format!("arn:aws:s3:::team-{}-data-{i:06}", i % 97)
                }
                "IAM-005" => format!("arn:aws:iam::{account}:user/service-user-{i:06}"),
                "EC2-050" => format!("arn:aws:ec2:{region}:{account}:security-group/sg-{i:017x}"),
                "EC2-052" => format!("arn:aws:ec2:{region}:{account}:volume/vol-{i:017x}"),
                "LAMBDA-002" => format!("arn:aws:lambda:{region}:{account}:function:worker-{i:06}"),
                _ => format!("infra/module-{}/main.tf:aws_instance.app_{i}", i % 31),
            };
            let mut evidence = BTreeMap::new();
            evidence.insert("setting".to_owned(), json!(format!("value-{}", i % 13)));
            evidence.insert("expected".to_owned(), json!("enabled"));
            let location = resource.contains("main.tf").then(|| Location {
                file: format!("infra/module-{}/main.tf", i % 31),
                line: Some(u32::try_from(i % 400).unwrap_or(0) + 1),
                column: Some(3),
            });
            Finding {
                check: k.code.into(),
                name: k.name.into(),
                controls: vec![k.control.into()],
                severity: k.severity,
                status,
                resource: resource.clone(),
                account: Some(account),
                region: Some(region.into()),
                message: format!(
                    "{} on `{}`: setting is value-{}, expected enabled",
                    k.name,
                    resource,
                    i % 13
                ),
                evidence,
                location,
                remediation: remediation(k.code).into(),
                waiver_reason: (status == Status::Waived)
                    .then(|| "accepted until the migration ends".to_owned()),
            }
        })
        .collect()
}

/// A document of `n` findings.
///
/// # Panics
/// Never: the timestamps are constants.
pub fn document(n: usize) -> Document {
    let findings = findings(n);
    let summary = Summary::of(&findings, KINDS.len(), n);
    let report = Report {
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        inputs: vec![InputInfo {
            kind: rampart_model::InputKind::Snapshot,
            source: "estate.json".into(),
        }],
        scanned_at: Timestamp::parse("2026-11-01T00:00:00Z").ok(),
        settings: BTreeMap::new(),
        findings,
        gaps: Vec::new(),
        summary,
        passes_not_listed: Default::default(),
    };
    let mut doc = Document::new(
        report,
        Timestamp::parse("2026-11-22T10:00:00Z").unwrap_or_else(|_| Timestamp::now()),
    );
    doc.rules = rules();
    doc.complete_rules();
    let ran = doc.rules.iter().map(|r| r.code.clone()).collect();
    doc.compliance = Some(rampart_report::compliance::evaluate(
        rampart_report::Framework::Cis3,
        &doc.rules,
        &ran,
        &doc.report.findings,
    ));
    doc
}
