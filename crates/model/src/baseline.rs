//! Baselines: a previous JSON report whose findings are known.
//!
//! With `--baseline report.json`, a finding whose fingerprint
//! ([`crate::Finding::fingerprint`]) is in the baseline is `unchanged` and does not count
//! towards the exit code; the others are `new`. Baseline findings not seen any more are counted
//! as `absent` (fixed, or no longer listed).
//!
//! A baseline written by rampart 0.1 holds the fingerprints of that version (which hashed the
//! message's first line): a finding matches its current fingerprint or its
//! [`crate::Finding::legacy_fingerprint`], so such a baseline keeps working.

use std::collections::HashSet;

use crate::{Finding, Status};
use serde::Serialize;

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a rampart JSON report.
    #[error("{path}:{line}:{column}: not a rampart JSON report: {message}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// The fingerprints of a baseline report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Where it was read from.
    pub source: String,
    fingerprints: HashSet<String>,
}

/// Counts of a comparison with a baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The baseline file.
    pub source: String,
    /// Listed findings not in the baseline.
    pub new: usize,
    /// Listed findings in the baseline.
    pub unchanged: usize,
    /// Baseline findings not listed any more.
    pub absent: usize,
}

#[derive(serde::Deserialize)]
struct BaselineFile {
    findings: Vec<BaselineFinding>,
}

#[derive(serde::Deserialize)]
struct BaselineFinding {
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(flatten)]
    finding: serde_json::Map<String, serde_json::Value>,
}

impl Baseline {
    /// A baseline from fingerprints.
    #[must_use]
    pub fn from_fingerprints(
        source: impl Into<String>,
        fingerprints: impl IntoIterator<Item = String>,
    ) -> Baseline {
        Baseline {
            source: source.into(),
            fingerprints: fingerprints.into_iter().collect(),
        }
    }

    /// Reads a JSON report written by `--format json`.
    ///
    /// # Errors
    /// I/O errors; a file that is not a JSON report (with its position).
    pub fn load(path: &std::path::Path) -> Result<Baseline, BaselineError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: display.clone(),
            source,
        })?;
        Baseline::parse(&text, &display)
    }

    /// Parses a JSON report; `path` names it in errors.
    ///
    /// # Errors
    /// Text that is not a JSON report (with its position).
    pub fn parse(text: &str, path: &str) -> Result<Baseline, BaselineError> {
        let err = |line: usize, column: usize, message: String| BaselineError::Format {
            path: path.to_owned(),
            line,
            column,
            message,
        };
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|e| err(e.line(), e.column(), e.to_string()))?;
        let mut fingerprints = HashSet::with_capacity(file.findings.len());
        for (i, bf) in file.findings.into_iter().enumerate() {
            let fp = match bf.fingerprint {
                Some(fp) => fp,
                None => {
                    let f: Finding = serde_json::from_value(serde_json::Value::Object(bf.finding))
                        .map_err(|e| err(1, 1, format!("finding #{}: {e}", i + 1)))?;
                    f.fingerprint()
                }
            };
            fingerprints.insert(fp);
        }
        Ok(Baseline {
            source: path.to_owned(),
            fingerprints,
        })
    }

    /// Whether `f` is in the baseline (by its fingerprint, or the one rampart 0.1 gave it).
    #[must_use]
    pub fn contains(&self, f: &Finding) -> bool {
        self.matching(f).is_some()
    }

    /// The baseline fingerprint `f` matches: its own, else its legacy one.
    fn matching(&self, f: &Finding) -> Option<String> {
        let fp = f.fingerprint();
        if self.fingerprints.contains(&fp) {
            return Some(fp);
        }
        let legacy = f.legacy_fingerprint();
        self.fingerprints.contains(&legacy).then_some(legacy)
    }

    /// How many findings the baseline holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether the baseline holds no finding.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Compares the listed findings (passes aside) with the baseline.
    #[must_use]
    pub fn compare(&self, findings: &[Finding]) -> Comparison {
        let mut seen = HashSet::new();
        let mut c = Comparison {
            source: self.source.clone(),
            ..Comparison::default()
        };
        for f in findings.iter().filter(|f| f.status != Status::Pass) {
            if let Some(fp) = self.matching(f) {
                c.unchanged += 1;
                seen.insert(fp);
            } else {
                c.new += 1;
            }
        }
        c.absent = self.fingerprints.len() - seen.len();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(message: &str) -> Finding {
        serde_json::from_value(serde_json::json!({
            "check": "IAM-005", "name": "access-key-not-rotated", "controls": ["IAM-5"],
            "severity": "medium", "status": "fail",
            "resource": "arn:aws:iam::123456789012:user/ci", "account": "123456789012",
            "message": message, "evidence": {"age_days": 120},
            "remediation": {"text": "rotate"}
        }))
        .expect("finding")
    }

    #[test]
    fn the_fingerprint_ignores_the_message_and_its_ages() {
        let a = finding("access key AKIA… is 120 days old");
        let b = finding("access key AKIA… is 487 days old");
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.legacy_fingerprint(), b.legacy_fingerprint());
    }

    #[test]
    fn a_baseline_of_legacy_fingerprints_still_matches() {
        let f = finding("access key AKIA… is 120 days old");
        let old = Baseline::from_fingerprints("old.json", [f.legacy_fingerprint()]);
        assert!(old.contains(&f));
        let c = old.compare(std::slice::from_ref(&f));
        assert_eq!((c.new, c.unchanged, c.absent), (0, 1, 0));
        let new = Baseline::from_fingerprints("new.json", [f.fingerprint()]);
        assert!(new.contains(&f));
        let other = finding("x");
        let mut other = other;
        other.resource = "arn:aws:iam::123456789012:user/other".into();
        assert!(!new.contains(&other) && !old.contains(&other));
    }

    #[test]
    fn statements_of_one_policy_are_distinct_findings() {
        let mut a = finding("statement #1");
        a.evidence.insert(
            "statement".into(),
            serde_json::json!({"Sid": "A", "Action": "s3:*"}),
        );
        let mut b = finding("statement #2");
        b.evidence.insert(
            "statement".into(),
            serde_json::json!({"Sid": "B", "Action": "iam:*"}),
        );
        assert_ne!(a.fingerprint(), b.fingerprint());
        // The same statement read with its keys in another order is the same finding.
        let mut c = finding("statement #1, again");
        c.evidence.insert(
            "statement".into(),
            serde_json::json!({"Action": "s3:*", "Sid": "A"}),
        );
        assert_eq!(a.fingerprint(), c.fingerprint());
    }
}
