//! CW-009 `config-changes-not-monitored`: AWS Config configuration changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for AWS Config configuration changes: no filter on a multi-region
/// trail's log group matches them and feeds an alarm that notifies someone.
pub struct ConfigChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-009",
    name: "config-changes-not-monitored",
    title: "No metric filter and alarm for AWS Config configuration changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.9"), cis6("5.9"), fsbp("CloudWatch.9")],
    needs: super::security_events::NEEDS,
    rationale: "AWS Config records how resources change over time; stopping its recorder or moving \
                its delivery channel blinds that record. An alarm on these calls tells the team \
                that configuration history is about to have a hole in it. rampart credits a filter \
                only if its pattern matches sample CloudTrail records of these events (and not \
                routine activity), it sits on the log group of a multi-region, logging trail, and \
                an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               AWS Config configuration changes on that group, and an alarm on its metric that \
               notifies an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name AWSConfigChanges --metric-transformations metricName=AWSConfigChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }'\naws cloudwatch put-metric-alarm --alarm-name AWSConfigChanges --namespace CISBenchmark --metric-name AWSConfigChanges --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"awsconfigchanges\" {\n  name           = \"AWSConfigChanges\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }\"\n  metric_transformation {\n    name      = \"AWSConfigChanges\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"awsconfigchanges\" {\n  alarm_name          = \"AWSConfigChanges\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"AWSConfigChanges\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "AWS Config configuration changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "config.amazonaws.com",
        &[
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeConfigurationRecorders (read-only)".to_owned(),
        with(
            api_call("config.amazonaws.com", "DescribeConfigurationRecorders"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for ConfigChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
