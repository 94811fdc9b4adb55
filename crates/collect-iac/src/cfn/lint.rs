//! Template misuse that CloudFormation rejects when the stack is created, reported as located
//! errors in the manner of cfn-lint, so that a template that could never deploy is not audited
//! as if it were sound.
//!
//! The rules, from the CloudFormation User Guide:
//! - "Template anatomy": logical ids are unique within a template (a JSON or YAML mapping with the
//!   same key twice is ambiguous; CloudFormation refuses it);
//! - "Resources": every resource has a `Type`;
//! - "Ref", "Fn::GetAtt", "Fn::Sub": a name is a parameter, a resource's logical id or a pseudo
//!   parameter (`AWS::Region`…); `Fn::GetAtt` and `${Name.Attribute}` name a resource;
//! - "Conditions", "Fn::If", resource attribute `Condition`: the condition is declared in the
//!   `Conditions` section;
//! - "DependsOn": the names are resources of the template;
//! - "Fn::FindInMap": the map is declared in `Mappings`;
//! - resources that refer to each other through `Ref`, `Fn::GetAtt`, `Fn::Sub` or `DependsOn`
//!   in a cycle cannot be created ("Circular dependency between resources").
//!
//! A template with a `Transform` (SAM, `AWS::LanguageExtensions`) is expanded by CloudFormation
//! before these rules apply: names the transform creates (`<Function>Role`, `ServerlessRestApi`,
//! `Fn::ForEach::…` entries) are not reported.

use std::collections::{BTreeMap, BTreeSet};

use super::node::{N, Node};
use crate::raw::IacError;

/// The pseudo parameters (CloudFormation User Guide, "Pseudo parameters reference").
pub const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// What the lint found.
#[derive(Debug, Default)]
pub struct Lint {
    /// The errors, in document order.
    pub errors: Vec<IacError>,
    /// Resources that are part of a dependency cycle (their `Ref`/`GetAtt` values are unknown).
    pub cyclic: BTreeSet<String>,
    /// Conditions used but not declared.
    pub undeclared_conditions: BTreeSet<String>,
}

struct Names<'a> {
    params: BTreeSet<&'a str>,
    resources: BTreeSet<&'a str>,
    conditions: BTreeSet<&'a str>,
    mappings: BTreeSet<&'a str>,
    transformed: bool,
    /// The identifiers of `Fn::ForEach` loops (`AWS::LanguageExtensions`).
    loop_names: BTreeSet<String>,
}

/// Collects the identifiers `Fn::ForEach::Name: [Identifier, Collection, Template]` binds.
fn for_each_names(n: &Node, out: &mut BTreeSet<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &n.n {
        N::Map(m) => {
            for (k, v) in m {
                if k.starts_with("Fn::ForEach::")
                    && let N::Seq(s) = &v.n
                    && let Some(id) = s.first().and_then(Node::as_str)
                {
                    out.insert(id.to_owned());
                }
                for_each_names(v, out, depth + 1);
            }
        }
        N::Seq(s) => s.iter().for_each(|x| for_each_names(x, out, depth + 1)),
        _ => {}
    }
}

impl Names<'_> {
    /// Whether a name might be created by the template's transform.
    fn made_by_transform(&self, name: &str) -> bool {
        self.transformed
            && (name.starts_with("Serverless")
                || name.contains("${")
                || name.contains("&{")
                || self.resources.iter().any(|r| name.starts_with(r)))
    }

    fn is_resource(&self, name: &str) -> bool {
        self.resources.contains(name) || self.made_by_transform(name)
    }

    fn is_ref_target(&self, name: &str) -> bool {
        PSEUDO.contains(&name)
            || self.params.contains(name)
            || self.loop_names.contains(name)
            || self.is_resource(name)
    }
}

fn error(file: &str, n: &Node, message: String) -> IacError {
    IacError {
        file: file.to_owned(),
        line: n.line,
        column: n.column,
        message,
    }
}

