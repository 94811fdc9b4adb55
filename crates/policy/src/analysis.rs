//! Analyses over policies without a concrete request: what a set of policies grants once its
//! Denies are taken into account, which Allows they cancel, where access is service-wide or on
//! every resource, which privilege-escalation paths it opens, and who a resource policy lets in.
//!
//! Actions are expanded through the catalogue into sets of action indices, so `s3:Get*` and a
//! Deny on `s3:*` are compared exactly. A Deny cancels an Allow only when it is unconditional and
//! its resources cover the Allow's resources (tested with [`wildcard::covers`], which never claims
//! coverage that does not hold): the analysis may miss a cancellation, never invent one.

use std::collections::BTreeSet;

use crate::catalogue::{self, Catalogue};
use crate::eval::Named;
use crate::policy::{Effect, OperatorBase, Policy, PrincipalType, Statement};
use crate::wildcard;

/// A set of catalogue actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSet {
    words: Vec<u64>,
}

impl ActionSet {
    /// The empty set sized for the catalogue.
    #[must_use]
    pub fn empty(c: &Catalogue) -> Self {
        ActionSet {
            words: vec![0; c.actions.len().div_ceil(64)],
        }
    }

    /// Every action.
    #[must_use]
    pub fn full(c: &Catalogue) -> Self {
        let mut s = ActionSet::empty(c);
        s.insert_range(0..c.actions.len());
        s
    }

    /// Adds an action.
    pub fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// Adds a range of actions.
    pub fn insert_range(&mut self, r: std::ops::Range<usize>) {
        let end = r.end.min(self.words.len() * 64);
        let mut i = r.start;
        while i < end {
            if i.is_multiple_of(64) && end - i >= 64 {
                self.words[i / 64] = u64::MAX;
                i += 64;
            } else {
                self.words[i / 64] |= 1 << (i % 64);
                i += 1;
            }
        }
    }

    /// Whether it holds the action.
    #[must_use]
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The number of actions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `self ∩ other`.
    #[must_use]
    pub fn and(&self, other: &ActionSet) -> ActionSet {
        ActionSet {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(a, b)| a & b)
                .collect(),
        }
    }

    /// `self \ other`.
    #[must_use]
    pub fn minus(&self, other: &ActionSet) -> ActionSet {
        ActionSet {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(a, b)| a & !b)
                .collect(),
        }
    }

    /// `self ∪= other`.
    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The indices, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(wi * 64 + b)
            })
        })
    }
}

/// The actions that support resource-level permissions (name a resource type).
fn scopable(c: &Catalogue) -> &'static ActionSet {
    static SET: std::sync::OnceLock<ActionSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let mut set = ActionSet::empty(c);
        for (i, a) in c.actions.iter().enumerate() {
            if a.has_resource_types() {
                set.insert(i);
            }
        }
        set
    })
}

/// The actions a statement's `Action`/`NotAction` names, in the catalogue.
#[must_use]
pub fn statement_actions(c: &Catalogue, s: &Statement) -> ActionSet {
    let mut set = ActionSet::empty(c);
    for p in &s.action.items {
        c.for_each_match(&p.value, |r| {
            set.insert_range(r);
            true
        });
    }
    if s.action.negated {
        ActionSet::full(c).minus(&set)
    } else {
        set
    }
}

/// A reference to a statement of a policy in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct StatementRef {
    /// Index of the policy in the analysed list.
    pub policy: usize,
    /// Index of the statement in the policy.
    pub statement: usize,
}

/// What one Allow statement grants for one of its resource patterns, after Denies.
#[derive(Debug, Clone)]
pub struct ResourceGrant {
    /// The Allow statement.
    pub allow: StatementRef,
    /// The resource pattern (`*` for `NotResource` or a missing `Resource`).
    pub resource: String,
    /// Whether the pattern came from `NotResource` (everything except…).
    pub not_resource: bool,
    /// The Allow has conditions.
    pub conditional: bool,
    /// Actions that remain allowed.
    pub actions: ActionSet,
    /// Actions cancelled, with the Deny that cancels them.
    pub cancelled: Vec<(StatementRef, ActionSet)>,
}

