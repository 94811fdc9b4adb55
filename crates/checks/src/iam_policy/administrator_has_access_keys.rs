//! IAM-104 `administrator-has-access-keys`: a full administrator has access keys, or there are
//! too many full administrators.

use super::common;
use crate::prelude::*;

/// Administrators should be few and console-only: an access key of an administrator is the
/// whole account in a file.
pub struct AdministratorHasAccessKeys;

/// More full administrator users than this is reported.
const MAX_ADMIN_USERS: usize = 3;

static META: CheckMeta = CheckMeta {
    code: "IAM-104",
    name: "administrator-has-access-keys",
    title: "A full administrator has access keys, or administrators are many",
    severity: Severity::High,
    controls: &["IAM-5"],
    inputs: Input::LS,
    compliance: &[cis3("1.16"), cis6("2.15"), fsbp("IAM.1")],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
        data::IAM_ACCESS_KEYS,
    ],
    rationale: "Every principal allowed `*` on `*` can do anything, including erasing the trail \
                of what it did. Each one is a target; one with long-lived access keys is a target \
                that leaks through laptops, CI logs and repositories. Keep administrators to a \
                handful of people who sign in to the console with MFA, and no keys.",
    remediation: RemediationText {
        text: "Delete the administrator's access keys (use role sessions or IAM Identity Center \
               for command-line work), and move people who do not need full access to narrower \
               groups. rampart reports more than three administrator users.",
        cli: Some("aws iam delete-access-key --user-name <user> --access-key-id <key-id>"),
        terraform: None,
    },
    manual: false,
};

impl Check for AdministratorHasAccessKeys {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let mut admin_users = Vec::new();
            let mut judged = 0;
            // Users whose permissions could not be read: any of them may be an administrator,
            // so the account's count is only a lower bound.
            let mut unread: Vec<String> = ctx
                .inventory
                .gaps
                .iter()
                .filter(|g| {
                    g.applies_to(&account.id, None) && META.needs.iter().any(|n| g.touches(n))
                })
                .filter_map(|g| g.resource.clone())
                .filter(|r| r.contains(":user/"))
                .collect();
            for p in common::principals(account) {
                if p.role.is_some_and(|r| r.service_linked) {
                    continue;
                }
                if !p.complete(&account.id, out) {
                    if p.user.is_some() {
                        unread.push(p.meta.arn.clone());
                    }
                    continue;
                }
                let e = p.effective();
                if !p.is_admin(&e) {
                    continue;
                }
                judged += 1;
                let at = p.at(&account.id);
                let Some(user) = p.user else {
                    out.pass(
                        at,
                        format!(
                            "role `{}` is a full administrator without long-lived keys",
                            p.meta.name
                        ),
                    );
                    continue;
                };
                admin_users.push(user.meta.name.clone());
                let keys: Vec<&str> = user
                    .access_keys
                    .iter()
                    .filter(|k| k.active)
                    .map(|k| k.id.as_str())
                    .collect();
                if keys.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "administrator `{}` has no active access key",
                            user.meta.name
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "administrator `{}` has {} active access key(s)",
                            user.meta.name,
                            keys.len()
                        ),
                    )
                    .with("access_keys", json!(keys))
                    .with("console_password", json!(user.console_password));
                }
            }
            let at = At::place(&account.id, None, &account.id);
            if admin_users.len() > MAX_ADMIN_USERS {
                out.fail(
                    at,
                    format!(
                        "{} users are full administrators (more than {MAX_ADMIN_USERS})",
                        admin_users.len()
                    ),
                )
                .with("administrators", json!(admin_users));
            } else if !unread.is_empty() {
                unread.sort();
                unread.dedup();
                out.not_assessed(
                    at,
                    format!(
                        "{} full administrator user(s) among the users read; the permissions of \
                         {} more could not be read, so whether there are more than \
                         {MAX_ADMIN_USERS} is not known",
                        admin_users.len(),
                        unread.len()
                    ),
                )
                .with("administrators", json!(admin_users))
                .with("unread_users", json!(unread));
            } else if judged == 0 || !admin_users.is_empty() {
                out.pass(
                    at,
                    format!("{} full administrator user(s)", admin_users.len()),
                )
                .with("administrators", json!(admin_users));
            }
        }
    }
}
