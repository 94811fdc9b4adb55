//! Evaluation of one request against every policy type that applies, following AWS's
//! documented logic ("Policy evaluation logic", "Cross-account policy evaluation logic", the KMS
//! key-policy and role-trust pages of the IAM and KMS guides): see [`evaluate`].
//!
//! The answer is the decision, the policy types that blocked it, **and** the statements that
//! decided it.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::json::Span;
use crate::policy::{
    Condition, Effect, OperatorBase, Policy, PolicyKind, PrincipalType, SetQualifier, Statement,
};
use crate::wildcard;

/// The request context: condition keys and their values. Keys are case-insensitive.
///
/// A request carries a handful of keys, so they are kept in a list and found by comparing
/// without regard to ASCII case (no lower-cased copy of the key is made per lookup); a context
/// with many keys gets an index by lower-cased key as well.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// Lower-cased key, values; in order of first insertion.
    values: Vec<(String, Vec<String>)>,
    /// Lower-cased key -> position in `values`, once there are more than [`INDEXED`] keys.
    index: Option<HashMap<String, usize>>,
}

/// Keys beyond which a context is indexed rather than scanned.
const INDEXED: usize = 16;

impl RequestContext {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        RequestContext::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) if key.bytes().any(|b| b.is_ascii_uppercase()) => {
                index.get(&key.to_ascii_lowercase()).copied()
            }
            Some(index) => index.get(key).copied(),
            None => self
                .values
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(key)),
        }
    }

    fn entry(&mut self, key: &str) -> &mut Vec<String> {
        let i = match self.position(key) {
            Some(i) => i,
            None => {
                let lower = key.to_ascii_lowercase();
                if let Some(index) = &mut self.index {
                    index.insert(lower.clone(), self.values.len());
                } else if self.values.len() >= INDEXED {
                    let mut index: HashMap<String, usize> = self
                        .values
                        .iter()
                        .enumerate()
                        .map(|(i, (k, _))| (k.clone(), i))
                        .collect();
                    index.insert(lower.clone(), self.values.len());
                    self.index = Some(index);
                }
                self.values.push((lower, Vec::new()));
                self.values.len() - 1
            }
        };
        &mut self.values[i].1
    }

    /// Adds a value to a key (a key given twice becomes multi-valued).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.entry(key).push(value.into());
    }

    /// Makes a key present with no value (an empty list in the request).
    pub fn insert_empty(&mut self, key: &str) {
        self.entry(key);
    }

    /// The values of a key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.position(key).map(|i| self.values[i].1.as_slice())
    }
}

/// A request: who does what to which resource, in which context.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `s3:GetObject`.
    pub action: &'a str,
    /// The resource ARN (`*` for actions without resource types).
    pub resource: &'a str,
    /// The calling principal's ARN (or service name, or [`ANONYMOUS`]); `None` when not
    /// known (an IAM principal whose identity policies are the ones given).
    pub principal: Option<&'a str>,
    /// Condition keys.
    pub context: &'a RequestContext,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Allowed.
    Allow,
    /// Denied by a Deny statement.
    ExplicitDeny,
    /// Not allowed by anything (the default).
    ImplicitDeny,
}

impl Decision {
    /// The name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ExplicitDeny => "explicit deny",
            Decision::ImplicitDeny => "implicit deny",
        }
    }
}

/// The policy types that take part in a decision (and can block it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    /// Identity policies of the principal (its own and its groups').
    Identity,
    /// The resource's policy (bucket policy, key policy, role trust policy…).
    Resource,
    /// The principal's permissions boundary.
    Boundary,
    /// The session policy.
    Session,
    /// A service control policy level.
    Scp,
    /// A resource control policy level.
    Rcp,
    /// The VPC endpoint policy.
    Endpoint,
    /// A fact of the service that no policy states (an AWS managed policy cannot be changed…).
    Service,
}

impl PolicyType {
    /// The snake-case name used in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Endpoint => "endpoint",
            PolicyType::Service => "service",
        }
    }

    /// Whether statements of this type name who they apply to (`Principal`/`NotPrincipal`).
    fn names_principals(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Endpoint | PolicyType::Rcp
        )
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decider {
    /// The policy's name in the set.
    pub policy: String,
    /// The type of the policy.
    pub policy_type: PolicyType,
    /// The statement's index (0-based).
    pub statement: usize,
    /// Its Sid.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// Where it is.
    pub span: Span,
}

/// A decision and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// The policy types that blocked it (empty when allowed).
    pub blocked_by: Vec<PolicyType>,
    /// The statements that decided it (the Denies, or the Allows that granted it).
    pub deciding: Vec<Decider>,
    /// One sentence.
    pub reason: String,
}

/// A policy with the name it is reported by.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The name (file, policy ARN, `inline:name`).
    pub name: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

/// Every policy that applies to a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// Identity policies of the principal (its own and its groups').
    pub identity: Vec<Named<'a>>,
    /// Resource policies of the resource (a key policy or a role's trust policy included).
    pub resource: Vec<Named<'a>>,
    /// The permissions boundary (`None`: no boundary).
    pub boundary: Option<Vec<Named<'a>>>,
    /// Session policies (`None`: no session policy).
    pub session: Option<Vec<Named<'a>>>,
    /// SCP levels from the root down, of the principal's account; each level must allow.
    pub scps: Vec<Vec<Named<'a>>>,
    /// RCP levels from the root down, of the resource's account; each level must allow.
    pub rcps: Vec<Vec<Named<'a>>>,
    /// The policy of the VPC endpoint the request goes through (`None`: no endpoint).
    pub endpoint: Option<Vec<Named<'a>>>,
    /// The resource is in another account than the principal (then both the principal's side
    /// and the resource policy must allow).
    pub cross_account: bool,
    /// The principal belongs to the organization's management account (SCPs do not apply).
    pub principal_in_management_account: bool,
    /// The resource belongs to the organization's management account (RCPs do not apply).
    pub resource_in_management_account: bool,
    /// The resource's account, when known: a caller not named by the request is taken to be a
    /// principal of this account (so an account principal naming it delegates to it).
    pub resource_account: Option<&'a str>,
}

