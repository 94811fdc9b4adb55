//! CW-012 `network-gateway-changes-not-monitored`: network gateway changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for network gateway changes: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct NetworkGatewayChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-012",
    name: "network-gateway-changes-not-monitored",
    title: "No metric filter and alarm for network gateway changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.12"), cis6("5.12"), fsbp("CloudWatch.12")],
    needs: super::security_events::NEEDS,
    rationale: "Attaching an internet gateway gives a private VPC a path to the internet, and a \
                new customer gateway links the VPC to a network outside it. Both change who can \
                reach what, so each should raise an alarm that someone checks. rampart credits a \
                filter only if its pattern matches sample CloudTrail records of these events (and \
                not routine activity), it sits on the log group of a multi-region, logging trail, \
                and an alarm on its metric notifies someone (an SNS topic with a confirmed \
                subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               network gateway changes on that group, and an alarm on its metric that notifies an \
               SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name GatewayEventCount --metric-transformations metricName=GatewayEventCount,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway)) }'\naws cloudwatch put-metric-alarm --alarm-name GatewayEventCount --namespace CISBenchmark --metric-name GatewayEventCount --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"gatewayeventcount\" {\n  name           = \"GatewayEventCount\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway)) }\"\n  metric_transformation {\n    name      = \"GatewayEventCount\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"gatewayeventcount\" {\n  alarm_name          = \"GatewayEventCount\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"GatewayEventCount\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "network gateway changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "ec2.amazonaws.com",
        &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeInternetGateways (read-only)".to_owned(),
        with(
            api_call("ec2.amazonaws.com", "DescribeInternetGateways"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for NetworkGatewayChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
