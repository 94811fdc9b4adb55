//! Checks of Redshift clusters.

use crate::check::Check;

mod cluster_not_encrypted;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[&cluster_not_encrypted::RedshiftClusterNotEncrypted];