/// The principal of an anonymous (unsigned) request.
pub const ANONYMOUS: &str = "anonymous";

/// What kind of caller a principal ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerKind {
    /// No credentials.
    Anonymous,
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service,
    /// An account's root user (`arn:aws:iam::111122223333:root` or the bare id).
    Root,
    /// An IAM user.
    User,
    /// An IAM role (standing for any of its sessions).
    Role,
    /// An assumed-role session (`arn:aws:sts::…:assumed-role/R/S`).
    RoleSession,
    /// A federated user session (`arn:aws:sts::…:federated-user/N`).
    FederatedUser,
    /// Anything else (a canonical user id, a federated identity provider).
    Other,
    /// An IAM principal not named (identity policies apply; no principal element names it
    /// except `*`).
    Unknown,
}

/// The caller of a request, read from its ARN.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// What it is.
    pub kind: CallerKind,
    /// The ARN or name as given (empty when anonymous).
    pub arn: &'a str,
    /// Its account.
    pub account: Option<&'a str>,
    /// The partition (`aws`, `aws-cn`…).
    pub partition: &'a str,
    /// A role's (or role session's) name.
    pub role_name: Option<&'a str>,
    /// A service-linked role or one of its sessions (SCPs and RCPs do not apply to them).
    pub service_linked: bool,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> Caller<'a> {
    /// Reads a principal ARN (`None`: not known; [`ANONYMOUS`]: anonymous).
    #[must_use]
    pub fn parse(principal: Option<&'a str>) -> Caller<'a> {
        let mut c = Caller {
            kind: CallerKind::Other,
            arn: principal.unwrap_or_default(),
            account: None,
            partition: "aws",
            role_name: None,
            service_linked: false,
        };
        let Some(p) = principal else {
            c.kind = CallerKind::Unknown;
            return c;
        };
        if p == ANONYMOUS {
            c.kind = CallerKind::Anonymous;
            c.arn = "";
            return c;
        }
        if is_account_id(p) {
            c.kind = CallerKind::Root;
            c.account = Some(p);
            return c;
        }
        let Some(rest) = p.strip_prefix("arn:") else {
            if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") {
                c.kind = CallerKind::Service;
            }
            return c;
        };
        let mut parts = rest.splitn(5, ':');
        let partition = parts.next().unwrap_or_default();
        let service = parts.next().unwrap_or_default();
        let _region = parts.next();
        let account = parts.next().unwrap_or_default();
        let res = parts.next().unwrap_or_default();
        c.partition = partition;
        c.account = (!account.is_empty()).then_some(account);
        match service {
            "iam" if res == "root" => c.kind = CallerKind::Root,
            "iam" if res.starts_with("user/") => c.kind = CallerKind::User,
            "iam" if res.starts_with("role/") => {
                c.kind = CallerKind::Role;
                c.role_name = res.rsplit('/').next();
                c.service_linked = res.starts_with("role/aws-service-role/");
            }
            "sts" if res.starts_with("assumed-role/") => {
                c.kind = CallerKind::RoleSession;
                c.role_name = res.split('/').nth(1);
                // A session of a service-linked role: their names are reserved by AWS.
                c.service_linked = c
                    .role_name
                    .is_some_and(|n| n.starts_with("AWSServiceRoleFor"));
            }
            "sts" if res.starts_with("federated-user/") => c.kind = CallerKind::FederatedUser,
            _ => {}
        }
        c
    }

    /// Whether identity-side policies (identity, boundary, session, SCP) apply to this caller:
    /// an IAM user, role, role session, federated user, account root, or a caller not named.
    /// Anonymous callers, AWS services and unrecognised principals are judged by resource-side
    /// policies only.
    #[must_use]
    pub fn is_iam(self) -> bool {
        matches!(
            self.kind,
            CallerKind::Root
                | CallerKind::User
                | CallerKind::Role
                | CallerKind::RoleSession
                | CallerKind::FederatedUser
                | CallerKind::Unknown
        )
    }

    /// The value of `aws:PrincipalArn` (a session's role, without the path rampart cannot know).
    fn principal_arn(self) -> Option<String> {
        match self.kind {
            CallerKind::RoleSession => Some(format!(
                "arn:{}:iam::{}:role/{}",
                self.partition,
                self.account.unwrap_or_default(),
                self.role_name.unwrap_or_default()
            )),
            CallerKind::Root if is_account_id(self.arn) => {
                Some(format!("arn:{}:iam::{}:root", self.partition, self.arn))
            }
            CallerKind::Anonymous
            | CallerKind::Service
            | CallerKind::Other
            | CallerKind::Unknown => None,
            _ => Some(self.arn.to_owned()),
        }
    }
}

/// How a resource-policy Allow reached the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// It names the caller's account: a delegation to the account's own policies, no grant by
    /// itself.
    Account,
    /// It names the role the caller is a session of: a grant, limited by the session's
    /// boundary and session policy.
    Role,
    /// It names the caller itself (user ARN, session ARN, service, `*`): a grant.
    Direct,
}

