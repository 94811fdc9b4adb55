//! SECRET-003 `task-definition-environment-holds-secret`: an ECS task definition passes a secret
//! as a plain environment variable.

use super::{evidence, scan_named, scanner, summary};
use crate::prelude::*;

/// Task definitions are readable through `ecs:DescribeTaskDefinition` and every revision is kept.
pub struct TaskDefinitionEnvironmentHoldsSecret;

static META: CheckMeta = CheckMeta {
    code: "SECRET-003",
    name: "task-definition-environment-holds-secret",
    title: "ECS task definition passes a secret as a plain environment variable",
    severity: Severity::High,
    controls: &["SEC-2"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::ECS],
    rationale: "Plain `environment` entries of a task definition are returned in clear text by \
                DescribeTaskDefinition, and revisions are immutable: deregistering one still leaves it \
                readable. ECS can inject values from Secrets Manager or SSM Parameter Store through \
                the container's `secrets` list instead, so the value never appears in the definition.",
    remediation: RemediationText {
        text: "Rotate the exposed credential, store it in Secrets Manager or an SSM SecureString \
               parameter, reference it from the container's `secrets` list (valueFrom), give the \
               task execution role read access to it, register a new revision and deregister the old \
               ones.",
        cli: Some(
            "aws ecs register-task-definition --cli-input-json file://taskdef-with-secrets.json",
        ),
        terraform: Some(
            "container_definitions = jsonencode([{\n  name    = \"app\"\n  image   = var.image\n  secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]\n}])",
        ),
    },
    manual: false,
};

impl Check for TaskDefinitionEnvironmentHoldsSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, td) in ctx.each(|r| &r.ecs_task_definitions) {
            let at = At::meta(&account.id, Some(&region.name), &td.meta);
            let Some(scanner) = scanner() else {
                out.not_assessed(at, "the secret pattern catalogue failed to load");
                continue;
            };
            // Names are qualified by container; the rules look at the value and the variable name.
            let vars: Vec<(String, &str)> = td
                .containers
                .iter()
                .flat_map(|c| {
                    c.environment
                        .iter()
                        .map(move |(k, v)| (format!("{}/{k}", c.name), v.as_str()))
                })
                .collect();
            let hits = scan_named(scanner, vars.iter().map(|(k, v)| (k.as_str(), *v)));
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "task definition `{}`: no secret in its container environments",
                        td.meta.name
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "task definition `{}` environment holds {}",
                        td.meta.name,
                        summary(&hits)
                    ),
                )
                .with("secrets", evidence(&hits));
            }
        }
    }
}