/// Allows and Denies of a set of identity policies taken together.
#[derive(Debug, Clone)]
pub struct Effective {
    /// Per Allow statement and resource pattern.
    pub grants: Vec<ResourceGrant>,
    /// Allowed action patterns that name no catalogue action (unknown or future actions).
    pub unknown: Vec<(StatementRef, String)>,
    /// Unknown allowed action patterns that an unconditional Deny cancels: (allow, pattern, deny).
    pub unknown_cancelled: Vec<(StatementRef, String, StatementRef)>,
}

struct DenyInfo<'a> {
    at: StatementRef,
    actions: ActionSet,
    statement: &'a Statement,
    resources: Option<&'a [crate::policy::Spanned]>,
}

impl DenyInfo<'_> {
    fn covers_resources(&self, resources: &[String]) -> bool {
        self.resources.is_none_or(|rs| {
            resources
                .iter()
                .all(|x| rs.iter().any(|r| wildcard::covers(&r.value, x, false)))
        })
    }
}

/// Computes what `policies` grant together.
#[must_use]
pub fn effective(policies: &[Named<'_>]) -> Effective {
    let c = catalogue::global();
    let mut denies = Vec::new();
    for (pi, n) in policies.iter().enumerate() {
        for s in n.policy.statements_with(Effect::Deny) {
            // Only unconditional Denies with plain resource lists are certain to apply.
            if !s.conditions.is_empty() {
                continue;
            }
            let resources = match &s.resource {
                Some(r) if r.negated => continue,
                Some(r) => Some(r.items.as_slice()),
                None => None,
            };
            denies.push(DenyInfo {
                at: StatementRef {
                    policy: pi,
                    statement: s.index,
                },
                actions: statement_actions(c, s),
                statement: s,
                resources,
            });
        }
    }
    let mut out = Effective {
        grants: Vec::new(),
        unknown: Vec::new(),
        unknown_cancelled: Vec::new(),
    };
    for (pi, n) in policies.iter().enumerate() {
        for s in n.policy.statements_with(Effect::Allow) {
            let at = StatementRef {
                policy: pi,
                statement: s.index,
            };
            let actions = statement_actions(c, s);
            if !s.action.negated {
                let resources: Vec<String> = match &s.resource {
                    Some(r) if !r.negated => r.items.iter().map(|x| x.value.clone()).collect(),
                    _ => vec!["*".to_owned()],
                };
                for p in &s.action.items {
                    if c.matches_any(&p.value) {
                        continue;
                    }
                    // An action the catalogue does not know can still be denied by pattern.
                    let deny = denies.iter().find(|d| {
                        let named = d
                            .statement
                            .action
                            .items
                            .iter()
                            .any(|x| wildcard::covers(&x.value, &p.value, true));
                        named != d.statement.action.negated && d.covers_resources(&resources)
                    });
                    match deny {
                        Some(d) => out.unknown_cancelled.push((at, p.value.clone(), d.at)),
                        None => out.unknown.push((at, p.value.clone())),
                    }
                }
            }
            let patterns: Vec<(String, bool)> = match &s.resource {
                Some(r) if r.negated => vec![("*".to_owned(), true)],
                Some(r) => r.items.iter().map(|x| (x.value.clone(), false)).collect(),
                None => vec![("*".to_owned(), false)],
            };
            for (resource, not_resource) in patterns {
                let mut remaining = actions.clone();
                let mut cancelled = Vec::new();
                if !not_resource {
                    for d in &denies {
                        let covered = d.resources.is_none_or(|rs| {
                            rs.iter()
                                .any(|r| wildcard::covers(&r.value, &resource, false))
                        });
                        if !covered {
                            continue;
                        }
                        let hit = remaining.and(&d.actions);
                        if !hit.is_empty() {
                            remaining = remaining.minus(&hit);
                            cancelled.push((d.at, hit));
                        }
                    }
                }
                out.grants.push(ResourceGrant {
                    allow: at,
                    resource,
                    not_resource,
                    conditional: !s.conditions.is_empty(),
                    actions: remaining,
                    cancelled,
                });
            }
        }
    }
    out
}

impl Effective {
    /// Every action allowed on some resource.
    #[must_use]
    pub fn allowed_actions(&self) -> ActionSet {
        let c = catalogue::global();
        let mut all = ActionSet::empty(c);
        for g in &self.grants {
            all.union_with(&g.actions);
        }
        all
    }

    /// Whether `action` (a full name) is allowed on some resource; `unconditional` ignores
    /// Allows that carry conditions.
    #[must_use]
    pub fn allows(&self, action: &str, unconditional: bool) -> bool {
        let Some(i) = catalogue::global().action_index(action) else {
            return false;
        };
        self.grants
            .iter()
            .any(|g| (!unconditional || !g.conditional) && g.actions.contains(i))
    }

    /// The grants that allow `action`.
    pub fn grants_of<'a>(&'a self, action: &str) -> impl Iterator<Item = &'a ResourceGrant> + 'a {
        let i = catalogue::global().action_index(action);
        self.grants
            .iter()
            .filter(move |g| i.is_some_and(|i| g.actions.contains(i)))
    }

    /// The service prefixes reachable.
    #[must_use]
    pub fn services(&self) -> BTreeSet<String> {
        let c = catalogue::global();
        let mut out = BTreeSet::new();
        for i in self.allowed_actions().iter() {
            if let Some(a) = c.actions.get(i)
                && let Some(s) = c.services.get(a.service)
            {
                out.insert(s.prefix.clone());
            }
        }
        for (_, p) in &self.unknown {
            if let Some((svc, _)) = p.split_once(':') {
                out.insert(svc.to_ascii_lowercase());
            }
        }
        out
    }

    /// Whether nothing at all remains allowed.
    #[must_use]
    pub fn grants_nothing(&self) -> bool {
        self.grants.iter().all(|g| g.actions.is_empty()) && self.unknown.is_empty()
    }
}

