//! CT-012 `trail-without-cloudwatch-logs`: a trail's events cannot be searched or alarmed on.

use crate::prelude::*;

/// The trail does not deliver to a CloudWatch Logs log group.
pub struct TrailWithoutCloudwatchLogs;

static META: CheckMeta = CheckMeta {
    code: "CT-012",
    name: "trail-without-cloudwatch-logs",
    title: "CloudTrail trail does not deliver to CloudWatch Logs",
    severity: Severity::Low,
    controls: &["LOG-6"],
    inputs: Input::LSTC,
    compliance: &[fsbp("CloudTrail.5")],
    needs: &[data::CLOUDTRAIL],
    rationale: "Log files in S3 are an archive: nothing reacts to them as they arrive. Sending \
                the trail to a CloudWatch Logs log group is what lets metric filters and alarms \
                fire within minutes of a root login or a stopped trail, and lets responders \
                query recent activity without downloading files. The security-event checks \
                (CW-001 to CW-015) can only credit filters on such a log group.",
    remediation: RemediationText {
        text: "Create a log group with a retention period and an IAM role CloudTrail can assume \
               to write to it, and set both on the trail.",
        cli: Some(
            "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn arn:aws:logs:<region>:<account-id>:log-group:cloudtrail/<trail>:* --cloud-watch-logs-role-arn arn:aws:iam::<account-id>:role/cloudtrail-to-logs",
        ),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  cloud_watch_logs_group_arn = \"${aws_cloudwatch_log_group.cloudtrail.arn}:*\"\n  cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail_to_logs.arn\n}",
        ),
    },
    manual: false,
};

impl Check for TrailWithoutCloudwatchLogs {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, trail) in ctx.each(|r| &r.trails) {
            let at = At::meta(&account.id, Some(&region.name), &trail.meta);
            match trail.log_group_arn.as_deref().filter(|a| !a.is_empty()) {
                Some(group) => {
                    out.pass(
                        at,
                        format!(
                            "trail `{}` delivers to log group `{group}`",
                            trail.meta.name
                        ),
                    );
                }
                None => {
                    out.fail(
                        at,
                        format!(
                            "trail `{}` does not deliver to CloudWatch Logs",
                            trail.meta.name
                        ),
                    )
                    .with("log_group_arn", json!(null));
                }
            }
        }
    }
}
