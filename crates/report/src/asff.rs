//! AWS Security Finding Format (ASFF 2018-10-08): a JSON array of findings with every field
//! `BatchImportFindings` requires (`SchemaVersion`, `Id`, `ProductArn`, `GeneratorId`,
//! `AwsAccountId`, `Types`, `CreatedAt`, `UpdatedAt`, `Severity`, `Title`, `Description`,
//! `Resources`), within the API's length limits. Import in batches of at most 100.
//!
//! `ProductArn` is the account's default custom-integration product
//! (`arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`). Findings with no 12-digit
//! account (IaC, where the account is not known before deploy) use `000000000000`, and findings
//! with no region (global resources) use `us-east-1`: change them before importing if needed.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::{Finding, Severity, Status};
use serde::Serialize;

use crate::{Document, Rule};

/// The ASFF schema version.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// The account written when a finding has no 12-digit account.
pub const UNKNOWN_ACCOUNT: &str = "000000000000";
/// The region written when a finding has none.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Writes `doc` as an ASFF array.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let index = doc.rule_index();
    let created = doc.observed_at().to_string();
    let updated = doc.generated_at.to_string();
    w.write_all(b"[")?;
    for (n, f) in doc.report.findings.iter().enumerate() {
        let rule = index.get(f.check.as_str()).map(|&i| &doc.rules[i]);
        w.write_all(if n == 0 { b"\n  " } else { b",\n  " })?;
        let finding = finding(doc, f, rule, &created, &updated);
        serde_json::to_writer(&mut *w, &finding).map_err(io::Error::other)?;
    }
    w.write_all(b"\n]\n")
}

/// The ASFF severity label.
#[must_use]
pub fn label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// The ASFF resource type of an ARN (the documented `Aws…` names), else `Other`.
#[must_use]
pub fn resource_type(resource: &str) -> &'static str {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let (service, rest) = match parts.as_slice() {
        ["arn", _, service, _, _, rest] => (*service, *rest),
        _ => return "Other",
    };
    let kind = rest.split(['/', ':']).next().unwrap_or_default();
    match (service, kind) {
        ("s3", _) => "AwsS3Bucket",
        ("iam", "role") => "AwsIamRole",
        ("iam", "user") => "AwsIamUser",
        ("iam", "group") => "AwsIamGroup",
        ("iam", "policy") => "AwsIamPolicy",
        ("iam", "root") => "AwsAccount",
        ("ec2", "security-group") => "AwsEc2SecurityGroup",
        ("ec2", "instance") => "AwsEc2Instance",
        ("ec2", "vpc") => "AwsEc2Vpc",
        ("ec2", "subnet") => "AwsEc2Subnet",
        ("ec2", "volume") => "AwsEc2Volume",
        ("ec2", "network-acl") => "AwsEc2NetworkAcl",
        ("ec2", "snapshot") => "AwsEc2Snapshot",
        ("rds", "db") => "AwsRdsDbInstance",
        ("rds", "cluster") => "AwsRdsDbCluster",
        ("rds", "snapshot") => "AwsRdsDbSnapshot",
        ("kms", "key") => "AwsKmsKey",
        ("lambda", "function") => "AwsLambdaFunction",
        ("cloudtrail", "trail") => "AwsCloudTrailTrail",
        ("secretsmanager", "secret") => "AwsSecretsManagerSecret",
        ("dynamodb", "table") => "AwsDynamoDbTable",
        ("redshift", "cluster") => "AwsRedshiftCluster",
        ("elasticloadbalancing", "loadbalancer")
            if rest.starts_with("loadbalancer/app") || rest.starts_with("loadbalancer/net") =>
        {
            "AwsElbv2LoadBalancer"
        }
        ("elasticloadbalancing", "loadbalancer") => "AwsElbLoadBalancer",
        ("sns", _) => "AwsSnsTopic",
        ("sqs", _) => "AwsSqsQueue",
        ("backup", "backup-vault") => "AwsBackupBackupVault",
        _ => "Other",
    }
}

fn account(f: &Finding) -> &str {
    match f.account.as_deref() {
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a,
        _ => UNKNOWN_ACCOUNT,
    }
}

