//! S3-001 `bucket-without-default-encryption`: new objects are not encrypted by default.

use crate::prelude::*;

/// The bucket has no default encryption configuration.
pub struct BucketWithoutDefaultEncryption;

static META: CheckMeta = CheckMeta {
    code: "S3-001",
    name: "bucket-without-default-encryption",
    title: "S3 bucket has no default encryption",
    severity: Severity::Medium,
    controls: &["ENC-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.4")],
    needs: &[data::S3_BUCKET_ENCRYPTION],
    rationale: "Default encryption makes every object written to the bucket encrypted at rest \
                without relying on each client to ask for it. AWS has applied SSE-S3 to new \
                buckets since 2023, so a bucket reported here is either old and unchanged, \
                declared in IaC without an encryption block, or had its configuration removed; \
                objects written without a header are then stored in the clear.",
    remediation: RemediationText {
        text: "Set default encryption on the bucket, preferably SSE-KMS with a customer managed \
               key and S3 Bucket Keys, and re-encrypt existing objects by copying them in place \
               (or with S3 Batch Operations).",
        cli: Some(
            "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = aws_kms_key.s3.arn\n    }\n    bucket_key_enabled = true\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BucketWithoutDefaultEncryption {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                match &bucket.encryption {
                    Some(e) => {
                        out.pass(
                            at,
                            format!(
                                "bucket `{}` encrypts new objects with {}",
                                bucket.meta.name, e.algorithm
                            ),
                        );
                    }
                    None => {
                        out.fail(
                            at,
                            format!("bucket `{}` has no default encryption", bucket.meta.name),
                        )
                        .with("encryption", json!(null));
                    }
                }
            }
        }
    }
}
