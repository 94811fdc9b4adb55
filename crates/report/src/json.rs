//! The JSON report: one object with `tool`, `inputs`, `findings`, `gaps`, `summary` (DESIGN.md's
//! contract), plus `warnings` (unused or expired waivers), `compliance` when asked for, and
//! `baseline` when a baseline was given. Each finding also carries its `fingerprint` (what
//! `--baseline` compares) and, with a baseline, `baseline_state` (`new` or `unchanged`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::finding::ToolInfo;
use rampart_model::{Finding, Gap, InputInfo, Summary, Timestamp};
use serde::Serialize;

use crate::baseline::Comparison;
use crate::{ComplianceView, Document, Warning};

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: &'a ToolInfo,
    inputs: &'a [InputInfo],
    #[serde(skip_serializing_if = "Option::is_none")]
    scanned_at: Option<Timestamp>,
    settings: &'a BTreeMap<String, serde_json::Value>,
    findings: Vec<JsonFinding<'a>>,
    gaps: &'a [Gap],
    summary: &'a Summary,
    warnings: &'a [Warning],
    #[serde(skip_serializing_if = "Option::is_none")]
    compliance: Option<&'a ComplianceView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Comparison>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

/// Writes `doc` as pretty JSON followed by a newline.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let r = &doc.report;
    let out = JsonReport {
        tool: &r.tool,
        inputs: &r.inputs,
        scanned_at: r.scanned_at,
        settings: &r.settings,
        findings: r
            .findings
            .iter()
            .map(|f| JsonFinding {
                finding: f,
                fingerprint: f.fingerprint(),
                baseline_state: doc.baseline_state(f),
            })
            .collect(),
        gaps: &r.gaps,
        summary: &r.summary,
        warnings: &doc.warnings,
        compliance: doc.compliance.as_ref(),
        baseline: doc.baseline.as_ref().map(|b| b.compare(&r.findings)),
    };
    serde_json::to_writer_pretty(&mut *w, &out).map_err(io::Error::other)?;
    writeln!(w)
}
