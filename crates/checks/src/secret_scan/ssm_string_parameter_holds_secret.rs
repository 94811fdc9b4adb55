//! SECRET-004 `ssm-string-parameter-holds-secret`: an SSM parameter of type `String` or
//! `StringList` holds a secret.

use super::{evidence, scan_named, scanner, summary};
use crate::prelude::*;

/// `String` parameters are stored and returned unencrypted, to anyone with `ssm:GetParameter`.
pub struct SsmStringParameterHoldsSecret;

static META: CheckMeta = CheckMeta {
    code: "SECRET-004",
    name: "ssm-string-parameter-holds-secret",
    title: "SSM String parameter holds a secret value",
    severity: Severity::High,
    controls: &["SEC-2", "SEC-3"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::SSM_PARAMETERS],
    rationale: "Only SecureString parameters are encrypted with KMS and need kms:Decrypt to read; a \
                String or StringList parameter is returned in clear text to every principal with \
                ssm:GetParameter or ssm:GetParametersByPath on its path, and its value shows in the \
                console and in parameter history. A credential stored that way is readable far more \
                widely than intended.",
    remediation: RemediationText {
        text: "Rotate the exposed credential and store the new value as a SecureString parameter \
               (with a customer managed KMS key where access must be limited), then delete the String \
               parameter, whose history still holds the old value.",
        cli: Some(
            "aws ssm put-parameter --name <name>-secure --type SecureString --value <new-value> && aws ssm delete-parameter --name <name>",
        ),
        terraform: Some(
            "resource \"aws_ssm_parameter\" \"db_password\" {\n  name   = \"/prod/app/db_password\"\n  type   = \"SecureString\"\n  value  = var.db_password\n  key_id = aws_kms_key.app.arn\n}",
        ),
    },
    manual: false,
};

impl Check for SsmStringParameterHoldsSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, p) in ctx.each(|r| &r.ssm_parameters) {
            if p.kind == "SecureString" {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &p.meta);
            let Some(value) = &p.value else {
                out.not_assessed(
                    at,
                    format!("parameter `{}`: its value was not read", p.meta.name),
                );
                continue;
            };
            let Some(scanner) = scanner() else {
                out.not_assessed(at, "the secret pattern catalogue failed to load");
                continue;
            };
            let hits = scan_named(scanner, [(p.meta.name.as_str(), value.as_str())]);
            if hits.is_empty() {
                out.pass(
                    at,
                    format!("{} parameter `{}` holds no secret", p.kind, p.meta.name),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "{} parameter `{}` holds {}",
                        p.kind,
                        p.meta.name,
                        summary(&hits)
                    ),
                )
                .with("type", json!(p.kind))
                .with("secrets", evidence(&hits));
            }
        }
    }
}
