//! LOGS-002 `trail-log-group-retention-too-short`: CloudTrail events leave CloudWatch Logs before
//! the retention period.

use crate::cloudwatch::security_events::log_group_of;
use crate::prelude::*;

/// A log group that receives a CloudTrail trail keeps events for less than
/// `thresholds.log_retention_min_days`.
pub struct TrailLogGroupRetentionTooShort;

static META: CheckMeta = CheckMeta {
    code: "LOGS-002",
    name: "trail-log-group-retention-too-short",
    title: "CloudTrail log group keeps events for less than the retention period",
    severity: Severity::Low,
    controls: &["LOG-8", "LOG-4"],
    inputs: Input::LSTC,
    compliance: &[fsbp("CloudWatch.16")],
    needs: &[data::LOGS_GROUPS, data::CLOUDTRAIL],
    rationale: "The log group a trail delivers to is where investigators query recent activity \
                and where the security metric filters run. If it expires events after a few days \
                or weeks, an intrusion found later can no longer be searched there, and the \
                trail bucket becomes the only copy. A year of retention is the common baseline.",
    remediation: RemediationText {
        text: "Raise the log group's retention to at least the retention period (365 days by \
               default; `thresholds.log_retention_min_days` in rampart.toml).",
        cli: Some(
            "aws logs put-retention-policy --log-group-name <trail-log-group> --retention-in-days 365",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_group\" \"cloudtrail\" {\n  name              = \"cloudtrail/org\"\n  retention_in_days = 365\n}",
        ),
    },
    manual: false,
};

impl Check for TrailLogGroupRetentionTooShort {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let min = ctx.config.thresholds.log_retention_min_days;
        for (account, region, group) in ctx.each(|r| &r.log_groups) {
            let trails: Vec<&str> = account
                .regions
                .iter()
                .flat_map(|r| r.trails.iter().map(move |t| (r, t)))
                .filter(|(r, t)| {
                    t.log_group_arn
                        .as_deref()
                        .and_then(|arn| log_group_of(arn, &r.name))
                        .is_some_and(|(gr, name)| gr == region.name && name == group.meta.name)
                })
                .map(|(_, t)| t.meta.name.as_str())
                .collect();
            if trails.is_empty() {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &group.meta);
            let name = &group.meta.name;
            let trails = trails.join("`, `");
            match group.retention_days {
                Some(days) if days < min => {
                    out.fail(
                        at,
                        format!("log group `{name}` of trail `{trails}` keeps events for {days} days, less than {min}"),
                    )
                    .with("retention_days", json!(days))
                    .with("retention_min_days", json!(min));
                }
                Some(days) => {
                    out.pass(
                        at,
                        format!(
                            "log group `{name}` of trail `{trails}` keeps events for {days} days"
                        ),
                    );
                }
                None => {
                    out.pass(
                        at,
                        format!("log group `{name}` of trail `{trails}` never expires its events"),
                    );
                }
            }
        }
    }
}