/// Whether one `Principal` entry names the caller, and how.
fn entry_names(t: PrincipalType, v: &str, c: &Caller<'_>) -> Option<Via> {
    match t {
        PrincipalType::Aws => {
            if v == "*" {
                return Some(Via::Direct);
            }
            if !c.is_iam() {
                return None;
            }
            if let Some(acct) = account_principal(v) {
                return (c.account == Some(acct)).then_some(Via::Account);
            }
            if !c.arn.is_empty() && v == c.arn {
                return Some(if c.kind == CallerKind::Role {
                    Via::Role
                } else {
                    Via::Direct
                });
            }
            if c.kind == CallerKind::RoleSession
                && let (Some(acct), Some(name)) = (c.account, c.role_name)
                && let Some(rest) = v
                    .strip_prefix("arn:")
                    .and_then(|r| r.split_once(':'))
                    .map(|(_, r)| r)
                && let Some(path) = rest.strip_prefix(&format!("iam::{acct}:role/"))
                && path.rsplit('/').next() == Some(name)
            {
                return Some(Via::Role);
            }
            None
        }
        PrincipalType::Service => {
            (c.kind == CallerKind::Service && v.eq_ignore_ascii_case(c.arn)).then_some(Via::Direct)
        }
        PrincipalType::Federated | PrincipalType::CanonicalUser => {
            (v == "*" || (!c.arn.is_empty() && v == c.arn)).then_some(Via::Direct)
        }
    }
}

/// The account an account principal names (`111122223333` or `arn:aws:iam::111122223333:root`).
fn account_principal(v: &str) -> Option<&str> {
    if is_account_id(v) {
        return Some(v);
    }
    let rest = v.strip_prefix("arn:")?;
    let (_, rest) = rest.split_once(':')?;
    let acct = rest.strip_prefix("iam::")?.strip_suffix(":root")?;
    is_account_id(acct).then_some(acct)
}

/// Whether a statement applies to the caller, and how (`Via::Direct` for statements that name
/// no principal in policies that do not name principals).
fn statement_names(
    s: &Statement,
    ptype: PolicyType,
    c: &Caller<'_>,
    has_boundary: bool,
) -> Option<Via> {
    if !ptype.names_principals() {
        return Some(Via::Direct);
    }
    let Some(p) = &s.principal else {
        // A resource-policy statement without a principal applies to no one; an endpoint
        // policy or RCP statement without one is read as `"Principal": "*"`.
        return (ptype != PolicyType::Resource).then_some(Via::Direct);
    };
    if p.negated {
        // NotPrincipal excludes the caller only when it lists the caller's exact ARN and, for an
        // account member, its account too ("AWS JSON policy elements: NotPrincipal").
        // A Deny with NotPrincipal always applies to a principal with a permissions boundary
        // ("Permissions boundaries for IAM entities").
        if has_boundary && s.effect == Effect::Deny && c.is_iam() {
            return Some(Via::Direct);
        }
        let named = |x: &str| p.entries.iter().any(|(_, v)| v.value == x);
        // A role session is spared only when its role is listed too ("NotPrincipal": list the
        // session ARN, the role ARN and the account).
        let role_listed = c.kind != CallerKind::RoleSession
            || p.entries
                .iter()
                .any(|(t, v)| entry_names(*t, &v.value, c) == Some(Via::Role));
        let self_listed = p.any || (!c.arn.is_empty() && named(c.arn) && role_listed);
        let account_listed = c.account.is_none_or(|a| {
            p.entries
                .iter()
                .any(|(_, v)| account_principal(&v.value) == Some(a))
        }) || c.kind == CallerKind::Root;
        return (!(self_listed && account_listed)).then_some(Via::Direct);
    }
    if p.any {
        return Some(Via::Direct);
    }
    p.entries
        .iter()
        .filter_map(|(t, v)| entry_names(*t, &v.value, c))
        .max()
}

/// A policy set being matched against one request.
struct Matcher<'r, 'c> {
    req: &'r Request<'r>,
    ctx: &'c RequestContext,
    caller: Caller<'r>,
    has_boundary: bool,
}

impl Matcher<'_, '_> {
    /// How statement `s` of a policy reaches the caller, if it applies to the request.
    fn applies(&self, s: &Statement, ptype: PolicyType, vars: bool) -> Option<Via> {
        if !action_matches(s, self.req.action) {
            return None;
        }
        let via = statement_names(s, ptype, &self.caller, self.has_boundary)?;
        (resource_matches(s, self.req.resource, vars, self.ctx)
            && s.conditions
                .iter()
                .all(|c| condition_holds(c, self.ctx, vars)))
        .then_some(via)
    }

