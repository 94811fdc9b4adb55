//! Choosing checks: `--checks`, `--skip-checks`, `--severity`, `--services` of `scan` and the
//! filters of `checks list`. A pattern is a code (`S3-003`), an area (`S3`, every check whose
//! code starts `S3-`) or a wildcard (`S3-*`, `IAM-10?`); case does not matter. A pattern that
//! names no check is an error, never an empty selection.

use rampart_model::Severity;
use rampart_model::waiver::glob_match;

use crate::check::{Check, Framework};
use crate::config::Config;
use crate::registry;

/// What to select; empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keep only checks matching one of these patterns.
    pub checks: Vec<String>,
    /// Then drop checks matching one of these.
    pub skip: Vec<String>,
    /// One severity: that one and above; several: exactly those. Overrides in `[severity]`
    /// count.
    pub severity: Vec<Severity>,
    /// Keep only checks reading one of these services (`s3`, `iam`, `ec2`, `cloudtrail`…).
    pub services: Vec<String>,
    /// Keep only checks mapped to this framework.
    pub framework: Option<Framework>,
}

/// Whether `pattern` selects the check `code`.
#[must_use]
pub fn matches(pattern: &str, code: &str) -> bool {
    let p = pattern.trim().to_ascii_uppercase();
    let c = code.to_ascii_uppercase();
    if p.contains(['*', '?']) {
        return glob_match(&p, &c);
    }
    c == p || registry::area(&c) == p
}

/// The services a check reads: the first part of each data set it needs (`s3control` counts as
/// `s3`), and its area.
#[must_use]
pub fn services_of(check: &dyn Check) -> Vec<String> {
    let m = check.meta();
    let mut out: Vec<String> = m
        .needs
        .iter()
        .map(|d| {
            let s = d.split('.').next().unwrap_or(d);
            if s == "s3control" { "s3" } else { s }.to_owned()
        })
        .chain(std::iter::once(registry::area(m.code).to_ascii_lowercase()))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Selection {
    /// The checks of the registry this selection keeps, in registry order.
    ///
    /// # Errors
    /// A pattern or service that names no check.
    pub fn apply(&self, config: &Config) -> Result<Vec<&'static dyn Check>, String> {
        let all = registry::all();
        for p in self.checks.iter().chain(&self.skip) {
            if !all.iter().any(|c| matches(p, c.meta().code)) {
                return Err(format!(
                    "unknown check `{p}`: no check code, area or wildcard matches it (see `rampart checks list`)"
                ));
            }
        }
        for s in &self.services {
            if !all
                .iter()
                .any(|c| services_of(*c).iter().any(|x| x.eq_ignore_ascii_case(s)))
            {
                let mut known: Vec<String> = all.iter().flat_map(|c| services_of(*c)).collect();
                known.sort();
                known.dedup();
                return Err(format!(
                    "unknown service `{s}` (known: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(all
            .into_iter()
            .filter(|c| {
                let m = c.meta();
                let severity = config.severity_of(m.code, m.severity);
                (self.checks.is_empty() || self.checks.iter().any(|p| matches(p, m.code)))
                    && !self.skip.iter().any(|p| matches(p, m.code))
                    && match self.severity.as_slice() {
                        [] => true,
                        [min] => severity >= *min,
                        list => list.contains(&severity),
                    }
                    && (self.services.is_empty()
                        || services_of(*c)
                            .iter()
                            .any(|x| self.services.iter().any(|s| x.eq_ignore_ascii_case(s))))
                    && self
                        .framework
                        .is_none_or(|f| m.compliance.iter().any(|r| r.framework == f))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &Selection) -> Vec<&'static str> {
        s.apply(&Config::default())
            .expect("selection")
            .iter()
            .map(|c| c.meta().code)
            .collect()
    }

    #[test]
    fn areas_wildcards_and_codes() {
        let area = codes(&Selection {
            checks: vec!["s3".into()],
            ..Selection::default()
        });
        assert!(!area.is_empty() && area.iter().all(|c| c.starts_with("S3-")));
        let star = codes(&Selection {
            checks: vec!["S3-*".into()],
            ..Selection::default()
        });
        assert_eq!(area, star);
        let one = codes(&Selection {
            checks: vec!["IAM-10?".into()],
            ..Selection::default()
        });
        assert!(one.contains(&"IAM-100") && one.contains(&"IAM-109"));
        assert!(!one.contains(&"IAM-110") && !one.contains(&"IAM-001"));
        let skipped = codes(&Selection {
            checks: vec!["S3".into()],
            skip: vec!["S3-003".into()],
            ..Selection::default()
        });
        assert_eq!(skipped.len() + 1, area.len());
        assert!(!skipped.contains(&"S3-003"));
    }

    #[test]
    fn severity_minimum_or_list() {
        let high = codes(&Selection {
            severity: vec![Severity::High],
            ..Selection::default()
        });
        let all = registry::all();
        assert!(high.iter().all(|c| {
            registry::by_code(c).is_some_and(|k| k.meta().severity >= Severity::High)
        }));
        assert!(high.len() < all.len());
        let exact = codes(&Selection {
            severity: vec![Severity::Critical, Severity::Low],
            ..Selection::default()
        });
        assert!(exact.iter().all(|c| {
            registry::by_code(c)
                .is_some_and(|k| matches!(k.meta().severity, Severity::Critical | Severity::Low))
        }));
    }

    #[test]
    fn unknown_names_are_errors() {
        for s in [
            Selection {
                checks: vec!["S4".into()],
                ..Selection::default()
            },
            Selection {
                skip: vec!["XX-*".into()],
                ..Selection::default()
            },
            Selection {
                services: vec!["s4".into()],
                ..Selection::default()
            },
        ] {
            assert!(s.apply(&Config::default()).is_err(), "{s:?}");
        }
        let s3 = codes(&Selection {
            services: vec!["s3".into()],
            ..Selection::default()
        });
        assert!(s3.contains(&"S3-003") && !s3.contains(&"IAM-001"));
    }
}
