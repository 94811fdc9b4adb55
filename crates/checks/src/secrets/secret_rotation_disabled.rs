//! SM-001 `secret-rotation-disabled`: a Secrets Manager secret has no automatic rotation.

use crate::prelude::*;

/// A credential that never changes stays valid wherever a copy of it went.
pub struct SecretRotationDisabled;

static META: CheckMeta = CheckMeta {
    code: "SM-001",
    name: "secret-rotation-disabled",
    title: "A Secrets Manager secret does not rotate automatically",
    severity: Severity::Medium,
    controls: &["SEC-4"],
    inputs: Input::LSTC,
    compliance: &[fsbp("SecretsManager.1")],
    needs: &[data::SECRETS_MANAGER],
    rationale: "Storing a credential in Secrets Manager keeps it out of code, but a copy can still \
                leak: read by a developer, logged by an application, kept in a laptop's shell \
                history. Automatic rotation replaces the credential on a schedule, so a leaked \
                copy stops working without anyone having to notice the leak.",
    remediation: RemediationText {
        text: "Turn on rotation with a rotation function (AWS provides ones for RDS, Redshift and \
               DocumentDB credentials; write one for API tokens) and a schedule of 30 to 90 days, \
               and make the applications read the secret at run time rather than copying it.",
        cli: Some(
            "aws secretsmanager rotate-secret --secret-id <secret> --rotation-lambda-arn <function-arn> --rotation-rules AutomaticallyAfterDays=30",
        ),
        terraform: Some(
            "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id           = aws_secretsmanager_secret.db.id\n  rotation_lambda_arn = aws_lambda_function.rotate_db.arn\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for SecretRotationDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, s) in ctx.each(|r| &r.secrets) {
            let at = At::meta(&account.id, Some(&region.name), &s.meta);
            if s.rotation_enabled {
                let every = s
                    .rotation_days
                    .map(|d| format!(" every {d} days"))
                    .unwrap_or_default();
                out.pass(
                    at,
                    format!("secret `{}` rotates automatically{every}", s.meta.name),
                );
            } else {
                out.fail(
                    at,
                    format!("secret `{}` has no automatic rotation", s.meta.name),
                )
                .with("rotation_enabled", json!(false))
                .with("last_changed", json!(s.last_changed));
            }
        }
    }
}
