//! An independent reference for matching and decisions (issue 17): a small brute-force
//! evaluator written from AWS's documentation, separately from the engine (it calls no engine
//! code and reads its own generated structures, not parsed policies), compared with the engine
//! on generated requests. Deliberately broken copies of the engine (wrappers that flip one rule)
//! must be caught by the same comparison: that shows the comparison can fail.
//!
//! Also the documented properties: an explicit Deny in any policy type wins; adding an Allow
//! never turns an allow into a deny; statement and policy order never matter.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rampart_policy::batch::{Cache, decide};
use serde_json::{Value, json};

const A: &str = "111111111111";
const B: &str = "222222222222";

/// A caller, described directly (the reference does not read ARNs).
#[derive(Debug, Clone, Copy)]
struct Who {
    arn: Option<&'static str>,
    /// user, session, root, service, anonymous
    kind: &'static str,
    account: Option<&'static str>,
    /// For a session: its role's ARN.
    role: Option<&'static str>,
}

const WHO: &[Who] = &[
    Who {
        arn: Some("arn:aws:iam::111111111111:user/alice"),
        kind: "user",
        account: Some(A),
        role: None,
    },
    Who {
        arn: Some("arn:aws:iam::111111111111:user/bob"),
        kind: "user",
        account: Some(A),
        role: None,
    },
    Who {
        arn: Some("arn:aws:sts::111111111111:assumed-role/app/s1"),
        kind: "session",
        account: Some(A),
        role: Some("arn:aws:iam::111111111111:role/app"),
    },
    Who {
        arn: Some("arn:aws:iam::222222222222:user/carol"),
        kind: "user",
        account: Some(B),
        role: None,
    },
    Who {
        arn: Some("arn:aws:sts::222222222222:assumed-role/ops/s2"),
        kind: "session",
        account: Some(B),
        role: Some("arn:aws:iam::222222222222:role/ops"),
    },
    Who {
        arn: Some("arn:aws:iam::111111111111:root"),
        kind: "root",
        account: Some(A),
        role: None,
    },
    Who {
        arn: Some("cloudtrail.amazonaws.com"),
        kind: "service",
        account: None,
        role: None,
    },
    Who {
        arn: None,
        kind: "anonymous",
        account: None,
        role: None,
    },
];

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "sqs:SendMessage",
    "kms:Decrypt",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::shop/k",
    "arn:aws:s3:::other/k",
    "arn:aws:sqs:eu-west-1:111111111111:q",
    "arn:aws:kms:eu-west-1:111111111111:key/k1",
];
const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:*",
    "S3:get*",
    "*",
    "sqs:*",
    "kms:*",
    "s3:?utObject",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::shop/*",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::sh?p/k",
    "arn:aws:sqs:*:111111111111:q",
    "arn:aws:kms:eu-west-1:111111111111:key/*",
];
const PRINCIPALS: &[&str] = &[
    "*",
    "111111111111",
    "arn:aws:iam::111111111111:root",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::111111111111:role/app",
    "arn:aws:sts::111111111111:assumed-role/app/s1",
    "222222222222",
    "arn:aws:iam::222222222222:user/carol",
    "arn:aws:iam::222222222222:role/ops",
    "service:cloudtrail.amazonaws.com",
    "none",
];
/// (operator, key, value)
const CONDITIONS: &[Option<(&str, &str, &str)>] = &[
    None,
    None,
    None,
    None,
    Some(("StringEquals", "aws:SourceVpce", "vpce-1")),
    Some(("StringNotEqualsIfExists", "aws:SourceVpce", "vpce-1")),
    Some(("Null", "aws:SourceVpce", "true")),
    Some(("StringLike", "aws:PrincipalTag/team", "pay*")),
];

#[derive(Debug, Clone)]
struct St {
    allow: bool,
    actions: Vec<usize>,
    resources: Vec<usize>,
    principal: usize,
    condition: usize,
}

#[derive(Debug, Clone)]
struct Req {
    who: usize,
    action: usize,
    resource: usize,
    vpce: bool,
    team: bool,
    identity: Vec<Vec<St>>,
    resource_policy: Option<Vec<St>>,
    boundary: Option<Vec<St>>,
    session: Option<Vec<St>>,
    scps: Vec<Vec<St>>,
    rcps: Vec<Vec<St>>,
    endpoint: Option<Vec<St>>,
}

fn st() -> impl Strategy<Value = St> {
    (
        prop::bool::weighted(0.85),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..3),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..3),
        0..PRINCIPALS.len(),
        0..CONDITIONS.len(),
    )
        .prop_map(|(allow, actions, resources, principal, condition)| St {
            allow,
            actions,
            resources,
            principal,
            condition,
        })
}

fn pol() -> impl Strategy<Value = Vec<St>> {
    prop::collection::vec(st(), 1..4)
}

fn req() -> impl Strategy<Value = Req> {
    (
        (
            0..WHO.len(),
            0..ACTIONS.len(),
            0..RESOURCES.len(),
            any::<bool>(),
            any::<bool>(),
        ),
        prop::collection::vec(pol(), 0..3),
        prop::option::weighted(0.7, pol()),
        prop::option::weighted(0.2, pol()),
        prop::option::weighted(0.2, pol()),
        prop::collection::vec(pol(), 0..3),
        prop::collection::vec(pol(), 0..2),
        prop::option::weighted(0.15, pol()),
    )
        .prop_map(
            |(
                (who, action, resource, vpce, team),
                identity,
                resource_policy,
                boundary,
                session,
                scps,
                rcps,
                endpoint,
            )| {
                // Mostly a resource of the action's service, sometimes any.
                let resource = match (action, resource) {
                    (_, 0) => resource,
                    (0 | 1, r) => r % 2,
                    (a, _) => a,
                };
                Req {
                    who,
                    action,
                    resource,
                    vpce,
                    team,
                    identity,
                    resource_policy,
                    boundary,
                    session,
                    scps,
                    rcps,
                    endpoint,
                }
            },
        )
}

// ---------------------------------------------------------------- the reference evaluator

/// `*` any run, `?` one character; brute force over every split.
fn glob(p: &[u8], t: &[u8], fold: bool) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some((b'*', rest)) => (0..=t.len()).any(|i| glob(rest, &t[i..], fold)),
        Some((c, rest)) => match t.split_first() {
            Some((d, trest)) if *c == b'?' || c == d || (fold && c.eq_ignore_ascii_case(d)) => {
                glob(rest, trest, fold)
            }
            _ => false,
        },
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum How {
    Account,
    Role,
    Caller,
}

/// Which statement "kinds" name principals: resource policies (no principal: no one), RCPs and
/// endpoint policies (no principal: everyone).
fn names(s: &St, kind: &str, w: &Who) -> Option<How> {
    if !matches!(kind, "resource" | "rcp" | "endpoint") {
        return Some(How::Caller);
    }
    let p = PRINCIPALS[s.principal];
    if p == "none" {
        return (kind != "resource").then_some(How::Caller);
    }
    if p == "*" {
        return Some(How::Caller);
    }
    if let Some(svc) = p.strip_prefix("service:") {
        return (w.kind == "service" && w.arn == Some(svc)).then_some(How::Caller);
    }
    if matches!(w.kind, "service" | "anonymous") {
        return None;
    }
    let acct = if p.len() == 12 {
        Some(p)
    } else {
        p.strip_prefix("arn:aws:iam::")
            .and_then(|r| r.strip_suffix(":root"))
    };
    if let Some(a) = acct {
        return (w.account == Some(a)).then_some(How::Account);
    }
    if w.arn == Some(p) {
        return Some(How::Caller);
    }
    if w.role == Some(p) {
        return Some(How::Role);
    }
    None
}

fn cond_holds(c: usize, r: &Req) -> bool {
    match CONDITIONS[c] {
        None => true,
        Some(("StringEquals", _, v)) => r.vpce && v == "vpce-1",
        Some(("StringNotEqualsIfExists", _, _)) => !r.vpce,
        Some(("Null", _, _)) => !r.vpce,
        Some(("StringLike", _, _)) => r.team,
        Some(other) => unreachable!("{other:?}"),
    }
}

fn applies(s: &St, kind: &str, r: &Req, w: &Who) -> Option<How> {
    let action = ACTIONS[r.action];
    let resource = RESOURCES[r.resource];
    let a = s
        .actions
        .iter()
        .any(|i| glob(ACTION_PATTERNS[*i].as_bytes(), action.as_bytes(), true));
    let res = s
        .resources
        .iter()
        .any(|i| glob(RESOURCE_PATTERNS[*i].as_bytes(), resource.as_bytes(), false));
    if a && res && cond_holds(s.condition, r) {
        names(s, kind, w)
    } else {
        None
    }
}

/// (decision, blocked_by)
fn reference(r: &Req) -> (String, BTreeSet<String>) {
    let w = &WHO[r.who];
    let iam = matches!(w.kind, "user" | "session" | "root");
    let root = w.kind == "root";
    let res_acct = A; // every generated resource is in account A
    let cross = iam && w.account != Some(res_acct);
    // Every policy with its kind; identity-side kinds only for IAM callers.
    let mut all: Vec<(&str, &Vec<St>)> = Vec::new();
    if iam {
        all.extend(r.identity.iter().map(|p| ("identity", p)));
        all.extend(r.boundary.iter().map(|p| ("boundary", p)));
        all.extend(r.session.iter().map(|p| ("session", p)));
        all.extend(r.scps.iter().map(|p| ("scp", p)));
    }
    all.extend(r.resource_policy.iter().map(|p| ("resource", p)));
    all.extend(r.rcps.iter().map(|p| ("rcp", p)));
    all.extend(r.endpoint.iter().map(|p| ("endpoint", p)));
    let denied: BTreeSet<String> = all
        .iter()
        .filter(|(k, p)| p.iter().any(|s| !s.allow && applies(s, k, r, w).is_some()))
        .map(|(k, _)| (*k).to_owned())
        .collect();
    if !denied.is_empty() {
        return ("explicit_deny".into(), denied);
    }
    let allows = |kind: &str, p: &Vec<St>| -> Option<How> {
        p.iter()
            .filter(|s| s.allow)
            .filter_map(|s| applies(s, kind, r, w))
            .max()
    };
    let mut blocked = BTreeSet::new();
    for level in &r.rcps {
        if allows("rcp", level).is_none() {
            blocked.insert("rcp".to_owned());
        }
    }
    if iam {
        for level in &r.scps {
            if allows("scp", level).is_none() {
                blocked.insert("scp".to_owned());
            }
        }
    }
    if let Some(e) = &r.endpoint
        && allows("endpoint", e).is_none()
    {
        blocked.insert("endpoint".to_owned());
    }
    let rp = r
        .resource_policy
        .as_ref()
        .and_then(|p| allows("resource", p));
    let i = root || r.identity.iter().any(|p| allows("identity", p).is_some());
    let b = root
        || r.boundary
            .as_ref()
            .is_none_or(|p| allows("boundary", p).is_some());
    let s = root
        || r.session
            .as_ref()
            .is_none_or(|p| allows("session", p).is_some());
    // A key policy must allow (itself or by delegation) once there is one.
    let required = RESOURCES[r.resource].contains(":key/") && r.resource_policy.is_some();
    let granted = if !iam {
        rp == Some(How::Caller)
    } else if cross {
        i && b && s && rp.is_some()
    } else {
        rp == Some(How::Caller)
            || (rp == Some(How::Role) && b && s)
            || (i && b && s && (!required || rp.is_some()))
    };
    if !granted {
        if !iam {
            blocked.insert("resource".into());
        } else if cross {
            for (ok, t) in [
                (rp.is_some(), "resource"),
                (i, "identity"),
                (b, "boundary"),
                (s, "session"),
            ] {
                if !ok {
                    blocked.insert(t.into());
                }
            }
        } else {
            if required && rp.is_none() {
                blocked.insert("resource".into());
            }
            if rp != Some(How::Role) && !i {
                blocked.insert("identity".into());
                if !required && r.resource_policy.is_some() {
                    blocked.insert("resource".into());
                }
            }
            if !b {
                blocked.insert("boundary".into());
            }
            if !s {
                blocked.insert("session".into());
            }
        }
    }
    if granted && blocked.is_empty() {
        ("allow".into(), blocked)
    } else {
        ("implicit_deny".into(), blocked)
    }
}

// ---------------------------------------------------------------- the engine, through JSON

fn st_json(s: &St, kind: &str) -> Value {
    let mut v = json!({
        "Effect": if s.allow { "Allow" } else { "Deny" },
        "Action": s.actions.iter().map(|i| ACTION_PATTERNS[*i]).collect::<Vec<_>>(),
        "Resource": s.resources.iter().map(|i| RESOURCE_PATTERNS[*i]).collect::<Vec<_>>(),
    });
    if matches!(kind, "resource" | "rcp" | "endpoint") {
        let p = PRINCIPALS[s.principal];
        if p == "*" {
            v["Principal"] = json!("*");
        } else if let Some(svc) = p.strip_prefix("service:") {
            v["Principal"] = json!({"Service": svc});
        } else if p != "none" {
            v["Principal"] = json!({"AWS": p});
        }
    }
    if let Some((op, k, val)) = CONDITIONS[s.condition] {
        v["Condition"] = json!({op: {k: val}});
    }
    v
}

fn pol_json(p: &[St], kind: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": p.iter().map(|s| st_json(s, kind)).collect::<Vec<_>>()})
}

fn to_json(r: &Req) -> Value {
    let w = &WHO[r.who];
    let mut ctx = serde_json::Map::new();
    if r.vpce {
        ctx.insert("aws:SourceVpce".into(), json!("vpce-1"));
    }
    if r.team {
        ctx.insert("aws:PrincipalTag/team".into(), json!("payments"));
    }
    json!({
        "id": "x",
        "principal": w.arn,
        "action": ACTIONS[r.action],
        "resource": RESOURCES[r.resource],
        "resource_account": A,
        "context": ctx,
        "identity": r.identity.iter().map(|p| pol_json(p, "identity")).collect::<Vec<_>>(),
        "resource_policy": r.resource_policy.as_ref().map(|p| pol_json(p, "resource")),
        "boundary": r.boundary.as_ref().map(|p| vec![pol_json(p, "boundary")]),
        "session": r.session.as_ref().map(|p| pol_json(p, "session")),
        "scps": r.scps.iter().map(|p| vec![pol_json(p, "scp")]).collect::<Vec<_>>(),
        "rcps": r.rcps.iter().map(|p| vec![pol_json(p, "rcp")]).collect::<Vec<_>>(),
        "endpoint": r.endpoint.as_ref().map(|p| pol_json(p, "endpoint")),
    })
}

/// The engine's (decision, blocked_by, deciding statements as (policy, index)).
fn engine(v: &Value) -> (String, BTreeSet<String>, BTreeSet<(String, u64)>) {
    let mut cache = Cache::new();
    let e = decide(v, &mut cache).expect("generated requests are readable");
    let out = rampart_policy::batch::answer(&json!("x"), &Ok(e));
    let blocked = out["blocked_by"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect();
    let deciding = out["deciding"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["policy"].as_str().unwrap_or_default().to_owned(),
                d["index"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    (
        out["decision"].as_str().unwrap_or_default().to_owned(),
        blocked,
        deciding,
    )
}

fn compare(r: &Req, engine_fn: &dyn Fn(&Value) -> Value) -> Result<(), TestCaseError> {
    let (want, want_blocked) = reference(r);
    let (got, got_blocked, _) = engine(&engine_fn(&to_json(r)));
    prop_assert_eq!(&got, &want, "request {:#}", to_json(r));
    prop_assert_eq!(got_blocked, want_blocked, "request {:#}", to_json(r));
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

#[test]
fn engine_agrees_with_the_reference() {
    let allowed = std::cell::Cell::new(0u32);
    let mut r = runner(4000);
    let result = r.run(&req(), |q| {
        if reference(&q).0 == "allow" {
            allowed.set(allowed.get() + 1);
        }
        compare(&q, &|v| v.clone())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        allowed.get() >= 100,
        "only {} of the generated requests are allowed",
        allowed.get()
    );
}

/// Deliberately broken copies of the engine: each flips one documented rule by rewriting the
/// request before the engine sees it. The comparison must catch every one.
#[test]
fn broken_engines_are_caught() {
    type Mutant = (&'static str, fn(&Value) -> Value);
    let mutants: &[Mutant] = &[
        ("permissions boundary ignored", |v| {
            let mut v = v.clone();
            v["boundary"] = Value::Null;
            v
        }),
        ("cross-account treated as same account", |v| {
            let mut v = v.clone();
            if let Some(acct) = v["principal"]
                .as_str()
                .and_then(|p| p.split(':').nth(4))
                .filter(|a| a.len() == 12)
            {
                v["resource_account"] = json!(acct);
            }
            v
        }),
        ("account principal treated as a grant", |v| {
            let mut v = v.clone();
            let text = v["resource_policy"]
                .to_string()
                .replace(&format!("\"{A}\""), "\"*\"")
                .replace(&format!("\"{B}\""), "\"*\"");
            v["resource_policy"] = serde_json::from_str(&text).unwrap_or(Value::Null);
            v
        }),
        ("SCP levels merged (one allowing level suffices)", |v| {
            let mut v = v.clone();
            let merged: Vec<Value> = v["scps"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|l| l.as_array().cloned().unwrap_or_default())
                .collect();
            v["scps"] = if merged.is_empty() {
                json!([])
            } else {
                json!([merged])
            };
            v
        }),
        ("resource-policy Denies ignored", |v| {
            let mut v = v.clone();
            if let Some(stmts) = v["resource_policy"]["Statement"].as_array_mut() {
                stmts.retain(|s| s["Effect"] != "Deny");
                if stmts.is_empty() {
                    v["resource_policy"] = Value::Null;
                }
            }
            v
        }),
    ];
    for (name, mutate) in mutants {
        let mut r = runner(3000);
        let result = r.run(&req(), |q| compare(&q, mutate));
        assert!(result.is_err(), "the broken engine `{name}` was not caught");
    }
}

/// The engine as the properties see it: (decision, blocked_by, deciding statements).
type Outcome = (String, BTreeSet<String>, BTreeSet<(String, u64)>);

/// Allows only add: an allowed request stays allowed when any policy gains an Allow. `Ok(false)`
/// when the case does not apply (not allowed, or no policy of that type to extend).
fn adding_keeps_allow(
    eng: &dyn Fn(&Value) -> Outcome,
    r: &Req,
    s: &St,
    slot: usize,
) -> Result<bool, TestCaseError> {
    let v = to_json(r);
    if eng(&v).0 != "allow" {
        return Ok(false);
    }
    let mut more = v.clone();
    let kind = match slot {
        1 => "resource",
        5 => "rcp",
        6 => "endpoint",
        _ => "identity",
    };
    let extra = st_json(
        &St {
            allow: true,
            ..s.clone()
        },
        kind,
    );
    if !add_to(&mut more, slot, &extra) {
        return Ok(false);
    }
    prop_assert_eq!(eng(&more).0, "allow", "{:#} plus {:#}", v, extra);
    Ok(true)
}

/// "An explicit deny in any of these policies overrides the allow": a Deny of everything added
/// to a policy of any type that applies to the caller makes the answer an explicit deny.
fn deny_wins(eng: &dyn Fn(&Value) -> Outcome, r: &Req, slot: usize) -> Result<(), TestCaseError> {
    let w = &WHO[r.who];
    let identity_side = matches!(slot, 0 | 2 | 3 | 4);
    if identity_side && !matches!(w.kind, "user" | "session" | "root") {
        return Ok(());
    }
    let mut v = to_json(r);
    let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"});
    let deny_no_principal = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
    let d = if matches!(slot, 1 | 5 | 6) {
        deny
    } else {
        deny_no_principal
    };
    if !add_to(&mut v, slot, &d) {
        // No policy of that type yet: one holding only the Deny.
        let p = json!({"Version": "2012-10-17", "Statement": [d]});
        match slot {
            0 => v["identity"] = json!([p]),
            1 => v["resource_policy"] = p,
            2 => v["boundary"] = json!([p]),
            3 => v["session"] = p,
            4 => v["scps"] = json!([[p]]),
            5 => v["rcps"] = json!([[p]]),
            _ => v["endpoint"] = p,
        }
    }
    let (got, blocked, _) = eng(&v);
    prop_assert_eq!(got, "explicit_deny", "{:#}", v);
    prop_assert!(!blocked.is_empty());
    Ok(())
}

/// Statement order and policy order never matter, for the decision, the blocking types and
/// the deciding statements.
fn order_is_irrelevant(eng: &dyn Fn(&Value) -> Outcome, r: &Req) -> Result<(), TestCaseError> {
    let mut rev = r.clone();
    rev.identity.reverse();
    for p in rev
        .identity
        .iter_mut()
        .chain(rev.resource_policy.iter_mut())
        .chain(rev.boundary.iter_mut())
        .chain(rev.session.iter_mut())
        .chain(rev.scps.iter_mut())
        .chain(rev.rcps.iter_mut())
        .chain(rev.endpoint.iter_mut())
    {
        p.reverse();
    }
    let (d1, b1, s1) = eng(&to_json(r));
    let (d2, b2, s2) = eng(&to_json(&rev));
    prop_assert_eq!(d1, d2, "{:#}", to_json(r));
    prop_assert_eq!(b1, b2);
    // Same statements, counted from the other end.
    prop_assert_eq!(s1.len(), s2.len());
    Ok(())
}

/// Allows only add: an allowed request stays allowed when any policy gains an Allow.
#[test]
fn adding_an_allow_never_turns_an_allow_into_a_deny() {
    let checked = std::cell::Cell::new(0u32);
    let mut r = runner(6000);
    let result = r.run(&(req(), st(), 0..7usize), |(r, s, slot)| {
        if adding_keeps_allow(&engine, &r, &s, slot)? {
            checked.set(checked.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        checked.get() >= 50,
        "only {} allowed requests were extended",
        checked.get()
    );
}

/// The three properties have teeth: a deliberately broken copy of the engine fails each.
#[test]
fn broken_engines_fail_the_properties() {
    // Rewrites every policy (document) of a request.
    fn each_policy(v: &mut Value, f: &dyn Fn(&str, &mut Value)) {
        for (field, nested) in [
            ("identity", 1),
            ("resource_policy", 0),
            ("boundary", 1),
            ("session", 0),
            ("scps", 2),
            ("rcps", 2),
            ("endpoint", 0),
        ] {
            let slot = &mut v[field];
            match nested {
                0 if slot.is_object() => f(field, slot),
                1 => slot
                    .as_array_mut()
                    .into_iter()
                    .flatten()
                    .for_each(|p| f(field, p)),
                2 => slot
                    .as_array_mut()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_array_mut)
                    .flatten()
                    .for_each(|p| f(field, p)),
                _ => {}
            }
        }
    }
    let rewrite = |f: &'static dyn Fn(&str, &mut Value)| {
        move |v: &Value| {
            let mut v = v.clone();
            each_policy(&mut v, f);
            engine(&v)
        }
    };
    // A Deny in a permissions boundary is ignored.
    let boundary_denies_ignored = rewrite(&|field, p| {
        if field == "boundary" {
            for s in p["Statement"].as_array_mut().into_iter().flatten() {
                if s["Effect"] == "Deny" {
                    s["Action"] = json!("none:NeverRequested");
                }
            }
        }
    });
    // The first statement of each policy decides (the rest are not read).
    let first_statement_only = rewrite(&|_, p| {
        if let Some(a) = p["Statement"].as_array_mut() {
            a.truncate(1);
        }
    });
    // The last statement of an identity policy with several is read as a Deny.
    let last_read_as_deny = rewrite(&|field, p| {
        if field == "identity"
            && let Some(a) = p["Statement"].as_array_mut()
            && a.len() > 1
            && let Some(last) = a.last_mut()
        {
            last["Effect"] = json!("Deny");
        }
    });
    let caught = |failed: bool, name: &str| {
        assert!(failed, "the broken engine `{name}` passed the property");
    };
    caught(
        runner(2000)
            .run(&(req(), 0..7usize), |(r, slot)| {
                deny_wins(&boundary_denies_ignored, &r, slot)
            })
            .is_err(),
        "boundary denies ignored",
    );
    caught(
        runner(2000)
            .run(&req(), |r| order_is_irrelevant(&first_statement_only, &r))
            .is_err(),
        "first statement only",
    );
    caught(
        runner(6000)
            .run(&(req(), st(), 0..7usize), |(r, s, slot)| {
                adding_keeps_allow(&last_read_as_deny, &r, &s, slot).map(|_| ())
            })
            .is_err(),
        "last statement read as a Deny",
    );
    // And the real engine passes all three on the same runs.
    assert!(
        runner(2000)
            .run(&(req(), 0..7usize), |(r, slot)| deny_wins(
                &engine, &r, slot
            ))
            .is_ok()
    );
    assert!(
        runner(2000)
            .run(&req(), |r| order_is_irrelevant(&engine, &r))
            .is_ok()
    );
}

fn add_to(v: &mut Value, slot: usize, stmt: &Value) -> bool {
    let push = |p: &mut Value| {
        if let Some(a) = p["Statement"].as_array_mut() {
            a.push(stmt.clone());
            true
        } else {
            false
        }
    };
    match slot {
        0 => v["identity"]
            .as_array_mut()
            .and_then(|a| a.first_mut())
            .is_some_and(push),
        1 => v["resource_policy"].is_object() && push(&mut v["resource_policy"]),
        2 => v["boundary"]
            .as_array_mut()
            .and_then(|a| a.first_mut())
            .is_some_and(push),
        3 => v["session"].is_object() && push(&mut v["session"]),
        4 => v["scps"]
            .as_array_mut()
            .and_then(|a| a.first_mut())
            .and_then(|l| l.as_array_mut())
            .and_then(|l| l.first_mut())
            .is_some_and(push),
        5 => v["rcps"]
            .as_array_mut()
            .and_then(|a| a.first_mut())
            .and_then(|l| l.as_array_mut())
            .and_then(|l| l.first_mut())
            .is_some_and(push),
        _ => v["endpoint"].is_object() && push(&mut v["endpoint"]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// "An explicit deny in any of these policies overrides the allow."
    #[test]
    fn an_explicit_deny_in_any_policy_type_wins(r in req(), slot in 0..7usize) {
        deny_wins(&engine, &r, slot)?;
    }

    /// Statement order and policy order never matter, for the decision, the blocking types and
    /// the deciding statements.
    #[test]
    fn order_never_matters(r in req()) {
        order_is_irrelevant(&engine, &r)?;
    }
}
