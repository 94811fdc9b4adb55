//! IAM-109 `principal-can-escalate-privileges`: a user, role or group has a path to
//! administrator — hop by hop, each hop decided by the policy engine on its resource with the
//! principal's policies, boundary and the target's trust policy (`rampart_policy::escalate`).

use rampart_policy::PolicyKind;
use rampart_policy::escalate::NodeKind;

use crate::prelude::*;

/// `iam:PassRole` with a compute create action, `iam:CreatePolicyVersion`, `iam:AttachUserPolicy`
/// and the like turn a narrow credential into an administrator.
pub struct PrincipalCanEscalatePrivileges;

static META: CheckMeta = CheckMeta {
    code: "IAM-109",
    name: "principal-can-escalate-privileges",
    title: "A principal has a path to administrator",
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
        data::IAM_INSTANCE_PROFILES,
    ],
    rationale: "Least privilege is void if a principal can grant itself more: rewriting a policy \
                it is attached to, attaching AdministratorAccess to itself, creating keys for a \
                more privileged user, assuming a role that can, lifting a permissions boundary that \
                holds back administrator policies, or passing a privileged role to compute it \
                controls (EC2, Lambda, Glue, CloudFormation, SageMaker, CodeBuild, ECS, Data \
                Pipeline) and using that role's credentials. rampart builds the graph of users, \
                roles and groups and decides every hop with the policy engine on its resource, \
                Denies, boundaries, trust policies and conditions included (AWS managed policies \
                attached by ARN are read from their published text); a finding names the path \
                hop by hop and says whether the principal escalates itself or can only grant to \
                others. The methods: docs/escalation-methods.md.",
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
        let now = ctx.now.0.unix_timestamp().to_string();
        let admin = rampart_policy::parse_text(ADMIN, PolicyKind::Identity).policy;
        for account in ctx.accounts() {
            let estate = crate::estate::Estate::new(account);
            let mut graph = estate.graph(admin.as_ref());
            let principals = &estate.principals;
            let real = estate.real_nodes();
            for key in ["aws:CurrentTime", "aws:TokenIssueTime"] {
                graph.context.insert(key, now.clone());
            }
            graph.context.insert("aws:MultiFactorAuthPresent", "true");
            graph.context.insert("aws:SecureTransport", "true");
            for i in 0..real {
                let node = &graph.nodes[i];
                let (kind, meta, at_meta) = match principals.get(i) {
                    Some(p) => {
                        if node.service_linked || !p.complete(&account.id, out) {
                            continue;
                        }
                        (p.kind, p.meta, p.meta)
                    }
                    None => {
                        let g = &account.iam.groups[i - principals.len()];
                        let missing = estate.missing(i);
                        if !missing.is_empty() {
                            out.not_assessed(
                                At::meta(&account.id, None, &g.meta),
                                format!(
                                    "group `{}`: not assessed, the Inventory lacks {}",
                                    g.meta.name,
                                    missing.join(", ")
                                ),
                            )
                            .with("missing", json!(missing));
                            continue;
                        }
                        ("group", &g.meta, &g.meta)
                    }
                };
                let at = At::meta(&account.id, None, at_meta);
                if graph.admin(i) {
                    out.pass(at, format!("{kind} `{}` is already a full administrator (see IAM-5); escalation adds nothing", meta.name));
                    continue;
                }
                let Some(e) = graph.escalation(i) else {
                    out.pass(at, format!("{kind} `{}` has no path to administrator: no role it can assume or pass, no principal or policy it can change, leads there", meta.name));
                    continue;
                };
                let name_of = |n: usize| {
                    let node = &graph.nodes[n];
                    if node.hypothetical {
                        format!("any {} matching its grant", kind_name(node.kind))
                    } else {
                        format!(
                            "{} `{}`",
                            kind_name(node.kind),
                            node.arn.rsplit('/').next().unwrap_or(node.arn)
                        )
                    }
                };
                let hops: Vec<String> = e
                    .path
                    .iter()
                    .map(|h| {
                        format!(
                            "{} → {} ({})",
                            name_of(h.from),
                            name_of(h.to),
                            h.method.name
                        )
                    })
                    .collect();
                let detail: Vec<serde_json::Value> = e
                    .path
                    .iter()
                    .map(|h| {
                        json!({
                            "from": graph.nodes[h.from].arn,
                            "to": graph.nodes[h.to].arn,
                            "to_hypothetical": graph.nodes[h.to].hypothetical,
                            "method": h.method.name,
                            "actions": h.method.actions,
                            "how": h.method.how,
                            "statements": h.statements.iter().map(|d| match &d.sid {
                                Some(sid) if !sid.is_empty() => format!("{} statement #{} `{sid}`", d.policy, d.statement + 1),
                                _ => format!("{} statement #{}", d.policy, d.statement + 1),
                            }).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let message = if e.self_escalation {
                    format!(
                        "{kind} `{}` can escalate its privileges: {}",
                        meta.name,
                        hops.join(", then ")
                    )
                } else {
                    format!(
                        "{kind} `{}` can make another principal an administrator (grant to others, not to itself): {}",
                        meta.name,
                        hops.join(", then ")
                    )
                };
                out.fail(at, message)
                    .with("self_escalation", json!(e.self_escalation))
                    .with("path", json!(detail));
            }
        }
    }
}

/// The stand-in administrators' policy.
const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn kind_name(k: NodeKind) -> &'static str {
    match k {
        NodeKind::User => "user",
        NodeKind::Role => "role",
        NodeKind::Group => "group",
    }
}
