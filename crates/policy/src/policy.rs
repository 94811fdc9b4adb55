//! The policy language's elements, read from a [`Json`] tree with their positions.
//!
//! Reading is lenient about what it can still understand and strict in what it reports: a policy
//! with an unknown element or a wrongly typed value is read as far as possible (so the rest can
//! be analysed) and every problem becomes an error [`Diagnostic`]. A policy with any error is
//! one AWS would reject: [`Policy::is_valid`] says so.

use crate::diag::{Diagnostic, Level};
use crate::json::{self, Json, JsonKind, Member, Span};

/// The kinds of policy document, which differ in required elements and size limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// An identity policy (managed or inline) attached to a user, group or role.
    Identity,
    /// A resource policy (bucket, queue, topic, secret, vault…).
    Resource,
    /// A KMS key policy.
    Key,
    /// A role trust policy.
    Trust,
    /// A permissions boundary.
    Boundary,
    /// A service control policy.
    Scp,
    /// A session policy.
    Session,
    /// Decided from the content: statements with a `Principal` make a resource (or trust) policy.
    Auto,
}

impl PolicyKind {
    /// The largest document AWS accepts, in characters excluding white space.
    #[must_use]
    pub fn size_limit(self) -> usize {
        match self {
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Auto => 6_144,
            PolicyKind::Resource => 20_480,
            PolicyKind::Key => 32_768,
            PolicyKind::Trust | PolicyKind::Session => 2_048,
            PolicyKind::Scp => 5_120,
        }
    }

    /// Whether statements of this kind name a principal.
    #[must_use]
    pub fn has_principals(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::Key | PolicyKind::Trust
        )
    }

    /// The kebab-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Key => "key",
            PolicyKind::Trust => "trust",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Scp => "scp",
            PolicyKind::Session => "session",
            PolicyKind::Auto => "auto",
        }
    }
}

/// Documents larger than this are refused outright: no real policy comes near, and it bounds
/// the work hostile input can cause.
pub const HARD_SIZE_LIMIT: usize = 1 << 20;

/// A string with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    /// The text.
    pub value: String,
    /// Where.
    pub span: Span,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// A list of patterns that is either positive (`Action`) or negated (`NotAction`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatternList {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    /// The patterns.
    pub items: Vec<Spanned>,
    /// Where the element is.
    pub span: Span,
}

/// The principal types of the `Principal` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PrincipalType {
    /// `AWS`: accounts, users, roles, sessions.
    Aws,
    /// `Service`.
    Service,
    /// `Federated`.
    Federated,
    /// `CanonicalUser`.
    CanonicalUser,
}

/// The `Principal` / `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principals {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"*"`: everyone.
    pub any: bool,
    /// Typed entries.
    pub entries: Vec<(PrincipalType, Spanned)>,
    /// Where the element is.
    pub span: Span,
}

impl Principals {
    /// Whether the element names everyone (`"*"` or `{"AWS": "*"}`).
    #[must_use]
    pub fn is_everyone(&self) -> bool {
        self.any
            || self
                .entries
                .iter()
                .any(|(t, v)| *t == PrincipalType::Aws && v.value == "*")
    }
}

