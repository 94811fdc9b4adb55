//! The terminal report: failures grouped by severity then area, with evidence and the fix; then
//! what was not assessed, the manual items, and a summary line.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::{Finding, Report, Severity, Status};

use crate::RenderOptions;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, &sev.as_str().to_ascii_uppercase())
    }
}

fn area(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// Strips control characters so that hostile resource names cannot drive the terminal.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\n' { '\u{FFFD}' } else { c }).collect()
}

/// Renders the text report.
///
/// # Errors
/// Write errors.
pub fn render(report: &Report, options: RenderOptions, w: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: options.color };
    let inputs: Vec<String> = report.inputs.iter().map(|i| format!("{} {}", i.kind, i.source)).collect();
    writeln!(w, "{} {} — {}", report.tool.name, report.tool.version, clean(&inputs.join(", ")))?;
    if let Some(t) = report.scanned_at {
        writeln!(w, "data collected at {t}")?;
    }

    let mut fails: BTreeMap<(std::cmp::Reverse<Severity>, &str), Vec<&Finding>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        fails.entry((std::cmp::Reverse(f.severity), area(&f.check))).or_default().push(f);
    }
    let mut last_sev = None;
    for ((std::cmp::Reverse(sev), area), list) in &fails {
        if last_sev != Some(*sev) {
            writeln!(w, "\n{} ", p.severity(*sev))?;
            last_sev = Some(*sev);
        }
        writeln!(w, "  {}", p.wrap("1", area))?;
        for f in list {
            write_finding(w, &p, f)?;
        }
    }

    let waived: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Waived).collect();
    if !waived.is_empty() {
        writeln!(w, "\n{}", p.wrap("1", "WAIVED"))?;
        for f in waived {
            writeln!(
                w,
                "    {} {} — {} (reason: {})",
                f.check,
                clean(&f.resource),
                clean(&f.message),
                clean(f.waiver_reason.as_deref().unwrap_or(""))
            )?;
        }
    }

    let na: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::NotAssessed).collect();
    if !na.is_empty() {
        writeln!(w, "\n{}", p.wrap("1;35", "NOT ASSESSED (data could not be read)"))?;
        for f in na {
            writeln!(w, "    {} {} — {}", f.check, clean(&f.resource), clean(&f.message))?;
        }
    }

    let manual: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Manual).collect();
    if !manual.is_empty() {
        writeln!(w, "\n{}", p.wrap("1", "MANUAL (an auditor must check)"))?;
        let mut seen = std::collections::BTreeSet::new();
        for f in manual {
            if seen.insert(&f.check) {
                writeln!(w, "    {} [{}] {}", f.check, f.controls.join(","), clean(&f.message))?;
                writeln!(w, "      check: {}", clean(&f.remediation.text))?;
            }
        }
    }

    let s = &report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    let sev: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sv| s.failures_by_severity.get(sv.as_str()).map(|n| format!("{n} {sv}")))
        .collect();
    writeln!(
        w,
        "\n{} failed ({}), {} passed, {} not assessed, {} manual, {} waived — {} checks over {} resources",
        count("fail"),
        if sev.is_empty() { "none".to_owned() } else { sev.join(", ") },
        count("pass"),
        count("not_assessed"),
        count("manual"),
        count("waived"),
        s.checks_run,
        s.resources
    )?;
    if !report.gaps.is_empty() {
        writeln!(w, "{} gap(s): data that could not be read is listed in the JSON report's `gaps`", report.gaps.len())?;
    }
    Ok(())
}

fn write_finding(w: &mut dyn Write, p: &Paint, f: &Finding) -> io::Result<()> {
    let place = match (&f.location, &f.region) {
        (Some(l), _) => format!(
            " ({}{}{})",
            clean(&l.file),
            l.line.map(|n| format!(":{n}")).unwrap_or_default(),
            l.column.map(|n| format!(":{n}")).unwrap_or_default()
        ),
        (None, Some(r)) => format!(" ({r})"),
        (None, None) => String::new(),
    };
    writeln!(
        w,
        "    {} {} [{}] {}{}",
        p.wrap("1", &f.check),
        f.name,
        f.controls.join(","),
        clean(&f.resource),
        place
    )?;
    writeln!(w, "      {}", clean(&f.message))?;
    for (k, v) in &f.evidence {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = if text.len() > 300 { format!("{}…", &text[..text.floor_char_boundary(300)]) } else { text };
        writeln!(w, "      {} {}", p.wrap("2", &format!("{k}:")), clean(&text))?;
    }
    writeln!(w, "      {} {}", p.wrap("32", "fix:"), clean(&f.remediation.text))?;
    Ok(())
}
