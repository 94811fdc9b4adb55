//! Checks of the `elb` area.

use crate::check::Check;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[];
