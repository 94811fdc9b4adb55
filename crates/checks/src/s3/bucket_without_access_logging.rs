//! S3-004 `bucket-without-access-logging`: requests to the bucket are not recorded.

use crate::prelude::*;
use crate::s3::facts;

/// The bucket has no server access logging (log destination buckets are exempt).
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
                whom. Buckets that themselves receive access or trail logs are exempt: logging \
                them into themselves would loop.",
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
        let destinations = facts::log_destinations(ctx);
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
                    None if destinations.contains(name) => {
                        out.pass(
                            at,
                            format!(
                                "bucket `{name}` receives logs and is exempt from logging itself"
                            ),
                        );
                    }
                    None => {
                        out.fail(at, format!("bucket `{name}` has no server access logging"))
                            .with("logging", json!(null));
                    }
                }
            }
        }
    }
}
