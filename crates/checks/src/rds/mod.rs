//! Checks of RDS instances and clusters.

use crate::check::Check;

mod db_cluster_not_encrypted;
mod db_instance_not_encrypted;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &db_instance_not_encrypted::DbInstanceNotEncrypted,
    &db_cluster_not_encrypted::DbClusterNotEncrypted,
];
