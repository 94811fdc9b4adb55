//! S3-001 `bucket-without-default-encryption`: new objects are not encrypted by default.

use crate::prelude::*;
use crate::s3::facts;

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
                without relying on each client to ask for it. Since 2023-01-05 S3 applies SSE-S3 \
                to every bucket, new or existing, and it cannot be turned off: a bucket (or an \
                IaC declaration) with no configuration of its own is encrypted with SSE-S3 and \
                passes; S3-002 judges whether SSE-S3 is enough. Only a scan dated before that \
                day can find objects written in the clear.",
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
                match (
                    &bucket.encryption,
                    facts::effective_encryption(bucket, ctx.now),
                ) {
                    (Some(e), _) => {
                        out.pass(
                            at,
                            format!(
                                "bucket `{}` encrypts new objects with {}",
                                bucket.meta.name, e.algorithm
                            ),
                        );
                    }
                    (None, Some(e)) => {
                        out.pass(
                            at,
                            format!(
                                "bucket `{}` sets no default encryption: S3 encrypts its new \
                                 objects with {} (SSE-S3), the base level it applies to every \
                                 bucket since 2023-01-05",
                                bucket.meta.name, e.algorithm
                            ),
                        )
                        .with("encryption", json!("AES256 (S3 default)"));
                    }
                    (None, None) => {
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
