//! Judgments on one policy document, shared by the Inventory checks and `rampart policy lint`:
//! each function returns the issues it finds, tagged with the CHECKLIST control they break.

use serde_json::{Map, Value, json};

use crate::analysis::{self, Breadth};
use crate::catalogue;
use crate::eval::Named;
use crate::json::Span;
use crate::policy::{Effect, OperatorBase, Policy, PolicyKind};
use crate::wildcard;

/// One problem in one policy.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The CHECKLIST control (`IAM-1`).
    pub control: &'static str,
    /// One sentence.
    pub message: String,
    /// Where (the statement).
    pub span: Span,
    /// The offending statements and facts.
    pub evidence: Map<String, Value>,
}

fn stmt_json(p: &Policy, index: usize) -> Value {
    p.statements
        .get(index)
        .map_or(Value::Null, crate::policy::Statement::to_json)
}

fn stmt_span(p: &Policy, index: usize) -> Span {
    p.statements.get(index).map(|s| s.span).unwrap_or_default()
}

fn label(p: &Policy, index: usize) -> String {
    p.statements.get(index).map_or_else(
        || format!("#{}", index + 1),
        crate::policy::Statement::label,
    )
}

/// IAM-1: Allow statements granting every action, or every action of a service (including
/// through `NotAction`).
#[must_use]
pub fn full_access(p: &Policy) -> Vec<Issue> {
    analysis::broad_allows(p)
        .into_iter()
        .map(|b| {
            let what = match &b.breadth {
                Breadth::AllActions => "every action of every service".to_owned(),
                Breadth::AllExcept(list) => format!(
                    "every action except {} (through `NotAction`)",
                    list.join(", ")
                ),
                Breadth::ServiceWide(svc) => format!("every `{svc}` action"),
            };
            let on = if b.all_resources {
                " on every resource"
            } else {
                ""
            };
            let cond = if b.conditional {
                " (under conditions)"
            } else {
                ""
            };
            let mut evidence = Map::new();
            evidence.insert("statement".into(), stmt_json(p, b.statement));
            Issue {
                control: "IAM-1",
                message: format!(
                    "statement {} allows {what}{on}{cond}",
                    label(p, b.statement)
                ),
                span: stmt_span(p, b.statement),
                evidence,
            }
        })
        .collect()
}

/// IAM-2: Allow statements on wildcard resources for actions that support resource-level
/// permissions.
#[must_use]
pub fn wildcard_resource(p: &Policy) -> Vec<Issue> {
    analysis::wildcard_resources(p)
        .into_iter()
        .map(|w| {
            let mut evidence = Map::new();
            evidence.insert("statement".into(), stmt_json(p, w.statement));
            evidence.insert("resource".into(), json!(w.resource));
            evidence.insert("actions_with_resource_level_permissions".into(), json!(w.actions));
            evidence.insert("count".into(), json!(w.count));
            Issue {
                control: "IAM-2",
                message: format!(
                    "statement {} allows {} action(s) that can be limited to named resources (such as `{}`) on `{}`",
                    label(p, w.statement),
                    w.count,
                    w.actions.first().cloned().unwrap_or_default(),
                    w.resource
                ),
                span: stmt_span(p, w.statement),
                evidence,
            }
        })
        .collect()
}

/// The effective permissions of one policy on its own.
#[must_use]
pub fn effective_of(p: &Policy) -> analysis::Effective {
    analysis::effective(&[Named {
        name: "policy",
        policy: p,
    }])
}

/// IAM-3: Allows of the policy cancelled by its own Denies, with each pair and what remains.
#[must_use]
pub fn cancelled_allows(p: &Policy) -> Vec<Issue> {
    cancelled_allows_in(p, &effective_of(p))
}

