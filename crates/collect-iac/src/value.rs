//! The value every IaC reader evaluates to before resources are mapped into the Inventory.
//!
//! Terraform and CloudFormation differ in syntax but both describe resources as trees of maps,
//! lists and scalars; both readers evaluate to this one type so that the mapping code only deals
//! with data. [`Value::Unknown`] stands for what cannot be known before apply (an attribute
//! computed by AWS, a variable without a default): the mappers turn it into a per-resource gap,
//! never into a guess.

use std::collections::BTreeMap;

/// Keys starting with this character carry reader metadata (the line of a nested block), not
/// user data; they are dropped when a value is turned into JSON.
pub const META_PREFIX: char = '@';
/// The key holding the 1-based line of a nested block or mapping.
pub const LINE_KEY: &str = "@line";
/// The key holding the 1-based column of a nested block or mapping.
pub const COLUMN_KEY: &str = "@column";

/// An evaluated value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// Absent or null.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// A list or tuple.
    List(Vec<Value>),
    /// A map or object.
    Map(BTreeMap<String, Value>),
    /// Not known before apply.
    Unknown,
}

static NULL: Value = Value::Null;

impl Value {
    /// A string value.
    #[must_use]
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// The member `key` of a map (`Null` when absent or not a map).
    #[must_use]
    pub fn get(&self, key: &str) -> &Value {
        match self {
            Value::Map(m) => m.get(key).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Follows a path of keys.
    #[must_use]
    pub fn path(&self, keys: &[&str]) -> &Value {
        keys.iter().fold(self, |v, k| v.first().get(k))
    }

    /// Whether the value is null.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value is unknown.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether the value or anything inside it is unknown.
    #[must_use]
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(l) => l.iter().any(Value::has_unknown),
            Value::Map(m) => m
                .iter()
                .any(|(k, v)| !k.starts_with(META_PREFIX) && v.has_unknown()),
            _ => false,
        }
    }

    /// The value as text: strings as they are, numbers and booleans converted (as Terraform and
    /// CloudFormation both do).
    #[must_use]
    pub fn as_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The string, if the value is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a boolean (`"true"`/`"false"` strings accepted).
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The value as a number (numeric strings accepted).
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as an integer.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        #[allow(clippy::cast_possible_truncation)]
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }

    /// The value as a list: a list as it is, null as empty, anything else as a one-element
    /// list (a single nested block, a CloudFormation property given as one item).
    #[must_use]
    pub fn items(&self) -> Vec<&Value> {
        match self {
            Value::List(l) => l.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        }
    }

    /// The first element of a list, or the value itself.
    #[must_use]
    pub fn first(&self) -> &Value {
        match self {
            Value::List(l) => l.first().unwrap_or(&NULL),
            other => other,
        }
    }

    /// The strings of a list (or a single string); non-strings are skipped.
    #[must_use]
    pub fn strings(&self) -> Vec<String> {
        self.items()
            .into_iter()
            .filter_map(Value::as_string)
            .collect()
    }

    /// The line recorded on a nested block or mapping.
    #[must_use]
    pub fn line(&self) -> Option<u32> {
        self.get(LINE_KEY)
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
    }

    /// The column recorded on a nested block or mapping.
    #[must_use]
    pub fn column(&self) -> Option<u32> {
        self.get(COLUMN_KEY)
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
    }

    /// The name of the value's type, for messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
        }
    }

    /// As JSON; unknowns become `null`, metadata keys are dropped.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Unknown => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.iter()
                    .filter(|(k, _)| !k.starts_with(META_PREFIX))
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// From JSON.
    #[must_use]
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// A policy document given either as a JSON string or as an object, as JSON. `None` when it
    /// is absent, unknown, or not valid JSON.
    #[must_use]
    pub fn policy_json(&self) -> Option<serde_json::Value> {
        match self {
            Value::String(s) => serde_json::from_str(s).ok(),
            Value::Map(_) => Some(self.to_json()),
            _ => None,
        }
    }
}

/// Formats a number as Terraform does: integers without a fraction.
#[must_use]
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        let i = n as i64;
        i.to_string()
    } else {
        n.to_string()
    }
}

fn number_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 1.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        let i = n as i64;
        serde_json::Value::from(i)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// Byte offset to 1-based line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based (line, column) of byte `offset`.
    #[must_use]
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(offset - start + 1).unwrap_or(u32::MAX),
        )
    }

    /// The 1-based line of byte `offset`.
    #[must_use]
    pub fn line(&self, offset: usize) -> u32 {
        self.position(offset).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_from_one() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(4), (2, 2));
        assert_eq!(idx.position(7), (4, 1));
    }

    #[test]
    fn json_drops_metadata_and_unknowns() {
        let mut m = BTreeMap::new();
        m.insert("a".to_owned(), Value::Number(1.0));
        m.insert(LINE_KEY.to_owned(), Value::Number(3.0));
        m.insert("b".to_owned(), Value::Unknown);
        let v = Value::Map(m);
        assert_eq!(v.to_json(), serde_json::json!({"a": 1, "b": null}));
        assert!(v.has_unknown());
        assert_eq!(v.line(), Some(3));
    }
}
