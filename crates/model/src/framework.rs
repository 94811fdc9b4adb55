//! The compliance frameworks rampart maps its checks to: one definition, used by the check
//! declarations (`rampart-checks`), the compliance view (`rampart-report`) and the command line.

use std::fmt;
use std::str::FromStr;

/// A compliance framework with a bundled control list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framework {
    /// CIS AWS Foundations Benchmark v3.0.0.
    Cis3,
    /// CIS AWS Foundations Benchmark v6.0.0.
    Cis6,
    /// AWS Foundational Security Best Practices and the related Security Hub controls.
    Fsbp,
}

impl Framework {
    /// Every framework.
    pub const ALL: [Framework; 3] = [Framework::Cis3, Framework::Cis6, Framework::Fsbp];

    /// The `--compliance` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Cis3 => "cis-3.0",
            Framework::Cis6 => "cis-6.0",
            Framework::Fsbp => "fsbp",
        }
    }

    /// A short label for people (`CIS 3.0`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Framework::Cis3 => "CIS 3.0",
            Framework::Cis6 => "CIS 6.0",
            Framework::Fsbp => "FSBP",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Framework::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown compliance framework `{s}` (expected cis-3.0, cis-6.0 or fsbp)")
            })
    }
}