/// [`cancelled_allows`] given the policy's effective permissions ([`effective_of`]), so that
/// several analyses of one policy share them.
#[must_use]
pub fn cancelled_allows_in(p: &Policy, e: &analysis::Effective) -> Vec<Issue> {
    let pairs = analysis::cancellations(e);
    if pairs.is_empty() && e.unknown_cancelled.is_empty() {
        return Vec::new();
    }
    let nothing = e.grants_nothing();
    let mut list = Vec::new();
    for c in &pairs {
        list.push(json!({
            "allow": stmt_json(p, c.allow.statement),
            "deny": stmt_json(p, c.deny.statement),
            "resource": c.resource,
            "cancelled": c.cancelled,
            "remaining": c.remaining,
        }));
    }
    for (allow, action, deny) in &e.unknown_cancelled {
        list.push(json!({
            "allow": stmt_json(p, allow.statement),
            "deny": stmt_json(p, deny.statement),
            "cancelled": [action],
            "note": "not an action of the IAM catalogue",
        }));
    }
    let mut names: Vec<String> = Vec::new();
    let all_pairs = pairs
        .iter()
        .map(|c| (c.allow.statement, c.deny.statement))
        .chain(
            e.unknown_cancelled
                .iter()
                .map(|(a, _, d)| (a.statement, d.statement)),
        );
    for (a, d) in all_pairs {
        let n = format!("{} by {}", label(p, a), label(p, d));
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let remaining: Vec<String> = e
        .allowed_actions()
        .iter()
        .filter_map(|i| catalogue::global().actions.get(i).map(|a| a.full.clone()))
        .take(50)
        .collect();
    let mut evidence = Map::new();
    evidence.insert("pairs".into(), Value::Array(list));
    evidence.insert("grants_nothing".into(), json!(nothing));
    evidence.insert("effective_allowed_actions".into(), json!(remaining));
    let message = if nothing {
        format!(
            "the policy grants nothing: its Denies cancel every Allow ({})",
            names.join("; ")
        )
    } else {
        format!(
            "Denies cancel Allows of the same policy ({})",
            names.join("; ")
        )
    };
    let span = pairs
        .first()
        .map(|c| c.allow.statement)
        .or_else(|| e.unknown_cancelled.first().map(|(a, _, _)| a.statement))
        .map(|i| stmt_span(p, i))
        .unwrap_or_default();
    vec![Issue {
        control: "IAM-3",
        message,
        span,
        evidence,
    }]
}

/// Actions that read secret values.
pub const SECRET_READS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
];

/// IAM-13: secret reads allowed on wildcard resources.
#[must_use]
pub fn secret_reads(p: &Policy) -> Vec<Issue> {
    let mut out = Vec::new();
    for s in p.statements_with(Effect::Allow) {
        // Matching the few secret-reading actions against the statement is cheaper than
        // expanding the statement's patterns through the catalogue.
        let reads: Vec<&str> = SECRET_READS
            .iter()
            .copied()
            .filter(|a| crate::eval::action_matches(s, a))
            .collect();
        if reads.is_empty() {
            continue;
        }
        if reads == ["secretsmanager:BatchGetSecretValue"] {
            // BatchGetSecretValue supports no resource-level permission: it needs `*`, and each
            // secret is authorized again through GetSecretValue.
            continue;
        }
        let wide: Vec<String> = match &s.resource {
            Some(r) if r.negated => vec![format!(
                "NotResource {:?}",
                r.items.iter().map(|x| &x.value).collect::<Vec<_>>()
            )],
            Some(r) => r
                .items
                .iter()
                .map(|x| x.value.clone())
                .filter(|v| analysis::is_wildcard_resource(v))
                .collect(),
            None => Vec::new(),
        };
        if wide.is_empty() {
            continue;
        }
        let mut evidence = Map::new();
        evidence.insert("statement".into(), s.to_json());
        evidence.insert("secret_reads".into(), json!(reads));
        evidence.insert("resources".into(), json!(wide));
        out.push(Issue {
            control: "IAM-13",
            message: format!(
                "statement {} allows {} on `{}` instead of named secrets or parameter paths",
                s.label(),
                reads.join(", "),
                wide.join("`, `")
            ),
            span: s.span,
            evidence,
        });
    }
    out
}

/// IAM-14: escalation methods the policy opens on its own.
#[must_use]
pub fn escalation(p: &Policy) -> Vec<Issue> {
    escalation_in(p, &effective_of(p))
}

