//! JUnit XML, for CI systems that show test results: a `testsuite` per area (`S3`, `IAM`), a
//! `testcase` per check and resource. A failure is a `<failure>` with the message, evidence and
//! fix; not assessed and manual results are `<skipped>` with why; a waived failure passes, with
//! the waiver's reason in `<system-out>`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::{Finding, Status};

use crate::Document;

/// Writes `doc` as JUnit XML.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    let r = &doc.report;
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        suites.entry(crate::area(&f.check)).or_default().push(f);
    }
    let count = |list: &[&Finding], pred: &dyn Fn(Status) -> bool| {
        list.iter().filter(|f| pred(f.status)).count()
    };
    let all: Vec<&Finding> = r.findings.iter().collect();
    let skipped = |s: Status| matches!(s, Status::NotAssessed | Status::Manual);
    let timestamp = doc.observed_at().to_string();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="rampart" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
        all.len(),
        count(&all, &|s| s == Status::Fail),
        count(&all, &skipped)
    )?;
    for (area, list) in &suites {
        writeln!(
            w,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="0" timestamp="{}">"#,
            esc(area),
            list.len(),
            count(list, &|s| s == Status::Fail),
            count(list, &skipped),
            esc(&timestamp)
        )?;
        for f in list {
            write_case(w, f)?;
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")
}

fn write_case(w: &mut dyn Write, f: &Finding) -> io::Result<()> {
    write!(
        w,
        r#"    <testcase classname="rampart.{}.{}" name="{} {}" time="0""#,
        esc(crate::area(&f.check)),
        esc(&f.check),
        esc(&f.check),
        esc(&f.resource)
    )?;
    match f.status {
        Status::Pass => return writeln!(w, "/>"),
        Status::Fail => {
            writeln!(w, ">")?;
            let mut body = String::new();
            body.push_str(&format!("{} [{}] {}\n", f.name, f.severity, f.message));
            body.push_str(&format!("resource: {}\n", f.resource));
            if let Some(a) = &f.account {
                body.push_str(&format!("account: {a}\n"));
            }
            if let Some(rg) = &f.region {
                body.push_str(&format!("region: {rg}\n"));
            }
            if let Some(l) = &f.location {
                body.push_str(&format!(
                    "location: {}{}{}\n",
                    l.file,
                    l.line.map(|n| format!(":{n}")).unwrap_or_default(),
                    l.column.map(|n| format!(":{n}")).unwrap_or_default()
                ));
            }
            for (k, v) in &f.evidence {
                body.push_str(&format!(
                    "{k}: {}\n",
                    crate::truncate(&crate::value_text(v), 2000)
                ));
            }
            body.push_str(&format!("fix: {}\n", f.remediation.text));
            writeln!(
                w,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                esc(&f.message),
                esc(f.severity.as_str()),
                esc(&body)
            )?;
        }
        Status::NotAssessed | Status::Manual => {
            writeln!(w, ">")?;
            let what = if f.status == Status::Manual {
                "manual"
            } else {
                "not assessed"
            };
            let message = if f.message.starts_with(what) {
                f.message.clone()
            } else {
                format!("{what}: {}", f.message)
            };
            writeln!(w, r#"      <skipped message="{}"/>"#, esc(&message))?;
        }
        Status::Waived => {
            writeln!(w, ">")?;
            writeln!(
                w,
                "      <system-out>waived: {} — {}</system-out>",
                esc(f.waiver_reason.as_deref().unwrap_or_default()),
                esc(&f.message)
            )?;
        }
    }
    writeln!(w, "    </testcase>")
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot carry at all (most
/// control characters) become U+FFFD.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes() {
        assert_eq!(
            esc("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&apos;"
        );
        assert_eq!(esc("a\u{1}b"), "a\u{FFFD}b");
    }
}
