//! LOGS-003 `log-group-retention-too-short`: a log group expires its events before the minimum
//! retention period.

use crate::prelude::*;

/// A CloudWatch Logs log group whose retention is shorter than
/// `thresholds.log_retention_min_days` (365 days by default). A group that never expires keeps
/// its events long enough (LOGS-001 judges that choice).
pub struct LogGroupRetentionTooShort;

static META: CheckMeta = CheckMeta {
    code: "LOGS-003",
    name: "log-group-retention-too-short",
    title: "CloudWatch log group keeps events for less than the minimum retention period",
    severity: Severity::Low,
    controls: &["LOG-8"],
    inputs: Input::LSTC,
    // Security Hub CloudWatch.16: log groups retained for at least a minimum period (365 days by
    // default); a group set to never expire passes that control.
    compliance: &[fsbp("CloudWatch.16")],
    needs: &[data::LOGS_GROUPS],
    rationale: "Events that expire before an incident is noticed cannot be searched when it is: \
                breaches are typically found months after they start, and audits ask for a year \
                of logs. A minimum retention per account (365 days unless the configuration \
                says otherwise) keeps every log group long enough, whatever its owner chose.",
    remediation: RemediationText {
        text: "Raise the log group's retention to at least the minimum (365 days by default; \
               `thresholds.log_retention_min_days` in rampart.toml), or export older events to S3 \
               with a lifecycle rule if CloudWatch storage is too costly.",
        cli: Some(
            "aws logs put-retention-policy --log-group-name <log-group> --retention-in-days 365",
        ),
        terraform: Some(
            "resource \"aws_cloudwatch_log_group\" \"this\" {\n  name              = \"/app/orders\"\n  retention_in_days = 365\n}",
        ),
    },
    manual: false,
};

impl Check for LogGroupRetentionTooShort {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let min = ctx.config.thresholds.log_retention_min_days;
        for (account, region, group) in ctx.each(|r| &r.log_groups) {
            let at = At::meta(&account.id, Some(&region.name), &group.meta);
            let name = &group.meta.name;
            match group.retention_days {
                Some(days) if days < min => {
                    out.fail(
                        at,
                        format!(
                            "log group `{name}` keeps events for {days} days, less than the minimum of {min}"
                        ),
                    )
                    .with("retention_days", json!(days))
                    .with("minimum_days", json!(min));
                }
                Some(days) => {
                    out.pass(
                        at,
                        format!("log group `{name}` keeps events for {days} days (minimum {min})"),
                    );
                }
                None => {
                    out.pass(at, format!("log group `{name}` never expires its events"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::LogGroupRetentionTooShort;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run, statuses};

    fn groups() -> serde_json::Value {
        inventory(
            json!({}),
            Some(json!({ "log_groups": [
                {"meta": {"arn": "arn:aws:logs:us-east-1:111122223333:log-group:/a", "name": "/a"}, "retention_days": 30},
                {"meta": {"arn": "arn:aws:logs:us-east-1:111122223333:log-group:/b", "name": "/b"}, "retention_days": 365},
                {"meta": {"arn": "arn:aws:logs:us-east-1:111122223333:log-group:/c", "name": "/c"}}
            ]})),
        )
    }

    #[test]
    fn below_the_default_minimum_fails_at_or_above_or_never_expiring_passes() {
        let out = run(&LogGroupRetentionTooShort, groups(), &Config::default());
        assert_eq!(
            statuses(&out),
            vec![Status::Fail, Status::Pass, Status::Pass]
        );
        assert_eq!(
            out[0].resource,
            "arn:aws:logs:us-east-1:111122223333:log-group:/a"
        );
    }

    #[test]
    fn the_minimum_comes_from_the_configuration() {
        let mut config = Config::default();
        config.thresholds.log_retention_min_days = 14;
        let out = run(&LogGroupRetentionTooShort, groups(), &config);
        assert_eq!(
            statuses(&out),
            vec![Status::Pass, Status::Pass, Status::Pass]
        );
        config.thresholds.log_retention_min_days = 400;
        let out = run(&LogGroupRetentionTooShort, groups(), &config);
        assert_eq!(
            statuses(&out),
            vec![Status::Fail, Status::Fail, Status::Pass]
        );
    }
}
