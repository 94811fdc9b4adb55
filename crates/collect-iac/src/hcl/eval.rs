//! Evaluates Terraform expressions to [`Value`]s.
//!
//! The evaluator is total: it never fails. What it cannot know (a variable without a value, an
//! attribute AWS computes, a function it does not implement) evaluates to [`Value::Unknown`],
//! which propagates through operators and functions, so the mappers can tell "declared insecure"
//! from "not known before apply".

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hcl::expr::{
    BinaryOperator, Conditional, Expression, ForExpr, FuncCall, ObjectKey, Operation, TemplateExpr,
    TraversalOperator, UnaryOperator,
};
use hcl::template::{Directive, Element, Template};

use super::funcs;
use crate::value::{Value, format_number};

/// Marks the object of a resource instance: its undeclared attributes are unknown.
pub const RESOURCE_MARK: &str = "@resource";

/// Local bindings: `count`, `each`, for-expression variables, dynamic-block iterators.
pub type Env = BTreeMap<String, Value>;

/// Everything a module's expressions can refer to.
#[derive(Debug, Default)]
pub struct Scope {
    /// `var.*`.
    pub vars: BTreeMap<String, Value>,
    /// `local.*`, unevaluated.
    pub locals: BTreeMap<String, Expression>,
    /// Evaluated locals.
    pub local_values: RefCell<BTreeMap<String, Value>>,
    /// Locals being evaluated (cycle guard).
    pub local_busy: RefCell<BTreeSet<String>>,
    /// Managed resources by `type` then `name`: an object, or a list/map of objects.
    pub resources: BTreeMap<String, BTreeMap<String, Value>>,
    /// Data sources by `type` then `name`.
    pub data: BTreeMap<String, BTreeMap<String, Value>>,
    /// Module outputs by call name.
    pub modules: BTreeMap<String, Value>,
    /// The module's directory (`path.module`, `file()`).
    pub dir: PathBuf,
    /// The root module's directory (`path.root`).
    pub root_dir: PathBuf,
}

/// Recursion bound for expressions (deeply nested input must not overflow the stack).
const MAX_DEPTH: usize = 96;

impl Scope {
    /// Evaluates `expr` with the bindings in `env`.
    #[must_use]
    pub fn eval(&self, expr: &Expression, env: &Env) -> Value {
        self.eval_depth(expr, env, 0)
    }

