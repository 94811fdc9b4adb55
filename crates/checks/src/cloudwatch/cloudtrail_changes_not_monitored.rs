//! CW-005 `cloudtrail-changes-not-monitored`: CloudTrail configuration changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for CloudTrail configuration changes: no filter on a multi-region
/// trail's log group matches them and feeds an alarm that notifies someone.
pub struct CloudtrailChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-005",
    name: "cloudtrail-changes-not-monitored",
    title: "No metric filter and alarm for CloudTrail configuration changes",
    severity: Severity::Medium,
    controls: &["LOG-6", "GOV-2"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.5"), cis6("5.5"), fsbp("CloudWatch.5")],
    needs: super::security_events::NEEDS,
    rationale: "Stopping or redirecting the trail is among the first moves of an attacker who \
                wants to act unseen. An alarm on trail changes is the last record they produce \
                before the audit log goes quiet, so it must reach someone at once. rampart credits \
                a filter only if its pattern matches sample CloudTrail records of these events \
                (and not routine activity), it sits on the log group of a multi-region, logging \
                trail, and an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               CloudTrail configuration changes on that group, and an alarm on its metric that \
               notifies an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name CloudTrailCfgChanges --metric-transformations metricName=CloudTrailCfgChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }'\naws cloudwatch put-metric-alarm --alarm-name CloudTrailCfgChanges --namespace CISBenchmark --metric-name CloudTrailCfgChanges --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"cloudtrailcfgchanges\" {\n  name           = \"CloudTrailCfgChanges\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }\"\n  metric_transformation {\n    name      = \"CloudTrailCfgChanges\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"cloudtrailcfgchanges\" {\n  alarm_name          = \"CloudTrailCfgChanges\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"CloudTrailCfgChanges\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "CloudTrail configuration changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "cloudtrail.amazonaws.com",
        &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeTrails (read-only)".to_owned(),
        with(
            api_call("cloudtrail.amazonaws.com", "DescribeTrails"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for CloudtrailChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
