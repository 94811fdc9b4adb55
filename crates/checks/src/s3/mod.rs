//! Checks of S3 buckets (encryption, versioning, lifecycle, logging).

use crate::check::Check;

mod access_point_publicly_accessible;
mod backup_bucket_without_lifecycle;
mod backup_bucket_without_mfa_delete;
mod bucket_encrypted_with_sse_s3;
mod bucket_without_access_logging;
mod bucket_without_default_encryption;
mod bucket_without_versioning;
pub(crate) mod facts;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &bucket_without_default_encryption::BucketWithoutDefaultEncryption,
    &bucket_encrypted_with_sse_s3::BucketEncryptedWithSseS3,
    &bucket_without_versioning::BucketWithoutVersioning,
    &bucket_without_access_logging::BucketWithoutAccessLogging,
    &backup_bucket_without_mfa_delete::BackupBucketWithoutMfaDelete,
    &backup_bucket_without_lifecycle::BackupBucketWithoutLifecycle,
    &access_point_publicly_accessible::AccessPointPubliclyAccessible,
];