    /// The statements of `policies` of `effect` that apply, with how each reached the caller.
    fn matching(
        &self,
        policies: &[Named<'_>],
        ptype: PolicyType,
        effect: Effect,
        out: &mut Vec<(Decider, Via)>,
    ) {
        for n in policies {
            let vars = n.policy.variables_enabled();
            for s in &n.policy.statements {
                if s.effect != effect {
                    continue;
                }
                if let Some(via) = self.applies(s, ptype, vars) {
                    out.push((
                        Decider {
                            policy: n.name.to_owned(),
                            policy_type: ptype,
                            statement: s.index,
                            sid: s.sid.clone(),
                            effect,
                            span: s.span,
                        },
                        via,
                    ));
                }
            }
        }
    }

    fn allows(&self, policies: &[Named<'_>], ptype: PolicyType) -> Vec<(Decider, Via)> {
        let mut v = Vec::new();
        self.matching(policies, ptype, Effect::Allow, &mut v);
        v
    }

    /// Whether some Allow of `policies` applies (a guardrail or limit that must allow: which
    /// statements do is not reported).
    fn allows_any(&self, policies: &[Named<'_>], ptype: PolicyType) -> bool {
        policies.iter().any(|n| {
            let vars = n.policy.variables_enabled();
            n.policy
                .statements
                .iter()
                .any(|s| s.effect == Effect::Allow && self.applies(s, ptype, vars).is_some())
        })
    }
}

/// Actions that change a managed policy (AWS managed policies cannot be changed by anyone).
const POLICY_WRITES: &[&str] = &[
    "iam:createpolicyversion",
    "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:deletepolicy",
    "iam:tagpolicy",
    "iam:untagpolicy",
];

/// Actions that change or pass a role (not possible on service-linked roles and on roles under
/// `/aws-reserved/`, which AWS manages).
const ROLE_WRITES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepolicy",
    "iam:deleterolepolicy",
    "iam:updateassumerolepolicy",
    "iam:updaterole",
    "iam:updateroledescription",
    "iam:putrolepermissionsboundary",
    "iam:deleterolepermissionsboundary",
    "iam:deleterole",
    "iam:tagrole",
    "iam:untagrole",
    "iam:passrole",
];

/// Actions on a KMS alias that the `alias/aws/` prefix reserves to AWS.
const ALIAS_WRITES: &[&str] = &["kms:createalias", "kms:deletealias", "kms:updatealias"];

/// A fact of the service that forbids a request whatever the policies say.
#[must_use]
pub fn service_fact(action: &str, resource: &str) -> Option<&'static str> {
    let listed = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(action));
    let res_of = |service: &str| -> Option<&str> {
        let rest = resource.strip_prefix("arn:")?;
        let (_, rest) = rest.split_once(':')?;
        let rest = rest.strip_prefix(service)?.strip_prefix(':')?;
        let (_, rest) = rest.split_once(':')?;
        let (acct, res) = rest.split_once(':')?;
        Some(if acct == "aws" && service == "iam" {
            // arn:aws:iam::aws:policy/… : keep the account to recognise AWS managed policies.
            if res.starts_with("policy/") {
                "aws-managed-policy"
            } else {
                res
            }
        } else {
            res
        })
    };
    if listed(POLICY_WRITES) && res_of("iam") == Some("aws-managed-policy") {
        return Some(
            "AWS managed policies (arn:aws:iam::aws:policy/…) cannot be changed by anyone",
        );
    }
    if listed(ROLE_WRITES)
        && let Some(res) = res_of("iam")
    {
        if res.starts_with("role/aws-service-role/") {
            return Some(
                "a service-linked role cannot be changed or passed by a customer; its service manages it",
            );
        }
        if res.starts_with("role/aws-reserved/") {
            return Some(
                "roles under /aws-reserved/ are managed by AWS (IAM Identity Center) and cannot be changed or passed",
            );
        }
    }
    if listed(ALIAS_WRITES) && res_of("kms").is_some_and(|r| r.starts_with("alias/aws/")) {
        return Some("KMS aliases beginning with alias/aws/ are reserved for AWS managed keys");
    }
    None
}

/// The services whose requests resource control policies apply to, by action prefix. AWS
/// Organizations User Guide, "Resource control policies (RCPs)", section "List of AWS services
/// that support RCPs" (docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html):
/// Amazon S3, AWS STS, AWS KMS, Amazon SQS and AWS Secrets Manager at launch (November 2024);
/// Amazon ECR and Amazon OpenSearch Serverless (`aoss`) added in June 2025; Amazon Cognito and
/// Amazon CloudWatch Logs in January 2026; Amazon DynamoDB in February 2026. An RCP has no
/// effect on a request to any other service, whatever it says.
pub const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-idp",
    "cognito-identity",
    "logs",
    "dynamodb",
];

/// Whether resource control policies apply to requests for `action` (see [`RCP_SERVICES`]).
#[must_use]
pub fn rcps_cover(action: &str) -> bool {
    let service = action.split_once(':').map_or(action, |(s, _)| s);
    RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
}

/// Whether `action` is decided by a role's trust policy as well as by the caller's side:
/// `sts:AssumeRole*`, and the session options the trust policy must also allow when they are
/// used (`sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`; IAM User Guide, "Passing
/// session tags in AWS STS" and "Monitor and control actions taken with assumed roles").
#[must_use]
pub fn is_trust_action(action: &str) -> bool {
    action
        .get(..14)
        .is_some_and(|a| a.eq_ignore_ascii_case("sts:assumerole"))
        || ["sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(action))
}

/// Whether the resource policy of this request must allow for anything to be allowed: a KMS
/// key policy ("the key policy must allow, itself or by delegating to the account") and a
/// role's trust policy for `sts:AssumeRole*`.
fn resource_policy_required(set: &PolicySet<'_>, req: &Request<'_>) -> bool {
    if set.resource.is_empty() {
        return false;
    }
    set.resource
        .iter()
        .any(|n| matches!(n.policy.kind, PolicyKind::Key | PolicyKind::Trust))
        || is_trust_action(req.action)
        || (req.resource.starts_with("arn:")
            && req.resource.split(':').nth(2) == Some("kms")
            && req
                .resource
                .split(':')
                .nth(5)
                .is_some_and(|r| r.starts_with("key/")))
}

/// The keys AWS sets from the caller that `ctx` does not give (`aws:PrincipalArn`,
/// `aws:PrincipalAccount`, `aws:username`, `aws:PrincipalServiceName`, `aws:PrincipalType`,
/// `aws:PrincipalIsAWSService`).
fn derived_keys(ctx: &RequestContext, caller: &Caller<'_>) -> Vec<(&'static str, String)> {
    let mut add: Vec<(&str, String)> = Vec::new();
    if ctx.get("aws:principalarn").is_none()
        && let Some(arn) = caller.principal_arn()
    {
        add.push(("aws:principalarn", arn));
    }
    if let Some(a) = caller.account
        && caller.is_iam()
        && ctx.get("aws:principalaccount").is_none()
    {
        add.push(("aws:principalaccount", a.to_owned()));
    }
    if caller.kind == CallerKind::User
        && ctx.get("aws:username").is_none()
        && let Some(name) = caller.arn.rsplit('/').next()
    {
        add.push(("aws:username", name.to_owned()));
    }
    if caller.kind == CallerKind::Service && ctx.get("aws:principalservicename").is_none() {
        add.push(("aws:principalservicename", caller.arn.to_owned()));
    }
    // "IAM policy elements: Variables and tags", principal key values: the type of the caller.
    let principal_type = match caller.kind {
        CallerKind::Root => Some("Account"),
        CallerKind::User => Some("User"),
        CallerKind::Role | CallerKind::RoleSession => Some("AssumedRole"),
        CallerKind::FederatedUser => Some("FederatedUser"),
        CallerKind::Anonymous => Some("Anonymous"),
        CallerKind::Service | CallerKind::Other | CallerKind::Unknown => None,
    };
    if let Some(t) = principal_type
        && ctx.get("aws:principaltype").is_none()
    {
        add.push(("aws:principaltype", t.to_owned()));
    }
    // "AWS global condition context keys", aws:PrincipalIsAWSService: in every signed request,
    // `true` only when an AWS service principal makes it.
    if ctx.get("aws:principalisawsservice").is_none() {
        match caller.kind {
            CallerKind::Service => add.push(("aws:principalisawsservice", "true".to_owned())),
            CallerKind::Anonymous | CallerKind::Other => {}
            _ => add.push(("aws:principalisawsservice", "false".to_owned())),
        }
    }
    add
}

/// Adds to `ctx` the keys AWS sets from the caller (`principal` as in [`Request`]) that it does
/// not give, as [`evaluate`] would: a caller that owns its context saves `evaluate` a copy.
pub fn add_caller_keys(ctx: &mut RequestContext, principal: Option<&str>) {
    let caller = Caller::parse(principal);
    for (k, v) in derived_keys(ctx, &caller) {
        ctx.insert(k, v);
    }
}

/// The context with the keys AWS sets from the caller when the request does not give them.
fn derived_context<'c>(
    req: &Request<'c>,
    caller: &Caller<'_>,
    owned: &'c mut Option<RequestContext>,
) -> &'c RequestContext {
    let add = derived_keys(req.context, caller);
    if add.is_empty() {
        return req.context;
    }
    let mut ctx = req.context.clone();
    for (k, v) in add {
        ctx.insert(k, v);
    }
    owned.insert(ctx)
}

