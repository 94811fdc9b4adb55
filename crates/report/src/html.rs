//! The HTML report: one self-contained file an auditor can email.
//!
//! - No network requests: the style and the script are inline, there are no images, fonts or
//!   links to load, and a Content-Security-Policy (`default-src 'none'`, the script and style
//!   allowed by their SHA-256 only) makes the browser refuse anything else — including anything
//!   a hostile resource name could try to inject.
//! - Every string from the inventory travels as JSON inside
//!   `<script type="application/json">` with `<`, `>`, `&`, U+2028 and U+2029 escaped, so it can
//!   neither close the script element nor break the parser, and the script puts it on the page
//!   with `textContent` only: a bucket named `<img src=x onerror=alert(1)>` is shown as text.
//! - Findings are packed as arrays with the per-check text (title, rationale, fix, references)
//!   stored once per check, so 100,000 findings stay far below 30 MB; the table renders only the
//!   rows in view.

use std::collections::HashMap;
use std::io::{self, Write};

use base64::Engine as _;
use rampart_model::{Evidence, Finding, Location, Remediation, Severity, Status};
use serde::Serialize;
use sha2::Digest as _;

use crate::baseline::Comparison;
use crate::{ComplianceView, Document, Rule, Warning};

const SCRIPT: &str = include_str!("../assets/report.js");
const STYLE: &str = include_str!("../assets/report.css");

#[derive(Serialize)]
struct Data<'a> {
    tool: &'a rampart_model::finding::ToolInfo,
    inputs: &'a [rampart_model::InputInfo],
    scanned_at: Option<String>,
    generated_at: String,
    summary: &'a rampart_model::Summary,
    gaps: &'a [rampart_model::Gap],
    rules: Vec<HtmlRule<'a>>,
    accounts: Vec<&'a str>,
    regions: Vec<&'a str>,
    findings: Vec<Packed<'a>>,
    compliance: Option<&'a ComplianceView>,
    warnings: &'a [Warning],
    baseline: Option<Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<HtmlHistory<'a>>,
}

/// A stored scan's history: the posture chart, the counts since the previous scan and what it
/// resolved (the new and changed results are marked in the findings' `F_BASE`).
#[derive(Serialize)]
struct HtmlHistory<'a> {
    series: &'a [crate::history::PosturePoint],
    previous: Option<&'a serde_json::Value>,
    counts: HistoryCounts,
    resolved: Vec<Resolved<'a>>,
}

#[derive(Serialize)]
struct HistoryCounts {
    new: usize,
    changed: usize,
    unchanged: usize,
}

#[derive(Serialize)]
struct Resolved<'a> {
    check: &'a str,
    severity: Severity,
    status: Status,
    resource: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct HtmlRule<'a> {
    code: &'a str,
    name: &'a str,
    title: &'a str,
    severity: Severity,
    controls: &'a [String],
    refs: Vec<String>,
    rationale: &'a str,
    remediation: &'a Remediation,
    manual: bool,
}

/// One finding as a tuple; the field order is the `F_*` constants of `report.js`.
#[derive(Serialize)]
struct Packed<'a>(
    usize,                   // rule
    u8,                      // severity index (0 critical … 4 info)
    u8,                      // status index (0 fail, 1 not assessed, 2 manual, 3 waived, 4 pass)
    &'a str,                 // resource
    i64,                     // account index or -1
    i64,                     // region index or -1
    &'a str,                 // message
    Option<&'a Evidence>,    // evidence (null when empty)
    Option<&'a Location>,    // location
    Option<&'a str>,         // waiver reason
    String,                  // fingerprint
    u8,                      // baseline: 0 none, 1 new, 2 unchanged
    Option<&'a Remediation>, // remediation when it differs from the rule's
);

fn sev_index(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

fn status_index(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::NotAssessed => 1,
        Status::Manual => 2,
        Status::Waived => 3,
        Status::Pass => 4,
    }
}

struct Interner<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, i64>,
}

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner {
            list: Vec::new(),
            index: HashMap::new(),
        }
    }
    fn id(&mut self, s: Option<&'a str>) -> i64 {
        let Some(s) = s else { return -1 };
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = i64::try_from(self.list.len()).unwrap_or(i64::MAX);
        self.list.push(s);
        self.index.insert(s, i);
        i
    }
}

fn pack<'a>(
    doc: &'a Document,
    states: Option<&HashMap<String, u8>>,
    f: &'a Finding,
    rule: usize,
    rules: &'a [Rule],
    accounts: &mut Interner<'a>,
    regions: &mut Interner<'a>,
) -> Packed<'a> {
    let fingerprint = f.fingerprint();
    let base = match states {
        // A stored scan compared with the previous one: 1 new, 2 unchanged, 3 changed.
        Some(states) if f.status != Status::Pass => states.get(&fingerprint).copied().unwrap_or(2),
        Some(_) => 0,
        None => match doc.baseline_state(f) {
            None => 0,
            Some("new") => 1,
            Some(_) => 2,
        },
    };
    let remediation = (rules.get(rule).map(|r| &r.remediation) != Some(&*f.remediation))
        .then_some(&*f.remediation);
    Packed(
        rule,
        sev_index(f.severity),
        status_index(f.status),
        &f.resource,
        accounts.id(f.account.as_deref()),
        regions.id(f.region.as_deref()),
        &f.message,
        (!f.evidence.is_empty()).then_some(&f.evidence),
        f.location.as_ref(),
        f.waiver_reason.as_deref(),
        fingerprint,
        base,
        remediation,
    )
}