/// Whether every action of an escalation method is allowed by the engine, on a target an
/// attacker would pick (a customer role, user, group or policy of the account, the policy's
/// own user for `${aws:username}`), in a context the caller controls (MFA, TLS, the current
/// time): a grant only on AWS managed policies, which nobody can change, or under a condition
/// that can never hold, opens nothing.
fn method_open(p: &Policy, method: &analysis::EscalationMethod) -> bool {
    const ME: &str = "arn:aws:iam::123456789012:user/rampart-any-user";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .to_string();
    let mut ctx = crate::eval::RequestContext::new();
    ctx.insert("aws:MultiFactorAuthPresent", "true");
    ctx.insert("aws:SecureTransport", "true");
    ctx.insert("aws:CurrentTime", now.clone());
    ctx.insert("aws:TokenIssueTime", now);
    let set = crate::eval::PolicySet {
        identity: vec![Named {
            name: "policy",
            policy: p,
        }],
        ..crate::eval::PolicySet::default()
    };
    method.actions.iter().all(|action| {
        let a = action.to_ascii_lowercase();
        let target = if a.contains("policyversion") {
            Some("arn:aws:iam::123456789012:policy/rampart-any-policy")
        } else if a.contains("group") {
            Some("arn:aws:iam::123456789012:group/rampart-any-group")
        } else if a.contains("user") || a.contains("accesskey") || a.contains("loginprofile") {
            Some(ME)
        } else if a.starts_with("iam:") || a.starts_with("sts:") {
            Some("arn:aws:iam::123456789012:role/rampart-any-role")
        } else {
            None
        };
        let mut candidates: Vec<String> = match target {
            Some(t) => vec![t.to_owned()],
            None => vec!["*".to_owned()],
        };
        if target.is_none() {
            for st in &p.statements {
                if st.effect == crate::Effect::Allow
                    && crate::eval::action_matches(st, action)
                    && let Some(list) = st.resource.as_ref().filter(|l| !l.negated)
                {
                    candidates.extend(list.items.iter().map(|i| crate::wildcard_vars(&i.value)));
                }
            }
        }
        candidates.iter().any(|resource| {
            let req = crate::eval::Request {
                action,
                resource,
                principal: Some(ME),
                context: &ctx,
            };
            crate::eval::evaluate(&set, &req).decision == crate::eval::Decision::Allow
        })
    })
}

/// [`escalation`] given the policy's effective permissions ([`effective_of`]).
#[must_use]
pub fn escalation_in(p: &Policy, e: &analysis::Effective) -> Vec<Issue> {
    if analysis::is_full_admin(e) {
        // Every method is open to an administrator; IAM-1 and IAM-5 report that more usefully.
        return Vec::new();
    }
    analysis::escalations(e)
        .into_iter()
        .filter(|x| method_open(p, x.method))
        .map(|x| {
            let stmts: Vec<usize> = x
                .granted_by
                .iter()
                .flat_map(|(_, r)| r.iter().map(|r| r.statement))
                .collect();
            let mut evidence = Map::new();
            evidence.insert("method".into(), json!(x.method.name));
            evidence.insert("actions".into(), json!(x.method.actions));
            evidence.insert("how".into(), json!(x.method.how));
            evidence.insert(
                "statements".into(),
                Value::Array(
                    stmts
                        .iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .map(|i| stmt_json(p, *i))
                        .collect(),
                ),
            );
            Issue {
                control: "IAM-14",
                message: format!(
                    "allows privilege escalation `{}` ({}): {}",
                    x.method.name,
                    x.method.actions.join(" + "),
                    x.method.how
                ),
                span: stmts.first().map(|i| stmt_span(p, *i)).unwrap_or_default(),
                evidence,
            }
        })
        .collect()
}

/// S3 actions that destroy history or open a bucket (the seed 002 deny list, less its reads).
pub const HISTORY_DESTROYING: &[&str] = &[
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutBucketObjectLockConfiguration",
    "s3:BypassGovernanceRetention",
];

/// IAM-10: which history-destroying actions a set of policies leaves allowed.
#[must_use]
pub fn history_destroying(e: &analysis::Effective) -> Vec<&'static str> {
    HISTORY_DESTROYING
        .iter()
        .copied()
        .filter(|a| e.allows(a, false))
        .collect()
}