/// An Allow cancelled (wholly or partly) by a Deny of the same policy set.
#[derive(Debug, Clone)]
pub struct Cancellation {
    /// The Allow.
    pub allow: StatementRef,
    /// The Deny.
    pub deny: StatementRef,
    /// The resource pattern of the Allow.
    pub resource: String,
    /// Full names of the actions the Deny cancels there.
    pub cancelled: Vec<String>,
    /// Full names of the actions that remain allowed there.
    pub remaining: Vec<String>,
}

/// Every Allow/Deny pair where the Deny cancels some of the Allow.
#[must_use]
pub fn cancellations(e: &Effective) -> Vec<Cancellation> {
    let c = catalogue::global();
    let names = |s: &ActionSet| {
        s.iter()
            .filter_map(|i| c.actions.get(i).map(|a| a.full.clone()))
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for g in &e.grants {
        for (deny, hit) in &g.cancelled {
            out.push(Cancellation {
                allow: g.allow,
                deny: *deny,
                resource: g.resource.clone(),
                cancelled: names(hit),
                remaining: names(&g.actions),
            });
        }
    }
    out
}

/// How broad an Allow statement's actions are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breadth {
    /// `"*"`: every action of every service.
    AllActions,
    /// `NotAction`: every action except those listed.
    AllExcept(Vec<String>),
    /// `svc:*`: every action of a service.
    ServiceWide(String),
}

/// A broad Allow statement.
#[derive(Debug, Clone)]
pub struct BroadAllow {
    /// The statement.
    pub statement: usize,
    /// How broad.
    pub breadth: Breadth,
    /// Its resources are every resource (`*`).
    pub all_resources: bool,
    /// It has conditions.
    pub conditional: bool,
}

/// The Allow statements of a policy that grant every action or every action of a service.
#[must_use]
pub fn broad_allows(p: &Policy) -> Vec<BroadAllow> {
    let mut out = Vec::new();
    for s in p.statements_with(Effect::Allow) {
        let all_resources = s
            .resource
            .as_ref()
            .is_none_or(|r| r.negated || r.items.iter().any(|x| x.value == "*"));
        let conditional = !s.conditions.is_empty();
        if s.action.negated {
            out.push(BroadAllow {
                statement: s.index,
                breadth: Breadth::AllExcept(
                    s.action.items.iter().map(|x| x.value.clone()).collect(),
                ),
                all_resources,
                conditional,
            });
            continue;
        }
        for a in &s.action.items {
            let v = a.value.as_str();
            if v == "*" || v == "*:*" {
                out.push(BroadAllow {
                    statement: s.index,
                    breadth: Breadth::AllActions,
                    all_resources,
                    conditional,
                });
            } else if let Some(svc) = v.strip_suffix(":*")
                && !wildcard::has_wildcard(svc)
            {
                out.push(BroadAllow {
                    statement: s.index,
                    breadth: Breadth::ServiceWide(svc.to_ascii_lowercase()),
                    all_resources,
                    conditional,
                });
            }
        }
    }
    out
}

