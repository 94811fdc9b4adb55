//! CW-010 `security-group-changes-not-monitored`: security group changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for security group changes: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct SecurityGroupChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-010",
    name: "security-group-changes-not-monitored",
    title: "No metric filter and alarm for security group changes",
    severity: Severity::Medium,
    controls: &["LOG-6", "GOV-2"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.10"), cis6("5.10"), fsbp("CloudWatch.10")],
    needs: super::security_events::NEEDS,
    rationale: "Security groups are the firewall in front of every instance and database. A rule \
                opened to the internet just for a minute is a classic way a database ends up \
                exposed; an alarm on security group changes gets each one looked at. rampart \
                credits a filter only if its pattern matches sample CloudTrail records of these \
                events (and not routine activity), it sits on the log group of a multi-region, \
                logging trail, and an alarm on its metric notifies someone (an SNS topic with a \
                confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               security group changes on that group, and an alarm on its metric that notifies an \
               SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name SecurityGroupEventCount --metric-transformations metricName=SecurityGroupEventCount,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup)) }'\naws cloudwatch put-metric-alarm --alarm-name SecurityGroupEventCount --namespace CISBenchmark --metric-name SecurityGroupEventCount --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"securitygroupeventcount\" {\n  name           = \"SecurityGroupEventCount\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup)) }\"\n  metric_transformation {\n    name      = \"SecurityGroupEventCount\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"securitygroupeventcount\" {\n  alarm_name          = \"SecurityGroupEventCount\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"SecurityGroupEventCount\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "security group changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "ec2.amazonaws.com",
        &[
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeSecurityGroups (read-only)".to_owned(),
        with(
            api_call("ec2.amazonaws.com", "DescribeSecurityGroups"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for SecurityGroupChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
