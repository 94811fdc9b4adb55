//! Checks of CloudTrail: account coverage (LOG-1), log file validation (LOG-2), data events
//! (LOG-3), the trail bucket (LOG-4) and encryption (LOG-5).

use crate::check::Check;

mod selectors;
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
mod trail_without_log_file_validation;

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
];
