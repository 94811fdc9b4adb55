//! The terminal report: the summary first (counts by status, failures by severity and by area),
//! then failures grouped by severity then area, with evidence and the fix; then what was waived,
//! not assessed and manual, passes when listed, the gaps, the compliance table when asked for and
//! report-level warnings. The quiet form is the summary's counts and one line per failure.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::{Finding, Severity, Status};

use crate::compliance::ControlStatus;
use crate::{Document, RenderOptions};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
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

/// Strips control characters so that hostile resource names cannot drive the terminal.
fn clean(s: &str) -> String {
    crate::strip_controls(s, true)
}

/// Renders the text report: a header, the summary (counts by status, failures by severity and by
/// area), then the failures grouped by severity and area, waived, not assessed, manual, passed
/// (when listed), the gaps, the compliance table and warnings. With
/// [`RenderOptions::quiet`]: [`render_quiet`].
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, options: RenderOptions, w: &mut dyn Write) -> io::Result<()> {
    if options.quiet {
        return render_quiet(doc, w);
    }
    let report = &doc.report;
    let p = Paint { on: options.color };
    let inputs: Vec<String> = report
        .inputs
        .iter()
        .map(|i| format!("{} {}", i.kind, i.source))
        .collect();
    writeln!(
        w,
        "{} {} — {}",
        clean(&report.tool.name),
        clean(&report.tool.version),
        clean(&inputs.join(", "))
    )?;
    if let Some(t) = report.scanned_at {
        writeln!(w, "data collected at {t}")?;
    }

    let mut fails: BTreeMap<(std::cmp::Reverse<Severity>, &str), Vec<&Finding>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        fails
            .entry((std::cmp::Reverse(f.severity), crate::area(&f.check)))
            .or_default()
            .push(f);
    }

    write_summary(w, &p, doc)?;

    let mut last_sev = None;
    for ((std::cmp::Reverse(sev), area), list) in &fails {
        if last_sev != Some(*sev) {
            writeln!(w, "\n{} ", p.severity(*sev))?;
            last_sev = Some(*sev);
        }
        writeln!(w, "  {}", p.wrap("1", &clean(area)))?;
        for f in list {
            write_finding(w, &p, f)?;
        }
    }

    let waived: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        writeln!(w, "\n{}", p.wrap("1", "WAIVED"))?;
        for f in waived {
            writeln!(
                w,
                "    {} {} — {} (waived: {})",
                clean(&f.check),
                clean(&f.resource),
                clean(&f.message),
                clean(f.waiver_reason.as_deref().unwrap_or(""))
            )?;
        }
    }

    let na: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::NotAssessed)
        .collect();
    if !na.is_empty() {
        writeln!(
            w,
            "\n{}",
            p.wrap("1;35", "NOT ASSESSED (data could not be read)")
        )?;
        for f in na {
            writeln!(
                w,
                "    {} {} — {}",
                clean(&f.check),
                clean(&f.resource),
                clean(&f.message)
            )?;
        }
    }

    let manual: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Manual)
        .collect();
    if !manual.is_empty() {
        writeln!(w, "\n{}", p.wrap("1", "MANUAL (an auditor must check)"))?;
        let mut seen = std::collections::BTreeSet::new();
        for f in manual {
            if seen.insert(&f.check) {
                writeln!(
                    w,
                    "    {} [{}] {}",
                    clean(&f.check),
                    clean(&f.controls.join(",")),
                    clean(&f.message)
                )?;
                writeln!(w, "      check: {}", clean(&f.remediation.text))?;
            }
        }
    }

    let passed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .collect();
    if !passed.is_empty() {
        writeln!(w, "\n{}", p.wrap("1;32", "PASSED"))?;
        for f in passed {
            writeln!(
                w,
                "    {} {} — {}",
                clean(&f.check),
                clean(&f.resource),
                clean(&f.message)
            )?;
        }
    }

    if !report.gaps.is_empty() {
        writeln!(
            w,
            "\n{}",
            p.wrap(
                "1;35",
                "GAPS (what could not be read; results that need it are not assessed)"
            )
        )?;
        for g in &report.gaps {
            let scope: Vec<&str> = [
                g.account.as_deref(),
                g.region.as_deref(),
                g.resource.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            writeln!(
                w,
                "    {} {}{} — {}{}",
                clean(&g.data),
                clean(&g.operation),
                if scope.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", clean(&scope.join(", ")))
                },
                clean(&g.reason),
                g.code
                    .as_deref()
                    .map(|c| format!(" [{}]", clean(c)))
                    .unwrap_or_default()
            )?;
        }
    }

    if let Some(view) = &doc.compliance {
        writeln!(
            w,
            "\n{}",
            p.wrap(
                "1",
                &format!(
                    "COMPLIANCE: {} ({})",
                    clean(&view.title),
                    clean(&view.framework)
                )
            )
        )?;
        let width = view.controls.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in &view.controls {
            let status = match c.status {
                ControlStatus::Fail => p.wrap("31", "FAIL        "),
                ControlStatus::Pass => p.wrap("32", "PASS        "),
                ControlStatus::NotAssessed => p.wrap("35", "NOT ASSESSED"),
                ControlStatus::Manual => p.wrap("2", "MANUAL      "),
            };
            let checks = if c.checks.is_empty() {
                String::new()
            } else {
                format!(" [{}]", c.checks.join(","))
            };
            writeln!(
                w,
                "  {status} {:<width$} {} — {}{checks}",
                clean(&c.id),
                clean(&c.title),
                clean(&c.reason)
            )?;
        }
        let t = |k: &str| view.totals.get(k).copied().unwrap_or(0);
        writeln!(
            w,
            "  {} controls: {} pass, {} fail, {} not assessed, {} manual",
            view.controls.len(),
            t("pass"),
            t("fail"),
            t("not_assessed"),
            t("manual")
        )?;
    }

    if !doc.warnings.is_empty() {
        writeln!(w, "\n{}", p.wrap("1;33", "WARNINGS"))?;
        for warning in &doc.warnings {
            writeln!(
                w,
                "    {}: {}",
                clean(&warning.kind),
                clean(&warning.message)
            )?;
        }
    }
    Ok(())
}

