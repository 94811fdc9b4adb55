//! CW-015 `organizations-changes-not-monitored`: AWS Organizations changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for AWS Organizations changes: no filter on a multi-region trail's
/// log group matches them and feeds an alarm that notifies someone.
pub struct OrganizationsChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-015",
    name: "organizations-changes-not-monitored",
    title: "No metric filter and alarm for AWS Organizations changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.15"), cis6("5.15")],
    needs: super::security_events::NEEDS,
    rationale: "Changes to the organization detach accounts from guardrails, move them between \
                OUs, or edit the service control policies that bound every account. They are rare \
                and powerful, so each one should raise an alarm in the management account. rampart \
                credits a filter only if its pattern matches sample CloudTrail records of these \
                events (and not routine activity), it sits on the log group of a multi-region, \
                logging trail, and an alarm on its metric notifies someone (an SNS topic with a \
                confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               AWS Organizations changes on that group, and an alarm on its metric that notifies \
               an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name OrganizationsEvents --metric-transformations metricName=OrganizationsEvents,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }'\naws cloudwatch put-metric-alarm --alarm-name OrganizationsEvents --namespace CISBenchmark --metric-name OrganizationsEvents --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"organizationsevents\" {\n  name           = \"OrganizationsEvents\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }\"\n  metric_transformation {\n    name      = \"OrganizationsEvents\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"organizationsevents\" {\n  alarm_name          = \"OrganizationsEvents\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"OrganizationsEvents\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "AWS Organizations changes",
    global: true,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "organizations.amazonaws.com",
        &[
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "ListAccounts (read-only)".to_owned(),
        with(
            api_call("organizations.amazonaws.com", "ListAccounts"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for OrganizationsChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
