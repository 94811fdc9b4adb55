//! Privilege escalation as paths. Principals (users, roles, groups) are nodes; an edge is a way
//! for one principal to act as another (assume a role whose trust policy and the caller's
//! identity policies both allow it; pass a role to a service that runs code with it; take over a
//! user's credentials; join a group) or to give another principal more (attach or write a policy
//! on it, version a managed policy attached to it). Every edge is decided by
//! [`crate::eval::evaluate`] on the concrete resource with the caller's policies and boundary, so
//! a Deny elsewhere, a resource limited to AWS managed policies (which nobody can change) or a
//! condition that can never hold leaves no edge.
//!
//! A principal **escalates itself** when a path of "act as" edges reaches an administrator, or a
//! principal it can act as can make one of those principals an administrator; it **grants to
//! others** when it can only make other principals administrators.

use std::collections::{HashMap, VecDeque};

use crate::analysis;
use crate::eval::{Decider, Decision, Named, PolicySet, Request, RequestContext, evaluate};
use crate::policy::Policy;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
    /// An IAM group (its members hold its policies).
    Group,
}

/// A principal with everything the escalation analysis needs.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// Its ARN.
    pub arn: &'a str,
    /// Its account.
    pub account: &'a str,
    /// User, role or group.
    pub kind: NodeKind,
    /// Its identity policies (a user's include its groups').
    pub policies: Vec<Named<'a>>,
    /// Its permissions boundary.
    pub boundary: Option<Vec<Named<'a>>>,
    /// A role's trust policy.
    pub trust: Option<&'a Policy>,
    /// The managed policies attached to it (ARNs).
    pub attached: Vec<&'a str>,
    /// For users: the indexes of its groups among the nodes.
    pub groups: Vec<usize>,
    /// A service-linked role (AWS manages it; not a target).
    pub service_linked: bool,
    /// A stand-in for any principal of its kind not in the Inventory (or created later): it
    /// trusts whatever service a method needs, but nobody assumes it without a trust policy.
    pub hypothetical: bool,
}

/// One way from a principal to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Method {
    /// A short name.
    pub name: &'static str,
    /// The actions needed, the first on the target.
    pub actions: &'static [&'static str],
    /// Whether it lets the caller act as the target (`false`: it empowers the target).
    pub act_as: bool,
    /// The service principal the target role must trust (pass-role and compute methods).
    pub service: Option<&'static str>,
    /// How it works.
    pub how: &'static str,
}

const fn m(
    name: &'static str,
    actions: &'static [&'static str],
    act_as: bool,
    service: Option<&'static str>,
    how: &'static str,
) -> Method {
    Method {
        name,
        actions,
        act_as,
        service,
        how,
    }
}