/// Lints a parsed template. `key_line` gives the line of a resource's logical id from the line
/// its body starts on.
pub fn lint(root: &Node, file: &str, key_pos: &dyn Fn(&str, &Node) -> (u32, u32)) -> Lint {
    let mut out = Lint::default();
    let section = |k: &str| root.get(k).map(Node::entries).unwrap_or_default();
    let names = Names {
        params: section("Parameters")
            .iter()
            .map(|(k, _)| k.as_str())
            .collect(),
        resources: section("Resources")
            .iter()
            .map(|(k, _)| k.as_str())
            .collect(),
        conditions: section("Conditions")
            .iter()
            .map(|(k, _)| k.as_str())
            .collect(),
        mappings: section("Mappings")
            .iter()
            .map(|(k, _)| k.as_str())
            .collect(),
        // A `Transform`, or a resource whose `Type` is not a name (a Rain module to be packaged
        // with `rain pkg`): the template is rewritten before CloudFormation reads it.
        transformed: root.get("Transform").is_some()
            || section("Resources")
                .iter()
                .any(|(_, r)| r.get("Type").is_some_and(|t| t.as_str().is_none())),
        loop_names: BTreeSet::new(),
    };
    let mut names = names;
    if names.transformed {
        for sec in ["Resources", "Outputs", "Conditions"] {
            if let Some(n) = root.get(sec) {
                for_each_names(n, &mut names.loop_names, 0);
            }
        }
    }
    let names = names;
    // Duplicate keys in the template's sections.
    for sec in [
        "Parameters",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
    ] {
        let mut seen = BTreeSet::new();
        for (k, v) in section(sec) {
            if !seen.insert(k.as_str()) {
                let (line, column) = key_pos(k, v);
                out.errors.push(IacError {
                    file: file.to_owned(),
                    line,
                    column,
                    message: format!("`{k}` is declared twice in `{sec}`; CloudFormation refuses duplicate logical ids"),
                });
            }
        }
    }
    let mut deps: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (id, r) in section("Resources") {
        if names.transformed && id.starts_with("Fn::ForEach") {
            continue;
        }
        match r.get("Type") {
            Some(t) if t.as_str().is_some_and(|s| !s.is_empty()) => {}
            Some(t) if t.entries().iter().any(|(k, _)| k.starts_with("Rain::")) => {}
            Some(t) => out.errors.push(error(
                file,
                t,
                format!("resource `{id}`: `Type` is not a resource type name"),
            )),
            None => {
                let (line, column) = key_pos(id, r);
                out.errors.push(IacError {
                    file: file.to_owned(),
                    line,
                    column,
                    message: format!("resource `{id}` has no `Type`"),
                });
            }
        }
        if let Some(c) = r.get("Condition") {
            check_condition(c.as_str(), c, &names, file, &mut out);
        }
        let mut used = BTreeSet::new();
        if let Some(d) = r.get("DependsOn") {
            let list: Vec<&Node> = match &d.n {
                N::Seq(s) => s.iter().collect(),
                _ => vec![d],
            };
            for n in list {
                if let Some(name) = n.as_str() {
                    if names.is_resource(name) {
                        used.insert(name.to_owned());
                    } else {
                        out.errors.push(error(
                            file,
                            n,
                            format!("resource `{id}` depends on `{name}`, which is not a resource of this template"),
                        ));
                    }
                }
            }
        }
        for key in ["Properties", "Metadata", "UpdatePolicy", "CreationPolicy"] {
            if let Some(p) = r.get(key) {
                walk(p, &names, file, &mut out, &mut used, 0);
            }
        }
        deps.insert(id.as_str(), used);
    }
    for sec in ["Outputs", "Conditions"] {
        if let Some(n) = root.get(sec) {
            let mut ignored = BTreeSet::new();
            walk(n, &names, file, &mut out, &mut ignored, 0);
        }
    }
    cycles(&deps, section("Resources"), file, key_pos, &mut out);
    out
}

fn check_condition(name: Option<&str>, at: &Node, names: &Names<'_>, file: &str, out: &mut Lint) {
    match name {
        Some(c) if names.conditions.contains(c) => {}
        Some(c) => {
            out.undeclared_conditions.insert(c.to_owned());
            out.errors.push(error(
                file,
                at,
                format!("condition `{c}` is not declared in `Conditions`"),
            ));
        }
        None => out.errors.push(error(
            file,
            at,
            "a condition is named by a string".to_owned(),
        )),
    }
}

const MAX_DEPTH: usize = 200;

fn walk(
    n: &Node,
    names: &Names<'_>,
    file: &str,
    out: &mut Lint,
    used: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &n.n {
        N::Seq(s) => s
            .iter()
            .for_each(|x| walk(x, names, file, out, used, depth + 1)),
        N::Map(m) => {
            if let [(k, arg)] = m.as_slice() {
                intrinsic(k, arg, n, names, file, out, used);
            }
            for (_, v) in m {
                walk(v, names, file, out, used, depth + 1);
            }
        }
        _ => {}
    }
}

