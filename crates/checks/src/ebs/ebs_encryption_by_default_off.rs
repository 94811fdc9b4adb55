//! EC2-053 `ebs-encryption-by-default-off`: new EBS volumes in a region are not encrypted unless
//! someone asks.

use crate::prelude::*;

/// Encryption by default makes every new volume and snapshot copy encrypted without relying on
/// each template to ask for it.
pub struct EbsEncryptionByDefaultOff;

static META: CheckMeta = CheckMeta {
    code: "EC2-053",
    name: "ebs-encryption-by-default-off",
    title: "EBS encryption by default is off in a region",
    severity: Severity::Medium,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[cis3("2.2.1"), cis6("6.1.1"), fsbp("EC2.7")],
    needs: &[data::EC2_EBS_DEFAULT_ENCRYPTION],
    rationale: "Encryption by default is a regional account setting: once on, every new volume and \
                every snapshot copy in the region is encrypted, whatever the launch template, \
                console click or third-party tool asks. Off, each of those has to remember \
                `encrypted = true`, and the ones that forget create unencrypted disks.",
    remediation: RemediationText {
        text: "Turn on EBS encryption by default in every region you use (it is per region), \
               preferably with a customer managed key as the default key.",
        cli: Some(
            "aws ec2 enable-ebs-encryption-by-default --region <region>\naws ec2 modify-ebs-default-kms-key-id --kms-key-id alias/shop-data --region <region>",
        ),
        terraform: Some(
            "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n\nresource \"aws_ebs_default_kms_key\" \"this\" {\n  key_arn = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

impl Check for EbsEncryptionByDefaultOff {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let resource = format!(
                "arn:{}:ec2:{}:{}:ebs-encryption-by-default",
                account.partition, region.name, account.id
            );
            let at = At::place(&account.id, Some(&region.name), &resource);
            match region.ebs_encryption_by_default {
                Some(true) => {
                    out.pass(
                        at,
                        format!("EBS encryption by default is on in {}", region.name),
                    )
                    .with("default_kms_key", json!(region.ebs_default_kms_key));
                }
                Some(false) => {
                    out.fail(
                        at,
                        format!("EBS encryption by default is off in {}", region.name),
                    )
                    .with("ebs_encryption_by_default", json!(false));
                }
                // IaC inputs rarely declare this account setting; a live or snapshot region that
                // lacks it records a gap, which the runner reports.
                None => {}
            }
        }
    }
}
