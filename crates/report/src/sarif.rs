//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps, IDEs).
//!
//! - One run; the driver's `rules` are the checks, each with `security-severity` (the number
//!   GitHub buckets into critical/high/medium/low), its rationale and its fix.
//! - A result per finding: `kind` `fail` (level from severity), `review` for manual items, `open`
//!   for what could not be assessed, `pass` for passes; a waived failure carries an accepted
//!   external suppression with the waiver's reason.
//! - Results are verdicts only (fail, waived, pass when listed); what could not be assessed and
//!   the manual items are `toolExecutionNotifications` of the invocation (with the check as
//!   `associatedRule`), so code scanning does not show them as alerts.
//! - Locations: every result has a physical location, as GitHub code scanning requires: the
//!   file, line and column of a file input; for a finding without one, the input file it came
//!   from (snapshot, template, policy), or for a live account the relative URI `aws/ACCOUNT`.
//!   A logical location always names the resource (its ARN or IaC address).
//! - `partialFingerprints["rampart/v1"]` is the finding's stable fingerprint; with a baseline,
//!   `baselineState` is `new` or `unchanged`.
//! - Unused and expired waivers are `toolConfigurationNotifications` of the invocation.

use std::io::{self, Write};

use rampart_model::{Finding, Severity, Status};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{Document, Rule};

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `security-severity` of a severity (CVSS-like: GitHub shows ≥ 9 as critical, ≥ 7 high,
/// ≥ 4 medium, > 0 low).
#[must_use]
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Writes `doc` as a SARIF log.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let r = &doc.report;
    let index = doc.rule_index();
    let rules: Vec<Value> = doc.rules.iter().map(rule).collect();
    let fallback = fallback_uri(doc);
    let results: Vec<SarifResult<'_>> = r
        .findings
        .iter()
        .filter(|f| !matches!(f.status, Status::NotAssessed | Status::Manual))
        .map(|f| {
            result(
                doc,
                f,
                index.get(f.check.as_str()).copied(),
                fallback.as_deref(),
            )
        })
        .collect();
    let execution: Vec<Value> = r
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::NotAssessed | Status::Manual))
        .map(|f| execution_notification(f, index.get(f.check.as_str()).copied()))
        .collect();
    let notifications: Vec<Value> = doc
        .warnings
        .iter()
        .map(|wn| {
            json!({
                "level": "warning",
                "message": { "text": wn.message },
                "descriptor": { "id": wn.kind },
            })
        })
        .collect();
    let artifacts: Vec<Value> = r
        .inputs
        .iter()
        .filter(|i| i.kind != "live")
        .map(|i| {
            json!({
                "location": { "uri": uri(&i.source) },
                "roles": ["analysisTarget"],
                "properties": { "kind": i.kind },
            })
        })
        .collect();
    let mut properties = json!({
        "summary": r.summary,
        "gaps": r.gaps,
        "settings": r.settings,
    });
    if let Some(view) = &doc.compliance {
        properties["compliance"] = serde_json::to_value(view).map_err(io::Error::other)?;
    }
    let run = Run {
        tool: json!({
            "driver": {
                "name": r.tool.name,
                "version": r.tool.version,
                "semanticVersion": r.tool.version,
                "rules": rules,
            }
        }),
        invocations: json!([{
            "executionSuccessful": true,
            "endTimeUtc": doc.generated_at.to_string(),
            "toolConfigurationNotifications": notifications,
            "toolExecutionNotifications": execution,
        }]),
        artifacts: (!artifacts.is_empty()).then_some(artifacts),
        results,
        column_kind: "unicodeCodePoints",
        properties,
    };
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [run],
    };
    serde_json::to_writer_pretty(&mut *w, &log).map_err(io::Error::other)?;
    writeln!(w)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    artifacts: Option<Vec<Value>>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    kind: &'static str,
    level: &'static str,
    message: Text<'a>,
    locations: [ResultLocation<'a>; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "rampart/v1")]
    v1: String,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    status: &'static str,
    severity: &'static str,
    controls: &'a [String],
    resource: &'a str,
    evidence: &'a rampart_model::Evidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

fn rule(r: &Rule) -> Value {
    let mut tags: Vec<String> = vec!["security".into()];
    tags.extend(r.controls.iter().cloned());
    tags.extend(r.compliance.iter().map(crate::Reference::label));
    let mut help = String::new();
    if !r.rationale.is_empty() {
        help.push_str(&r.rationale);
        help.push_str("\n\n");
    }
    help.push_str("Fix: ");
    help.push_str(&r.remediation.text);
    let mut markdown = format!("**{}** ({})\n\n", r.title, r.code);
    if !r.rationale.is_empty() {
        markdown.push_str(&format!("{}\n\n", r.rationale));
    }
    markdown.push_str(&format!("**Fix.** {}\n", r.remediation.text));
    if let Some(cli) = &r.remediation.cli {
        markdown.push_str(&format!("\nAWS CLI:\n\n```sh\n{cli}\n```\n"));
    }
    if let Some(tf) = &r.remediation.terraform {
        markdown.push_str(&format!("\nTerraform:\n\n```hcl\n{tf}\n```\n"));
    }
    let mut refs: Vec<String> = r
        .controls
        .iter()
        .map(|c| format!("CHECKLIST {c}"))
        .collect();
    refs.extend(r.compliance.iter().map(crate::Reference::label));
    if !refs.is_empty() {
        markdown.push_str(&format!("\nReferences: {}\n", refs.join(", ")));
    }
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": if r.rationale.is_empty() { &r.title } else { &r.rationale } },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "security-severity": security_severity(r.severity),
            "severity": r.severity.as_str(),
            "precision": "high",
            "tags": tags,
            "manual": r.manual,
            "remediation": r.remediation,
        }
    })
}

