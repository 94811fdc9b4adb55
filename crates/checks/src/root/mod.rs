//! Checks of the account root user and account settings.

use crate::check::Check;

mod root_access_keys;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[&root_access_keys::RootUserHasAccessKeys];
