//! EC2-052 `volume-not-encrypted`: an EBS volume is not encrypted.

use super::LaunchedBy;
use crate::prelude::*;

/// An unencrypted volume's data is readable from every snapshot and copy of it.
pub struct VolumeNotEncrypted;

static META: CheckMeta = CheckMeta {
    code: "EC2-052",
    name: "volume-not-encrypted",
    title: "An EBS volume is not encrypted",
    severity: Severity::Medium,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.3")],
    needs: &[data::EC2_VOLUMES],
    rationale: "EBS encryption protects data at rest, in snapshots and in transit between the \
                instance and the storage, and ties access to a KMS key whose use is logged. The \
                snapshots of an unencrypted volume can be shared with another account or made \
                public by one API call, exposing the whole disk; an encrypted snapshot is useless \
                without the key.",
    remediation: RemediationText {
        text: "A volume cannot be encrypted in place: snapshot it, copy the snapshot with \
               encryption (a customer managed key), create a volume from the copy and swap it in. \
               Turn on EBS encryption by default so new volumes are encrypted.",
        cli: Some(
            "aws ec2 create-snapshot --volume-id <vol-…>\naws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snap-…> --encrypted --kms-key-id alias/shop-data\naws ec2 create-volume --snapshot-id <encrypted-snap-…> --availability-zone <az>",
        ),
        terraform: Some(
            "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"us-east-1a\"\n  size              = 100\n  encrypted         = true\n  kms_key_id        = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

impl Check for VolumeNotEncrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, volume) in ctx.each(|r| &r.volumes) {
            let at = At::meta(&account.id, Some(&region.name), &volume.meta);
            if volume.encrypted {
                out.pass(at, format!("volume `{}` is encrypted", volume.meta.name));
            } else {
                out.fail(
                    at,
                    format!("volume `{}` is not encrypted", volume.meta.name),
                )
                .with("volume_id", json!(volume.id))
                .with("size_gib", json!(volume.size_gib))
                .with("attached_to", json!(volume.attached_to))
                .launched_by(region, &volume.attached_to);
            }
        }
    }
}
