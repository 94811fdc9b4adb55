//! IAM policy documents declared in IaC: `aws_iam_policy_document` data sources, JSON strings,
//! CloudFormation objects; and the marker for parts unknown before apply.

use serde_json::{Map, Value as Json, json};

use crate::value::Value;

/// The text standing for a value unknown before apply inside a policy document. A document that
/// contains it is still judged for what is known, and its resource gets a gap; the runner
/// withholds a failure quoting it. Defined once, in the model.
pub use rampart_model::gap::UNKNOWN_MARK;

/// As JSON, with unknowns replaced by [`UNKNOWN_MARK`].
#[must_use]
pub fn to_json_marked(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::String(UNKNOWN_MARK.to_owned()),
        Value::List(l) => Json::Array(l.iter().map(to_json_marked).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('@'))
                .map(|(k, v)| (k.clone(), to_json_marked(v)))
                .collect(),
        ),
        other => other.to_json(),
    }
}

/// Whether a JSON document contains the unknown marker.
#[must_use]
pub fn has_unknown(doc: &Json) -> bool {
    match doc {
        Json::String(s) => s.contains(UNKNOWN_MARK),
        Json::Array(a) => a.iter().any(has_unknown),
        Json::Object(o) => o.values().any(has_unknown),
        _ => false,
    }
}

/// A policy document that is not known before apply (or is not JSON at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotKnown;

/// A policy given as a JSON string or an object. `Err(NotKnown)` when unknown (or not JSON),
/// `Ok(None)` when absent.
///
/// # Errors
/// The value is unknown or not a policy document.
pub fn parse(v: &Value) -> Result<Option<Json>, NotKnown> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => serde_json::from_str(s).map(Some).map_err(|_| NotKnown),
        Value::Map(_) => Ok(Some(to_json_marked(v))),
        _ => Err(NotKnown),
    }
}

fn list_json(v: &Value) -> Json {
    match v {
        Value::List(l) if l.len() == 1 => l.first().map_or(Json::Null, to_json_marked),
        other => to_json_marked(other),
    }
}

