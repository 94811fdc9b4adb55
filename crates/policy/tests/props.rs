//! Properties of evaluation over generated policies and requests: an explicit Deny always wins,
//! the default is deny, statement order never matters, and splitting a statement into one
//! statement per action or per resource never changes a decision.

use proptest::prelude::*;
use rampart_policy::eval::{Decision, Request, RequestContext, evaluate_policy, statement_matches};
use rampart_policy::{Effect, PolicyKind, parse_text};
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "ec2:*",
    "*",
    "iam:PassRole",
    "ec2:RunInstances",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::c/*",
    "arn:aws:s3:::b/${aws:username}/*",
];
const CONDITIONS: &[Option<(&str, &str, &str)>] = &[
    None,
    Some(("StringEquals", "aws:username", "alice")),
    Some(("IpAddress", "aws:SourceIp", "10.0.0.0/8")),
    Some(("NotIpAddress", "aws:SourceIp", "10.0.0.0/8")),
    Some(("Bool", "aws:SecureTransport", "false")),
    Some(("StringNotEqualsIfExists", "aws:SourceVpce", "vpce-1")),
];
const REQ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:PassRole",
    "s3:ListBucket",
];
const REQ_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/alice/k",
    "arn:aws:s3:::c/k",
    "*",
];

#[derive(Debug, Clone)]
struct Stmt {
    allow: bool,
    actions: Vec<usize>,
    resources: Vec<usize>,
    condition: usize,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::collection::vec(0..ACTIONS.len(), 1..4),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        0..CONDITIONS.len(),
    )
        .prop_map(|(allow, actions, resources, condition)| Stmt {
            allow,
            actions,
            resources,
            condition,
        })
}

fn to_json(s: &Stmt) -> Value {
    let mut v = json!({
        "Effect": if s.allow { "Allow" } else { "Deny" },
        "Action": s.actions.iter().map(|i| ACTIONS[*i]).collect::<Vec<_>>(),
        "Resource": s.resources.iter().map(|i| RESOURCES[*i]).collect::<Vec<_>>(),
    });
    if let Some((op, key, val)) = CONDITIONS[s.condition] {
        v["Condition"] = json!({ op: { key: val } });
    }
    v
}

fn decide(stmts: &[Value], req: (usize, usize, usize)) -> Decision {
    let text = json!({"Version": "2012-10-17", "Statement": stmts}).to_string();
    let policy = parse_text(&text, PolicyKind::Identity)
        .policy
        .expect("generated policies parse");
    let ctx = context(req.2);
    let r = Request {
        action: REQ_ACTIONS[req.0],
        resource: REQ_RESOURCES[req.1],
        principal: None,
        context: &ctx,
    };
    evaluate_policy("p", &policy, &r).decision
}

fn context(i: usize) -> RequestContext {
    let mut ctx = RequestContext::new();
    if i & 1 != 0 {
        ctx.insert("aws:username", "alice");
    }
    if i & 2 != 0 {
        ctx.insert("aws:SourceIp", "10.1.2.3");
    } else {
        ctx.insert("aws:SourceIp", "192.0.2.1");
    }
    if i & 4 != 0 {
        ctx.insert("aws:SecureTransport", "true");
    }
    ctx
}

fn request() -> impl Strategy<Value = (usize, usize, usize)> {
    (0..REQ_ACTIONS.len(), 0..REQ_RESOURCES.len(), 0..8usize)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn explicit_deny_always_wins(stmts in prop::collection::vec(stmt(), 1..6), req in request()) {
        let values: Vec<Value> = stmts.iter().map(to_json).collect();
        let text = json!({"Version": "2012-10-17", "Statement": values}).to_string();
        let policy = parse_text(&text, PolicyKind::Identity).policy.expect("parses");
        let ctx = context(req.2);
        let r = Request { action: REQ_ACTIONS[req.0], resource: REQ_RESOURCES[req.1], principal: None, context: &ctx };
        let any_deny = policy.statements.iter().any(|s| s.effect == Effect::Deny && statement_matches(&policy, s, &r));
        let any_allow = policy.statements.iter().any(|s| s.effect == Effect::Allow && statement_matches(&policy, s, &r));
        let d = evaluate_policy("p", &policy, &r).decision;
        if any_deny {
            prop_assert_eq!(d, Decision::ExplicitDeny);
        } else if any_allow {
            prop_assert_eq!(d, Decision::Allow);
        } else {
            prop_assert_eq!(d, Decision::ImplicitDeny);
        }
    }

    #[test]
    fn default_is_deny(stmts in prop::collection::vec(stmt(), 1..6), req in request()) {
        let denies: Vec<Value> = stmts.iter().map(|s| to_json(&Stmt { allow: false, ..s.clone() })).collect();
        prop_assert_ne!(decide(&denies, req), Decision::Allow);
    }

    #[test]
    fn statement_order_never_matters(stmts in prop::collection::vec(stmt(), 1..6), req in request(), rot in 0..6usize) {
        let values: Vec<Value> = stmts.iter().map(to_json).collect();
        let mut reversed = values.clone();
        reversed.reverse();
        let mut rotated = values.clone();
        let n = rotated.len();
        rotated.rotate_left(rot % n);
        let d = decide(&values, req);
        prop_assert_eq!(d, decide(&reversed, req));
        prop_assert_eq!(d, decide(&rotated, req));
    }

    #[test]
    fn splitting_a_statement_never_changes_a_decision(stmts in prop::collection::vec(stmt(), 1..5), req in request(), which in 0..5usize) {
        let values: Vec<Value> = stmts.iter().map(to_json).collect();
        let target = &stmts[which % stmts.len()];
        let mut by_action: Vec<Value> = stmts.iter().enumerate().filter(|(i, _)| *i != which % stmts.len()).map(|(_, s)| to_json(s)).collect();
        for a in &target.actions {
            by_action.push(to_json(&Stmt { actions: vec![*a], ..target.clone() }));
        }
        let mut by_resource: Vec<Value> = stmts.iter().enumerate().filter(|(i, _)| *i != which % stmts.len()).map(|(_, s)| to_json(s)).collect();
        for r in &target.resources {
            by_resource.push(to_json(&Stmt { resources: vec![*r], ..target.clone() }));
        }
        let d = decide(&values, req);
        prop_assert_eq!(d, decide(&by_action, req));
        prop_assert_eq!(d, decide(&by_resource, req));
    }
}
