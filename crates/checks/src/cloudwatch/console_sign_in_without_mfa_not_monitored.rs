//! CW-002 `console-sign-in-without-mfa-not-monitored`: console sign-ins without MFA raise no alarm.

use serde_json::Value;

use super::security_events::{SecurityEvent, api_call, routine_activity, with};
use crate::prelude::*;

/// No metric filter and alarm for console sign-in without MFA: no filter on a multi-region trail's
/// log group matches them and feeds an alarm that notifies someone.
pub struct ConsoleSignInWithoutMfaNotMonitored;

static META: CheckMeta = CheckMeta {
    code: "CW-002",
    name: "console-sign-in-without-mfa-not-monitored",
    title: "No metric filter and alarm for console sign-in without MFA",
    severity: Severity::Medium,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[cis3("4.2"), cis6("5.2"), fsbp("CloudWatch.3")],
    needs: super::security_events::NEEDS,
    rationale: "A console session opened with a password alone is one phishing page away from an \
                attacker. Even where MFA is required by policy, a user without a device or a \
                policy gap lets such sign-ins through; an alarm on them finds the gap the day it \
                is used rather than at the next audit. rampart credits a filter only if its \
                pattern matches sample CloudTrail records of these events (and not routine \
                activity), it sits on the log group of a multi-region, logging trail, and an alarm \
                on its metric notifies someone (an SNS topic with a confirmed subscription).",
    remediation: RemediationText {
        text: "Send a multi-region trail to a CloudWatch Logs log group, add a metric filter for \
               console sign-ins without MFA on that group, and an alarm on its metric that \
               notifies an SNS topic with a confirmed subscriber.",
        cli: Some(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name ConsoleSigninWithoutMFA --metric-transformations metricName=ConsoleSigninWithoutMFA,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }'\naws cloudwatch put-metric-alarm --alarm-name ConsoleSigninWithoutMFA --namespace CISBenchmark --metric-name ConsoleSigninWithoutMFA --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_metric_filter\" \"consolesigninwithoutmfa\" {\n  name           = \"ConsoleSigninWithoutMFA\"\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n  pattern        = \"{ ($.eventName = \\\"ConsoleLogin\\\") && ($.additionalEventData.MFAUsed != \\\"Yes\\\") && ($.userIdentity.type = \\\"IAMUser\\\") && ($.responseElements.ConsoleLogin = \\\"Success\\\") }\"\n  metric_transformation {\n    name      = \"ConsoleSigninWithoutMFA\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"consolesigninwithoutmfa\" {\n  alarm_name          = \"ConsoleSigninWithoutMFA\"\n  namespace           = \"CISBenchmark\"\n  metric_name         = \"ConsoleSigninWithoutMFA\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

static EVENT: SecurityEvent = SecurityEvent {
    what: "console sign-ins without MFA",
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
        "ConsoleLogin by an IAM user without MFA".to_owned(),
        console_login("IAMUser", "No", true),
    )]
}

fn unrelated() -> Vec<(String, Value)> {
    let mut v = routine_activity();
    v.push((
        "ConsoleLogin with MFA".to_owned(),
        console_login("IAMUser", "Yes", true),
    ));
    v
}

impl Check for ConsoleSignInWithoutMfaNotMonitored {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        super::security_events::evaluate(ctx, out, &EVENT);
    }
}
