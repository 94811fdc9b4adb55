//! KMS-002 `store-uses-aws-managed-key`: a sensitive data store is encrypted with an AWS managed
//! key rather than a customer managed one.

use std::collections::HashSet;

use crate::kms::keys::{KeyIndex, Resolved};
use crate::prelude::*;

/// With an AWS managed key, the key policy cannot be changed, so who may decrypt the data is
/// whoever IAM lets use the service: the key adds no separate gate.
pub struct StoreUsesAwsManagedKey;

static META: CheckMeta = CheckMeta {
    code: "KMS-002",
    name: "store-uses-aws-managed-key",
    title: "A sensitive data store is encrypted with an AWS managed key instead of a customer managed key",
    severity: Severity::Medium,
    controls: &["ENC-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::KMS_KEYS,
        data::RDS,
        data::REDSHIFT,
        data::SECRETS_MANAGER,
        data::EC2_VOLUMES,
    ],
    rationale: "An AWS managed key (`aws/rds`, `aws/ebs`, `aws/secretsmanager`…) lets every \
                principal of the account that may use the service decrypt the data: its key \
                policy cannot be edited, it cannot be disabled in an incident, and its use cannot \
                be limited to the application's role. A customer managed key adds a second, \
                independent gate (the key policy), can be revoked at once, and its grants are \
                auditable per key.",
    remediation: RemediationText {
        text: "Create a customer managed key per data classification with a key policy limited to \
               the application roles and key administrators, then re-encrypt the store with it: \
               copy the snapshot (RDS, Redshift, EBS) with the new key and restore, or update the \
               secret's key and re-put its value.",
        cli: Some(
            "aws kms create-key --description \"shop data\"\naws rds copy-db-snapshot --source-db-snapshot-identifier <snap> --target-db-snapshot-identifier <snap>-cmk --kms-key-id alias/shop-data\naws secretsmanager update-secret --secret-id <secret> --kms-key-id alias/shop-data",
        ),
        terraform: Some(
            "resource \"aws_kms_key\" \"data\" {\n  enable_key_rotation = true\n}\n\nresource \"aws_db_instance\" \"orders\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.data.arn\n}",
        ),
    },
    manual: false,
};

/// One store to judge: its kind, where it is, and its key reference (`None` when the service's
/// default key is used).
struct Store<'a> {
    kind: &'static str,
    meta: &'a Meta,
    key: Option<&'a str>,
    /// The AWS managed key used when `key` is `None`, if the service has a fixed one.
    default_key: Option<&'static str>,
}

impl Check for StoreUsesAwsManagedKey {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let keys = KeyIndex::new(account);
            for region in &account.regions {
                for store in stores(region) {
                    judge(account, region, &keys, &store, out);
                }
            }
        }
    }
}

/// The encrypted stores of a region (unencrypted ones are ENC-3's business).
fn stores(region: &Region) -> Vec<Store<'_>> {
    let mut stores = Vec::new();
    let clusters: HashSet<&str> = region.db_clusters.iter().map(|c| c.id.as_str()).collect();
    for db in &region.db_instances {
        // An Aurora member is encrypted by its cluster's key: judged once, on the cluster.
        let in_cluster = db
            .cluster_id
            .as_deref()
            .is_some_and(|c| clusters.contains(c));
        if db.storage_encrypted && !in_cluster {
            stores.push(Store {
                kind: "RDS instance",
                meta: &db.meta,
                key: db.kms_key_id.as_deref(),
                default_key: None,
            });
        }
    }
    for c in region.db_clusters.iter().filter(|c| c.storage_encrypted) {
        stores.push(Store {
            kind: "RDS cluster",
            meta: &c.meta,
            key: c.kms_key_id.as_deref(),
            default_key: None,
        });
    }
    for c in region.redshift_clusters.iter().filter(|c| c.encrypted) {
        stores.push(Store {
            kind: "Redshift cluster",
            meta: &c.meta,
            key: c.kms_key_id.as_deref(),
            default_key: None,
        });
    }
    for s in &region.secrets {
        stores.push(Store {
            kind: "secret",
            meta: &s.meta,
            key: s.kms_key_id.as_deref(),
            default_key: Some("alias/aws/secretsmanager"),
        });
    }
    for v in region.volumes.iter().filter(|v| v.encrypted) {
        stores.push(Store {
            kind: "EBS volume",
            meta: &v.meta,
            key: v.kms_key_id.as_deref(),
            default_key: None,
        });
    }
    stores
}

