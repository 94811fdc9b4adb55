//! ECS-001 `access-key-in-task-definition`: an ECS task definition passes AWS access keys to a
//! container as plain environment variables.

use crate::iam::credentials::find_in_environment;
use crate::prelude::*;

/// Task definitions are readable by `ecs:DescribeTaskDefinition` and every revision is kept.
pub struct AccessKeyInTaskDefinition;

static META: CheckMeta = CheckMeta {
    code: "ECS-001",
    name: "access-key-in-task-definition",
    title: "An ECS task definition has AWS access keys in a container's environment",
    severity: Severity::Critical,
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::ECS],
    rationale: "Plain environment variables of a task definition are returned in clear by \
                `ecs:DescribeTaskDefinition`, kept in every revision forever (revisions can be \
                deregistered, not erased), and shown in the console. An access key there is a \
                permanent credential anyone with read access to ECS can copy, while a task role \
                would give the containers rotating credentials.",
    remediation: RemediationText {
        text: "Deactivate and delete the exposed key, give the task definition a task role with \
               the permissions the key was used for, register a new revision without the \
               variables, and deregister the revisions that contain them.",
        cli: Some(
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive\naws ecs deregister-task-definition --task-definition <family>:<revision>",
        ),
        terraform: Some(
            "resource \"aws_ecs_task_definition\" \"api\" {\n  # ...\n  task_role_arn = aws_iam_role.api_task.arn\n  # container_definitions: no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in \"environment\"\n}",
        ),
    },
    manual: false,
};

impl Check for AccessKeyInTaskDefinition {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, td) in ctx.each(|r| &r.ecs_task_definitions) {
            let at = At::meta(&account.id, Some(&region.name), &td.meta);
            let hits: Vec<_> = td
                .containers
                .iter()
                .flat_map(|c| {
                    find_in_environment(&c.environment).into_iter().map(move |(var, h)| {
                        json!({"container": c.name, "variable": var, "kind": h.kind, "value": h.redacted})
                    })
                })
                .collect();
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "task definition `{}` passes no AWS access key in its environment",
                        td.meta.name
                    ),
                );
            } else {
                out.fail(at, format!("task definition `{}` has {} AWS credential(s) in container environment variables", td.meta.name, hits.len()))
                    .with("credentials", json!(hits))
                    .with("task_role", json!(td.task_role));
            }
        }
    }
}
