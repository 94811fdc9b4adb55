//! Checks of CloudWatch metric filters and alarms: the CIS security-event alarms (LOG-6) and
//! alarms that reach nobody (LOG-7).

use crate::check::Check;

pub(crate) mod filter_pattern;
mod reach;
pub(crate) mod security_events;

mod alarm_without_reachable_action;
mod cloudtrail_changes_not_monitored;
mod cmk_disable_or_deletion_not_monitored;
mod config_changes_not_monitored;
mod console_authentication_failures_not_monitored;
mod console_sign_in_without_mfa_not_monitored;
mod iam_policy_changes_not_monitored;
mod nacl_changes_not_monitored;
mod network_gateway_changes_not_monitored;
mod organizations_changes_not_monitored;
mod root_account_use_not_monitored;
mod route_table_changes_not_monitored;
mod s3_bucket_policy_changes_not_monitored;
mod security_group_changes_not_monitored;
mod unauthorized_api_calls_not_monitored;
mod vpc_changes_not_monitored;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &unauthorized_api_calls_not_monitored::UnauthorizedApiCallsNotMonitored,
    &console_sign_in_without_mfa_not_monitored::ConsoleSignInWithoutMfaNotMonitored,
    &root_account_use_not_monitored::RootAccountUseNotMonitored,
    &iam_policy_changes_not_monitored::IamPolicyChangesNotMonitored,
    &cloudtrail_changes_not_monitored::CloudtrailChangesNotMonitored,
    &console_authentication_failures_not_monitored::ConsoleAuthenticationFailuresNotMonitored,
    &cmk_disable_or_deletion_not_monitored::CmkDisableOrDeletionNotMonitored,
    &s3_bucket_policy_changes_not_monitored::S3BucketPolicyChangesNotMonitored,
    &config_changes_not_monitored::ConfigChangesNotMonitored,
    &security_group_changes_not_monitored::SecurityGroupChangesNotMonitored,
    &nacl_changes_not_monitored::NaclChangesNotMonitored,
    &network_gateway_changes_not_monitored::NetworkGatewayChangesNotMonitored,
    &route_table_changes_not_monitored::RouteTableChangesNotMonitored,
    &vpc_changes_not_monitored::VpcChangesNotMonitored,
    &organizations_changes_not_monitored::OrganizationsChangesNotMonitored,
    &alarm_without_reachable_action::AlarmWithoutReachableAction,
];
