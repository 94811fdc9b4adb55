//! What the IAM policy checks share: every policy document of an account with a readable label,
//! and every principal with all the policies that apply to it (its own, its groups', attached
//! managed policies, AWS managed ones included).

use std::collections::HashMap;
use std::sync::Arc;

use rampart_model::iam::{ManagedPolicy, Role, User};
use rampart_model::{Account, Meta, Origin, PolicyDocument};
use rampart_policy::analysis::{self, Effective};
use rampart_policy::audit::Issue;
use rampart_policy::eval::Named;
use rampart_policy::{Policy, PolicyKind};
use serde_json::json;

use crate::check::{At, FindingExt, Sink};

/// One policy document of the account.
pub(crate) struct Doc<'a> {
    /// The resource findings are reported on (the policy ARN, or the principal's for inline
    /// and trust policies).
    pub meta: &'a Meta,
    /// A more precise origin (an inline policy's own).
    pub origin: Option<&'a Origin>,
    /// `managed policy `x``, `inline policy `x` of role `y``.
    pub label: String,
    /// The document.
    pub value: &'a PolicyDocument,
    /// Its kind.
    pub kind: PolicyKind,
    /// An AWS managed policy (`arn:aws:iam::aws:policy/…`): only AWS can edit it.
    pub aws_managed: bool,
}

impl<'a> Doc<'a> {
    pub(crate) fn at(&self, account: &'a str) -> At<'a> {
        At::meta(account, None, self.meta).with_origin(self.origin.filter(|o| o.file.is_some()))
    }

    /// The policy, when the document could be read at all.
    pub(crate) fn parse(&self) -> Option<Policy> {
        rampart_policy::parse_document(self.value.as_json(), self.kind).policy
    }
}

/// Every identity policy document: managed policies (customer and AWS managed) and the inline
/// policies of users, groups and roles.
pub(crate) fn identity_docs(account: &Account) -> Vec<Doc<'_>> {
    let iam = &account.iam;
    let mut out = Vec::new();
    for p in &iam.policies {
        let kind = if p.aws_managed {
            "AWS managed policy"
        } else {
            "managed policy"
        };
        out.push(Doc {
            meta: &p.meta,
            origin: None,
            label: format!("{kind} `{}`", p.meta.name),
            value: &p.document,
            kind: PolicyKind::Identity,
            aws_managed: p.aws_managed || p.meta.arn.starts_with("arn:aws:iam::aws:policy/"),
        });
    }
    for u in &iam.users {
        for ip in &u.inline_policies {
            out.push(Doc {
                meta: &u.meta,
                origin: Some(&ip.origin),
                label: format!("inline policy `{}` of user `{}`", ip.name, u.meta.name),
                value: &ip.document,
                kind: PolicyKind::Identity,
                aws_managed: false,
            });
        }
    }
    for g in &iam.groups {
        for ip in &g.inline_policies {
            out.push(Doc {
                meta: &g.meta,
                origin: Some(&ip.origin),
                label: format!("inline policy `{}` of group `{}`", ip.name, g.meta.name),
                value: &ip.document,
                kind: PolicyKind::Identity,
                aws_managed: false,
            });
        }
    }
    for r in &iam.roles {
        for ip in &r.inline_policies {
            out.push(Doc {
                meta: &r.meta,
                origin: Some(&ip.origin),
                label: format!("inline policy `{}` of role `{}`", ip.name, r.meta.name),
                value: &ip.document,
                kind: PolicyKind::Identity,
                aws_managed: false,
            });
        }
    }
    out
}

/// Runs a per-policy judgment over every identity policy document: a failure per issue, a pass
/// for each document without one.
pub(crate) fn judge_docs(
    account: &Account,
    out: &mut Sink,
    control_ok: &str,
    judge: impl Fn(&Policy) -> Vec<Issue>,
) {
    for doc in identity_docs(account) {
        let at = doc.at(&account.id);
        let Some(policy) = doc.parse() else {
            out.not_assessed(at, format!("{} is not valid JSON: see IAM-16", doc.label));
            continue;
        };
        let issues = judge(&policy);
        if issues.is_empty() {
            out.pass(at, format!("{}: {control_ok}", doc.label));
        }
        for issue in issues {
            let f = out.fail(at, format!("{}: {}", doc.label, issue.message));
            f.with("policy", json!(doc.label));
            for (k, v) in issue.evidence {
                f.with(&k, v);
            }
        }
    }
}

/// A user or role with every policy that applies to it.
pub(crate) struct Principal<'a> {
    /// `user` or `role`.
    pub kind: &'static str,
    /// Its metadata.
    pub meta: &'a Meta,
    /// The user, for users.
    pub user: Option<&'a User>,
    /// The role, for roles.
    pub role: Option<&'a Role>,
    /// (label, policy) of every identity policy that applies; a managed policy is parsed once
    /// and shared by every principal it is attached to.
    pub policies: Vec<(String, Arc<Policy>)>,
    /// The permissions boundary, when set and readable.
    pub boundary: Option<Arc<Policy>>,
    /// What could not be found in the Inventory (attached ARNs, groups, a boundary).
    pub missing: Vec<String>,
}