/// The base test of a condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[allow(missing_docs)]
pub enum OperatorBase {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// Every operator name, for parsing and "did you mean".
pub const OPERATORS: &[(&str, OperatorBase)] = &[
    ("StringEquals", OperatorBase::StringEquals),
    ("StringNotEquals", OperatorBase::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        OperatorBase::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        OperatorBase::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", OperatorBase::StringLike),
    ("StringNotLike", OperatorBase::StringNotLike),
    ("NumericEquals", OperatorBase::NumericEquals),
    ("NumericNotEquals", OperatorBase::NumericNotEquals),
    ("NumericLessThan", OperatorBase::NumericLessThan),
    ("NumericLessThanEquals", OperatorBase::NumericLessThanEquals),
    ("NumericGreaterThan", OperatorBase::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        OperatorBase::NumericGreaterThanEquals,
    ),
    ("DateEquals", OperatorBase::DateEquals),
    ("DateNotEquals", OperatorBase::DateNotEquals),
    ("DateLessThan", OperatorBase::DateLessThan),
    ("DateLessThanEquals", OperatorBase::DateLessThanEquals),
    ("DateGreaterThan", OperatorBase::DateGreaterThan),
    ("DateGreaterThanEquals", OperatorBase::DateGreaterThanEquals),
    ("Bool", OperatorBase::Bool),
    ("BinaryEquals", OperatorBase::BinaryEquals),
    ("IpAddress", OperatorBase::IpAddress),
    ("NotIpAddress", OperatorBase::NotIpAddress),
    ("ArnEquals", OperatorBase::ArnEquals),
    ("ArnLike", OperatorBase::ArnLike),
    ("ArnNotEquals", OperatorBase::ArnNotEquals),
    ("ArnNotLike", OperatorBase::ArnNotLike),
    ("Null", OperatorBase::Null),
];

impl OperatorBase {
    /// Negated operators match when the key is absent (AWS's documented rule).
    #[must_use]
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            OperatorBase::StringNotEquals
                | OperatorBase::StringNotEqualsIgnoreCase
                | OperatorBase::StringNotLike
                | OperatorBase::NumericNotEquals
                | OperatorBase::DateNotEquals
                | OperatorBase::NotIpAddress
                | OperatorBase::ArnNotEquals
                | OperatorBase::ArnNotLike
        )
    }

    /// The value type the operator compares (`String`, `Numeric`, `Date`, `Bool`, `Binary`,
    /// `IPAddress`, `ARN`, or `Null`).
    #[must_use]
    pub fn value_type(self) -> &'static str {
        use OperatorBase as O;
        match self {
            O::StringEquals
            | O::StringNotEquals
            | O::StringEqualsIgnoreCase
            | O::StringNotEqualsIgnoreCase
            | O::StringLike
            | O::StringNotLike => "String",
            O::NumericEquals
            | O::NumericNotEquals
            | O::NumericLessThan
            | O::NumericLessThanEquals
            | O::NumericGreaterThan
            | O::NumericGreaterThanEquals => "Numeric",
            O::DateEquals
            | O::DateNotEquals
            | O::DateLessThan
            | O::DateLessThanEquals
            | O::DateGreaterThan
            | O::DateGreaterThanEquals => "Date",
            O::Bool => "Bool",
            O::BinaryEquals => "Binary",
            O::IpAddress | O::NotIpAddress => "IPAddress",
            O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => "ARN",
            O::Null => "Null",
        }
    }
}

/// The set qualifier of a condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SetQualifier {
    /// `ForAllValues:`.
    ForAllValues,
    /// `ForAnyValue:`.
    ForAnyValue,
}

/// A parsed condition operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The base test.
    pub base: OperatorBase,
    /// The `IfExists` suffix.
    pub if_exists: bool,
    /// The set qualifier prefix.
    pub set: Option<SetQualifier>,
    /// As written.
    pub name: String,
}

impl Operator {
    /// Parses an operator name; `None` when it is not one.
    #[must_use]
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let base = OPERATORS
            .iter()
            .find(|(n, _)| *n == base_name)
            .map(|(_, b)| *b)?;
        if if_exists && base == OperatorBase::Null {
            return None;
        }
        Some(Operator {
            base,
            if_exists,
            set,
            name: name.to_owned(),
        })
    }
}

