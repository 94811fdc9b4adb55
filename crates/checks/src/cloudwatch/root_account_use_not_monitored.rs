//! CW-003 `root-account-use-not-monitored`: uses of the root user raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for use of the root user: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct RootAccountUseNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-003",
    name: "root-account-use-not-monitored",
    title: "No metric filter and alarm for use of the root user",
    severity: Severity::Medium,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.3"), cis6("5.3"), fsbp("CloudWatch.1")],
    needs: super::security_events::NEEDS,
    rationale: "The root user should almost never act: each use is either a rare, planned task or \
                someone holding the most powerful credential of the account. An alarm on root \
                activity turns a silent takeover into a page within minutes. rampart credits a \
                filter only if its pattern matches sample CloudTrail records of these events (and \
                not routine activity), it sits on the log group of a multi-region, logging trail, \
                and an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               uses of the root user on that group, and an alarm on its metric that notifies an \
               SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name RootAccountUsage --metric-transformations metricName=RootAccountUsage,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }'\naws cloudwatch put-metric-alarm --alarm-name RootAccountUsage --namespace CISBenchmark --metric-name RootAccountUsage --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"rootaccountusage\" {\n  name           = \"RootAccountUsage\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ $.userIdentity.type = \\\"Root\\\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \\\"AwsServiceEvent\\\" }\"\n  metric_transformation {\n    name      = \"RootAccountUsage\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"rootaccountusage\" {\n  alarm_name          = \"RootAccountUsage\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"RootAccountUsage\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "uses of the root user",
    global: true,
    samples,
    unrelated,
};

fn as_root(e: Value) -> Value {
    with(
        e,
        "userIdentity",
        json!({"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"}),
    )
}

fn samples() -> Vec<(String, Value)> {
    vec![
        (
            "iam:CreateAccessKey by root".to_owned(),
            as_root(api_call("iam.amazonaws.com", "CreateAccessKey")),
        ),
        (
            "ConsoleLogin by root".to_owned(),
            as_root(with(
                with(
                    api_call("signin.amazonaws.com", "ConsoleLogin"),
                    "eventType",
                    json!("AwsConsoleSignIn"),
                ),
                "responseElements",
                json!({"ConsoleLogin": "Success"}),
            )),
        ),
    ]
}

fn unrelated() -> Vec<(String, Value)> {
    routine_activity()
}

impl Check for RootAccountUseNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