/// The summary: one line of counts, failures by severity, failures by area, the baseline
/// comparison and the number of gaps.
fn write_summary(w: &mut dyn Write, p: &Paint, doc: &Document) -> io::Result<()> {
    let report = &doc.report;
    let s = &report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    writeln!(w, "\n{}", p.wrap("1", "SUMMARY"))?;
    writeln!(
        w,
        "  {} failed, {} passed, {} not assessed, {} manual, {} waived — {} checks over {} resources",
        count("fail"),
        count("pass"),
        count("not_assessed"),
        count("manual"),
        count("waived"),
        s.checks_run,
        s.resources
    )?;
    let sev: Vec<String> = Severity::ALL
        .iter()
        .map(|sv| {
            let n = s
                .failures_by_severity
                .get(sv.as_str())
                .copied()
                .unwrap_or(0);
            format!("{n} {sv}")
        })
        .collect();
    writeln!(w, "  failures by severity: {}", sev.join(", "))?;
    let mut by_area: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        let row = by_area.entry(crate::area(&f.check)).or_default();
        let i = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4);
        row[i] += 1;
    }
    if !by_area.is_empty() {
        writeln!(
            w,
            "  failures by area:   total critical high medium low info"
        )?;
        for (area, row) in &by_area {
            let total: usize = row.iter().sum();
            writeln!(
                w,
                "    {:<16} {total:>5} {:>8} {:>4} {:>6} {:>3} {:>4}",
                clean(area),
                row[0],
                row[1],
                row[2],
                row[3],
                row[4]
            )?;
        }
    }
    if let Some(b) = &doc.baseline {
        let c = b.compare(&report.findings);
        writeln!(
            w,
            "  baseline {}: {} new, {} unchanged (not counted for the exit code), {} no longer listed",
            clean(&c.source),
            c.new,
            c.unchanged,
            c.absent
        )?;
    }
    if !report.gaps.is_empty() {
        writeln!(
            w,
            "  {} gap(s): data that could not be read (listed below)",
            report.gaps.len()
        )?;
    }
    Ok(())
}

/// `--quiet`: the summary (the counts, on the first line), then exactly one line per failure,
/// most severe first: severity, check, resource, place (file and line) when known, then the
/// first line of the message. Nothing else, so that a script can count the failures.
///
/// # Errors
/// Write errors.
pub fn render_quiet(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    // One line per failure whatever the names hold: line feeds go too.
    let one_line = |s: &str| crate::strip_controls(s, false);
    let s = &doc.report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    writeln!(
        w,
        "{} failed, {} passed, {} not assessed, {} manual, {} waived, {} gap(s)",
        count("fail"),
        count("pass"),
        count("not_assessed"),
        count("manual"),
        count("waived"),
        doc.report.gaps.len()
    )?;
    let mut fails: Vec<&Finding> = doc
        .report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    fails.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(&b.check)));
    for f in fails {
        let place = f.location.as_ref().map_or_else(String::new, |l| {
            format!(
                " {}{}",
                one_line(&l.file),
                l.line.map(|n| format!(":{n}")).unwrap_or_default()
            )
        });
        writeln!(
            w,
            // Severities padded to one width (`CRITICAL`), so the checks line up.
            "{:<8} {} {}{place} — {}",
            f.severity.as_str().to_ascii_uppercase(),
            f.check,
            one_line(&f.resource),
            one_line(f.message.lines().next().unwrap_or_default())
        )?;
    }
    Ok(())
}

