//! RDS-001 `db-instance-not-encrypted`: an RDS DB instance stores its data unencrypted.

use std::collections::HashSet;

use rampart_model::storage::DbInstance;

use crate::prelude::*;

/// The database is usually where the customer data is.
pub struct DbInstanceNotEncrypted;

static META: CheckMeta = CheckMeta {
    code: "RDS-001",
    name: "db-instance-not-encrypted",
    title: "An RDS DB instance is not encrypted at rest",
    severity: Severity::High,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[cis3("2.3.1"), cis6("3.2.1"), fsbp("RDS.3")],
    needs: &[data::RDS],
    rationale: "Encryption at rest covers the instance's storage, its automated backups, read \
                replicas and snapshots. Unencrypted, a snapshot shared by mistake (or by an \
                attacker with `rds:ModifyDBSnapshotAttribute`) hands over the whole database; \
                encrypted with a customer managed key, the snapshot is useless to an account the \
                key policy does not trust. Encryption can only be chosen at creation.",
    remediation: RemediationText {
        text: "Take a snapshot, copy it with encryption under a customer managed key, restore a \
               new instance from the encrypted copy, switch the application over, then delete the \
               old instance and its unencrypted snapshots.",
        cli: Some(
            "aws rds create-db-snapshot --db-instance-identifier <db> --db-snapshot-identifier <db>-plain\naws rds copy-db-snapshot --source-db-snapshot-identifier <db>-plain --target-db-snapshot-identifier <db>-enc --kms-key-id alias/shop-data\naws rds restore-db-instance-from-db-snapshot --db-instance-identifier <db>-enc --db-snapshot-identifier <db>-enc",
        ),
        terraform: Some(
            "resource \"aws_db_instance\" \"orders\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

impl Check for DbInstanceNotEncrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let clusters: HashSet<&str> =
                region.db_clusters.iter().map(|c| c.id.as_str()).collect();
            for db in &region.db_instances {
                judge(account, region, &clusters, db, out);
            }
        }
    }
}

fn judge(
    account: &Account,
    region: &Region,
    clusters: &HashSet<&str>,
    db: &DbInstance,
    out: &mut Sink,
) {
    // Aurora members share their cluster's storage: RDS-002 judges the cluster.
    if db
        .cluster_id
        .as_deref()
        .is_some_and(|c| clusters.contains(c))
    {
        return;
    }
    let at = At::meta(&account.id, Some(&region.name), &db.meta);
    if db.storage_encrypted {
        out.pass(at, format!("DB instance `{}` is encrypted at rest", db.id));
    } else {
        out.fail(
            at,
            format!(
                "DB instance `{}` ({}) is not encrypted at rest",
                db.id, db.engine
            ),
        )
        .with("engine", json!(db.engine))
        .with("storage_encrypted", json!(false));
    }
}
