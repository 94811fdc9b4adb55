//! CT-011 `trail-not-encrypted-with-kms`: trail logs rely on the bucket's default encryption.

use crate::prelude::*;

/// The trail does not encrypt its log files with a KMS key.
pub struct TrailNotEncryptedWithKms;

static META: CheckMeta = CheckMeta {
    code: "CT-011",
    name: "trail-not-encrypted-with-kms",
    title: "CloudTrail logs are not encrypted with a KMS key",
    severity: Severity::Medium,
    controls: &["LOG-5"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.5"), cis6("4.5"), fsbp("CloudTrail.2")],
    needs: &[data::CLOUDTRAIL],
    rationale: "Trail logs map the whole account: identities, resources, IP addresses, request \
                parameters. With SSE-KMS, reading them needs both S3 read access and decrypt \
                permission on a key whose policy the security team controls and whose every use \
                is itself logged; with the default S3 encryption, anyone who can read the bucket \
                can read the logs.",
    remediation: RemediationText {
        text: "Create a customer managed KMS key whose policy lets CloudTrail encrypt (scoped \
               with aws:SourceArn) and only the security team decrypt, and set it on the trail.",
        cli: Some("aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>"),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  kms_key_id = aws_kms_key.cloudtrail.arn\n}",
        ),
    },
    manual: false,
};

impl Check for TrailNotEncryptedWithKms {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, trail) in ctx.each(|r| &r.trails) {
            let at = At::meta(&account.id, Some(&region.name), &trail.meta);
            match trail.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
                Some(key) => {
                    out.pass(
                        at,
                        format!(
                            "trail `{}` encrypts its logs with KMS key `{key}`",
                            trail.meta.name
                        ),
                    );
                }
                None => {
                    out.fail(
                        at,
                        format!(
                            "trail `{}` does not encrypt its logs with a KMS key",
                            trail.meta.name
                        ),
                    )
                    .with("kms_key_id", json!(null));
                }
            }
        }
    }
}
