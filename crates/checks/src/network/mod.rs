//! Network checks: security groups (EC2-001..049) and network ACLs, routes, tiers, endpoints and
//! end-to-end reachability (VPC-001..049), on the exact semantics of `rampart-network`.

use crate::check::Check;

mod common;
#[cfg(test)]
mod tests;

mod app_port_not_restricted_to_load_balancer;
mod database_in_subnet_routed_to_internet;
mod database_publicly_accessible;
mod default_sg_allows_traffic;
mod internet_reaches_non_load_balancer;
mod management_host_in_workload_subnet;
mod nacl_admin_port_open_to_internet;
mod nacl_missing_return_path;
mod nacl_rule_shadowed;
mod private_bucket_without_vpc_endpoint_condition;
mod private_subnet_routes_to_internet_gateway;
mod production_admin_access_from_outside;
mod sensitive_port_reachable_from_internet;
mod sg_admin_port_open_to_internet;
mod sg_database_port_open_to_internet;
mod sg_open_to_internet_on_all_ports;
mod sg_open_to_internet_on_broad_port_range;
mod sg_unrestricted_egress;
mod sg_unused;
mod sg_wider_than_needed;
mod vpc_without_s3_endpoint;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &sg_open_to_internet_on_all_ports::SgOpenToInternetOnAllPorts,
    &sg_open_to_internet_on_broad_port_range::SgOpenToInternetOnBroadPortRange,
    &sg_admin_port_open_to_internet::SgAdminPortOpenToInternet,
    &sg_database_port_open_to_internet::SgDatabasePortOpenToInternet,
    &app_port_not_restricted_to_load_balancer::AppPortNotRestrictedToLoadBalancer,
    &sg_unrestricted_egress::SgUnrestrictedEgress,
    &default_sg_allows_traffic::DefaultSgAllowsTraffic,
    &sg_unused::SgUnused,
    &sg_wider_than_needed::SgWiderThanNeeded,
    &nacl_rule_shadowed::NaclRuleShadowed,
    &nacl_missing_return_path::NaclMissingReturnPath,
    &nacl_admin_port_open_to_internet::NaclAdminPortOpenToInternet,
    &database_in_subnet_routed_to_internet::DatabaseInSubnetRoutedToInternet,
    &internet_reaches_non_load_balancer::InternetReachesNonLoadBalancer,
    &private_subnet_routes_to_internet_gateway::PrivateSubnetRoutesToInternetGateway,
    &sensitive_port_reachable_from_internet::SensitivePortReachableFromInternet,
    &database_publicly_accessible::DatabasePubliclyAccessible,
    &private_bucket_without_vpc_endpoint_condition::PrivateBucketWithoutVpcEndpointCondition,
    &vpc_without_s3_endpoint::VpcWithoutS3Endpoint,
    &production_admin_access_from_outside::ProductionAdminAccessFromOutside,
    &management_host_in_workload_subnet::ManagementHostInWorkloadSubnet,
];
