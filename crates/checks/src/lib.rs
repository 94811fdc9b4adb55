//! The check catalogue.
//!
//! A check is one file (`src/<area>/<name>.rs`) holding its declaration ([`CheckMeta`]: code,
//! name, severity, controls, compliance references, rationale, remediation, the data it needs)
//! and its evaluation. Checks read only the [`Context`] (the Inventory, the configuration and the
//! scan time); they do no I/O. The [`runner`] runs them and turns gaps into `not_assessed`.
//! `docs/checks.md`, `docs/coverage.md` and `rampart checks explain` are generated from the
//! declarations ([`docs`]).

pub mod check;
pub mod config;
pub mod context;
pub mod controls;
pub mod docs;
pub mod estate;
pub mod registry;
pub mod runner;
pub mod select;

mod backup;
mod branches;
mod cloudtrail;
mod cloudwatch;
pub mod deps;
mod dynamodb;
mod ebs;
mod elb;
mod iam;
pub(crate) mod iam_policy;
mod kms;
mod lambda;
mod logs;
mod manual;
mod network;
mod rds;
mod redshift;
mod root;
mod s3;
mod secret_scan;
mod secrets;
mod store;
mod tagging;
mod vpc;

pub use check::{At, Check, CheckMeta, Compliance, Framework, Input, RemediationText, Sink};
pub use config::{Config, ConfigError};
pub use context::Context;
pub use runner::{RunOptions, RunOutput, run, run_with};
pub use select::Selection;

/// What a check file imports.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use rampart_model::data;
    pub use rampart_model::{Account, Meta, Region, Severity};
    pub use serde_json::json;

    pub use crate::check::{
        At, Check, CheckMeta, Compliance, FindingExt, Framework, Input, RemediationText, Sink,
        cis3, cis6, fsbp,
    };
    pub use crate::context::Context;
}