fn intrinsic(
    f: &str,
    arg: &Node,
    at: &Node,
    names: &Names<'_>,
    file: &str,
    out: &mut Lint,
    used: &mut BTreeSet<String>,
) {
    match f {
        "Ref" => {
            if let Some(name) = arg.as_str() {
                if names.is_ref_target(name) {
                    if names.resources.contains(name) {
                        used.insert(name.to_owned());
                    }
                } else {
                    out.errors.push(error(
                        file,
                        at,
                        format!("`Ref` to `{name}`: no parameter, resource or pseudo parameter of that name"),
                    ));
                }
            }
        }
        "Fn::GetAtt" => {
            let res = match &arg.n {
                N::Seq(s) => s.first().and_then(Node::as_str).map(str::to_owned),
                N::Str(s) => s.split_once('.').map(|(r, _)| r.to_owned()),
                _ => None,
            };
            if let Some(r) = res {
                if names.is_resource(&r) {
                    if names.resources.contains(r.as_str()) {
                        used.insert(r);
                    }
                } else {
                    out.errors.push(error(
                        file,
                        at,
                        format!("`Fn::GetAtt` on `{r}`: no resource of that name"),
                    ));
                }
            }
        }
        "Fn::Sub" => {
            let (text, vars) = match &arg.n {
                N::Str(s) => (Some(s.as_str()), None),
                N::Seq(s) => (s.first().and_then(Node::as_str), s.get(1)),
                _ => (None, None),
            };
            let Some(text) = text else { return };
            for var in sub_vars(text) {
                if vars.is_some_and(|v| v.get(var).is_some()) {
                    continue;
                }
                match var.split_once('.') {
                    Some((r, _)) if !var.starts_with("AWS::") => {
                        if names.is_resource(r) {
                            if names.resources.contains(r) {
                                used.insert(r.to_owned());
                            }
                        } else {
                            out.errors.push(error(
                                file,
                                at,
                                format!("`Fn::Sub` uses `${{{var}}}`: no resource `{r}`"),
                            ));
                        }
                    }
                    _ => {
                        if names.is_ref_target(var) {
                            if names.resources.contains(var) {
                                used.insert(var.to_owned());
                            }
                        } else {
                            out.errors.push(error(
                                file,
                                at,
                                format!("`Fn::Sub` uses `${{{var}}}`: no parameter, resource or pseudo parameter of that name"),
                            ));
                        }
                    }
                }
            }
        }
        "Fn::If" => {
            if let N::Seq(s) = &arg.n
                && let Some(c) = s.first()
            {
                check_condition(c.as_str(), c, names, file, out);
            }
        }
        "Condition" => check_condition(arg.as_str(), at, names, file, out),
        "Fn::FindInMap" => {
            if let N::Seq(s) = &arg.n
                && let Some(m) = s.first().and_then(Node::as_str)
                && !names.mappings.contains(m)
                && !names.transformed
            {
                out.errors.push(error(
                    file,
                    at,
                    format!("`Fn::FindInMap` on `{m}`: no mapping of that name"),
                ));
            }
        }
        _ => {}
    }
}

/// The variables of a `Fn::Sub` string (`${Name}`, `${Res.Attr}`; `${!Literal}` excluded).
#[must_use]
pub fn sub_vars(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        if !name.starts_with('!') && !name.is_empty() {
            out.push(name);
        }
        rest = &after[end + 1..];
    }
    out
}

/// Reports each dependency cycle once, at the first of its resources in document order.
fn cycles(
    deps: &BTreeMap<&str, BTreeSet<String>>,
    resources: &[(String, Node)],
    file: &str,
    key_pos: &dyn Fn(&str, &Node) -> (u32, u32),
    out: &mut Lint,
) {
    // Tarjan's strongly connected components, iteratively bounded by the resource count.
    let ids: Vec<&str> = deps.keys().copied().collect();
    let pos: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let edges: Vec<Vec<usize>> = ids
        .iter()
        .map(|k| {
            deps.get(k)
                .map(|d| {
                    d.iter()
                        .filter_map(|x| pos.get(x.as_str()).copied())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let n = ids.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for s in 0..n {
        if index[s] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(s, 0)];
        index[s] = next;
        low[s] = next;
        next += 1;
        stack.push(s);
        on[s] = true;
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*ei) {
                *ei += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on[w] = true;
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(p, _)) = work.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let self_loop = comp.len() == 1 && edges[v].contains(&v);
                    if comp.len() > 1 || self_loop {
                        comps.push(comp);
                    }
                }
            }
        }
    }
    for comp in comps {
        let members: BTreeSet<&str> = comp.iter().map(|i| ids[*i]).collect();
        let Some((first, node)) = resources.iter().find(|(k, _)| members.contains(k.as_str()))
        else {
            continue;
        };
        let (line, column) = key_pos(first, node);
        let list: Vec<&str> = resources
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| members.contains(k))
            .collect();
        out.errors.push(IacError {
            file: file.to_owned(),
            line,
            column,
            message: format!(
                "circular dependency between resources {}: CloudFormation cannot create them",
                list.join(", ")
            ),
        });
        out.cyclic.extend(members.into_iter().map(str::to_owned));
    }
    out.errors.sort_by_key(|e| (e.line, e.column));
}