/// One condition: operator, key and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// Where the operator is.
    pub operator_span: Span,
    /// The condition key.
    pub key: Spanned,
    /// The values (booleans and numbers as text).
    pub values: Vec<String>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Its position in the policy (0-based).
    pub index: usize,
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`.
    pub principal: Option<Principals>,
    /// `Action` / `NotAction` (empty and not negated when missing).
    pub action: PatternList,
    /// `Resource` / `NotResource` (`None` when missing, as in trust policies).
    pub resource: Option<PatternList>,
    /// Conditions (all must hold).
    pub conditions: Vec<Condition>,
    /// Where the statement is.
    pub span: Span,
}

impl Statement {
    /// A short label: `#2 (Sid "DenyAllOtherS3Access")`.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) if !s.is_empty() => format!("#{} `{s}`", self.index + 1),
            _ => format!("#{}", self.index + 1),
        }
    }

    /// The statement as JSON (for evidence).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        if let Some(s) = &self.sid {
            m.insert("Sid".into(), s.clone().into());
        }
        m.insert(
            "Effect".into(),
            match self.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            }
            .into(),
        );
        if let Some(p) = &self.principal {
            let key = if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            if p.any {
                m.insert(key.into(), "*".into());
            } else {
                let mut pm = serde_json::Map::new();
                for (t, v) in &p.entries {
                    let name = match t {
                        PrincipalType::Aws => "AWS",
                        PrincipalType::Service => "Service",
                        PrincipalType::Federated => "Federated",
                        PrincipalType::CanonicalUser => "CanonicalUser",
                    };
                    let e = pm
                        .entry(name)
                        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                    if let serde_json::Value::Array(a) = e {
                        a.push(v.value.clone().into());
                    }
                }
                m.insert(key.into(), pm.into());
            }
        }
        let list = |l: &PatternList| {
            serde_json::Value::from(l.items.iter().map(|s| s.value.clone()).collect::<Vec<_>>())
        };
        m.insert(
            if self.action.negated {
                "NotAction"
            } else {
                "Action"
            }
            .into(),
            list(&self.action),
        );
        if let Some(r) = &self.resource {
            m.insert(
                if r.negated { "NotResource" } else { "Resource" }.into(),
                list(r),
            );
        }
        if !self.conditions.is_empty() {
            let mut cm = serde_json::Map::new();
            for c in &self.conditions {
                let e = cm
                    .entry(c.operator.name.clone())
                    .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                if let serde_json::Value::Object(o) = e {
                    o.insert(c.key.value.clone(), c.values.clone().into());
                }
            }
            m.insert("Condition".into(), cm.into());
        }
        serde_json::Value::Object(m)
    }
}

/// A policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The kind it was read as (after `Auto` was resolved).
    pub kind: PolicyKind,
    /// `Version`.
    pub version: Option<Spanned>,
    /// `Id`.
    pub id: Option<String>,
    /// Statements that could be read.
    pub statements: Vec<Statement>,
    /// Problems found while reading (syntax and structure; see `validate` for the rest).
    pub diagnostics: Vec<Diagnostic>,
    /// The policy was given as a bare statement.
    pub bare_statement: bool,
}

impl Policy {
    /// Whether AWS would accept the document as read (no error diagnostics).
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.diagnostics.iter().all(|d| d.level != Level::Error)
    }

    /// Whether policy variables (`${aws:username}`) are substituted: only in version 2012-10-17.
    #[must_use]
    pub fn variables_enabled(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == "2012-10-17")
    }

    /// Statements with this effect.
    pub fn statements_with(&self, effect: Effect) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(move |s| s.effect == effect)
    }
}

