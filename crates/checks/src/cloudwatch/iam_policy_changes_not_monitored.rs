//! CW-004 `iam-policy-changes-not-monitored`: IAM policy changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for IAM policy changes: no filter on a multi-region trail's log group
/// matches them and feeds an alarm that notifies someone.
pub struct IamPolicyChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-004",
    name: "iam-policy-changes-not-monitored",
    title: "No metric filter and alarm for IAM policy changes",
    severity: Severity::Medium,
    controls: &["LOG-6", "GOV-2"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.4"), cis6("5.4"), fsbp("CloudWatch.4")],
    needs: super::security_events::NEEDS,
    rationale: "Attaching a policy or writing a new policy version is how an intruder turns a \
                foothold into administrator access, and how a rushed change opens more than \
                intended. Alerting on every change to identity policies lets someone confirm each \
                one was planned. rampart credits a filter only if its pattern matches sample \
                CloudTrail records of these events (and not routine activity), it sits on the log \
                group of a multi-region, logging trail, and an alarm on its metric notifies \
                someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               IAM policy changes on that group, and an alarm on its metric that notifies an SNS \
               topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name IAMPolicyChanges --metric-transformations metricName=IAMPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }'\naws cloudwatch put-metric-alarm --alarm-name IAMPolicyChanges --namespace CISBenchmark --metric-name IAMPolicyChanges --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"iampolicychanges\" {\n  name           = \"IAMPolicyChanges\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }\"\n  metric_transformation {\n    name      = \"IAMPolicyChanges\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"iampolicychanges\" {\n  alarm_name          = \"IAMPolicyChanges\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"IAMPolicyChanges\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "IAM policy changes",
    global: true,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "iam.amazonaws.com",
        &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "ListPolicies (read-only)".to_owned(),
        with(
            api_call("iam.amazonaws.com", "ListPolicies"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for IamPolicyChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
