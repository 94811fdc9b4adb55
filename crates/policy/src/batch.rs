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

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::eval::{
    ANONYMOUS, Evaluation, Named, PolicySet, Request, RequestContext, add_caller_keys, evaluate,
};
use crate::policy::{Policy, PolicyKind, parse_value};

/// Policies read so far, by their JSON text; and the batch's shared policies, by name.
#[derive(Default)]
pub struct Cache {
    policies: Vec<Policy>,
    index: HashMap<String, usize>,
    shared: HashMap<String, Value>,
    /// Shared policies read so far: by name, the index for each kind it was read as.
    shared_read: HashMap<String, Vec<(PolicyKind, usize)>>,
    /// Policies of a streamed batch by the JSON text they are written as (a document, a
    /// string, `{"ref"}` or `{"name", "document"}`), for each kind they were read as: the
    /// policy and the name it gives itself. The same text always reads the same way, so a
    /// policy written again is one lookup.
    raw: Vec<(PolicyKind, ByText)>,
    /// Names policies are reported by (given or positional), each written once.
    names: Vec<String>,
    name_ids: FxHashMap<String, u32>,
    positional: FxHashMap<(Slot, usize), u32>,
}

/// Policies of one kind by the JSON text they are written as: the index of the policy and the
/// id of the name it gives itself (`{"ref"}`, `{"name", "document"}`), if any.
type ByText = FxHashMap<Box<str>, (usize, Option<u32>)>;

/// Where a policy of a request goes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp(usize),
    Rcp(usize),
    Endpoint,
}

/// The name of a policy that has none: its place in the request (`identity[0]`,
/// `resource_policy`, `scps[1][0]`…).
fn position_name(slot: Slot, i: usize) -> String {
    let first_bare = |field: &str| {
        if i == 0 {
            field.to_owned()
        } else {
            format!("{field}[{i}]")
        }
    };
    match slot {
        Slot::Identity => format!("identity[{i}]"),
        Slot::Resource => first_bare("resource_policy"),
        Slot::Boundary => format!("boundary[{i}]"),
        Slot::Session => first_bare("session"),
        Slot::Scp(l) => format!("scps[{l}][{i}]"),
        Slot::Rcp(l) => format!("rcps[{l}][{i}]"),
        Slot::Endpoint => first_bare("endpoint"),
    }
}

/// Whether an error in a policy changes what it would decide, so that deciding with it would be
/// a guess: AWS refuses such a document, and rampart reads it only as far as it can (an unknown
/// element or condition operator is skipped, an unknown effect is read as Deny, a value of the
/// wrong type is dropped, a statement without `Resource` matches every resource). The request
/// is then answered with the error and its place rather than with a decision. A resource-policy
/// statement without `Principal` is decided (it applies to no one), and warnings never stop it.
fn changes_meaning(d: &crate::diag::Diagnostic) -> bool {
    d.level == crate::diag::Level::Error
        && d.code != "too-large"
        && !(d.code == "missing-element" && d.message.contains("`Principal`"))
}

