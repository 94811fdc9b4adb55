//! Baselines: a previous JSON report whose findings are known.
//!
//! With `--baseline report.json`, a finding whose fingerprint
//! ([`crate::Finding::fingerprint`]) is in the baseline is `unchanged` and does not count
//! towards the exit code; the others are `new`. Baseline findings not seen any more are counted
//! as `absent` (fixed, or no longer listed).

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

    /// Whether `f` is in the baseline.
    #[must_use]
    pub fn contains(&self, f: &Finding) -> bool {
        self.fingerprints.contains(&f.fingerprint())
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
            let fp = f.fingerprint();
            if self.fingerprints.contains(&fp) {
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
