//! Renders rampart reports: one module per output format. Only the CLI decides where output
//! goes; renderers never print.
//!
//! A renderer reads a [`Document`]: the [`Report`] of DESIGN.md's JSON contract plus what a
//! format needs beyond it — the check catalogue ([`Rule`]s, for SARIF rules and the HTML
//! references), an optional compliance view ([`compliance`]), the report-level warnings (waivers
//! that matched nothing or have expired, see [`waivers`]) and an optional baseline ([`baseline`]).

use std::io::{self, Write};
use std::str::FromStr;

use rampart_model::{Finding, Remediation, Report, Severity, Timestamp};
use serde::Serialize;

pub mod asff;
pub mod baseline;
pub mod compliance;
pub mod csv;
pub mod history;
pub mod html;
pub mod json;
pub mod junit;
pub mod ocsf;
pub mod redact;
pub mod sarif;
pub mod text;
pub mod waivers;

pub use baseline::Baseline;
pub use compliance::{ComplianceView, ControlStatus, Framework};
pub use waivers::{Waiver, Warning};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text, grouped by severity and area.
    Text,
    /// The JSON report of DESIGN.md.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// OCSF 1.5 Detection Findings, one JSON object per line.
    Ocsf,
    /// AWS Security Finding Format: a JSON array for `BatchImportFindings`.
    Asff,
    /// JUnit XML: a test suite per area, a test case per check and resource.
    Junit,
    /// CSV, one row per finding.
    Csv,
    /// One self-contained HTML file.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Ocsf,
        Format::Asff,
        Format::Junit,
        Format::Csv,
        Format::Html,
    ];

    /// The `--format` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Options for rendering, as the command line sets them.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colour (text only).
    pub color: bool,
    /// `--quiet`: the summary and one line per failure (text); other formats are unchanged.
    pub quiet: bool,
    /// `--include-passed`: the findings hold the passes, and formats that list results show them.
    pub include_passed: bool,
}

/// `s` with every control character (escape, carriage return, bell, C1 codes…) replaced by
/// U+FFFD, so that a hostile name cannot drive a terminal or a spreadsheet; line feeds are kept
/// when `keep_newlines`.
#[must_use]
pub fn strip_controls(s: &str, keep_newlines: bool) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !(keep_newlines && c == '\n') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// A compliance reference of a check (`cis-3.0` `1.4`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The framework's `--compliance` name: `cis-3.0`, `cis-6.0` or `fsbp`.
    pub framework: String,
    /// The control id in that framework.
    pub id: String,
}

impl Reference {
    /// A label for people: `CIS 3.0 1.4`, `FSBP S3.14`.
    #[must_use]
    pub fn label(&self) -> String {
        let fw = self
            .framework
            .parse::<Framework>()
            .map_or(self.framework.as_str(), |f| f.label());
        format!("{fw} {}", self.id)
    }
}

/// What a report knows about a check: its declaration, for formats that describe their rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The code (`S3-003`).
    pub code: String,
    /// The kebab-case name.
    pub name: String,
    /// One line.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// CHECKLIST controls.
    pub controls: Vec<String>,
    /// Compliance references.
    pub compliance: Vec<Reference>,
    /// Why it matters.
    pub rationale: String,
    /// How to fix it.
    pub remediation: Remediation,
    /// A manual check.
    pub manual: bool,
}

impl Rule {
    /// A rule known only from one of its findings (a check missing from the catalogue given).
    #[must_use]
    pub fn from_finding(f: &Finding) -> Rule {
        Rule {
            code: f.check.clone(),
            name: f.name.clone(),
            title: f.name.replace('-', " "),
            severity: f.severity,
            controls: f.controls.clone(),
            compliance: Vec::new(),
            rationale: String::new(),
            remediation: (*f.remediation).clone(),
            manual: false,
        }
    }
}