/// The kind a request's resource policy is read as: a trust policy for `sts:AssumeRole*` and
/// the session options a trust policy allows ([`crate::eval::is_trust_action`]).
fn resource_kind(action: &str) -> PolicyKind {
    if crate::eval::is_trust_action(action) {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
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
        let fatal: Vec<&crate::diag::Diagnostic> = out
            .diagnostics
            .iter()
            .filter(|d| changes_meaning(d))
            .collect();
        if out.policy.is_none() || !fatal.is_empty() {
            let at = at();
            let shown = if fatal.is_empty() {
                out.diagnostics.iter().collect()
            } else {
                fatal
            };
            let msg: Vec<String> = shown.iter().map(|d| format!("{at}:{d}")).collect();
            return Err(msg.join("; "));
        }
        let Some(policy) = out.policy else {
            return Err(format!("{}: not a policy", at()));
        };
        self.policies.push(policy);
        let i = self.policies.len() - 1;
        self.index.insert(key, i);
        Ok((i, None))
    }

    /// The id of a name policies are reported by.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.name_ids.insert(name.to_owned(), id);
        id
    }

    /// The id of the positional name of policy `i` of `slot`.
    fn positional(&mut self, slot: Slot, i: usize) -> u32 {
        if let Some(&id) = self.positional.get(&(slot, i)) {
            return id;
        }
        let id = self.intern(&position_name(slot, i));
        self.positional.insert((slot, i), id);
        id
    }

    fn raw_map(&mut self, kind: PolicyKind) -> &mut ByText {
        let at = match self.raw.iter().position(|(k, _)| *k == kind) {
            Some(at) => at,
            None => {
                self.raw.push((kind, FxHashMap::default()));
                self.raw.len() - 1
            }
        };
        &mut self.raw[at].1
    }

    /// Reads policy `i` of `slot` from its JSON text, as [`Cache::read`] reads it from a tree
    /// (which it does the first time a text is seen); `None` when it cannot be read, for the
    /// request to be read again as a tree and the error told as that reading tells it.
    fn read_raw(
        &mut self,
        raw: &str,
        kind: PolicyKind,
        slot: Slot,
        i: usize,
    ) -> Option<(usize, u32)> {
        let (index, given) = match self.raw_map(kind).get(raw) {
            Some(&known) => known,
            None => {
                let tree: Value = serde_json::from_str(raw).ok()?;
                let (index, given) = self.read(&tree, kind, &|| position_name(slot, i)).ok()?;
                let given = given.map(|n| self.intern(&n));
                self.raw_map(kind).insert(raw.into(), (index, given));
                (index, given)
            }
        };
        let name = match given {
            Some(n) => n,
            None => self.positional(slot, i),
        };
        Some((index, name))
    }

    /// Decides a request read into `p`.
    fn evaluate(&self, p: &mut Prepared<'_>) -> Evaluation {
        add_caller_keys(&mut p.ctx, p.principal);
        let mut set = PolicySet {
            boundary: p.shape.boundary.then(Vec::new),
            session: p.shape.session.then(Vec::new),
            endpoint: p.shape.endpoint.then(Vec::new),
            scps: vec![Vec::new(); p.shape.scps],
            rcps: vec![Vec::new(); p.shape.rcps],
            ..PolicySet::default()
        };
        for &(slot, name, i) in &p.slots {
            let n = Named {
                name: &self.names[name as usize],
                policy: &self.policies[i],
            };
            match slot {
                Slot::Identity => set.identity.push(n),
                Slot::Resource => set.resource.push(n),
                Slot::Boundary => set.boundary.get_or_insert_with(Vec::new).push(n),
                Slot::Session => set.session.get_or_insert_with(Vec::new).push(n),
                Slot::Endpoint => set.endpoint.get_or_insert_with(Vec::new).push(n),
                Slot::Scp(l) => set.scps[l].push(n),
                Slot::Rcp(l) => set.rcps[l].push(n),
            }
        }
        let principal_account = p.principal.and_then(account);
        let resource_account = p.resource_account.or_else(|| account(p.resource));
        set.cross_account =
            matches!((principal_account, resource_account), (Some(a), Some(r)) if a != r);
        set.resource_account = resource_account;
        set.principal_in_management_account = p.management.is_some()
            && principal_account.is_some()
            && principal_account == p.management;
        set.resource_in_management_account =
            p.management.is_some() && resource_account.or(principal_account) == p.management;
        let request = Request {
            action: p.action,
            resource: p.resource,
            principal: p.principal,
            context: &p.ctx,
        };
        evaluate(&set, &request)
    }
}

/// A request read, its policies in the cache: what [`Cache::evaluate`] decides.
struct Prepared<'r> {
    action: &'r str,
    resource: &'r str,
    principal: Option<&'r str>,
    resource_account: Option<&'r str>,
    management: Option<&'r str>,
    ctx: RequestContext,
    /// Each policy: where it goes, the id of its name, its index in the cache.
    slots: Vec<(Slot, u32, usize)>,
    shape: Shape,
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

fn is_account_id(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())
}