/// Whether a resource pattern stands for every resource of its kind: `*`, or an ARN whose
/// resource part is only wildcards after an optional type word (`arn:aws:s3:::*`,
/// `arn:aws:dynamodb:*:*:table/*`, `arn:aws:secretsmanager:*:*:secret:*`).
#[must_use]
pub fn is_wildcard_resource(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some(rest) = pattern.strip_prefix("arn:") else {
        return false;
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let (Some(service), Some(res)) = (parts.get(1), parts.get(4)) else {
        return false;
    };
    let only_wildcards =
        |t: &str| t.contains('*') && t.bytes().all(|b| matches!(b, b'*' | b'/' | b':'));
    if only_wildcards(res) {
        return true;
    }
    // Otherwise: wildcard when it covers every resource of one of the service's types
    // (`table/*` for DynamoDB tables, `secret:*` for secrets), not merely part of one.
    // A pattern that ends in a literal names particular resources.
    if !res.ends_with('*') {
        return false;
    }
    let c = catalogue::global();
    let Some(svc) = c.service(service) else {
        return false;
    };
    let res_literal = res.split(['*', '?']).next().unwrap_or_default();
    svc.resource_types.iter().any(|rt| {
        rt.glob.splitn(6, ':').nth(5).is_some_and(|type_res| {
            // Cheap necessary condition first: the literal prefixes must agree.
            let type_literal = type_res.split(['*', '?']).next().unwrap_or_default();
            !type_res.is_empty()
                && type_res != "*"
                && (type_literal.starts_with(res_literal) || res_literal.starts_with(type_literal))
                && wildcard::covers(res, type_res, false)
        })
    })
}

/// An Allow on a wildcard resource for actions that could have been limited to named resources.
#[derive(Debug, Clone)]
pub struct WildcardResource {
    /// The statement.
    pub statement: usize,
    /// The wildcard pattern.
    pub resource: String,
    /// Actions of the statement that support resource-level permissions (a sample if many).
    pub actions: Vec<String>,
    /// How many such actions.
    pub count: usize,
}

/// Allow statements with a wildcard resource where the actions support resource-level
/// permissions. A statement whose actions support none (`s3:ListAllMyBuckets`) must use `*`.
#[must_use]
pub fn wildcard_resources(p: &Policy) -> Vec<WildcardResource> {
    let c = catalogue::global();
    let mut out = Vec::new();
    for s in p.statements_with(Effect::Allow) {
        let Some(r) = &s.resource else { continue };
        let patterns: Vec<&str> = if r.negated {
            vec!["*"]
        } else {
            r.items
                .iter()
                .map(|x| x.value.as_str())
                .filter(|v| is_wildcard_resource(v))
                .collect()
        };
        if patterns.is_empty() {
            continue;
        }
        // Only actions with resource-level permissions can be scoped.
        let actions = statement_actions(c, s).and(scopable(c));
        let mut type_matches: std::collections::HashMap<(usize, usize), bool> =
            std::collections::HashMap::new();
        let mut sample: Vec<String> = Vec::new();
        let mut count = 0usize;
        let everything = patterns.contains(&"*");
        if everything {
            count = actions.len();
            sample = actions
                .iter()
                .take(10)
                .filter_map(|i| c.actions.get(i).map(|a| a.full.clone()))
                .collect();
        }
        for a in actions
            .iter()
            .take_while(|_| !everything)
            .filter_map(|i| c.actions.get(i))
        {
            let hit = a.resource_types.iter().any(|(t, _)| {
                *type_matches.entry((a.service, *t)).or_insert_with(|| {
                    c.services
                        .get(a.service)
                        .and_then(|svc| svc.resource_types.get(*t))
                        .is_some_and(|rt| {
                            patterns
                                .iter()
                                .any(|p| wildcard::intersects(p, &rt.glob, false))
                        })
                })
            });
            if hit {
                count += 1;
                if sample.len() < 10 {
                    sample.push(a.full.clone());
                }
            }
        }
        if count == 0 {
            continue;
        }
        for p in patterns {
            out.push(WildcardResource {
                statement: s.index,
                resource: p.to_owned(),
                actions: sample.clone(),
                count,
            });
        }
    }
    out
}

/// A known privilege-escalation method: actions that together let a principal raise its own
/// privileges.
#[derive(Debug, Clone, Copy)]
pub struct EscalationMethod {
    /// A short name.
    pub name: &'static str,
    /// Every action needed.
    pub actions: &'static [&'static str],
    /// How it works.
    pub how: &'static str,
}

