//! Checks of CloudTrail: account coverage (LOG-1), log file validation (LOG-2), data events
//! (LOG-3), the trail bucket (LOG-4), encryption (LOG-5) and delivery to CloudWatch Logs (LOG-6).

use rampart_model::Account;

use crate::check::Check;
use crate::context::Context;

#[cfg(test)]
mod example_part;
pub(crate) mod selectors;
mod trail_buckets;

mod account_without_multi_region_trail;
mod bucket_object_events_not_recorded;
mod lambda_invocations_not_recorded;
mod trail_bucket_policy_not_restrictive;
mod trail_bucket_publicly_accessible;
mod trail_bucket_without_access_logging;
mod trail_bucket_without_retention_lifecycle;
mod trail_bucket_without_versioning_or_object_lock;
mod trail_not_encrypted_with_kms;
mod trail_with_incomplete_coverage;
mod trail_without_cloudwatch_logs;
mod trail_without_log_file_validation;

/// Whether a gap in `ctx` touches one of `needs` in `account`. Account-wide conclusions ("no
/// trail records this", "nothing monitors that") cannot be drawn from partial data: the checks
/// that draw them stay silent and let the runner report the gap as `not_assessed`.
pub(crate) fn gapped(ctx: &Context<'_>, account: &Account, needs: &[&str]) -> bool {
    ctx.inventory.gaps.iter().any(|g| {
        needs.iter().any(|n| g.touches(n)) && g.account.as_deref().is_none_or(|a| a == account.id)
    })
}

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &account_without_multi_region_trail::AccountWithoutMultiRegionTrail,
    &trail_with_incomplete_coverage::TrailWithIncompleteCoverage,
    &trail_without_log_file_validation::TrailWithoutLogFileValidation,
    &bucket_object_events_not_recorded::BucketObjectEventsNotRecorded,
    &lambda_invocations_not_recorded::LambdaInvocationsNotRecorded,
    &trail_bucket_publicly_accessible::TrailBucketPubliclyAccessible,
    &trail_bucket_policy_not_restrictive::TrailBucketPolicyNotRestrictive,
    &trail_bucket_without_versioning_or_object_lock::TrailBucketWithoutVersioningOrObjectLock,
    &trail_bucket_without_access_logging::TrailBucketWithoutAccessLogging,
    &trail_bucket_without_retention_lifecycle::TrailBucketWithoutRetentionLifecycle,
    &trail_not_encrypted_with_kms::TrailNotEncryptedWithKms,
    &trail_without_cloudwatch_logs::TrailWithoutCloudwatchLogs,
];

#[cfg(test)]
mod tests {
    use rampart_model::{Gap, Inventory, Status, data};

    use crate::{Config, Context, registry, run};

    fn statuses(fixture: &str, code: &str, gap: Option<Gap>) -> Vec<Status> {
        let mut inv: Inventory = serde_json::from_str(fixture).expect("fixture");
        inv.gaps.extend(gap);
        let config = Config::default();
        let now = inv.collected_at.expect("collected_at");
        let ctx = Context::new(&inv, &config, now);
        let check = registry::by_code(code).expect("check");
        run(&ctx, &[check])
            .findings
            .iter()
            .map(|f| f.status)
            .collect()
    }

    /// Account-wide "nothing records/monitors this" conclusions are withheld when part of the data
    /// could not be read: the gap is reported instead of a failure.
    #[test]
    fn gaps_turn_account_wide_failures_into_not_assessed() {
        let cases = [
            (
                "CT-001",
                include_str!("../../fixtures/CT-001/fail.json"),
                data::CLOUDTRAIL,
            ),
            (
                "CT-004",
                include_str!("../../fixtures/CT-004/fail.json"),
                data::CLOUDTRAIL_SELECTORS,
            ),
            (
                "CT-005",
                include_str!("../../fixtures/CT-005/fail.json"),
                data::CLOUDTRAIL_SELECTORS,
            ),
            (
                "CW-004",
                include_str!("../../fixtures/CW-004/fail.json"),
                data::LOGS_METRIC_FILTERS,
            ),
            (
                "CW-010",
                include_str!("../../fixtures/CW-010/fail.json"),
                data::CLOUDWATCH_ALARMS,
            ),
        ];
        for (code, fixture, data_set) in cases {
            assert!(
                statuses(fixture, code, None).contains(&Status::Fail),
                "{code} fixture fails without a gap"
            );
            let gap = Gap::new(data_set, "test:Read", "access denied").in_region("eu-west-1");
            let got = statuses(fixture, code, Some(gap));
            assert!(!got.contains(&Status::Fail), "{code}: {got:?}");
            assert!(got.contains(&Status::NotAssessed), "{code}: {got:?}");
        }
    }
}
