//! CW-016 `alarm-without-reachable-action`: an alarm fires into the void.

use rampart_model::logging::Alarm;

use super::reach::{Reach, reach};

use crate::prelude::*;

/// An alarm whose actions are disabled, absent, or point at an SNS topic nobody has confirmed a
/// subscription to.
pub struct AlarmWithoutReachableAction;

static META: CheckMeta = CheckMeta {
    code: "CW-016",
    name: "alarm-without-reachable-action",
    title: "CloudWatch alarm notifies nobody",
    severity: Severity::Medium,
    controls: &["LOG-7"],
    inputs: Input::LSTC,
    compliance: &[fsbp("CloudWatch.15"), fsbp("CloudWatch.17")],
    needs: &[data::CLOUDWATCH_ALARMS, data::SNS],
    rationale: "An alarm only protects anyone if it reaches a person. Alarms with actions \
                disabled, with no alarm action, or that publish to an SNS topic whose only \
                subscriptions are still pending confirmation change state in the console and \
                nowhere else, so the security metric filters they watch give a false sense of \
                coverage.",
    remediation: RemediationText {
        text: "Give the alarm an enabled action that publishes to an SNS topic with at least one \
               confirmed subscription (an on-call e-mail, a chat webhook, an incident tool), or \
               to an Incident Manager response plan.",
        cli: Some(
            "aws cloudwatch enable-alarm-actions --alarm-names <alarm>\naws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint security-oncall@example.com\naws cloudwatch put-metric-alarm --alarm-name <alarm> ... --alarm-actions <topic-arn>",
        ),
        terraform: Some(
            "resource \"aws_sns_topic_subscription\" \"oncall\" {\n  topic_arn = aws_sns_topic.security_alerts.arn\n  protocol  = \"email\"\n  endpoint  = \"security-oncall@example.com\"\n}\n\nresource \"aws_cloudwatch_metric_alarm\" \"this\" {\n  # ...\n  actions_enabled = true\n  alarm_actions   = [aws_sns_topic.security_alerts.arn]\n}",
        ),
    },
    manual: false,
};

fn judge(ctx: &Context<'_>, account: &Account, region: &Region, alarm: &Alarm, out: &mut Sink) {
    let at = At::meta(&account.id, Some(&region.name), &alarm.meta);
    if !alarm.actions_enabled {
        out.fail(
            at,
            format!("alarm `{}` has its actions disabled", alarm.meta.name),
        )
        .with("actions_enabled", json!(false))
        .with("alarm_actions", json!(alarm.alarm_actions));
        return;
    }
    if alarm.alarm_actions.is_empty() {
        out.fail(
            at,
            format!("alarm `{}` has no alarm action", alarm.meta.name),
        )
        .with("alarm_actions", json!([]));
        return;
    }
    let reaches: Vec<Reach> = alarm
        .alarm_actions
        .iter()
        .map(|a| reach(ctx.inventory, a))
        .collect();
    let describe = |r: &Reach| match r {
        Reach::Person(s) | Reach::Nobody(s) | Reach::Unknown(s) => s.clone(),
    };
    let details: Vec<String> = reaches.iter().map(describe).collect();
    if let Some(Reach::Person(how)) = reaches.iter().find(|r| matches!(r, Reach::Person(_))) {
        out.pass(
            at,
            format!("alarm `{}` notifies someone: {how}", alarm.meta.name),
        )
        .with("alarm_actions", json!(details));
    } else if reaches.iter().any(|r| matches!(r, Reach::Unknown(_))) {
        out.not_assessed(
            at,
            format!(
                "whether alarm `{}` reaches anyone is unknown: {}",
                alarm.meta.name,
                details.join("; ")
            ),
        )
        .with("alarm_actions", json!(details));
    } else {
        out.fail(
            at,
            format!(
                "alarm `{}` notifies nobody: {}",
                alarm.meta.name,
                details.join("; ")
            ),
        )
        .with("alarm_actions", json!(details));
    }
}

impl Check for AlarmWithoutReachableAction {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            for alarm in &region.alarms {
                judge(ctx, account, region, alarm, out);
            }
        }
    }
}