/// Methods against a role (the target resource is the role ARN for the first action).
pub const ROLE_METHODS: &[Method] = &[
    m(
        "assume-role",
        &["sts:AssumeRole"],
        true,
        None,
        "assume the role (its trust policy and the caller's policies allow it)",
    ),
    m(
        "update-assume-role-policy",
        &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        true,
        None,
        "rewrite the role's trust policy to trust oneself, then assume it",
    ),
    m(
        "pass-role-ec2",
        &["iam:PassRole", "ec2:RunInstances"],
        true,
        Some("ec2.amazonaws.com"),
        "launch an instance with the role and use its credentials",
    ),
    m(
        "pass-role-lambda",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        true,
        Some("lambda.amazonaws.com"),
        "create a function running as the role and invoke it",
    ),
    m(
        "pass-role-lambda-event-source",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        true,
        Some("lambda.amazonaws.com"),
        "create a function running as the role, triggered by an event source",
    ),
    m(
        "pass-role-cloudformation",
        &["iam:PassRole", "cloudformation:CreateStack"],
        true,
        Some("cloudformation.amazonaws.com"),
        "create a stack that runs as the role",
    ),
    m(
        "cloudformation-update-stack",
        &["iam:PassRole", "cloudformation:UpdateStack"],
        true,
        Some("cloudformation.amazonaws.com"),
        "update a stack so that its privileged stack role creates what one asks",
    ),
    m(
        "cloudformation-change-set",
        &[
            "iam:PassRole",
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        true,
        Some("cloudformation.amazonaws.com"),
        "create and execute a change set run by the stack role",
    ),
    m(
        "cloudformation-set-stack-policy",
        &[
            "cloudformation:SetStackPolicy",
            "cloudformation:UpdateStack",
        ],
        true,
        Some("cloudformation.amazonaws.com"),
        "lift a stack policy and update the stack run by its privileged role",
    ),
    m(
        "pass-role-codebuild",
        &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        true,
        Some("codebuild.amazonaws.com"),
        "run a build as the role",
    ),
    m(
        "codebuild-start-build",
        &["codebuild:StartBuild"],
        true,
        Some("codebuild.amazonaws.com"),
        "start an existing project's build (buildspec override) that runs as the role",
    ),
    m(
        "pass-role-sagemaker-notebook",
        &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        true,
        Some("sagemaker.amazonaws.com"),
        "open a notebook running as the role",
    ),
    m(
        "sagemaker-presigned-url",
        &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        true,
        Some("sagemaker.amazonaws.com"),
        "open an existing notebook that runs as the role",
    ),
    m(
        "pass-role-sagemaker-training",
        &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        true,
        Some("sagemaker.amazonaws.com"),
        "run a training job (arbitrary code) as the role",
    ),
    m(
        "pass-role-sagemaker-processing",
        &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        true,
        Some("sagemaker.amazonaws.com"),
        "run a processing job (arbitrary code) as the role",
    ),
    m(
        "pass-role-glue-dev-endpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
        true,
        Some("glue.amazonaws.com"),
        "create a Glue development endpoint with the role and log in to it",
    ),
    m(
        "glue-update-dev-endpoint",
        &["glue:UpdateDevEndpoint"],
        true,
        Some("glue.amazonaws.com"),
        "add one's SSH key to a development endpoint running as the role",
    ),
    m(
        "pass-role-datapipeline",
        &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ],
        true,
        Some("datapipeline.amazonaws.com"),
        "run a data pipeline as the role",
    ),
    m(
        "ssm-send-command",
        &["ssm:SendCommand"],
        true,
        Some("ec2.amazonaws.com"),
        "run commands on an instance with the role and use its credentials",
    ),
    m(
        "ssm-start-session",
        &["ssm:StartSession"],
        true,
        Some("ec2.amazonaws.com"),
        "open a shell on an instance with the role",
    ),
    m(
        "ec2-instance-connect",
        &["ec2-instance-connect:SendSSHPublicKey"],
        true,
        Some("ec2.amazonaws.com"),
        "log in to an instance with the role",
    ),
    m(
        "lambda-update-function-code",
        &["lambda:UpdateFunctionCode"],
        true,
        Some("lambda.amazonaws.com"),
        "replace the code of a function that runs as the role",
    ),
    m(
        "lambda-update-function-configuration",
        &["lambda:UpdateFunctionConfiguration"],
        true,
        Some("lambda.amazonaws.com"),
        "add a layer that runs one's code in a function running as the role",
    ),
    m(
        "attach-role-policy",
        &["iam:AttachRolePolicy"],
        false,
        None,
        "attach an administrator policy to the role",
    ),
    m(
        "put-role-policy",
        &["iam:PutRolePolicy"],
        false,
        None,
        "write an inline administrator policy on the role",
    ),
];

