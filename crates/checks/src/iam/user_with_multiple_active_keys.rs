//! IAM-006 `user-with-multiple-active-keys`: a user has two active access keys.

use crate::prelude::*;

/// Two live keys usually means a rotation that was started and never finished.
pub struct UserWithMultipleActiveKeys;

static META: CheckMeta = CheckMeta {
    code: "IAM-006",
    name: "user-with-multiple-active-keys",
    title: "An IAM user has more than one active access key",
    severity: Severity::Low,
    controls: &["IAM-8"],
    inputs: Input::LS,
    compliance: &[cis3("1.13"), cis6("2.12")],
    needs: &[data::IAM_USERS, data::IAM_ACCESS_KEYS],
    rationale: "A second key exists to rotate the first without downtime; once the new key is \
                deployed the old one should be deactivated. Two keys left active double the \
                credentials that can leak for one identity, and make it unclear which one each \
                workload uses — so neither can be revoked with confidence.",
    remediation: RemediationText {
        text: "Find which key each workload uses (the key's last-used date and service), move \
               everything to one key, then deactivate and delete the other.",
        cli: Some(
            "aws iam list-access-keys --user-name <user>\naws iam get-access-key-last-used --access-key-id <key-id>\naws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
        ),
        terraform: Some("# keep a single aws_iam_access_key resource per user"),
    },
    manual: false,
};

impl Check for UserWithMultipleActiveKeys {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for user in &account.iam.users {
                let active: Vec<&str> = user
                    .access_keys
                    .iter()
                    .filter(|k| k.active)
                    .map(|k| k.id.as_str())
                    .collect();
                let at = At::meta(&account.id, None, &user.meta);
                if active.len() > 1 {
                    out.fail(
                        at,
                        format!(
                            "user `{}` has {} active access keys",
                            user.meta.name,
                            active.len()
                        ),
                    )
                    .with("active_access_key_ids", json!(active));
                } else {
                    out.pass(
                        at,
                        format!(
                            "user `{}` has {} active access key(s)",
                            user.meta.name,
                            active.len()
                        ),
                    );
                }
            }
        }
    }
}
