//! Checks of DynamoDB tables.

use crate::check::Check;

mod table_without_customer_managed_key;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] =
    &[&table_without_customer_managed_key::TableWithoutCustomerManagedKey];
