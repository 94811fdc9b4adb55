//! Evaluation of a request against policies, following AWS's documented order: an explicit
//! Deny anywhere wins; then every SCP level must allow; then a resource policy may allow on its
//! own (same account); then a permissions boundary and a session policy, when present, must
//! allow; then an identity policy must allow. Anything else is the default (implicit) deny.
//!
//! The answer is the decision **and** the statements that decided it.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::json::Span;
use crate::policy::{
    Condition, Effect, OperatorBase, Policy, PrincipalType, Principals, SetQualifier, Statement,
};
use crate::wildcard;

/// The request context: condition keys and their values. Keys are case-insensitive.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    values: HashMap<String, Vec<String>>,
}

impl RequestContext {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        RequestContext::default()
    }

    /// Adds a value to a key (a key given twice becomes multi-valued).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.values
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.into());
    }

    /// The values of a key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&[String]> {
        let v = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.values.get(&key.to_ascii_lowercase())
        } else {
            self.values.get(key)
        };
        v.map(Vec::as_slice)
    }
}

/// A request: who does what to which resource, in which context.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `s3:GetObject`.
    pub action: &'a str,
    /// The resource ARN (`*` for actions without resource types).
    pub resource: &'a str,
    /// The calling principal's ARN (or service name), when resource or trust policies matter.
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

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decider {
    /// The policy's name in the set.
    pub policy: String,
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
    /// Resource policies of the resource.
    pub resource: Vec<Named<'a>>,
    /// The permissions boundary (`None`: no boundary).
    pub boundary: Option<Vec<Named<'a>>>,
    /// Session policies (`None`: no session policy).
    pub session: Option<Vec<Named<'a>>>,
    /// SCP levels from the root down; each level must allow.
    pub scps: Vec<Vec<Named<'a>>>,
    /// The resource is in another account than the principal (resource policy alone does not
    /// suffice then).
    pub cross_account: bool,
}

/// Evaluates `req` against `set`.
#[must_use]
pub fn evaluate(set: &PolicySet<'_>, req: &Request<'_>) -> Evaluation {
    let all = set
        .identity
        .iter()
        .chain(&set.resource)
        .chain(set.boundary.iter().flatten())
        .chain(set.session.iter().flatten())
        .chain(set.scps.iter().flatten());
    let denies: Vec<Decider> = all.flat_map(|n| matching(n, Effect::Deny, req)).collect();
    if !denies.is_empty() {
        let reason = format!("explicitly denied by {}", describe(&denies));
        return Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: denies,
            reason,
        };
    }
    for (level, scps) in set.scps.iter().enumerate() {
        if scps
            .iter()
            .all(|n| matching(n, Effect::Allow, req).is_empty())
        {
            return Evaluation {
                decision: Decision::ImplicitDeny,
                deciding: Vec::new(),
                reason: format!("no service control policy at level {} allows it", level + 1),
            };
        }
    }
    let resource_allows: Vec<Decider> = set
        .resource
        .iter()
        .flat_map(|n| matching(n, Effect::Allow, req))
        .collect();
    if !resource_allows.is_empty() && !set.cross_account {
        let reason = format!(
            "allowed by the resource policy: {}",
            describe(&resource_allows)
        );
        return Evaluation {
            decision: Decision::Allow,
            deciding: resource_allows,
            reason,
        };
    }
    if let Some(boundary) = &set.boundary
        && boundary
            .iter()
            .all(|n| matching(n, Effect::Allow, req).is_empty())
    {
        return Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            reason: "the permissions boundary does not allow it".into(),
        };
    }
    if let Some(session) = &set.session
        && session
            .iter()
            .all(|n| matching(n, Effect::Allow, req).is_empty())
    {
        return Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            reason: "the session policy does not allow it".into(),
        };
    }
    let identity_allows: Vec<Decider> = set
        .identity
        .iter()
        .flat_map(|n| matching(n, Effect::Allow, req))
        .collect();
    if identity_allows.is_empty() {
        let reason = if set.cross_account && !resource_allows.is_empty() {
            "cross-account: the resource policy allows it but no identity policy does".to_owned()
        } else {
            "no statement allows it (default deny)".to_owned()
        };
        return Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            reason,
        };
    }
    if set.cross_account && resource_allows.is_empty() {
        return Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            reason: "cross-account: an identity policy allows it but the resource policy does not"
                .into(),
        };
    }
    let mut deciding = identity_allows;
    deciding.extend(resource_allows);
    let reason = format!("allowed by {}", describe(&deciding));
    Evaluation {
        decision: Decision::Allow,
        deciding,
        reason,
    }
}