impl Principal<'_> {
    /// The policies as a list for analysis.
    pub(crate) fn named(&self) -> Vec<Named<'_>> {
        self.policies
            .iter()
            .map(|(n, p)| Named { name: n, policy: p })
            .collect()
    }

    /// What its identity policies grant together.
    pub(crate) fn effective(&self) -> Effective {
        analysis::effective(&self.named())
    }

    /// Whether the boundary (if any) allows an action.
    pub(crate) fn boundary_allows(&self, action: &str) -> bool {
        self.boundary.as_ref().is_none_or(|b| {
            analysis::effective(&[Named {
                name: "boundary",
                policy: b,
            }])
            .allows(action, false)
        })
    }

    /// Whether the principal is a full administrator.
    pub(crate) fn is_admin(&self, e: &Effective) -> bool {
        analysis::is_full_admin(e)
            && self.boundary.as_ref().is_none_or(|b| {
                analysis::is_full_admin(&analysis::effective(&[Named {
                    name: "boundary",
                    policy: b,
                }]))
            })
    }

    /// Whether the principal has an active access key.
    pub(crate) fn has_active_key(&self) -> bool {
        self.user
            .is_some_and(|u| u.access_keys.iter().any(|k| k.active))
    }

    /// Application principals: users with an active access key, and roles a service assumes
    /// (not service-linked roles, which AWS manages).
    pub(crate) fn is_application(&self) -> bool {
        if self.has_active_key() {
            return true;
        }
        self.role.is_some_and(|r| {
            !r.service_linked
                && rampart_policy::parse_document(r.assume_role_policy.as_json(), PolicyKind::Trust)
                    .policy
                    .is_some_and(|t| {
                        t.statements.iter().any(|s| {
                            s.principal.as_ref().is_some_and(|p| {
                                p.entries.iter().any(|(k, _)| {
                                    *k == rampart_policy::policy::PrincipalType::Service
                                })
                            })
                        })
                    })
        })
    }

    pub(crate) fn at<'b>(&'b self, account: &'b str) -> At<'b> {
        At::meta(account, None, self.meta)
    }

    /// Reports `not_assessed` when policies are missing; returns whether the principal can be judged.
    pub(crate) fn complete(&self, account: &str, out: &mut Sink) -> bool {
        if self.missing.is_empty() {
            return true;
        }
        out.not_assessed(
            self.at(account),
            format!(
                "{} `{}`: not assessed, the Inventory lacks {}",
                self.kind,
                self.meta.name,
                self.missing.join(", ")
            ),
        )
        .with("missing", json!(self.missing));
        false
    }
}

/// Reads an inline policy (parsed for its one holder).
fn read(
    value: &PolicyDocument,
    label: String,
    into: &mut Vec<(String, Arc<Policy>)>,
    missing: &mut Vec<String>,
) {
    match rampart_policy::parse_document(value.as_json(), PolicyKind::Identity).policy {
        Some(p) => into.push((label, Arc::new(p))),
        None => missing.push(format!("a readable {label} (not valid JSON)")),
    }
}

/// A parsed policy with its label (`managed policy `NAME``).
type Labelled = (String, Arc<Policy>);

/// The account's managed policies by ARN (the first of a duplicated ARN, as `IamData::policy`),
/// each parsed at most once per kind however many principals it is attached to: principals look
/// up thousands of attachments in estates of thousands of policies, and a policy parsed per
/// attachment was most of the memory of `rampart access` on such an estate. An IaC policy is
/// also found by the ARN its declaration gives (`permissions_boundary = aws_iam_policy.b.arn`);
/// an AWS managed policy the Inventory does not hold (IaC attaches it by ARN) by its published
/// text.
pub(crate) struct Managed<'a> {
    by_arn: HashMap<&'a str, &'a ManagedPolicy>,
    /// `None`: the document does not parse.
    identity: HashMap<&'a str, Option<Arc<Policy>>>,
    boundary: HashMap<&'a str, Option<Arc<Policy>>>,
    /// AWS managed policies read from their published text, by ARN and kind (`true`: boundary).
    published: HashMap<(String, bool), Option<Labelled>>,
}

impl<'a> Managed<'a> {
    pub(crate) fn new(account: &'a Account) -> Self {
        let mut by_arn = HashMap::with_capacity(account.iam.policies.len());
        for p in &account.iam.policies {
            by_arn.entry(p.meta.arn.as_str()).or_insert(p);
        }
        for p in &account.iam.policies {
            by_arn.entry(p.meta.cloud_arn()).or_insert(p);
        }
        Managed {
            by_arn,
            identity: HashMap::new(),
            boundary: HashMap::new(),
            published: HashMap::new(),
        }
    }

