//! Findings and the report that carries them (the JSON contract of DESIGN.md).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::gap::Gap;
use crate::inventory::InputInfo;

/// How bad a failed check is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// The outcome of a check for one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The resource fails the control.
    Fail,
    /// The resource meets the control.
    Pass,
    /// The data the check needs could not be read.
    NotAssessed,
    /// No configuration can decide it: an auditor must check.
    Manual,
    /// A failure accepted by a waiver (with its reason).
    Waived,
}

impl Status {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Pass => "pass",
            Status::NotAssessed => "not_assessed",
            Status::Manual => "manual",
            Status::Waived => "waived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in a file a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    /// The file.
    pub file: String,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// (De)serializes a shared [`Remediation`] as the plain value.
mod shared_remediation {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Remediation;

    pub fn serialize<S: Serializer>(r: &Arc<Remediation>, s: S) -> Result<S::Ok, S::Error> {
        r.as_ref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Remediation>, D::Error> {
        Remediation::deserialize(d).map(Arc::new)
    }
}

/// How to fix a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Remediation {
    /// What to do, in words.
    pub text: String,
    /// An AWS CLI command (placeholders in `<angle brackets>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// The Terraform that fixes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
}

/// Evidence: the exact offending statement, rule or setting, as named JSON values.
pub type Evidence = BTreeMap<String, serde_json::Value>;

/// One result of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The check code (`S3-003`).
    pub check: String,
    /// The check name (`bucket-without-versioning`).
    pub name: String,
    /// The CHECKLIST controls it serves (`DATA-2`).
    pub controls: Vec<String>,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
    /// The resource: an ARN, or `FILE:ADDRESS` for IaC.
    pub resource: String,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What is wrong (or right), in one sentence.
    pub message: String,
    /// The offending statement, rule or setting.
    #[serde(default)]
    pub evidence: Evidence,
    /// The file position, for file inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// How to fix it: shared by the findings of one check (a large scan has thousands of
    /// failures of one check; their fix is the same text).
    #[serde(with = "shared_remediation")]
    #[schemars(with = "Remediation")]
    pub remediation: std::sync::Arc<Remediation>,
    /// Why it is waived (status `waived`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_reason: Option<String>,
}

impl Finding {
    /// A stable identity for baselines, scan history and de-duplication: it changes only when
    /// the problem is another one, never with the scan's clock or the wording of the message
    /// (which carries ages and dates: "key 412 days old").
    ///
    /// Hashed (FNV-1a, hex): the check, the account, the region, the resource and the offending
    /// element — the policy statement a finding is about (`evidence.statement`: a policy has
    /// several findings of one check, one per statement), else nothing more (one finding per
    /// check and resource). A finding of a secret (its evidence holds the secret's
    /// `fingerprint`) is the check, the file and that fingerprint instead, so that a secret moved
    /// to another line, or found again in history, is the same finding.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        if let Some(secret) = self.secret_fingerprint() {
            return self.secret_identity(secret);
        }
        let mut element = Vec::new();
        if let Some(statement) = self.evidence.get("statement") {
            canonical(statement, &mut element);
        }
        fnv(&[
            b"v2",
            self.check.as_bytes(),
            self.account.as_deref().unwrap_or_default().as_bytes(),
            self.region.as_deref().unwrap_or_default().as_bytes(),
            self.resource.as_bytes(),
            &element,
        ])
    }

    /// The fingerprint rampart 0.1 wrote (check, resource, account, region and the message's
    /// first line): baselines written with it are still recognised ([`crate::Baseline`]).
    #[must_use]
    pub fn legacy_fingerprint(&self) -> String {
        if let Some(secret) = self.secret_fingerprint() {
            return self.secret_identity(secret);
        }
        fnv(&[
            self.check.as_bytes(),
            self.resource.as_bytes(),
            self.account.as_deref().unwrap_or_default().as_bytes(),
            self.region.as_deref().unwrap_or_default().as_bytes(),
            self.message.lines().next().unwrap_or_default().as_bytes(),
        ])
    }

    fn secret_fingerprint(&self) -> Option<&str> {
        self.evidence
            .get("fingerprint")
            .and_then(serde_json::Value::as_str)
    }

    fn secret_identity(&self, secret: &str) -> String {
        fnv(&[
            self.check.as_bytes(),
            self.location
                .as_ref()
                .map_or(self.resource.as_str(), |l| l.file.as_str())
                .as_bytes(),
            b"",
            b"",
            secret.as_bytes(),
        ])
    }
}

