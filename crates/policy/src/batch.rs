//! Batches of authorization requests, each carrying every policy that applies to it, decided
//! by [`crate::eval::evaluate`]. The JSON contract (`docs/policy-eval.md`) is stable:
//!
//! a request is `{"id", "principal" (ARN, or null for anonymous), "action", "resource",
//! "resource_account", "context" {key: string | [string…]}, "identity" [policy…],
//! "resource_policy", "boundary" [policy…] | null, "session", "scps" [[policy…] per level, root
//! first], "rcps" [[policy…] per level], "endpoint"}`; an answer is `{"id", "decision",
//! "blocked_by", "deciding", "reason"}`, or `{"id", "error"}` for a request that cannot be read.
//!
//! The same policy document given in many requests is read once. A batch may also be an object
//! `{"policies": {NAME: policy…}, "requests": [request…]}` whose requests name shared policies
//! with `{"ref": NAME}` (as an estate shares policies between principals): each is then written
//! and read once. [`decide_all`] reads a batch request by request, never holding more than one.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};

use crate::eval::{ANONYMOUS, Evaluation, Named, PolicySet, Request, RequestContext, evaluate};
use crate::policy::{Policy, PolicyKind, parse_value};

/// Policies read so far, by their JSON text; and the batch's shared policies, by name.
#[derive(Default)]
pub struct Cache {
    policies: Vec<Policy>,
    index: HashMap<String, usize>,
    shared: HashMap<String, Value>,
    /// Shared policies read so far: by name, the index for each kind it was read as.
    shared_read: HashMap<String, Vec<(PolicyKind, usize)>>,
}

/// Where a policy of a request goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp(usize),
    Rcp(usize),
    Endpoint,
}

impl Cache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Cache::default()
    }

    /// Declares the batch's shared policies (`"policies": {NAME: policy…}`), which requests
    /// then name with `{"ref": NAME}`.
    pub fn share(&mut self, policies: serde_json::Map<String, Value>) {
        self.shared.extend(policies);
    }

    /// Reads a policy: a JSON document, a JSON string holding one, `{"name", "document"}` (the
    /// name is then the one reported) or `{"ref": NAME}` (a shared policy, reported by its
    /// name). Returns its index and its name if it has one.
    fn read(
        &mut self,
        v: &Value,
        kind: PolicyKind,
        at: &dyn Fn() -> String,
    ) -> Result<(usize, Option<String>), String> {
        if let Some(r) = v.get("ref") {
            let Some(name) = r.as_str() else {
                return Err(format!("{}: `ref` names a shared policy (a string)", at()));
            };
            // Read once per kind: a document's validity depends on the kind it is used as.
            if let Some(&(_, i)) = self
                .shared_read
                .get(name)
                .and_then(|ks| ks.iter().find(|(k, _)| *k == kind))
            {
                return Ok((i, Some(name.to_owned())));
            }
            let Some(doc) = self.shared.get(name).cloned() else {
                return Err(format!(
                    "{}: no shared policy `{name}` (declare it under `policies`, before `requests`)",
                    at()
                ));
            };
            let (i, _) = self.read(&doc, kind, &|| name.to_owned())?;
            self.shared_read
                .entry(name.to_owned())
                .or_default()
                .push((kind, i));
            return Ok((i, Some(name.to_owned())));
        }
        if let Some(doc) = v.get("document") {
            let name = v.get("name").and_then(Value::as_str).map(str::to_owned);
            let inner = || name.clone().unwrap_or_else(at);
            return Ok((self.read(doc, kind, &inner)?.0, name));
        }
        let key = match v {
            Value::String(s) => s.clone(),
            Value::Object(_) => v.to_string(),
            _ => {
                return Err(format!(
                    "{}: a policy is a JSON object or a JSON string",
                    at()
                ));
            }
        };
        let key = format!("{}:{key}", kind.as_str());
        if let Some(i) = self.index.get(&key) {
            return Ok((*i, None));
        }
        let out = parse_value(v, kind);
        let Some(policy) = out.policy else {
            let at = at();
            let msg: Vec<String> = out
                .diagnostics
                .iter()
                .map(|d| format!("{at}:{d}"))
                .collect();
            return Err(msg.join("; "));
        };
        self.policies.push(policy);
        let i = self.policies.len() - 1;
        self.index.insert(key, i);
        Ok((i, None))
    }
}

