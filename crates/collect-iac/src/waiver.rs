//! Inline waivers written as comments: `rampart:ignore CODE reason` on the line that opens a
//! resource or on the comment lines just above it (HCL `#`, `//`, `/* */`; YAML `#`).

/// One waiver comment: the check codes it names, its reason (if any) and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverComment {
    /// Check codes (`S3-003`); several may be given separated by commas.
    pub checks: Vec<String>,
    /// The reason: the rest of the comment.
    pub reason: Option<String>,
    /// The line.
    pub line: u32,
}

const MARKER: &str = "rampart:ignore";

/// Parses the waiver in one line, if it has one.
#[must_use]
pub fn parse_line(text: &str, line: u32) -> Option<WaiverComment> {
    let at = text.find(MARKER)?;
    let rest = text[at + MARKER.len()..].trim_start_matches([':', ' ', '\t']);
    let rest = rest.trim_end().trim_end_matches("*/").trim_end();
    let (codes, reason) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let checks: Vec<String> = codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    if checks.is_empty() {
        return None;
    }
    let reason = reason.trim_start_matches(['-', ':', ' ']).trim();
    Some(WaiverComment {
        checks,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        line,
    })
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

/// The waivers on line `start` (1-based) of `lines` and on the comment lines right above it.
#[must_use]
pub fn around(lines: &[&str], start: u32) -> Vec<WaiverComment> {
    let mut out = Vec::new();
    let Some(first) = (start as usize).checked_sub(1) else {
        return out;
    };
    if let Some(text) = lines.get(first) {
        // Only a trailing comment counts on the opening line itself.
        if let Some(pos) = text.find('#').or_else(|| text.find("//")) {
            out.extend(parse_line(&text[pos..], start));
        }
    }
    let mut i = first;
    while i > 0 {
        i -= 1;
        let Some(text) = lines.get(i) else { break };
        if !is_comment(text) {
            break;
        }
        out.extend(parse_line(text, u32::try_from(i + 1).unwrap_or(u32::MAX)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_reason() {
        let w = parse_line(
            "# rampart:ignore S3-003,s3-001 logs bucket, versioning not needed",
            4,
        )
        .expect("a waiver");
        assert_eq!(w.checks, vec!["S3-003", "S3-001"]);
        assert_eq!(
            w.reason.as_deref(),
            Some("logs bucket, versioning not needed")
        );
        assert_eq!(w.line, 4);
        let w = parse_line("  # rampart:ignore NET-001", 1).expect("a waiver");
        assert_eq!(w.reason, None);
        assert!(parse_line("# rampart:ignore", 1).is_none());
        assert!(parse_line("# nothing here", 1).is_none());
    }

    #[test]
    fn looks_above_until_a_non_comment() {
        let text = "x = 1\n# rampart:ignore A-1 far\n\n# rampart:ignore B-2 near\nresource \"a\" \"b\" { # rampart:ignore C-3 same\n";
        let lines: Vec<&str> = text.lines().collect();
        let got: Vec<String> = around(&lines, 5)
            .into_iter()
            .flat_map(|w| w.checks)
            .collect();
        assert_eq!(got, vec!["C-3", "B-2"]);
    }
}