/// DATA-1 / ENC-5 / trust: Allow statements that let everyone in with no limiting condition.
#[must_use]
pub fn public_access(p: &Policy, owner: &str) -> Vec<Issue> {
    let control = match p.kind {
        PolicyKind::Key => "ENC-5",
        PolicyKind::Trust => "IAM-14",
        _ => "DATA-1",
    };
    analysis::exposures(p, owner)
        .into_iter()
        .filter(|x| x.audience == analysis::Audience::Everyone)
        // One notion of a limiting condition for every policy kind, trust policies included
        // (`analysis::LIMITING_KEYS`: a non-negated, non-IfExists condition on a key naming the
        // caller's network, organization or account, with a value narrower than `*`).
        // `sts:ExternalId` is not one: it is not a secret, and anyone who learns it can pass.
        .filter(|x| x.limited_by.is_empty())
        .map(|x| {
            let mut evidence = Map::new();
            evidence.insert("statement".into(), stmt_json(p, x.statement));
            Issue {
                control,
                message: format!(
                    "statement {} allows {} to everyone, with no condition limiting it to a network, organization or account",
                    label(p, x.statement),
                    x.actions.join(", ")
                ),
                span: stmt_span(p, x.statement),
                evidence,
            }
        })
        .collect()
}

/// DATA-5: whether a bucket policy denies requests without TLS for every principal on the
/// bucket and its objects.
#[must_use]
pub fn denies_plain_http(p: &Policy, bucket_arn: &str) -> bool {
    p.statements_with(Effect::Deny).any(|s| {
        let everyone = s
            .principal
            .as_ref()
            .is_some_and(|pr| !pr.negated && pr.is_everyone());
        let actions = crate::eval::action_matches(s, "s3:GetObject")
            && crate::eval::action_matches(s, "s3:PutObject");
        let resources = s.resource.as_ref().is_some_and(|r| {
            !r.negated && {
                let objects = format!("{bucket_arn}/*");
                r.items
                    .iter()
                    .any(|x| wildcard::covers(&x.value, &objects, false))
            }
        });
        // AWS documents the HTTP refusal as a Deny when `aws:SecureTransport` is `false` (S3
        // User Guide, "Security best practices": enforce encryption of data in transit). A plain
        // HTTP request has no TLS version, so a `NumericLessThan` on `s3:TlsVersion` does not
        // match it and such a Deny lets HTTP through. The conditions of one statement must all
        // match for it to apply: any other condition narrows the Deny to some plain-HTTP
        // requests only.
        let refuses_http = |c: &crate::policy::Condition| {
            c.key.value.eq_ignore_ascii_case("aws:SecureTransport")
                && c.operator.base == OperatorBase::Bool
                && c.values.iter().any(|v| v.eq_ignore_ascii_case("false"))
        };
        let tls = !s.conditions.is_empty() && s.conditions.iter().all(refuses_http);
        everyone && actions && resources && tls
    })
}

#[cfg(test)]
mod tests {
    use super::public_access;
    use crate::policy::{PolicyKind, parse_text};

    /// Whether a trust policy `{"AWS": "*"}` with `condition` is reported as open to everyone.
    fn open_trust(condition: &str) -> bool {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
        );
        let p = parse_text(&text, PolicyKind::Trust).policy.expect("policy");
        !public_access(&p, "123456789012").is_empty()
    }

    #[test]
    fn a_trust_policy_open_to_everyone_is_limited_only_by_a_real_limiting_condition() {
        assert!(open_trust(""));
        // Conditions that match every caller, or that an absent key satisfies.
        assert!(open_trust(
            r#","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}"#
        ));
        assert!(open_trust(
            r#","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#
        ));
        assert!(open_trust(
            r#","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:*"}}"#
        ));
        // sts:ExternalId is not a secret: it does not limit who can assume the role.
        assert!(open_trust(
            r#","Condition":{"StringEquals":{"sts:ExternalId":"shop-2f1c"}}"#
        ));
        // A negated condition lets in everyone else.
        assert!(open_trust(
            r#","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#
        ));
        // Limiting: one organization, one account, one principal.
        assert!(!open_trust(
            r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#
        ));
        assert!(!open_trust(
            r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}"#
        ));
        assert!(!open_trust(
            r#","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/ci"}}"#
        ));
    }
}
