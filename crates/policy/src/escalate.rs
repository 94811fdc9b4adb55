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

use std::cell::{OnceCell, RefCell};
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
    /// A role in an instance profile: EC2 runs a role only through one ("Using instance
    /// profiles", IAM User Guide).
    pub instance_profile: bool,
    /// Its tags (user or role): requests it makes carry them as `aws:PrincipalTag/…`, requests
    /// on it as `aws:ResourceTag/…` and `iam:ResourceTag/…`.
    pub tags: Vec<(&'a str, &'a str)>,
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
    /// It lifts the target's permissions boundary (deletes it, or replaces it with one that
    /// allows everything): it empowers only a target whose identity policies already make it
    /// an administrator and whose boundary does not.
    pub lifts_boundary: bool,
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
        lifts_boundary: false,
    }
}

/// A method that lifts the target's permissions boundary.
const fn lift(name: &'static str, actions: &'static [&'static str], how: &'static str) -> Method {
    Method {
        name,
        actions,
        act_as: false,
        service: None,
        how,
        lifts_boundary: true,
    }
}

/// The EC2 method for a role in no instance profile: the caller makes one.
const NEW_PROFILE: &str = "pass-role-ec2-new-instance-profile";

/// Whether `action` acts on the target itself (IAM and STS actions on the principal or policy),
/// rather than on a resource of its own service (run an instance, start a build, create an
/// instance profile), decided once whatever the target.
fn on_target(action: &str) -> bool {
    (action.starts_with("iam:") || action.starts_with("sts:"))
        && !action.eq_ignore_ascii_case("iam:CreateInstanceProfile")
        && !action.eq_ignore_ascii_case("iam:AddRoleToInstanceProfile")
}

/// Whether EC2 can run role `dst` through `method`: every EC2 method but [`NEW_PROFILE`] needs
/// the role in an instance profile already (an instance runs a role only through one), and
/// [`NEW_PROFILE`] is for a role in none.
fn ec2_admits(dst: &Node<'_>, method: &Method) -> bool {
    if method.service != Some("ec2.amazonaws.com") {
        true
    } else if dst.hypothetical {
        method.name != NEW_PROFILE
    } else {
        (method.name == NEW_PROFILE) != dst.instance_profile
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
        NEW_PROFILE,
        &[
            "iam:PassRole",
            "ec2:RunInstances",
            "iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile",
        ],
        true,
        Some("ec2.amazonaws.com"),
        "put the role in a new instance profile, launch an instance with it and use its credentials",
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
        "pass-role-lambda-add-permission",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        true,
        Some("lambda.amazonaws.com"),
        "create a function running as the role and let oneself (or anyone) invoke it",
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
    // An existing stack keeps running as its stack role: updating it (directly, or through a
    // change set) without naming a role needs no iam:PassRole ("AWS CloudFormation service
    // role", CloudFormation User Guide). A stack whose resources a stack policy protects needs
    // the policy lifted first, hence the fuller method first.
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
        "cloudformation-update-stack",
        &["cloudformation:UpdateStack"],
        true,
        Some("cloudformation.amazonaws.com"),
        "update a stack so that its privileged stack role creates what one asks",
    ),
    m(
        "cloudformation-change-set",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        true,
        Some("cloudformation.amazonaws.com"),
        "create and execute a change set run by the stack role",
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
        "pass-role-glue-job",
        &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        true,
        Some("glue.amazonaws.com"),
        "create a Glue job running as the role and start it",
    ),
    m(
        "glue-update-job",
        &["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"],
        true,
        Some("glue.amazonaws.com"),
        "point an existing Glue job at the role and one's script, and start it",
    ),
    // A pipeline runs only once activated.
    m(
        "pass-role-datapipeline",
        &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        true,
        Some("datapipeline.amazonaws.com"),
        "run a data pipeline as the role",
    ),
    m(
        "pass-role-ecs",
        &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        true,
        Some("ecs-tasks.amazonaws.com"),
        "register a task definition with the role as task role and run it",
    ),
    m(
        "pass-role-ecs-service",
        &[
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
        true,
        Some("ecs-tasks.amazonaws.com"),
        "register a task definition with the role as task role and run it as a service",
    ),
    m(
        "pass-role-autoscaling",
        &[
            "iam:PassRole",
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        true,
        Some("ec2.amazonaws.com"),
        "launch instances with the role through an Auto Scaling group",
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
    lift(
        "delete-role-permissions-boundary",
        &["iam:DeleteRolePermissionsBoundary"],
        "delete the permissions boundary that holds back the role's administrator policies",
    ),
    lift(
        "put-role-permissions-boundary",
        &["iam:PutRolePermissionsBoundary"],
        "replace the role's permissions boundary with one that allows everything",
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
    lift(
        "delete-user-permissions-boundary",
        &["iam:DeleteUserPermissionsBoundary"],
        "delete the permissions boundary that holds back the user's administrator policies",
    ),
    lift(
        "put-user-permissions-boundary",
        &["iam:PutUserPermissionsBoundary"],
        "replace the user's permissions boundary with one that allows everything",
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

/// A chain of "act as" hops to a principal allowed directly, and that principal.
pub type Chain = (Vec<Hop>, usize);

/// An edge without its statements (16 bytes: an estate holds millions). The statements are
/// decided again when the edge is shown as a [`Hop`]; a decision depends on the graph only,
/// so they are those that made the edge.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    /// The index in the target's `attached` of the managed policy the method acts on, or
    /// [`Edge::ITSELF`] for the target itself.
    via: u32,
    method: &'static Method,
}

impl Edge {
    const ITSELF: u32 = u32::MAX;

    fn to(self) -> usize {
        self.to as usize
    }
}

/// The caller ARN for a node (a group acts through a member, named after the group).
fn caller_arn<'n>(n: &Node<'n>) -> std::borrow::Cow<'n, str> {
    match n.kind {
        NodeKind::Group => format!(
            "arn:aws:iam::{}:user/member-of-{}",
            n.account,
            n.arn.rsplit('/').next().unwrap_or_default()
        )
        .into(),
        _ => n.arn.into(),
    }
}

/// Whether a node is an administrator: its policies allow everything and its boundary too.
#[must_use]
pub fn is_admin(n: &Node<'_>) -> bool {
    admin_of(n, &analysis::effective(&n.policies))
}

fn admin_of(n: &Node<'_>, e: &analysis::Effective) -> bool {
    analysis::is_full_admin(e) && unbounded(n)
}

/// Whether a node's permissions boundary (if any) allows everything.
fn unbounded(n: &Node<'_>) -> bool {
    n.boundary
        .as_ref()
        .is_none_or(|b| analysis::is_full_admin(&analysis::effective(b)))
}

/// The methods a node's policies could allow at all (every action allowed on some resource),
/// per kind of target: only those are decided on each target.
#[derive(Debug, Default)]
struct Possible {
    role: Vec<&'static Method>,
    user: Vec<&'static Method>,
    group: Vec<&'static Method>,
    policy: Vec<&'static Method>,
}

impl Possible {
    fn of(e: &analysis::Effective) -> Self {
        let possible = |ms: &'static [Method]| -> Vec<&'static Method> {
            ms.iter()
                .filter(|m| m.actions.iter().all(|a| e.allows(a, false)))
                .collect()
        };
        Possible {
            role: possible(ROLE_METHODS),
            user: possible(USER_METHODS),
            group: possible(GROUP_METHODS),
            policy: possible(POLICY_METHODS),
        }
    }

    fn against(&self, kind: NodeKind) -> &[&'static Method] {
        match kind {
            NodeKind::Role => &self.role,
            NodeKind::User => &self.user,
            NodeKind::Group => &self.group,
        }
    }

    fn is_empty(&self) -> bool {
        self.role.is_empty()
            && self.user.is_empty()
            && self.group.is_empty()
            && self.policy.is_empty()
    }
}

/// The administrator policy an attacker attaches or sets as a boundary: the one AWS publishes.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// The request context of `action` in `method`: `base` with the keys the request itself
/// carries, when the method sets them ("IAM condition context keys", IAM User Guide): the
/// service a role is passed to (`iam:PassedToService`), the policy attached
/// (`iam:PolicyARN`: AdministratorAccess) and the boundary set (`iam:PermissionsBoundary`:
/// AdministratorAccess, which allows everything). `None`: `base` as it is.
fn action_context(
    base: &RequestContext,
    method: &Method,
    action: &str,
    src: &Node<'_>,
    dst: Option<&Node<'_>>,
) -> Option<RequestContext> {
    let set = if action.eq_ignore_ascii_case("iam:PassRole") {
        method.service.map(|svc| ("iam:PassedToService", svc))
    } else if matches!(
        action,
        "iam:AttachUserPolicy" | "iam:AttachGroupPolicy" | "iam:AttachRolePolicy"
    ) {
        Some(("iam:PolicyARN", ADMINISTRATOR_ACCESS))
    } else if matches!(
        action,
        "iam:PutUserPermissionsBoundary" | "iam:PutRolePermissionsBoundary"
    ) {
        Some(("iam:PermissionsBoundary", ADMINISTRATOR_ACCESS))
    } else {
        None
    };
    let resource_tags = dst.map_or(&[][..], |d| d.tags.as_slice());
    if set.is_none() && src.tags.is_empty() && resource_tags.is_empty() {
        return None;
    }
    let mut c = base.clone();
    if let Some((key, value)) = set {
        c.insert(key, value);
    }
    with_tags(&mut c, src, dst);
    Some(c)
}

/// Adds the caller's tags (`aws:PrincipalTag/…`) and the target's (`aws:ResourceTag/…`,
/// `iam:ResourceTag/…`: IAM users and roles are tagged resources), as AWS sets them ("AWS
/// global condition context keys", "Controlling access to IAM resources with tags").
fn with_tags(c: &mut RequestContext, src: &Node<'_>, dst: Option<&Node<'_>>) {
    for (k, v) in &src.tags {
        c.insert(&format!("aws:PrincipalTag/{k}"), *v);
    }
    for (k, v) in dst.map_or(&[][..], |d| d.tags.as_slice()) {
        c.insert(&format!("aws:ResourceTag/{k}"), *v);
        c.insert(&format!("iam:ResourceTag/{k}"), *v);
    }
}

/// Condition keys whose value a caller chooses by where and how it calls: the Region it sends
/// the request to, the network it calls from. A grant limited to one of them is still a way up
/// for a caller who calls from there ("AWS global condition context keys", IAM User Guide).
const CALLER_CHOSEN: &[&str] = &[
    "aws:RequestedRegion",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
];

/// Inserts into `ctx`, for each key of [`CALLER_CHOSEN`] it lacks, the first value an Allow
/// condition asks for (or a Deny condition exempts: `StringNotEquals aws:RequestedRegion`,
/// the usual Region-restricting SCP): a Region or VPC as written, a wildcard pattern with its
/// wildcards filled in, the first address of a CIDR. Returns whether it inserted any.
fn choose_values<'p>(policies: impl Iterator<Item = &'p Policy>, ctx: &mut RequestContext) -> bool {
    let mut any = false;
    for p in policies {
        for st in &p.statements {
            for c in &st.conditions {
                let Some(key) = CALLER_CHOSEN
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&c.key.value))
                else {
                    continue;
                };
                let base = c.operator.base;
                let wanted = match st.effect {
                    crate::policy::Effect::Allow => !base.is_negated(),
                    crate::policy::Effect::Deny => base.is_negated(),
                };
                if !wanted || base == crate::policy::OperatorBase::Null || ctx.get(key).is_some() {
                    continue;
                }
                let Some(v) = c.values.first().filter(|v| !v.contains("${")) else {
                    continue;
                };
                let v = if matches!(
                    base,
                    crate::policy::OperatorBase::IpAddress
                        | crate::policy::OperatorBase::NotIpAddress
                ) {
                    v.split('/').next().unwrap_or(v).to_owned()
                } else {
                    v.replace(['*', '?'], "a")
                };
                ctx.insert(key, v);
                any = true;
            }
        }
    }
    any
}

/// The resources a service action (run an instance, start a build) of `src` is tried on: `*`,
/// and each resource its Allows for the action name that can be a resource of the action: an
/// ARN of a service its resource types belong to (`ssm:SendCommand` acts on EC2 instances), or
/// one whose service is a wildcard. A statement granting `lambda:UpdateFunctionCode` with
/// `s3:GetObject` on a bucket does not let the caller update any function.
fn service_candidates(src: &Node<'_>, action: &str) -> Vec<String> {
    let c = crate::catalogue::global();
    let services: Vec<&str> = c.action(action).map_or_else(Vec::new, |a| {
        let svc = c.services.get(a.service);
        a.resource_types
            .iter()
            .filter_map(|(i, _)| svc.and_then(|s| s.resource_types.get(*i)))
            .filter_map(|rt| rt.arn.split(':').nth(2))
            .collect()
    });
    let plausible = |r: &str| {
        let service = r.split(':').nth(2).unwrap_or("*");
        service.contains(['*', '?']) || services.iter().any(|s| s.eq_ignore_ascii_case(service))
    };
    let mut out = vec!["*".to_owned()];
    for n in &src.policies {
        for st in &n.policy.statements {
            if st.effect == crate::policy::Effect::Allow
                && crate::eval::action_matches(st, action)
                && let Some(list) = st.resource.as_ref().filter(|l| !l.negated)
            {
                out.extend(
                    list.items
                        .iter()
                        .map(|i| crate::wildcard_vars(&i.value))
                        .filter(|r| r != "*" && plausible(r)),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a trust-policy principal entry names exactly one user or role ARN (then only the
/// caller with that ARN matches it: `entry_names` in [`crate::eval`] compares the ARN as is).
fn names_one_principal(v: &str) -> bool {
    v.starts_with("arn:")
        && (v.contains(":user/") || v.contains(":role/"))
        && !v.contains(['*', '?', '$'])
}

/// A breadth-first search's state, kept between searches (one per start: thousands).
#[derive(Debug, Default)]
struct Bfs {
    seen: Vec<bool>,
    /// How each node was reached: the node before it and the edge.
    prev: Vec<Option<(usize, Edge)>>,
    touched: Vec<usize>,
    queue: VecDeque<usize>,
    /// Edges set aside (escalation: those that empower rather than act as).
    aside: Vec<(usize, Edge)>,
}

impl Bfs {
    fn reset(&mut self, start: usize, n: usize) {
        if self.seen.len() != n {
            self.seen = vec![false; n];
            self.prev = vec![None; n];
        } else {
            for &t in &self.touched {
                self.seen[t] = false;
                self.prev[t] = None;
            }
        }
        self.touched.clear();
        self.queue.clear();
        self.seen[start] = true;
        self.touched.push(start);
        self.queue.push_back(start);
    }

    /// Follows edge `e` out of `from`, queueing its target when new.
    fn reach(&mut self, from: usize, e: Edge) {
        let to = e.to();
        if !self.seen[to] {
            self.seen[to] = true;
            self.prev[to] = Some((from, e));
            self.touched.push(to);
            self.queue.push_back(to);
        }
    }
}

/// Decisions per node and action that do not depend on the target (`None`: denied).
type Fixed = HashMap<(usize, &'static str), Option<Vec<Decider>>>;

fn cells<T>(n: usize) -> Vec<OnceCell<T>> {
    (0..n).map(|_| OnceCell::new()).collect()
}

/// The graph of the estate.
///
/// Decisions are made lazily and kept: set `context`, `scps`, `rcps` and `management_account`
/// before asking for edges, escalations or chains.
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
    /// The account is the organization's management account: neither SCPs nor RCPs apply to
    /// its principals and resources.
    pub management_account: bool,
    admin: Vec<bool>,
    /// Per node: its identity policies alone make it an administrator (its boundary aside).
    identity_admin: Vec<bool>,
    /// Per node: it has no permissions boundary, or one that allows everything.
    unbounded: Vec<bool>,
    possible: Vec<Possible>,
    by_policy: HashMap<&'a str, Vec<usize>>,
    members: HashMap<usize, Vec<usize>>,
    /// Caller ARN → the nodes that call with it.
    callers: HashMap<String, Vec<usize>>,
    /// Per role: the only nodes its trust policy can admit (`None`: any, the identity side
    /// decides).
    trusted_callers: Vec<OnceCell<Option<Vec<usize>>>>,
    /// Per role: the services (of the method catalogue) its trust policy admits.
    trusted_services: Vec<OnceCell<Vec<&'static str>>>,
    /// Per node: its side of a request (policies, boundary, SCPs, RCPs).
    sets: Vec<OnceCell<PolicySet<'a>>>,
    /// Per node: `context` with the values it would choose for the keys it controls
    /// ([`CALLER_CHOSEN`]), when its policies ask for some (`None`: `context` as is).
    contexts: Vec<OnceCell<Option<RequestContext>>>,
    /// Decisions that do not depend on the target (run an instance, start a build…), per node
    /// and action.
    fixed: RefCell<Fixed>,
    /// Per node: its edges, once decided.
    out: Vec<OnceCell<Vec<Edge>>>,
    bfs: RefCell<Bfs>,
}

impl<'a> Graph<'a> {
    /// Builds the graph's index over `nodes`.
    #[must_use]
    pub fn new(nodes: Vec<Node<'a>>) -> Self {
        let mut admin = Vec::with_capacity(nodes.len());
        let mut identity_admin = Vec::with_capacity(nodes.len());
        let mut unbound = Vec::with_capacity(nodes.len());
        let mut possible = Vec::with_capacity(nodes.len());
        let mut by_policy: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut callers: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            let e = analysis::effective(&n.policies);
            identity_admin.push(analysis::is_full_admin(&e));
            unbound.push(unbounded(n));
            admin.push(admin_of(n, &e));
            possible.push(Possible::of(&e));
            for p in &n.attached {
                by_policy.entry(p).or_default().push(i);
            }
            for g in &n.groups {
                members.entry(*g).or_default().push(i);
            }
            callers
                .entry(caller_arn(n).into_owned())
                .or_default()
                .push(i);
        }
        let len = nodes.len();
        Graph {
            nodes,
            context: RequestContext::new(),
            scps: Vec::new(),
            rcps: Vec::new(),
            management_account: false,
            admin,
            identity_admin,
            unbounded: unbound,
            possible,
            by_policy,
            members,
            callers,
            trusted_callers: cells(len),
            trusted_services: cells(len),
            sets: cells(len),
            contexts: cells(len),
            fixed: RefCell::default(),
            out: cells(len),
            bfs: RefCell::default(),
        }
    }

    /// A principal's side of a request (its policies and boundary) under the organization's
    /// SCPs and RCPs. Neither applies to a service-linked role nor in the management account
    /// ("Service control policies", "Resource control policies", AWS Organizations User Guide).
    #[must_use]
    pub fn set_of(&self, n: &Node<'a>) -> PolicySet<'a> {
        let guarded = !n.service_linked;
        PolicySet {
            identity: n.policies.clone(),
            boundary: n.boundary.clone(),
            scps: if guarded {
                self.scps.clone()
            } else {
                Vec::new()
            },
            rcps: if guarded {
                self.rcps.clone()
            } else {
                Vec::new()
            },
            principal_in_management_account: self.management_account,
            resource_in_management_account: self.management_account,
            ..PolicySet::default()
        }
    }

    /// The context node `i`'s requests are decided in: `context`, with a value for each key
    /// of [`CALLER_CHOSEN`] its identity policies, boundary or SCPs ask for.
    fn context_of(&self, i: usize) -> &RequestContext {
        self.contexts[i]
            .get_or_init(|| {
                let n = &self.nodes[i];
                let mut c = self.context.clone();
                let policies = n
                    .policies
                    .iter()
                    .chain(n.boundary.iter().flatten())
                    .chain(self.scps.iter().flatten())
                    .map(|x| x.policy);
                choose_values(policies, &mut c).then_some(c)
            })
            .as_ref()
            .unwrap_or(&self.context)
    }

    fn set(&self, i: usize) -> &PolicySet<'a> {
        self.sets[i].get_or_init(|| self.set_of(&self.nodes[i]))
    }

    /// Whether node `i` is an administrator.
    #[must_use]
    pub fn admin(&self, i: usize) -> bool {
        self.admin[i]
    }

    /// The nodes role `to`'s trust policy can admit as callers, when it names them one by one
    /// (`None`: it names an account, `*`, or uses `NotPrincipal`: any node may pass, its
    /// identity policies decide).
    fn trusted_callers(&self, to: usize) -> Option<&[usize]> {
        self.trusted_callers[to]
            .get_or_init(|| {
                let trust = self.nodes[to].trust?;
                let mut out = Vec::new();
                for s in &trust.statements {
                    if s.effect != crate::policy::Effect::Allow {
                        continue;
                    }
                    // A trust statement without a principal applies to no one.
                    let Some(p) = &s.principal else { continue };
                    if p.negated || p.any {
                        return None;
                    }
                    for (t, v) in &p.entries {
                        if *t == crate::policy::PrincipalType::Service {
                            continue; // never a user, role or group member
                        }
                        if !names_one_principal(&v.value) {
                            return None;
                        }
                        out.extend(self.callers.get(v.value.as_str()).into_iter().flatten());
                    }
                }
                out.sort_unstable();
                out.dedup();
                Some(out)
            })
            .as_deref()
    }

    /// Whether role `to`'s trust policy lets `svc` assume it.
    fn trusts_service(&self, to: usize, svc: &'static str) -> bool {
        self.trusted_services[to]
            .get_or_init(|| {
                let dst = &self.nodes[to];
                let Some(trust) = dst.trust else {
                    return Vec::new();
                };
                let ctx = RequestContext::new();
                let mut tried: Vec<&'static str> = Vec::new();
                let mut out = Vec::new();
                for svc in ROLE_METHODS.iter().filter_map(|m| m.service) {
                    if tried.contains(&svc) {
                        continue;
                    }
                    tried.push(svc);
                    let req = Request {
                        action: "sts:AssumeRole",
                        resource: dst.arn,
                        principal: Some(svc),
                        context: &ctx,
                    };
                    if crate::eval::evaluate_policy("trust policy", trust, &req).decision
                        == Decision::Allow
                    {
                        out.push(svc);
                    }
                }
                out
            })
            .contains(&svc)
    }

    /// Whether an empowering method can make `to` an administrator at all. A policy added to
    /// a principal is still bounded by its permissions boundary (the intersection of the two
    /// is what it may do, "Permissions boundaries for IAM entities", IAM User Guide): adding
    /// one empowers only a target whose boundary (if any) allows everything. Lifting the
    /// boundary empowers only a target whose boundary does not, over identity policies that
    /// already allow everything.
    fn empowers(&self, to: usize, method: &Method) -> bool {
        if method.act_as {
            true
        } else if method.lifts_boundary {
            !self.unbounded[to] && self.identity_admin[to]
        } else {
            self.unbounded[to]
        }
    }

    /// What rules out `method` from `from` to `to` before any decision: the target is
    /// service-linked, a stand-in (for assumption), oneself (for acting as), a group for a
    /// non-user, a role whose trust policy names other callers or does not trust the service,
    /// a target the method cannot make an administrator ([`Graph::empowers`]).
    fn admits(&self, from: usize, to: usize, method: &'static Method) -> bool {
        let src = &self.nodes[from];
        let dst = &self.nodes[to];
        if dst.service_linked || (dst.hypothetical && method.name == "assume-role") {
            return false;
        }
        if !self.empowers(to, method) || !ec2_admits(dst, method) {
            return false;
        }
        if to == from && method.act_as {
            return false;
        }
        // Only a user can join a group (a user-only action for a role or a group).
        if method.name == "add-user-to-group"
            && (src.kind != NodeKind::User || src.groups.contains(&to))
        {
            return false;
        }
        if method.name == "assume-role" {
            if dst.trust.is_none() {
                return false;
            }
            if let Some(only) = self.trusted_callers(to)
                && only.binary_search(&from).is_err()
            {
                return false;
            }
        }
        if let Some(svc) = method.service.filter(|_| !dst.hypothetical) {
            // The role must trust the service that runs code with it.
            return self.trusts_service(to, svc);
        }
        true
    }

    /// Decides every action of a method for `from` on `target` (the first action on the
    /// target, the others on `*` or a resource a grant names), pushing the deciding statements
    /// to `statements` when given. [`Graph::admits`] must hold.
    fn allowed(
        &self,
        from: usize,
        to: usize,
        method: &'static Method,
        target: &str,
        mut statements: Option<&mut Vec<Decider>>,
    ) -> bool {
        let src = &self.nodes[from];
        let caller = caller_arn(src);
        for action in method.actions {
            // IAM and STS actions act on the target itself; the others (run an instance, start
            // a build…) on a resource of their service, whatever the target: decided once.
            if !on_target(action) {
                let mut fixed = self.fixed.borrow_mut();
                let d = fixed
                    .entry((from, *action))
                    .or_insert_with(|| self.decide_anywhere(from, &caller, action));
                match d {
                    None => return false,
                    Some(d) => {
                        if let Some(s) = statements.as_deref_mut() {
                            s.extend(d.iter().cloned());
                        }
                    }
                }
                continue;
            }
            let extended = action_context(
                self.context_of(from),
                method,
                action,
                src,
                Some(&self.nodes[to]),
            );
            let ctx = extended.as_ref().unwrap_or(self.context_of(from));
            let req = Request {
                action,
                resource: target,
                principal: Some(&caller),
                context: ctx,
            };
            let e = if action.eq_ignore_ascii_case("sts:AssumeRole") && method.name == "assume-role"
            {
                // The trust policy is the role's resource policy and must allow.
                let Some(trust) = self.nodes[to].trust else {
                    return false;
                };
                let mut set = self.set(from).clone();
                set.resource.push(Named {
                    name: "trust policy",
                    policy: trust,
                });
                evaluate(&set, &req)
            } else {
                evaluate(self.set(from), &req)
            };
            if e.decision != Decision::Allow {
                return false;
            }
            if let Some(s) = statements.as_deref_mut() {
                s.extend(e.deciding);
            }
        }
        true
    }

    /// A service action of `from` on `*`, or on any resource one of its grants names.
    fn decide_anywhere(&self, from: usize, caller: &str, action: &str) -> Option<Vec<Decider>> {
        let src = &self.nodes[from];
        let candidates = service_candidates(src, action);
        let set = self.set(from);
        let tagged = (!src.tags.is_empty()).then(|| {
            let mut c = self.context_of(from).clone();
            with_tags(&mut c, src, None);
            c
        });
        let context = tagged.as_ref().unwrap_or(self.context_of(from));
        candidates.iter().find_map(|resource| {
            let req = Request {
                action,
                resource,
                principal: Some(caller),
                context,
            };
            let e = evaluate(set, &req);
            (e.decision == Decision::Allow).then_some(e.deciding)
        })
    }

    fn target_of(&self, e: Edge) -> &'a str {
        let dst = &self.nodes[e.to()];
        if e.via == Edge::ITSELF {
            dst.arn
        } else {
            dst.attached.get(e.via as usize).copied().unwrap_or(dst.arn)
        }
    }

    /// The hop an edge stands for, with its statements.
    fn hop(&self, from: usize, e: Edge) -> Hop {
        let mut statements = Vec::new();
        let target = self.target_of(e);
        self.allowed(from, e.to(), e.method, target, Some(&mut statements));
        Hop {
            from,
            to: e.to(),
            method: e.method,
            statements,
        }
    }

    /// Node `from`'s edges, decided on first use.
    fn out_edges(&self, from: usize) -> &[Edge] {
        self.out[from].get_or_init(|| self.decide_edges(from))
    }

    /// Node `from`'s edges in the order of the targets, then of the methods: the first "act
    /// as" edge and the first empowering edge to each target. A search follows only the first
    /// edge to a node, and takes the first empowering edge whose target it reached, so the
    /// others would never be used (and an estate would hold millions of them).
    fn decide_edges(&self, from: usize) -> Vec<Edge> {
        let possible = &self.possible[from];
        let mut out = Vec::new();
        if possible.is_empty() {
            return out;
        }
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        for (to, dst) in self.nodes.iter().enumerate() {
            let (mut acts, mut empowers) = (false, false);
            for &method in possible.against(dst.kind) {
                let taken = if method.act_as {
                    &mut acts
                } else {
                    &mut empowers
                };
                if *taken {
                    continue;
                }
                if self.admits(from, to, method) && self.allowed(from, to, method, dst.arn, None) {
                    *taken = true;
                    out.push(Edge {
                        to: index(to),
                        via: Edge::ITSELF,
                        method,
                    });
                }
            }
            if empowers || possible.policy.is_empty() || !self.admits_policy_target(to) {
                continue;
            }
            for (k, p) in dst.attached.iter().enumerate() {
                if let Some(method) = possible
                    .policy
                    .iter()
                    .copied()
                    .find(|&m| self.allowed(from, to, m, p, None))
                {
                    out.push(Edge {
                        to: index(to),
                        via: index(k),
                        method,
                    });
                    break;
                }
            }
        }
        out.shrink_to_fit();
        out
    }

    /// Whether a managed policy attached to `to` may be a way to empower it (not a
    /// service-linked role: AWS manages those).
    fn admits_policy_target(&self, to: usize) -> bool {
        !self.nodes[to].service_linked && self.unbounded[to]
    }

    /// The edges out of node `from` a search can use (the first "act as" and the first
    /// empowering edge to each target), with their statements.
    #[must_use]
    pub fn edges(&self, from: usize) -> Vec<Hop> {
        self.out_edges(from)
            .iter()
            .map(|e| self.hop(from, *e))
            .collect()
    }

    /// The escalation of node `start` (none for an administrator): the shortest path to an
    /// administrator it can act as, else an administrator grant to itself or to a principal it
    /// can act as (self-escalation), else a grant to another principal (grant to others).
    /// Each node's edges are decided once for every start.
    #[must_use]
    pub fn escalation(&self, start: usize) -> Option<Escalation> {
        if self.admin[start] {
            return None;
        }
        // Breadth-first over "act as" edges; remember how each node was reached.
        let mut bfs = self.bfs.borrow_mut();
        let bfs = &mut *bfs;
        bfs.reset(start, self.nodes.len());
        let mut empowering = std::mem::take(&mut bfs.aside);
        empowering.clear();
        let mut found = None;
        while let Some(x) = bfs.queue.pop_front() {
            if x != start && self.admin[x] {
                found = Some(self.path_to(start, x, bfs, None));
                break;
            }
            for e in self.out_edges(x) {
                if e.method.act_as {
                    bfs.reach(x, *e);
                } else {
                    empowering.push((x, *e));
                }
            }
        }
        if found.is_none() {
            // Empowering a principal one can act as (oneself, or a group one belongs to) is
            // self-escalation; any other is a grant to others. A member whose permissions
            // boundary does not allow everything gains nothing from its group's new policy.
            let reached = |t: usize| {
                bfs.seen[t]
                    || self
                        .members
                        .get(&t)
                        .is_some_and(|m| m.iter().any(|u| bfs.seen[*u] && self.unbounded[*u]))
            };
            found = if let Some(&(from, e)) = empowering.iter().find(|(_, e)| reached(e.to())) {
                Some(self.path_to(start, from, bfs, Some((from, e))))
            } else {
                empowering.first().map(|&(from, e)| {
                    let mut esc = self.path_to(start, from, bfs, Some((from, e)));
                    esc.self_escalation = false;
                    esc
                })
            };
        }
        bfs.aside = empowering;
        found
    }

    fn path_to(
        &self,
        start: usize,
        end: usize,
        bfs: &Bfs,
        last: Option<(usize, Edge)>,
    ) -> Escalation {
        Escalation {
            node: start,
            self_escalation: true,
            path: self.walk_back(start, end, bfs, last),
        }
    }

    /// The hops from `start` to `end` following `prev` back, then `last`.
    fn walk_back(
        &self,
        start: usize,
        end: usize,
        bfs: &Bfs,
        last: Option<(usize, Edge)>,
    ) -> Vec<Hop> {
        let mut path = Vec::new();
        let mut at = end;
        while at != start {
            let Some((from, e)) = bfs.prev.get(at).copied().flatten() else {
                break;
            };
            path.push(self.hop(from, e));
            at = from;
        }
        path.reverse();
        path.extend(last.map(|(from, e)| self.hop(from, e)));
        path
    }

    /// For every node not in `targets`, the shortest chain of "act as" hops to a node of
    /// `targets` (`rampart access who-can`: the principals allowed directly), as a search from
    /// each node would find it first.
    ///
    /// One backward search from the targets decides each "act as" edge into a node that leads
    /// to them once: the callers tried on a role are narrowed by its trust policy (a policy that
    /// names principals one by one admits only those) and by what their policies could allow
    /// at all. Edges out of targets are never followed, so never decided. The chain of each node
    /// is then the breadth-first search from it over those edges, in the order of
    /// [`Graph::edges`]: the nodes left out reach no target, so dropping them changes neither
    /// the order nor the chain found.
    #[must_use]
    pub fn chains_to(&self, targets: &[bool]) -> Vec<Option<Chain>> {
        let n = self.nodes.len();
        let is_target = |i: usize| targets.get(i).copied().unwrap_or(false);
        // The callers each act-as method could come from, by name.
        let mut callers_of: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (s, p) in self.possible.iter().enumerate() {
            if is_target(s) {
                continue;
            }
            for m in p.role.iter().chain(&p.user).chain(&p.group) {
                if m.act_as {
                    callers_of.entry(m.name).or_default().push(s);
                }
            }
        }
        let mut leads = vec![false; n];
        // Each edge with the rank of its method in its list, to sort them as `edges` gives them.
        let rank = |m: &Method| {
            ROLE_METHODS
                .iter()
                .chain(USER_METHODS)
                .chain(GROUP_METHODS)
                .position(|x| x.name == m.name)
                .unwrap_or(usize::MAX)
        };
        let mut out: Vec<Vec<(usize, Edge)>> = vec![Vec::new(); n];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for (t, l) in leads.iter_mut().enumerate() {
            if is_target(t) {
                *l = true;
                queue.push_back(t);
            }
        }
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        while let Some(t) = queue.pop_front() {
            let dst = &self.nodes[t];
            let methods = match dst.kind {
                NodeKind::Role => ROLE_METHODS,
                NodeKind::User => USER_METHODS,
                NodeKind::Group => GROUP_METHODS,
            };
            for method in methods.iter().filter(|m| m.act_as) {
                let Some(all) = callers_of.get(method.name) else {
                    continue;
                };
                let narrowed = if method.name == "assume-role" {
                    self.trusted_callers(t)
                } else {
                    None
                };
                for &s in narrowed.unwrap_or(all.as_slice()) {
                    if is_target(s)
                        || !self.possible[s]
                            .against(dst.kind)
                            .iter()
                            .any(|m| m.name == method.name)
                    {
                        continue;
                    }
                    if self.admits(s, t, method) && self.allowed(s, t, method, dst.arn, None) {
                        out[s].push((
                            rank(method),
                            Edge {
                                to: index(t),
                                via: Edge::ITSELF,
                                method,
                            },
                        ));
                        if !leads[s] {
                            leads[s] = true;
                            queue.push_back(s);
                        }
                    }
                }
            }
        }
        let out: Vec<Vec<Edge>> = out
            .into_iter()
            .map(|mut edges| {
                // The order of `edges`: by target, then by the method's place in its list.
                edges.sort_unstable_by_key(|(rank, e)| (e.to, *rank));
                edges.into_iter().map(|(_, e)| e).collect()
            })
            .collect();
        let mut bfs = Bfs::default();
        (0..n)
            .map(|start| {
                if is_target(start) || !leads[start] {
                    return None;
                }
                bfs.reset(start, n);
                while let Some(x) = bfs.queue.pop_front() {
                    if x != start && is_target(x) {
                        return Some((self.walk_back(start, x, &bfs, None), x));
                    }
                    for e in &out[x] {
                        bfs.reach(x, *e);
                    }
                }
                None
            })
            .collect()
    }

    /// The managed policies `i` is attached to, as the nodes holding each (for reports).
    #[must_use]
    pub fn holders(&self, policy_arn: &str) -> &[usize] {
        self.by_policy.get(policy_arn).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    //! The searches above against the per-principal searches they replaced (kept here as the
    //! reference: every edge decided on demand from scratch, one breadth-first search per
    //! start), on small random estates.

    use proptest::prelude::*;

    use super::*;
    use crate::PolicyKind;

    /// The hop as decided before the caches and the trust narrowing.
    fn reference_hop(
        g: &Graph<'_>,
        from: usize,
        to: usize,
        method: &'static Method,
        target_arn: &str,
    ) -> Option<Hop> {
        let src = &g.nodes[from];
        let dst = &g.nodes[to];
        if dst.service_linked || (dst.hypothetical && method.name == "assume-role") {
            return None;
        }
        if !g.empowers(to, method) || !ec2_admits(dst, method) {
            return None;
        }
        let caller = caller_arn(src).into_owned();
        let mut statements = Vec::new();
        for action in method.actions {
            let on_target = on_target(action);
            let base = g.context_of(from);
            let ctx = action_context(base, method, action, src, on_target.then_some(dst))
                .unwrap_or_else(|| base.clone());
            let mut set = g.set_of(src);
            if action.eq_ignore_ascii_case("sts:AssumeRole") && method.name == "assume-role" {
                let trust = dst.trust?;
                set.resource.push(Named {
                    name: "trust policy",
                    policy: trust,
                });
            }
            let candidates: Vec<String> = if on_target {
                vec![target_arn.to_owned()]
            } else {
                service_candidates(src, action)
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

    fn reference_edges(g: &Graph<'_>, from: usize) -> Vec<Hop> {
        let src = &g.nodes[from];
        let e = analysis::effective(&src.policies);
        let p = Possible::of(&e);
        let mut out = Vec::new();
        for (to, dst) in g.nodes.iter().enumerate() {
            for &method in p.against(dst.kind) {
                if to == from && method.act_as {
                    continue;
                }
                if method.name == "add-user-to-group"
                    && (src.kind != NodeKind::User || src.groups.contains(&to))
                {
                    continue;
                }
                out.extend(reference_hop(g, from, to, method, dst.arn));
            }
            for pa in &dst.attached {
                if let Some(h) = p
                    .policy
                    .iter()
                    .find_map(|&m| reference_hop(g, from, to, m, pa))
                {
                    out.push(h);
                }
            }
        }
        out
    }

    fn reference_path(
        start: usize,
        end: usize,
        prev: &HashMap<usize, Hop>,
        last: Option<Hop>,
    ) -> Vec<Hop> {
        let mut path = Vec::new();
        let mut at = end;
        while at != start {
            let Some(h) = prev.get(&at) else { break };
            path.push(h.clone());
            at = h.from;
        }
        path.reverse();
        path.extend(last);
        path
    }

    fn reference_escalation(g: &Graph<'_>, start: usize) -> Option<(bool, Vec<Hop>)> {
        if g.admin[start] {
            return None;
        }
        let mut prev: HashMap<usize, Hop> = HashMap::new();
        let mut seen = vec![false; g.nodes.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        let mut empowering: Vec<Hop> = Vec::new();
        while let Some(x) = queue.pop_front() {
            if x != start && g.admin[x] {
                return Some((true, reference_path(start, x, &prev, None)));
            }
            for h in reference_edges(g, x) {
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
        let reached = |t: usize| {
            seen[t]
                || g.members
                    .get(&t)
                    .is_some_and(|m| m.iter().any(|u| seen[*u] && g.unbounded[*u]))
        };
        if let Some(h) = empowering.iter().find(|h| reached(h.to)) {
            return Some((true, reference_path(start, h.from, &prev, Some(h.clone()))));
        }
        empowering
            .into_iter()
            .next()
            .map(|h| (false, reference_path(start, h.from, &prev, Some(h))))
    }

    /// `rampart access who-can`'s search before: from each start, breadth-first over every
    /// "act as" edge until a target.
    fn reference_chain(g: &Graph<'_>, start: usize, targets: &[bool]) -> Option<Chain> {
        if targets[start] {
            return None;
        }
        let mut prev: HashMap<usize, Hop> = HashMap::new();
        let mut seen = vec![false; g.nodes.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(x) = queue.pop_front() {
            if x != start && targets[x] {
                return Some((reference_path(start, x, &prev, None), x));
            }
            for h in reference_edges(g, x)
                .into_iter()
                .filter(|h| h.method.act_as)
            {
                if !seen[h.to] {
                    seen[h.to] = true;
                    queue.push_back(h.to);
                    prev.insert(h.to, h);
                }
            }
        }
        None
    }

    /// A hop as compared: who, how, and the statements.
    fn key(h: &Hop) -> (usize, usize, &'static str, Vec<(String, usize)>) {
        (
            h.from,
            h.to,
            h.method.name,
            h.statements
                .iter()
                .map(|d| (d.policy.clone(), d.statement))
                .collect(),
        )
    }

    const A: &str = "111111111111";

    /// A tiny generator driven by one seed per node.
    struct Pick(u64);

    impl Pick {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// One node's documents: identity policies, trust policy, boundary, attached, kind, group.
    struct Spec {
        kind: NodeKind,
        policies: Vec<String>,
        trust: Option<String>,
        boundary: Option<String>,
        attached: bool,
        group: Option<usize>,
        service_linked: bool,
    }

    fn spec(seed: u64, i: usize, n: usize) -> Spec {
        let mut r = Pick(seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
        let kind = [
            NodeKind::User,
            NodeKind::Role,
            NodeKind::Role,
            NodeKind::Group,
        ][r.next(4)];
        let actions = [
            "sts:AssumeRole",
            "iam:PassRole",
            "ec2:RunInstances",
            "iam:CreateAccessKey",
            "iam:AttachRolePolicy",
            "iam:AddUserToGroup",
            "lambda:UpdateFunctionCode",
            "s3:GetObject",
            "iam:PutUserPolicy",
            "iam:CreatePolicyVersion",
            "*",
        ];
        let resource = |r: &mut Pick| {
            let k = r.next(n);
            match r.next(7) {
                0 | 1 => "*".to_owned(),
                2 => format!("arn:aws:iam::{A}:role/n{k}"),
                3 => format!("arn:aws:iam::{A}:user/n{k}"),
                4 => format!("arn:aws:iam::{A}:role/*"),
                5 => format!("arn:aws:iam::{A}:policy/p0"),
                _ => "arn:aws:s3:::b/*".to_owned(),
            }
        };
        let statement = |r: &mut Pick| {
            let effect = if r.next(6) == 0 { "Deny" } else { "Allow" };
            let a1 = actions[r.next(actions.len())];
            let a2 = actions[r.next(actions.len())];
            let res = resource(r);
            let cond = if r.next(8) == 0 {
                r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#
            } else {
                ""
            };
            format!(r#"{{"Effect":"{effect}","Action":["{a1}","{a2}"],"Resource":"{res}"{cond}}}"#)
        };
        let policies = (0..r.next(3))
            .map(|_| {
                let s: Vec<String> = (0..1 + r.next(2)).map(|_| statement(&mut r)).collect();
                format!(
                    r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                    s.join(",")
                )
            })
            .collect();
        let trust = (kind == NodeKind::Role).then(|| {
            let k = r.next(n);
            let principal = match r.next(8) {
                0 => r#""Principal":{"Service":"ec2.amazonaws.com"}"#.to_owned(),
                1 => r#""Principal":{"Service":"lambda.amazonaws.com"}"#.to_owned(),
                2 => format!(r#""Principal":{{"AWS":"{A}"}}"#),
                3 => format!(r#""Principal":{{"AWS":"arn:aws:iam::{A}:user/n{k}"}}"#),
                4 => format!(
                    r#""Principal":{{"AWS":["arn:aws:iam::{A}:role/n{k}","arn:aws:iam::{A}:user/n{}"]}}"#,
                    r.next(n)
                ),
                5 => r#""Principal":"*""#.to_owned(),
                6 => format!(r#""NotPrincipal":{{"AWS":"arn:aws:iam::{A}:user/n{k}"}}"#),
                _ => format!(r#""Principal":{{"AWS":"arn:aws:iam::{A}:root"}}"#),
            };
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole",{principal}}}]}}"#
            )
        });
        let boundary = (r.next(5) == 0).then(|| {
            let s = statement(&mut r);
            format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#)
        });
        let attached = r.next(3) == 0;
        let group = (kind == NodeKind::User && r.next(2) == 0).then(|| r.next(n));
        let service_linked = kind == NodeKind::Role && r.next(10) == 0;
        Spec {
            kind,
            policies,
            trust,
            boundary,
            attached,
            group,
            service_linked,
        }
    }

    fn parse(text: &str, kind: PolicyKind) -> Policy {
        crate::parse_text(text, kind)
            .policy
            .expect("generated policy")
    }

    struct Parsed {
        arns: Vec<String>,
        policies: Vec<Vec<Policy>>,
        trusts: Vec<Option<Policy>>,
        boundaries: Vec<Option<Policy>>,
    }

    fn parsed(specs: &[Spec]) -> Parsed {
        let kind = |k: NodeKind| match k {
            NodeKind::User => "user",
            NodeKind::Role => "role",
            NodeKind::Group => "group",
        };
        Parsed {
            arns: specs
                .iter()
                .enumerate()
                .map(|(i, s)| format!("arn:aws:iam::{A}:{}/n{i}", kind(s.kind)))
                .collect(),
            policies: specs
                .iter()
                .map(|s| {
                    s.policies
                        .iter()
                        .map(|p| parse(p, PolicyKind::Identity))
                        .collect()
                })
                .collect(),
            trusts: specs
                .iter()
                .map(|s| s.trust.as_deref().map(|t| parse(t, PolicyKind::Trust)))
                .collect(),
            boundaries: specs
                .iter()
                .map(|s| {
                    s.boundary
                        .as_deref()
                        .map(|t| parse(t, PolicyKind::Boundary))
                })
                .collect(),
        }
    }

    fn graph<'a>(specs: &[Spec], p: &'a Parsed) -> Graph<'a> {
        let nodes = specs
            .iter()
            .enumerate()
            .map(|(i, s)| Node {
                arn: &p.arns[i],
                account: A,
                kind: s.kind,
                policies: p.policies[i]
                    .iter()
                    .map(|policy| Named {
                        name: "identity",
                        policy,
                    })
                    .collect(),
                boundary: p.boundaries[i].as_ref().map(|policy| {
                    vec![Named {
                        name: "boundary",
                        policy,
                    }]
                }),
                trust: p.trusts[i].as_ref(),
                attached: if s.attached {
                    vec!["arn:aws:iam::111111111111:policy/p0"]
                } else {
                    Vec::new()
                },
                groups: s
                    .group
                    .filter(|g| specs[*g].kind == NodeKind::Group)
                    .into_iter()
                    .collect(),
                service_linked: s.service_linked,
                hypothetical: false,
                instance_profile: true,
                tags: Vec::new(),
            })
            .collect();
        Graph::new(nodes)
    }

    /// The random estates hold what the comparison is about: chains of one and more hops,
    /// self-escalations and grants to others (else the comparisons above prove little).
    #[test]
    fn random_estates_hold_chains_and_escalations() {
        let (mut long_chains, mut chains, mut own, mut others) = (0, 0, 0, 0);
        for seed in 0..300u64 {
            let n = 7;
            let specs: Vec<Spec> = (0..n).map(|i| spec(seed, i, n)).collect();
            let p = parsed(&specs);
            let g = graph(&specs, &p);
            let targets: Vec<bool> = (0..n).map(|i| (seed >> i) & 1 == 1).collect();
            for (path, _) in g.chains_to(&targets).iter().flatten() {
                chains += 1;
                long_chains += usize::from(path.len() > 1);
            }
            for e in (0..n).filter_map(|i| g.escalation(i)) {
                if e.self_escalation {
                    own += 1;
                } else {
                    others += 1;
                }
            }
        }
        assert!(
            chains > 100 && long_chains > 10 && own > 100 && others > 10,
            "{chains} chains ({long_chains} longer than one hop), {own} self-escalations, {others} grants to others"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// `chains_to` finds, for every node, the chain the per-start search found.
        #[test]
        fn chains_match_the_per_principal_search(
            seed in any::<u64>(), n in 2usize..9, mask in any::<u16>(),
        ) {
            let specs: Vec<Spec> = (0..n).map(|i| spec(seed, i, n)).collect();
            let p = parsed(&specs);
            let g = graph(&specs, &p);
            let targets: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
            let got = g.chains_to(&targets);
            for (i, got) in got.iter().enumerate() {
                let want = reference_chain(&g, i, &targets);
                let show = |c: &Option<Chain>| {
                    c.as_ref().map(|(path, end)| (path.iter().map(key).collect::<Vec<_>>(), *end))
                };
                prop_assert_eq!(show(got), show(&want), "node {}", i);
            }
        }

        /// `escalation` with its edges decided once finds what deciding them anew found.
        #[test]
        fn escalations_match_the_per_principal_search(seed in any::<u64>(), n in 2usize..9) {
            let specs: Vec<Spec> = (0..n).map(|i| spec(seed, i, n)).collect();
            let p = parsed(&specs);
            let g = graph(&specs, &p);
            for i in 0..n {
                let got = g
                    .escalation(i)
                    .map(|e| (e.self_escalation, e.path.iter().map(key).collect::<Vec<_>>()));
                let want = reference_escalation(&g, i)
                    .map(|(s, path)| (s, path.iter().map(key).collect::<Vec<_>>()));
                prop_assert_eq!(got, want, "node {}", i);
            }
        }
    }
}
