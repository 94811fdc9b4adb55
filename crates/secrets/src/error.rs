//! Errors of the secret scanner.

use std::path::PathBuf;

/// A catalogue file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// TOML syntax or shape.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The catalogue file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A rule that parses but cannot be used.
    #[error("{file}:{line}:{column}: rule `{id}`: {message}")]
    Rule {
        /// The catalogue file.
        file: String,
        /// 1-based line of the rule's id.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// The built-in allow-list failed to compile.
    #[error("built-in allow-list: {0}")]
    Global(String),
    /// `--rules` named a rule that does not exist.
    #[error("unknown rule `{0}`")]
    UnknownRule(String),
    /// The keyword automaton could not be built.
    #[error("keyword prefilter: {0}")]
    Prefilter(String),
}

/// A scan that could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A path given to scan does not exist or cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The git repository cannot be opened or read.
    #[error("git history of `{path}`: {message}")]
    Git {
        /// The repository.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
