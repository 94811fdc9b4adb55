//! CW-001 `unauthorized-api-calls-not-monitored`: unauthorized API calls raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for unauthorized API calls: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct UnauthorizedApiCallsNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-001",
    name: "unauthorized-api-calls-not-monitored",
    title: "No metric filter and alarm for unauthorized API calls",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.1"), cis6("5.1"), fsbp("CloudWatch.2")],
    needs: super::security_events::NEEDS,
    rationale: "A burst of AccessDenied and UnauthorizedOperation errors is what credential misuse \
                looks like from the inside: an attacker holding a stolen key probes what it may \
                do, and a broken deployment fails the same way. Without a metric filter and an \
                alarm these errors sit unread in the trail. rampart credits a filter only if its \
                pattern matches sample CloudTrail records of these events (and not routine \
                activity), it sits on the log group of a multi-region, logging trail, and an alarm \
                on its metric notifies someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               unauthorized API calls on that group, and an alarm on its metric that notifies an \
               SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name UnauthorizedAPICalls --metric-transformations metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") && ($.sourceIPAddress != \"delivery.logs.amazonaws.com\") && ($.eventName != \"HeadBucket\") }'\naws cloudwatch put-metric-alarm --alarm-name UnauthorizedAPICalls --namespace CISBenchmark --metric-name UnauthorizedAPICalls --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"unauthorizedapicalls\" {\n  name           = \"UnauthorizedAPICalls\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.errorCode = \\\"*UnauthorizedOperation\\\") || ($.errorCode = \\\"AccessDenied*\\\") && ($.sourceIPAddress != \\\"delivery.logs.amazonaws.com\\\") && ($.eventName != \\\"HeadBucket\\\") }\"\n  metric_transformation {\n    name      = \"UnauthorizedAPICalls\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"unauthorizedapicalls\" {\n  alarm_name          = \"UnauthorizedAPICalls\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"UnauthorizedAPICalls\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "unauthorized API calls",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    vec![
        (
            "AccessDenied on s3:GetObject".to_owned(),
            with(
                with(
                    api_call("s3.amazonaws.com", "GetObject"),
                    "errorCode",
                    json!("AccessDenied"),
                ),
                "errorMessage",
                json!("Access Denied"),
            ),
        ),
        (
            "Client.UnauthorizedOperation on ec2:RunInstances".to_owned(),
            with(
                api_call("ec2.amazonaws.com", "RunInstances"),
                "errorCode",
                json!("Client.UnauthorizedOperation"),
            ),
        ),
    ]
}

fn unrelated() -> Vec<(String, Value)> {
    routine_activity()
}

impl Check for UnauthorizedApiCallsNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
