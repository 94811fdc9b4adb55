//! A policy document (identity, trust, resource, key, service control or tag policy) as the
//! Inventory holds it: its compact JSON text.
//!
//! A `serde_json::Value` makes every small JSON object a map of its own: on an estate of 50,000
//! policies the documents weighed ten times their text. The text is what every consumer parses
//! anyway (into `rampart_policy`'s form, once per run), so the model keeps only that.
//!
//! The snapshot format, the JSON Schema and every output are unchanged: a document is read as
//! any JSON value and written back as that same value ([`PolicyDocument::to_value`]).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A policy document as read: any JSON value (an object as AWS returns it, a JSON string holding
/// the policy text as IaC often does, or `null`), held as its compact JSON text.
///
/// The text is the one `serde_json` writes for the value (members in source order, duplicate keys
/// already merged as a `Value` merges them), so parsing it again yields the value it was built from.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PolicyDocument(Box<str>);

impl PolicyDocument {
    /// The document of a JSON value.
    #[must_use]
    pub fn from_value(value: &Value) -> Self {
        PolicyDocument(value.to_string().into_boxed_str())
    }

    /// The document `null` (a policy that is not set, as some IaC resources declare it).
    #[must_use]
    pub fn null() -> Self {
        PolicyDocument("null".into())
    }

    /// The compact JSON text of the document.
    #[must_use]
    pub fn as_json(&self) -> &str {
        &self.0
    }

    /// The document as a JSON value (evidence, or a check that reads members directly).
    #[must_use]
    pub fn to_value(&self) -> Value {
        // The text was written from a `Value`: it always reads back.
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// Whether the document is JSON `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        &*self.0 == "null"
    }
}

impl Default for PolicyDocument {
    fn default() -> Self {
        Self::null()
    }
}

impl From<Value> for PolicyDocument {
    fn from(value: Value) -> Self {
        Self::from_value(&value)
    }
}

impl From<&Value> for PolicyDocument {
    fn from(value: &Value) -> Self {
        Self::from_value(value)
    }
}

impl std::fmt::Debug for PolicyDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Through the value, so a pretty printer indents the document as it did when the model
        // held a `Value` (a raw text would be written as is).
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(|v| Self::from_value(&v))
    }
}

impl JsonSchema for PolicyDocument {
    fn inline_schema() -> bool {
        <Value as JsonSchema>::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Value as JsonSchema>::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        <Value as JsonSchema>::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Value as JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_writes_the_value_it_holds() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "N": 1.5e3}]}"#;
        let doc: PolicyDocument = serde_json::from_str(text).expect("reads");
        let value: Value = serde_json::from_str(text).expect("reads");
        assert_eq!(doc.to_value(), value);
        // Written exactly as the value would be, compact and pretty.
        assert_eq!(
            serde_json::to_string(&doc).expect("writes"),
            serde_json::to_string(&value).expect("writes")
        );
        assert_eq!(
            serde_json::to_string_pretty(&doc).expect("writes"),
            serde_json::to_string_pretty(&value).expect("writes")
        );
        assert_eq!(doc.as_json(), value.to_string());
    }

    #[test]
    fn a_duplicate_key_is_merged_as_a_value_merges_it() {
        let doc: PolicyDocument =
            serde_json::from_str(r#"{"a": 1, "b": 2, "a": 3}"#).expect("reads");
        assert_eq!(doc.as_json(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn strings_and_null_are_documents_too() {
        let doc = PolicyDocument::from(json!("{\"Statement\": []}"));
        assert_eq!(doc.to_value(), json!("{\"Statement\": []}"));
        assert!(PolicyDocument::default().is_null());
        assert!(!doc.is_null());
    }

    #[test]
    fn schema_is_the_one_of_any_value() {
        let ours = schemars::schema_for!(PolicyDocument);
        let value = schemars::schema_for!(Value);
        assert_eq!(ours, value);
    }
}
