//! Resolving a key reference (key id, key ARN, alias name or alias ARN) to a KMS key of the
//! Inventory, to tell customer managed keys from AWS managed ones.

use std::collections::HashMap;

use rampart_model::Account;
use rampart_model::security::{KeyManager, KmsKey};

/// What a key reference resolves to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved<'a> {
    /// A customer managed key of the Inventory.
    Customer(&'a KmsKey),
    /// An AWS managed key: found in the Inventory, or named by an `alias/aws/…` alias, which
    /// only AWS can create.
    AwsManaged(Option<&'a KmsKey>),
    /// A key ARN of another account, not in the Inventory: customer managed, since an AWS
    /// managed key can be used only in its own account (its key policy, which nobody can
    /// change, allows only callers of that account — KMS Developer Guide, "AWS managed keys";
    /// Secrets Manager User Guide: "you can't use the AWS managed key … for cross-account
    /// access").
    OtherAccount,
    /// Not in the Inventory: who manages it cannot be told.
    Unknown,
}

/// The KMS keys of one account, indexed by id, key ARN and alias: built once per account so
/// that resolving is a lookup, not a scan, on estates with thousands of keys and stores.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex<'a> {
    by_ref: HashMap<&'a str, &'a KmsKey>,
    /// The account the keys belong to (and the stores resolving them), when it is a real one:
    /// an IaC input's pseudo-account says nothing about whose key a literal ARN names.
    account: Option<&'a str>,
}

impl<'a> KeyIndex<'a> {
    /// Indexes every key of every region of `account`.
    pub fn new(account: &'a Account) -> Self {
        let mut by_ref = HashMap::new();
        for key in account.regions.iter().flat_map(|r| r.kms_keys.iter()) {
            by_ref.entry(key.meta.arn.as_str()).or_insert(key);
            by_ref.entry(key.meta.cloud_arn()).or_insert(key);
            by_ref.entry(key.id.as_str()).or_insert(key);
            for alias in &key.aliases {
                by_ref.entry(alias.as_str()).or_insert(key);
            }
        }
        KeyIndex {
            by_ref,
            account: crate::root::is_aws_account(account).then_some(account.id.as_str()),
        }
    }

    /// Resolves `reference`: a key id, a key ARN, an alias name or an alias ARN.
    pub fn resolve(&self, reference: &str) -> Resolved<'a> {
        let alias = alias_name(reference);
        // A key ARN also resolves by its key id (`arn:aws:kms:…:key/<id>` → `<id>`): sources
        // do not all record the same form.
        let found = self.by_ref.get(alias.unwrap_or(reference)).or_else(|| {
            let id = reference.strip_prefix("arn:")?.rsplit_once(":key/")?.1;
            self.by_ref.get(id)
        });
        // The `alias/aws/` namespace is reserved: only AWS creates aliases in it, each for its
        // own managed key (KMS developer guide, "Aliases in AWS KMS"), so a key behind one is
        // AWS managed whatever its recorded `KeyManager` says.
        let reserved = |k: &KmsKey| {
            alias.is_some_and(is_aws_alias) || k.aliases.iter().any(|a| is_aws_alias(a))
        };
        match found {
            Some(k) if k.manager == KeyManager::Customer && !reserved(k) => Resolved::Customer(k),
            Some(k) => Resolved::AwsManaged(Some(k)),
            None if alias.is_some_and(is_aws_alias) => Resolved::AwsManaged(None),
            None if self
                .account
                .zip(key_arn_account(reference))
                .is_some_and(|(own, theirs)| own != theirs) =>
            {
                Resolved::OtherAccount
            }
            None => Resolved::Unknown,
        }
    }
}

/// Whether `alias` (`alias/…`) is in the namespace AWS reserves for its managed keys.
pub(crate) fn is_aws_alias(alias: &str) -> bool {
    alias.starts_with("alias/aws/")
}

/// The account of a key ARN (`arn:aws:kms:region:account:key/id`), when `reference` is one.
fn key_arn_account(reference: &str) -> Option<&str> {
    let mut parts = reference.strip_prefix("arn:")?.splitn(5, ':');
    let (_, service, _, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (service == "kms"
        && resource.starts_with("key/")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit()))
    .then_some(account)
}

/// `alias/name` from `alias/name` or `arn:aws:kms:region:account:alias/name`.
fn alias_name(reference: &str) -> Option<&str> {
    if reference.starts_with("alias/") {
        return Some(reference);
    }
    let resource = reference.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    resource.starts_with("alias/").then_some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::{Meta, Origin, Region};

    fn key(id: &str, manager: KeyManager, aliases: &[&str]) -> KmsKey {
        KmsKey {
            meta: Meta::new(
                format!("arn:aws:kms:us-east-1:111122223333:key/{id}"),
                id,
                Origin::default(),
            ),
            id: id.to_owned(),
            manager,
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            key_origin: None,
            rotation_enabled: Some(true),
            policy: None,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn resolves_every_reference_form() {
        let mut account = Account::new("111122223333");
        let mut region = Region::new("us-east-1");
        region
            .kms_keys
            .push(key("k1", KeyManager::Customer, &["alias/shop-data"]));
        region
            .kms_keys
            .push(key("k2", KeyManager::Aws, &["alias/aws/rds"]));
        account.regions.push(region);
        let index = KeyIndex::new(&account);
        let resolve = |r: &str| index.resolve(r);
        assert!(matches!(resolve("k1"), Resolved::Customer(_)));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:111122223333:key/k1"),
            Resolved::Customer(_)
        ));
        assert!(matches!(resolve("alias/shop-data"), Resolved::Customer(_)));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:111122223333:alias/shop-data"),
            Resolved::Customer(_)
        ));
        assert!(matches!(resolve("k2"), Resolved::AwsManaged(Some(_))));
        assert!(matches!(
            resolve("alias/aws/ebs"),
            Resolved::AwsManaged(None)
        ));
        assert!(matches!(resolve("k3"), Resolved::Unknown));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:000000000000:key/k1"),
            Resolved::Customer(_)
        ));
        assert!(matches!(resolve("alias/other"), Resolved::Unknown));
        // A key of another account is customer managed; one of this account not in the
        // inventory, or an alias of another account (customer or reserved), is what it says.
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:999988887777:key/kx"),
            Resolved::OtherAccount
        ));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:111122223333:key/kx"),
            Resolved::Unknown
        ));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:999988887777:alias/aws/rds"),
            Resolved::AwsManaged(_)
        ));
        assert!(matches!(
            resolve("arn:aws:kms:us-east-1:999988887777:alias/shared"),
            Resolved::Unknown
        ));
    }

    #[test]
    fn a_key_behind_a_reserved_alias_is_aws_managed_whatever_its_manager_says() {
        let mut account = Account::new("111122223333");
        let mut region = Region::new("us-east-1");
        region
            .kms_keys
            .push(key("k9", KeyManager::Customer, &["alias/aws/s3"]));
        account.regions.push(region);
        let index = KeyIndex::new(&account);
        assert!(matches!(index.resolve("k9"), Resolved::AwsManaged(Some(_))));
        assert!(matches!(
            index.resolve("arn:aws:kms:us-east-1:111122223333:alias/aws/s3"),
            Resolved::AwsManaged(Some(_))
        ));
    }
}