/// Decides one request of a batch given as a JSON tree; `Err` when it cannot be read (the
/// message says where). [`decide_all`] reads requests without building a tree and comes here
/// for the ones it cannot read, so that their errors are told in one way.
///
/// # Errors
/// A missing or mistyped field, or a policy that cannot be read.
pub fn decide(req: &Value, cache: &mut Cache) -> Result<Evaluation, String> {
    let mut p = prepare(req, cache)?;
    Ok(cache.evaluate(&mut p))
}

/// The fields of a request (`docs/policy-eval.md`).
const REQUEST_FIELDS: [&str; 14] = [
    "id",
    "action",
    "resource",
    "principal",
    "resource_account",
    "management_account",
    "context",
    "identity",
    "resource_policy",
    "boundary",
    "session",
    "scps",
    "rcps",
    "endpoint",
];

/// A field name no request has: a misspelt policy field would otherwise leave a policy out of
/// the decision without a word.
fn unknown_field(name: &str) -> String {
    let hint = crate::policy::did_you_mean(name, REQUEST_FIELDS)
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    format!("unknown field `{name}`{hint}")
}

fn prepare<'r>(req: &'r Value, cache: &mut Cache) -> Result<Prepared<'r>, String> {
    let Some(fields) = req.as_object() else {
        return Err("a request is a JSON object".into());
    };
    if let Some(k) = fields
        .keys()
        .find(|k| !REQUEST_FIELDS.contains(&k.as_str()))
    {
        return Err(unknown_field(k));
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
        && !is_account_id(a)
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

    // Read every policy into the cache; a policy's position names it unless it has a name.
    let mut slots: Vec<(Slot, u32, usize)> = Vec::new();
    let shape = read_policies(
        action,
        |key| policy_list(req.get(key), key),
        |key| levels(req.get(key), key),
        |slot, i, v: &Value, kind| {
            let (index, given) = cache.read(v, kind, &|| position_name(slot, i))?;
            let name = match given {
                Some(n) => cache.intern(&n),
                None => cache.positional(slot, i),
            };
            slots.push((slot, name, index));
            Ok(())
        },
    )?;
    Ok(Prepared {
        action,
        resource,
        principal,
        resource_account,
        management,
        ctx,
        slots,
        shape,
    })
}

/// Which optional policy types a request gives, and how many levels of each guardrail.
#[derive(Clone, Copy)]
struct Shape {
    boundary: bool,
    session: bool,
    endpoint: bool,
    scps: usize,
    rcps: usize,
}

/// Reads a request's policies in the order of the contract, field by field: `list` and
/// `levels` give a field's policies (or why they cannot be read), `push` reads one policy into
/// its slot. The first error stops the reading.
fn read_policies<P: Copy, E>(
    action: &str,
    list: impl Fn(&'static str) -> Result<Option<Vec<P>>, E>,
    levels: impl Fn(&'static str) -> Result<Vec<Vec<P>>, E>,
    mut push: impl FnMut(Slot, usize, P, PolicyKind) -> Result<(), E>,
) -> Result<Shape, E> {
    for (i, p) in list("identity")?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        push(Slot::Identity, i, p, PolicyKind::Identity)?;
    }
    if let Some(ps) = list("resource_policy")? {
        let kind = resource_kind(action);
        for (i, p) in ps.into_iter().enumerate() {
            push(Slot::Resource, i, p, kind)?;
        }
    }
    let boundary = list("boundary")?;
    for (i, p) in boundary.iter().flatten().enumerate() {
        push(Slot::Boundary, i, *p, PolicyKind::Boundary)?;
    }
    let session = list("session")?;
    for (i, p) in session.iter().flatten().enumerate() {
        push(Slot::Session, i, *p, PolicyKind::Session)?;
    }
    let scps = levels("scps")?;
    for (l, level) in scps.iter().enumerate() {
        for (i, p) in level.iter().enumerate() {
            push(Slot::Scp(l), i, *p, PolicyKind::Scp)?;
        }
    }
    let rcps = levels("rcps")?;
    for (l, level) in rcps.iter().enumerate() {
        for (i, p) in level.iter().enumerate() {
            push(Slot::Rcp(l), i, *p, PolicyKind::Resource)?;
        }
    }
    let endpoint = list("endpoint")?;
    for (i, p) in endpoint.iter().flatten().enumerate() {
        push(Slot::Endpoint, i, *p, PolicyKind::Resource)?;
    }
    Ok(Shape {
        boundary: boundary.is_some(),
        session: session.is_some(),
        endpoint: endpoint.is_some(),
        scps: scps.len(),
        rcps: rcps.len(),
    })
}

/// A JSON string, borrowed from the batch when it holds no escape.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// One request of a batch as written: the JSON text of each field it reads, without a tree.
/// A field given twice keeps its last value, as a tree would.
#[derive(Default)]
struct Fields<'a> {
    /// The request is a JSON object.
    object: bool,
    /// The first field that is not one of [`REQUEST_FIELDS`].
    unknown: Option<Cow<'a, str>>,
    id: Option<&'a RawValue>,
    action: Option<&'a RawValue>,
    resource: Option<&'a RawValue>,
    principal: Option<&'a RawValue>,
    resource_account: Option<&'a RawValue>,
    management_account: Option<&'a RawValue>,
    context: Option<&'a RawValue>,
    identity: Option<&'a RawValue>,
    resource_policy: Option<&'a RawValue>,
    boundary: Option<&'a RawValue>,
    session: Option<&'a RawValue>,
    scps: Option<&'a RawValue>,
    rcps: Option<&'a RawValue>,
    endpoint: Option<&'a RawValue>,
}