fn dedup_types(d: &[(Decider, Via)]) -> Vec<PolicyType> {
    let mut v: Vec<PolicyType> = d.iter().map(|(x, _)| x.policy_type).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Evaluates `req` against `set`, following "Policy evaluation logic" and "Cross-account
/// policy evaluation logic" of the IAM User Guide:
///
/// 1. `sts:GetCallerIdentity` needs no permission and cannot be denied; facts of the service
///    (AWS managed policies, service-linked and `/aws-reserved/` roles, `alias/aws/`) forbid
///    what no policy can allow.
/// 2. A Deny that applies in any policy type wins.
/// 3. Every RCP level (of the resource's account, unless it is the management account or the
///    caller a service-linked role, and only for the services of [`RCP_SERVICES`]), every SCP level (of the caller's account, same
///    exceptions) and the VPC endpoint policy must allow.
/// 4. Same account: a resource-policy grant naming the caller (user, session, `*`, service)
///    allows on its own; one naming the caller's role is limited by the boundary and session
///    policy; one naming the account only delegates. Otherwise identity policies must allow,
///    within the boundary and session policy. A key or trust policy must allow in any case.
/// 5. Cross account: the caller's side (identity, boundary, session) and the resource policy
///    must both allow.
#[must_use]
pub fn evaluate(set: &PolicySet<'_>, req: &Request<'_>) -> Evaluation {
    if req.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return Evaluation {
            decision: Decision::Allow,
            blocked_by: Vec::new(),
            deciding: Vec::new(),
            reason: "sts:GetCallerIdentity needs no permission and cannot be denied".into(),
        };
    }
    if let Some(fact) = service_fact(req.action, req.resource) {
        return Evaluation {
            decision: Decision::ImplicitDeny,
            blocked_by: vec![PolicyType::Service],
            deciding: Vec::new(),
            reason: fact.to_owned(),
        };
    }
    let mut caller = Caller::parse(req.principal);
    if caller.kind == CallerKind::Unknown {
        caller.account = set.resource_account;
    }
    let mut owned = None;
    let ctx = derived_context(req, &caller, &mut owned);
    let m = Matcher {
        req,
        ctx,
        caller,
        has_boundary: set.boundary.is_some(),
    };
    let iam = caller.is_iam();
    let scps_apply = iam && !set.principal_in_management_account && !caller.service_linked;
    let rcps_apply =
        !set.resource_in_management_account && !caller.service_linked && rcps_cover(req.action);
    let empty: Vec<Vec<Named<'_>>> = Vec::new();
    let scps = if scps_apply { &set.scps } else { &empty };
    let rcps = if rcps_apply { &set.rcps } else { &empty };

    // 2. Explicit denies, in every policy type that applies.
    let mut denies = Vec::new();
    if iam {
        m.matching(
            &set.identity,
            PolicyType::Identity,
            Effect::Deny,
            &mut denies,
        );
        if let Some(b) = &set.boundary {
            m.matching(b, PolicyType::Boundary, Effect::Deny, &mut denies);
        }
        if let Some(s) = &set.session {
            m.matching(s, PolicyType::Session, Effect::Deny, &mut denies);
        }
    }
    m.matching(
        &set.resource,
        PolicyType::Resource,
        Effect::Deny,
        &mut denies,
    );
    for level in scps {
        m.matching(level, PolicyType::Scp, Effect::Deny, &mut denies);
    }
    for level in rcps {
        m.matching(level, PolicyType::Rcp, Effect::Deny, &mut denies);
    }
    if let Some(e) = &set.endpoint {
        m.matching(e, PolicyType::Endpoint, Effect::Deny, &mut denies);
    }
    if !denies.is_empty() {
        let blocked_by = dedup_types(&denies);
        let deciding: Vec<Decider> = denies.into_iter().map(|(d, _)| d).collect();
        let reason = format!("explicitly denied by {}", describe(&deciding));
        return Evaluation {
            decision: Decision::ExplicitDeny,
            blocked_by,
            deciding,
            reason,
        };
    }

    // 3. Guardrails: every level must allow.
    let mut blocked = Vec::new();
    let mut reasons = Vec::new();
    for (i, level) in rcps.iter().enumerate() {
        if !m.allows_any(level, PolicyType::Rcp) {
            reasons.push(format!(
                "no resource control policy at level {} allows it",
                i + 1
            ));
            if !blocked.contains(&PolicyType::Rcp) {
                blocked.push(PolicyType::Rcp);
            }
        }
    }
    for (i, level) in scps.iter().enumerate() {
        if !m.allows_any(level, PolicyType::Scp) {
            reasons.push(format!(
                "no service control policy at level {} allows it",
                i + 1
            ));
            if !blocked.contains(&PolicyType::Scp) {
                blocked.push(PolicyType::Scp);
            }
        }
    }
    if let Some(e) = &set.endpoint
        && !m.allows_any(e, PolicyType::Endpoint)
    {
        reasons.push("the VPC endpoint policy does not allow it".into());
        blocked.push(PolicyType::Endpoint);
    }

    // 4./5. The grant.
    let resource = m.allows(&set.resource, PolicyType::Resource);
    let best = resource.iter().map(|(_, v)| *v).max();
    let root = caller.kind == CallerKind::Root;
    let identity = if iam && !root {
        m.allows(&set.identity, PolicyType::Identity)
    } else {
        Vec::new()
    };
    // The root user holds every permission of its own account.
    let identity_ok = root || !identity.is_empty();
    let boundary_ok = root
        || set
            .boundary
            .as_ref()
            .is_none_or(|b| m.allows_any(b, PolicyType::Boundary));
    let session_ok = root
        || set
            .session
            .as_ref()
            .is_none_or(|s| m.allows_any(s, PolicyType::Session));
    let required = resource_policy_required(set, req);
    let cross = set.cross_account && iam;
    let mut grant: Vec<PolicyType> = Vec::new(); // the policy types whose allows decide
    let mut missing: Vec<PolicyType> = Vec::new();
    let limits = |missing: &mut Vec<PolicyType>| {
        if !boundary_ok {
            missing.push(PolicyType::Boundary);
        }
        if !session_ok {
            missing.push(PolicyType::Session);
        }
    };
    if !iam {
        // Anonymous and service callers have no identity side: only a resource grant counts.
        if best == Some(Via::Direct) {
            grant.push(PolicyType::Resource);
        } else {
            missing.push(PolicyType::Resource);
        }
    } else if cross {
        if best.is_none() {
            missing.push(PolicyType::Resource);
        }
        if !identity_ok {
            missing.push(PolicyType::Identity);
        }
        limits(&mut missing);
        if missing.is_empty() {
            grant.extend([PolicyType::Identity, PolicyType::Resource]);
        }
    } else {
        let identity_grant = identity_ok && boundary_ok && session_ok;
        match best {
            Some(Via::Direct) => grant.push(PolicyType::Resource),
            Some(Via::Role) if boundary_ok && session_ok => grant.push(PolicyType::Resource),
            _ if identity_grant && (!required || best.is_some()) => {
                grant.push(PolicyType::Identity);
                if best.is_some() {
                    grant.push(PolicyType::Resource);
                }
            }
            _ => {
                if required && best.is_none() {
                    missing.push(PolicyType::Resource);
                }
                if best != Some(Via::Role) && !identity_ok {
                    missing.push(PolicyType::Identity);
                    if !required && !set.resource.is_empty() {
                        missing.push(PolicyType::Resource);
                    }
                }
                limits(&mut missing);
            }
        }
    }
    for t in &missing {
        reasons.push(match t {
            PolicyType::Identity if cross => {
                "cross-account: no identity policy of the caller allows it".to_owned()
            }
            PolicyType::Identity => "no identity policy allows it".to_owned(),
            PolicyType::Resource if cross => {
                "cross-account: the resource policy does not allow the caller".to_owned()
            }
            PolicyType::Resource if required => {
                "the key or trust policy does not allow it (itself or by delegating to the account)"
                    .to_owned()
            }
            PolicyType::Resource => "the resource policy does not allow it".to_owned(),
            PolicyType::Boundary => "the permissions boundary does not allow it".to_owned(),
            PolicyType::Session => "the session policy does not allow it".to_owned(),
            _ => String::new(),
        });
        if !blocked.contains(t) {
            blocked.push(*t);
        }
    }
    if blocked.is_empty() && !grant.is_empty() {
        let mut deciding: Vec<Decider> = Vec::new();
        if grant.contains(&PolicyType::Identity) {
            deciding.extend(identity.into_iter().map(|(d, _)| d));
        }
        if grant.contains(&PolicyType::Resource) {
            deciding.extend(resource.into_iter().map(|(d, _)| d));
        }
        let reason = if deciding.is_empty() {
            "allowed: the account's root user holds every permission of its account".to_owned()
        } else {
            format!("allowed by {}", describe(&deciding))
        };
        return Evaluation {
            decision: Decision::Allow,
            blocked_by: Vec::new(),
            deciding,
            reason,
        };
    }
    if reasons.is_empty() {
        reasons.push("no statement allows it (default deny)".into());
        if blocked.is_empty() {
            blocked.push(PolicyType::Identity);
        }
    }
    blocked.sort_unstable();
    Evaluation {
        decision: Decision::ImplicitDeny,
        blocked_by: blocked,
        deciding: Vec::new(),
        reason: reasons.join("; "),
    }
}

