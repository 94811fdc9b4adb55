//! RS-001 `redshift-cluster-not-encrypted`: a Redshift cluster stores its data unencrypted.

use crate::prelude::*;

/// A warehouse holds the aggregated history of everything else.
pub struct RedshiftClusterNotEncrypted;

static META: CheckMeta = CheckMeta {
    code: "RS-001",
    name: "redshift-cluster-not-encrypted",
    title: "A Redshift cluster is not encrypted at rest",
    severity: Severity::High,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::REDSHIFT],
    rationale: "A data warehouse collects orders, customers and events from every other store, \
                often for years. Encryption at rest protects its blocks, snapshots and replicas \
                with a key whose use is logged and can be revoked; an unencrypted cluster's \
                snapshots can be restored by any account they are shared with.",
    remediation: RemediationText {
        text: "Enable encryption on the cluster with a customer managed key (Redshift migrates \
               the data to an encrypted cluster in place; plan for the cluster being read-only \
               during the migration).",
        cli: Some(
            "aws redshift modify-cluster --cluster-identifier <cluster> --encrypted --kms-key-id alias/shop-data",
        ),
        terraform: Some(
            "resource \"aws_redshift_cluster\" \"analytics\" {\n  # ...\n  encrypted  = true\n  kms_key_id = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

impl Check for RedshiftClusterNotEncrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, c) in ctx.each(|r| &r.redshift_clusters) {
            let at = At::meta(&account.id, Some(&region.name), &c.meta);
            if c.encrypted {
                out.pass(
                    at,
                    format!("Redshift cluster `{}` is encrypted at rest", c.id),
                );
            } else {
                out.fail(
                    at,
                    format!("Redshift cluster `{}` is not encrypted at rest", c.id),
                )
                .with("encrypted", json!(false))
                .with("publicly_accessible", json!(c.publicly_accessible));
            }
        }
    }
}