/// The escalation methods rampart knows (the published IAM escalation research, reworded).
pub const ESCALATION_METHODS: &[EscalationMethod] = &[
    EscalationMethod {
        name: "create-policy-version",
        actions: &["iam:CreatePolicyVersion"],
        how: "write a new default version of a managed policy attached to oneself",
    },
    EscalationMethod {
        name: "set-default-policy-version",
        actions: &["iam:SetDefaultPolicyVersion"],
        how: "switch a policy to an older, broader version",
    },
    EscalationMethod {
        name: "create-access-key",
        actions: &["iam:CreateAccessKey"],
        how: "create access keys for a more privileged user",
    },
    EscalationMethod {
        name: "create-login-profile",
        actions: &["iam:CreateLoginProfile"],
        how: "give a console password to a more privileged user",
    },
    EscalationMethod {
        name: "update-login-profile",
        actions: &["iam:UpdateLoginProfile"],
        how: "reset a more privileged user's console password",
    },
    EscalationMethod {
        name: "attach-user-policy",
        actions: &["iam:AttachUserPolicy"],
        how: "attach AdministratorAccess to oneself",
    },
    EscalationMethod {
        name: "attach-group-policy",
        actions: &["iam:AttachGroupPolicy"],
        how: "attach an administrator policy to one's group",
    },
    EscalationMethod {
        name: "attach-role-policy",
        actions: &["iam:AttachRolePolicy"],
        how: "attach an administrator policy to a role one can use",
    },
    EscalationMethod {
        name: "put-user-policy",
        actions: &["iam:PutUserPolicy"],
        how: "write an inline administrator policy on oneself",
    },
    EscalationMethod {
        name: "put-group-policy",
        actions: &["iam:PutGroupPolicy"],
        how: "write an inline administrator policy on one's group",
    },
    EscalationMethod {
        name: "put-role-policy",
        actions: &["iam:PutRolePolicy"],
        how: "write an inline administrator policy on a role one can use",
    },
    EscalationMethod {
        name: "add-user-to-group",
        actions: &["iam:AddUserToGroup"],
        how: "join a more privileged group",
    },
    EscalationMethod {
        name: "update-assume-role-policy",
        actions: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        how: "rewrite a privileged role's trust policy, then assume it",
    },
    EscalationMethod {
        name: "pass-role-ec2",
        actions: &["iam:PassRole", "ec2:RunInstances"],
        how: "launch an instance with a privileged instance profile and use its credentials",
    },
    EscalationMethod {
        name: "pass-role-lambda-invoke",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        how: "create a function running as a privileged role and invoke it",
    },
    EscalationMethod {
        name: "pass-role-lambda-event-source",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        how: "create a function running as a privileged role, triggered by an event source",
    },
    EscalationMethod {
        name: "pass-role-lambda-add-permission",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        how: "create a function running as a privileged role and let oneself invoke it",
    },
    EscalationMethod {
        name: "update-function-code",
        actions: &["lambda:UpdateFunctionCode"],
        how: "replace the code of a function that runs as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-cloudformation",
        actions: &["iam:PassRole", "cloudformation:CreateStack"],
        how: "create a stack that runs as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-glue-dev-endpoint",
        actions: &["iam:PassRole", "glue:CreateDevEndpoint"],
        how: "create a Glue development endpoint with a privileged role and log in to it",
    },
    EscalationMethod {
        name: "glue-update-dev-endpoint",
        actions: &["glue:UpdateDevEndpoint"],
        how: "add one's SSH key to an existing Glue development endpoint",
    },
    EscalationMethod {
        name: "pass-role-glue-job",
        actions: &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        how: "run a Glue job as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-datapipeline",
        actions: &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        how: "run a data pipeline as a privileged role (it runs once activated)",
    },
    EscalationMethod {
        name: "pass-role-sagemaker-notebook",
        actions: &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        how: "open a notebook running as a privileged role",
    },
    EscalationMethod {
        name: "sagemaker-presigned-url",
        actions: &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        how: "open an existing notebook that runs as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-codebuild",
        actions: &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        how: "run a build as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-ecs",
        actions: &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        how: "run a task with a privileged task role",
    },
    EscalationMethod {
        name: "pass-role-ssm-automation",
        actions: &["iam:PassRole", "ssm:StartAutomationExecution"],
        how: "run an Automation runbook as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-sagemaker-training",
        actions: &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        how: "run a training job (arbitrary code) as a privileged role",
    },
    EscalationMethod {
        name: "pass-role-sagemaker-processing",
        actions: &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        how: "run a processing job (arbitrary code) as a privileged role",
    },
    EscalationMethod {
        name: "ssm-send-command",
        actions: &["ssm:SendCommand"],
        how: "run commands on an instance and use its role's credentials",
    },
    EscalationMethod {
        name: "ssm-start-session",
        actions: &["ssm:StartSession"],
        how: "open a shell on an instance and use its role's credentials",
    },
    EscalationMethod {
        name: "pass-role-autoscaling",
        actions: &[
            "iam:PassRole",
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        how: "launch instances with a privileged instance profile through Auto Scaling",
    },
    EscalationMethod {
        name: "ec2-instance-connect",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        how: "log in to an instance and use its role's credentials",
    },
    EscalationMethod {
        name: "pass-role-apprunner",
        actions: &["iam:PassRole", "apprunner:CreateService"],
        how: "run a service with a privileged instance role",
    },
];

/// An escalation method a set of policies makes possible.
#[derive(Debug, Clone)]
pub struct Escalation {
    /// The method.
    pub method: &'static EscalationMethod,
    /// For each action of the method, the Allow statements that grant it.
    pub granted_by: Vec<(String, Vec<StatementRef>)>,
}

/// The escalation methods open under `e` (conditioned Allows count: a condition narrows who or
/// when, rarely what can be escalated to).
#[must_use]
pub fn escalations(e: &Effective) -> Vec<Escalation> {
    let mut out = Vec::new();
    for m in ESCALATION_METHODS {
        let mut granted_by = Vec::new();
        let mut all = true;
        for a in m.actions {
            let refs: BTreeSet<StatementRef> = e.grants_of(a).map(|g| g.allow).collect();
            if refs.is_empty() {
                all = false;
                break;
            }
            granted_by.push(((*a).to_owned(), refs.into_iter().collect()));
        }
        if all {
            out.push(Escalation {
                method: m,
                granted_by,
            });
        }
    }
    out
}

/// Condition keys that limit who can use a public statement to a known network, organization,
/// account or caller.
pub const LIMITING_KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "aws:userid",
    "aws:username",
    "kms:CallerAccount",
    "aws:ResourceOrgID",
    "aws:PrincipalServiceName",
];