/// Writes `doc` as one HTML file.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let r = &doc.report;
    let index = doc.rule_index();
    let mut accounts = Interner::new();
    let mut regions = Interner::new();
    let history = doc.history.as_ref();
    let states = history
        .filter(|h| h.previous.is_some())
        .map(crate::history::History::states);
    let findings: Vec<Packed<'_>> = r
        .findings
        .iter()
        .map(|f| {
            let rule = index.get(f.check.as_str()).copied().unwrap_or(0);
            pack(
                doc,
                states.as_ref(),
                f,
                rule,
                &doc.rules,
                &mut accounts,
                &mut regions,
            )
        })
        .collect();
    let data = Data {
        tool: &r.tool,
        inputs: &r.inputs,
        scanned_at: r.scanned_at.map(|t| t.to_string()),
        generated_at: doc.generated_at.to_string(),
        summary: &r.summary,
        gaps: &r.gaps,
        rules: doc
            .rules
            .iter()
            .map(|ru| HtmlRule {
                code: &ru.code,
                name: &ru.name,
                title: &ru.title,
                severity: ru.severity,
                controls: &ru.controls,
                refs: ru.compliance.iter().map(crate::Reference::label).collect(),
                rationale: &ru.rationale,
                remediation: &ru.remediation,
                manual: ru.manual,
            })
            .collect(),
        accounts: accounts.list,
        regions: regions.list,
        findings,
        compliance: doc.compliance.as_ref(),
        warnings: &doc.warnings,
        baseline: doc.baseline.as_ref().map(|b| b.compare(&r.findings)),
        history: history.map(|h| HtmlHistory {
            series: &h.series,
            previous: h.previous.as_ref(),
            counts: HistoryCounts {
                new: h.new.len(),
                changed: h.changed.len(),
                unchanged: h.unchanged,
            },
            resolved: h
                .resolved
                .iter()
                .map(|f| Resolved {
                    check: &f.check,
                    severity: f.severity,
                    status: f.status,
                    resource: &f.resource,
                    message: f.message.lines().next().unwrap_or_default(),
                })
                .collect(),
        }),
    };
    let json = serde_json::to_vec(&data).map_err(io::Error::other)?;
    let csp = format!(
        "default-src 'none'; script-src '{}'; style-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
        hash(SCRIPT),
        hash(STYLE)
    );
    let title = format!(
        "rampart report — {}",
        r.inputs
            .iter()
            .map(|i| i.source.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <noscript>This report needs JavaScript to display its findings; the same data is in the JSON report.</noscript>\n\
         <div id=\"app\"></div>\n<script id=\"rampart-data\" type=\"application/json\">",
        text_escape(&csp),
        text_escape(&crate::truncate(&title, 200)),
    )?;
    write_script_json(w, &json)?;
    write!(
        w,
        "</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
}

/// The CSP source expression of an inline element's content.
fn hash(content: &str) -> String {
    let digest = sha2::Sha256::digest(content.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Escapes text for an HTML attribute or element.
fn text_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes serialized JSON so that it is inert inside `<script>`: `<`, `>` and `&` become
/// `\u003c`, `\u003e`, `\u0026` (they only occur inside JSON strings, where the escape means the
/// same), and U+2028/U+2029 are escaped for old JavaScript parsers.
fn write_script_json(w: &mut dyn Write, json: &[u8]) -> io::Result<()> {
    let mut start = 0;
    let mut i = 0;
    while i < json.len() {
        let replacement: Option<(&[u8], usize)> = match json[i] {
            b'<' => Some((b"\\u003c", 1)),
            b'>' => Some((b"\\u003e", 1)),
            b'&' => Some((b"\\u0026", 1)),
            0xE2 if json.get(i + 1) == Some(&0x80) && json.get(i + 2) == Some(&0xA8) => {
                Some((b"\\u2028", 3))
            }
            0xE2 if json.get(i + 1) == Some(&0x80) && json.get(i + 2) == Some(&0xA9) => {
                Some((b"\\u2029", 3))
            }
            _ => None,
        };
        if let Some((rep, len)) = replacement {
            w.write_all(&json[start..i])?;
            w.write_all(rep)?;
            i += len;
            start = i;
        } else {
            i += 1;
        }
    }
    w.write_all(&json[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_is_inert() {
        let v =
            serde_json::json!({ "name": "</script><img src=x onerror=alert(1)>&\u{2028}\u{2029}" });
        let bytes = serde_json::to_vec(&v).expect("json");
        let mut out = Vec::new();
        write_script_json(&mut out, &bytes).expect("write");
        let s = String::from_utf8(out).expect("utf8");
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let back: serde_json::Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn script_has_no_html_sinks() {
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(!SCRIPT.contains(sink), "report.js uses {sink}");
        }
    }
}
