//! Checks of Elastic Load Balancing: access logs (LOG-10).

use crate::check::Check;

mod load_balancer_without_access_logs;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] =
    &[&load_balancer_without_access_logs::LoadBalancerWithoutAccessLogs];