/// A waived failure is still a failure: Security Hub's `Compliance.Status` says what the control
/// found (`FAILED`), and `Workflow.Status` `SUPPRESSED` says that it was accepted (the ASFF
/// reference: suppression is the workflow's business, not the compliance result's).
fn compliance_status(s: Status) -> &'static str {
    match s {
        Status::Fail | Status::Waived => "FAILED",
        Status::Pass => "PASSED",
        Status::NotAssessed | Status::Manual => "NOT_AVAILABLE",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffFinding<'a> {
    schema_version: &'static str,
    id: String,
    product_arn: String,
    product_name: &'static str,
    company_name: &'static str,
    generator_id: String,
    aws_account_id: &'a str,
    region: &'a str,
    types: Vec<&'static str>,
    created_at: &'a str,
    updated_at: &'a str,
    severity: AsffSeverity,
    title: String,
    description: String,
    remediation: AsffRemediation,
    product_fields: BTreeMap<&'static str, String>,
    resources: [AsffResource<'a>; 1],
    compliance: AsffCompliance,
    workflow: Workflow,
    record_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Note<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffSeverity {
    label: &'static str,
    original: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffRemediation {
    recommendation: Recommendation,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Recommendation {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffResource<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: String,
    partition: &'static str,
    region: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Details>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Details {
    other: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffCompliance {
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_requirements: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reasons: Option<[StatusReason; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatusReason {
    reason_code: &'static str,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Workflow {
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Note<'a> {
    text: String,
    updated_by: &'static str,
    updated_at: &'a str,
}

fn finding<'a>(
    doc: &Document,
    f: &'a Finding,
    rule: Option<&Rule>,
    created: &'a str,
    updated: &'a str,
) -> AsffFinding<'a> {
    let account = account(f);
    let region = f.region.as_deref().unwrap_or(DEFAULT_REGION);
    let fingerprint = f.fingerprint();
    let title = rule.map_or(f.name.as_str(), |r| r.title.as_str());
    let mut types = vec!["Software and Configuration Checks/AWS Security Best Practices"];
    let mut related: Vec<String> = Vec::new();
    if let Some(r) = rule {
        for c in &r.compliance {
            let standard = match c.framework.as_str() {
                "cis-3.0" => "CIS AWS Foundations Benchmark v3.0.0",
                "cis-6.0" => "CIS AWS Foundations Benchmark v6.0.0",
                "fsbp" => "AWS Foundational Security Best Practices",
                other => other,
            };
            related.push(crate::truncate(&format!("{standard}/{}", c.id), 256));
        }
        if r.compliance.iter().any(|c| c.framework.starts_with("cis")) {
            types.push("Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark");
        }
    }
    related.truncate(32);
    let other: BTreeMap<String, String> = f
        .evidence
        .iter()
        .take(50)
        .map(|(k, v)| {
            (
                crate::truncate(k, 128),
                crate::truncate(&crate::value_text(v), 1024),
            )
        })
        .collect();
    let mut product_fields = BTreeMap::new();
    product_fields.insert("rampart/check", f.check.clone());
    product_fields.insert("rampart/name", f.name.clone());
    product_fields.insert("rampart/status", f.status.as_str().to_owned());
    product_fields.insert("rampart/controls", f.controls.join(","));
    product_fields.insert("rampart/fingerprint", fingerprint.clone());
    if let Some(l) = &f.location {
        let place = format!(
            "{}{}{}",
            l.file,
            l.line.map(|n| format!(":{n}")).unwrap_or_default(),
            l.column.map(|n| format!(":{n}")).unwrap_or_default()
        );
        product_fields.insert("rampart/location", crate::truncate(&place, 1024));
    }
    if let Some(state) = doc.baseline_state(f) {
        product_fields.insert("rampart/baseline_state", state.to_owned());
    }
    let mut remediation_text = f.remediation.text.clone();
    if let Some(cli) = &f.remediation.cli {
        remediation_text.push_str(" CLI: ");
        remediation_text.push_str(cli);
    }
    let status_reasons = matches!(f.status, Status::NotAssessed | Status::Manual).then(|| {
        [StatusReason {
            reason_code: if f.status == Status::Manual {
                "MANUAL_REVIEW"
            } else {
                "NOT_ASSESSED"
            },
            description: crate::truncate(&f.message, 2048),
        }]
    });
    AsffFinding {
        schema_version: SCHEMA_VERSION,
        id: crate::truncate(
            &format!("rampart/{}/{account}/{region}/{fingerprint}", f.check),
            512,
        ),
        product_arn: format!("arn:aws:securityhub:{region}:{account}:product/{account}/default"),
        product_name: "rampart",
        company_name: "rampart",
        generator_id: crate::truncate(&format!("rampart/{}", f.check), 512),
        aws_account_id: account,
        region,
        types,
        created_at: created,
        updated_at: updated,
        severity: AsffSeverity {
            label: label(f.severity),
            original: f.severity.as_str(),
        },
        title: crate::truncate(title, 256),
        description: crate::truncate(&f.message, 1024),
        remediation: AsffRemediation {
            recommendation: Recommendation {
                text: crate::truncate(&remediation_text, 512),
            },
        },
        product_fields,
        resources: [AsffResource {
            kind: resource_type(&f.resource),
            id: crate::truncate(&f.resource, 512),
            partition: "aws",
            region,
            details: (!other.is_empty()).then_some(Details { other }),
        }],
        compliance: AsffCompliance {
            status: compliance_status(f.status),
            related_requirements: related,
            status_reasons,
        },
        workflow: Workflow {
            status: if f.status == Status::Waived {
                "SUPPRESSED"
            } else {
                "NEW"
            },
        },
        record_state: "ACTIVE",
        note: f
            .waiver_reason
            .as_deref()
            .filter(|_| f.status == Status::Waived)
            .map(|reason| Note {
                text: crate::truncate(&format!("waived: {reason}"), 512),
                updated_by: "rampart",
                updated_at: updated,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::resource_type;

    #[test]
    fn types() {
        assert_eq!(resource_type("arn:aws:s3:::logs"), "AwsS3Bucket");
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:role/x"),
            "AwsIamRole"
        );
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:root"),
            "AwsAccount"
        );
        assert_eq!(resource_type("main.tf:aws_s3_bucket.x"), "Other");
    }
}