/// Methods against a user.
pub const USER_METHODS: &[Method] = &[
    m(
        "create-access-key",
        &["iam:CreateAccessKey"],
        true,
        None,
        "create an access key for the user and act as it",
    ),
    m(
        "create-login-profile",
        &["iam:CreateLoginProfile"],
        true,
        None,
        "give the user a console password and log in as it",
    ),
    m(
        "update-login-profile",
        &["iam:UpdateLoginProfile"],
        true,
        None,
        "reset the user's console password and log in as it",
    ),
    m(
        "attach-user-policy",
        &["iam:AttachUserPolicy"],
        false,
        None,
        "attach an administrator policy to the user",
    ),
    m(
        "put-user-policy",
        &["iam:PutUserPolicy"],
        false,
        None,
        "write an inline administrator policy on the user",
    ),
];

/// Methods against a group.
pub const GROUP_METHODS: &[Method] = &[
    m(
        "add-user-to-group",
        &["iam:AddUserToGroup"],
        true,
        None,
        "add oneself to the group (users only)",
    ),
    m(
        "attach-group-policy",
        &["iam:AttachGroupPolicy"],
        false,
        None,
        "attach an administrator policy to the group",
    ),
    m(
        "put-group-policy",
        &["iam:PutGroupPolicy"],
        false,
        None,
        "write an inline administrator policy on the group",
    ),
];

/// Methods through a managed policy attached to the target.
pub const POLICY_METHODS: &[Method] = &[
    m(
        "create-policy-version",
        &["iam:CreatePolicyVersion"],
        false,
        None,
        "write a new default version of a managed policy attached to the target",
    ),
    m(
        "set-default-policy-version",
        &["iam:SetDefaultPolicyVersion"],
        false,
        None,
        "switch a managed policy attached to the target to another version",
    ),
];

/// One hop of a path.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hop {
    /// The node acting.
    pub from: usize,
    /// The node reached or empowered.
    pub to: usize,
    /// How.
    pub method: &'static Method,
    /// The statements that allowed each action of the method.
    pub statements: Vec<Decider>,
}

/// What a principal can do to raise privileges.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Escalation {
    /// The principal (node index).
    pub node: usize,
    /// `true`: it escalates itself; `false`: it can only make others administrators.
    pub self_escalation: bool,
    /// The hops, from the principal to the administrator it becomes or empowers.
    pub path: Vec<Hop>,
}

/// The caller ARN for a node (a group acts through a member, named after the group).
fn caller_arn(n: &Node<'_>) -> String {
    match n.kind {
        NodeKind::Group => format!(
            "arn:aws:iam::{}:user/member-of-{}",
            n.account,
            n.arn.rsplit('/').next().unwrap_or_default()
        ),
        _ => n.arn.to_owned(),
    }
}

/// Whether a node is an administrator: its policies allow everything and its boundary too.
#[must_use]
pub fn is_admin(n: &Node<'_>) -> bool {
    analysis::is_full_admin(&analysis::effective(&n.policies))
        && n.boundary
            .as_ref()
            .is_none_or(|b| analysis::is_full_admin(&analysis::effective(b)))
}

/// The graph of the estate.
pub struct Graph<'a> {
    /// The nodes.
    pub nodes: Vec<Node<'a>>,
    /// The context every hop is decided in (what a caller controls: MFA, TLS, the time).
    pub context: RequestContext,
    /// The organization's SCP levels over the account's principals, root first (empty: none
    /// applies, or they are not known).
    pub scps: Vec<Vec<Named<'a>>>,
    /// The organization's RCP levels over the account's resources, root first.
    pub rcps: Vec<Vec<Named<'a>>>,
    admin: Vec<bool>,
    by_policy: HashMap<&'a str, Vec<usize>>,
    members: HashMap<usize, Vec<usize>>,
}