/// The statements of a policy document given as JSON text or an object.
fn statements_of(v: &Value) -> Vec<Json> {
    match parse(v) {
        Ok(Some(doc)) => match doc.get("Statement") {
            Some(Json::Array(st)) => st.clone(),
            Some(st @ Json::Object(_)) => vec![st.clone()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Adds `st` to `statements` as the provider merges documents: a statement with a non-blank
/// `Sid` replaces the statement with the same `Sid` in place; any other is appended.
fn merge_by_sid(statements: &mut Vec<Json>, st: Json) {
    let sid = st
        .get("Sid")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty());
    if let Some(sid) = sid
        && let Some(at) = statements
            .iter()
            .position(|x| x.get("Sid").and_then(Json::as_str) == Some(sid))
    {
        statements[at] = st;
        return;
    }
    statements.push(st);
}

/// The JSON document an `aws_iam_policy_document` data source renders, merged as the AWS
/// provider documents it: the statements of `source_policy_documents` (and `source_json`) first;
/// then the data source's own statements, one with the `Sid` of a source statement replacing it;
/// then each of `override_policy_documents` (and `override_json`) in order, whose statements
/// with a non-blank `Sid` replace the statement with that `Sid` and whose others are added
/// (Terraform AWS provider, data source `aws_iam_policy_document`).
#[must_use]
pub fn document_from_tf(attrs: &Value) -> Json {
    let mut statements: Vec<Json> = Vec::new();
    let mut sources: Vec<&Value> = attrs.get("source_policy_documents").items();
    if !attrs.get("source_json").is_null() {
        sources.push(attrs.get("source_json"));
    }
    for src in sources {
        statements.extend(statements_of(src));
    }
    let own = own_statements(attrs);
    for st in own {
        merge_by_sid(&mut statements, st);
    }
    let mut overrides: Vec<&Value> = attrs.get("override_policy_documents").items();
    if !attrs.get("override_json").is_null() {
        overrides.push(attrs.get("override_json"));
    }
    for o in overrides {
        for st in statements_of(o) {
            merge_by_sid(&mut statements, st);
        }
    }
    json!({ "Version": attrs.get("version").as_string().unwrap_or_else(|| "2012-10-17".to_owned()), "Statement": statements })
}

/// The data source's own `statement` blocks as JSON statements.
fn own_statements(attrs: &Value) -> Vec<Json> {
    let mut statements = Vec::new();
    for st in attrs.get("statement").items() {
        let mut s = Map::new();
        if let Some(sid) = st.get("sid").as_string() {
            s.insert("Sid".to_owned(), json!(sid));
        }
        let effect = st
            .get("effect")
            .as_string()
            .unwrap_or_else(|| "Allow".to_owned());
        s.insert("Effect".to_owned(), json!(effect));
        for (k, out) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            let v = st.get(k);
            if !v.is_null() {
                s.insert(out.to_owned(), list_json(v));
            }
        }
        for (k, out) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let ps = st.get(k).items();
            if ps.is_empty() {
                continue;
            }
            let mut pm = Map::new();
            let mut star = false;
            for p in ps {
                let t = p.get("type").as_string().unwrap_or_default();
                let ids = p.get("identifiers");
                if t == "*" {
                    star = true;
                    continue;
                }
                let entry = pm.entry(t).or_insert_with(|| Json::Array(Vec::new()));
                if let Json::Array(a) = entry {
                    match to_json_marked(ids) {
                        Json::Array(x) => a.extend(x),
                        other => a.push(other),
                    }
                }
            }
            for v in pm.values_mut() {
                if let Json::Array(a) = v
                    && a.len() == 1
                {
                    *v = a.remove(0);
                }
            }
            s.insert(
                out.to_owned(),
                if star && pm.is_empty() {
                    json!("*")
                } else {
                    Json::Object(pm)
                },
            );
        }
        let conds = st.get("condition").items();
        if !conds.is_empty() {
            let mut cm = Map::new();
            for c in conds {
                let test = c.get("test").as_string().unwrap_or_default();
                let var = c.get("variable").as_string().unwrap_or_default();
                let entry = cm.entry(test).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(o) = entry {
                    o.insert(var, list_json(c.get("values")));
                }
            }
            s.insert("Condition".to_owned(), Json::Object(cm));
        }
        statements.push(Json::Object(s));
    }
    statements
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn doc(statements: &[Json]) -> Value {
        Value::String(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
    }

    fn statement(sid: &str, action: &str) -> Value {
        let mut m = BTreeMap::new();
        if !sid.is_empty() {
            m.insert("sid".to_owned(), Value::str(sid));
        }
        m.insert("actions".to_owned(), Value::List(vec![Value::str(action)]));
        m.insert("resources".to_owned(), Value::List(vec![Value::str("*")]));
        Value::Map(m)
    }

    fn actions(d: &Json) -> Vec<(String, String)> {
        d["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    s["Sid"].as_str().unwrap_or_default().to_owned(),
                    s["Action"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// The AWS provider's merge: sources, then the data source's statements (a same-`Sid` one
    /// replacing the source's), then each override document (same `Sid`: replaced in place;
    /// no `Sid`: added).
    #[test]
    fn source_and_override_documents_merge_by_sid() {
        let mut attrs = BTreeMap::new();
        attrs.insert(
            "source_policy_documents".to_owned(),
            Value::List(vec![doc(&[
                json!({"Sid": "A", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}),
                json!({"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
            ])]),
        );
        attrs.insert(
            "statement".to_owned(),
            Value::List(vec![
                statement("B", "s3:PutObject"),
                statement("", "sqs:SendMessage"),
            ]),
        );
        attrs.insert(
            "override_policy_documents".to_owned(),
            Value::List(vec![
                doc(&[json!({"Sid": "A", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"})]),
                doc(&[json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"})]),
            ]),
        );
        let d = document_from_tf(&Value::Map(attrs));
        let pair = |sid: &str, a: &str| (sid.to_owned(), a.to_owned());
        assert_eq!(
            actions(&d),
            vec![
                pair("A", "iam:GetUser"),
                pair("B", "s3:PutObject"),
                pair("", "sqs:SendMessage"),
                pair("", "sns:Publish"),
            ]
        );
    }
}
