//! BACKUP-003 `vault-without-vault-lock`: recovery points can be deleted before they expire.

use crate::prelude::*;

/// A backup vault without AWS Backup Vault Lock.
pub struct VaultWithoutVaultLock;

static META: CheckMeta = CheckMeta {
    code: "BACKUP-003",
    name: "vault-without-vault-lock",
    title: "Backup vault has no Vault Lock",
    severity: Severity::Medium,
    controls: &["DATA-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::BACKUP_VAULT_LOCK],
    rationale: "Attackers who reach an account with backup permissions delete the recovery \
                points before they encrypt or destroy production; so do careless cleanup \
                scripts. Vault Lock enforces the retention on every recovery point: in \
                compliance mode, once its grace period ends, nobody (root included, AWS \
                included) can delete them early or remove the lock. Governance mode can be \
                lifted by privileged principals and is reported as such.",
    remediation: RemediationText {
        text: "Put a Vault Lock on the vault with a minimum retention that matches the backup \
               rules, test it in governance mode, then set a changeable-for period to move it to \
               compliance mode.",
        cli: Some(
            "aws backup put-backup-vault-lock-configuration --backup-vault-name <vault> --min-retention-days 7 --max-retention-days 365 --changeable-for-days 3",
        ),
        terraform: Some(
            "resource \"aws_backup_vault_lock_configuration\" \"this\" {\n  backup_vault_name   = aws_backup_vault.this.name\n  min_retention_days  = 7\n  max_retention_days  = 365\n  changeable_for_days = 3\n}",
        ),
    },
    manual: false,
};

impl Check for VaultWithoutVaultLock {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, vault) in ctx.each(|r| &r.backup_vaults) {
            let at = At::meta(&account.id, Some(&region.name), &vault.meta);
            let name = &vault.meta.name;
            if !vault.locked {
                out.fail(at, format!("backup vault `{name}` has no Vault Lock: its recovery points can be deleted"))
                    .with("locked", json!(false));
                continue;
            }
            let mode = if vault.lock_compliance_mode {
                "compliance"
            } else {
                "governance"
            };
            let min = vault
                .lock_min_retention_days
                .map(|d| format!(", minimum retention {d} days"))
                .unwrap_or_default();
            out.pass(
                at,
                format!("backup vault `{name}` is locked in {mode} mode{min}"),
            )
            .with("lock_compliance_mode", json!(vault.lock_compliance_mode));
        }
    }
}
