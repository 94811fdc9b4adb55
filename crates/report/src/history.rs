//! What a scan kept in a store adds to its report: the posture over time of its scope (failures
//! by severity, one point per scan), and its difference with the previous scan of that scope —
//! new, changed and resolved results, and how many stand unchanged.
//!
//! A report printed by `rampart scan --store` carries it for the HTML report (chart, "new since
//! the previous scan" filter, resolved list). A `rampart diff` document is a diff first: JSON is
//! an object with `new`, `resolved` and `changed` lists and an `unchanged` count, text lists the
//! three, and the finding-list formats (SARIF, CSV, JUnit, OCSF, ASFF) list the new and changed
//! results of the newer scan.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use rampart_model::{Finding, Status};
use serde::Serialize;

use crate::Document;

/// One scan of a scope, as the chart shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PosturePoint {
    /// The scan's id in the store.
    pub scan: i64,
    /// When it was recorded (RFC 3339).
    pub at: String,
    /// Failures by severity (`critical`…`info`).
    pub failures: BTreeMap<String, i64>,
}

/// A result found by both scans, with another status, severity or evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    /// What changed: `status`, `severity`, `evidence`.
    pub changed: Vec<String>,
    /// In the older scan.
    pub before: Finding,
    /// In the newer scan.
    pub after: Finding,
}

/// The history a store gives a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct History {
    /// The store (without any password).
    pub store: String,
    /// The scan this report is (its description, as `rampart history --format json` gives it).
    pub current: Option<serde_json::Value>,
    /// The scan compared with: the previous scan of the same scope (or `diff`'s OLD).
    pub previous: Option<serde_json::Value>,
    /// Posture over time: scans of the same scope, oldest first, up to this one.
    pub series: Vec<PosturePoint>,
    /// Results new since the previous scan.
    pub new: Vec<Finding>,
    /// Results changed since.
    pub changed: Vec<Changed>,
    /// Results of the previous scan not found any more.
    pub resolved: Vec<Finding>,
    /// Results found by both, the same.
    pub unchanged: usize,
    /// A `rampart diff` document: JSON and text render the diff itself.
    pub diff: bool,
}

impl History {
    /// For each fingerprint of the newer scan's results: 1 new, 2 unchanged, 3 changed. Empty
    /// when there is no previous scan.
    #[must_use]
    pub fn states(&self) -> HashMap<String, u8> {
        let mut out = HashMap::new();
        if self.previous.is_none() {
            return out;
        }
        for f in &self.new {
            out.insert(f.fingerprint(), 1);
        }
        for c in &self.changed {
            out.insert(c.after.fingerprint(), 3);
        }
        out
    }

    /// New failures at or above `severity` (what fails a CI diff).
    #[must_use]
    pub fn new_failures(&self, at_least: rampart_model::Severity) -> usize {
        let fresh = self
            .new
            .iter()
            .filter(|f| f.status == Status::Fail && f.severity >= at_least)
            .count();
        // A result that became a failure (or a more severe one) is new trouble too.
        let worse = self
            .changed
            .iter()
            .filter(|c| {
                c.after.status == Status::Fail
                    && c.after.severity >= at_least
                    && (c.before.status != Status::Fail || c.before.severity < at_least)
            })
            .count();
        fresh + worse
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    fingerprint: String,
}

fn json_finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        finding: f,
        fingerprint: f.fingerprint(),
    }
}

#[derive(Serialize)]
struct JsonChange<'a> {
    changed: &'a [String],
    before: JsonFinding<'a>,
    after: JsonFinding<'a>,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    tool: &'a rampart_model::finding::ToolInfo,
    store: &'a str,
    old: Option<&'a serde_json::Value>,
    new_scan: Option<&'a serde_json::Value>,
    new: Vec<JsonFinding<'a>>,
    resolved: Vec<JsonFinding<'a>>,
    changed: Vec<JsonChange<'a>>,
    unchanged: usize,
    settings: &'a BTreeMap<String, serde_json::Value>,
}

/// Writes a diff document as one JSON object.
///
/// # Errors
/// Write errors.
pub fn render_json(doc: &Document, h: &History, w: &mut dyn Write) -> io::Result<()> {
    let out = JsonDiff {
        tool: &doc.report.tool,
        store: &h.store,
        old: h.previous.as_ref(),
        new_scan: h.current.as_ref(),
        new: h.new.iter().map(json_finding).collect(),
        resolved: h.resolved.iter().map(json_finding).collect(),
        changed: h
            .changed
            .iter()
            .map(|c| JsonChange {
                changed: &c.changed,
                before: json_finding(&c.before),
                after: json_finding(&c.after),
            })
            .collect(),
        unchanged: h.unchanged,
        settings: &doc.report.settings,
    };
    serde_json::to_writer_pretty(&mut *w, &out).map_err(io::Error::other)?;
    writeln!(w)
}

fn scan_label(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(v) => format!(
            "scan {} ({})",
            v.get("id").map(ToString::to_string).unwrap_or_default(),
            v.get("recorded_at")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
        ),
        None => "none".to_owned(),
    }
}

fn line(w: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let first = f.message.lines().next().unwrap_or_default();
    writeln!(
        w,
        "  {:<8} {:<12} {:<9} {}  {}",
        f.severity.as_str(),
        crate::strip_controls(&f.status.as_str().replace('_', " "), false),
        crate::strip_controls(&f.check, false),
        crate::strip_controls(&f.resource, false),
        crate::strip_controls(first, false)
    )
}

/// Writes a diff document as text: counts, then the new, changed and resolved results.
///
/// # Errors
/// Write errors.
pub fn render_text(h: &History, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "rampart diff: {} → {}",
        scan_label(h.previous.as_ref()),
        scan_label(h.current.as_ref())
    )?;
    writeln!(
        w,
        "{} new, {} resolved, {} changed, {} unchanged",
        h.new.len(),
        h.resolved.len(),
        h.changed.len(),
        h.unchanged
    )?;
    if !h.new.is_empty() {
        writeln!(w, "\nNew ({}):", h.new.len())?;
        for f in &h.new {
            line(w, f)?;
        }
    }
    if !h.changed.is_empty() {
        writeln!(w, "\nChanged ({}):", h.changed.len())?;
        for c in &h.changed {
            line(w, &c.after)?;
            let was: Vec<String> = c
                .changed
                .iter()
                .map(|what| match what.as_str() {
                    "status" => format!("status was {}", c.before.status),
                    "severity" => format!("severity was {}", c.before.severity),
                    _ => "evidence changed".to_owned(),
                })
                .collect();
            writeln!(w, "           {}", was.join(", "))?;
        }
    }
    if !h.resolved.is_empty() {
        writeln!(w, "\nResolved ({}):", h.resolved.len())?;
        for f in &h.resolved {
            line(w, f)?;
        }
    }
    Ok(())
}