fn opt_str<'a>(req: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match req.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` must be a string or null")),
    }
}

fn policy_list<'a>(v: Option<&'a Value>, key: &str) -> Result<Option<Vec<&'a Value>>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a.iter().collect())),
        Some(o @ (Value::Object(_) | Value::String(_))) => Ok(Some(vec![o])),
        Some(_) => Err(format!("`{key}` must be a list of policies")),
    }
}

fn levels<'a>(v: Option<&'a Value>, key: &str) -> Result<Vec<Vec<&'a Value>>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, level)| match level {
                Value::Array(ps) => Ok(ps.iter().collect()),
                Value::Object(_) | Value::String(_) => Ok(vec![level]),
                _ => Err(format!(
                    "`{key}[{i}]` must be a list of policies (one level)"
                )),
            })
            .collect(),
        Some(_) => Err(format!(
            "`{key}` must be a list of levels, root first, each a list of policies"
        )),
    }
}

/// The account of a principal or resource ARN (or a bare account id).
fn account(arn: &str) -> Option<&str> {
    crate::eval::account_of(arn).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Decides one request of a batch; `Err` when it cannot be read (the message says where).
///
/// # Errors
/// A missing or mistyped field, or a policy that cannot be read.
pub fn decide(req: &Value, cache: &mut Cache) -> Result<Evaluation, String> {
    if !req.is_object() {
        return Err("a request is a JSON object".into());
    }
    let action = opt_str(req, "action")?.ok_or("`action` is required")?;
    let resource = opt_str(req, "resource")?.unwrap_or("*");
    let principal = match req.get("principal") {
        None => None,
        Some(Value::Null) => Some(ANONYMOUS),
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err("`principal` must be an ARN or null (anonymous)".into()),
    };
    let resource_account = opt_str(req, "resource_account")?;
    if let Some(a) = resource_account
        && !(a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("`resource_account` must be 12 digits, not `{a}`"));
    }
    let management = opt_str(req, "management_account")?;
    let mut ctx = RequestContext::new();
    match req.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let scalar = |x: &Value| match x {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(format!("context key `{k}`: a string or a list of strings")),
                };
                match v {
                    Value::Array(items) => {
                        for x in items {
                            ctx.insert(k, scalar(x)?);
                        }
                        if items.is_empty() {
                            ctx.insert_empty(k);
                        }
                    }
                    x => ctx.insert(k, scalar(x)?),
                }
            }
        }
        Some(_) => return Err("`context` must be an object of key: value(s)".into()),
    }

    // Read every policy first (into the cache), then borrow them for the decision.
    // A policy's position names it unless it has a name: the name is written only when needed.
    let mut slots: Vec<(Slot, String, usize)> = Vec::new();
    let mut push = |slot: Slot,
                    name: &dyn Fn() -> String,
                    v: &Value,
                    kind: PolicyKind|
     -> Result<(), String> {
        let (i, given) = cache.read(v, kind, name)?;
        slots.push((slot, given.unwrap_or_else(name), i));
        Ok(())
    };
    for (i, p) in policy_list(req.get("identity"), "identity")?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        push(
            Slot::Identity,
            &|| format!("identity[{i}]"),
            p,
            PolicyKind::Identity,
        )?;
    }
    if let Some(ps) = policy_list(req.get("resource_policy"), "resource_policy")? {
        let kind = if action.to_ascii_lowercase().starts_with("sts:assumerole") {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        };
        for (i, p) in ps.into_iter().enumerate() {
            let name = || {
                if i == 0 {
                    "resource_policy".to_owned()
                } else {
                    format!("resource_policy[{i}]")
                }
            };
            push(Slot::Resource, &name, p, kind)?;
        }
    }
    let boundary = policy_list(req.get("boundary"), "boundary")?;
    for (i, p) in boundary.iter().flatten().enumerate() {
        push(
            Slot::Boundary,
            &|| format!("boundary[{i}]"),
            p,
            PolicyKind::Boundary,
        )?;
    }
    let session = policy_list(req.get("session"), "session")?;
    for (i, p) in session.iter().flatten().enumerate() {
        let name = || {
            if i == 0 {
                "session".to_owned()
            } else {
                format!("session[{i}]")
            }
        };
        push(Slot::Session, &name, p, PolicyKind::Session)?;
    }
    let scps = levels(req.get("scps"), "scps")?;
    for (l, level) in scps.iter().enumerate() {
        for (i, p) in level.iter().enumerate() {
            push(
                Slot::Scp(l),
                &|| format!("scps[{l}][{i}]"),
                p,
                PolicyKind::Scp,
            )?;
        }
    }
    let rcps = levels(req.get("rcps"), "rcps")?;
    for (l, level) in rcps.iter().enumerate() {
        for (i, p) in level.iter().enumerate() {
            push(
                Slot::Rcp(l),
                &|| format!("rcps[{l}][{i}]"),
                p,
                PolicyKind::Resource,
            )?;
        }
    }
    let endpoint = policy_list(req.get("endpoint"), "endpoint")?;
    for (i, p) in endpoint.iter().flatten().enumerate() {
        let name = || {
            if i == 0 {
                "endpoint".to_owned()
            } else {
                format!("endpoint[{i}]")
            }
        };
        push(Slot::Endpoint, &name, p, PolicyKind::Resource)?;
    }

    let mut set = PolicySet {
        boundary: boundary.map(|_| Vec::new()),
        session: session.map(|_| Vec::new()),
        endpoint: endpoint.map(|_| Vec::new()),
        scps: vec![Vec::new(); scps.len()],
        rcps: vec![Vec::new(); rcps.len()],
        ..PolicySet::default()
    };
    for (slot, name, i) in &slots {
        let n = Named {
            name,
            policy: &cache.policies[*i],
        };
        match slot {
            Slot::Identity => set.identity.push(n),
            Slot::Resource => set.resource.push(n),
            Slot::Boundary => set.boundary.get_or_insert_with(Vec::new).push(n),
            Slot::Session => set.session.get_or_insert_with(Vec::new).push(n),
            Slot::Endpoint => set.endpoint.get_or_insert_with(Vec::new).push(n),
            Slot::Scp(l) => set.scps[*l].push(n),
            Slot::Rcp(l) => set.rcps[*l].push(n),
        }
    }
    let principal_account = principal.and_then(account);
    let resource_account = resource_account.or_else(|| account(resource));
    set.cross_account =
        matches!((principal_account, resource_account), (Some(p), Some(r)) if p != r);
    set.principal_in_management_account =
        management.is_some() && principal_account.is_some() && principal_account == management;
    set.resource_in_management_account =
        management.is_some() && resource_account.or(principal_account) == management;
    let request = Request {
        action,
        resource,
        principal,
        context: &ctx,
    };
    Ok(evaluate(&set, &request))
}