fn judge(
    account: &Account,
    region: &Region,
    keys: &KeyIndex<'_>,
    store: &Store<'_>,
    out: &mut Sink,
) {
    let at = At::meta(&account.id, Some(&region.name), store.meta);
    let name = &store.meta.name;
    let Some(reference) = store.key.or(store.default_key) else {
        out.not_assessed(
            at,
            format!(
                "{} `{name}` is encrypted but its key is not recorded",
                store.kind
            ),
        );
        return;
    };
    match keys.resolve(reference) {
        Resolved::Customer(key) => {
            out.pass(
                at,
                format!(
                    "{} `{name}` is encrypted with customer managed key `{}`",
                    store.kind, key.meta.name
                ),
            )
            .with("kms_key", json!(key.meta.arn));
        }
        Resolved::OtherAccount => {
            out.pass(
                at,
                format!(
                    "{} `{name}` is encrypted with key `{reference}` of another account, which only \
                     a customer managed key can be",
                    store.kind
                ),
            )
            .with("kms_key", json!(reference));
        }
        Resolved::AwsManaged(key) => {
            let shown = key.map_or(reference, |k| {
                k.aliases
                    .first()
                    .map_or(k.meta.arn.as_str(), String::as_str)
            });
            out.fail(
                at,
                format!(
                    "{} `{name}` is encrypted with AWS managed key `{shown}`",
                    store.kind
                ),
            )
            .with("kms_key", json!(reference))
            .with("key_manager", json!("aws"));
        }
        Resolved::Unknown => {
            out.not_assessed(
                at,
                format!(
                    "{} `{name}` is encrypted with key `{reference}`, which is not in the inventory: \
                     whether it is customer managed cannot be told",
                    store.kind
                ),
            )
            .with("kms_key", json!(reference));
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::StoreUsesAwsManagedKey;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run, statuses};

    #[test]
    fn a_key_outside_the_inventory_is_not_assessed_and_the_default_secret_key_fails() {
        let inv = inventory(
            json!({}),
            Some(json!({
                "volumes": [{"meta": {"arn": "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", "name": "vol-1"}, "id": "vol-1", "encrypted": true, "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/elsewhere"}],
                "secrets": [{"meta": {"arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf", "name": "s"}}]
            })),
        );
        let out = run(&StoreUsesAwsManagedKey, inv, &Config::default());
        assert_eq!(statuses(&out), vec![Status::Fail, Status::NotAssessed]);
        assert!(
            out[0].message.contains("alias/aws/secretsmanager"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn aurora_members_are_judged_on_their_cluster() {
        let inv = inventory(
            json!({}),
            Some(json!({
                "kms_keys": [{"meta": {"arn": "arn:aws:kms:us-east-1:111122223333:key/k1", "name": "alias/aws/rds"}, "id": "k1", "manager": "aws", "aliases": ["alias/aws/rds"]}],
                "db_instances": [{"meta": {"arn": "arn:aws:rds:us-east-1:111122223333:db:c1-1", "name": "c1-1"}, "id": "c1-1", "engine": "aurora-postgresql", "storage_encrypted": true, "kms_key_id": "k1", "publicly_accessible": false, "cluster_id": "c1"}],
                "db_clusters": [{"meta": {"arn": "arn:aws:rds:us-east-1:111122223333:cluster:c1", "name": "c1"}, "id": "c1", "engine": "aurora-postgresql", "storage_encrypted": true, "kms_key_id": "k1"}]
            })),
        );
        let out = run(&StoreUsesAwsManagedKey, inv, &Config::default());
        assert_eq!(statuses(&out), vec![Status::Fail]);
        assert!(out[0].resource.ends_with(":cluster:c1"));
    }
}
