//! What the IAM policy checks share: every policy document of an account with a readable label,
//! and every principal with all the policies that apply to it (its own, its groups', attached
//! managed policies, AWS managed ones included).

use rampart_model::iam::{Role, User};
use rampart_model::{Account, Meta, Origin};
use rampart_policy::analysis::{self, Effective};
use rampart_policy::audit::Issue;
use rampart_policy::eval::Named;
use rampart_policy::{Policy, PolicyKind};
use serde_json::{Value, json};

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
    pub value: &'a Value,
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
        rampart_policy::parse_value(self.value, self.kind).policy
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
    /// (label, policy) of every identity policy that applies.
    pub policies: Vec<(String, Policy)>,
    /// The permissions boundary, when set and readable.
    pub boundary: Option<Policy>,
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
                && rampart_policy::parse_value(&r.assume_role_policy, PolicyKind::Trust)
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

fn read(value: &Value, label: String, into: &mut Vec<(String, Policy)>, missing: &mut Vec<String>) {
    match rampart_policy::parse_value(value, PolicyKind::Identity).policy {
        Some(p) => into.push((label, p)),
        None => missing.push(format!("a readable {label} (not valid JSON)")),
    }
}

/// The account's managed policies by ARN (the first of a duplicated ARN, as `IamData::policy`):
/// principals look up thousands of attachments in estates of thousands of policies.
type ByArn<'a> = std::collections::HashMap<&'a str, &'a rampart_model::iam::ManagedPolicy>;

fn by_arn(account: &Account) -> ByArn<'_> {
    let mut m = ByArn::with_capacity(account.iam.policies.len());
    for p in &account.iam.policies {
        m.entry(p.meta.arn.as_str()).or_insert(p);
    }
    // An IaC policy is named by its address, and by the ARN its declaration gives
    // (`permissions_boundary = aws_iam_policy.b.arn`).
    for p in &account.iam.policies {
        m.entry(p.meta.cloud_arn()).or_insert(p);
    }
    m
}

fn attached(
    by_arn: &ByArn<'_>,
    arns: &[String],
    into: &mut Vec<(String, Policy)>,
    missing: &mut Vec<String>,
) {
    for arn in arns {
        match by_arn.get(arn.as_str()) {
            Some(p) => read(
                &p.document,
                format!("managed policy `{}`", p.meta.name),
                into,
                missing,
            ),
            // An AWS managed policy the Inventory does not hold (IaC attaches it by ARN): its
            // published text.
            None => match aws_managed(arn, PolicyKind::Identity) {
                Some((label, p)) => into.push((label, p)),
                None => missing.push(format!("the attached policy `{arn}`")),
            },
        }
    }
}

fn boundary(by_arn: &ByArn<'_>, arn: Option<&String>, missing: &mut Vec<String>) -> Option<Policy> {
    let arn = arn?;
    match by_arn
        .get(arn.as_str())
        .and_then(|p| rampart_policy::parse_value(&p.document, PolicyKind::Boundary).policy)
        .or_else(|| aws_managed(arn, PolicyKind::Boundary).map(|(_, p)| p))
    {
        Some(p) => Some(p),
        None => {
            missing.push(format!("the permissions boundary `{arn}`"));
            None
        }
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
    let iam = &account.iam;
    let by_arn = by_arn(account);
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
        attached(&by_arn, &u.attached_policies, &mut policies, &mut missing);
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
                    attached(&by_arn, &g.attached_policies, &mut policies, &mut missing);
                }
                None => missing.push(format!("the group `{gname}`")),
            }
        }
        let boundary = boundary(&by_arn, u.permissions_boundary.as_ref(), &mut missing);
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
        attached(&by_arn, &r.attached_policies, &mut policies, &mut missing);
        let boundary = boundary(&by_arn, r.permissions_boundary.as_ref(), &mut missing);
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
