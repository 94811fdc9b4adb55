//! The registry: every check, in a stable order.
//!
//! Each area module lists its checks in a `CHECKS` slice; adding a check means adding its file and
//! one line there. The tests in `tests/registry.rs` hold the catalogue to its rules.

use crate::check::Check;

/// The areas' check lists, in order.
const AREAS: &[&[&'static dyn Check]] = &[
    crate::root::CHECKS,
    crate::iam::CHECKS,
    crate::iam_policy::CHECKS,
    crate::s3::CHECKS,
    crate::ebs::CHECKS,
    crate::network::CHECKS,
    crate::vpc::CHECKS,
    crate::rds::CHECKS,
    crate::dynamodb::CHECKS,
    crate::redshift::CHECKS,
    crate::store::CHECKS,
    crate::kms::CHECKS,
    crate::secrets::CHECKS,
    crate::secret_scan::CHECKS,
    crate::cloudtrail::CHECKS,
    crate::logs::CHECKS,
    crate::cloudwatch::CHECKS,
    crate::elb::CHECKS,
    crate::lambda::CHECKS,
    crate::backup::CHECKS,
    crate::tagging::CHECKS,
    crate::deps::CHECKS,
    crate::manual::CHECKS,
];

/// Every check, area by area.
#[must_use]
pub fn all() -> Vec<&'static dyn Check> {
    AREAS.iter().flat_map(|a| a.iter().copied()).collect()
}

/// The check with this code (case-insensitive).
#[must_use]
pub fn by_code(code: &str) -> Option<&'static dyn Check> {
    AREAS
        .iter()
        .flat_map(|a| a.iter().copied())
        .find(|c| c.meta().code.eq_ignore_ascii_case(code))
}

/// The area a check belongs to: its code's prefix (`S3` for `S3-003`).
#[must_use]
pub fn area(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}