/// What could not be assessed, or must be checked by hand, is not a result (a result is a
/// verdict, and GitHub would show it as an alert): it is a notification of the run, naming the
/// check, the resource and why.
fn execution_notification(f: &Finding, rule_index: Option<usize>) -> Value {
    let (level, what) = match f.status {
        Status::NotAssessed => ("warning", "not assessed"),
        _ => ("note", "manual"),
    };
    let mut rule = json!({ "id": f.check });
    if let Some(i) = rule_index {
        rule["index"] = json!(i);
    }
    json!({
        "level": level,
        "message": { "text": format!("{} {what}: {} — {}", f.check, f.resource, f.message) },
        "descriptor": { "id": f.status.as_str() },
        "associatedRule": rule,
        "properties": {
            "status": f.status.as_str(),
            "resource": f.resource,
            "severity": f.severity.as_str(),
        },
    })
}

/// The artifact a finding without a file location points at, so that every result has the
/// `physicalLocation.artifactLocation.uri` GitHub code scanning requires: the first file input
/// (the snapshot, the template or directory, the policy file); for a live account, which has no
/// file, the stable relative URI `aws/ACCOUNT` (or `aws` when the account is not known) — the
/// resource itself is the logical location.
fn fallback_uri(doc: &Document) -> Option<String> {
    doc.report
        .inputs
        .iter()
        .find(|i| i.kind != "live")
        .map(|i| uri(&i.source))
}

fn result<'a>(
    doc: &Document,
    f: &'a Finding,
    rule_index: Option<usize>,
    fallback: Option<&str>,
) -> SarifResult<'a> {
    let (kind, level) = match f.status {
        Status::Fail | Status::Waived => ("fail", level(f.severity)),
        Status::Pass => ("pass", "none"),
        Status::NotAssessed => ("open", "none"),
        Status::Manual => ("review", "none"),
    };
    let name = f
        .resource
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(&f.resource);
    let physical_location = Some(match &f.location {
        Some(l) => PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&l.file) },
            region: l.line.filter(|n| *n > 0).map(|line| Region {
                start_line: line,
                start_column: l.column.filter(|n| *n > 0),
            }),
        },
        None => PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: fallback.map_or_else(
                    || match f.account.as_deref() {
                        Some(a) => format!("aws/{}", uri(a)),
                        None => "aws".to_owned(),
                    },
                    str::to_owned,
                ),
            },
            region: None,
        },
    });
    SarifResult {
        rule_id: &f.check,
        rule_index,
        kind,
        level,
        message: Text { text: &f.message },
        locations: [ResultLocation {
            physical_location,
            logical_locations: [LogicalLocation {
                name,
                fully_qualified_name: &f.resource,
                kind: "resource",
            }],
        }],
        partial_fingerprints: Fingerprints {
            v1: f.fingerprint(),
        },
        suppressions: (f.status == Status::Waived).then(|| {
            [Suppression {
                kind: "external",
                status: "accepted",
                justification: f.waiver_reason.as_deref().unwrap_or_default(),
            }]
        }),
        baseline_state: doc.baseline_state(f),
        properties: ResultProperties {
            status: f.status.as_str(),
            severity: f.severity.as_str(),
            controls: &f.controls,
            resource: &f.resource,
            evidence: &f.evidence,
            account: f.account.as_deref(),
            region: f.region.as_deref(),
        },
    }
}

/// A file path as a URI reference: every byte outside the unreserved set and `/` is
/// percent-encoded, so spaces and `#` in file names stay valid.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris() {
        assert_eq!(uri("infra/main.tf"), "infra/main.tf");
        assert_eq!(uri("my dir/a#b.tf"), "my%20dir/a%23b.tf");
    }
}