/// Evaluates one policy on its own (an identity policy, or a resource, key or trust policy
/// when the request names a principal).
#[must_use]
pub fn evaluate_policy(name: &str, policy: &Policy, req: &Request<'_>) -> Evaluation {
    let named = Named { name, policy };
    let set = if policy.kind.has_principals()
        || (policy.kind == PolicyKind::Auto
            && policy.statements.iter().any(|s| s.principal.is_some()))
    {
        PolicySet {
            resource: vec![named],
            ..PolicySet::default()
        }
    } else {
        PolicySet {
            identity: vec![named],
            ..PolicySet::default()
        }
    };
    evaluate(&set, req)
}

fn describe(d: &[Decider]) -> String {
    d.iter()
        .map(|x| match &x.sid {
            Some(s) if !s.is_empty() => {
                format!("{} statement #{} `{s}`", x.policy, x.statement + 1)
            }
            _ => format!("{} statement #{}", x.policy, x.statement + 1),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a statement applies to a request: action, resource, principal and conditions. In a
/// policy that names principals, an account principal matches the account's members here (as
/// it does for a Deny); whether an Allow grants or delegates is [`evaluate`]'s business.
#[must_use]
pub fn statement_matches(policy: &Policy, s: &Statement, req: &Request<'_>) -> bool {
    let vars = policy.variables_enabled();
    let caller = Caller::parse(req.principal);
    let ptype = if policy.kind.has_principals() || s.principal.is_some() {
        PolicyType::Resource
    } else {
        PolicyType::Identity
    };
    action_matches(s, req.action)
        && resource_matches(s, req.resource, vars, req.context)
        && statement_names(s, ptype, &caller, false).is_some()
        && s.conditions
            .iter()
            .all(|c| condition_holds(c, req.context, vars))
}

/// Whether the statement's `Action` / `NotAction` covers `action`.
#[must_use]
pub fn action_matches(s: &Statement, action: &str) -> bool {
    let any = s
        .action
        .items
        .iter()
        .any(|p| wildcard::matches(&p.value, action, true));
    if s.action.negated {
        !any && !s.action.items.is_empty()
    } else {
        any
    }
}

fn resource_matches(s: &Statement, resource: &str, vars: bool, ctx: &RequestContext) -> bool {
    let Some(list) = &s.resource else { return true };
    let any = list.items.iter().any(|p| {
        if vars && p.value.contains("${") {
            substitute_pattern(&p.value, ctx)
                .is_some_and(|v| wildcard::arn_matches_escaped(&v, resource))
        } else {
            wildcard::arn_matches(&p.value, resource)
        }
    });
    if list.negated { !any } else { any }
}

/// The account id in an ARN, or the id itself.
#[must_use]
pub fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    let acct = principal.strip_prefix("arn:")?.split(':').nth(3)?;
    (!acct.is_empty()).then_some(acct)
}

/// Substitutes policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// `${*}`); `None` when a variable has no value and no default (the element then matches
/// nothing). The result is plain text, for operators that compare without wildcards.
#[must_use]
pub fn substitute(text: &str, ctx: &RequestContext) -> Option<String> {
    substitute_with(text, ctx, false)
}

/// [`substitute`] for a text that is a wildcard pattern (a `Resource`, a `StringLike` or
/// `ArnLike` value): the result is read by [`wildcard::matches_escaped`], in which `${*}`,
/// `${?}` and every substituted value stand for themselves ("IAM policy elements: Variables
/// and tags", special characters: `${*}` is a literal asterisk), while the policy's own `*`
/// and `?` remain wildcards.
#[must_use]
pub fn substitute_pattern(text: &str, ctx: &RequestContext) -> Option<String> {
    substitute_with(text, ctx, true)
}

fn substitute_with(text: &str, ctx: &RequestContext, pattern: bool) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    // Text taken literally: in a pattern, its `*`, `?` and `\` are escaped.
    let literal = |out: &mut String, s: &str| {
        if pattern {
            for ch in s.chars() {
                if matches!(ch, '*' | '?' | '\\') {
                    out.push('\\');
                }
                out.push(ch);
            }
        } else {
            out.push_str(s);
        }
    };
    // The policy's own text: its wildcards stay wildcards, a backslash is literal.
    let own = |out: &mut String, s: &str| {
        if pattern {
            out.push_str(&s.replace('\\', "\\\\"));
        } else {
            out.push_str(s);
        }
    };
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        own(&mut out, &rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            own(&mut out, &rest[i..]);
            return Some(out);
        };
        let inner = &after[..end];
        match inner {
            "*" | "?" | "$" => literal(&mut out, inner),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
                    None => (inner.trim(), None),
                };
                match (ctx.get(key).and_then(|v| v.first()), default) {
                    (Some(v), _) => literal(&mut out, v),
                    (None, Some(d)) => literal(&mut out, d),
                    (None, None) => return None,
                }
            }
        }
        rest = &after[end + 1..];
    }
    own(&mut out, rest);
    Some(out)
}

