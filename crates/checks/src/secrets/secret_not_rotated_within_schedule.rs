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
