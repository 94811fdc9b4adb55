//! LAMBDA-001 `access-key-in-lambda-environment`: a Lambda function's environment holds AWS
//! access keys.

use crate::iam::credentials::find_in_environment;
use crate::prelude::*;

/// A function already has an execution role; a user key beside it is a second, permanent
/// credential that anyone who can read the configuration gets.
pub struct AccessKeyInLambdaEnvironment;

static META: CheckMeta = CheckMeta {
    code: "LAMBDA-001",
    name: "access-key-in-lambda-environment",
    title: "A Lambda function's environment variables contain AWS access keys",
    severity: Severity::Critical,
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::LAMBDA],
    rationale: "Every Lambda function runs with an execution role whose temporary credentials the \
                SDK picks up by itself. A user's access key in the environment bypasses that: it \
                does not expire, it is shown in clear to anyone with \
                `lambda:GetFunctionConfiguration` (a read-only permission many roles have), it is \
                copied into IaC state and deployment logs, and the function's actions are logged \
                as the user's instead of the function's.",
    remediation: RemediationText {
        text: "Deactivate and delete the exposed key (assume it leaked), grant the permissions it \
               was used for to the function's execution role, and remove the variables from the \
               function and from the code that deploys it.",
        cli: Some(
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive\naws lambda update-function-configuration --function-name <fn> --environment 'Variables={LOG_LEVEL=info}'",
        ),
        terraform: Some(
            "resource \"aws_lambda_function\" \"webhooks\" {\n  # ...\n  role = aws_iam_role.webhooks.arn # the SDK uses this role's credentials\n  environment {\n    variables = { LOG_LEVEL = \"info\" } # no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for AccessKeyInLambdaEnvironment {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, f) in ctx.each(|r| &r.lambda_functions) {
            let at = At::meta(&account.id, Some(&region.name), &f.meta);
            let hits = find_in_environment(&f.environment);
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "the environment of function `{}` holds no AWS access key",
                        f.meta.name
                    ),
                );
            } else {
                let vars: Vec<&str> = hits.iter().map(|(v, _)| v.as_str()).collect();
                out.fail(
                    at,
                    format!("the environment of function `{}` contains AWS credentials in {}", f.meta.name, vars.join(", ")),
                )
                .with(
                    "credentials",
                    json!(hits.iter().map(|(var, h)| json!({"variable": var, "kind": h.kind, "value": h.redacted})).collect::<Vec<_>>()),
                )
                .with("execution_role", json!(f.role));
            }
        }
    }
}
