//! IAM-005 `access-key-not-rotated`: an active access key is older than the rotation period.

use crate::prelude::*;

/// The older a key, the more places a copy of it may have reached.
pub struct AccessKeyNotRotated;

static META: CheckMeta = CheckMeta {
    code: "IAM-005",
    name: "access-key-not-rotated",
    title: "An active access key is older than the rotation period",
    severity: Severity::Medium,
    controls: &["IAM-8"],
    inputs: Input::LS,
    compliance: &[cis3("1.14"), cis6("2.13"), fsbp("IAM.3")],
    needs: &[data::IAM_USERS, data::IAM_ACCESS_KEYS],
    rationale: "Access keys do not expire. Every month a key lives, it is copied into more \
                configuration files, CI variables, laptops and logs, and a leak from any of them \
                stays usable until the key is rotated. A rotation period \
                (`thresholds.access_key_max_age_days`, 90 by default) bounds how long a leaked \
                copy works.",
    remediation: RemediationText {
        text: "Create a second key, deploy it everywhere the old one is used, deactivate the old \
               key, and delete it once nothing fails. Prefer removing the need for a key: roles \
               for compute, OIDC federation for CI, IAM Identity Center for people.",
        cli: Some(
            "aws iam create-access-key --user-name <user>\naws iam update-access-key --user-name <user> --access-key-id <old-key-id> --status Inactive\naws iam delete-access-key --user-name <user> --access-key-id <old-key-id>",
        ),
        terraform: Some(
            "# replace the key: taint or rename the aws_iam_access_key resource, apply, and deploy the new secret\nresource \"aws_iam_access_key\" \"deploy_2026_11\" {\n  user = aws_iam_user.deploy.name\n}",
        ),
    },
    manual: false,
};

impl Check for AccessKeyNotRotated {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let limit = ctx.config.thresholds.access_key_max_age_days;
        for account in ctx.accounts() {
            for user in &account.iam.users {
                let active: Vec<_> = user.access_keys.iter().filter(|k| k.active).collect();
                if active.is_empty() {
                    continue;
                }
                let at = At::meta(&account.id, None, &user.meta);
                let old: Vec<_> = active
                    .iter()
                    .filter_map(|k| k.created.map(|c| (k, ctx.days_since(c))))
                    .filter(|(_, age)| *age > limit)
                    .map(|(k, age)| json!({"access_key_id": k.id, "created": k.created, "age_days": age}))
                    .collect();
                let undated = active.iter().filter(|k| k.created.is_none()).count();
                if !old.is_empty() {
                    out.fail(
                        at,
                        format!(
                            "user `{}` has {} active access key(s) older than {limit} days",
                            user.meta.name,
                            old.len()
                        ),
                    )
                    .with("keys", json!(old))
                    .with("limit_days", json!(limit));
                } else if undated > 0 {
                    out.not_assessed(
                        at,
                        format!(
                            "user `{}` has {undated} active key(s) with no creation date",
                            user.meta.name
                        ),
                    );
                } else {
                    out.pass(
                        at,
                        format!(
                            "every active access key of user `{}` is younger than {limit} days",
                            user.meta.name
                        ),
                    );
                }
            }
        }
    }
}
