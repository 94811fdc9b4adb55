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
use serde_json::{Value, json};

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

fn event(doc: &Document, f: &Finding, rule: Option<&Rule>, time_ms: i64) -> Value {
    let (severity_id, severity_name) = severity(f.severity);
    let (status_id, status_name) = status(f.status);
    let activity_id = 1;
    let title = rule.map_or_else(|| f.name.clone(), |r| r.title.clone());
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
    let mut resource = json!({
        "uid": f.resource,
        "name": name,
        "type": resource_type(&f.resource),
        "cloud_partition": "aws",
        "data": f.evidence,
    });
    if let Some(region) = &f.region {
        resource["region"] = json!(region);
    }
    let mut cloud = json!({ "provider": "AWS" });
    if let Some(region) = &f.region {
        cloud["region"] = json!(region);
    }
    if let Some(account) = &f.account {
        cloud["account"] = json!({ "uid": account, "type_id": 10, "type": "AWS Account" });
    }
    let mut unmapped = json!({
        "rampart_status": f.status.as_str(),
        "controls": f.controls,
    });
    if let Some(r) = rule {
        unmapped["compliance"] = json!(
            r.compliance
                .iter()
                .map(crate::Reference::label)
                .collect::<Vec<_>>()
        );
    }
    if let Some(l) = &f.location {
        unmapped["location"] = json!(l);
    }
    if let Some(cli) = &f.remediation.cli {
        unmapped["remediation_cli"] = json!(cli);
    }
    if let Some(tf) = &f.remediation.terraform {
        unmapped["remediation_terraform"] = json!(tf);
    }
    if let Some(reason) = &f.waiver_reason {
        unmapped["waiver_reason"] = json!(reason);
    }
    if let Some(state) = doc.baseline_state(f) {
        unmapped["baseline_state"] = json!(state);
    }
    let mut finding_info = json!({
        "uid": f.fingerprint(),
        "title": title,
        "desc": f.message,
        "types": [format!("rampart/{}", crate::area(&f.check))],
        "created_time": time_ms,
        "analytic": {
            "uid": f.check,
            "name": f.name,
            "type_id": 1,
            "type": "Rule",
            "category": crate::area(&f.check),
        },
    });
    if let Some(desc) = rule.map(|r| r.rationale.as_str()).filter(|d| !d.is_empty()) {
        finding_info["analytic"]["desc"] = json!(desc);
    }
    json!({
        "activity_id": activity_id,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + activity_id,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": status_id,
        "status": status_name,
        "time": time_ms,
        "message": f.message,
        "confidence_id": 3,
        "confidence": "High",
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": doc.report.tool.name,
                "vendor_name": "rampart",
                "version": doc.report.tool.version,
            },
        },
        "finding_info": finding_info,
        "resources": [resource],
        "cloud": cloud,
        "remediation": {
            "desc": f.remediation.text,
            "references": references,
        },
        "unmapped": unmapped,
    })
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