    /// The managed policy `arn` and its parsed form as `kind` (`Identity` or `Boundary`); `None`
    /// when the Inventory does not hold it.
    pub(crate) fn get(
        &mut self,
        arn: &str,
        kind: PolicyKind,
    ) -> Option<(&'a ManagedPolicy, Option<Arc<Policy>>)> {
        let (key, p) = self.by_arn.get_key_value(arn).map(|(k, p)| (*k, *p))?;
        let cache = if kind == PolicyKind::Boundary {
            &mut self.boundary
        } else {
            &mut self.identity
        };
        let parsed = cache
            .entry(key)
            .or_insert_with(|| {
                rampart_policy::parse_document(p.document.as_json(), kind)
                    .policy
                    .map(Arc::new)
            })
            .clone();
        Some((p, parsed))
    }

    /// The published AWS managed policy `arn` as `kind`, with its label; `None` when `arn` is not
    /// one.
    pub(crate) fn published(
        &mut self,
        arn: &str,
        kind: PolicyKind,
    ) -> Option<(String, Arc<Policy>)> {
        self.published
            .entry((arn.to_owned(), kind == PolicyKind::Boundary))
            .or_insert_with(|| aws_managed(arn, kind).map(|(label, p)| (label, Arc::new(p))))
            .clone()
    }

    fn attached(
        &mut self,
        arns: &[String],
        into: &mut Vec<(String, Arc<Policy>)>,
        missing: &mut Vec<String>,
    ) {
        for arn in arns {
            match self.get(arn, PolicyKind::Identity) {
                Some((p, Some(parsed))) => {
                    into.push((format!("managed policy `{}`", p.meta.name), parsed));
                }
                Some((p, None)) => missing.push(format!(
                    "a readable managed policy `{}` (not valid JSON)",
                    p.meta.name
                )),
                None => match self.published(arn, PolicyKind::Identity) {
                    Some(named) => into.push(named),
                    None => missing.push(format!("the attached policy `{arn}`")),
                },
            }
        }
    }

    fn boundary(&mut self, arn: Option<&String>, missing: &mut Vec<String>) -> Option<Arc<Policy>> {
        let arn = arn?;
        let found = match self.get(arn, PolicyKind::Boundary) {
            Some((_, p)) => p,
            None => self.published(arn, PolicyKind::Boundary).map(|(_, p)| p),
        };
        if found.is_none() {
            missing.push(format!("the permissions boundary `{arn}`"));
        }
        found
    }
}

/// An AWS managed policy by ARN from the published documents ([`rampart_policy::managed`]),
/// labelled as the Inventory's are.
pub(crate) fn aws_managed(arn: &str, kind: PolicyKind) -> Option<(String, Policy)> {
    let text = rampart_policy::managed::document(arn)?;
    let policy = rampart_policy::parse_text(text, kind).policy?;
    let name = rampart_policy::managed::aws_managed_name(arn).unwrap_or(arn);
    Some((format!("managed policy `{name}`"), policy))
}

/// Every user (with its groups' policies) and role of the account.
pub(crate) fn principals(account: &Account) -> Vec<Principal<'_>> {
    principals_with(account, &mut Managed::new(account))
}

/// [`principals`], with the managed policies parsed through `managed` (which the caller may
/// go on using).
pub(crate) fn principals_with<'a>(
    account: &'a Account,
    managed: &mut Managed<'a>,
) -> Vec<Principal<'a>> {
    let iam = &account.iam;
    let mut out = Vec::new();
    for u in &iam.users {
        let (mut policies, mut missing) = (Vec::new(), Vec::new());
        for ip in &u.inline_policies {
            read(
                &ip.document,
                format!("inline policy `{}`", ip.name),
                &mut policies,
                &mut missing,
            );
        }
        managed.attached(&u.attached_policies, &mut policies, &mut missing);
        for gname in &u.groups {
            match iam.group(gname) {
                Some(g) => {
                    for ip in &g.inline_policies {
                        read(
                            &ip.document,
                            format!("inline policy `{}` of group `{gname}`", ip.name),
                            &mut policies,
                            &mut missing,
                        );
                    }
                    managed.attached(&g.attached_policies, &mut policies, &mut missing);
                }
                None => missing.push(format!("the group `{gname}`")),
            }
        }
        let boundary = managed.boundary(u.permissions_boundary.as_ref(), &mut missing);
        out.push(Principal {
            kind: "user",
            meta: &u.meta,
            user: Some(u),
            role: None,
            policies,
            boundary,
            missing,
        });
    }
    for r in &iam.roles {
        let (mut policies, mut missing) = (Vec::new(), Vec::new());
        for ip in &r.inline_policies {
            read(
                &ip.document,
                format!("inline policy `{}`", ip.name),
                &mut policies,
                &mut missing,
            );
        }
        managed.attached(&r.attached_policies, &mut policies, &mut missing);
        let boundary = managed.boundary(r.permissions_boundary.as_ref(), &mut missing);
        out.push(Principal {
            kind: "role",
            meta: &r.meta,
            user: None,
            role: Some(r),
            policies,
            boundary,
            missing,
        });
    }
    out
}
