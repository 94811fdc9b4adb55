//! IAM-109 `principal-can-escalate-privileges`: a user, role or group has a path to
//! administrator — hop by hop, each hop decided by the policy engine on its resource with the
//! principal's policies, boundary and the target's trust policy (`rampart_policy::escalate`).

use rampart_policy::escalate::{Graph, Hop, Node, NodeKind};
use rampart_policy::eval::Named;
use rampart_policy::{Policy, PolicyKind};

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
        let now = ctx.now.0.unix_timestamp().to_string();
        let admin = rampart_policy::parse_text(ADMIN, PolicyKind::Identity).policy;
        for account in ctx.accounts() {
            let principals = common::principals(account);
            let groups = group_policies(account);
            let trusts: Vec<Option<Policy>> = principals
                .iter()
                .map(|p| {
                    p.role.and_then(|r| {
                        rampart_policy::parse_value(&r.assume_role_policy, PolicyKind::Trust).policy
                    })
                })
                .collect();
            let group_index = |name: &str| {
                account
                    .iam
                    .groups
                    .iter()
                    .position(|g| g.meta.name == name)
                    .map(|i| principals.len() + i)
            };
            // IaC principals carry their address until applied: the ARN they will have.
            let arn_of = |kind: &str, meta: &rampart_model::Meta| {
                if meta.arn.starts_with("arn:") {
                    meta.arn.clone()
                } else {
                    format!("arn:aws:iam::{}:{kind}/{}", account.id, meta.name)
                }
            };
            let arns: Vec<String> = principals
                .iter()
                .map(|p| arn_of(p.kind, p.meta))
                .chain(account.iam.groups.iter().map(|g| arn_of("group", &g.meta)))
                .collect();
            let mut nodes: Vec<Node<'_>> = Vec::new();
            for (i, (p, trust)) in principals.iter().zip(&trusts).enumerate() {
                nodes.push(Node {
                    arn: &arns[i],
                    account: &account.id,
                    kind: if p.role.is_some() {
                        NodeKind::Role
                    } else {
                        NodeKind::User
                    },
                    policies: p.named(),
                    boundary: p.boundary.as_ref().map(|b| {
                        vec![Named {
                            name: "permissions boundary",
                            policy: b,
                        }]
                    }),
                    trust: trust.as_ref(),
                    attached: p
                        .user
                        .map(|u| &u.attached_policies)
                        .or(p.role.map(|r| &r.attached_policies))
                        .map(|v| v.iter().map(String::as_str).collect())
                        .unwrap_or_default(),
                    groups: p
                        .user
                        .map(|u| u.groups.iter().filter_map(|g| group_index(g)).collect())
                        .unwrap_or_default(),
                    service_linked: p.role.is_some_and(|r| r.service_linked),
                    hypothetical: false,
                });
            }
            for (j, (g, policies)) in account.iam.groups.iter().zip(&groups).enumerate() {
                nodes.push(Node {
                    arn: &arns[principals.len() + j],
                    account: &account.id,
                    kind: NodeKind::Group,
                    policies: policies
                        .iter()
                        .map(|(n, p)| Named { name: n, policy: p })
                        .collect(),
                    boundary: None,
                    trust: None,
                    attached: g.attached_policies.iter().map(String::as_str).collect(),
                    groups: Vec::new(),
                    service_linked: false,
                    hypothetical: false,
                });
            }
            let real = nodes.len();
            // Stand-ins for administrators not in the Inventory: a grant on every role, user,
            // group or customer policy of the account reaches them; a narrower grant does not.
            let probe_arns = [
                (
                    NodeKind::Role,
                    format!("arn:aws:iam::{}:role/rampart-any-role", account.id),
                ),
                (
                    NodeKind::User,
                    format!("arn:aws:iam::{}:user/rampart-any-user", account.id),
                ),
                (
                    NodeKind::Group,
                    format!("arn:aws:iam::{}:group/rampart-any-group", account.id),
                ),
            ];
            let probe_policy = format!("arn:aws:iam::{}:policy/rampart-any-policy", account.id);
            if let Some(admin) = &admin {
                for (kind, arn) in &probe_arns {
                    nodes.push(Node {
                        arn,
                        account: &account.id,
                        kind: *kind,
                        policies: vec![Named {
                            name: "an administrator policy",
                            policy: admin,
                        }],
                        boundary: None,
                        trust: None,
                        attached: vec![probe_policy.as_str()],
                        groups: Vec::new(),
                        service_linked: false,
                        hypothetical: true,
                    });
                }
            }
            let mut graph = Graph::new(nodes);
            for key in ["aws:CurrentTime", "aws:TokenIssueTime"] {
                graph.context.insert(key, now.clone());
            }
            graph.context.insert("aws:MultiFactorAuthPresent", "true");
            graph.context.insert("aws:SecureTransport", "true");
            let memo: std::cell::RefCell<std::collections::HashMap<usize, Vec<Hop>>> =
                std::cell::RefCell::default();
            let edges = |i: usize| -> Vec<Hop> {
                if let Some(e) = memo.borrow().get(&i) {
                    return e.clone();
                }
                let e = graph.edges(i);
                memo.borrow_mut().insert(i, e.clone());
                e
            };
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
                        ("group", &g.meta, &g.meta)
                    }
                };
                let at = At::meta(&account.id, None, at_meta);
                if graph.admin(i) {
                    out.pass(at, format!("{kind} `{}` is already a full administrator (see IAM-5); escalation adds nothing", meta.name));
                    continue;
                }
                let Some(e) = graph.escalation(i, &edges) else {
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

/// Each group's own policies (inline and attached), readable ones.
fn group_policies(account: &rampart_model::Account) -> Vec<Vec<(String, Policy)>> {
    account
        .iam
        .groups
        .iter()
        .map(|g| {
            let mut v = Vec::new();
            for ip in &g.inline_policies {
                if let Some(p) =
                    rampart_policy::parse_value(&ip.document, PolicyKind::Identity).policy
                {
                    v.push((
                        format!("inline policy `{}` of group `{}`", ip.name, g.meta.name),
                        p,
                    ));
                }
            }
            for arn in &g.attached_policies {
                if let Some(p) = account.iam.policy(arn).and_then(|m| {
                    rampart_policy::parse_value(&m.document, PolicyKind::Identity).policy
                }) {
                    v.push((format!("managed policy `{arn}`"), p));
                }
            }
            v
        })
        .collect()
}
