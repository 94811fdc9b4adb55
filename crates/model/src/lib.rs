//! The data model shared by every rampart crate.
//!
//! Every source (live AWS, a saved snapshot, Terraform, CloudFormation) is turned into one
//! [`Inventory`]; every check reads only the Inventory. The model therefore holds *facts as read*,
//! never judgements: whether a bucket is "bad" is the business of `rampart-checks`.
//!
//! Three rules shape the types:
//! - every resource carries a [`Meta`]: its identifier (an ARN, or an IaC address), tags, and the
//!   [`Origin`] it was read from (API call, or file:line);
//! - what a source could not read is a [`Gap`], never an empty list: a check that needs gapped data
//!   reports `not_assessed`;
//! - the snapshot format is versioned ([`snapshot`]); a newer snapshot is refused, not misread.

pub mod baseline;
pub mod compute;
pub mod data;
pub mod document;
pub mod finding;
pub mod framework;
pub mod gap;
pub mod iam;
pub mod inventory;
pub mod logging;
pub mod network;
pub mod org;
pub mod runtimes;
pub mod security;
pub mod snapshot;
pub mod storage;
pub mod time_util;
pub mod waiver;

pub use baseline::Baseline;
pub use document::PolicyDocument;
pub use finding::{Evidence, Finding, Location, Remediation, Report, Severity, Status, Summary};
pub use framework::Framework;
pub use gap::{Gap, GapKind};
pub use inventory::{
    Account, InlineWaiver, InputInfo, InputKind, Inventory, Meta, Origin, Region, Tags,
};
pub use time_util::Timestamp;
pub use waiver::{Waiver, Warning};
