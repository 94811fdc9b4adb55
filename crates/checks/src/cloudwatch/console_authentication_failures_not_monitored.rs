//! CW-006 `console-authentication-failures-not-monitored`: console authentication failures raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for console authentication failures: no filter on a multi-region
/// trail's log group matches them and feeds an alarm that notifies someone.
pub struct ConsoleAuthenticationFailuresNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-006",
    name: "console-authentication-failures-not-monitored",
    title: "No metric filter and alarm for console authentication failures",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.6"), cis6("5.6"), fsbp("CloudWatch.6")],
    needs: super::security_events::NEEDS,
    rationale: "Repeated failed console sign-ins are the trace of password guessing or credential \
                stuffing against IAM users. Counting them in a metric with an alarm shows an \
                attack in progress and the accounts it targets. rampart credits a filter only if \
                its pattern matches sample CloudTrail records of these events (and not routine \
                activity), it sits on the log group of a multi-region, logging trail, and an alarm \
                on its metric notifies someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               console authentication failures on that group, and an alarm on its metric that \
               notifies an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name ConsoleSigninFailures --metric-transformations metricName=ConsoleSigninFailures,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }'\naws cloudwatch put-metric-alarm --alarm-name ConsoleSigninFailures --namespace CISBenchmark --metric-name ConsoleSigninFailures --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"consolesigninfailures\" {\n  name           = \"ConsoleSigninFailures\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventName = ConsoleLogin) && ($.errorMessage = \\\"Failed authentication\\\") }\"\n  metric_transformation {\n    name      = \"ConsoleSigninFailures\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"consolesigninfailures\" {\n  alarm_name          = \"ConsoleSigninFailures\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"ConsoleSigninFailures\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "console authentication failures",
    global: true,
    samples,
    unrelated,
};

fn console_login(user_type: &str, mfa: &str, success: bool) -> Value {
    let mut e = api_call("signin.amazonaws.com", "ConsoleLogin");
    e = with(e, "eventType", json!("AwsConsoleSignIn"));
    e = with(e, "userIdentity.type", json!(user_type));
    e = with(
        e,
        "additionalEventData",
        json!({"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa}),
    );
    if success {
        with(e, "responseElements", json!({"ConsoleLogin": "Success"}))
    } else {
        let e = with(e, "responseElements", json!({"ConsoleLogin": "Failure"}));
        with(e, "errorMessage", json!("Failed authentication"))
    }
}

fn samples() -> Vec<(String, Value)> {
    vec![(
        "failed ConsoleLogin".to_owned(),
        console_login("IAMUser", "No", false),
    )]
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "successful ConsoleLogin".to_owned(),
        console_login("IAMUser", "Yes", true),
    ));
    v
}

impl Check for ConsoleAuthenticationFailuresNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
