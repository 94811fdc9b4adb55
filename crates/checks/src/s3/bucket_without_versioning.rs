//! S3-003 `bucket-without-versioning`: a bucket keeps no previous versions of its objects.

use rampart_model::storage::VersioningStatus;

use crate::prelude::*;

/// Versioning is what lets a deleted or overwritten object be recovered; without it, one bad
/// deploy, one compromised credential or one ransomware run destroys data for good.
pub struct BucketWithoutVersioning;

static META: CheckMeta = CheckMeta {
    code: "S3-003",
    name: "bucket-without-versioning",
    title: "S3 bucket versioning is not enabled",
    severity: Severity::Medium,
    controls: &["DATA-2"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.14")],
    needs: &[data::S3_BUCKET_VERSIONING],
    rationale: "Without versioning, an overwrite or delete is final: an application bug, a leaked \
                credential or ransomware can destroy data with no way back. Versioning keeps every \
                previous version; MFA delete additionally stops a single credential from removing \
                those versions.",
    remediation: RemediationText {
        text: "Enable versioning on the bucket (and MFA delete on buckets that hold backups), then \
               add a lifecycle rule that expires noncurrent versions after the retention period.",
        cli: Some(
            "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_versioning\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BucketWithoutVersioning {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                match bucket.versioning {
                    VersioningStatus::Enabled => {
                        let mfa = if bucket.mfa_delete {
                            " with MFA delete"
                        } else {
                            ""
                        };
                        out.pass(
                            at,
                            format!("bucket `{}` has versioning enabled{mfa}", bucket.meta.name),
                        );
                    }
                    status => {
                        out.fail(
                            at,
                            format!(
                                "bucket `{}` has versioning {}",
                                bucket.meta.name,
                                match status {
                                    VersioningStatus::Suspended => "suspended",
                                    _ => "disabled",
                                }
                            ),
                        )
                        .with("versioning", json!(status))
                        .with("mfa_delete", json!(bucket.mfa_delete));
                    }
                }
            }
        }
    }
}
