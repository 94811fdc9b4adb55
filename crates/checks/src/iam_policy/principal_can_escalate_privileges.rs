//! IAM-109 `principal-can-escalate-privileges`: a user or role holds a known combination of
//! permissions that lets it raise its own privileges.

use rampart_policy::analysis;

use super::common;
use crate::prelude::*;

/// `iam:PassRole` with a compute create action, `iam:CreatePolicyVersion`, `iam:AttachUserPolicy`
/// and the like turn a narrow credential into an administrator.
pub struct PrincipalCanEscalatePrivileges;

static META: CheckMeta = CheckMeta {
    code: "IAM-109",
    name: "principal-can-escalate-privileges",
    title: "A principal can escalate its own privileges",
    severity: Severity::High,
    controls: &["IAM-14"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "Least privilege is void if a principal can grant itself more: rewriting a policy \
                it is attached to, attaching AdministratorAccess to itself, creating keys for a \
                more privileged user, or passing a privileged role to compute it controls (EC2, \
                Lambda, Glue, CloudFormation, SageMaker, CodeBuild, ECS) and using that role's \
                credentials. rampart checks the known escalation methods against every \
                principal's effective permissions, Denies and boundaries included.",
    remediation: RemediationText {
        text: "Remove the IAM write actions from application principals; limit `iam:PassRole` to \
               the specific roles the workload must pass (and `iam:PassedToService`); put a \
               permissions boundary on principals that must manage IAM.",
        cli: Some(
            "aws iam put-user-permissions-boundary --user-name <user> --permissions-boundary <boundary-arn>",
        ),
        terraform: Some(
            "statement {\n  actions   = [\"iam:PassRole\"]\n  resources = [aws_iam_role.task.arn]\n  condition {\n    test     = \"StringEquals\"\n    variable = \"iam:PassedToService\"\n    values   = [\"ecs-tasks.amazonaws.com\"]\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for PrincipalCanEscalatePrivileges {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for p in common::principals(account) {
                if p.role.is_some_and(|r| r.service_linked) || !p.complete(&account.id, out) {
                    continue;
                }
                let e = p.effective();
                let at = p.at(&account.id);
                if p.is_admin(&e) {
                    out.pass(at, format!("{} `{}` is already a full administrator (see IAM-5); escalation adds nothing", p.kind, p.meta.name));
                    continue;
                }
                let found: Vec<_> = analysis::escalations(&e)
                    .into_iter()
                    .filter(|x| x.method.actions.iter().all(|a| p.boundary_allows(a)))
                    .collect();
                if found.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "{} `{}` holds none of the {} known escalation methods",
                            p.kind,
                            p.meta.name,
                            analysis::ESCALATION_METHODS.len()
                        ),
                    );
                    continue;
                }
                let names: Vec<&str> = found.iter().map(|x| x.method.name).collect();
                let detail: Vec<serde_json::Value> = found
                    .iter()
                    .map(|x| {
                        json!({
                            "method": x.method.name,
                            "how": x.method.how,
                            "granted_by": x.granted_by.iter().map(|(a, refs)| json!({
                                "action": a,
                                "policies": refs.iter().map(|r| format!("{} statement #{}", p.policies.get(r.policy).map_or("", |(n, _)| n.as_str()), r.statement + 1)).collect::<Vec<_>>(),
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                out.fail(
                    at,
                    format!(
                        "{} `{}` can escalate its privileges: {}",
                        p.kind,
                        p.meta.name,
                        names.join(", ")
                    ),
                )
                .with("methods", json!(detail));
            }
        }
    }
}
