//! S3-006 `backup-bucket-without-lifecycle`: backups pile up in hot storage, old versions forever.

use rampart_model::storage::VersioningStatus;

use crate::prelude::*;
use crate::s3::facts;

/// A backup bucket without an enabled lifecycle rule that transitions backups to colder storage
/// and (when versioned) expires noncurrent versions.
pub struct BackupBucketWithoutLifecycle;

static META: CheckMeta = CheckMeta {
    code: "S3-006",
    name: "backup-bucket-without-lifecycle",
    title: "Backup bucket has no lifecycle rules for transition and old versions",
    severity: Severity::Low,
    controls: &["DATA-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.13"), fsbp("S3.10")],
    needs: &[
        data::S3_BUCKETS,
        data::S3_BUCKET_LIFECYCLE,
        data::S3_BUCKET_VERSIONING,
        data::S3_BUCKET_TAGS,
    ],
    rationale: "Backups are written once and rarely read: kept in S3 Standard they cost several \
                times what Glacier classes cost, and in a versioned bucket every overwritten \
                backup stays forever as a noncurrent version. Cost pressure then leads to \
                someone deleting backups by hand. A lifecycle rule that moves backups to cold \
                storage and expires noncurrent versions after the retention period keeps \
                retention deliberate.",
    remediation: RemediationText {
        text: "Add an enabled lifecycle rule that transitions backups to Glacier Instant \
               Retrieval or Deep Archive and expires noncurrent versions after the retention \
               period.",
        cli: Some(
            "aws s3api put-bucket-lifecycle-configuration --bucket <backup-bucket> --lifecycle-configuration '{\"Rules\":[{\"ID\":\"backups\",\"Status\":\"Enabled\",\"Filter\":{},\"Transitions\":[{\"Days\":30,\"StorageClass\":\"GLACIER\"}],\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":90}}]}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_lifecycle_configuration\" \"backups\" {\n  bucket = aws_s3_bucket.backups.id\n  rule {\n    id     = \"backups\"\n    status = \"Enabled\"\n    filter {}\n    transition {\n      days          = 30\n      storage_class = \"GLACIER\"\n    }\n    noncurrent_version_expiration {\n      noncurrent_days = 90\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BackupBucketWithoutLifecycle {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                let Some(why) = facts::backup_reason(bucket) else {
                    continue;
                };
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let name = &bucket.meta.name;
                let rules: Vec<_> = bucket
                    .lifecycle_rules
                    .iter()
                    .filter(|r| r.enabled)
                    .collect();
                let transitions = rules
                    .iter()
                    .any(|r| !r.transitions.is_empty() || !r.noncurrent_transitions.is_empty());
                let versioned = bucket.versioning != VersioningStatus::Disabled;
                let noncurrent_expiry =
                    rules.iter().any(|r| r.noncurrent_expiration_days.is_some());
                let mut missing = Vec::new();
                if !transitions {
                    missing.push("no transition to colder storage");
                }
                if versioned && !noncurrent_expiry {
                    missing.push("no expiry of noncurrent versions");
                }
                if missing.is_empty() {
                    out.pass(at, format!("backup bucket `{name}` has lifecycle rules for transition and old versions"));
                } else {
                    out.fail(
                        at,
                        format!(
                            "backup bucket `{name}` ({why}) has {}",
                            missing.join(" and ")
                        ),
                    )
                    .with("lifecycle_rules", json!(bucket.lifecycle_rules))
                    .with("versioning", json!(bucket.versioning));
                }
            }
        }
    }
}
