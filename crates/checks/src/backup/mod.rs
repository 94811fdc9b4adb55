//! Checks of AWS Backup: data stores without a plan, vault encryption and Vault Lock (DATA-4).

use crate::check::Check;

mod selection;

mod data_store_not_in_backup_plan;
mod vault_without_customer_managed_key;
mod vault_without_vault_lock;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &data_store_not_in_backup_plan::DataStoreNotInBackupPlan,
    &vault_without_customer_managed_key::VaultWithoutCustomerManagedKey,
    &vault_without_vault_lock::VaultWithoutVaultLock,
];
