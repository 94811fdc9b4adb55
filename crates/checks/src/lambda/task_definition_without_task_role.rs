//! ECS-002 `task-definition-without-task-role`: an ECS task definition has no task role.

use crate::prelude::*;

/// Without a task role, containers either carry keys or borrow the host's role.
pub struct TaskDefinitionWithoutTaskRole;

static META: CheckMeta = CheckMeta {
    code: "ECS-002",
    name: "task-definition-without-task-role",
    title: "An ECS task definition has no task role",
    severity: Severity::Medium,
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::ECS],
    rationale: "The task role gives each task its own rotating credentials, scoped to what that \
                service needs. Without one, a container that calls AWS either carries a user's \
                access key, or — on the EC2 launch type — reaches the instance metadata service \
                and acts with the container instance's role, which is shared by every task on the \
                host and usually broader than any one of them needs.",
    remediation: RemediationText {
        text: "Create a role trusted by `ecs-tasks.amazonaws.com` with the permissions the \
               service needs, set it as the task role, and block containers from the instance \
               metadata service on EC2 hosts (`ECS_AWSVPC_BLOCK_IMDS=true` or a hop limit of 1).",
        cli: Some(
            "aws ecs register-task-definition --family <family> --task-role-arn arn:aws:iam::<account>:role/<task-role> --container-definitions file://containers.json",
        ),
        terraform: Some(
            "resource \"aws_ecs_task_definition\" \"api\" {\n  # ...\n  task_role_arn      = aws_iam_role.api_task.arn\n  execution_role_arn = aws_iam_role.ecs_execution.arn\n}",
        ),
    },
    manual: false,
};

impl Check for TaskDefinitionWithoutTaskRole {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, td) in ctx.each(|r| &r.ecs_task_definitions) {
            let at = At::meta(&account.id, Some(&region.name), &td.meta);
            match &td.task_role {
                Some(role) => {
                    out.pass(
                        at,
                        format!(
                            "task definition `{}` runs with task role `{role}`",
                            td.meta.name
                        ),
                    );
                }
                None => {
                    out.fail(
                        at,
                        format!("task definition `{}` has no task role", td.meta.name),
                    )
                    .with("network_mode", json!(td.network_mode))
                    .with("execution_role", json!(td.execution_role));
                }
            }
        }
    }
}