/// The result of reading a document: the policy when the text was JSON, and every diagnostic.
#[derive(Debug, Clone)]
pub struct ParseOutcome {
    /// The policy (`None` when the text is not JSON or not an object).
    pub policy: Option<Policy>,
    /// Every problem found while reading, located.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads policy text of the given kind.
#[must_use]
pub fn parse_text(text: &str, kind: PolicyKind) -> ParseOutcome {
    if text.len() > HARD_SIZE_LIMIT {
        let d = Diagnostic::error(
            "too-large",
            Span {
                line: 1,
                column: 1,
                ..Span::default()
            },
            format!(
                "document of {} bytes is over rampart's limit of {HARD_SIZE_LIMIT} bytes",
                text.len()
            ),
        );
        return ParseOutcome {
            policy: None,
            diagnostics: vec![d],
        };
    }
    match json::parse(text) {
        Ok(j) => {
            let mut policy = from_json(&j, kind);
            let chars = text.chars().filter(|c| !c.is_whitespace()).count();
            if chars > policy.kind.size_limit() {
                policy.diagnostics.push(Diagnostic::warning(
                    "too-large",
                    j.span,
                    format!(
                        "{chars} characters (without white space) is over AWS's limit of {} for a {} policy",
                        policy.kind.size_limit(),
                        policy.kind.as_str()
                    ),
                ));
            }
            let diagnostics = policy.diagnostics.clone();
            ParseOutcome {
                policy: Some(policy),
                diagnostics,
            }
        }
        Err(e) => {
            let d = Diagnostic::error(e.code, e.span, e.message);
            ParseOutcome {
                policy: None,
                diagnostics: vec![d],
            }
        }
    }
}

/// Reads a policy from a JSON value (an Inventory document). A JSON *string* holding the policy
/// text (as IaC often stores it) is parsed as text, so its syntax errors are located.
#[must_use]
pub fn parse_value(value: &serde_json::Value, kind: PolicyKind) -> ParseOutcome {
    if let serde_json::Value::String(text) = value {
        return parse_text(text, kind);
    }
    let policy = from_json(&Json::from_value(value), kind);
    let diagnostics = policy.diagnostics.clone();
    ParseOutcome {
        policy: Some(policy),
        diagnostics,
    }
}

/// Reads a policy from the compact JSON text of an Inventory document (what
/// `rampart_model::PolicyDocument` holds): the same policy and diagnostics, positions included,
/// as [`parse_value`] on the value that text writes — without building that value. A document
/// that is a JSON string is policy text, parsed (and located) as text.
#[must_use]
pub fn parse_document(json_text: &str, kind: PolicyKind) -> ParseOutcome {
    // Read by `serde_json` straight into the tree `Json::from_value` would build: no positions
    // (a value has none, and counting columns along a one-line document costs its length per
    // token), numbers written as `serde_json` writes them.
    let root = match serde_json::from_str::<Unlocated>(json_text) {
        Ok(Unlocated(root)) => root,
        Err(e) => {
            return ParseOutcome {
                policy: None,
                diagnostics: vec![Diagnostic::error(
                    "invalid-json",
                    Span::default(),
                    format!("the document is not JSON: {e}"),
                )],
            };
        }
    };
    if let JsonKind::String(text) = &root.kind {
        return parse_text(text, kind);
    }
    let policy = from_json(&root, kind);
    let diagnostics = policy.diagnostics.clone();
    ParseOutcome {
        policy: Some(policy),
        diagnostics,
    }
}

/// A JSON tree without positions, read by `serde_json` as it reads a `serde_json::Value`
/// (members in order; a repeated key keeps its first place and its last value).
struct Unlocated(Json);

impl Unlocated {
    fn of(kind: JsonKind) -> Self {
        Unlocated(Json {
            kind,
            span: Span::default(),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Unlocated {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UnlocatedVisitor)
    }
}

struct UnlocatedVisitor;

impl<'de> serde::de::Visitor<'de> for UnlocatedVisitor {
    type Value = Unlocated;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::Null))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::Bool(b)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::Number(
            serde_json::Number::from(n).to_string(),
        )))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::Number(
            serde_json::Number::from(n).to_string(),
        )))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Unlocated, E> {
        // JSON text holds no NaN or infinity; a `Value` would hold `null` for one.
        Ok(Unlocated::of(
            serde_json::Number::from_f64(n)
                .map_or(JsonKind::Null, |n| JsonKind::Number(n.to_string())),
        ))
    }
    fn visit_str<E>(self, s: &str) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::String(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Unlocated, E> {
        Ok(Unlocated::of(JsonKind::String(s)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Unlocated, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Unlocated(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Unlocated::of(JsonKind::Array(items)))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unlocated, A::Error> {
        let mut members: Vec<Member> = Vec::new();
        // Keys seen, by position: looked up linearly while the object is small (policies'
        // objects are), through a map past that so a huge object stays linear.
        let mut index: Option<std::collections::HashMap<String, usize>> = None;
        while let Some((key, Unlocated(value))) = map.next_entry::<String, Unlocated>()? {
            let seen = if members.len() < 16 {
                members.iter().position(|m| m.key == key)
            } else {
                let index = index.get_or_insert_with(|| {
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (m.key.clone(), i))
                        .collect()
                });
                let seen = index.get(&key).copied();
                if seen.is_none() {
                    index.insert(key.clone(), members.len());
                }
                seen
            };
            match seen {
                Some(i) => members[i].value = value,
                None => members.push(Member {
                    key,
                    key_span: Span::default(),
                    value,
                }),
            }
        }
        Ok(Unlocated::of(JsonKind::Object(members)))
    }
}

/// Reads a policy from a parsed JSON tree.
#[must_use]
pub fn from_json(root: &Json, kind: PolicyKind) -> Policy {
    let mut r = Reader { diags: Vec::new() };
    let mut policy = Policy {
        kind,
        version: None,
        id: None,
        statements: Vec::new(),
        diagnostics: Vec::new(),
        bare_statement: false,
    };
    let JsonKind::Object(members) = &root.kind else {
        r.diags.push(Diagnostic::error(
            "wrong-type",
            root.span,
            format!("a policy must be a JSON object, found {}", root.type_name()),
        ));
        policy.diagnostics = r.diags;
        return policy;
    };
    let looks_bare = !members.iter().any(|m| m.key == "Statement")
        && members
            .iter()
            .any(|m| matches!(m.key.as_str(), "Effect" | "Action" | "NotAction"));
    if looks_bare {
        policy.bare_statement = true;
        r.diags.push(Diagnostic::error(
            "bare-statement",
            root.span,
            "this is a single statement, not a policy: wrap it as \
             `{\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}`",
        ));
        if let Some(s) = r.statement(root, 0) {
            policy.statements.push(s);
        }
    } else {
        for m in members {
            match m.key.as_str() {
                "Version" => {
                    if let Some(v) = r.string(&m.value, "Version") {
                        if v.value != "2012-10-17" && v.value != "2008-10-17" {
                            r.diags.push(Diagnostic::error(
                                "invalid-version",
                                v.span,
                                format!(
                                    "`{}` is not a policy language version (use `2012-10-17`)",
                                    v.value
                                ),
                            ));
                        }
                        policy.version = Some(v);
                    }
                }
                "Id" => policy.id = r.string(&m.value, "Id").map(|s| s.value),
                "Statement" => match &m.value.kind {
                    JsonKind::Array(items) => {
                        if items.is_empty() {
                            r.diags.push(Diagnostic::error(
                                "missing-element",
                                m.value.span,
                                "`Statement` is empty",
                            ));
                        }
                        for item in items {
                            let index = policy.statements.len();
                            if let Some(s) = r.statement(item, index) {
                                policy.statements.push(s);
                            }
                        }
                    }
                    JsonKind::Object(_) => {
                        if let Some(s) = r.statement(&m.value, 0) {
                            policy.statements.push(s);
                        }
                    }
                    _ => r.wrong_type(&m.value, "Statement", "an object or an array of objects"),
                },
                other => r.unknown(m, other, &["Version", "Id", "Statement"]),
            }
        }
        if !members.iter().any(|m| m.key == "Statement") {
            r.diags.push(Diagnostic::error(
                "missing-element",
                root.span,
                "the policy has no `Statement`",
            ));
        }
    }
    policy.kind = resolve_kind(kind, &policy.statements);
    // Principal requirements depend on the kind.
    for s in &policy.statements {
        match (&s.principal, policy.kind.has_principals()) {
            (Some(p), false) => r.diags.push(Diagnostic::error(
                "unexpected-principal",
                p.span,
                format!("a {} policy cannot name a principal", policy.kind.as_str()),
            )),
            (None, true) => r.diags.push(Diagnostic::error(
                "missing-element",
                s.span,
                format!(
                    "statement {} of a {} policy needs `Principal` or `NotPrincipal`",
                    s.label(),
                    policy.kind.as_str()
                ),
            )),
            _ => {}
        }
        if s.resource.is_none() && policy.kind != PolicyKind::Trust {
            r.diags.push(Diagnostic::error(
                "missing-element",
                s.span,
                format!("statement {} needs `Resource` or `NotResource`", s.label()),
            ));
        }
    }
    policy.diagnostics = r.diags;
    policy
}

fn resolve_kind(kind: PolicyKind, statements: &[Statement]) -> PolicyKind {
    if kind != PolicyKind::Auto {
        return kind;
    }
    if !statements.iter().any(|s| s.principal.is_some()) {
        return PolicyKind::Identity;
    }
    let assume_only = statements.iter().all(|s| {
        !s.action.negated
            && !s.action.items.is_empty()
            && s.action.items.iter().all(|a| {
                a.value.to_ascii_lowercase().starts_with("sts:assumerole")
                    || a.value.eq_ignore_ascii_case("sts:TagSession")
                    || a.value.eq_ignore_ascii_case("sts:SetSourceIdentity")
            })
    });
    if assume_only && statements.iter().all(|s| s.resource.is_none()) {
        PolicyKind::Trust
    } else if statements
        .iter()
        .flat_map(|s| s.action.items.iter())
        .any(|a| a.value.to_ascii_lowercase().starts_with("kms:"))
        && statements
            .iter()
            .flat_map(|s| s.resource.iter())
            .flat_map(|r| r.items.iter())
            .all(|r| r.value == "*")
    {
        PolicyKind::Key
    } else {
        PolicyKind::Resource
    }
}

/// Edit distance, for "did you mean".
#[must_use]
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate within a small distance.
#[must_use]
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 3);
    candidates
        .into_iter()
        // The distance is at least the difference in length: skip the far ones cheaply.
        .filter(|c| c.len().abs_diff(word.len()) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

struct Reader {
    diags: Vec<Diagnostic>,
}

impl Reader {
    fn wrong_type(&mut self, v: &Json, element: &str, expected: &str) {
        self.diags.push(Diagnostic::error(
            "wrong-type",
            v.span,
            format!("`{element}` must be {expected}, found {}", v.type_name()),
        ));
    }

    fn unknown(&mut self, m: &Member, name: &str, known: &[&str]) {
        let hint = did_you_mean(name, known.iter().copied())
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        self.diags.push(Diagnostic::error(
            "unknown-element",
            m.key_span,
            format!("unknown element `{name}`{hint}"),
        ));
    }

    fn string(&mut self, v: &Json, element: &str) -> Option<Spanned> {
        match &v.kind {
            JsonKind::String(s) => Some(Spanned {
                value: s.clone(),
                span: v.span,
            }),
            _ => {
                self.wrong_type(v, element, "a string");
                None
            }
        }
    }

    fn string_list(&mut self, v: &Json, element: &str) -> Vec<Spanned> {
        match &v.kind {
            JsonKind::String(s) => vec![Spanned {
                value: s.clone(),
                span: v.span,
            }],
            JsonKind::Array(items) => {
                if items.is_empty() {
                    self.diags.push(Diagnostic::error(
                        "missing-element",
                        v.span,
                        format!("`{element}` is an empty list"),
                    ));
                }
                items
                    .iter()
                    .filter_map(|i| self.string(i, element))
                    .collect()
            }
            _ => {
                self.wrong_type(v, element, "a string or an array of strings");
                Vec::new()
            }
        }
    }

    fn statement(&mut self, v: &Json, index: usize) -> Option<Statement> {
        let JsonKind::Object(members) = &v.kind else {
            self.wrong_type(v, "Statement", "an object");
            return None;
        };
        let mut s = Statement {
            index,
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: PatternList::default(),
            resource: None,
            conditions: Vec::new(),
            span: v.span,
        };
        let (mut has_effect, mut has_action) = (false, false);
        for m in members {
            match m.key.as_str() {
                "Sid" => s.sid = self.string(&m.value, "Sid").map(|x| x.value),
                "Effect" => {
                    if let Some(e) = self.string(&m.value, "Effect") {
                        has_effect = true;
                        match e.value.as_str() {
                            "Allow" => s.effect = Effect::Allow,
                            "Deny" => s.effect = Effect::Deny,
                            other => {
                                // Unknown effects are read as Deny so that an invalid policy never
                                // grants more than it says.
                                s.effect = Effect::Deny;
                                self.diags.push(Diagnostic::error(
                                    "invalid-effect",
                                    e.span,
                                    format!("`Effect` must be `Allow` or `Deny`, found `{other}` (values are case-sensitive)"),
                                ));
                            }
                        }
                    }
                }
                "Action" | "NotAction" => {
                    if has_action {
                        self.diags.push(Diagnostic::error(
                            "conflicting-elements",
                            m.key_span,
                            "a statement has either `Action` or `NotAction`, not both",
                        ));
                    }
                    has_action = true;
                    s.action = PatternList {
                        negated: m.key == "NotAction",
                        items: self.string_list(&m.value, &m.key),
                        span: m.value.span,
                    };
                }
                "Resource" | "NotResource" => {
                    if s.resource.is_some() {
                        self.diags.push(Diagnostic::error(
                            "conflicting-elements",
                            m.key_span,
                            "a statement has either `Resource` or `NotResource`, not both",
                        ));
                    }
                    s.resource = Some(PatternList {
                        negated: m.key == "NotResource",
                        items: self.string_list(&m.value, &m.key),
                        span: m.value.span,
                    });
                }
                "Principal" | "NotPrincipal" => {
                    if s.principal.is_some() {
                        self.diags.push(Diagnostic::error(
                            "conflicting-elements",
                            m.key_span,
                            "a statement has either `Principal` or `NotPrincipal`, not both",
                        ));
                    }
                    s.principal = self.principal(&m.value, m.key == "NotPrincipal", &m.key);
                }
                "Condition" => s.conditions = self.conditions(&m.value),
                other => self.unknown(
                    m,
                    other,
                    &[
                        "Sid",
                        "Effect",
                        "Principal",
                        "NotPrincipal",
                        "Action",
                        "NotAction",
                        "Resource",
                        "NotResource",
                        "Condition",
                    ],
                ),
            }
        }
        if !has_effect {
            self.diags.push(Diagnostic::error(
                "missing-element",
                v.span,
                format!("statement #{} has no `Effect`", index + 1),
            ));
            s.effect = Effect::Deny;
        }
        if !has_action {
            self.diags.push(Diagnostic::error(
                "missing-element",
                v.span,
                format!("statement #{} has no `Action` or `NotAction`", index + 1),
            ));
        }
        Some(s)
    }

    fn principal(&mut self, v: &Json, negated: bool, element: &str) -> Option<Principals> {
        let mut p = Principals {
            negated,
            any: false,
            entries: Vec::new(),
            span: v.span,
        };
        match &v.kind {
            JsonKind::String(s) if s == "*" => p.any = true,
            JsonKind::String(s) => {
                self.diags.push(Diagnostic::error(
                    "wrong-type",
                    v.span,
                    format!(
                        "`{element}` must be `\"*\"` or an object such as `{{\"AWS\": \"{s}\"}}`"
                    ),
                ));
                return None;
            }
            JsonKind::Object(members) => {
                for m in members {
                    let t = match m.key.as_str() {
                        "AWS" => PrincipalType::Aws,
                        "Service" => PrincipalType::Service,
                        "Federated" => PrincipalType::Federated,
                        "CanonicalUser" => PrincipalType::CanonicalUser,
                        other => {
                            self.unknown(
                                m,
                                other,
                                &["AWS", "Service", "Federated", "CanonicalUser"],
                            );
                            continue;
                        }
                    };
                    for item in self.string_list(&m.value, &m.key) {
                        p.entries.push((t, item));
                    }
                }
            }
            _ => {
                self.wrong_type(v, element, "`\"*\"` or an object");
                return None;
            }
        }
        Some(p)
    }

    fn conditions(&mut self, v: &Json) -> Vec<Condition> {
        let mut out = Vec::new();
        let JsonKind::Object(ops) = &v.kind else {
            self.wrong_type(v, "Condition", "an object");
            return out;
        };
        for op in ops {
            let Some(operator) = Operator::parse(&op.key) else {
                let names = OPERATORS.iter().map(|(n, _)| *n);
                let base = op.key.rsplit(':').next().unwrap_or(&op.key);
                let base = base.strip_suffix("IfExists").unwrap_or(base);
                let hint = did_you_mean(base, names)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                self.diags.push(Diagnostic::error(
                    "unknown-condition-operator",
                    op.key_span,
                    format!("unknown condition operator `{}`{hint}", op.key),
                ));
                // An unknown operator can never be true: AWS rejects such a policy.
                continue;
            };
            let JsonKind::Object(keys) = &op.value.kind else {
                self.wrong_type(&op.value, &op.key, "an object of condition keys");
                continue;
            };
            for k in keys {
                let values = match &k.value.kind {
                    JsonKind::Array(items) => items
                        .iter()
                        .filter_map(|i| self.scalar(i, &k.key))
                        .collect(),
                    _ => self.scalar(&k.value, &k.key).into_iter().collect(),
                };
                out.push(Condition {
                    operator: operator.clone(),
                    operator_span: op.key_span,
                    key: Spanned {
                        value: k.key.clone(),
                        span: k.key_span,
                    },
                    values,
                });
            }
        }
        out
    }

    fn scalar(&mut self, v: &Json, key: &str) -> Option<String> {
        match &v.kind {
            JsonKind::String(s) => Some(s.clone()),
            JsonKind::Bool(b) => Some(b.to_string()),
            JsonKind::Number(n) => Some(n.clone()),
            _ => {
                self.wrong_type(v, key, "a string, number, boolean or an array of them");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_or_array_forms() {
        let p = parse_text(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["a","b"]}}"#,
            PolicyKind::Auto,
        );
        let p = p.policy.expect("policy");
        assert!(p.is_valid(), "{:?}", p.diagnostics);
        assert_eq!(p.kind, PolicyKind::Identity);
        assert_eq!(
            p.statements[0].resource.as_ref().map(|r| r.items.len()),
            Some(2)
        );
    }

    #[test]
    fn bare_statement_gets_a_hint_and_is_still_read() {
        let p = parse_text(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#,
            PolicyKind::Auto,
        );
        assert!(p.diagnostics.iter().any(|d| d.code == "bare-statement"));
        assert_eq!(p.policy.expect("policy").statements.len(), 1);
    }

    #[test]
    fn unknown_elements_and_operators_are_located() {
        let text = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\n\"Actions\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEqual\":{\"aws:x\":\"y\"}}}]}";
        let p = parse_text(text, PolicyKind::Identity);
        let unknown = p
            .diagnostics
            .iter()
            .find(|d| d.code == "unknown-element")
            .expect("unknown");
        assert_eq!(unknown.span.line, 2);
        assert!(
            unknown.message.contains("did you mean `Action`"),
            "{}",
            unknown.message
        );
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.code == "unknown-condition-operator"
                    && d.message.contains("StringEquals"))
        );
    }

    #[test]
    fn operators_parse() {
        let o = Operator::parse("ForAnyValue:StringLikeIfExists").expect("op");
        assert_eq!(o.base, OperatorBase::StringLike);
        assert!(o.if_exists);
        assert_eq!(o.set, Some(SetQualifier::ForAnyValue));
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqual").is_none());
    }
}
