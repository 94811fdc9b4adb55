//! OCSF 1.5.0 Detection Finding events (class 2004, category 2 Findings), one JSON object per
//! line (NDJSON), as security data lakes (Amazon Security Lake, Splunk, Sentinel) ingest them.
//!
//! The cloud profile is applied: `cloud` names AWS, the region and the account. The resource is
//! in `resources` (with the evidence as its `data`), the check in `finding_info.analytic`, the fix
//! in `remediation`. What OCSF has no attribute for (rampart's status, CHECKLIST controls,
//! compliance references, the file location, CLI and Terraform fixes) goes in `unmapped`, as the
//! schema prescribes. Status mapping: fail → New, waived → Suppressed, pass → Resolved, not
//! assessed and manual → Other with the label in `status`.

use std::io::{self, Write};

use rampart_model::{Finding, Severity, Status};
use serde::Serialize;

use crate::{Document, Rule};

/// The OCSF schema version written in `metadata.version`.
pub const OCSF_VERSION: &str = "1.5.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// Findings.
pub const CATEGORY_UID: u32 = 2;

/// Writes `doc` as OCSF NDJSON.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let index = doc.rule_index();
    let time_ms =
        i64::try_from(doc.observed_at().0.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    for f in &doc.report.findings {
        let rule = index.get(f.check.as_str()).map(|&i| &doc.rules[i]);
        let event = event(doc, f, rule, time_ms);
        serde_json::to_writer(&mut *w, &event).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// The OCSF `severity_id` and its caption.
#[must_use]
pub fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Fail => (1, "New"),
        Status::Waived => (3, "Suppressed"),
        Status::Pass => (4, "Resolved"),
        Status::NotAssessed => (99, "Not Assessed"),
        Status::Manual => (99, "Manual Review"),
    }
}

/// The resource type: the service of an ARN (`s3`, `iam`), else the IaC resource type.
fn resource_type(resource: &str) -> String {
    let mut parts = resource.split(':');
    if parts.next() == Some("arn") {
        let service = parts.nth(1).unwrap_or_default();
        let rest: Vec<&str> = parts.skip(2).collect();
        let kind = rest.join(":");
        let kind = kind.split(['/', ':']).next().unwrap_or_default();
        return if kind.is_empty() || service == "s3" {
            service.to_owned()
        } else {
            format!("{service}:{kind}")
        };
    }
    // `FILE:ADDRESS` of IaC: the address's type (`aws_s3_bucket.logs` → `aws_s3_bucket`).
    let address = resource.rsplit(':').next().unwrap_or(resource);
    address.split('.').next().unwrap_or(address).to_owned()
}

#[derive(Serialize)]
struct Event<'a> {
    activity_id: u32,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    time: i64,
    message: &'a str,
    confidence_id: u8,
    confidence: &'static str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    resources: [Resource<'a>; 1],
    cloud: Cloud<'a>,
    remediation: OcsfRemediation<'a>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    profiles: [&'static str; 1],
    product: Product<'a>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'a str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    desc: &'a str,
    types: [String; 1],
    created_time: i64,
    analytic: Analytic<'a>,
}

#[derive(Serialize)]
struct Analytic<'a> {
    uid: &'a str,
    name: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    desc: Option<&'a str>,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: String,
    cloud_partition: &'static str,
    data: &'a rampart_model::Evidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct OcsfRemediation<'a> {
    desc: &'a str,
    references: Vec<String>,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    rampart_status: &'static str,
    controls: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    compliance: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a rampart_model::Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation_cli: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation_terraform: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

fn event<'a>(doc: &'a Document, f: &'a Finding, rule: Option<&'a Rule>, time_ms: i64) -> Event<'a> {
    let (severity_id, severity_name) = severity(f.severity);
    let (status_id, status_name) = status(f.status);
    let activity_id = 1;
    let title = rule.map_or(f.name.as_str(), |r| r.title.as_str());
    let mut references: Vec<String> = f
        .controls
        .iter()
        .map(|c| format!("rampart CHECKLIST {c}"))
        .collect();
    if let Some(r) = rule {
        references.extend(r.compliance.iter().map(crate::Reference::label));
    }
    let name = f
        .resource
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(&f.resource);
    let area = crate::area(&f.check);
    Event {
        activity_id,
        activity_name: "Create",
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        class_uid: CLASS_UID,
        class_name: "Detection Finding",
        type_uid: CLASS_UID * 100 + activity_id,
        type_name: "Detection Finding: Create",
        severity_id,
        severity: severity_name,
        status_id,
        status: status_name,
        time: time_ms,
        message: &f.message,
        confidence_id: 3,
        confidence: "High",
        metadata: Metadata {
            version: OCSF_VERSION,
            profiles: ["cloud"],
            product: Product {
                name: &doc.report.tool.name,
                vendor_name: "rampart",
                version: &doc.report.tool.version,
            },
        },
        finding_info: FindingInfo {
            uid: f.fingerprint(),
            title,
            desc: &f.message,
            types: [format!("rampart/{area}")],
            created_time: time_ms,
            analytic: Analytic {
                uid: &f.check,
                name: &f.name,
                type_id: 1,
                kind: "Rule",
                category: area,
                desc: rule.map(|r| r.rationale.as_str()).filter(|d| !d.is_empty()),
            },
        },
        resources: [Resource {
            uid: &f.resource,
            name,
            kind: resource_type(&f.resource),
            cloud_partition: "aws",
            data: &f.evidence,
            region: f.region.as_deref(),
        }],
        cloud: Cloud {
            provider: "AWS",
            region: f.region.as_deref(),
            account: f.account.as_deref().map(|uid| Account {
                uid,
                type_id: 10,
                kind: "AWS Account",
            }),
        },
        remediation: OcsfRemediation {
            desc: &f.remediation.text,
            references,
        },
        unmapped: Unmapped {
            rampart_status: f.status.as_str(),
            controls: &f.controls,
            compliance: rule.map(|r| r.compliance.iter().map(crate::Reference::label).collect()),
            location: f.location.as_ref(),
            remediation_cli: f.remediation.cli.as_deref(),
            remediation_terraform: f.remediation.terraform.as_deref(),
            waiver_reason: f.waiver_reason.as_deref(),
            baseline_state: doc.baseline_state(f),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::resource_type;

    #[test]
    fn resource_types() {
        assert_eq!(resource_type("arn:aws:s3:::logs"), "s3");
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:role/admin"),
            "iam:role"
        );
        assert_eq!(
            resource_type("arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1"),
            "ec2:security-group"
        );
        assert_eq!(resource_type("main.tf:aws_s3_bucket.logs"), "aws_s3_bucket");
    }
}