impl<'a> Fields<'a> {
    fn each(&self) -> [(&'static str, Option<&'a RawValue>); 14] {
        [
            ("id", self.id),
            ("action", self.action),
            ("resource", self.resource),
            ("principal", self.principal),
            ("resource_account", self.resource_account),
            ("management_account", self.management_account),
            ("context", self.context),
            ("identity", self.identity),
            ("resource_policy", self.resource_policy),
            ("boundary", self.boundary),
            ("session", self.session),
            ("scps", self.scps),
            ("rcps", self.rcps),
            ("endpoint", self.endpoint),
        ]
    }

    /// The JSON text of a policy field.
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        match key {
            "identity" => self.identity,
            "resource_policy" => self.resource_policy,
            "boundary" => self.boundary,
            "session" => self.session,
            "scps" => self.scps,
            "rcps" => self.rcps,
            "endpoint" => self.endpoint,
            _ => None,
        }
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<&'a RawValue>> {
        Some(match key {
            "id" => &mut self.id,
            "action" => &mut self.action,
            "resource" => &mut self.resource,
            "principal" => &mut self.principal,
            "resource_account" => &mut self.resource_account,
            "management_account" => &mut self.management_account,
            "context" => &mut self.context,
            "identity" => &mut self.identity,
            "resource_policy" => &mut self.resource_policy,
            "boundary" => &mut self.boundary,
            "session" => &mut self.session,
            "scps" => &mut self.scps,
            "rcps" => &mut self.rcps,
            "endpoint" => &mut self.endpoint,
            _ => return None,
        })
    }

    /// The request as a tree of the fields [`decide`] reads (the slow reading, for requests
    /// the fast one cannot read).
    fn tree(&self) -> Result<Value, String> {
        if !self.object {
            return Ok(Value::Null);
        }
        if let Some(k) = &self.unknown {
            return Err(unknown_field(k));
        }
        let mut m = serde_json::Map::new();
        for (key, raw) in self.each() {
            if let Some(raw) = raw {
                let v = serde_json::from_str(raw.get()).map_err(|e| format!("`{key}`: {e}"))?;
                m.insert(key.to_owned(), v);
            }
        }
        Ok(Value::Object(m))
    }

    fn id(&self) -> Value {
        self.id
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(Value::Null)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a request")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut f = Fields {
                    object: true,
                    ..Fields::default()
                };
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match f.slot(&key.0) {
                        Some(slot) => *slot = Some(map.next_value()?),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                            f.unknown.get_or_insert(key.0);
                        }
                    }
                }
                Ok(f)
            }
            // Anything else is not a request: its answer says so.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fields<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Fields::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
            fn visit_unit<E>(self) -> Result<Fields<'de>, E> {
                Ok(Fields::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// The first character of a field's JSON text.
fn lead(raw: &RawValue) -> u8 {
    raw.get().as_bytes().first().copied().unwrap_or(b' ')
}

/// A string field, `null` or absent: `None` when it is something else.
fn text_field(raw: Option<&RawValue>) -> Option<Option<Cow<'_, str>>> {
    match raw {
        None => Some(None),
        Some(r) if lead(r) == b'n' => Some(None),
        Some(r) if lead(r) == b'"' => serde_json::from_str::<Text<'_>>(r.get())
            .ok()
            .map(|t| Some(t.0)),
        Some(_) => None,
    }
}