/// One statement that decided a request, as answered.
#[derive(Serialize)]
struct DecidingOut<'a> {
    policy: &'a str,
    policy_type: crate::eval::PolicyType,
    sid: Option<&'a str>,
    index: usize,
    effect: crate::policy::Effect,
}

/// One answer, as written (the same fields as [`answer`], without building a JSON tree).
#[derive(Serialize)]
#[serde(untagged)]
enum AnswerOut<'a> {
    Decided {
        id: &'a Value,
        decision: crate::eval::Decision,
        blocked_by: &'a [crate::eval::PolicyType],
        deciding: Vec<DecidingOut<'a>>,
        reason: &'a str,
    },
    Unread {
        id: &'a Value,
        error: &'a str,
    },
}

/// Writes one answer as a line of JSON.
///
/// # Errors
/// Never for a `String` sink; the error of the writer otherwise.
pub fn write_answer(
    out: &mut impl std::io::Write,
    id: &Value,
    result: &Result<Evaluation, String>,
) -> serde_json::Result<()> {
    let a = match result {
        Ok(e) => AnswerOut::Decided {
            id,
            decision: e.decision,
            blocked_by: &e.blocked_by,
            deciding: e
                .deciding
                .iter()
                .map(|d| DecidingOut {
                    policy: &d.policy,
                    policy_type: d.policy_type,
                    sid: d.sid.as_deref(),
                    index: d.statement,
                    effect: d.effect,
                })
                .collect(),
            reason: &e.reason,
        },
        Err(msg) => AnswerOut::Unread { id, error: msg },
    };
    serde_json::to_writer(out, &a)
}

