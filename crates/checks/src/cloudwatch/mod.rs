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

#[cfg(test)]
mod tests {
    use rampart_model::{Inventory, Status};

    use crate::{Config, Context, registry, run};

    /// Runs `code` on its passing fixture with the metric filter's pattern replaced.
    fn status_with_pattern(code: &str, pattern: &str) -> Vec<Status> {
        let path = format!("{}/fixtures/{code}/pass.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture");
        let mut inv: Inventory = serde_json::from_str(&text).expect("fixture json");
        let region = &mut inv.accounts[0].regions[0];
        region.metric_filters[0].pattern = pattern.to_owned();
        let config = Config::default();
        let now = inv.collected_at.expect("collected_at");
        let ctx = Context::new(&inv, &config, now);
        let check = registry::by_code(code).expect("check");
        run(&ctx, &[check])
            .findings
            .iter()
            .map(|f| f.status)
            .collect()
    }

    /// Filters are judged by what they match, not how they are written: older CIS variants,
    /// term patterns and `IS FALSE` tests are credited; gaps, catch-alls and regexes are not.
    #[test]
    fn pattern_variants_are_judged_by_what_they_match() {
        let cases: &[(&str, &str, Status)] = &[
            (
                "CW-001",
                r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
                Status::Pass,
            ),
            (
                "CW-001",
                r#"{ $.errorCode = "AccessDenied" }"#,
                Status::Fail,
            ),
            (
                "CW-002",
                r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
                Status::Pass,
            ),
            (
                "CW-002",
                r#"{ $.eventName = "ConsoleLogin" }"#,
                Status::Fail,
            ),
            (
                "CW-003",
                r#"{ $.userIdentity.type = "Root" }"#,
                Status::Pass,
            ),
            (
                "CW-004",
                "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
                Status::Pass,
            ),
            (
                "CW-004",
                "{($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)}",
                Status::Fail,
            ),
            (
                "CW-005",
                "{ $.eventSource = cloudtrail.amazonaws.com && $.readOnly IS FALSE }",
                Status::Pass,
            ),
            (
                "CW-006",
                r#"ConsoleLogin "Failed authentication""#,
                Status::Pass,
            ),
            (
                "CW-007",
                "{ $.eventSource = kms.amazonaws.com }",
                Status::Fail,
            ),
            (
                "CW-010",
                "{ $.eventSource = ec2.amazonaws.com }",
                Status::Fail,
            ),
            (
                "CW-010",
                "{ $.eventName = *SecurityGroup* && $.readOnly IS FALSE }",
                Status::Pass,
            ),
            ("CW-014", "{ $.eventName = %Vpc% }", Status::NotAssessed),
        ];
        for (code, pattern, want) in cases {
            let got = status_with_pattern(code, pattern);
            assert!(
                got.contains(want),
                "{code} with `{pattern}`: want {want:?}, got {got:?}"
            );
            if *want != Status::Pass {
                assert!(
                    !got.contains(&Status::Pass),
                    "{code} with `{pattern}`: {got:?}"
                );
            }
        }
    }
}