/// Whether a condition holds in a context.
#[must_use]
pub fn condition_holds(c: &Condition, ctx: &RequestContext, vars: bool) -> bool {
    let op = &c.operator;
    let present = ctx.get(&c.key.value).filter(|v| !v.is_empty());
    if op.base == OperatorBase::Null {
        let absent = present.is_none();
        return c
            .values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true") == absent);
    }
    // The policy's values, with variables substituted (a copy only when there are any). A
    // variable without a value leaves its value out: null equals nothing, so a positive
    // operator does not match it and a negated one does ("Policy variables with no value").
    // Values of operators that take wildcards are substituted as escaped patterns.
    let substituted: Vec<String>;
    let mut escaped = false;
    let values: &[String] = if vars
        && matches!(op.base.value_type(), "String" | "ARN")
        && c.values.iter().any(|v| v.contains("${"))
    {
        escaped = takes_wildcards(op.base);
        substituted = c
            .values
            .iter()
            .filter_map(|v| {
                if v.contains("${") {
                    substitute_with(v, ctx, escaped)
                } else if escaped {
                    substitute_with(v, ctx, true)
                } else {
                    Some(v.clone())
                }
            })
            .collect();
        &substituted
    } else {
        &c.values
    };
    let negated = op.base.is_negated();
    let single = |rv: &str| {
        let any = values
            .iter()
            .any(|pv| positive_test(op.base, pv, rv, escaped));
        if negated { !any } else { any }
    };
    match (op.set, present) {
        (None, None) => op.if_exists || negated,
        (None, Some(vals)) => {
            if negated {
                vals.iter().all(|rv| single(rv))
            } else {
                vals.iter().any(|rv| single(rv))
            }
        }
        (Some(SetQualifier::ForAnyValue), None) => op.if_exists,
        (Some(SetQualifier::ForAnyValue), Some(vals)) => vals.iter().any(|rv| single(rv)),
        (Some(SetQualifier::ForAllValues), None) => true,
        (Some(SetQualifier::ForAllValues), Some(vals)) => vals.iter().all(|rv| single(rv)),
    }
}

