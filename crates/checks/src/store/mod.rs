//! Checks of the data stores judged on encryption at rest alone (EFS, ElastiCache, OpenSearch).

use crate::check::Check;

mod data_store_not_encrypted_at_rest;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] =
    &[&data_store_not_encrypted_at_rest::DataStoreNotEncryptedAtRest];
