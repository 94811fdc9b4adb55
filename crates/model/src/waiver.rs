//! Waivers: failures accepted for a reason, until a date.
//!
//! A waiver names a check code and a glob on the resource (ARN or IaC address; `*` matches any
//! run of characters, `?` one character). A failure it matches stays in the report with status
//! `waived` and the waiver's reason, and no longer counts towards the exit code. A waiver whose
//! `expires` date is past stops applying.
//!
//! Waivers that are past their date, or that matched no failure, are not errors: they become
//! report-level [`Warning`]s (JSON `warnings`, SARIF `toolConfigurationNotifications`, a section
//! of the text and HTML reports), so that a stale waiver list is visible in every report without
//! changing the exit code. A waiver with an empty reason or an unreadable date is an error.

use serde::{Deserialize, Serialize};

use crate::{Finding, Status};
use time::Date;
use time::macros::format_description;

/// A waiver, as configured (`[[waivers]]` in `rampart.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The check code (a glob too: `S3-*`).
    pub check: String,
    /// A glob on the resource ARN or address.
    pub resource: String,
    /// Why the failure is accepted.
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A report-level warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `expired-waiver` or `unused-waiver`.
    pub kind: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The waiver concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
}

/// Why a waiver list cannot be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WaiverError {
    /// `reason` is empty.
    #[error("waiver #{index} (check `{check}`, resource `{resource}`): `reason` must not be empty")]
    NoReason {
        /// 1-based position in the list.
        index: usize,
        /// Its check.
        check: String,
        /// Its resource pattern.
        resource: String,
    },
    /// `expires` is not a date.
    #[error(
        "waiver #{index} (check `{check}`): `expires` must be a date as YYYY-MM-DD, not `{value}`"
    )]
    BadDate {
        /// 1-based position in the list.
        index: usize,
        /// Its check.
        check: String,
        /// The value given.
        value: String,
    },
}

/// What applying waivers did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many failures were waived.
    pub waived: usize,
    /// Expired and unused waivers.
    pub warnings: Vec<Warning>,
}

/// Parses `YYYY-MM-DD`.
///
/// # Errors
/// When `s` is not such a date.
pub fn parse_date(s: &str) -> Result<Date, time::error::Parse> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]"))
}

/// Applies `waivers` to the failures in `findings` on `today`: a matching failure becomes
/// `waived` with the reason of the first waiver that matches it.
///
/// # Errors
/// A waiver with an empty reason or an unreadable date.
pub fn apply(
    findings: &mut [Finding],
    waivers: &[Waiver],
    today: Date,
) -> Result<Applied, WaiverError> {
    let mut active = Vec::new();
    let mut applied = Applied::default();
    for (i, w) in waivers.iter().enumerate() {
        if w.reason.trim().is_empty() {
            return Err(WaiverError::NoReason {
                index: i + 1,
                check: w.check.clone(),
                resource: w.resource.clone(),
            });
        }
        let expires = match &w.expires {
            Some(s) => Some(parse_date(s).map_err(|_| WaiverError::BadDate {
                index: i + 1,
                check: w.check.clone(),
                value: s.clone(),
            })?),
            None => None,
        };
        if let Some(day) = expires
            && day < today
        {
            applied.warnings.push(Warning {
                kind: "expired-waiver".into(),
                message: format!(
                    "waiver for {} on `{}` expired on {day}: its failures count again",
                    w.check, w.resource
                ),
                waiver: Some(w.clone()),
            });
            continue;
        }
        active.push((w, 0usize));
    }
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        if let Some((w, hits)) = active.iter_mut().find(|(w, _)| {
            glob_match(&w.check.to_ascii_uppercase(), &f.check.to_ascii_uppercase())
                && glob_match(&w.resource, &f.resource)
        }) {
            f.status = Status::Waived;
            f.waiver_reason = Some(w.reason.clone());
            *hits += 1;
            applied.waived += 1;
        }
    }
    for (w, hits) in active {
        if hits == 0 {
            applied.warnings.push(Warning {
                kind: "unused-waiver".into(),
                message: format!(
                    "waiver for {} on `{}` matched no failure",
                    w.check, w.resource
                ),
                waiver: Some(w.clone()),
            });
        }
    }
    Ok(applied)
}

/// Matches `text` against `pattern`, where `*` is any run of characters (`/` and `:` included:
/// ARNs are not paths) and `?` is one character. Linear time: the classic two-pointer match with
/// a single backtrack point.
#[must_use]
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("arn:aws:s3:::logs-*", "arn:aws:s3:::logs-2024"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match(
            "*:role/*admin*",
            "arn:aws:iam::1:role/x/super-admin-1"
        ));
        assert!(!glob_match("arn:aws:s3:::logs", "arn:aws:s3:::logs-2024"));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b*c", "aXbYbZ"));
    }
}