/// A list of policies (or one policy), `null` or absent: `None` when it is something else.
fn list_field(raw: Option<&RawValue>) -> Option<Option<Vec<&RawValue>>> {
    match raw {
        None => Some(None),
        Some(r) => match lead(r) {
            b'n' => Some(None),
            b'[' => serde_json::from_str(r.get()).ok().map(Some),
            b'{' | b'"' => Some(Some(vec![r])),
            _ => None,
        },
    }
}

/// Levels of policies: `None` when they are not.
fn levels_field(raw: Option<&RawValue>) -> Option<Vec<Vec<&RawValue>>> {
    match raw {
        None => Some(Vec::new()),
        Some(r) => match lead(r) {
            b'n' => Some(Vec::new()),
            b'[' => {
                let levels: Vec<&RawValue> = serde_json::from_str(r.get()).ok()?;
                levels
                    .into_iter()
                    .map(|level| match lead(level) {
                        b'[' => serde_json::from_str(level.get()).ok(),
                        b'{' | b'"' => Some(vec![level]),
                        _ => None,
                    })
                    .collect()
            }
            _ => None,
        },
    }
}

/// A context value as a request gives it: one value, or a list.
enum ContextValue<'a> {
    One(Cow<'a, str>),
    List(Vec<Cow<'a, str>>),
}

/// One scalar of a context value (as [`prepare`] reads it: a string, an integer, a boolean).
struct Scalar<'a>(Cow<'a, str>);

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(if b { "true" } else { "false" }))
    }
    // Integers print as JSON numbers do; other numbers take the slow reading.
    fn visit_u64<E>(self, n: u64) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(n.to_string()))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(n.to_string()))
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(Scalar)
    }
}