/// For a secret finding (evidence `secret`, from `rampart secrets`), what made it one on a line of
/// its own: what the rule matched before the secret (`after`: the name it was assigned to, the
/// flag that passed it), the secret as redacted, and where it was (`inside`: the decoded layer,
/// the notebook cell and line). Returns the evidence keys shown, which are not repeated.
fn write_secret_context(
    w: &mut dyn Write,
    p: &Paint,
    f: &Finding,
) -> io::Result<&'static [&'static str]> {
    let text = |k: &str| f.evidence.get(k).and_then(serde_json::Value::as_str);
    let (Some(secret), after, inside) = (text("secret"), text("after"), text("inside")) else {
        return Ok(&[]);
    };
    if after.is_none() && inside.is_none() {
        return Ok(&[]);
    }
    let found = match after {
        Some(a) => format!("{a} {secret}"),
        None => secret.to_owned(),
    };
    let place = inside.map(|i| format!(" ({i})")).unwrap_or_default();
    writeln!(
        w,
        "      {} {}{}",
        p.wrap("2", "found as:"),
        clean(&found),
        clean(&place)
    )?;
    Ok(&["after", "inside"])
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
        p.wrap("1", &clean(&f.check)),
        clean(&f.name),
        clean(&f.controls.join(",")),
        clean(&f.resource),
        place
    )?;
    writeln!(w, "      {}", clean(&f.message))?;
    let shown = write_secret_context(w, p, f)?;
    for (k, v) in f
        .evidence
        .iter()
        .filter(|(k, _)| !shown.contains(&k.as_str()))
    {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = if text.len() > 300 {
            format!("{}…", &text[..text.floor_char_boundary(300)])
        } else {
            text
        };
        writeln!(
            w,
            "      {} {}",
            p.wrap("2", &format!("{}:", clean(k))),
            clean(&text)
        )?;
    }
    writeln!(
        w,
        "      {} {}",
        p.wrap("32", "fix:"),
        clean(&f.remediation.text)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::{Location, Remediation};

    fn secret_finding(evidence: &[(&str, &str)]) -> Finding {
        Finding {
            check: "generic-password".into(),
            name: "generic-password".into(),
            controls: vec!["SEC-1".into()],
            severity: Severity::High,
            status: Status::Fail,
            resource: "deploy/k8s/secret.yaml".into(),
            account: None,
            region: None,
            message: "Hard-coded password `Tr0u…`".into(),
            evidence: evidence
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::json!(v)))
                .collect(),
            location: Some(Location {
                file: "deploy/k8s/secret.yaml".into(),
                line: Some(8),
                column: Some(13),
            }),
            remediation: Remediation::default().into(),
            waiver_reason: None,
        }
    }

    fn shown(f: &Finding) -> String {
        let mut out = Vec::new();
        write_finding(&mut out, &Paint { on: false }, f).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn a_secret_finding_shows_what_made_it_one() {
        let out = shown(&secret_finding(&[
            ("rule", "generic-password"),
            ("secret", "Tr0u…"),
            ("after", "password:"),
            ("inside", "base64-decoded value"),
        ]));
        assert!(
            out.contains("\n      found as: password: Tr0u… (base64-decoded value)\n"),
            "{out}"
        );
        // Shown once, on that line.
        assert!(!out.contains("after:") && !out.contains("inside:"), "{out}");
        assert!(out.contains("      secret: Tr0u…\n"), "{out}");

        let nb = shown(&secret_finding(&[
            ("secret", "Tr0u…"),
            ("inside", "cell 2, line 3"),
        ]));
        assert!(nb.contains("found as: Tr0u… (cell 2, line 3)"), "{nb}");

        // A finding found by its shape alone gets no such line; other findings neither.
        assert!(!shown(&secret_finding(&[("secret", "ghp_…")])).contains("found as"));
        assert!(!shown(&secret_finding(&[("after", "x =")])).contains("found as"));
    }
}
