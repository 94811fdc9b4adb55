//! CT-009 `trail-bucket-without-access-logging`: nobody knows who read the audit logs.

use super::trail_buckets::judge_trail_buckets;
use crate::prelude::*;

/// The trail bucket does not record S3 server access logs.
pub struct TrailBucketWithoutAccessLogging;

static META: CheckMeta = CheckMeta {
    code: "CT-009",
    name: "trail-bucket-without-access-logging",
    title: "The CloudTrail bucket has no server access logging",
    severity: Severity::Low,
    controls: &["LOG-4", "LOG-10"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.4"), cis6("4.4"), fsbp("CloudTrail.7")],
    needs: &[data::CLOUDTRAIL, data::S3_BUCKET_LOGGING],
    rationale: "Reading the trail logs tells an attacker what the defenders can see, and deleting \
                them hides an intrusion. Server access logs on the trail bucket, delivered to a \
                separate bucket, record every request against the logs themselves, including \
                attempts that were denied.",
    remediation: RemediationText {
        text: "Enable server access logging on the trail bucket, delivering to a separate log \
               bucket that the trail's writers cannot modify.",
        cli: Some(
            "aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<access-log-bucket>\",\"TargetPrefix\":\"cloudtrail/\"}}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_logging\" \"trail\" {\n  bucket        = aws_s3_bucket.trail.id\n  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = \"cloudtrail/\"\n}",
        ),
    },
    manual: false,
};

impl Check for TrailBucketWithoutAccessLogging {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        judge_trail_buckets(ctx, out, |_, bucket, trails, at, out| {
            let name = &bucket.meta.name;
            match &bucket.logging {
                Some(l) if l.target_bucket != *name => {
                    out.pass(
                        at,
                        format!(
                            "trail bucket `{name}` (trail `{trails}`) logs access to `{}`",
                            l.target_bucket
                        ),
                    );
                }
                Some(_) => {
                    out.fail(
                        at,
                        format!("trail bucket `{name}` (trail `{trails}`) logs access into itself"),
                    )
                    .with("logging", json!(bucket.logging));
                }
                None => {
                    out.fail(
                        at,
                        format!(
                            "trail bucket `{name}` (trail `{trails}`) has no server access logging"
                        ),
                    )
                    .with("logging", json!(null));
                }
            }
        });
    }
}
