//! Matches as report findings, and baselines of accepted findings.

use std::collections::HashSet;
use std::path::Path;

use rampart_model::{Evidence, Finding, Location, Remediation, Report, Status};
use serde_json::json;

use crate::scanner::Match;

const SECRET_FIX: &str = "Revoke the credential at its issuer and issue a new one; remove it from the \
     file (and, if it was committed, from the history with `git filter-repo`, then force-push); load \
     it at run time from a secret store such as AWS Secrets Manager or an SSM SecureString parameter. \
     If it is not a secret, add a `rampart:ignore` comment on its line or a baseline entry.";

const CODE_FIX: &str = "Pass values to the database driver as query parameters (`cursor.execute(sql, \
     params)`) instead of formatting them into the SQL text, and never run Flask with `debug=True` \
     outside a developer's machine: its debugger executes code sent by anyone who can reach it.";

/// Where a match was found.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The file (or, for history, the path in the commit).
    pub file: &'a str,
    /// The commit where the blob first appeared (history only).
    pub commit: Option<&'a str>,
    /// The blob id (history only).
    pub blob: Option<&'a str>,
}

/// A match as a failed finding of its rule, serving its control (`SEC-1`).
#[must_use]
pub fn to_finding(place: Place<'_>, m: &Match) -> Finding {
    let mut evidence = Evidence::new();
    evidence.insert("rule".into(), json!(m.rule));
    if let Some(snippet) = &m.snippet {
        evidence.insert("code".into(), json!(snippet));
    } else {
        evidence.insert("secret".into(), json!(m.redacted));
        evidence.insert("entropy".into(), json!(m.entropy));
    }
    evidence.insert("fingerprint".into(), json!(m.fingerprint));
    if let Some(p) = &m.paired_with {
        evidence.insert("paired_with".into(), json!(p));
    }
    if let Some(l) = &m.lead {
        evidence.insert("after".into(), json!(l));
    }
    if let Some(c) = &m.context {
        evidence.insert("inside".into(), json!(c));
    }
    if let Some(c) = place.commit {
        evidence.insert("commit".into(), json!(c));
    }
    if let Some(b) = place.blob {
        evidence.insert("blob".into(), json!(b));
    }
    let resource = match place.commit {
        Some(c) => format!("{}@{}", place.file, c.get(..12).unwrap_or(c)),
        None => place.file.to_owned(),
    };
    let inside = m
        .context
        .as_ref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let message = match (&m.snippet, place.commit) {
        (Some(_), _) => format!("{} at line {}", m.description, m.line),
        (None, None) => format!(
            "{} `{}` (fingerprint {}){inside}",
            m.description, m.redacted, m.fingerprint
        ),
        (None, Some(c)) => format!(
            "{} `{}` (fingerprint {}){inside} in history, first in commit {}",
            m.description,
            m.redacted,
            m.fingerprint,
            c.get(..12).unwrap_or(c)
        ),
    };
    Finding {
        check: m.rule.clone(),
        name: m.rule.clone(),
        controls: vec![m.control.clone()],
        severity: m.severity,
        status: Status::Fail,
        resource,
        account: None,
        region: None,
        message,
        evidence,
        location: Some(Location {
            file: place.file.to_owned(),
            line: Some(m.line),
            column: Some(m.column),
        }),
        remediation: Remediation {
            text: if m.snippet.is_some() {
                CODE_FIX
            } else {
                SECRET_FIX
            }
            .to_owned(),
            cli: None,
            terraform: None,
        }
        .into(),
        waiver_reason: None,
    }
}

/// Findings accepted earlier: a previous JSON report of `rampart secrets`. A finding is in the
/// baseline when its rule, file and secret fingerprint are (line numbers may move).
#[derive(Debug, Default)]
pub struct Baseline {
    keys: HashSet<(String, String, String)>,
}

impl Baseline {
    /// Reads a baseline file.
    ///
    /// # Errors
    /// The file cannot be read or is not a JSON report (the message has line and column).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let report: Report = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not a rampart JSON report: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        Ok(Self::from_findings(&report.findings))
    }

    /// A baseline of these findings.
    #[must_use]
    pub fn from_findings(findings: &[Finding]) -> Self {
        Baseline {
            keys: findings.iter().filter_map(key).collect(),
        }
    }

    /// Whether `finding` is in the baseline.
    #[must_use]
    pub fn contains(&self, finding: &Finding) -> bool {
        key(finding).is_some_and(|k| self.keys.contains(&k))
    }

    /// How many entries it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn key(f: &Finding) -> Option<(String, String, String)> {
    let fp = f.evidence.get("fingerprint")?.as_str()?.to_owned();
    let file = f
        .location
        .as_ref()
        .map(|l| l.file.clone())
        .unwrap_or_default();
    Some((f.check.clone(), file, fp))
}
