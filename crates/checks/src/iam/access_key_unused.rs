//! IAM-004 `access-key-unused`: an active access key has not been used for a long time.

use crate::prelude::*;

/// A key nobody uses is a credential nobody would notice being stolen.
pub struct AccessKeyUnused;

static META: CheckMeta = CheckMeta {
    code: "IAM-004",
    name: "access-key-unused",
    title: "An active access key has not been used within the allowed period",
    severity: Severity::Medium,
    controls: &["IAM-8"],
    inputs: Input::LS,
    compliance: &[cis3("1.12"), cis6("2.11"), fsbp("IAM.8"), fsbp("IAM.22")],
    needs: &[data::IAM_USERS, data::IAM_ACCESS_KEYS],
    rationale: "An active key that no workload uses grants its user's permissions to whoever holds \
                a copy — in an old laptop backup, a CI log, a former employee's shell history — \
                and nobody would miss it if it were revoked. Keys left behind by departed people \
                and retired systems are a common way into accounts. The period is \
                `thresholds.access_key_unused_days` (CIS asks for 45 days).",
    remediation: RemediationText {
        text: "Deactivate the key, wait long enough to be sure nothing breaks, then delete it. If \
               a workload still needs AWS access, give it a role (instance profile, task role, \
               OIDC federation for CI) instead of a user key.",
        cli: Some(
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive\naws iam delete-access-key --user-name <user> --access-key-id <key-id>",
        ),
        terraform: Some("# remove the aws_iam_access_key resource of this user"),
    },
    manual: false,
};

impl Check for AccessKeyUnused {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let limit = ctx.config.thresholds.access_key_unused_days;
        for account in ctx.accounts() {
            for user in &account.iam.users {
                let active: Vec<_> = user.access_keys.iter().filter(|k| k.active).collect();
                if active.is_empty() {
                    continue;
                }
                let at = At::meta(&account.id, None, &user.meta);
                let mut stale = Vec::new();
                let mut unknown = Vec::new();
                for key in active {
                    // Never used: idle since it was created.
                    match key.last_used.or(key.created) {
                        Some(since) if ctx.days_since(since) > limit => stale.push(json!({
                            "access_key_id": key.id,
                            "last_used": key.last_used,
                            "created": key.created,
                            "idle_days": ctx.days_since(since),
                        })),
                        Some(_) => {}
                        None => unknown.push(key.id.as_str()),
                    }
                }
                if !stale.is_empty() {
                    out.fail(at, format!("user `{}` has {} active access key(s) unused for more than {limit} days", user.meta.name, stale.len()))
                        .with("keys", json!(stale))
                        .with("limit_days", json!(limit));
                } else if !unknown.is_empty() {
                    out.not_assessed(at, format!("user `{}` has active keys whose last use and creation dates are unknown", user.meta.name))
                        .with("keys", json!(unknown));
                } else {
                    out.pass(
                        at,
                        format!(
                            "every active access key of user `{}` was used within {limit} days",
                            user.meta.name
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::AccessKeyUnused;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run, statuses};

    fn with_keys(keys: serde_json::Value) -> serde_json::Value {
        inventory(
            json!({"iam": {"users": [{"meta": {"arn": "arn:aws:iam::111122223333:user/ci", "name": "ci"}, "console_password": false, "access_keys": keys}]}}),
            None,
        )
    }

    #[test]
    fn a_never_used_key_is_idle_since_its_creation() {
        let old = with_keys(
            json!([{"id": "AKIAFIXTUREKEY000001", "active": true, "created": "2026-01-01T00:00:00Z"}]),
        );
        assert_eq!(
            statuses(&run(&AccessKeyUnused, old, &Config::default())),
            vec![Status::Fail]
        );
        let new = with_keys(
            json!([{"id": "AKIAFIXTUREKEY000001", "active": true, "created": "2026-10-01T00:00:00Z"}]),
        );
        assert_eq!(
            statuses(&run(&AccessKeyUnused, new, &Config::default())),
            vec![Status::Pass]
        );
    }

    #[test]
    fn the_threshold_comes_from_the_configuration_and_inactive_keys_are_ignored() {
        let keys = with_keys(json!([
            {"id": "AKIAFIXTUREKEY000001", "active": true, "created": "2026-01-01T00:00:00Z", "last_used": "2026-09-01T00:00:00Z"},
            {"id": "AKIAFIXTUREKEY000002", "active": false, "created": "2020-01-01T00:00:00Z"}
        ]));
        assert_eq!(
            statuses(&run(&AccessKeyUnused, keys.clone(), &Config::default())),
            vec![Status::Pass]
        );
        let mut config = Config::default();
        config.thresholds.access_key_unused_days = 45;
        assert_eq!(
            statuses(&run(&AccessKeyUnused, keys, &config)),
            vec![Status::Fail]
        );
    }

    #[test]
    fn undated_keys_are_not_assessed() {
        let keys = with_keys(json!([{"id": "AKIAFIXTUREKEY000001", "active": true}]));
        assert_eq!(
            statuses(&run(&AccessKeyUnused, keys, &Config::default())),
            vec![Status::NotAssessed]
        );
    }
}