impl<'a> Graph<'a> {
    /// Builds the graph's index over `nodes`.
    #[must_use]
    pub fn new(nodes: Vec<Node<'a>>) -> Self {
        let admin = nodes.iter().map(is_admin).collect();
        let mut by_policy: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            for p in &n.attached {
                by_policy.entry(p).or_default().push(i);
            }
            for g in &n.groups {
                members.entry(*g).or_default().push(i);
            }
        }
        Graph {
            nodes,
            context: RequestContext::new(),
            scps: Vec::new(),
            rcps: Vec::new(),
            admin,
            by_policy,
            members,
        }
    }

    /// A principal's side of a request (its policies and boundary) under the organization's
    /// SCPs and RCPs.
    #[must_use]
    pub fn set_of(&self, n: &Node<'a>) -> PolicySet<'a> {
        PolicySet {
            identity: n.policies.clone(),
            boundary: n.boundary.clone(),
            scps: self.scps.clone(),
            rcps: self.rcps.clone(),
            ..PolicySet::default()
        }
    }

    /// Whether node `i` is an administrator.
    #[must_use]
    pub fn admin(&self, i: usize) -> bool {
        self.admin[i]
    }

    /// Decides every action of a method for `from` on `target_arn` (the first action on the
    /// target, the others on `*`), and the service's trust for compute methods.
    fn hop(
        &self,
        from: usize,
        to: usize,
        method: &'static Method,
        target_arn: &str,
    ) -> Option<Hop> {
        let src = &self.nodes[from];
        let dst = &self.nodes[to];
        if dst.service_linked || (dst.hypothetical && method.name == "assume-role") {
            return None;
        }
        let caller = caller_arn(src);
        let mut statements = Vec::new();
        for action in method.actions {
            let mut ctx = self.context.clone();
            let mut set = self.set_of(src);
            // IAM and STS actions act on the target itself; the others (run an instance, start
            // a build…) on a resource of their service: `*`, or any resource a grant names.
            let on_target = action.starts_with("iam:") || action.starts_with("sts:");
            if action.eq_ignore_ascii_case("iam:PassRole")
                && let Some(svc) = method.service
            {
                ctx.insert("iam:PassedToService", svc);
            }
            if action.eq_ignore_ascii_case("sts:AssumeRole") && method.name == "assume-role" {
                // The trust policy is the role's resource policy and must allow.
                let trust = dst.trust?;
                set.resource.push(Named {
                    name: "trust policy",
                    policy: trust,
                });
            }
            let candidates: Vec<String> = if on_target {
                vec![target_arn.to_owned()]
            } else {
                let mut c = vec!["*".to_owned()];
                for n in &src.policies {
                    for st in &n.policy.statements {
                        if st.effect == crate::policy::Effect::Allow
                            && crate::eval::action_matches(st, action)
                            && let Some(list) = st.resource.as_ref().filter(|l| !l.negated)
                        {
                            c.extend(list.items.iter().map(|i| crate::wildcard_vars(&i.value)));
                        }
                    }
                }
                c.sort();
                c.dedup();
                c
            };
            let mut allowed = None;
            for resource in &candidates {
                let req = Request {
                    action,
                    resource,
                    principal: Some(&caller),
                    context: &ctx,
                };
                let e = evaluate(&set, &req);
                if e.decision == Decision::Allow {
                    allowed = Some(e);
                    break;
                }
            }
            statements.extend(allowed?.deciding);
        }
        if let Some(svc) = method.service.filter(|_| !dst.hypothetical) {
            // The role must trust the service that runs code with it.
            let trust = dst.trust?;
            let ctx = RequestContext::new();
            let req = Request {
                action: "sts:AssumeRole",
                resource: dst.arn,
                principal: Some(svc),
                context: &ctx,
            };
            if crate::eval::evaluate_policy("trust policy", trust, &req).decision != Decision::Allow
            {
                return None;
            }
        }
        Some(Hop {
            from,
            to,
            method,
            statements,
        })
    }

    /// Every edge out of node `from`.
    #[must_use]
    pub fn edges(&self, from: usize) -> Vec<Hop> {
        let src = &self.nodes[from];
        // Only what the principal's policies could allow at all is tried on every target.
        let e = analysis::effective(&src.policies);
        let possible = |ms: &'static [Method]| -> Vec<&'static Method> {
            ms.iter()
                .filter(|m| m.actions.iter().all(|a| e.allows(a, false)))
                .collect()
        };
        let (roles, users, groups, policies) = (
            possible(ROLE_METHODS),
            possible(USER_METHODS),
            possible(GROUP_METHODS),
            possible(POLICY_METHODS),
        );
        let mut out = Vec::new();
        if roles.is_empty() && users.is_empty() && groups.is_empty() && policies.is_empty() {
            return out;
        }
        for (to, dst) in self.nodes.iter().enumerate() {
            let methods = match dst.kind {
                NodeKind::Role => &roles,
                NodeKind::User => &users,
                NodeKind::Group => &groups,
            };
            for method in methods {
                if to == from && method.act_as {
                    continue;
                }
                // Only a user can join a group (a user-only action for a role or a group).
                if method.name == "add-user-to-group"
                    && (src.kind != NodeKind::User || src.groups.contains(&to))
                {
                    continue;
                }
                if let Some(h) = self.hop(from, to, method, dst.arn) {
                    out.push(h);
                }
            }
            for p in &dst.attached {
                for method in &policies {
                    if let Some(h) = self.hop(from, to, method, p) {
                        out.push(h);
                        break;
                    }
                }
            }
        }
        out
    }

    /// The escalation of node `start` (none for an administrator): the shortest path to an
    /// administrator it can act as, else an administrator grant to itself or to a principal it
    /// can act as (self-escalation), else a grant to another principal (grant to others).
    #[must_use]
    pub fn escalation(
        &self,
        start: usize,
        edges: &dyn Fn(usize) -> Vec<Hop>,
    ) -> Option<Escalation> {
        if self.admin[start] {
            return None;
        }
        // Breadth-first over "act as" edges; remember how each node was reached.
        let mut prev: HashMap<usize, Hop> = HashMap::new();
        let mut seen = vec![false; self.nodes.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        let mut empowering: Vec<Hop> = Vec::new();
        while let Some(x) = queue.pop_front() {
            if x != start && self.admin[x] {
                return Some(self.path_to(start, x, &prev, None));
            }
            for h in edges(x) {
                if h.method.act_as {
                    if !seen[h.to] {
                        seen[h.to] = true;
                        prev.insert(h.to, h.clone());
                        queue.push_back(h.to);
                    }
                } else {
                    empowering.push(h);
                }
            }
        }
        // Empowering a principal one can act as (oneself, or a group one belongs to) is
        // self-escalation; any other is a grant to others.
        let reached = |t: usize| {
            seen[t]
                || self
                    .members
                    .get(&t)
                    .is_some_and(|m| m.iter().any(|u| seen[*u]))
        };
        if let Some(h) = empowering.iter().find(|h| reached(h.to)) {
            return Some(self.path_to(start, h.from, &prev, Some(h.clone())));
        }
        empowering.into_iter().next().map(|h| {
            let mut e = self.path_to(start, h.from, &prev, Some(h));
            e.self_escalation = false;
            e
        })
    }

    fn path_to(
        &self,
        start: usize,
        end: usize,
        prev: &HashMap<usize, Hop>,
        last: Option<Hop>,
    ) -> Escalation {
        let mut path = Vec::new();
        let mut at = end;
        while at != start {
            let Some(h) = prev.get(&at) else { break };
            path.push(h.clone());
            at = h.from;
        }
        path.reverse();
        path.extend(last);
        Escalation {
            node: start,
            self_escalation: true,
            path,
        }
    }

    /// The managed policies `i` is attached to, as the nodes holding each (for reports).
    #[must_use]
    pub fn holders(&self, policy_arn: &str) -> &[usize] {
        self.by_policy.get(policy_arn).map_or(&[], Vec::as_slice)
    }
}