impl<'de> Deserialize<'de> for ContextValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ContextValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<ContextValue<'de>, E> {
                Ok(ContextValue::One(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ContextValue<'de>, E> {
                ScalarVisitor.visit_str(s).map(ContextValue::One)
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<ContextValue<'de>, E> {
                ScalarVisitor.visit_bool(b).map(ContextValue::One)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ContextValue<'de>, E> {
                ScalarVisitor.visit_u64(n).map(ContextValue::One)
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ContextValue<'de>, E> {
                ScalarVisitor.visit_i64(n).map(ContextValue::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ContextValue<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(Scalar(s)) = seq.next_element()? {
                    items.push(s);
                }
                Ok(ContextValue::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A request's context as written: keys in order, each once.
struct ContextIn<'a>(Vec<(Cow<'a, str>, ContextValue<'a>)>);

impl<'de> Deserialize<'de> for ContextIn<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ContextIn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of key: value(s)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContextIn<'de>, A::Error> {
                let mut out: Vec<(Cow<'de, str>, ContextValue<'de>)> = Vec::new();
                while let Some(Text(k)) = map.next_key()? {
                    // A key given twice keeps its last value in a tree: the slow reading says so.
                    if out.iter().any(|(seen, _)| *seen == k) {
                        return Err(serde::de::Error::custom("a context key given twice"));
                    }
                    out.push((k, map.next_value()?));
                }
                Ok(ContextIn(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The context field: `None` when it cannot be read this way.
fn context_field(raw: Option<&RawValue>) -> Option<RequestContext> {
    let mut ctx = RequestContext::new();
    let Some(raw) = raw else { return Some(ctx) };
    match lead(raw) {
        b'n' => return Some(ctx),
        b'{' => {}
        _ => return None,
    }
    let ContextIn(pairs) = serde_json::from_str(raw.get()).ok()?;
    for (k, v) in pairs {
        match v {
            ContextValue::One(x) => ctx.insert(&k, x.into_owned()),
            ContextValue::List(items) if items.is_empty() => ctx.insert_empty(&k),
            ContextValue::List(items) => {
                for x in items {
                    ctx.insert(&k, x.into_owned());
                }
            }
        }
    }
    Some(ctx)
}

/// Decides a request read as [`Fields`], without a tree: `None` when anything in it cannot be
/// read that way (a mistyped field, a policy that does not parse…), for [`decide`] to read it
/// and tell the error.
fn decide_fields(f: &Fields<'_>, cache: &mut Cache) -> Option<Evaluation> {
    if !f.object || f.unknown.is_some() {
        return None;
    }
    let action = text_field(f.action)??;
    let resource = text_field(f.resource)?;
    let principal = match f.principal {
        None => None,
        Some(r) if lead(r) == b'n' => Some(Cow::Borrowed(ANONYMOUS)),
        Some(r) => Some(text_field(Some(r))??),
    };
    let resource_account = text_field(f.resource_account)?;
    if resource_account
        .as_deref()
        .is_some_and(|a| !is_account_id(a))
    {
        return None;
    }
    let management = text_field(f.management_account)?;
    let ctx = context_field(f.context)?;

    let mut slots: Vec<(Slot, u32, usize)> = Vec::new();
    let shape = read_policies(
        &action,
        |key| list_field(f.get(key)).ok_or(()),
        |key| levels_field(f.get(key)).ok_or(()),
        |slot, i, raw: &RawValue, kind| {
            let (index, name) = cache.read_raw(raw.get(), kind, slot, i).ok_or(())?;
            slots.push((slot, name, index));
            Ok(())
        },
    )
    .ok()?;
    let mut p = Prepared {
        action: &action,
        resource: resource.as_deref().unwrap_or("*"),
        principal: principal.as_deref(),
        resource_account: resource_account.as_deref(),
        management: management.as_deref(),
        ctx,
        slots,
        shape,
    };
    Some(cache.evaluate(&mut p))
}

/// Decides one request read as [`Fields`]: without a tree when it can, else as [`decide`]
/// does (the answers are the same; the tree is built only for requests that need it).
fn decide_streamed(f: &Fields<'_>, cache: &mut Cache) -> Result<Evaluation, String> {
    if let Some(e) = decide_fields(f, cache) {
        return Ok(e);
    }
    decide(&f.tree()?, cache)
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

/// The deciding statements of an answer, written one by one.
struct DecidingList<'a>(&'a [crate::eval::Decider]);

impl Serialize for DecidingList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|d| DecidingOut {
            policy: &d.policy,
            policy_type: d.policy_type,
            sid: d.sid.as_deref(),
            index: d.statement,
            effect: d.effect,
        }))
    }
}

/// One answer, as written (the same fields as [`answer`], without building a JSON tree).
#[derive(Serialize)]
#[serde(untagged)]
enum AnswerOut<'a> {
    Decided {
        id: &'a Value,
        decision: crate::eval::Decision,
        blocked_by: &'a [crate::eval::PolicyType],
        deciding: DecidingList<'a>,
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
            deciding: DecidingList(&e.deciding),
            reason: &e.reason,
        },
        Err(msg) => AnswerOut::Unread { id, error: msg },
    };
    serde_json::to_writer(out, &a)
}

/// What [`decide_all`] hands each request's answer to: its position (0-based), its `id`, and
/// its decision or why it could not be read.
pub type OnAnswer<'f> = dyn FnMut(usize, &Value, Result<Evaluation, String>) + 'f;

/// What [`decide_all_located`] hands each request's answer to: as [`OnAnswer`], with the line
/// and column (1-based) where the request starts in the batch when it could not be read.
pub type OnLocatedAnswer<'f> =
    dyn FnMut(usize, &Value, Option<(usize, usize)>, Result<Evaluation, String>) + 'f;

