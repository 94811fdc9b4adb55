//! The dependency audit (control APP-1): lock files read with their line numbers, matched
//! exactly against OSV advisories held offline.
//!
//! - [`osv`]: the database (per-ecosystem `all.zip` exports or JSON records), indexed once into
//!   a cache beside it.
//! - [`version`]: each ecosystem's version order; [`matcher`]: OSV ranges.
//! - [`lockfile`]: Python, Node, Ruby, Rust, Go and PHP lock files.
//! - [`audit`]: findings, one per (package, version) of a lock file.
//! - [`update`]: downloading the database with conditional requests.
//! - [`runtimes`]: runtimes named in source trees (APP-2), against the one end-of-support table.

pub mod audit;
pub mod cvss;
pub mod lockfile;
pub mod matcher;
pub mod osv;
pub mod runtimes;
pub mod update;
pub mod version;

pub use audit::{CHECK, audit};
pub use lockfile::{LockFile, Package, ParseError};
pub use osv::{DbError, Index};
pub use version::Ecosystem;
