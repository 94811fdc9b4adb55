//! CloudFormation templates (JSON and YAML, SAM's common types) evaluated to [`Raw`] resources.
//!
//! Intrinsic functions are evaluated with parameter defaults (a parameter without a default is
//! unknown). Conditions are not decided from defaults: every condition a resource's `Fn::If`
//! uses is tried both ways, and when the branches give different resources each one is audited
//! on its own, named by its branch (`UseKms=false`), so a finding says which branch fails.

pub mod lint;
pub mod node;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_model::Origin;
use rampart_model::inventory::DeclaredDefault;

use self::node::{N, Node};
use crate::raw::{Collected, Raw};
use crate::value::{COLUMN_KEY, LINE_KEY, Value};
use crate::waiver::{self, WaiverComment};

/// At most this many conditions are tried both ways per resource (2^4 variants).
const MAX_BRANCH_CONDITIONS: usize = 4;

/// Template files in a directory (recursively), by content.
#[must_use]
pub fn templates_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if crate::looks_like_template(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

struct Ctx<'a> {
    params: BTreeMap<String, Value>,
    mappings: Option<&'a Node>,
    conditions: BTreeMap<String, &'a Node>,
    assume: BTreeMap<String, bool>,
    refs: BTreeMap<String, (String, String)>,
    region: String,
}

/// A template read as a nested stack (`AWS::CloudFormation::Stack` with a local
/// `TemplateURL`, as `aws cloudformation package` takes it): the parameter values its parent
/// passes, and the path of stack logical ids through the parents (`Network/`), which prefixes
/// the logical ids of its resources.
#[derive(Debug, Default, Clone)]
pub struct Nesting {
    /// `Parameters` of the parent's stack resource, evaluated in the parent.
    pub params: BTreeMap<String, Value>,
    /// `Parent/` for a stack the root declares as `Parent`, `Parent/Child/` one level down.
    pub prefix: String,
    /// The templates on the way down (a template that includes itself is an error).
    pub chain: Vec<PathBuf>,
}

/// Nested stacks deeper than this are not read (an error says so).
const MAX_NESTING: usize = 8;

/// The local template files `text` (at `path`) names as nested stacks, resolved against its
/// directory; URLs (`https://`, `s3://`) are not local and not returned.
#[must_use]
pub fn nested_templates(text: &str, path: &Path) -> Vec<PathBuf> {
    // Most templates nest nothing: not parsed twice for that.
    if !text.contains("AWS::CloudFormation::Stack")
        && !text.contains("AWS::Serverless::Application")
    {
        return Vec::new();
    }
    let Ok(root) = node::parse(text, &path.display().to_string()) else {
        return Vec::new();
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    root.get("Resources")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(_, r)| local_template(r, dir))
        .collect()
}

/// The local file a stack resource names, if any.
fn local_template(r: &Node, dir: &Path) -> Option<PathBuf> {
    let kind = r.get("Type").and_then(Node::as_str)?;
    let props = r.get("Properties")?;
    let url = match kind {
        "AWS::CloudFormation::Stack" => props.get("TemplateURL")?.as_str()?,
        "AWS::Serverless::Application" => props.get("Location")?.as_str()?,
        _ => return None,
    };
    if url.contains("://") || url.is_empty() {
        return None;
    }
    // `./network.yaml` and `network.yaml` name one file, shown one way.
    Some(
        dir.join(url)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect(),
    )
}

/// Reads one template into `out`.
pub fn load(text: &str, display: &str, out: &mut Collected) {
    load_nested(text, display, out, &Nesting::default());
}