/// Reads a batch (an array of requests, or `{"policies", "requests"}`) one request at a time,
/// decides each, and hands `(position, id, result)` to `each`. Returns the number of requests.
///
/// Each request is read field by field from the text (strings borrowed, policies looked up by
/// their text in the cache) with no JSON tree; one that cannot be read so is read again as a
/// tree by [`decide`], which tells its error.
///
/// # Errors
/// Text that is not a batch: not JSON (with its line and column), or the wrong shape (a shared
/// policy name declared twice included).
pub fn decide_all(text: &[u8], each: &mut OnAnswer<'_>) -> serde_json::Result<usize> {
    decide_all_located(text, &mut |i, id, _, r| each(i, id, r))
}

/// [`decide_all`], also telling where each request that cannot be read starts (the line and
/// column of its `{`, found from its fields; `None` for a request with no field, or in a batch
/// that is not UTF-8).
///
/// # Errors
/// As [`decide_all`].
pub fn decide_all_located(
    text: &[u8],
    each: &mut OnLocatedAnswer<'_>,
) -> serde_json::Result<usize> {
    // UTF-8 is checked once for the whole batch, so that strings and field texts are not
    // checked again one by one; text that is not UTF-8 is read as bytes, which says where.
    match std::str::from_utf8(text) {
        Ok(s) => decide_from(serde_json::Deserializer::from_str(s), Some(s), each),
        Err(_) => decide_from(serde_json::Deserializer::from_slice(text), None, each),
    }
}

fn decide_from<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    text: Option<&str>,
    each: &mut OnLocatedAnswer<'_>,
) -> serde_json::Result<usize> {
    let mut run = Run {
        cache: Cache::new(),
        each,
        count: 0,
        text,
        cursor: (0, 1, 0),
    };
    de.deserialize_any(BatchVisitor { run: &mut run })?;
    de.end()?;
    Ok(run.count)
}

struct Run<'f> {
    cache: Cache,
    each: &'f mut OnLocatedAnswer<'f>,
    count: usize,
    /// The batch, to locate requests that cannot be read.
    text: Option<&'f str>,
    /// A byte offset already located: (offset, its line, the offset its line starts at).
    cursor: (usize, usize, usize),
}

impl Run<'_> {
    fn one(&mut self, req: &Fields<'_>) {
        let id = req.id();
        let result = decide_streamed(req, &mut self.cache);
        let at = if result.is_err() {
            self.locate(req)
        } else {
            None
        };
        (self.each)(self.count, &id, at, result);
        self.count += 1;
    }

    /// The line and column of the `{` opening a request, found back from its first field.
    fn locate(&mut self, req: &Fields<'_>) -> Option<(usize, usize)> {
        let text = self.text?;
        let base = text.as_ptr() as usize;
        let first = req
            .each()
            .iter()
            .filter_map(|(_, raw)| *raw)
            .map(|raw| raw.get().as_ptr() as usize)
            .filter(|&p| p >= base && p < base + text.len())
            .min()?
            - base;
        // Back over `"key" :` and white space to the `{` (or a `,` of an earlier field).
        let bytes = text.as_bytes();
        let mut i = first;
        let skip_ws = |i: &mut usize| {
            while *i > 0 && bytes[*i - 1].is_ascii_whitespace() {
                *i -= 1;
            }
        };
        skip_ws(&mut i);
        let mut start = first;
        if i > 0 && bytes[i - 1] == b':' {
            i -= 1;
            skip_ws(&mut i);
            if i > 0 && bytes[i - 1] == b'"' {
                i -= 1;
                while i > 0 && !(bytes[i - 1] == b'"' && (i < 2 || bytes[i - 2] != b'\\')) {
                    i -= 1;
                }
                i = i.saturating_sub(1);
                skip_ws(&mut i);
                if i > 0 && bytes[i - 1] == b'{' {
                    start = i - 1;
                }
            }
        }
        let (mut at, mut line, mut line_start) = self.cursor;
        if start < at {
            (at, line, line_start) = (0, 1, 0);
        }
        for (k, &b) in bytes[at..start].iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = at + k + 1;
            }
        }
        self.cursor = (start, line, line_start);
        let column = text
            .get(line_start..start)
            .map_or(1, |s| s.chars().count() + 1);
        Some((line, column))
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
        while let Some(req) = seq.next_element::<Fields<'de>>()? {
            self.run.one(&req);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut requests = false;
        let mut policies = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "policies" if requests => {
                    return Err(serde::de::Error::custom(
                        "`policies` must come before `requests`",
                    ));
                }
                "policies" if policies => {
                    return Err(serde::de::Error::custom("`policies` is given twice"));
                }
                "policies" => {
                    policies = true;
                    map.next_value_seed(Shared {
                        cache: &mut self.run.cache,
                    })?;
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

/// The batch's `policies`: each name once (a name declared twice is an error, located where
/// the second one is, rather than a silent choice of one of the two).
struct Shared<'c> {
    cache: &'c mut Cache,
}