    pub(crate) fn eval_depth(&self, expr: &Expression, env: &Env, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        match expr {
            Expression::Null => Value::Null,
            Expression::Bool(b) => Value::Bool(*b),
            Expression::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.clone()),
            Expression::Array(items) => {
                Value::List(items.iter().map(|e| self.eval_depth(e, env, d)).collect())
            }
            Expression::Object(obj) => {
                let mut map = BTreeMap::new();
                for (k, v) in obj {
                    let key = match k {
                        ObjectKey::Identifier(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(e) => match self.object_key(e, env, d) {
                            Some(k) => k,
                            None => return Value::Unknown,
                        },
                        _ => return Value::Unknown,
                    };
                    map.insert(key, self.eval_depth(v, env, d));
                }
                Value::Map(map)
            }
            Expression::TemplateExpr(t) => self.template_expr(t, env, d),
            Expression::Variable(v) => self.root(v.as_str(), &[], env, d).0,
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, env, d),
            Expression::FuncCall(call) => self.call(call, env, d),
            Expression::Parenthesis(e) => self.eval_depth(e, env, d),
            Expression::Conditional(c) => self.conditional(c, env, d),
            Expression::Operation(op) => self.operation(op, env, d),
            Expression::ForExpr(f) => self.for_expr(f, env, d),
            _ => Value::Unknown,
        }
    }

    fn object_key(&self, e: &Expression, env: &Env, d: usize) -> Option<String> {
        // A bare identifier in parentheses or a variable used as a key is evaluated; a bare
        // variable name used as a key in `{ name = … }` is parsed as an identifier already.
        match e {
            Expression::Variable(v) if !env.contains_key(v.as_str()) && v.as_str() != "var" => {
                Some(v.as_str().to_owned())
            }
            _ => self.eval_depth(e, env, d).as_string(),
        }
    }

    fn template_expr(&self, t: &TemplateExpr, env: &Env, d: usize) -> Value {
        let text = match t {
            TemplateExpr::QuotedString(s) => s.clone(),
            TemplateExpr::Heredoc(h) => h.template.clone(),
        };
        if !text.contains("${") && !text.contains("%{") {
            return Value::String(unescape_literal(
                &text,
                matches!(t, TemplateExpr::QuotedString(_)),
            ));
        }
        match Template::from_expr(t) {
            Ok(tpl) => self.template(&tpl, env, d),
            Err(_) => Value::Unknown,
        }
    }

    /// Evaluates a parsed template.
    pub(crate) fn template(&self, tpl: &Template, env: &Env, d: usize) -> Value {
        let elements = tpl.elements();
        // A template that is a single interpolation keeps the value's type.
        if let [Element::Interpolation(i)] = elements {
            return self.eval_depth(&i.expr, env, d);
        }
        let mut out = String::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push_str(s),
                Element::Interpolation(i) => match self.eval_depth(&i.expr, env, d) {
                    Value::Unknown => return Value::Unknown,
                    Value::Null => {}
                    v => match v.as_string() {
                        Some(s) => out.push_str(&s),
                        None => return Value::Unknown,
                    },
                },
                Element::Directive(dir) => match dir.as_ref() {
                    Directive::If(i) => match self.eval_depth(&i.cond_expr, env, d).as_bool() {
                        Some(true) => match self.template(&i.true_template, env, d) {
                            Value::String(s) => out.push_str(&s),
                            _ => return Value::Unknown,
                        },
                        Some(false) => {
                            if let Some(f) = &i.false_template {
                                match self.template(f, env, d) {
                                    Value::String(s) => out.push_str(&s),
                                    _ => return Value::Unknown,
                                }
                            }
                        }
                        None => return Value::Unknown,
                    },
                    Directive::For(f) => {
                        let coll = self.eval_depth(&f.collection_expr, env, d);
                        let Some(pairs) = iter_pairs(&coll) else {
                            return Value::Unknown;
                        };
                        for (k, v) in pairs {
                            let mut inner = env.clone();
                            if let Some(kv) = &f.key_var {
                                inner.insert(kv.as_str().to_owned(), k);
                            }
                            inner.insert(f.value_var.as_str().to_owned(), v);
                            match self.template(&f.template, &inner, d) {
                                Value::String(s) => out.push_str(&s),
                                _ => return Value::Unknown,
                            }
                        }
                    }
                },
            }
        }
        Value::String(out)
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[TraversalOperator],
        env: &Env,
        d: usize,
    ) -> Value {
        let (mut value, used) = match root {
            Expression::Variable(v) => self.root(v.as_str(), ops, env, d),
            other => (self.eval_depth(other, env, d), 0),
        };
        let rest = ops.get(used..).unwrap_or_default();
        let mut i = 0;
        while let Some(op) = rest.get(i) {
            match op {
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                    let tail = rest.get(i + 1..).unwrap_or_default();
                    return match value {
                        Value::Unknown => Value::Unknown,
                        Value::Null => Value::List(Vec::new()),
                        Value::List(items) => Value::List(
                            items
                                .into_iter()
                                .map(|it| self.apply_ops(it, tail, env, d))
                                .collect(),
                        ),
                        single => Value::List(vec![self.apply_ops(single, tail, env, d)]),
                    };
                }
                _ => value = self.apply_op(value, op, env, d),
            }
            i += 1;
        }
        value
    }

    fn apply_ops(&self, mut value: Value, ops: &[TraversalOperator], env: &Env, d: usize) -> Value {
        for op in ops {
            value = self.apply_op(value, op, env, d);
        }
        value
    }

    fn apply_op(&self, value: Value, op: &TraversalOperator, env: &Env, d: usize) -> Value {
        match op {
            TraversalOperator::GetAttr(name) => match value {
                // A resource's attribute that is not declared is computed by AWS: unknown.
                Value::Map(mut m) => match m.remove(name.as_str()) {
                    Some(v) => v,
                    None if m.contains_key(RESOURCE_MARK) => Value::Unknown,
                    None => Value::Null,
                },
                Value::Unknown => Value::Unknown,
                _ => Value::Null,
            },
            TraversalOperator::Index(e) => index(value, &self.eval_depth(e, env, d)),
            TraversalOperator::LegacyIndex(n) => {
                #[allow(clippy::cast_precision_loss)]
                let n = *n as f64;
                index(value, &Value::Number(n))
            }
            TraversalOperator::AttrSplat | TraversalOperator::FullSplat => value,
        }
    }

    /// Resolves a root name, consuming the operators it needs (`var.x` uses one, a resource
    /// `aws_s3_bucket.b` uses one, `data.t.n` two). Returns the value and how many were used.
    fn root(&self, name: &str, ops: &[TraversalOperator], env: &Env, d: usize) -> (Value, usize) {
        if let Some(v) = env.get(name) {
            return (v.clone(), 0);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" => match attr(0) {
                Some(a) => (self.vars.get(a).cloned().unwrap_or(Value::Unknown), 1),
                None => (Value::Unknown, 0),
            },
            "local" => match attr(0) {
                Some(a) => (self.local(a, d), 1),
                None => (Value::Unknown, 0),
            },
            "module" => match attr(0) {
                Some(a) => (self.modules.get(a).cloned().unwrap_or(Value::Unknown), 1),
                None => (Value::Unknown, 0),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => {
                    let v = self.data.get(t).and_then(|m| m.get(n)).cloned();
                    (v.unwrap_or_else(|| data_stub(t)), 2)
                }
                _ => (Value::Unknown, 0),
            },
            "path" => match attr(0) {
                Some("module") => (Value::str(self.dir.display().to_string()), 1),
                Some("root" | "cwd") => (Value::str(self.root_dir.display().to_string()), 1),
                _ => (Value::Unknown, 0),
            },
            "terraform" => match attr(0) {
                Some("workspace") => (Value::str("default"), 1),
                _ => (Value::Unknown, 0),
            },
            "count" | "each" | "self" => (Value::Unknown, 0),
            resource_type => match attr(0) {
                Some(n) => {
                    let v = self
                        .resources
                        .get(resource_type)
                        .and_then(|m| m.get(n))
                        .cloned();
                    (v.unwrap_or(Value::Unknown), 1)
                }
                None => (Value::Unknown, 0),
            },
        }
    }

    fn local(&self, name: &str, d: usize) -> Value {
        if let Some(v) = self.local_values.borrow().get(name) {
            return v.clone();
        }
        let Some(expr) = self.locals.get(name) else {
            return Value::Unknown;
        };
        if !self.local_busy.borrow_mut().insert(name.to_owned()) {
            return Value::Unknown; // a cycle
        }
        let v = self.eval_depth(expr, &Env::new(), d);
        self.local_busy.borrow_mut().remove(name);
        self.local_values
            .borrow_mut()
            .insert(name.to_owned(), v.clone());
        v
    }

    fn conditional(&self, c: &Conditional, env: &Env, d: usize) -> Value {
        match self.eval_depth(&c.cond_expr, env, d).as_bool() {
            Some(true) => self.eval_depth(&c.true_expr, env, d),
            Some(false) => self.eval_depth(&c.false_expr, env, d),
            None => {
                let t = self.eval_depth(&c.true_expr, env, d);
                let f = self.eval_depth(&c.false_expr, env, d);
                if t == f { t } else { Value::Unknown }
            }
        }
    }

    fn operation(&self, op: &Operation, env: &Env, d: usize) -> Value {
        match op {
            Operation::Unary(u) => {
                let v = self.eval_depth(&u.expr, env, d);
                match (u.operator, v) {
                    (_, Value::Unknown) => Value::Unknown,
                    (UnaryOperator::Not, v) => {
                        v.as_bool().map_or(Value::Unknown, |b| Value::Bool(!b))
                    }
                    (UnaryOperator::Neg, v) => {
                        v.as_f64().map_or(Value::Unknown, |n| Value::Number(-n))
                    }
                }
            }
            Operation::Binary(b) => {
                let l = self.eval_depth(&b.lhs_expr, env, d);
                // Short-circuit logic operators, as Terraform does not but as is harmless here:
                // `false && unknown` is false either way.
                match (b.operator, l.as_bool()) {
                    (BinaryOperator::And, Some(false)) => return Value::Bool(false),
                    (BinaryOperator::Or, Some(true)) => return Value::Bool(true),
                    _ => {}
                }
                let r = self.eval_depth(&b.rhs_expr, env, d);
                binary(b.operator, &l, &r)
            }
        }
    }

    fn for_expr(&self, f: &ForExpr, env: &Env, d: usize) -> Value {
        let coll = self.eval_depth(&f.collection_expr, env, d);
        let Some(pairs) = iter_pairs(&coll) else {
            return Value::Unknown;
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        for (k, v) in pairs {
            let mut inner = env.clone();
            if let Some(kv) = &f.key_var {
                inner.insert(kv.as_str().to_owned(), k);
            }
            inner.insert(f.value_var.as_str().to_owned(), v);
            if let Some(cond) = &f.cond_expr {
                match self.eval_depth(cond, &inner, d).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Value::Unknown,
                }
            }
            let value = self.eval_depth(&f.value_expr, &inner, d);
            match &f.key_expr {
                Some(ke) => {
                    let Some(key) = self.eval_depth(ke, &inner, d).as_string() else {
                        return Value::Unknown;
                    };
                    if f.grouping {
                        match map.entry(key).or_insert_with(|| Value::List(Vec::new())) {
                            Value::List(l) => l.push(value),
                            _ => return Value::Unknown,
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
                None => list.push(value),
            }
        }
        if f.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        }
    }

    fn call(&self, call: &FuncCall, env: &Env, d: usize) -> Value {
        let name = call.name.name.as_str();
        // Functions whose arguments must not all be evaluated eagerly.
        match name {
            "try" => {
                for a in &call.args {
                    let v = self.eval_depth(a, env, d);
                    if !v.is_null() {
                        return v;
                    }
                }
                return Value::Null;
            }
            "can" => {
                return match call.args.first().map(|a| self.eval_depth(a, env, d)) {
                    Some(Value::Unknown) => Value::Unknown,
                    Some(Value::Null) | None => Value::Bool(false),
                    Some(_) => Value::Bool(true),
                };
            }
            _ => {}
        }
        let mut args: Vec<Value> = call
            .args
            .iter()
            .map(|a| self.eval_depth(a, env, d))
            .collect();
        if call.expand_final {
            if let Some(Value::List(items)) = args.pop() {
                args.extend(items);
            } else {
                return Value::Unknown;
            }
        }
        funcs::call(self, name, args)
    }
}

/// A data source nobody declared (or not yet evaluated): what a few well-known ones return.
fn data_stub(kind: &str) -> Value {
    let mut m = BTreeMap::new();
    match kind {
        "aws_caller_identity" => {
            m.insert("account_id".to_owned(), Value::str(crate::ACCOUNT_ID));
        }
        "aws_partition" => {
            m.insert("partition".to_owned(), Value::str("aws"));
            m.insert("dns_suffix".to_owned(), Value::str("amazonaws.com"));
        }
        _ => return Value::Unknown,
    }
    Value::Map(m)
}

/// Indexes a list by number or a map by key.
#[must_use]
pub fn index(value: Value, key: &Value) -> Value {
    match (value, key) {
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        (Value::List(mut l), k) => match k.as_i64().and_then(|i| usize::try_from(i).ok()) {
            Some(i) if i < l.len() => l.swap_remove(i),
            _ => Value::Null,
        },
        (Value::Map(mut m), k) => match k.as_string() {
            Some(s) => m.remove(&s).unwrap_or(Value::Null),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// Key/value pairs to iterate: a list gives (index, item), a map (key, value).
#[must_use]
pub fn iter_pairs(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match coll {
        #[allow(clippy::cast_precision_loss)]
        Value::List(l) => Some(
            l.iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect(),
        ),
        Value::Map(m) => Some(
            m.iter()
                .map(|(k, v)| (Value::str(k.clone()), v.clone()))
                .collect(),
        ),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn binary(op: BinaryOperator, l: &Value, r: &Value) -> Value {
    use BinaryOperator as B;
    match op {
        B::Eq | B::NotEq => {
            if l.is_unknown() || r.is_unknown() {
                return Value::Unknown;
            }
            let eq = match (l.as_f64(), r.as_f64(), l, r) {
                (Some(a), Some(b), Value::Number(_), Value::Number(_)) => {
                    (a - b).abs() < f64::EPSILON
                }
                _ => l == r,
            };
            Value::Bool(if op == B::Eq { eq } else { !eq })
        }
        B::And | B::Or => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
            _ => Value::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) else {
                return Value::Unknown;
            };
            match op {
                B::Plus => Value::Number(a + b),
                B::Minus => Value::Number(a - b),
                B::Mul => Value::Number(a * b),
                B::Div if b != 0.0 => Value::Number(a / b),
                B::Mod if b != 0.0 => Value::Number(a % b),
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                _ => Value::Unknown,
            }
        }
    }
}

/// Resolves the escapes of a quoted literal without interpolation.
fn unescape_literal(s: &str, quoted: bool) -> String {
    if !quoted || !s.contains('\\') {
        return s.replace("$${", "${").replace("%%{", "%{");
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some('\\') | None => out.push('\\'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out.replace("$${", "${").replace("%%{", "%{")
}

/// A number as Terraform prints it in a string.
#[must_use]
pub fn number_text(n: f64) -> String {
    format_number(n)
}