/// `v` as JSON with every object's keys sorted: the same statement gives the same text whatever
/// order its keys were read or stored in. Written straight into `out` (a fingerprint is computed
/// for every finding of a scan: no text is built per key or value).
fn canonical(v: &serde_json::Value, out: &mut Vec<u8>) {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // Writing JSON into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, k);
                out.push(b':');
                canonical(v, out);
            }
            out.push(b'}');
        }
        serde_json::Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(v, out);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// FNV-1a over `parts`, each followed by 0xff (a byte no UTF-8 text holds), as 16 hex digits.
fn fnv(parts: &[&[u8]]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The tool that made a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ToolInfo {
    /// `rampart`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// Counts by status and, for failures, by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Results by status (`fail`, `pass`, `not_assessed`, `manual`, `waived`), over all results
    /// including passes even when they are not listed.
    pub by_status: BTreeMap<String, usize>,
    /// Failures by severity.
    pub failures_by_severity: BTreeMap<String, usize>,
    /// How many checks ran.
    pub checks_run: usize,
    /// How many resources the Inventory held.
    pub resources: usize,
}

impl Summary {
    /// Counts a report's findings and the passes it did not keep.
    #[must_use]
    pub fn of_report(report: &Report) -> Self {
        let mut s = Summary::of(
            &report.findings,
            report.summary.checks_run,
            report.summary.resources,
        );
        let unlisted: usize = report.passes_not_listed.values().sum();
        if unlisted > 0 {
            *s.by_status
                .entry(Status::Pass.as_str().to_owned())
                .or_default() += unlisted;
        }
        s
    }

    /// Counts `findings`.
    #[must_use]
    pub fn of(findings: &[Finding], checks_run: usize, resources: usize) -> Self {
        let mut s = Summary {
            checks_run,
            resources,
            ..Summary::default()
        };
        for f in findings {
            *s.by_status.entry(f.status.as_str().to_owned()).or_default() += 1;
            if f.status == Status::Fail {
                *s.failures_by_severity
                    .entry(f.severity.as_str().to_owned())
                    .or_default() += 1;
            }
        }
        s
    }
}

/// A whole report: the JSON contract of DESIGN.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The tool.
    pub tool: ToolInfo,
    /// What was read.
    pub inputs: Vec<InputInfo>,
    /// When the data was collected (the scan time checks measured ages from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<crate::Timestamp>,
    /// Settings the report was made with (fail-on, config file, thresholds).
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
    /// The findings listed (by default: fail, not_assessed, manual, waived).
    pub findings: Vec<Finding>,
    /// What could not be read.
    pub gaps: Vec<Gap>,
    /// Counts.
    pub summary: Summary,
    /// Passes that were counted but never held as findings (a scan that does not list passes
    /// drops them as each check ends), per check. Not part of the JSON contract: the summary and
    /// the compliance view include them.
    #[serde(skip)]
    #[schemars(skip)]
    pub passes_not_listed: BTreeMap<String, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint is an identity kept in baselines and stores: its value is pinned. The
    /// expected value is FNV-1a over "v2", check, account, region, resource and the statement
    /// with sorted keys, each part followed by 0xff (computed independently of this code).
    #[test]
    fn fingerprint_value_is_pinned() {
        let f: Finding = serde_json::from_value(serde_json::json!({
            "check": "IAM-101", "name": "n", "controls": [], "severity": "high",
            "status": "fail", "resource": "arn:aws:iam::123456789012:policy/p",
            "account": "123456789012", "region": "us-east-1",
            "message": "key 412 days old",
            "evidence": {"statement": {"Sid": "S", "Effect": "Allow",
                "Action": ["s3:GetObject", 1, true, null], "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}},
            "remediation": {"text": "t"}
        }))
        .unwrap_or_else(|e| panic!("finding: {e}"));
        assert_eq!(f.fingerprint(), "7d5cfc85cbbf55ee");
    }
}
