//! `rampart.toml`: thresholds, tagging policy, port lists, severity overrides.
//!
//! Every field has a default, so an empty file (or none) gives the CHECKLIST's baseline. Unknown
//! keys are errors: a misspelt threshold silently ignored would weaken an audit.

use std::collections::BTreeMap;
use std::path::Path;

use rampart_model::Severity;
use serde::{Deserialize, Serialize};

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown or mistyped keys.
    #[error("{path}:{line}:{column}: {message}")]
    Toml {
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

/// A deprecated runtime and the date its support ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprecatedRuntime {
    /// The runtime id (`python3.7`).
    pub name: String,
    /// When AWS stopped supporting it (`2023-12-04`).
    pub deprecated: String,
}

/// Thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Access keys older than this are reported (IAM-8).
    pub access_key_max_age_days: i64,
    /// Access keys unused for this long are reported (IAM-8).
    pub access_key_unused_days: i64,
    /// Root use within this many days is reported (ROOT-3).
    pub root_recent_use_days: i64,
    /// Minimum password length (IAM-7).
    pub password_min_length: u32,
    /// Required password reuse prevention (IAM-7).
    pub password_reuse_prevention: u32,
    /// Maximum password age in days; 0 means the policy must not require expiry (NIST guidance)
    /// and any value is accepted.
    pub password_max_age_days: u32,
    /// Secrets not rotated within this many days are reported when no schedule is set (SEC-4).
    pub secret_rotation_max_days: i64,
    /// Minimum CloudWatch Logs retention in days, for every log group (LOGS-003) and the
    /// CloudTrail log group (LOGS-002) (LOG-4/LOG-8).
    pub log_retention_min_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            access_key_max_age_days: 90,
            access_key_unused_days: 90,
            root_recent_use_days: 90,
            password_min_length: 14,
            password_reuse_prevention: 24,
            password_max_age_days: 0,
            secret_rotation_max_days: 90,
            log_retention_min_days: 365,
        }
    }
}

/// The tagging policy (GOV-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tagging {
    /// Tag keys every taggable resource must carry (case-insensitive).
    pub required: Vec<String>,
}

impl Default for Tagging {
    fn default() -> Self {
        Tagging {
            required: vec!["environment".into(), "service".into(), "owner".into()],
        }
    }
}

/// Port lists used by the network checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ports {
    /// Administration ports (NET-2, NET-14).
    pub admin: Vec<u16>,
    /// Database and cache ports (NET-3).
    pub database: Vec<u16>,
    /// Internal application ports (NET-4).
    pub internal_app: Vec<u16>,
    /// A port range wider than this many ports counts as "broad" (NET-1).
    pub broad_range: u32,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            admin: vec![22, 3389],
            database: vec![
                1433, 1521, 2483, 2484, 3306, 5432, 5439, 5984, 6379, 7000, 7001, 8020, 8086, 8888,
                9042, 9160, 9200, 9300, 11211, 27017, 27018, 27019, 50070,
            ],
            internal_app: vec![3000, 5000, 8000, 8080, 8081, 8443, 8888, 9000, 9090],
            broad_range: 1024,
        }
    }
}

/// Runtime deprecation dates added to, or overriding, the built-in table of AWS's published
/// dates (`rampart_model::runtimes`) (APP-2). Empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Runtimes {
    /// Deprecated runtimes.
    pub deprecated: Vec<DeprecatedRuntime>,
}

/// A waiver: one definition, in the model (the runner applies it).
pub use rampart_model::waiver::Waiver;

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Thresholds.
    pub thresholds: Thresholds,
    /// The tagging policy.
    pub tagging: Tagging,
    /// Port lists.
    pub ports: Ports,
    /// Deprecated runtimes.
    pub runtimes: Runtimes,
    /// Severity overrides by check code.
    pub severity: BTreeMap<String, Severity>,
    /// Services each principal (by name) is meant to use (IAM-4).
    pub expected_services: BTreeMap<String, Vec<String>>,
    /// Waivers.
    pub waivers: Vec<Waiver>,
}

