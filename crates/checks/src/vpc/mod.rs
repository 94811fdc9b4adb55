//! Checks of the `vpc` area: flow logs (LOG-9). VPC-001..049 are reserved for the network
//! checks; VPC-050 onwards are logging checks.

use crate::check::Check;

mod vpc_without_flow_logs;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[&vpc_without_flow_logs::VpcWithoutFlowLogs];
