//! S3-002 `bucket-encrypted-with-sse-s3`: objects are encrypted with S3-managed keys or the AWS
//! managed `aws/s3` key, not a customer managed KMS key.

use crate::kms::keys::{KeyIndex, Resolved};
use crate::prelude::*;
use crate::s3::facts;

/// Default encryption is SSE-S3 (`AES256`), or SSE-KMS under an AWS managed key, rather than
/// SSE-KMS under a customer managed key.
pub struct BucketEncryptedWithSseS3;

static META: CheckMeta = CheckMeta {
    code: "S3-002",
    name: "bucket-encrypted-with-sse-s3",
    title: "S3 bucket uses SSE-S3 or the AWS managed key rather than a customer managed KMS key",
    severity: Severity::Low,
    controls: &["ENC-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.17")],
    needs: &[data::S3_BUCKET_ENCRYPTION, data::KMS_KEYS],
    rationale: "SSE-S3 protects against stolen disks, not against people: anyone allowed to read \
                an object gets it decrypted. With SSE-KMS, reading also needs kms:Decrypt on a \
                key whose policy is a second, independent gate, every decryption is logged in \
                CloudTrail, and disabling the key cuts off access to all the data at once. That \
                gate exists only with a customer managed key: the AWS managed key `aws/s3` (used \
                when SSE-KMS names no key) has a policy nobody can edit that lets every principal \
                allowed to use S3 in the account decrypt. Buckets that receive S3 server access \
                logs are exempt: log delivery supports only SSE-S3 there.",
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
            let keys = KeyIndex::new(account);
            for bucket in &account.buckets {
                // No configuration recorded: SSE-S3, S3's base level since 2023-01-05 (see
                // `facts::effective_encryption`); before that day, S3-001's finding.
                let Some(e) = facts::effective_encryption(bucket, ctx.now) else {
                    continue;
                };
                let e = e.as_ref();
                let by_default = bucket.encryption.is_none();
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let name = &bucket.meta.name;
                if log_targets.contains(name) && !e.algorithm.starts_with("aws:kms") {
                    out.pass(
                        at,
                        format!(
                            "bucket `{name}` receives server access logs, which can only be delivered to SSE-S3 buckets"
                        ),
                    );
                } else if e.algorithm.starts_with("aws:kms") {
                    judge_kms(&keys, at, name, e, out);
                } else {
                    out.fail(
                        at,
                        format!(
                            "bucket `{name}` uses {} (SSE-S3{}) rather than SSE-KMS with a customer managed key",
                            e.algorithm,
                            if by_default {
                                ", which S3 applies when a bucket sets no encryption"
                            } else {
                                ""
                            }
                        ),
                    )
                    .with("algorithm", json!(e.algorithm))
                    .with("configured", json!(!by_default));
                }
            }
        }
    }
}

/// SSE-KMS: the key must be customer managed. A configuration naming no key uses the AWS managed
/// key `aws/s3` (S3 user guide, "Specifying server-side encryption with AWS KMS"); a key behind an
/// `alias/aws/` alias, or recorded with `KeyManager` `AWS`, is AWS managed; a key the Inventory
/// does not hold (another account's) cannot be told.
fn judge_kms(
    keys: &KeyIndex<'_>,
    at: At<'_>,
    name: &str,
    e: &rampart_model::storage::BucketEncryption,
    out: &mut Sink,
) {
    let Some(key) = e.kms_key_id.as_deref().filter(|k| !k.is_empty()) else {
        out.fail(
            at,
            format!(
                "bucket `{name}` uses {} with no key named, so the AWS managed key `aws/s3`: a customer managed key is required",
                e.algorithm
            ),
        )
        .with("algorithm", json!(e.algorithm))
        .with("kms_key", json!("aws/s3"));
        return;
    };
    match keys.resolve(key) {
        Resolved::AwsManaged(_) => {
            out.fail(
                at,
                format!(
                    "bucket `{name}` uses {} with the AWS managed key `{key}`: a customer managed key is required",
                    e.algorithm
                ),
            )
            .with("algorithm", json!(e.algorithm))
            .with("kms_key", json!(key));
        }
        Resolved::Customer(_) | Resolved::OtherAccount => {
            out.pass(
                at,
                format!(
                    "bucket `{name}` uses {} with the customer managed key `{key}`",
                    e.algorithm
                ),
            )
            .with("kms_key", json!(key));
        }
        Resolved::Unknown => {
            out.not_assessed(
                at,
                format!(
                    "bucket `{name}` uses {} with the key `{key}`, which is not in the inventory: whether it is customer managed cannot be told",
                    e.algorithm
                ),
            )
            .with("kms_key", json!(key));
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;

    use super::BucketEncryptedWithSseS3;
    use crate::config::Config;
    use crate::iam::testing::run;

    fn verdicts(fixture: &str) -> Vec<(String, Status)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/S3-002")
            .join(fixture);
        let inv: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("json");
        run(&BucketEncryptedWithSseS3, inv, &Config::default())
            .into_iter()
            .map(|f| (f.resource, f.status))
            .collect()
    }

    #[test]
    fn aws_managed_keys_fail_whatever_names_them() {
        assert_eq!(
            verdicts("fail.json"),
            vec![
                ("arn:aws:s3:::shop-assets".to_owned(), Status::Fail),
                // No configuration: SSE-S3, S3's base level for every bucket since 2023-01-05.
                ("arn:aws:s3:::legacy-exports".to_owned(), Status::Fail),
                // SSE-KMS naming no key: the AWS managed aws/s3 key.
                ("arn:aws:s3:::shop-orders".to_owned(), Status::Fail),
                // The reserved alias namespace.
                ("arn:aws:s3:::shop-invoices".to_owned(), Status::Fail),
                // A key behind alias/aws/s3, though recorded as customer managed.
                ("arn:aws:s3:::shop-media".to_owned(), Status::Fail),
            ]
        );
        assert_eq!(
            verdicts("pass.json"),
            vec![("arn:aws:s3:::shop-uploads".to_owned(), Status::Pass)]
        );
    }
}
