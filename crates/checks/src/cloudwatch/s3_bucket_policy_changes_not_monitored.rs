//! CW-008 `s3-bucket-policy-changes-not-monitored`: S3 bucket policy changes raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, calls, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for S3 bucket policy changes: no filter on a multi-region trail's log
/// group matches them and feeds an alarm that notifies someone.
pub struct S3BucketPolicyChangesNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-008",
    name: "s3-bucket-policy-changes-not-monitored",
    title: "No metric filter and alarm for S3 bucket policy changes",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.8"), cis6("5.8"), fsbp("CloudWatch.8")],
    needs: super::security_events::NEEDS,
    rationale: "One edited bucket policy or ACL can publish a bucket to the internet, and a \
                changed lifecycle or replication rule can quietly delete or copy data out. \
                Alerting on these changes shortens the time such an exposure goes unnoticed. \
                rampart credits a filter only if its pattern matches sample CloudTrail records of \
                these events (and not routine activity), it sits on the log group of a \
                multi-region, logging trail, and an alarm on its metric notifies someone (an SNS \
                topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               S3 bucket policy changes on that group, and an alarm on its metric that notifies an \
               SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name S3BucketPolicyChanges --metric-transformations metricName=S3BucketPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }'\naws cloudwatch put-metric-alarm --alarm-name S3BucketPolicyChanges --namespace CISBenchmark --metric-name S3BucketPolicyChanges --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"s3bucketpolicychanges\" {\n  name           = \"S3BucketPolicyChanges\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }\"\n  metric_transformation {\n    name      = \"S3BucketPolicyChanges\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"s3bucketpolicychanges\" {\n  alarm_name          = \"S3BucketPolicyChanges\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"S3BucketPolicyChanges\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "S3 bucket policy changes",
    global: false,
    samples,
    unrelated,
};

fn samples() -> Vec<(String, Value)> {
    calls(
        "s3.amazonaws.com",
        &[
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ],
    )
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "GetBucketPolicy (read-only)".to_owned(),
        with(
            api_call("s3.amazonaws.com", "GetBucketPolicy"),
            "readOnly",
            json!(true),
        ),
    ));
    v
}

impl Check for S3BucketPolicyChangesNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
