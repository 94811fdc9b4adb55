//! Checks of the `dynamodb` area.

use crate::check::Check;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[];