/// Who a resource-policy statement lets in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Anyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`).
    Everyone,
    /// Principals of other accounts.
    OtherAccounts(Vec<String>),
}

/// An Allow of a resource policy that reaches beyond the owning account.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// The statement.
    pub statement: usize,
    /// Who.
    pub audience: Audience,
    /// The limiting conditions that narrow it (empty: nothing does).
    pub limited_by: Vec<String>,
    /// The actions, as written.
    pub actions: Vec<String>,
}

impl Exposure {
    /// Public with no limiting condition.
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.audience == Audience::Everyone && self.limited_by.is_empty()
    }
}

fn limiting(s: &Statement) -> Vec<String> {
    let mut out = Vec::new();
    for c in &s.conditions {
        let key = &c.key.value;
        if !LIMITING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            continue;
        }
        let base = c.operator.base;
        // Negated operators ("not from this VPC") and IfExists (absent key passes) do not limit.
        if base.is_negated() || c.operator.if_exists || base == OperatorBase::Null {
            continue;
        }
        // A value that matches anything does not limit: `*` (also `**`, `*?`), `arn:aws:*`,
        // `arn:*`, every address.
        let broad = c.values.iter().any(|v| {
            v.chars().all(|ch| ch == '*' || ch == '?')
                || v == "0.0.0.0/0"
                || v == "::/0"
                || v == "arn:aws:*"
                || v == "arn:*"
        });
        if !broad && !c.values.is_empty() {
            out.push(key.clone());
        }
    }
    out
}

