//! The secret scanner.
//!
//! - [`catalogue`]: the patterns, as data (`patterns/*.toml`), each with positive and negative
//!   examples that the tests assert;
//! - [`scanner`]: one text against the catalogue (keyword prefilter, byte regexes, entropy,
//!   allow-lists, pairs, `rampart:ignore` comments);
//! - [`walk`]: files, in parallel, hidden and git-ignored ones included unless asked otherwise;
//! - [`history`]: every blob of a git history, once, with the commit that introduced it;
//! - [`findings`]: matches as report findings, and baselines;
//! - [`placeholder`]: the one filter of values written to stand for a secret;
//! - [`decode`]: escaped strings and base64 values decoded and scanned again;
//! - [`redact`]: a secret is never kept whole, only its first characters and a fingerprint.

pub mod catalogue;
pub mod decode;
pub mod error;
pub mod findings;
pub mod history;
pub mod placeholder;
pub mod redact;
pub mod scanner;
pub mod walk;

pub use catalogue::{Catalogue, Rule};
pub use error::{CatalogueError, ScanError};
pub use findings::{Baseline, Place, to_finding};
pub use history::{HistoryMatch, HistoryScan, scan_history};
pub use scanner::{Match, Scanner, entropy};
pub use walk::{FileMatch, FileScan, Skipped, Stats, WalkOptions, scan_paths};
