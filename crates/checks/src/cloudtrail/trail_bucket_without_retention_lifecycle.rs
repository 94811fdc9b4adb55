//! CT-010 `trail-bucket-without-retention-lifecycle`: trail logs are not kept for the retention
//! period by a lifecycle rule.

use super::trail_buckets::judge_trail_buckets;
use crate::prelude::*;

/// The trail bucket has no enabled lifecycle rule, or one that expires logs before the retention
/// period (`thresholds.log_retention_min_days`).
pub struct TrailBucketWithoutRetentionLifecycle;

static META: CheckMeta = CheckMeta {
    code: "CT-010",
    name: "trail-bucket-without-retention-lifecycle",
    title: "The CloudTrail bucket has no lifecycle keeping logs for the retention period",
    severity: Severity::Low,
    controls: &["LOG-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::CLOUDTRAIL, data::S3_BUCKET_LIFECYCLE],
    rationale: "Intrusions are often found months after they start, and regulations ask for a \
                year or more of audit logs. A lifecycle rule that expires logs sooner destroys \
                the evidence; no lifecycle at all leaves retention to chance and cost pressure \
                (someone will empty the bucket by hand). An explicit rule that keeps logs for the \
                retention period, moving them to colder storage, makes the policy real.",
    remediation: RemediationText {
        text: "Add a lifecycle rule that transitions trail logs to Glacier after 90 days and \
               expires them no sooner than the retention period (365 days by default; \
               `thresholds.log_retention_min_days` in rampart.toml).",
        cli: Some(
            "aws s3api put-bucket-lifecycle-configuration --bucket <trail-bucket> --lifecycle-configuration '{\"Rules\":[{\"ID\":\"retain-trail-logs\",\"Status\":\"Enabled\",\"Filter\":{},\"Transitions\":[{\"Days\":90,\"StorageClass\":\"GLACIER\"}],\"Expiration\":{\"Days\":400},\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":400}}]}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_lifecycle_configuration\" \"trail\" {\n  bucket = aws_s3_bucket.trail.id\n  rule {\n    id     = \"retain-trail-logs\"\n    status = \"Enabled\"\n    filter {}\n    transition {\n      days          = 90\n      storage_class = \"GLACIER\"\n    }\n    expiration {\n      days = 400\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for TrailBucketWithoutRetentionLifecycle {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let min = ctx.config.thresholds.log_retention_min_days;
        judge_trail_buckets(ctx, out, |_, bucket, trails, at, out| {
            let name = &bucket.meta.name;
            let enabled: Vec<_> = bucket
                .lifecycle_rules
                .iter()
                .filter(|r| r.enabled)
                .collect();
            let short: Vec<String> = enabled
                .iter()
                .filter_map(|r| {
                    r.expiration_days
                        .filter(|d| *d < min)
                        .map(|d| format!("`{}` expires logs after {d} days", r.id))
                })
                .collect();
            if enabled.is_empty() {
                out.fail(
                    at,
                    format!(
                        "trail bucket `{name}` (trail `{trails}`) has no enabled lifecycle rule: \
                         retention of the logs is not managed"
                    ),
                )
                .with("lifecycle_rules", json!(bucket.lifecycle_rules))
                .with("retention_min_days", json!(min));
            } else if !short.is_empty() {
                out.fail(
                    at,
                    format!(
                        "trail bucket `{name}` (trail `{trails}`) deletes logs before the {min}-day retention \
                         period: {}",
                        short.join("; ")
                    ),
                )
                .with("lifecycle_rules", json!(bucket.lifecycle_rules))
                .with("retention_min_days", json!(min));
            } else {
                out.pass(
                    at,
                    format!("trail bucket `{name}` (trail `{trails}`) keeps logs for at least {min} days under a lifecycle rule"),
                );
            }
        });
    }
}
