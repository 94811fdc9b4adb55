//! S3-005 `backup-bucket-without-mfa-delete`: one credential can destroy the backups' history.

use rampart_model::storage::VersioningStatus;

use crate::prelude::*;
use crate::s3::facts;

/// A backup bucket without MFA delete.
pub struct BackupBucketWithoutMfaDelete;

static META: CheckMeta = CheckMeta {
    code: "S3-005",
    name: "backup-bucket-without-mfa-delete",
    title: "Backup bucket does not require MFA to delete object versions",
    severity: Severity::Low,
    controls: &["DATA-2"],
    inputs: Input::LSTC,
    compliance: &[cis3("2.1.2"), cis6("3.1.2"), fsbp("S3.20")],
    needs: &[
        data::S3_BUCKETS,
        data::S3_BUCKET_VERSIONING,
        data::S3_BUCKET_TAGS,
    ],
    rationale: "Versioning keeps old versions, but anyone with s3:DeleteObjectVersion can still \
                erase them, which is exactly what ransomware operators do to backups before \
                encrypting production. MFA delete makes permanent deletion and changes to \
                versioning require the root user's MFA code, so a stolen key alone cannot wipe \
                the backups. Only buckets whose name or tags say they hold backups are judged.",
    remediation: RemediationText {
        text: "As the root user with its MFA device, enable MFA delete on the backup bucket (it \
               cannot be set through the console or by IAM users); or use object lock in \
               compliance mode, which gives a stronger guarantee.",
        cli: Some(
            "aws s3api put-bucket-versioning --bucket <backup-bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::<account-id>:mfa/root-account-mfa-device <code>'",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_versioning\" \"backups\" {\n  bucket = aws_s3_bucket.backups.id\n  # applied with root credentials\n  mfa    = \"arn:aws:iam::123456789012:mfa/root-account-mfa-device 123456\"\n  versioning_configuration {\n    status     = \"Enabled\"\n    mfa_delete = \"Enabled\"\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BackupBucketWithoutMfaDelete {
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
                if bucket.mfa_delete && bucket.versioning == VersioningStatus::Enabled {
                    out.pass(
                        at,
                        format!("backup bucket `{name}` requires MFA to delete versions"),
                    );
                } else {
                    out.fail(
                        at,
                        format!("backup bucket `{name}` does not have MFA delete ({why})"),
                    )
                    .with("versioning", json!(bucket.versioning))
                    .with("mfa_delete", json!(bucket.mfa_delete));
                }
            }
        }
    }
}
