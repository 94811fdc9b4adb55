//! Checks of CloudWatch Logs log groups: retention (LOG-8).

use crate::check::Check;

mod log_group_retention_too_short;
mod log_group_without_retention;
mod trail_log_group_retention_too_short;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &log_group_without_retention::LogGroupWithoutRetention,
    &trail_log_group_retention_too_short::TrailLogGroupRetentionTooShort,
    &log_group_retention_too_short::LogGroupRetentionTooShort,
];