/// The Allow statements of a resource policy that let in everyone or other accounts than
/// `owner`, with the conditions that limit them.
#[must_use]
pub fn exposures(p: &Policy, owner: &str) -> Vec<Exposure> {
    let mut out = Vec::new();
    for s in p.statements_with(Effect::Allow) {
        let Some(pr) = &s.principal else { continue };
        let audience = if pr.negated || pr.is_everyone() {
            Audience::Everyone
        } else {
            let others: Vec<String> = pr
                .entries
                .iter()
                .filter(|(t, _)| *t == PrincipalType::Aws)
                .filter_map(|(_, v)| crate::eval::account_of(&v.value).map(str::to_owned))
                .filter(|a| a != owner)
                .collect();
            if others.is_empty() {
                continue;
            }
            Audience::OtherAccounts(others)
        };
        out.push(Exposure {
            statement: s.index,
            audience,
            limited_by: limiting(s),
            actions: s.action.items.iter().map(|a| a.value.clone()).collect(),
        });
    }
    out
}

/// Whether the policies grant every action on every resource (an administrator).
#[must_use]
pub fn is_full_admin(e: &Effective) -> bool {
    e.grants.iter().any(|g| {
        !g.conditional && g.resource == "*" && !g.not_resource && {
            let c = catalogue::global();
            g.actions.len() == c.actions.len()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{PolicyKind, parse_text};

    fn policy(text: &str) -> Policy {
        parse_text(text, PolicyKind::Auto).policy.expect("policy")
    }

    #[test]
    fn wildcard_resource_shapes() {
        assert!(is_wildcard_resource("*"));
        assert!(is_wildcard_resource("arn:aws:s3:::*"));
        assert!(is_wildcard_resource("arn:aws:dynamodb:*:*:table/*"));
        assert!(is_wildcard_resource(
            "arn:aws:secretsmanager:us-east-1:1:secret:*"
        ));
        assert!(!is_wildcard_resource("arn:aws:s3:::bucket/*"));
        assert!(!is_wildcard_resource("arn:aws:ssm:*:*:parameter/app/*"));
    }

    #[test]
    fn deny_on_star_cancels_scoped_allow() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:1:q"},
            {"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}"#,
        );
        let e = effective(&[Named {
            name: "p",
            policy: &p,
        }]);
        assert!(e.grants_nothing());
        let c = cancellations(&e);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].cancelled, vec!["sqs:SendMessage".to_owned()]);
    }

    #[test]
    fn conditional_deny_does_not_cancel() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}"#,
        );
        let e = effective(&[Named {
            name: "p",
            policy: &p,
        }]);
        assert!(e.allows("s3:GetObject", true));
    }

    #[test]
    fn escalation_via_pass_role() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}"#,
        );
        let e = effective(&[Named {
            name: "p",
            policy: &p,
        }]);
        let names: Vec<&str> = escalations(&e).iter().map(|x| x.method.name).collect();
        assert_eq!(names, vec!["pass-role-ec2"]);
    }

    #[test]
    fn public_unless_limited() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
        );
        let x = exposures(&p, "111111111111");
        assert_eq!(x.len(), 3);
        assert!(x[0].is_public());
        assert!(!x[1].is_public());
        assert_eq!(
            x[2].audience,
            Audience::OtherAccounts(vec!["999999999999".into()])
        );
    }
}
