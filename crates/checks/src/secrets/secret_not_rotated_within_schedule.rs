//! SM-002 `secret-not-rotated-within-schedule`: a secret's value is older than its rotation
//! schedule (or than the configured maximum when it has none).

use crate::prelude::*;

/// A rotation that is configured but failing is as bad as none, and quieter.
pub struct SecretNotRotatedWithinSchedule;

static META: CheckMeta = CheckMeta {
    code: "SM-002",
    name: "secret-not-rotated-within-schedule",
    title: "A Secrets Manager secret has not been rotated within its schedule",
    severity: Severity::Medium,
    controls: &["SEC-4"],
    inputs: Input::LS,
    compliance: &[fsbp("SecretsManager.2"), fsbp("SecretsManager.4")],
    needs: &[data::SECRETS_MANAGER],
    rationale: "Rotation that is turned on can still fail silently: the rotation function lacks \
                network access to the database, its role lost a permission, the secret's format \
                changed. The value then ages exactly as if rotation were off, while dashboards say \
                it is on. Measuring the age of the value against the schedule (or against \
                `thresholds.secret_rotation_max_days` for secrets without one) catches both.",
    remediation: RemediationText {
        text: "Look at the rotation function's logs for the failure, fix it, and rotate now; for \
               secrets rotated by hand, change the value and record the date.",
        cli: Some(
            "aws secretsmanager describe-secret --secret-id <secret>\naws secretsmanager rotate-secret --secret-id <secret>",
        ),
        terraform: None,
    },
    manual: false,
};

impl Check for SecretNotRotatedWithinSchedule {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let max_days = ctx.config.thresholds.secret_rotation_max_days;
        for (account, region, s) in ctx.each(|r| &r.secrets) {
            let at = At::meta(&account.id, Some(&region.name), &s.meta);
            let (limit, basis) = match (s.rotation_enabled, s.rotation_days) {
                (true, Some(days)) => (i64::from(days), "its rotation schedule"),
                _ => (
                    max_days,
                    "the configured maximum (`thresholds.secret_rotation_max_days`)",
                ),
            };
            // A manual change of the value is a rotation too.
            let last = [s.last_rotated, s.last_changed]
                .into_iter()
                .flatten()
                .max()
                .or(s.created);
            let Some(last) = last else {
                out.not_assessed(
                    at,
                    format!(
                        "secret `{}` has no recorded rotation, change or creation date",
                        s.meta.name
                    ),
                );
                continue;
            };
            let age = ctx.days_since(last);
            if age > limit {
                out.fail(at, format!("secret `{}` was last rotated {age} days ago, beyond {basis} of {limit} days", s.meta.name))
                    .with("last_rotated", json!(s.last_rotated))
                    .with("last_changed", json!(s.last_changed))
                    .with("age_days", json!(age))
                    .with("limit_days", json!(limit))
                    .with("rotation_enabled", json!(s.rotation_enabled));
            } else {
                out.pass(
                    at,
                    format!(
                        "secret `{}` was rotated {age} days ago, within {limit} days",
                        s.meta.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::SecretNotRotatedWithinSchedule;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run, statuses};

    fn secret(extra: serde_json::Value) -> serde_json::Value {
        let mut s = json!({"meta": {"arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf", "name": "s"}});
        if let (Some(s), Some(e)) = (s.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        inventory(json!({}), Some(json!({"secrets": [s]})))
    }

    #[test]
    fn the_schedule_applies_when_rotation_is_on() {
        // 40 days: beyond a 30-day schedule, within the 90-day default maximum.
        let on = secret(
            json!({"rotation_enabled": true, "rotation_days": 30, "last_rotated": "2026-09-22T00:00:00Z"}),
        );
        assert_eq!(
            statuses(&run(
                &SecretNotRotatedWithinSchedule,
                on,
                &Config::default()
            )),
            vec![Status::Fail]
        );
        let off =
            secret(json!({"rotation_enabled": false, "last_changed": "2026-09-22T00:00:00Z"}));
        assert_eq!(
            statuses(&run(
                &SecretNotRotatedWithinSchedule,
                off,
                &Config::default()
            )),
            vec![Status::Pass]
        );
    }

    #[test]
    fn a_manual_change_counts_and_creation_is_the_fallback() {
        let changed = secret(
            json!({"last_rotated": "2025-01-01T00:00:00Z", "last_changed": "2026-10-01T00:00:00Z"}),
        );
        assert_eq!(
            statuses(&run(
                &SecretNotRotatedWithinSchedule,
                changed,
                &Config::default()
            )),
            vec![Status::Pass]
        );
        let created = secret(json!({"created": "2025-01-01T00:00:00Z"}));
        assert_eq!(
            statuses(&run(
                &SecretNotRotatedWithinSchedule,
                created,
                &Config::default()
            )),
            vec![Status::Fail]
        );
        let undated = secret(json!({}));
        assert_eq!(
            statuses(&run(
                &SecretNotRotatedWithinSchedule,
                undated,
                &Config::default()
            )),
            vec![Status::NotAssessed]
        );
    }
}