/// Whether an operator's policy values are wildcard patterns.
fn takes_wildcards(base: OperatorBase) -> bool {
    use OperatorBase as O;
    matches!(
        base,
        O::StringLike
            | O::StringNotLike
            | O::ArnEquals
            | O::ArnLike
            | O::ArnNotEquals
            | O::ArnNotLike
    )
}

/// The positive form of an operator's test on one policy value and one request value
/// (`escaped`: the policy value is a pattern as [`substitute_pattern`] writes it).
fn positive_test(base: OperatorBase, pv: &str, rv: &str, escaped: bool) -> bool {
    use OperatorBase as O;
    match base {
        O::StringEquals | O::StringNotEquals => pv == rv,
        O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
            if pv.is_ascii() && rv.is_ascii() {
                pv.eq_ignore_ascii_case(rv)
            } else {
                pv.to_lowercase() == rv.to_lowercase()
            }
        }
        O::StringLike | O::StringNotLike if escaped => wildcard::matches_escaped(pv, rv, false),
        O::StringLike | O::StringNotLike => wildcard::matches(pv, rv, false),
        O::NumericEquals | O::NumericNotEquals => num(pv, rv, |a, b| (a - b).abs() < f64::EPSILON),
        O::NumericLessThan => num(pv, rv, |p, r| r < p),
        O::NumericLessThanEquals => num(pv, rv, |p, r| r <= p),
        O::NumericGreaterThan => num(pv, rv, |p, r| r > p),
        O::NumericGreaterThanEquals => num(pv, rv, |p, r| r >= p),
        O::DateEquals | O::DateNotEquals => date(pv, rv, |p, r| p == r),
        O::DateLessThan => date(pv, rv, |p, r| r < p),
        O::DateLessThanEquals => date(pv, rv, |p, r| r <= p),
        O::DateGreaterThan => date(pv, rv, |p, r| r > p),
        O::DateGreaterThanEquals => date(pv, rv, |p, r| r >= p),
        O::Bool => pv.eq_ignore_ascii_case(rv),
        O::BinaryEquals => pv == rv,
        O::IpAddress | O::NotIpAddress => ip_in(pv, rv),
        O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => {
            wildcard::arn_like(pv, rv, escaped)
        }
        O::Null => false,
    }
}

fn num(pv: &str, rv: &str, f: impl Fn(f64, f64) -> bool) -> bool {
    match (pv.trim().parse::<f64>(), rv.trim().parse::<f64>()) {
        (Ok(p), Ok(r)) => f(p, r),
        _ => false,
    }
}

fn date(pv: &str, rv: &str, f: impl Fn(i64, i64) -> bool) -> bool {
    match (parse_date(pv), parse_date(rv)) {
        (Some(p), Some(r)) => f(p, r),
        _ => false,
    }
}

/// Seconds since the epoch of an ISO 8601 date or date-time (UTC or with an offset), or of an
/// epoch number.
#[must_use]
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let b = s.as_bytes();
    let d = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, day) = (d(0..4)?, d(5..7)?, d(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(y, m, day) * 86_400;
    if b.len() > 10 {
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let (hh, mm) = (d(11..13)?, d(14..16)?);
        let ss = if b.get(16) == Some(&b':') {
            d(17..19)?
        } else {
            0
        };
        secs += hh * 3600 + mm * 60 + ss;
        let tail = s.get(16..).unwrap_or_default();
        if let Some(pos) = tail.rfind(['+', '-']) {
            let off = tail.get(pos + 1..).unwrap_or_default().replace(':', "");
            if off.len() == 4 {
                let (oh, om) = (
                    off.get(0..2)?.parse::<i64>().ok()?,
                    off.get(2..4)?.parse::<i64>().ok()?,
                );
                let sign = if tail.as_bytes().get(pos) == Some(&b'-') {
                    -1
                } else {
                    1
                };
                secs -= sign * (oh * 3600 + om * 60);
            }
        }
    }
    Some(secs)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `ip` lies in `cidr` (an address or a CIDR block, IPv4 or IPv6).
#[must_use]
pub fn ip_in(cidr: &str, ip: &str) -> bool {
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr.trim(), None),
    };
    let (Ok(net), Ok(ip)) = (net.parse::<IpAddr>(), ip.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            (u32::from(n) & mask) == (u32::from(i) & mask)
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            (u128::from(n) & mask) == (u128::from(i) & mask)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400));
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), Some(1_577_836_800));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), Some(1_577_836_800));
        assert_eq!(parse_date("nope"), None);
    }

    #[test]
    fn ips() {
        assert!(ip_in("192.0.2.0/24", "192.0.2.7"));
        assert!(!ip_in("192.0.2.0/24", "192.0.3.7"));
        assert!(ip_in("0.0.0.0/0", "8.8.8.8"));
        assert!(ip_in("2001:db8::/32", "2001:db8::1"));
        assert!(!ip_in("2001:db8::/32", "10.0.0.1"));
    }

    #[test]
    fn variables() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", "alice");
        assert_eq!(
            substitute("arn:aws:s3:::b/${aws:username}/*", &ctx).as_deref(),
            Some("arn:aws:s3:::b/alice/*")
        );
        assert_eq!(substitute("${aws:userid}", &ctx), None);
        assert_eq!(substitute("${aws:userid, 'x'}", &ctx).as_deref(), Some("x"));
        assert_eq!(substitute("a${*}b", &ctx).as_deref(), Some("a*b"));
    }
}