impl<'de> DeserializeSeed<'de> for Shared<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Shared<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`policies`: an object of NAME: policy")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut declared: serde_json::Map<String, Value> = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if declared.contains_key(&name) {
                return Err(serde::de::Error::custom(format!(
                    "shared policy `{name}` is declared twice under `policies`"
                )));
            }
            let doc: Value = map.next_value()?;
            declared.insert(name, doc);
        }
        self.cache.share(declared);
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
                while let Some(req) = seq.next_element::<Fields<'de>>()? {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Fields<'_> {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Well-formed requests of every shape are decided without a tree; only mistakes and the
    /// rare shapes the text reader leaves to the tree (floats, keys given twice) go there.
    #[test]
    fn well_formed_requests_take_the_text_reader() {
        let mut cache = Cache::new();
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let mut shared = serde_json::Map::new();
        shared.insert(
            "p".into(),
            serde_json::from_str(doc).unwrap_or_else(|e| panic!("{e}")),
        );
        cache.share(shared);
        let fast = [
            format!(r#"{{"id": 1, "action": "s3:GetObject", "identity": [{doc}]}}"#),
            format!(
                r#"{{"id": "a\"b", "principal": null, "action": "s3:Get\u004fbject", "resource": "arn:aws:s3:::b/k", "resource_policy": {doc}}}"#
            ),
            format!(
                r#"{{"action": "s3:GetObject", "principal": "arn:aws:iam::111111111111:user/a", "context": {{"a": "x", "b": ["y", "z"], "c": [], "d": 5, "e": -2, "f": true}}, "identity": [{{"ref": "p"}}, {{"name": "n", "document": {doc}}}, {}], "boundary": [], "scps": [[{doc}], {doc}], "rcps": [], "endpoint": null, "resource_account": "111111111111"}}"#,
                serde_json::Value::String(doc.to_owned())
            ),
        ];
        for text in &fast {
            assert!(decide_fields(&fields(text), &mut cache).is_some(), "{text}");
        }
        let slow = [
            r#"[1]"#.to_owned(),
            r#"{"identity": []}"#.to_owned(),
            r#"{"action": 1}"#.to_owned(),
            r#"{"action": "s3:GetObject", "principal": 3}"#.to_owned(),
            r#"{"action": "s3:GetObject", "resource_account": "12"}"#.to_owned(),
            r#"{"action": "s3:GetObject", "context": {"a": 1.5}}"#.to_owned(),
            r#"{"action": "s3:GetObject", "other": [1, {}]}"#.to_owned(),
            r#"{"action": "s3:GetObject", "context": {"a": "x", "a": "y"}}"#.to_owned(),
            r#"{"action": "s3:GetObject", "identity": [{"ref": "missing"}]}"#.to_owned(),
            r#"{"action": "s3:GetObject", "identity": 4}"#.to_owned(),
            r#"{"action": "s3:GetObject", "scps": [null]}"#.to_owned(),
        ];
        for text in &slow {
            assert!(decide_fields(&fields(text), &mut cache).is_none(), "{text}");
        }
    }
}