impl Config {
    /// Reads a configuration file.
    ///
    /// # Errors
    /// I/O errors and TOML errors with their position.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: display.clone(),
            source,
        })?;
        Config::parse(&text, &display)
    }

    /// Parses configuration text; `path` is used in errors.
    ///
    /// # Errors
    /// TOML errors with their position.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Toml {
                path: path.to_owned(),
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        config.validate().map_err(|(needle, message)| {
            let (line, column) = locate(text, &needle);
            ConfigError::Toml {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        })?;
        Ok(config)
    }

    /// What TOML cannot say is wrong: a `[severity]` override or a waiver naming no check, a
    /// waiver without a reason or with an unreadable date. The error carries the text to point
    /// at.
    fn validate(&self) -> Result<(), (String, String)> {
        let all = crate::registry::all();
        for code in self.severity.keys() {
            if crate::registry::by_code(code).is_none() {
                return Err((
                    format!("\"{code}\""),
                    format!("[severity]: unknown check `{code}` (see `rampart checks list`)"),
                ));
            }
        }
        for w in &self.waivers {
            if !all
                .iter()
                .any(|c| crate::select::matches(&w.check, c.meta().code))
            {
                return Err((
                    w.check.clone(),
                    format!(
                        "waiver: unknown check `{}` (a code, an area or a wildcard such as `S3-*`)",
                        w.check
                    ),
                ));
            }
        }
        rampart_model::waiver::apply(&mut [], &self.waivers, time::Date::MIN)
            .map(|_| ())
            .map_err(|e| {
                let needle = match &e {
                    rampart_model::waiver::WaiverError::BadDate { value, .. } => value.clone(),
                    rampart_model::waiver::WaiverError::NoReason { .. } => "reason".to_owned(),
                };
                (needle, e.to_string())
            })
    }

    /// The severity of `code`, after overrides.
    #[must_use]
    pub fn severity_of(&self, code: &str, declared: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(declared)
    }
}

/// The line and column of the first `needle` in `text` (1:1 when absent).
fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle)
        .map_or((1, 1), |offset| line_col(text, offset))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_the_baseline() {
        let c = Config::parse("", "r.toml").expect("parse");
        assert_eq!(c, Config::default());
        assert_eq!(c.thresholds.password_min_length, 14);
    }

    #[test]
    fn unknown_key_is_located() {
        let err = Config::parse("[thresholds]\npasword_min_length = 8\n", "r.toml")
            .expect_err("must be refused");
        let ConfigError::Toml { line, .. } = err else {
            panic!("{err}")
        };
        assert_eq!(line, 2);
    }

    #[test]
    fn unknown_codes_and_bad_waivers_are_located() {
        for (text, line, what) in [
            (
                "[severity]\n\"S3-003\" = \"low\"\n\"S3-999\" = \"low\"\n",
                3,
                "S3-999",
            ),
            (
                "[[waivers]]\ncheck = \"XX-1\"\nresource = \"*\"\nreason = \"r\"\n",
                2,
                "XX-1",
            ),
            (
                "[[waivers]]\ncheck = \"S3-*\"\nresource = \"*\"\nreason = \"r\"\nexpires = \"soon\"\n",
                5,
                "soon",
            ),
        ] {
            let err = Config::parse(text, "r.toml").expect_err(what);
            let ConfigError::Toml {
                line: l, message, ..
            } = &err
            else {
                panic!("{err}")
            };
            assert_eq!(*l, line, "{err}");
            assert!(message.contains(what), "{err}");
        }
        let ok = "[[waivers]]\ncheck = \"S3\"\nresource = \"*\"\nreason = \"accepted\"\n";
        assert!(Config::parse(ok, "r.toml").is_ok());
    }

    #[test]
    fn overrides() {
        let c = Config::parse(
            "[severity]\n\"S3-003\" = \"low\"\n[thresholds]\naccess_key_max_age_days = 30\n",
            "r",
        )
        .expect("parse");
        assert_eq!(c.severity_of("S3-003", Severity::High), Severity::Low);
        assert_eq!(c.thresholds.access_key_max_age_days, 30);
    }
}
