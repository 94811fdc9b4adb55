//! CT-008 `trail-bucket-without-versioning-or-object-lock`: deleted trail logs are gone.

use rampart_model::storage::VersioningStatus;

use super::trail_buckets::judge_trail_buckets;
use crate::prelude::*;

/// The trail bucket has neither versioning nor object lock, so logs can be deleted or
/// overwritten for good.
pub struct TrailBucketWithoutVersioningOrObjectLock;

static META: CheckMeta = CheckMeta {
    code: "CT-008",
    name: "trail-bucket-without-versioning-or-object-lock",
    title: "The CloudTrail bucket has neither versioning nor object lock",
    severity: Severity::Medium,
    controls: &["LOG-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::CLOUDTRAIL,
        data::S3_BUCKET_VERSIONING,
        data::S3_BUCKET_OBJECT_LOCK,
    ],
    rationale: "An intruder who reaches the trail bucket will try to delete the log files that \
                describe what they did. Versioning keeps the deleted or overwritten versions \
                recoverable; object lock (best in compliance mode) makes them impossible to \
                delete before the retention date, even for administrators.",
    remediation: RemediationText {
        text: "Enable versioning on the trail bucket, and for strong guarantees create the log \
               bucket with object lock and a default retention in compliance mode.",
        cli: Some(
            "aws s3api put-bucket-versioning --bucket <trail-bucket> --versioning-configuration Status=Enabled\naws s3api put-object-lock-configuration --bucket <trail-bucket> --object-lock-configuration '{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"COMPLIANCE\",\"Days\":365}}}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_versioning\" \"trail\" {\n  bucket = aws_s3_bucket.trail.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for TrailBucketWithoutVersioningOrObjectLock {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        judge_trail_buckets(ctx, out, |_, bucket, trails, at, out| {
            let name = &bucket.meta.name;
            let locked = bucket.object_lock.as_ref().is_some_and(|l| l.enabled);
            let versioned = bucket.versioning == VersioningStatus::Enabled;
            if locked || versioned {
                let how = if locked { "object lock" } else { "versioning" };
                out.pass(
                    at,
                    format!(
                        "trail bucket `{name}` (trail `{trails}`) keeps deleted logs with {how}"
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!("trail bucket `{name}` (trail `{trails}`) has neither versioning nor object lock"),
                )
                .with("versioning", json!(bucket.versioning))
                .with("object_lock", json!(bucket.object_lock));
            }
        });
    }
}
