//! RDS-002 `db-cluster-not-encrypted`: an RDS / Aurora cluster stores its data unencrypted.

use crate::prelude::*;

/// A cluster's shared storage holds every instance's data.
pub struct DbClusterNotEncrypted;

static META: CheckMeta = CheckMeta {
    code: "RDS-002",
    name: "db-cluster-not-encrypted",
    title: "An RDS / Aurora DB cluster is not encrypted at rest",
    severity: Severity::High,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("RDS.27")],
    needs: &[data::RDS],
    rationale: "An Aurora cluster's storage volume, backups and snapshots are encrypted or not as \
                a whole, chosen when the cluster is created. Unencrypted, every snapshot can be \
                restored by any account it is shared with, and the storage is protected only by \
                AWS's physical controls rather than by a key whose use you control and log.",
    remediation: RemediationText {
        text: "Snapshot the cluster, restore it from the snapshot with `--kms-key-id` set to a \
               customer managed key (a restore can add encryption), switch the application to the \
               new cluster, and delete the old one.",
        cli: Some(
            "aws rds create-db-cluster-snapshot --db-cluster-identifier <c> --db-cluster-snapshot-identifier <c>-plain\naws rds restore-db-cluster-from-snapshot --db-cluster-identifier <c>-enc --snapshot-identifier <c>-plain --engine <engine> --kms-key-id alias/shop-data",
        ),
        terraform: Some(
            "resource \"aws_rds_cluster\" \"orders\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

impl Check for DbClusterNotEncrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, c) in ctx.each(|r| &r.db_clusters) {
            let at = At::meta(&account.id, Some(&region.name), &c.meta);
            if c.storage_encrypted {
                out.pass(at, format!("DB cluster `{}` is encrypted at rest", c.id));
            } else {
                out.fail(
                    at,
                    format!(
                        "DB cluster `{}` ({}) is not encrypted at rest",
                        c.id, c.engine
                    ),
                )
                .with("engine", json!(c.engine))
                .with("storage_encrypted", json!(false));
            }
        }
    }
}
