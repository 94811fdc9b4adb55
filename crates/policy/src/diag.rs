//! Diagnostics: what is wrong (or doubtful) in a policy, and where.

use std::fmt;

use crate::json::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// AWS rejects the policy, or the policy does not do what it says.
    Error,
    /// AWS accepts it, but something is likely wrong or wasteful.
    Warning,
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// A stable kebab-case code (`trailing-comma`, `unknown-action`).
    pub code: &'static str,
    /// The message (lowercase, user input in backticks).
    pub message: String,
    /// Where (an unlocated span when the document did not come from text).
    pub span: Span,
}

impl Diagnostic {
    /// An error.
    #[must_use]
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            code,
            message: message.into(),
            span,
        }
    }

    /// A warning.
    #[must_use]
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            code,
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        if self.span.is_located() {
            write!(f, "{}: {level}[{}]: {}", self.span, self.code, self.message)
        } else {
            write!(f, "{level}[{}]: {}", self.code, self.message)
        }
    }
}