/// Evaluates one policy on its own (an identity policy, or a resource policy when the request
/// names a principal).
#[must_use]
pub fn evaluate_policy(name: &str, policy: &Policy, req: &Request<'_>) -> Evaluation {
    let named = Named { name, policy };
    let set = if policy.kind.has_principals() {
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

fn matching(n: &Named<'_>, effect: Effect, req: &Request<'_>) -> Vec<Decider> {
    n.policy
        .statements
        .iter()
        .filter(|s| s.effect == effect && statement_matches(n.policy, s, req))
        .map(|s| Decider {
            policy: n.name.to_owned(),
            statement: s.index,
            sid: s.sid.clone(),
            effect,
            span: s.span,
        })
        .collect()
}

/// Whether a statement applies to a request: action, resource, principal and conditions.
#[must_use]
pub fn statement_matches(policy: &Policy, s: &Statement, req: &Request<'_>) -> bool {
    let vars = policy.variables_enabled();
    action_matches(s, req.action)
        && resource_matches(s, req.resource, vars, req.context)
        && s.principal
            .as_ref()
            .is_none_or(|p| principal_matches(p, req.principal))
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
            substitute(&p.value, ctx).is_some_and(|v| wildcard::arn_matches(&v, resource))
        } else {
            wildcard::arn_matches(&p.value, resource)
        }
    });
    if list.negated { !any } else { any }
}

/// The account id in an ARN, or the id itself.
#[must_use]
pub fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    let acct = principal.strip_prefix("arn:")?.split(':').nth(3)?;
    (!acct.is_empty()).then_some(acct)
}

fn principal_matches(p: &Principals, who: Option<&str>) -> bool {
    let hit = p.any
        || p.entries.iter().any(|(t, v)| {
            let v = v.value.as_str();
            if v == "*" && *t == PrincipalType::Aws {
                return true;
            }
            let Some(who) = who else { return false };
            if v == who {
                return true;
            }
            match t {
                PrincipalType::Aws => {
                    let is_account = v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit());
                    let is_root = v.ends_with(":root");
                    if is_account || is_root {
                        return account_of(v).is_some() && account_of(v) == account_of(who);
                    }
                    // A role ARN also names that role's sessions.
                    if let Some(rest) = who.strip_prefix("arn:aws:sts::")
                        && let Some((acct, path)) = rest.split_once(":assumed-role/")
                    {
                        let role = path.split('/').next().unwrap_or_default();
                        return v.starts_with(&format!("arn:aws:iam::{acct}:role/"))
                            && v.ends_with(&format!("/{role}"));
                    }
                    false
                }
                _ => false,
            }
        });
    if p.negated { !hit } else { hit }
}

/// Substitutes policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// `${*}`); `None` when a variable has no value and no default (the element then matches nothing).
#[must_use]
pub fn substitute(text: &str, ctx: &RequestContext) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return Some(out);
        };
        let inner = &after[..end];
        match inner {
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
                    None => (inner.trim(), None),
                };
                match (ctx.get(key).and_then(|v| v.first()), default) {
                    (Some(v), _) => out.push_str(v),
                    (None, Some(d)) => out.push_str(d),
                    (None, None) => return None,
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
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
    let values: Vec<String> = if vars && matches!(op.base.value_type(), "String" | "ARN") {
        c.values
            .iter()
            .filter_map(|v| {
                if v.contains("${") {
                    substitute(v, ctx)
                } else {
                    Some(v.clone())
                }
            })
            .collect()
    } else {
        c.values.clone()
    };
    let negated = op.base.is_negated();
    let single = |rv: &str| {
        let any = values.iter().any(|pv| positive_test(op.base, pv, rv));
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

/// The positive form of an operator's test on one policy value and one request value.
fn positive_test(base: OperatorBase, pv: &str, rv: &str) -> bool {
    use OperatorBase as O;
    match base {
        O::StringEquals | O::StringNotEquals => pv == rv,
        O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
            pv.to_lowercase() == rv.to_lowercase()
        }
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
            wildcard::arn_matches(pv, rv)
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
