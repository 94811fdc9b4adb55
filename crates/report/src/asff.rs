//! AWS Security Finding Format (ASFF 2018-10-08): a JSON array of findings with every field
//! `BatchImportFindings` requires (`SchemaVersion`, `Id`, `ProductArn`, `GeneratorId`,
//! `AwsAccountId`, `Types`, `CreatedAt`, `UpdatedAt`, `Severity`, `Title`, `Description`,
//! `Resources`), within the API's length limits. Import in batches of at most 100.
//!
//! `ProductArn` is the account's default custom-integration product
//! (`arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`). Findings with no 12-digit
//! account (IaC, where the account is not known before deploy) use `000000000000`, and findings
//! with no region (global resources) use `us-east-1`: change them before importing if needed.

use std::io::{self, Write};

use rampart_model::{Finding, Severity, Status};
use serde_json::{Map, Value, json};

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

fn compliance_status(s: Status) -> &'static str {
    match s {
        Status::Fail => "FAILED",
        Status::Pass | Status::Waived => "PASSED",
        Status::NotAssessed | Status::Manual => "NOT_AVAILABLE",
    }
}

fn finding(
    doc: &Document,
    f: &Finding,
    rule: Option<&Rule>,
    created: &str,
    updated: &str,
) -> Value {
    let account = account(f);
    let region = f.region.as_deref().unwrap_or(DEFAULT_REGION);
    let fingerprint = f.fingerprint();
    let title = rule.map_or_else(|| f.name.clone(), |r| r.title.clone());
    let mut types =
        vec!["Software and Configuration Checks/AWS Security Best Practices".to_owned()];
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
            types.push("Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark".into());
        }
    }
    related.truncate(32);
    let mut details = Map::new();
    for (k, v) in f.evidence.iter().take(50) {
        details.insert(
            crate::truncate(k, 128),
            json!(crate::truncate(&crate::value_text(v), 1024)),
        );
    }
    let mut product_fields = Map::new();
    product_fields.insert("rampart/check".into(), json!(f.check));
    product_fields.insert("rampart/name".into(), json!(f.name));
    product_fields.insert("rampart/status".into(), json!(f.status.as_str()));
    product_fields.insert("rampart/controls".into(), json!(f.controls.join(",")));
    product_fields.insert("rampart/fingerprint".into(), json!(fingerprint));
    if let Some(l) = &f.location {
        let place = format!(
            "{}{}{}",
            l.file,
            l.line.map(|n| format!(":{n}")).unwrap_or_default(),
            l.column.map(|n| format!(":{n}")).unwrap_or_default()
        );
        product_fields.insert(
            "rampart/location".into(),
            json!(crate::truncate(&place, 1024)),
        );
    }
    if let Some(state) = doc.baseline_state(f) {
        product_fields.insert("rampart/baseline_state".into(), json!(state));
    }
    let mut resource = json!({
        "Type": resource_type(&f.resource),
        "Id": crate::truncate(&f.resource, 512),
        "Partition": "aws",
        "Region": region,
    });
    if !details.is_empty() {
        resource["Details"] = json!({ "Other": details });
    }
    let mut remediation_text = f.remediation.text.clone();
    if let Some(cli) = &f.remediation.cli {
        remediation_text.push_str(&format!(" CLI: {cli}"));
    }
    let mut out = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": crate::truncate(&format!("rampart/{}/{account}/{region}/{fingerprint}", f.check), 512),
        "ProductArn": format!("arn:aws:securityhub:{region}:{account}:product/{account}/default"),
        "ProductName": "rampart",
        "CompanyName": "rampart",
        "GeneratorId": crate::truncate(&format!("rampart/{}", f.check), 512),
        "AwsAccountId": account,
        "Region": region,
        "Types": types,
        "CreatedAt": created,
        "UpdatedAt": updated,
        "Severity": { "Label": label(f.severity), "Original": f.severity.as_str() },
        "Title": crate::truncate(&title, 256),
        "Description": crate::truncate(&f.message, 1024),
        "Remediation": { "Recommendation": { "Text": crate::truncate(&remediation_text, 512) } },
        "ProductFields": product_fields,
        "Resources": [resource],
        "Compliance": { "Status": compliance_status(f.status) },
        "Workflow": { "Status": if f.status == Status::Waived { "SUPPRESSED" } else { "NEW" } },
        "RecordState": "ACTIVE",
    });
    if !related.is_empty() {
        out["Compliance"]["RelatedRequirements"] = json!(related);
    }
    if f.status == Status::Waived
        && let Some(reason) = &f.waiver_reason
    {
        out["Note"] = json!({
            "Text": crate::truncate(&format!("waived: {reason}"), 512),
            "UpdatedBy": "rampart",
            "UpdatedAt": updated,
        });
    }
    if f.status == Status::NotAssessed || f.status == Status::Manual {
        out["Compliance"]["StatusReasons"] = json!([{
            "ReasonCode": if f.status == Status::Manual { "MANUAL_REVIEW" } else { "NOT_ASSESSED" },
            "Description": crate::truncate(&f.message, 2048),
        }]);
    }
    out
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
