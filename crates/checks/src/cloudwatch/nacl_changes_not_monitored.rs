//! CW-011 `nacl-changes-not-monitored`: network ACL changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for network ACL changes: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct NaclChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-011",
    name: "nacl-changes-not-monitored",
    title: "No metric filter and alarm for network ACL changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.11"), cis6("5.11"), fsbp("CloudWatch.11")],
    needs: super::security_events::NEEDS,
    rationale: "Network ACLs are the subnet-level filter behind security groups; an entry replaced \
                or an ACL swapped can open whole subnets at once. Alerting on ACL changes keeps \
                this second layer from eroding unnoticed. rampart credits a filter only if its \
                pattern matches sample CloudTrail records of these events (and not routine \
                activity), it sits on the log group of a multi-region, logging trail, and an alarm \
                on its metric notifies someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               network ACL changes on that group, and an alarm on its metric that notifies an SNS \
               topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name NACLEventCount --metric-transformations metricName=NACLEventCount,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation)) }'\naws cloudwatch put-metric-alarm --alarm-name NACLEventCount --namespace CISBenchmark --metric-name NACLEventCount --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"nacleventcount\" {\n  name           = \"NACLEventCount\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation)) }\"\n  metric_transformation {\n    name      = \"NACLEventCount\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"nacleventcount\" {\n  alarm_name          = \"NACLEventCount\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"NACLEventCount\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "network ACL changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "ec2.amazonaws.com",
        &[
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeNetworkAcls (read-only)".to_owned(),
        with(
            api_call("ec2.amazonaws.com", "DescribeNetworkAcls"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for NaclChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
