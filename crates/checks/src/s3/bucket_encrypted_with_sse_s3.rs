//! S3-002 `bucket-encrypted-with-sse-s3`: objects are encrypted with S3-managed keys, not KMS.

use crate::prelude::*;
use crate::s3::facts;

/// Default encryption is SSE-S3 (`AES256`) rather than SSE-KMS.
pub struct BucketEncryptedWithSseS3;

static META: CheckMeta = CheckMeta {
    code: "S3-002",
    name: "bucket-encrypted-with-sse-s3",
    title: "S3 bucket uses SSE-S3 rather than SSE-KMS",
    severity: Severity::Low,
    controls: &["ENC-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.17")],
    needs: &[data::S3_BUCKET_ENCRYPTION],
    rationale: "SSE-S3 protects against stolen disks, not against people: anyone allowed to read \
                an object gets it decrypted. With SSE-KMS, reading also needs kms:Decrypt on a \
                key whose policy is a second, independent gate, every decryption is logged in \
                CloudTrail, and disabling the key cuts off access to all the data at once. Buckets \
                that receive S3 server access logs are exempt: log delivery supports only SSE-S3 \
                there.",
    remediation: RemediationText {
        text: "Switch the bucket's default encryption to SSE-KMS with a customer managed key and \
               enable S3 Bucket Keys to keep KMS costs low; existing objects keep their old \
               encryption until rewritten.",
        cli: Some(
            "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = aws_kms_key.s3.arn\n    }\n    bucket_key_enabled = true\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BucketEncryptedWithSseS3 {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let log_targets = facts::access_log_targets(ctx);
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                // A bucket without default encryption is S3-001's finding.
                let Some(e) = &bucket.encryption else {
                    continue;
                };
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                if log_targets.contains(&bucket.meta.name) && !e.algorithm.starts_with("aws:kms") {
                    out.pass(
                        at,
                        format!(
                            "bucket `{}` receives server access logs, which can only be delivered to SSE-S3 buckets",
                            bucket.meta.name
                        ),
                    );
                } else if e.algorithm.starts_with("aws:kms") {
                    let key = e
                        .kms_key_id
                        .as_deref()
                        .unwrap_or("the AWS managed key aws/s3");
                    out.pass(
                        at,
                        format!(
                            "bucket `{}` uses {} with `{key}`",
                            bucket.meta.name, e.algorithm
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "bucket `{}` uses {} (SSE-S3) rather than SSE-KMS",
                            bucket.meta.name, e.algorithm
                        ),
                    )
                    .with("algorithm", json!(e.algorithm));
                }
            }
        }
    }
}