/// Reads one template into `out`, as the nested stack `nesting` says.
pub fn load_nested(text: &str, display: &str, out: &mut Collected, nesting: &Nesting) {
    let root = match node::parse(text, display) {
        Ok(n) => n,
        Err(e) => return out.file_error(e),
    };
    let Some(resources) = root.get("Resources") else {
        return out.file_error(crate::raw::IacError {
            file: display.to_owned(),
            line: 1,
            column: 1,
            message: "no `Resources` section: not a CloudFormation template".to_owned(),
        });
    };
    out.files_read += 1;
    let lines: Vec<&str> = text.lines().collect();
    let key_pos = |id: &str, n: &Node| {
        let l = key_line(&lines, id, n.line);
        (l, key_column(&lines, l, id))
    };
    let linted = lint::lint(&root, display, &key_pos);
    // Coded `ParseError` as a file that does not parse: the audit of this input is incomplete
    // (the scan's exit code is 2), though what the template does declare is still audited.
    if let Some(first) = linted.errors.first() {
        out.gaps.push(
            rampart_model::Gap::new(
                "iac.file",
                display,
                format!(
                    "this template has {} error(s) CloudFormation would refuse, the first: {first}",
                    linted.errors.len()
                ),
            )
            .with_code("ParseError"),
        );
    }
    out.errors.extend(linted.errors.iter().cloned());
    let mut ctx = Ctx {
        params: BTreeMap::new(),
        mappings: root.get("Mappings"),
        conditions: BTreeMap::new(),
        assume: BTreeMap::new(),
        refs: BTreeMap::new(),
        region: crate::DEFAULT_REGION.to_owned(),
    };
    for (name, p) in root
        .get("Parameters")
        .map(Node::entries)
        .unwrap_or_default()
    {
        let default = p.get("Default").map(|d| ctx.eval(d, 0));
        let list_type = p
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
        let value = match default {
            Some(Value::String(s)) if list_type => Value::List(
                s.split(',')
                    .map(|x| Value::str(x.trim().to_owned()))
                    .collect(),
            ),
            Some(v) => v,
            None => match p.get("AllowedValues").map(|a| &a.n) {
                Some(N::Seq(vals)) if vals.len() == 1 => {
                    vals.first().map_or(Value::Unknown, |v| ctx.eval(v, 0))
                }
                _ => Value::Unknown,
            },
        };
        if let Some(d) = p.get("Default")
            && let Some(text) = ctx.eval(d, 0).as_string().filter(|t| !t.is_empty())
        {
            out.declared_defaults.push(DeclaredDefault {
                kind: "cloudformation-parameter".to_owned(),
                name: name.clone(),
                value: text,
                marked_sensitive: p
                    .get("NoEcho")
                    .is_some_and(|n| matches!(n.n, N::Bool(true)) || n.as_str() == Some("true")),
                origin: Origin::file(display, p.line, p.column, &format!("Parameters.{name}")),
            });
        }
        let value = nesting.params.get(name).cloned().unwrap_or(value);
        ctx.params.insert(name.clone(), value);
    }
    for (name, c) in root
        .get("Conditions")
        .map(Node::entries)
        .unwrap_or_default()
    {
        ctx.conditions.insert(name.clone(), c);
    }
    // What `Ref` and `Fn::GetAtt …Arn` give for each resource.
    for (id, r) in resources.entries() {
        let kind = r
            .get("Type")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned();
        let props = r.get("Properties");
        let named = |k: &str| {
            props
                .and_then(|p| p.get(k))
                .map(|n| ctx.eval(n, 0))
                .and_then(|v| v.as_string())
        };
        let ref_value = match kind.as_str() {
            "AWS::S3::Bucket" => named("BucketName"),
            "AWS::IAM::Role" => named("RoleName"),
            "AWS::IAM::User" => named("UserName"),
            "AWS::IAM::Group" => named("GroupName"),
            "AWS::Logs::LogGroup" => named("LogGroupName"),
            // `Ref` of a managed policy is its ARN ("AWS::IAM::ManagedPolicy", return values).
            "AWS::IAM::ManagedPolicy" => Some(synth_arn(
                &kind,
                &named("ManagedPolicyName").unwrap_or_else(|| id.clone()),
            )),
            _ => None,
        }
        .unwrap_or_else(|| id.clone());
        let arn = if kind == "AWS::IAM::ManagedPolicy" {
            ref_value.clone()
        } else {
            synth_arn(&kind, &ref_value)
        };
        ctx.refs.entry(id.clone()).or_insert((ref_value, arn));
    }
    // What resources in a dependency cycle give is not known: CloudFormation cannot create them.
    for id in &linted.cyclic {
        ctx.refs.remove(id);
    }
    // SAM globals apply to every function.
    let globals = root.get("Globals").and_then(|g| g.get("Function"));
    // A logical id declared twice is an error (reported above); the first declaration is read,
    // as the first is what `Ref` and `Fn::GetAtt` resolve to, so no resource is read twice.
    let mut seen = std::collections::BTreeSet::new();
    for (id, r) in resources.entries() {
        if !seen.insert(id.as_str()) {
            continue;
        }
        let kind = r
            .get("Type")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut used = Vec::new();
        if let Some(p) = r.get("Properties") {
            // Tags do not change what is audited: their conditions are not branched on (a tag
            // whose value depends on an undecided condition is left out).
            conditions_used(p, &mut used, true);
        }
        // A condition that is not declared is an error (reported above), never a free choice.
        used.retain(|c| ctx.conditions.contains_key(c));
        used.sort();
        used.dedup();
        let fixed: Vec<String> = used.iter().skip(MAX_BRANCH_CONDITIONS).cloned().collect();
        used.truncate(MAX_BRANCH_CONDITIONS);
        let own = r.get("Condition").and_then(Node::as_str).map(str::to_owned);
        let mut variants: Vec<(String, Value)> = Vec::new();
        for combo in 0..(1usize << used.len()) {
            ctx.assume.clear();
            for (bit, c) in used.iter().enumerate() {
                ctx.assume.insert(c.clone(), combo & (1 << bit) != 0);
            }
            for c in &fixed {
                let v = ctx.condition(c, 0).unwrap_or(false);
                ctx.assume.insert(c.clone(), v);
            }
            if let Some(c) = &own
                && ctx.assume.get(c) == Some(&false)
            {
                continue; // not created on this branch
            }
            let mut props = r
                .get("Properties")
                .map_or(Value::Map(BTreeMap::new()), |p| ctx.eval(p, 0));
            if kind == "AWS::Serverless::Function"
                && let (Some(g), Value::Map(m)) = (globals, &mut props)
                && let Value::Map(gm) = ctx.eval(g, 0)
            {
                for (k, v) in gm {
                    m.entry(k).or_insert(v);
                }
            }
            if let Value::Map(m) = &mut props
                && let Some(meta) = r.get("Metadata")
            {
                m.insert("@Metadata".to_owned(), ctx.eval(meta, 0));
            }
            // A property known only at deployment keeps its expression (`@expr:KEY`): two
            // identical expressions in one stack give one value (a bucket policy's `Bucket` and
            // the bucket's `BucketName`, both `!Sub "${AppName}-${AWS::AccountId}"`).
            if let (Value::Map(m), Some(raw_props)) = (&mut props, r.get("Properties")) {
                for (k, node) in raw_props.entries() {
                    if m.get(k).is_some_and(Value::is_unknown) {
                        m.insert(format!("@expr:{k}"), Value::str(node::shape(node)));
                    }
                }
            }
            let label: Vec<String> = used
                .iter()
                .map(|c| format!("{c}={}", ctx.assume.get(c).copied().unwrap_or(false)))
                .collect();
            if !variants.iter().any(|(_, v)| *v == props) {
                variants.push((label.join(","), props));
            }
        }
        let key_line = key_line(&lines, id, r.line);
        let mut waivers = waiver::around(&lines, key_line);
        if key_line != r.line {
            waivers.extend(
                waiver::around(&lines, r.line)
                    .into_iter()
                    .filter(|w| w.line == r.line),
            );
        }
        waivers.extend(metadata_waivers(r, r.line));
        let single = variants.len() == 1;
        let (ref_value, _) = ctx.refs.get(id).cloned().unwrap_or_default();
        for (branch, attrs) in variants {
            out.raws.push(Raw {
                kind: kind.clone(),
                address: format!("{}{id}", nesting.prefix),
                id: ref_value.clone(),
                origin: Origin::file(
                    display,
                    key_line,
                    key_column(&lines, key_line, id),
                    &format!("{}{id}", nesting.prefix),
                ),
                attrs,
                scope: format!("{display}:{}", nesting.prefix),
                waivers: waivers.clone(),
                branch: if single { String::new() } else { branch },
                instances_unknown: None,
            });
        }
    }
    let _ = &ctx.region;
    // Nested stacks with a local template: read with the parameters this template passes.
    let dir = Path::new(display)
        .parent()
        .unwrap_or_else(|| Path::new("."));
    let mut seen = std::collections::BTreeSet::new();
    for (id, r) in resources.entries() {
        if !seen.insert(id.as_str()) {
            continue;
        }
        let Some(path) = local_template(r, dir) else {
            continue;
        };
        let at = |message: String| crate::raw::IacError {
            file: display.to_owned(),
            line: r.line,
            column: r.column,
            message,
        };
        let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
        let me = Path::new(display)
            .canonicalize()
            .unwrap_or_else(|_| PathBuf::from(display));
        if canon == me || nesting.chain.contains(&canon) || nesting.chain.len() >= MAX_NESTING {
            out.file_error(at(format!(
                "nested stack `{id}` includes `{}` again: a cycle of nested stacks (or more than {MAX_NESTING} levels)",
                path.display()
            )));
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                out.file_error(at(format!(
                    "nested stack `{id}`: cannot read `{}`: {e}",
                    path.display()
                )));
                continue;
            }
        };
        let params = match r.get("Properties").and_then(|p| p.get("Parameters")) {
            Some(p) => match ctx.eval(p, 0) {
                Value::Map(m) => m.into_iter().filter(|(k, _)| !k.starts_with('@')).collect(),
                _ => BTreeMap::new(),
            },
            None => BTreeMap::new(),
        };
        let mut chain = nesting.chain.clone();
        chain.push(me);
        let child = Nesting {
            params,
            prefix: format!("{}{id}/", nesting.prefix),
            chain,
        };
        load_nested(&text, &path.display().to_string(), out, &child);
    }
}

