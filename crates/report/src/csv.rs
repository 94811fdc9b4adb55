//! CSV: a header, then one row per finding (RFC 4180 quoting, CRLF line ends).
//!
//! Spreadsheets execute a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! as a formula; since resource names and messages come from the inventory, such cells are
//! prefixed with `'` so that a hostile name stays text. Control characters other than the line
//! feed (escape sequences, carriage returns, bells) are replaced by U+FFFD in every cell.

use std::io::{self, Write};

use crate::Document;

const HEADER: [&str; 17] = [
    "check",
    "name",
    "severity",
    "status",
    "resource",
    "account",
    "region",
    "controls",
    "compliance",
    "message",
    "evidence",
    "file",
    "line",
    "column",
    "remediation",
    "waiver_reason",
    "fingerprint",
];

/// Writes `doc` as CSV.
///
/// # Errors
/// Write errors.
pub fn render(doc: &Document, w: &mut dyn Write) -> io::Result<()> {
    write_row(w, HEADER.iter().map(|s| (*s).to_owned()))?;
    let index = doc.rule_index();
    for f in &doc.report.findings {
        let compliance = index
            .get(f.check.as_str())
            .map(|&i| {
                doc.rules[i]
                    .compliance
                    .iter()
                    .map(crate::Reference::label)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let evidence = if f.evidence.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&f.evidence).map_err(io::Error::other)?
        };
        let (file, line, column) = match &f.location {
            Some(l) => (
                l.file.clone(),
                l.line.map(|n| n.to_string()).unwrap_or_default(),
                l.column.map(|n| n.to_string()).unwrap_or_default(),
            ),
            None => Default::default(),
        };
        write_row(
            w,
            [
                f.check.clone(),
                f.name.clone(),
                f.severity.as_str().to_owned(),
                f.status.as_str().to_owned(),
                f.resource.clone(),
                f.account.clone().unwrap_or_default(),
                f.region.clone().unwrap_or_default(),
                f.controls.join("; "),
                compliance,
                f.message.clone(),
                evidence,
                file,
                line,
                column,
                f.remediation.text.clone(),
                f.waiver_reason.clone().unwrap_or_default(),
                f.fingerprint(),
            ]
            .into_iter(),
        )?;
    }
    Ok(())
}

fn write_row(w: &mut dyn Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let mut first = true;
    for cell in cells {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        w.write_all(field(&crate::strip_controls(&cell, true)).as_bytes())?;
    }
    w.write_all(b"\r\n")
}

/// One field: defused against formula injection, quoted when it holds a comma, quote or line end.
fn field(s: &str) -> String {
    let defused = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting_and_formulas() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
    }
}
