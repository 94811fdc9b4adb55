//! CW-014 `vpc-changes-not-monitored`: VPC changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for VPC changes: no filter on a multi-region trail's log group
/// matches them and feeds an alarm that notifies someone.
pub struct VpcChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-014",
    name: "vpc-changes-not-monitored",
    title: "No metric filter and alarm for VPC changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.14"), cis6("5.14"), fsbp("CloudWatch.14")],
    needs: super::security_events::NEEDS,
    rationale: "New VPCs and peering connections create network paths between environments that \
                were meant to be apart, such as staging and production. An alarm on VPC changes \
                makes each new path a reviewed decision. rampart credits a filter only if its \
                pattern matches sample CloudTrail records of these events (and not routine \
                activity), it sits on the log group of a multi-region, logging trail, and an alarm \
                on its metric notifies someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               VPC changes on that group, and an alarm on its metric that notifies an SNS topic \
               with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name VpcEventCount --metric-transformations metricName=VpcEventCount,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink)) }'\naws cloudwatch put-metric-alarm --alarm-name VpcEventCount --namespace CISBenchmark --metric-name VpcEventCount --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"vpceventcount\" {\n  name           = \"VpcEventCount\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink)) }\"\n  metric_transformation {\n    name      = \"VpcEventCount\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"vpceventcount\" {\n  alarm_name          = \"VpcEventCount\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"VpcEventCount\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "VPC changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "ec2.amazonaws.com",
        &[
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "DescribeVpcs (read-only)".to_owned(),
        with(
            api_call("ec2.amazonaws.com", "DescribeVpcs"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for VpcChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
