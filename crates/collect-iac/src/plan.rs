//! Terraform plan JSON (`terraform show -json plan.out`): the planned values, exact, with what
//! is known only after apply marked unknown (`after_unknown`).
//!
//! Where a planned value is unknown because it refers to another resource being created (a
//! rule's `security_group_id`), the plan's `configuration` names the reference; it is replaced
//! by that resource's address, the identifier the mappers use for resources to be created.

use std::collections::{BTreeMap, HashMap};

use rampart_model::Origin;
use serde_json::Value as Json;

use crate::raw::{Collected, IacError, Raw};
use crate::value::Value;

/// Whether `head` (the start of a JSON file) looks like a plan.
#[must_use]
pub fn looks_like_plan(head: &str) -> bool {
    head.contains("\"format_version\"")
        && (head.contains("\"planned_values\"")
            || head.contains("\"terraform_version\"")
            || head.contains("\"resource_changes\""))
}

/// Reads a plan file.
pub fn load(text: &str, display: &str, out: &mut Collected) {
    let plan: Json = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            out.file_error(IacError {
                file: display.to_owned(),
                line: u32::try_from(e.line()).unwrap_or(0),
                column: u32::try_from(e.column()).unwrap_or(0),
                message: e.to_string(),
            });
            return;
        }
    };
    out.files_read += 1;
    // after_unknown per address.
    let mut unknown: HashMap<String, Json> = HashMap::new();
    if let Some(Json::Array(changes)) = plan.get("resource_changes") {
        for c in changes {
            if let (Some(addr), Some(au)) = (
                c.get("address").and_then(Json::as_str),
                c.pointer("/change/after_unknown"),
            ) {
                unknown.insert(addr.to_owned(), au.clone());
            }
        }
    }
    // References per (module prefix, resource address without index, attribute).
    let mut refs: HashMap<(String, String), String> = HashMap::new();
    if let Some(root) = plan.pointer("/configuration/root_module") {
        collect_refs(root, "", &mut refs);
    }
    if let Some(r) = plan
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Json::as_str)
    {
        out.region = Some(r.to_owned());
    }
    if let Some(root) = plan.pointer("/planned_values/root_module") {
        walk(root, display, &unknown, &refs, out);
    }
}

fn collect_refs(module: &Json, prefix: &str, refs: &mut HashMap<(String, String), String>) {
    if let Some(Json::Array(rs)) = module.get("resources") {
        for r in rs {
            let Some(addr) = r.get("address").and_then(Json::as_str) else {
                continue;
            };
            let Some(Json::Object(exprs)) = r.get("expressions") else {
                continue;
            };
            for (attr, e) in exprs {
                if let Some(first) = e
                    .get("references")
                    .and_then(Json::as_array)
                    .and_then(|a| a.first())
                    .and_then(Json::as_str)
                {
                    refs.insert(
                        (format!("{prefix}{addr}"), attr.clone()),
                        format!("{prefix}{}", strip_attr(first)),
                    );
                }
            }
        }
    }
    if let Some(Json::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                collect_refs(m, &format!("{prefix}module.{name}."), refs);
            }
        }
    }
}

/// `aws_security_group.web.id` → `aws_security_group.web`; `data.x.y.json` → `data.x.y`.
fn strip_attr(reference: &str) -> String {
    let parts: Vec<&str> = reference.split('.').collect();
    let keep = if reference.starts_with("data.") { 3 } else { 2 };
    parts
        .iter()
        .take(keep)
        .copied()
        .collect::<Vec<_>>()
        .join(".")
}

fn walk(
    module: &Json,
    display: &str,
    unknown: &HashMap<String, Json>,
    refs: &HashMap<(String, String), String>,
    out: &mut Collected,
) {
    if let Some(Json::Array(rs)) = module.get("resources") {
        for r in rs {
            if r.get("mode").and_then(Json::as_str) != Some("managed") {
                continue;
            }
            let (Some(addr), Some(kind)) = (
                r.get("address").and_then(Json::as_str),
                r.get("type").and_then(Json::as_str),
            ) else {
                continue;
            };
            let values = r.get("values").cloned().unwrap_or(Json::Null);
            let au = unknown.get(addr).cloned().unwrap_or(Json::Null);
            let mut attrs = overlay(&values, &au);
            // Unknown references to resources being created: their address.
            let base = strip_index(addr);
            if let Value::Map(m) = &mut attrs {
                for (k, v) in m.iter_mut() {
                    if v.is_unknown() {
                        if let Some(target) = refs.get(&(base.clone(), k.clone())) {
                            *v = Value::str(target.clone());
                        }
                    } else if let Value::List(items) = v
                        && items.iter().any(Value::is_unknown)
                        && let Some(target) = refs.get(&(base.clone(), k.clone()))
                    {
                        for it in items.iter_mut().filter(|x| x.is_unknown()) {
                            *it = Value::str(target.clone());
                        }
                    }
                }
            }
            let id = match attrs.get("id").as_string() {
                Some(id) => id,
                None if kind == "aws_s3_bucket" => attrs
                    .get("bucket")
                    .as_string()
                    .unwrap_or_else(|| base.clone()),
                None => base.clone(),
            };
            let scope = addr
                .rfind(&format!("{kind}."))
                .map(|i| addr[..i].to_owned())
                .unwrap_or_default();
            out.raws.push(Raw {
                kind: kind.to_owned(),
                address: addr.to_owned(),
                id,
                origin: Origin {
                    file: Some(display.to_owned()),
                    address: Some(addr.to_owned()),
                    ..Origin::default()
                },
                attrs,
                scope,
                waivers: Vec::new(),
                branch: String::new(),
                instances_unknown: None,
            });
        }
    }
    if let Some(Json::Array(children)) = module.get("child_modules") {
        for c in children {
            walk(c, display, unknown, refs, out);
        }
    }
}

fn strip_index(addr: &str) -> String {
    // Indexes may appear after module names and after the resource name; refs are keyed
    // without them.
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0;
    for c in addr.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Planned values with `after_unknown` marks applied.
fn overlay(values: &Json, unknown: &Json) -> Value {
    if unknown.as_bool() == Some(true) {
        return Value::Unknown;
    }
    match values {
        Json::Object(o) => {
            let mut m: BTreeMap<String, Value> = o
                .iter()
                .map(|(k, v)| (k.clone(), overlay(v, unknown.get(k).unwrap_or(&Json::Null))))
                .collect();
            if let Json::Object(u) = unknown {
                for (k, flag) in u {
                    if flag.as_bool() == Some(true) {
                        m.insert(k.clone(), Value::Unknown);
                    }
                }
            }
            Value::Map(m)
        }
        Json::Array(a) => Value::List(
            a.iter()
                .enumerate()
                .map(|(i, v)| overlay(v, unknown.get(i).unwrap_or(&Json::Null)))
                .collect(),
        ),
        other => Value::from_json(other),
    }
}
