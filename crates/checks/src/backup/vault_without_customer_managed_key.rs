//! BACKUP-002 `vault-without-customer-managed-key`: recovery points are encrypted with a key the
//! account does not control.

use crate::kms::keys::{KeyIndex, Resolved};
use crate::prelude::*;

/// A backup vault encrypted with the AWS managed key (or a key not known to be customer managed).
pub struct VaultWithoutCustomerManagedKey;

static META: CheckMeta = CheckMeta {
    code: "BACKUP-002",
    name: "vault-without-customer-managed-key",
    title: "Backup vault is not encrypted with a customer managed KMS key",
    severity: Severity::Low,
    controls: &["DATA-4"],
    inputs: Input::LSTC,
    compliance: &[fsbp("Backup.1")],
    needs: &[data::BACKUP_VAULT_ENCRYPTION, data::KMS_KEYS],
    rationale: "With the AWS managed key `aws/backup`, any principal allowed to use AWS Backup \
                in the account can restore from the vault, and the key policy cannot be \
                changed. A customer managed key adds a second gate on restores and copies, lets \
                the key be shared for cross-account backup copies, and its use is visible in \
                CloudTrail.",
    remediation: RemediationText {
        text: "Create a new vault encrypted with a customer managed KMS key (a vault's key cannot \
               be changed), point the backup plan rules at it, and let old recovery points \
               expire from the old vault.",
        cli: Some(
            "aws backup create-backup-vault --backup-vault-name <vault> --encryption-key-arn <key-arn>",
        ),
        terraform: Some(
            "resource \"aws_backup_vault\" \"this\" {\n  name        = \"prod-backups\"\n  kms_key_arn = aws_kms_key.backup.arn\n}",
        ),
    },
    manual: false,
};

impl Check for VaultWithoutCustomerManagedKey {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let keys = KeyIndex::new(account);
            for (region, vault) in account
                .regions
                .iter()
                .flat_map(|r| r.backup_vaults.iter().map(move |v| (r, v)))
            {
                let at = At::meta(&account.id, Some(&region.name), &vault.meta);
                let name = &vault.meta.name;
                let Some(key_arn) = vault.encryption_key_arn.as_deref() else {
                    out.fail(
                        at,
                        format!("backup vault `{name}` uses the default AWS managed key"),
                    )
                    .with("encryption_key_arn", json!(null));
                    continue;
                };
                match keys.resolve(key_arn) {
                    Resolved::Customer(k) => {
                        out.pass(
                            at,
                            format!(
                                "backup vault `{name}` is encrypted with customer managed key `{}`",
                                k.meta.name
                            ),
                        );
                    }
                    Resolved::OtherAccount => {
                        out.pass(
                        at,
                        format!(
                            "backup vault `{name}` is encrypted with key `{key_arn}` of another \
                             account, which only a customer managed key can be"
                        ),
                    );
                    }
                    Resolved::AwsManaged(k) => {
                        let shown = k.map_or("aws/backup", |k| k.meta.name.as_str());
                        out.fail(
                            at,
                            format!(
                                "backup vault `{name}` is encrypted with AWS managed key `{shown}`"
                            ),
                        )
                        .with("encryption_key_arn", json!(key_arn));
                    }
                    Resolved::Unknown => {
                        out.not_assessed(
                        at,
                        format!("the key `{key_arn}` of backup vault `{name}` is not in the Inventory: who manages it is unknown"),
                    );
                    }
                }
            }
        }
    }
}