/// What [`decide_all`] hands each request's answer to: its position (0-based), its `id`, and
/// its decision or why it could not be read.
pub type OnAnswer<'f> = dyn FnMut(usize, &Value, Result<Evaluation, String>) + 'f;

/// Reads a batch (an array of requests, or `{"policies", "requests"}`) one request at a time,
/// decides each, and hands `(position, id, result)` to `each`. Returns the number of requests.
///
/// # Errors
/// Text that is not a batch: not JSON (with its line and column), or the wrong shape.
pub fn decide_all(text: &[u8], each: &mut OnAnswer<'_>) -> serde_json::Result<usize> {
    let mut run = Run {
        cache: Cache::new(),
        each,
        count: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    de.deserialize_any(BatchVisitor { run: &mut run })?;
    de.end()?;
    Ok(run.count)
}

struct Run<'f> {
    cache: Cache,
    each: &'f mut OnAnswer<'f>,
    count: usize,
}

impl Run<'_> {
    fn one(&mut self, req: &Value) {
        let id = req.get("id").unwrap_or(&Value::Null);
        let result = decide(req, &mut self.cache);
        (self.each)(self.count, id, result);
        self.count += 1;
    }
}

struct BatchVisitor<'r, 'f> {
    run: &'r mut Run<'f>,
}

impl<'de> Visitor<'de> for BatchVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a batch: a JSON array of requests, or an object with `policies` and `requests`",
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(req) = seq.next_element::<Value>()? {
            self.run.one(&req);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut requests = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "policies" if requests => {
                    return Err(serde::de::Error::custom(
                        "`policies` must come before `requests`",
                    ));
                }
                "policies" => {
                    let shared: serde_json::Map<String, Value> = map.next_value()?;
                    self.run.cache.share(shared);
                }
                "requests" => {
                    requests = true;
                    map.next_value_seed(Requests {
                        run: &mut *self.run,
                    })?;
                }
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "unknown batch field `{other}` (expected `policies`, `requests`)"
                    )));
                }
            }
        }
        if !requests {
            return Err(serde::de::Error::missing_field("requests"));
        }
        Ok(())
    }
}

struct Requests<'r, 'f> {
    run: &'r mut Run<'f>,
}

impl<'de> DeserializeSeed<'de> for Requests<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct Seq<'r, 'f>(&'r mut Run<'f>);
        impl<'de> Visitor<'de> for Seq<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`requests`: a JSON array of requests")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                while let Some(req) = seq.next_element::<Value>()? {
                    self.0.one(&req);
                }
                Ok(())
            }
        }
        d.deserialize_seq(Seq(self.run))
    }
}

/// The JSON answer for one request.
#[must_use]
pub fn answer(id: &Value, result: &Result<Evaluation, String>) -> Value {
    match result {
        Ok(e) => json!({
            "id": id,
            "decision": e.decision,
            "blocked_by": e.blocked_by,
            "deciding": e.deciding.iter().map(|d| json!({
                "policy": d.policy,
                "policy_type": d.policy_type,
                "sid": d.sid,
                "index": d.statement,
                "effect": d.effect,
            })).collect::<Vec<_>>(),
            "reason": e.reason,
        }),
        Err(msg) => json!({"id": id, "error": msg}),
    }
}
