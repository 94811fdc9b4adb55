//! A policy and a request drawn from the input: evaluation never panics, an explicit Deny
//! that applies to the caller always wins, and without any Allow the decision is never Allow.
//! (An identity policy does not apply to a caller that is not an IAM identity, such as an
//! anonymous caller, a service or an unrecognised principal: its Deny decides nothing there.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_policy::eval::{
    Caller, Decision, Request, RequestContext, evaluate_policy, statement_matches,
};
use rampart_policy::{Effect, PolicyKind, parse_text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Layout: policy text, then lines `action`, `resource`, `principal`, `key=value`...
    let (policy_text, rest) = text
        .split_once("\n--\n")
        .unwrap_or((text, "s3:GetObject\narn:aws:s3:::b/k"));
    let Some(policy) = parse_text(policy_text, PolicyKind::Auto).policy else {
        return;
    };
    let mut lines = rest.lines();
    let action = lines.next().unwrap_or("s3:GetObject");
    let resource = lines.next().unwrap_or("*");
    let principal = lines.next().filter(|p| !p.is_empty());
    let mut ctx = RequestContext::new();
    for kv in lines {
        if let Some((k, v)) = kv.split_once('=') {
            ctx.insert(k, v);
        }
    }
    let req = Request {
        action,
        resource,
        principal,
        context: &ctx,
    };
    let result = evaluate_policy("fuzz", &policy, &req);
    // As `evaluate_policy` places the document: a resource policy, or an identity policy.
    let resource_side = policy.kind.has_principals()
        || (policy.kind == PolicyKind::Auto
            && policy.statements.iter().any(|s| s.principal.is_some()));
    let applies = resource_side || Caller::parse(principal).is_iam();
    let denied = applies
        && policy
            .statements
            .iter()
            .any(|s| s.effect == Effect::Deny && statement_matches(&policy, s, &req));
    let allowed = policy
        .statements
        .iter()
        .any(|s| s.effect == Effect::Allow && statement_matches(&policy, s, &req));
    if denied {
        assert_eq!(result.decision, Decision::ExplicitDeny);
    }
    if !allowed {
        assert_ne!(result.decision, Decision::Allow);
    }
    let named = [rampart_policy::eval::Named {
        name: "fuzz",
        policy: &policy,
    }];
    let e = rampart_policy::analysis::effective(&named);
    let _ = rampart_policy::analysis::escalations(&e);
});