/// Everything a renderer reads.
#[derive(Debug, Clone)]
pub struct Document {
    /// The report (findings as listed).
    pub report: Report,
    /// The check catalogue: every check that may appear in the findings (others are derived from
    /// their findings).
    pub rules: Vec<Rule>,
    /// The compliance view asked for with `--compliance`.
    pub compliance: Option<ComplianceView>,
    /// Report-level warnings (unused or expired waivers).
    pub warnings: Vec<Warning>,
    /// The baseline the findings were compared with.
    pub baseline: Option<Baseline>,
    /// When the report was made (ASFF `UpdatedAt`, SARIF invocation end).
    pub generated_at: Timestamp,
    /// The scan history a store gives this report (`--store`, `rampart report`, `rampart diff`).
    pub history: Option<history::History>,
}

impl Document {
    /// A document holding only `report`, with rules derived from its findings.
    #[must_use]
    pub fn new(report: Report, generated_at: Timestamp) -> Document {
        let mut doc = Document {
            report,
            rules: Vec::new(),
            compliance: None,
            warnings: Vec::new(),
            baseline: None,
            generated_at,
            history: None,
        };
        doc.complete_rules();
        doc
    }

    /// Adds a rule for every check of the findings that the catalogue lacks, so that every
    /// finding has a rule (SARIF's `ruleIndex`, the HTML's per-check data).
    pub fn complete_rules(&mut self) {
        let mut known: std::collections::HashSet<String> =
            self.rules.iter().map(|r| r.code.clone()).collect();
        for f in &self.report.findings {
            if !known.contains(&f.check) {
                known.insert(f.check.clone());
                self.rules.push(Rule::from_finding(f));
            }
        }
    }

    /// The index in [`Document::rules`] of each check code.
    #[must_use]
    pub fn rule_index(&self) -> std::collections::HashMap<&str, usize> {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect()
    }

    /// `new` or `unchanged` when a baseline was given; none for a pass, which is never new (the
    /// baseline comparison counts what is wrong, as the JSON summary does).
    #[must_use]
    pub fn baseline_state(&self, f: &Finding) -> Option<&'static str> {
        if f.status == rampart_model::Status::Pass {
            return None;
        }
        self.baseline
            .as_ref()
            .map(|b| if b.contains(f) { "unchanged" } else { "new" })
    }

    /// When the data was read: the scan time, else when the report was made.
    #[must_use]
    pub fn observed_at(&self) -> Timestamp {
        self.report.scanned_at.unwrap_or(self.generated_at)
    }
}

/// The area of a check: its code's prefix (`S3` for `S3-003`).
#[must_use]
pub fn area(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// Renders `report` as `format` to `w`, with rules derived from its findings and no compliance
/// view, warnings or baseline.
///
/// # Errors
/// Write errors.
pub fn render(
    report: &Report,
    format: Format,
    options: RenderOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    let doc = Document::new(
        report.clone(),
        report.scanned_at.unwrap_or_else(Timestamp::now),
    );
    render_document(&doc, format, options, w)
}

/// Renders `doc` as `format` to `w`.
///
/// # Errors
/// Write errors.
pub fn render_document(
    doc: &Document,
    format: Format,
    options: RenderOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    // Every format renders the redacted document: no secret is printed whole, in any field.
    let doc = &redact::redacted(doc)?;
    // A diff document: JSON and text show the diff itself.
    if let Some(h) = doc.history.as_ref().filter(|h| h.diff) {
        match format {
            Format::Text => return history::render_text(h, w),
            Format::Json => return history::render_json(doc, h, w),
            _ => {}
        }
    }
    match format {
        Format::Text => text::render(doc, options, w),
        Format::Json => json::render(doc, w),
        Format::Sarif => sarif::render(doc, w),
        Format::Ocsf => ocsf::render(doc, w),
        Format::Asff => asff::render(doc, w),
        Format::Junit => junit::render(doc, w),
        Format::Csv => csv::render(doc, w),
        Format::Html => html::render(doc, w),
    }
}

/// Renders evidence values as one line of text.
pub(crate) fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Truncates `s` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let cut = s.floor_char_boundary(max.saturating_sub('…'.len_utf8()));
    format!("{}…", &s[..cut])
}
