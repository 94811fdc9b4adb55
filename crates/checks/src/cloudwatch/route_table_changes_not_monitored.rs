//! CW-013 `route-table-changes-not-monitored`: route table changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for route table changes: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct RouteTableChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-013",
    name: "route-table-changes-not-monitored",
    title: "No metric filter and alarm for route table changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.13"), cis6("5.13"), fsbp("CloudWatch.13")],
    needs: super::security_events::NEEDS,
    rationale: "Routes decide where traffic goes: one added route can send a private subnet's \
                traffic through an internet gateway or an inspection-bypassing path. Alerting on \
                route table changes catches these before they are relied upon. rampart credits a \
                filter only if its pattern matches sample CloudTrail records of these events (and \
                not routine activity), it sits on the log group of a multi-region, logging trail, \
                and an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               route table changes on that group, and an alarm on its metric that notifies an SNS \
               topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name RouteTableChanges --metric-transformations metricName=RouteTableChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }'\naws cloudwatch put-metric-alarm --alarm-name RouteTableChanges --namespace CISBenchmark --metric-name RouteTableChanges --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"routetablechanges\" {\n  name           = \"RouteTableChanges\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }\"\n  metric_transformation {\n    name      = \"RouteTableChanges\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"routetablechanges\" {\n  alarm_name          = \"RouteTableChanges\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"RouteTableChanges\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "route table changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "ec2.amazonaws.com",
        &[
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeRouteTables (read-only)".to_owned(),
        with(
            api_call("ec2.amazonaws.com", "DescribeRouteTables"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for RouteTableChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
