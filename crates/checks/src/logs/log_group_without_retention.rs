//! LOGS-001 `log-group-without-retention`: a log group keeps everything forever.

use crate::prelude::*;

/// A CloudWatch Logs log group whose events never expire.
pub struct LogGroupWithoutRetention;

static META: CheckMeta = CheckMeta {
    code: "LOGS-001",
    name: "log-group-without-retention",
    title: "CloudWatch log group never expires its events",
    severity: Severity::Low,
    controls: &["LOG-8"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::LOGS_GROUPS],
    rationale: "Without a retention period a log group keeps every event for ever: application \
                logs with personal data or tokens outlive any data-retention promise, and the \
                storage bill grows until someone deletes logs in bulk, often including the ones \
                an investigation needed. A deliberate retention per log group keeps what is \
                required for as long as it is required.",
    remediation: RemediationText {
        text: "Set a retention period on the log group that matches its purpose (for example 30 \
               to 90 days for debug logs, a year or more for audit and security logs); export \
               to S3 with a lifecycle for longer archives.",
        cli: Some(
            "aws logs put-retention-policy --log-group-name <log-group> --retention-in-days 365",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_group\" \"this\" {\n  name              = \"/app/orders\"\n  retention_in_days = 365\n}",
        ),
    },
    manual: false,
};

impl Check for LogGroupWithoutRetention {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, group) in ctx.each(|r| &r.log_groups) {
            let at = At::meta(&account.id, Some(&region.name), &group.meta);
            match group.retention_days {
                Some(days) => {
                    out.pass(
                        at,
                        format!(
                            "log group `{}` keeps events for {days} days",
                            group.meta.name
                        ),
                    );
                }
                None => {
                    out.fail(
                        at,
                        format!("log group `{}` never expires its events", group.meta.name),
                    )
                    .with("retention_days", json!(null));
                }
            }
        }
    }
}