/// The line of a resource's logical id: at or just above where its body starts (YAML block
/// mappings start on the line after their key).
fn key_line(lines: &[&str], id: &str, body_line: u32) -> u32 {
    let quoted = format!("\"{id}\"");
    let plain = format!("{id}:");
    let lo = body_line.saturating_sub(3).max(1);
    (lo..=body_line)
        .rev()
        .find(|l| {
            lines.get((*l as usize).saturating_sub(1)).is_some_and(|t| {
                let t = t.trim_start();
                t.starts_with(&plain) || t.starts_with(&quoted) || t.starts_with(&format!("'{id}'"))
            })
        })
        .unwrap_or(body_line)
}

fn key_column(lines: &[&str], line: u32, id: &str) -> u32 {
    lines
        .get((line as usize).saturating_sub(1))
        .and_then(|t| t.find(id))
        .map_or(1, |c| u32::try_from(c).unwrap_or(0) + 1)
        .saturating_sub(u32::from(
            lines
                .get((line as usize).saturating_sub(1))
                .is_some_and(|t| t.contains(&format!("\"{id}\""))),
        ))
        .max(1)
}

/// `Metadata: { rampart: { ignore: [ {check: S3-003, reason: …} | "S3-003 reason" ] } }`.
fn metadata_waivers(r: &Node, line: u32) -> Vec<WaiverComment> {
    let Some(list) = r
        .get("Metadata")
        .and_then(|m| m.get("rampart"))
        .and_then(|m| m.get("ignore"))
    else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &list.n {
        N::Seq(s) => s.iter().collect(),
        _ => vec![list],
    };
    items
        .into_iter()
        .filter_map(|it| match &it.n {
            N::Str(s) => waiver::parse_line(&format!("rampart:ignore {s}"), it.line),
            N::Map(_) => {
                let code = it
                    .get("check")
                    .or_else(|| it.get("id"))
                    .or_else(|| it.get("code"))
                    .and_then(Node::as_str)?;
                let reason = it
                    .get("reason")
                    .or_else(|| it.get("comment"))
                    .and_then(Node::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                Some(WaiverComment {
                    checks: vec![code.to_ascii_uppercase()],
                    reason: reason.map(str::to_owned),
                    line: if it.line > 0 { it.line } else { line },
                })
            }
            _ => None,
        })
        .collect()
}

/// The conditions `Fn::If` uses under `n`; at the top of `Properties`, `Tags` is skipped.
fn conditions_used(n: &Node, out: &mut Vec<String>, top: bool) {
    match &n.n {
        N::Map(m) => {
            for (k, v) in m {
                if top && k == "Tags" {
                    continue;
                }
                if k == "Fn::If"
                    && let N::Seq(args) = &v.n
                    && let Some(c) = args.first().and_then(Node::as_str)
                {
                    out.push(c.to_owned());
                }
                conditions_used(v, out, false);
            }
        }
        N::Seq(s) => s.iter().for_each(|x| conditions_used(x, out, false)),
        _ => {}
    }
}

fn synth_arn(kind: &str, name: &str) -> String {
    let acct = crate::ACCOUNT_ID;
    let region = crate::DEFAULT_REGION;
    match kind {
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{name}"),
        "AWS::IAM::Role" => format!("arn:aws:iam::{acct}:role/{name}"),
        "AWS::IAM::User" => format!("arn:aws:iam::{acct}:user/{name}"),
        "AWS::IAM::Group" => format!("arn:aws:iam::{acct}:group/{name}"),
        "AWS::IAM::ManagedPolicy" => format!("arn:aws:iam::{acct}:policy/{name}"),
        "AWS::KMS::Key" => format!("arn:aws:kms:{region}:{acct}:key/{name}"),
        "AWS::SNS::Topic" => format!("arn:aws:sns:{region}:{acct}:{name}"),
        "AWS::Logs::LogGroup" => format!("arn:aws:logs:{region}:{acct}:log-group:{name}"),
        "AWS::DynamoDB::Table" => format!("arn:aws:dynamodb:{region}:{acct}:table/{name}"),
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            format!("arn:aws:lambda:{region}:{acct}:function:{name}")
        }
        _ => {
            let mut parts = kind.split("::");
            let service = parts.nth(1).unwrap_or("unknown").to_ascii_lowercase();
            let res = parts.next().unwrap_or("resource").to_ascii_lowercase();
            format!("arn:aws:{service}:{region}:{acct}:{res}/{name}")
        }
    }
}

