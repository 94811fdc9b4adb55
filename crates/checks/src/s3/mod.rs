//! Checks of S3 buckets (encryption, versioning, lifecycle, logging).

use crate::check::Check;

mod bucket_without_versioning;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[&bucket_without_versioning::BucketWithoutVersioning];
