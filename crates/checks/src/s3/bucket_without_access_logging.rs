//! S3-004 `bucket-without-access-logging`: requests to the bucket are not recorded.

use crate::prelude::*;
use crate::s3::facts;

/// The bucket has no server access logging (access-log destinations are exempt; trail buckets are
/// judged by CT-009).
pub struct BucketWithoutAccessLogging;

static META: CheckMeta = CheckMeta {
    code: "S3-004",
    name: "bucket-without-access-logging",
    title: "S3 bucket has no server access logging",
    severity: Severity::Low,
    controls: &["LOG-10"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.9")],
    needs: &[data::S3_BUCKET_LOGGING],
    rationale: "Server access logs record every request made to the bucket, including anonymous \
                and denied ones that CloudTrail data events may not cover, with the requester, \
                key, status and bytes sent. After a leak they show which objects left and to \
                whom. Buckets that receive access logs are exempt (logging them into themselves \
                would loop); CloudTrail buckets are judged by CT-009.",
    remediation: RemediationText {
        text: "Enable server access logging to a dedicated log bucket in the same region, with a \
               prefix per source bucket and a lifecycle rule on the log bucket.",
        cli: Some(
            "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<bucket>/\"}}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_logging\" \"this\" {\n  bucket        = aws_s3_bucket.this.id\n  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = \"${aws_s3_bucket.this.id}/\"\n}",
        ),
    },
    manual: false,
};

impl Check for BucketWithoutAccessLogging {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let access_log_targets = facts::access_log_targets(ctx);
        // Trail buckets are judged by CT-009, with the CIS mapping for that case.
        let trail_buckets: std::collections::BTreeSet<String> = ctx
            .each(|r| &r.trails)
            .filter_map(|(_, _, t)| t.s3_bucket.clone())
            .collect();
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let name = &bucket.meta.name;
                match &bucket.logging {
                    Some(l) => {
                        out.pass(
                            at,
                            format!("bucket `{name}` logs requests to `{}`", l.target_bucket),
                        );
                    }
                    None if access_log_targets.contains(name) => {
                        out.pass(
                            at,
                            format!(
                                "bucket `{name}` receives access logs and is exempt from logging itself"
                            ),
                        );
                    }
                    None if trail_buckets.contains(name) => {}
                    None => {
                        out.fail(at, format!("bucket `{name}` has no server access logging"))
                            .with("logging", json!(null));
                    }
                }
            }
        }
    }
}
