//! CW-007 `cmk-disable-or-deletion-not-monitored`: disabling or scheduled deletion of KMS keys raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for disabling or scheduled deletion of KMS keys: no filter on a
/// multi-region trail's log group matches them and feeds an alarm that notifies someone.
pub struct CmkDisableOrDeletionNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-007",
    name: "cmk-disable-or-deletion-not-monitored",
    title: "No metric filter and alarm for disabling or scheduled deletion of KMS keys",
    severity: Severity::Medium,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.7"), cis6("5.7"), fsbp("CloudWatch.7")],
    needs: super::security_events::NEEDS,
    rationale: "Data encrypted under a key that is deleted is gone for good, and a disabled key \
                stops every service that depends on it. Scheduled deletion waits 7 to 30 days, so \
                an alarm raised when it is requested leaves time to cancel it. rampart credits a \
                filter only if its pattern matches sample CloudTrail records of these events (and \
                not routine activity), it sits on the log group of a multi-region, logging trail, \
                and an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               disabling or scheduled deletion of KMS keys on that group, and an alarm on its \
               metric that notifies an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name DisableOrDeleteCMK --metric-transformations metricName=DisableOrDeleteCMK,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }'\naws cloudwatch put-metric-alarm --alarm-name DisableOrDeleteCMK --namespace CISBenchmark --metric-name DisableOrDeleteCMK --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"disableordeletecmk\" {\n  name           = \"DisableOrDeleteCMK\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }\"\n  metric_transformation {\n    name      = \"DisableOrDeleteCMK\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"disableordeletecmk\" {\n  alarm_name          = \"DisableOrDeleteCMK\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"DisableOrDeleteCMK\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "disabling or scheduled deletion of KMS keys",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls("kms.amazonaws.com", &["DisableKey", "ScheduleKeyDeletion"])
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "Decrypt (read-only)".to_owned(),
        with(
            api_call("kms.amazonaws.com", "Decrypt"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for CmkDisableOrDeletionNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
