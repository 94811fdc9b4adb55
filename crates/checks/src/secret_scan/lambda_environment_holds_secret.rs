//! SECRET-001 `lambda-environment-holds-secret`: a Lambda function's environment variables hold a
//! secret in plain text.

use super::{evidence, scan_named, scanner, summary};
use crate::prelude::*;

/// Environment variables are shown to anyone who can read the function's configuration
/// (`lambda:GetFunctionConfiguration`) and end up in IaC, state files and console screenshots.
pub struct LambdaEnvironmentHoldsSecret;

static META: CheckMeta = CheckMeta {
    code: "SECRET-001",
    name: "lambda-environment-holds-secret",
    title: "Lambda environment variables hold a secret in plain text",
    severity: Severity::High,
    controls: &["SEC-2"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::LAMBDA],
    rationale: "A Lambda function's environment is returned in plain text by \
                GetFunctionConfiguration to every principal allowed to read the function, is copied \
                into Terraform state and CloudFormation templates, and is often pasted into tickets. \
                KMS encryption of the environment does not change that: the API decrypts it for the \
                reader. A credential kept there is as exposed as the function's configuration.",
    remediation: RemediationText {
        text: "Rotate the exposed credential, store the new one in AWS Secrets Manager (or an SSM \
               SecureString parameter), pass only the secret's ARN in the environment, and read the \
               value at run time (the Parameters and Secrets Lambda extension caches it).",
        cli: Some(
            "aws secretsmanager create-secret --name <name> --secret-string <value> && aws lambda update-function-configuration --function-name <function> --environment 'Variables={SECRET_ARN=<secret-arn>}'",
        ),
        terraform: Some(
            "resource \"aws_secretsmanager_secret\" \"db\" {\n  name = \"prod/app/db\"\n}\n\nresource \"aws_lambda_function\" \"app\" {\n  # ...\n  environment {\n    variables = {\n      DB_SECRET_ARN = aws_secretsmanager_secret.db.arn\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for LambdaEnvironmentHoldsSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let Some(scanner) = scanner() else {
            for (account, region, f) in ctx.each(|r| &r.lambda_functions) {
                out.not_assessed(
                    At::meta(&account.id, Some(&region.name), &f.meta),
                    "the secret pattern catalogue failed to load",
                );
            }
            return;
        };
        for (account, region, f) in ctx.each(|r| &r.lambda_functions) {
            let at = At::meta(&account.id, Some(&region.name), &f.meta);
            let hits = scan_named(
                scanner,
                f.environment.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "function `{}`: no secret in its {} environment variable(s)",
                        f.meta.name,
                        f.environment.len()
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "function `{}` environment holds {}",
                        f.meta.name,
                        summary(&hits)
                    ),
                )
                .with("secrets", evidence(&hits));
            }
        }
    }
}