const MAX_DEPTH: usize = 128;

impl Ctx<'_> {
    fn eval(&self, n: &Node, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        match &n.n {
            N::Null => Value::Null,
            N::Bool(b) => Value::Bool(*b),
            N::Num(x) => Value::Number(*x),
            N::Str(s) => Value::String(s.clone()),
            N::Seq(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval(i, d))
                    .filter(|v| !is_no_value(v))
                    .collect(),
            ),
            N::Map(m) => {
                if let [(k, arg)] = m.as_slice()
                    && (k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
                {
                    return self.intrinsic(k, arg, d);
                }
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    let v = self.eval(v, d);
                    if !is_no_value(&v) {
                        out.insert(k.clone(), v);
                    }
                }
                out.insert(LINE_KEY.to_owned(), Value::Number(f64::from(n.line)));
                out.insert(COLUMN_KEY.to_owned(), Value::Number(f64::from(n.column)));
                Value::Map(out)
            }
        }
    }

    fn intrinsic(&self, f: &str, arg: &Node, d: usize) -> Value {
        let args: Vec<&Node> = match &arg.n {
            N::Seq(s) => s.iter().collect(),
            _ => vec![arg],
        };
        let a = |i: usize| args.get(i).map_or(Value::Null, |n| self.eval(n, d));
        match f {
            "Ref" => {
                let name = arg
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| self.eval(arg, d).as_string())
                    .unwrap_or_default();
                self.reference(&name)
            }
            "Condition" => arg
                .as_str()
                .and_then(|c| self.condition(c, d))
                .map_or(Value::Unknown, Value::Bool),
            "Fn::GetAtt" => {
                let (res, attr) = match (a(0).as_string(), a(1).as_string()) {
                    (Some(r), Some(at)) => (r, at),
                    (Some(r), None) => match r.split_once('.') {
                        Some((x, y)) => (x.to_owned(), y.to_owned()),
                        None => return Value::Unknown,
                    },
                    _ => return Value::Unknown,
                };
                match self.refs.get(&res) {
                    Some((id, arn)) => match attr.as_str() {
                        "Arn" => Value::str(arn.clone()),
                        "GroupId" | "Id" | "KeyId" | "AllocationId" | "RoleId" | "TopicName"
                        // A launch template's (`Ref` gives its id; a group names it by either).
                        | "LaunchTemplateId" | "LaunchTemplateName" => {
                            Value::str(id.clone())
                        }
                        _ => Value::Unknown,
                    },
                    None => Value::Unknown,
                }
            }
            "Fn::Sub" => {
                let template = a(0);
                let vars = if args.len() > 1 { a(1) } else { Value::Null };
                match template.as_str() {
                    Some(t) => self.sub(t, &vars),
                    None => Value::Unknown,
                }
            }
            "Fn::Join" => {
                let (Some(sep), Value::List(items)) = (a(0).as_string(), a(1)) else {
                    return Value::Unknown;
                };
                let mut parts = Vec::new();
                for it in items {
                    match it.as_string() {
                        Some(s) => parts.push(s),
                        None => return Value::Unknown,
                    }
                }
                Value::String(parts.join(&sep))
            }
            "Fn::Select" => match (a(0).as_i64(), a(1)) {
                (Some(i), Value::List(l)) => usize::try_from(i)
                    .ok()
                    .and_then(|i| l.get(i).cloned())
                    .unwrap_or(Value::Unknown),
                _ => Value::Unknown,
            },
            "Fn::Split" => match (a(0).as_string(), a(1).as_string()) {
                (Some(sep), Some(s)) if !sep.is_empty() => Value::List(
                    s.split(sep.as_str())
                        .map(|x| Value::str(x.to_owned()))
                        .collect(),
                ),
                _ => Value::Unknown,
            },
            "Fn::If" => {
                let Some(c) = args.first().and_then(|n| n.as_str()) else {
                    return Value::Unknown;
                };
                match self.assume.get(c).copied().or_else(|| self.condition(c, d)) {
                    Some(true) => a(1),
                    Some(false) => a(2),
                    None => Value::Unknown,
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => self
                .boolean(f, &args, d)
                .map_or(Value::Unknown, Value::Bool),
            "Fn::FindInMap" => {
                let (Some(m), Some(k1), Some(k2)) =
                    (a(0).as_string(), a(1).as_string(), a(2).as_string())
                else {
                    return args
                        .get(3)
                        .and_then(|x| x.get("DefaultValue"))
                        .map_or(Value::Unknown, |x| self.eval(x, d));
                };
                self.mappings
                    .and_then(|mp| mp.get(&m))
                    .and_then(|x| x.get(&k1))
                    .and_then(|x| x.get(&k2))
                    .map_or(Value::Unknown, |x| self.eval(x, d))
            }
            "Fn::Base64" => a(0),
            "Fn::ToJsonString" => {
                let v = a(0);
                if v.has_unknown() {
                    Value::Unknown
                } else {
                    Value::String(v.to_json().to_string())
                }
            }
            "Fn::Length" => match a(0) {
                #[allow(clippy::cast_precision_loss)]
                Value::List(l) => Value::Number(l.len() as f64),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    fn reference(&self, name: &str) -> Value {
        match name {
            "AWS::Region" => Value::str(self.region.clone()),
            "AWS::AccountId" => Value::str(crate::ACCOUNT_ID),
            "AWS::Partition" => Value::str("aws"),
            "AWS::URLSuffix" => Value::str("amazonaws.com"),
            "AWS::NoValue" => Value::str(NO_VALUE),
            "AWS::StackName" => Value::str("stack"),
            "AWS::StackId" | "AWS::NotificationARNs" => Value::Unknown,
            _ => {
                if let Some(v) = self.params.get(name) {
                    return v.clone();
                }
                self.refs
                    .get(name)
                    .map_or(Value::Unknown, |(id, _)| Value::str(id.clone()))
            }
        }
    }

    fn sub(&self, t: &str, vars: &Value) -> Value {
        let mut out = String::new();
        let mut rest = t;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            } else {
                let v = match vars.get(name) {
                    Value::Null => match name.split_once('.') {
                        Some((res, attr)) if self.refs.contains_key(res) => {
                            let (id, arn) = self.refs.get(res).cloned().unwrap_or_default();
                            match attr {
                                "Arn" => Value::str(arn),
                                "GroupId" | "Id" | "KeyId" => Value::str(id),
                                _ => Value::Unknown,
                            }
                        }
                        _ => self.reference(name),
                    },
                    v => v.clone(),
                };
                match v.as_string() {
                    Some(s) => out.push_str(&s),
                    None => return Value::Unknown,
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }

    fn condition(&self, name: &str, d: usize) -> Option<bool> {
        if let Some(v) = self.assume.get(name) {
            return Some(*v);
        }
        if d > MAX_DEPTH {
            return None;
        }
        let n = self.conditions.get(name)?;
        self.eval(n, d + 1).as_bool()
    }

    fn boolean(&self, f: &str, args: &[&Node], d: usize) -> Option<bool> {
        let b = |n: &Node| self.eval(n, d).as_bool();
        match f {
            "Fn::Equals" => {
                let x = self.eval(args.first()?, d);
                let y = self.eval(args.get(1)?, d);
                if x.has_unknown() || y.has_unknown() {
                    return None;
                }
                Some(
                    x.as_string()
                        .zip(y.as_string())
                        .map_or(x == y, |(p, q)| p == q),
                )
            }
            "Fn::Not" => b(args.first()?).map(|x| !x),
            "Fn::And" => {
                let vals: Option<Vec<bool>> = args.iter().map(|n| b(n)).collect();
                vals.map(|v| v.into_iter().all(|x| x))
            }
            _ => {
                let vals: Option<Vec<bool>> = args.iter().map(|n| b(n)).collect();
                vals.map(|v| v.into_iter().any(|x| x))
            }
        }
    }
}

/// What `Ref: AWS::NoValue` evaluates to: the property is removed.
const NO_VALUE: &str = "\u{0}AWS::NoValue";

fn is_no_value(v: &Value) -> bool {
    v.as_str() == Some(NO_VALUE)
}
