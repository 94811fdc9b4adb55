//! Terraform configuration (HCL): every `.tf` of a module, variables and `.tfvars`, locals,
//! `count` / `for_each`, `dynamic` blocks, data sources and local modules, evaluated to
//! [`Raw`] resources with their file, line and column.
//!
//! References between resources are resolved by evaluating the module a few times: each pass
//! sees the resources of the previous one, so chains such as bucket → versioning → policy settle
//! without a dependency graph. Identifiers AWS assigns (`id`, `arn`) are synthesized from the
//! address, so that a rule naming `aws_security_group.web.id` finds that group.

pub mod eval;
mod funcs;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl::edit::Span as _;
use hcl::edit::structure::{Body, Structure};
use hcl::expr::Expression;
use rampart_model::inventory::DeclaredDefault;
use rampart_model::{Gap, Origin};

use self::eval::{Env, RESOURCE_MARK, Scope};
use crate::raw::{Collected, IacError, Raw};
use crate::value::{COLUMN_KEY, LINE_KEY, LineIndex, Value};
use crate::waiver;

/// Passes over a module: enough for reference chains three deep.
const PASSES: usize = 3;
/// Local modules calling local modules: deeper than this is a cycle or abuse.
const MAX_MODULE_DEPTH: usize = 6;
/// Largest `count` expanded.
const MAX_INSTANCES: usize = 256;

/// A block, converted once from the parser's tree.
#[derive(Debug, Clone)]
pub struct Blk {
    /// The block type (`resource`, `ingress`).
    pub ident: String,
    /// Labels.
    pub labels: Vec<String>,
    /// Attributes in order: name, expression, line.
    pub attrs: Vec<(String, Expression)>,
    /// Nested blocks.
    pub blocks: Vec<Blk>,
    /// 1-based line and column of the block's start.
    pub line: u32,
    /// Column.
    pub column: u32,
}

impl Blk {
    fn attr(&self, name: &str) -> Option<&Expression> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, e)| e)
    }
}

/// One parsed `.tf` file.
#[derive(Debug)]
pub struct SrcFile {
    /// The path as displayed in findings.
    pub display: String,
    /// Top-level blocks.
    pub blocks: Vec<Blk>,
    /// The text's lines (for waiver comments).
    pub lines: Vec<String>,
}

/// Parses HCL text into blocks; errors carry line and column.
///
/// # Errors
/// The parser's message with its position.
pub fn parse(text: &str, display: &str) -> Result<SrcFile, IacError> {
    let body: Body = hcl::edit::parser::parse_body(text).map_err(|e| IacError {
        file: display.to_owned(),
        line: u32::try_from(e.location().line()).unwrap_or(0),
        column: u32::try_from(e.location().column()).unwrap_or(0),
        message: e.message().to_owned(),
    })?;
    let index = LineIndex::new(text);
    Ok(SrcFile {
        display: display.to_owned(),
        blocks: convert_body(&body, &index).1,
        lines: text.lines().map(str::to_owned).collect(),
    })
}

fn convert_body(body: &Body, index: &LineIndex) -> (Vec<(String, Expression)>, Vec<Blk>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                attrs.push((a.key.as_str().to_owned(), Expression::from(a.value.clone())));
            }
            Structure::Block(b) => {
                let (line, column) = b.span().map_or((0, 0), |r| index.position(r.start));
                let (a, bl) = convert_body(&b.body, index);
                blocks.push(Blk {
                    ident: b.ident.as_str().to_owned(),
                    labels: b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    attrs: a,
                    blocks: bl,
                    line,
                    column,
                });
            }
        }
    }
    (attrs, blocks)
}

/// Reads a `.tfvars` file (attributes only) to values.
///
/// # Errors
/// Parse errors, with position.
pub fn parse_tfvars(text: &str, display: &str) -> Result<BTreeMap<String, Value>, IacError> {
    if display.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| IacError {
            file: display.to_owned(),
            line: u32::try_from(e.line()).unwrap_or(0),
            column: u32::try_from(e.column()).unwrap_or(0),
            message: e.to_string(),
        })?;
        return Ok(match Value::from_json(&v) {
            Value::Map(m) => m,
            _ => BTreeMap::new(),
        });
    }
    let body: Body = hcl::edit::parser::parse_body(text).map_err(|e| IacError {
        file: display.to_owned(),
        line: u32::try_from(e.location().line()).unwrap_or(0),
        column: u32::try_from(e.location().column()).unwrap_or(0),
        message: e.message().to_owned(),
    })?;
    let scope = Scope::default();
    let mut out = BTreeMap::new();
    for a in body.attributes() {
        out.insert(
            a.key.as_str().to_owned(),
            scope.eval(&Expression::from(a.value.clone()), &Env::new()),
        );
    }
    Ok(out)
}

/// Options for reading Terraform.
#[derive(Debug, Clone, Default)]
pub struct TfOptions {
    /// `-var-file` files, in order (later ones win).
    pub var_files: Vec<PathBuf>,
}

/// The reader: parsed modules are cached by directory.
struct Loader<'c> {
    cache: HashMap<PathBuf, Rc<Vec<SrcFile>>>,
    out: &'c mut Collected,
    base: PathBuf,
    root_dir: PathBuf,
    seen_defaults: std::collections::HashSet<(String, u32)>,
    /// The real directories of the modules being evaluated, outermost first (cycle guard).
    calls: Vec<PathBuf>,
    /// Why the instances of the module calls being evaluated are not known, innermost last
    /// (`None` for a call whose instances are known).
    unknown_calls: Vec<Option<String>>,
}

/// Whether a directory holds `.tf` files.
#[must_use]
pub fn has_tf_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "tf") && e.path().is_file())
    })
}

/// Every directory under `dir` (itself included) that holds `.tf` files, sorted; hidden
/// directories and `.terraform` caches are skipped. Each real directory is listed once, however
/// many symbolic links lead to it (a link to a parent directory is not a loop).
#[must_use]
pub fn module_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let real = std::fs::canonicalize(&d).unwrap_or_else(|_| d.clone());
        if !seen.insert(real) {
            continue;
        }
        if has_tf_files(&d) {
            out.push(d.clone());
        }
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if p.is_dir() && !name.starts_with('.') && name != "node_modules" {
                    stack.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

/// The root modules among `dirs`: a directory that another of them calls as a local module is
/// read through that call (its resources exist once, at their `module.NAME.` address), not as a
/// root of its own. Directories that only call each other (a cycle, an error reported at the
/// call) stay roots, so that nothing is left unread.
fn roots(loader: &mut Loader<'_>, dirs: &[PathBuf]) -> Vec<PathBuf> {
    let real = |d: &Path| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf());
    let reals: Vec<PathBuf> = dirs.iter().map(|d| real(d)).collect();
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); dirs.len()];
    for (i, d) in dirs.iter().enumerate() {
        let files = loader.files(d);
        for f in files.iter() {
            for b in f.blocks.iter().filter(|b| b.ident == "module") {
                let Some(source) = b
                    .attr("source")
                    .map(|e| Scope::default().eval(e, &Env::new()))
                    .and_then(|v| v.as_string())
                else {
                    continue;
                };
                if !(source.starts_with("./") || source.starts_with("../")) {
                    continue;
                }
                let target = real(&d.join(&source));
                if let Some(j) = reals.iter().position(|r| *r == target)
                    && j != i
                {
                    callees[i].push(j);
                }
            }
        }
    }
    let called: std::collections::HashSet<usize> = callees.iter().flatten().copied().collect();
    let mut is_root: Vec<bool> = (0..dirs.len()).map(|i| !called.contains(&i)).collect();
    // Whatever no root reaches (directories calling each other in a cycle) is read as a root.
    let mut reached = vec![false; dirs.len()];
    let mut stack: Vec<usize> = (0..dirs.len()).filter(|i| is_root[*i]).collect();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(callees[i].iter().copied());
    }
    for i in 0..dirs.len() {
        if !reached[i] {
            is_root[i] = true;
            let mut st = vec![i];
            while let Some(k) = st.pop() {
                if !std::mem::replace(&mut reached[k], true) {
                    st.extend(callees[k].iter().copied());
                }
            }
        }
    }
    dirs.iter()
        .zip(is_root)
        .filter(|(_, r)| *r)
        .map(|(d, _)| d.clone())
        .collect()
}

/// Reads every Terraform root module under `input` (a directory) into `out`.
pub fn load(input: &Path, opts: &TfOptions, out: &mut Collected) {
    let base = if input.is_dir() {
        input.to_path_buf()
    } else {
        input.parent().unwrap_or(Path::new(".")).to_path_buf()
    };
    let mut loader = Loader {
        cache: HashMap::new(),
        out,
        base: base.clone(),
        root_dir: base.clone(),
        seen_defaults: std::collections::HashSet::new(),
        calls: Vec::new(),
        unknown_calls: Vec::new(),
    };
    let dirs = module_dirs(&base);
    for dir in roots(&mut loader, &dirs) {
        let is_base = dir == base;
        loader.root(&dir, opts, is_base);
    }
}

/// Reads one `.tf` file alone as a root module (`rampart scan main.tf`): the other `.tf` files of
/// its directory are not read; its directory's variable files and the local modules it calls
/// are.
pub fn load_file(path: &Path, opts: &TfOptions, out: &mut Collected) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut loader = Loader {
        cache: HashMap::new(),
        out,
        base: dir.clone(),
        root_dir: dir.clone(),
        seen_defaults: std::collections::HashSet::new(),
        calls: Vec::new(),
        unknown_calls: Vec::new(),
    };
    let display = path.display().to_string();
    let file = match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &display),
        Err(e) => Err(IacError {
            file: display,
            line: 0,
            column: 0,
            message: e.to_string(),
        }),
    };
    match file {
        Ok(f) => {
            loader.out.files_read += 1;
            loader.cache.insert(dir.clone(), Rc::new(vec![f]));
            loader.root(&dir, opts, true);
        }
        Err(e) => loader.out.file_error(e),
    }
}

impl Loader<'_> {
    /// Reads the root module in `dir` with its variable files (`opts`' only for the input's own
    /// directory).
    fn root(&mut self, dir: &Path, opts: &TfOptions, is_base: bool) {
        let loader = self;
        let dir = dir.to_path_buf();
        loader.root_dir.clone_from(&dir);
        let mut vars = BTreeMap::new();
        // terraform.tfvars, then *.auto.tfvars in name order, then -var-file in order.
        let mut files: Vec<PathBuf> = Vec::new();
        let tfvars = dir.join("terraform.tfvars");
        if tfvars.is_file() {
            files.push(tfvars);
        }
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut autos: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                    })
                })
                .collect();
            autos.sort();
            files.extend(autos);
        }
        if is_base {
            files.extend(opts.var_files.iter().cloned());
        }
        for f in files {
            let display = f.display().to_string();
            match std::fs::read_to_string(&f) {
                Ok(text) => match parse_tfvars(&text, &display) {
                    Ok(v) => vars.extend(v),
                    Err(e) => loader.out.file_error(e),
                },
                Err(e) => loader.out.file_error(IacError {
                    file: display,
                    line: 0,
                    column: 0,
                    message: e.to_string(),
                }),
            }
        }
        loader.module(&dir, Some(vars), "", 0, true);
    }
}

/// Reads one Terraform file given as text (a module of its own, no variable files): for
/// tests and fuzzing.
pub fn load_source(text: &str, display: &str, out: &mut Collected) {
    let dir = PathBuf::from(format!("{display}.module"));
    let mut loader = Loader {
        cache: HashMap::new(),
        out,
        base: dir.clone(),
        root_dir: dir.clone(),
        seen_defaults: std::collections::HashSet::new(),
        calls: Vec::new(),
        unknown_calls: Vec::new(),
    };
    match parse(text, display) {
        Ok(f) => {
            loader.out.files_read += 1;
            loader.cache.insert(dir.clone(), Rc::new(vec![f]));
            loader.module(&dir, Some(BTreeMap::new()), "", 0, true);
        }
        Err(e) => loader.out.file_error(e),
    }
}

impl Loader<'_> {
    /// A module file outside the root module's directory (`source = "../../"`) may be
    /// instantiated by several roots at the same address: its resources are told apart by
    /// their root (`[root examples/complete]`). Files inside the root's directory need not be.
    fn root_label(&self, file: &str) -> String {
        let root = self.display(&self.root_dir);
        let inside = root.is_empty() || root == "." || Path::new(file).starts_with(&root);
        if inside {
            String::new()
        } else {
            format!("root {root}")
        }
    }

    fn display(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.base).unwrap_or(path);
        let base = self.base.display().to_string();
        if base.is_empty() || base == "." {
            rel.display().to_string()
        } else {
            self.base.join(rel).display().to_string()
        }
    }

    fn files(&mut self, dir: &Path) -> Rc<Vec<SrcFile>> {
        if let Some(f) = self.cache.get(dir) {
            return Rc::clone(f);
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "tf") && p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let display = self.display(&p);
            match std::fs::read_to_string(&p) {
                Ok(text) => match parse(&text, &display) {
                    Ok(f) => {
                        self.out.files_read += 1;
                        files.push(f);
                    }
                    Err(e) => self.out.file_error(e),
                },
                Err(e) => self.out.file_error(IacError {
                    file: display,
                    line: 0,
                    column: 0,
                    message: e.to_string(),
                }),
            }
        }
        let rc = Rc::new(files);
        self.cache.insert(dir.to_path_buf(), Rc::clone(&rc));
        rc
    }

    /// Evaluates one module instance; returns its outputs. `inputs` is `Some` for the root
    /// (tfvars values) and for module calls (their arguments).
    #[allow(clippy::too_many_lines)]
    fn module(
        &mut self,
        dir: &Path,
        inputs: Option<BTreeMap<String, Value>>,
        prefix: &str,
        depth: usize,
        collect: bool,
    ) -> Value {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        self.calls.push(real);
        let out = self.module_body(dir, inputs, prefix, depth, collect);
        self.calls.pop();
        out
    }

    fn module_body(
        &mut self,
        dir: &Path,
        inputs: Option<BTreeMap<String, Value>>,
        prefix: &str,
        depth: usize,
        collect: bool,
    ) -> Value {
        let files = self.files(dir);
        let mut scope = Scope {
            dir: dir.to_path_buf(),
            root_dir: self.root_dir.clone(),
            ..Scope::default()
        };
        // Variables: given value, else default, else unknown.
        let inputs = inputs.unwrap_or_default();
        for f in files.iter() {
            for b in f.blocks.iter().filter(|b| b.ident == "variable") {
                let Some(name) = b.labels.first() else {
                    continue;
                };
                let default = b.attr("default").map(|e| scope.eval(e, &Env::new()));
                if collect && let Some(d) = &default {
                    self.declared_default(f, b, name, d, &scope);
                }
                let v = match inputs.get(name) {
                    Some(v) if !v.is_null() => v.clone(),
                    _ => match default {
                        Some(d) => d,
                        None => Value::Unknown,
                    },
                };
                scope.vars.insert(name.clone(), v);
            }
            for b in f.blocks.iter().filter(|b| b.ident == "locals") {
                for (k, e) in &b.attrs {
                    scope.locals.insert(k.clone(), e.clone());
                }
            }
            if prefix.is_empty() {
                for b in f.blocks.iter().filter(|b| {
                    b.ident == "provider" && b.labels.first().is_some_and(|l| l == "aws")
                }) {
                    if b.attr("alias").is_none()
                        && let Some(r) = b
                            .attr("region")
                            .map(|e| scope.eval(e, &Env::new()))
                            .and_then(|v| v.as_string())
                    {
                        self.out.region.get_or_insert(r);
                    }
                }
            }
        }
        for pass in 0..PASSES {
            let last = pass + 1 == PASSES;
            scope.local_values.borrow_mut().clear();
            let mut resources: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
            let mut data: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
            let mut modules: BTreeMap<String, Value> = BTreeMap::new();
            for f in files.iter() {
                for b in &f.blocks {
                    match (b.ident.as_str(), b.labels.as_slice()) {
                        ("resource", [kind, name]) => {
                            let v =
                                self.instances(&scope, f, b, kind, name, prefix, collect && last);
                            resources
                                .entry(kind.clone())
                                .or_default()
                                .insert(name.clone(), v);
                        }
                        ("data", [kind, name]) => {
                            let v = self.data_source(&scope, b, kind, name, prefix);
                            data.entry(kind.clone())
                                .or_default()
                                .insert(name.clone(), v);
                        }
                        ("module", [name]) => {
                            let v = self.module_call(
                                &scope,
                                f,
                                b,
                                name,
                                prefix,
                                depth,
                                collect && last,
                            );
                            modules.insert(name.clone(), v);
                        }
                        _ => {}
                    }
                }
            }
            scope.resources = resources;
            scope.data = data;
            scope.modules = modules;
        }
        scope.local_values.borrow_mut().clear();
        let mut outputs = BTreeMap::new();
        for f in files.iter() {
            for b in f.blocks.iter().filter(|b| b.ident == "output") {
                if let (Some(name), Some(e)) = (b.labels.first(), b.attr("value")) {
                    outputs.insert(name.clone(), scope.eval(e, &Env::new()));
                }
            }
        }
        Value::Map(outputs)
    }

    fn declared_default(&mut self, f: &SrcFile, b: &Blk, name: &str, d: &Value, scope: &Scope) {
        if !self.seen_defaults.insert((f.display.clone(), b.line)) {
            return;
        }
        let value = match d {
            Value::Null | Value::Unknown => return,
            Value::List(_) | Value::Map(_) => d.to_json().to_string(),
            other => other.as_string().unwrap_or_default(),
        };
        if value.is_empty() {
            return;
        }
        let sensitive = b
            .attr("sensitive")
            .map(|e| scope.eval(e, &Env::new()))
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        self.out.declared_defaults.push(DeclaredDefault {
            kind: "terraform-variable".to_owned(),
            name: name.to_owned(),
            value,
            marked_sensitive: sensitive,
            origin: Origin::file(&f.display, b.line, b.column, &format!("var.{name}")),
        });
    }

    /// Expands `count` / `for_each`, evaluates each instance, and (on the last pass) records
    /// them. Returns what `TYPE.NAME` evaluates to.
    #[allow(clippy::too_many_arguments)]
    fn instances(
        &mut self,
        scope: &Scope,
        f: &SrcFile,
        b: &Blk,
        kind: &str,
        name: &str,
        prefix: &str,
        collect: bool,
    ) -> Value {
        let base_addr = format!("{prefix}{kind}.{name}");
        let (shape, list, unknown) = expand(scope, b);
        let unknown = unknown
            .map(|why| format!("{why} of `{base_addr}`"))
            .or_else(|| self.unknown_calls.iter().rev().find_map(Clone::clone));
        let mut values = Vec::new();
        for (suffix, env) in list {
            let address = format!("{base_addr}{suffix}");
            let mut attrs = eval_body(scope, b, &env, true);
            let id = synth_id(kind, &attrs, &address);
            if let Value::Map(m) = &mut attrs {
                // Identifiers of other providers' resources (`random_pet`, `tls_private_key`)
                // are made up on apply: unknown.
                if kind.starts_with("aws_") {
                    m.entry("id".to_owned())
                        .or_insert_with(|| Value::str(id.clone()));
                    let arn = synth_arn(kind, m, &id);
                    m.entry("arn".to_owned()).or_insert(arn);
                    for (k, v) in synth_attrs(kind, &id) {
                        m.entry(k.to_owned()).or_insert(Value::String(v));
                    }
                }
                m.insert(RESOURCE_MARK.to_owned(), Value::Bool(true));
            }
            if collect {
                let waivers = waiver::around(
                    &f.lines.iter().map(String::as_str).collect::<Vec<_>>(),
                    b.line,
                );
                self.out.raws.push(Raw {
                    kind: kind.to_owned(),
                    address: address.clone(),
                    id: id.clone(),
                    origin: Origin::file(&f.display, b.line, b.column, &address),
                    attrs: attrs.clone(),
                    scope: prefix.to_owned(),
                    waivers,
                    branch: self.root_label(&f.display),
                    instances_unknown: unknown.clone(),
                });
            }
            values.push((suffix, attrs));
        }
        shape.assemble(values)
    }

    fn data_source(
        &mut self,
        scope: &Scope,
        b: &Blk,
        kind: &str,
        name: &str,
        prefix: &str,
    ) -> Value {
        let (shape, list, _) = expand(scope, b);
        let mut values = Vec::new();
        for (suffix, env) in list {
            let attrs = eval_body(scope, b, &env, true);
            let address = format!("{prefix}data.{kind}.{name}{suffix}");
            let mut m = match attrs {
                Value::Map(m) => m,
                _ => BTreeMap::new(),
            };
            match kind {
                "aws_iam_policy_document" => {
                    let doc = crate::map::policy::document_from_tf(&Value::Map(m.clone()));
                    let text = doc.to_string();
                    m.insert("json".to_owned(), Value::String(text.clone()));
                    m.insert("minified_json".to_owned(), Value::String(text));
                }
                "aws_caller_identity" => {
                    m.insert("account_id".to_owned(), Value::str(crate::ACCOUNT_ID));
                }
                "aws_partition" => {
                    m.insert("partition".to_owned(), Value::str("aws"));
                    m.insert("dns_suffix".to_owned(), Value::str("amazonaws.com"));
                }
                "aws_region" => {
                    let r = self
                        .out
                        .region
                        .clone()
                        .unwrap_or_else(|| crate::DEFAULT_REGION.to_owned());
                    m.insert("name".to_owned(), Value::str(r.clone()));
                    m.insert("id".to_owned(), Value::str(r));
                }
                _ => {
                    m.entry("id".to_owned())
                        .or_insert_with(|| Value::str(address.clone()));
                    m.insert(RESOURCE_MARK.to_owned(), Value::Bool(true));
                }
            }
            values.push((suffix, Value::Map(m)));
        }
        shape.assemble(values)
    }

    #[allow(clippy::too_many_arguments)]
    fn module_call(
        &mut self,
        scope: &Scope,
        f: &SrcFile,
        b: &Blk,
        name: &str,
        prefix: &str,
        depth: usize,
        collect: bool,
    ) -> Value {
        let source = b
            .attr("source")
            .map(|e| scope.eval(e, &Env::new()))
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let local = source.starts_with("./") || source.starts_with("../");
        if !local || depth >= MAX_MODULE_DEPTH {
            if collect {
                let why = if local {
                    "local modules nest too deep"
                } else {
                    "its source is not a local directory"
                };
                self.out.gaps.push(
                    Gap::new("iac.module", &format!("{}:{}", f.display, b.line), format!("module `{prefix}module.{name}` (source `{source}`) was not read: {why}; resources it declares are not audited"))
                        .with_code("NotRead"),
                );
            }
            return Value::Unknown;
        }
        let dir = scope.dir.join(&source);
        let dir = normalize(&dir);
        if !has_tf_files(&dir) {
            if collect {
                self.out.gaps.push(
                    Gap::new(
                        "iac.module",
                        &format!("{}:{}", f.display, b.line),
                        format!("module `{prefix}module.{name}`: `{source}` holds no .tf files"),
                    )
                    .with_code("NotFound"),
                );
            }
            return Value::Unknown;
        }
        let real = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if self.calls.contains(&real) {
            if collect {
                let err = IacError {
                    file: f.display.clone(),
                    line: b.line,
                    column: b.column,
                    message: format!(
                        "module `{prefix}module.{name}` calls `{source}`, which is already being evaluated: a module cycle (Terraform refuses it); the call is not expanded"
                    ),
                };
                self.out.gaps.push(
                    Gap::new("iac.module", &err.file, err.to_string()).with_code("ModuleCycle"),
                );
                self.out.errors.push(err);
            }
            return Value::Unknown;
        }
        let (shape, list, unknown) = expand(scope, b);
        self.unknown_calls
            .push(unknown.map(|why| format!("{why} of `{prefix}module.{name}`")));
        let mut values = Vec::new();
        for (suffix, env) in list {
            let mut inputs = BTreeMap::new();
            for (k, e) in &b.attrs {
                if !matches!(
                    k.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    inputs.insert(k.clone(), scope.eval(e, &env));
                }
            }
            let child_prefix = format!("{prefix}module.{name}{suffix}.");
            let outputs = self.module(&dir, Some(inputs), &child_prefix, depth + 1, collect);
            values.push((suffix, outputs));
        }
        self.unknown_calls.pop();
        shape.assemble(values)
    }
}

/// Resolves `.` and `..` without touching the file system, so module paths stay relative to
/// the input as the user gave it.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// How the instances of a block are addressed.
enum Shape {
    Single,
    List,
    Map,
}

impl Shape {
    fn assemble(self, values: Vec<(String, Value)>) -> Value {
        match self {
            Shape::Single => values.into_iter().next().map_or(Value::Null, |(_, v)| v),
            Shape::List => Value::List(values.into_iter().map(|(_, v)| v).collect()),
            Shape::Map => Value::Map(
                values
                    .into_iter()
                    .map(|(s, v)| {
                        (
                            s.trim_start_matches("[\"")
                                .trim_end_matches("\"]")
                                .to_owned(),
                            v,
                        )
                    })
                    .collect(),
            ),
        }
    }
}

/// The instances of a block with `count` or `for_each`: address suffix and bindings, and why
/// they are not known before apply when they are not. Terraform addresses the instances of a
/// `count` as `NAME[0]`, `NAME[1]`… and those of a `for_each` as `NAME["key"]` (Terraform
/// documentation, "Resource addressing"); a `count` or `for_each` whose value is known only
/// after apply gives one instance standing for all of them, `NAME[*]`, with its index or key
/// unknown.
fn expand(scope: &Scope, b: &Blk) -> (Shape, Vec<(String, Env)>, Option<String>) {
    if let Some(e) = b.attr("count") {
        let n = scope.eval(e, &Env::new());
        return match n.as_i64() {
            Some(k) => {
                let k = usize::try_from(k.max(0)).unwrap_or(0).min(MAX_INSTANCES);
                #[allow(clippy::cast_precision_loss)]
                let list = (0..k)
                    .map(|i| {
                        let mut env = Env::new();
                        env.insert(
                            "count".to_owned(),
                            obj(&[("index", Value::Number(i as f64))]),
                        );
                        (format!("[{i}]"), env)
                    })
                    .collect();
                (Shape::List, list, None)
            }
            None => {
                // Unknown count: one instance stands for all, its index unknown.
                let mut env = Env::new();
                env.insert("count".to_owned(), obj(&[("index", Value::Unknown)]));
                (
                    Shape::List,
                    vec![("[*]".to_owned(), env)],
                    Some("`count` is not known before apply".to_owned()),
                )
            }
        };
    }
    if let Some(e) = b.attr("for_each") {
        let coll = scope.eval(e, &Env::new());
        let pairs: Option<Vec<(String, Value)>> = match &coll {
            Value::Map(m) => Some(
                m.iter()
                    .filter(|(k, _)| !k.starts_with('@'))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            Value::List(l) => l
                .iter()
                .map(|v| v.as_string().map(|s| (s.clone(), Value::String(s))))
                .collect(),
            Value::Null => Some(Vec::new()),
            _ => None,
        };
        return match pairs {
            Some(p) => (
                Shape::Map,
                p.into_iter()
                    .take(MAX_INSTANCES)
                    .map(|(k, v)| {
                        let mut env = Env::new();
                        env.insert(
                            "each".to_owned(),
                            obj(&[("key", Value::str(k.clone())), ("value", v)]),
                        );
                        (format!("[\"{k}\"]"), env)
                    })
                    .collect(),
                None,
            ),
            None => {
                let mut env = Env::new();
                env.insert(
                    "each".to_owned(),
                    obj(&[("key", Value::Unknown), ("value", Value::Unknown)]),
                );
                (
                    Shape::Map,
                    vec![("[*]".to_owned(), env)],
                    Some("`for_each` is not known before apply".to_owned()),
                )
            }
        };
    }
    (Shape::Single, vec![(String::new(), Env::new())], None)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// Evaluates a block's body: attributes, nested blocks as lists of objects (with their line),
/// `dynamic` blocks expanded. A dynamic block whose collection is unknown is listed under
/// `@unknown_blocks`.
fn eval_body(scope: &Scope, b: &Blk, env: &Env, top: bool) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    for (k, e) in &b.attrs {
        if top && matches!(k.as_str(), "count" | "for_each" | "depends_on" | "provider") {
            continue;
        }
        m.insert(k.clone(), scope.eval(e, env));
    }
    for child in &b.blocks {
        match child.ident.as_str() {
            "lifecycle" | "provisioner" | "connection" | "timeouts" if top => {}
            "dynamic" => {
                let Some(label) = child.labels.first() else {
                    continue;
                };
                let iterator = match child.attr("iterator") {
                    Some(Expression::Variable(v)) => v.as_str().to_owned(),
                    _ => label.clone(),
                };
                let coll = child
                    .attr("for_each")
                    .map_or(Value::Null, |e| scope.eval(e, env));
                let pairs = match &coll {
                    Value::Map(mm) => Some(
                        mm.iter()
                            .filter(|(k, _)| !k.starts_with('@'))
                            .map(|(k, v)| (Value::str(k.clone()), v.clone()))
                            .collect::<Vec<_>>(),
                    ),
                    other => eval::iter_pairs(other),
                };
                let Some(content) = child.blocks.iter().find(|c| c.ident == "content") else {
                    continue;
                };
                match pairs {
                    Some(pairs) => {
                        for (k, v) in pairs.into_iter().take(MAX_INSTANCES) {
                            let mut inner = env.clone();
                            inner.insert(iterator.clone(), obj(&[("key", k), ("value", v)]));
                            let mut item = eval_body(scope, content, &inner, false);
                            mark(&mut item, child);
                            push_block(&mut m, label, item);
                        }
                    }
                    None => push_block(&mut m, "@unknown_blocks", Value::str(label.clone())),
                }
            }
            ident => {
                let mut item = eval_body(scope, child, env, false);
                mark(&mut item, child);
                push_block(&mut m, ident, item);
            }
        }
    }
    Value::Map(m)
}

fn mark(item: &mut Value, b: &Blk) {
    if let Value::Map(m) = item {
        m.insert(LINE_KEY.to_owned(), Value::Number(f64::from(b.line)));
        m.insert(COLUMN_KEY.to_owned(), Value::Number(f64::from(b.column)));
    }
}

fn push_block(m: &mut BTreeMap<String, Value>, key: &str, item: Value) {
    match m
        .entry(key.to_owned())
        .or_insert_with(|| Value::List(Vec::new()))
    {
        Value::List(l) => l.push(item),
        other => *other = Value::List(vec![item]),
    }
}

/// The `id` AWS would give: the bucket name for S3 buckets when known, else the address.
fn synth_id(kind: &str, attrs: &Value, address: &str) -> String {
    let named = |k: &str| attrs.get(k).as_str().map(str::to_owned);
    let id = match kind {
        "aws_s3_bucket" => named("bucket"),
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_instance_profile" => {
            named("name")
        }
        "aws_cloudwatch_log_group" | "aws_secretsmanager_secret" | "aws_ssm_parameter" => {
            named("name")
        }
        _ => None,
    };
    id.unwrap_or_else(|| address.to_owned())
}

/// Identifiers AWS assigns on creation that other resources refer to, synthesized from the
/// resource's `id` so that references resolve to the resource they name: a VPC's default network
/// ACL, default security group and main route table (taken over by `aws_default_*`), a key's
/// `key_id`.
fn synth_attrs(kind: &str, id: &str) -> Vec<(&'static str, String)> {
    match kind {
        "aws_vpc" | "aws_default_vpc" => vec![
            (
                "default_network_acl_id",
                format!("{id}/default-network-acl"),
            ),
            (
                "default_security_group_id",
                format!("{id}/default-security-group"),
            ),
            ("default_route_table_id", format!("{id}/main-route-table")),
            ("main_route_table_id", format!("{id}/main-route-table")),
        ],
        "aws_kms_key" | "aws_kms_external_key" => vec![("key_id", id.to_owned())],
        // A name made from `name_prefix` (or by the provider) is chosen on apply; the address
        // stands for it, so that an Auto Scaling group naming the template or launch
        // configuration by `name` finds it.
        "aws_launch_template" | "aws_launch_configuration" => vec![("name", id.to_owned())],
        _ => Vec::new(),
    }
}

/// A plausible ARN for a resource whose ARN is assigned on creation (so policies naming it stay
/// well-formed and specific).
fn synth_arn(kind: &str, m: &BTreeMap<String, Value>, id: &str) -> Value {
    let acct = crate::ACCOUNT_ID;
    let region = crate::DEFAULT_REGION;
    let name = m.get("name").and_then(Value::as_str).unwrap_or(id);
    let arn = match kind {
        "aws_s3_bucket" => format!("arn:aws:s3:::{id}"),
        "aws_iam_role" => format!("arn:aws:iam::{acct}:role/{name}"),
        "aws_iam_user" => format!("arn:aws:iam::{acct}:user/{name}"),
        "aws_iam_group" => format!("arn:aws:iam::{acct}:group/{name}"),
        "aws_iam_policy" => format!("arn:aws:iam::{acct}:policy/{name}"),
        "aws_iam_instance_profile" => format!("arn:aws:iam::{acct}:instance-profile/{name}"),
        "aws_kms_key" | "aws_kms_external_key" => format!("arn:aws:kms:{region}:{acct}:key/{id}"),
        "aws_sns_topic" => format!("arn:aws:sns:{region}:{acct}:{name}"),
        "aws_sqs_queue" => format!("arn:aws:sqs:{region}:{acct}:{name}"),
        "aws_dynamodb_table" => format!("arn:aws:dynamodb:{region}:{acct}:table/{name}"),
        "aws_cloudwatch_log_group" => format!("arn:aws:logs:{region}:{acct}:log-group:{name}"),
        "aws_lambda_function" => {
            let n = m.get("function_name").and_then(Value::as_str).unwrap_or(id);
            format!("arn:aws:lambda:{region}:{acct}:function:{n}")
        }
        "aws_secretsmanager_secret" => {
            format!("arn:aws:secretsmanager:{region}:{acct}:secret:{name}")
        }
        _ => {
            let service = kind
                .trim_start_matches("aws_")
                .split('_')
                .next()
                .unwrap_or("unknown");
            format!(
                "arn:aws:{service}:{region}:{acct}:{}/{id}",
                kind.trim_start_matches("aws_")
            )
        }
    };
    Value::String(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_str(src: &str, expr: &str) -> Value {
        let file = parse(
            &format!("{src}\noutput \"x\" {{ value = {expr} }}\n"),
            "t.tf",
        )
        .expect("parses");
        let scope = Scope::default();
        let e = file
            .blocks
            .last()
            .and_then(|b| b.attr("value"))
            .cloned()
            .expect("output");
        scope.eval(&e, &Env::new())
    }

    #[test]
    fn functions_and_operators() {
        assert_eq!(
            eval_str("", "merge({a = 1}, {b = 2})"),
            Value::Map(
                [
                    ("a".to_owned(), Value::Number(1.0)),
                    ("b".to_owned(), Value::Number(2.0))
                ]
                .into()
            )
        );
        assert_eq!(
            eval_str("", "lookup({a = 22}, \"a\", 0)"),
            Value::Number(22.0)
        );
        assert_eq!(
            eval_str("", "length(concat([1], [2, 3]))"),
            Value::Number(3.0)
        );
        assert_eq!(
            eval_str("", "element(flatten([[1], [2, [3]]]), 2)"),
            Value::Number(3.0)
        );
        assert_eq!(eval_str("", "try(null, \"x\")"), Value::str("x"));
        assert_eq!(eval_str("", "coalesce(\"\", \"y\")"), Value::str("y"));
        assert_eq!(
            eval_str("", "format(\"%s:%d\", \"a\", 3)"),
            Value::str("a:3")
        );
        assert_eq!(
            eval_str("", "jsondecode(jsonencode({a = [1]})).a[0]"),
            Value::Number(1.0)
        );
        assert_eq!(eval_str("", "true ? 22 : 80"), Value::Number(22.0));
        assert_eq!(
            eval_str("", "[for p in [22, 80] : p if p > 30]"),
            Value::List(vec![Value::Number(80.0)])
        );
        assert_eq!(eval_str("", "\"port-${1 + 2}\""), Value::str("port-3"));
        assert_eq!(eval_str("", "var.nope"), Value::Unknown);
        assert_eq!(eval_str("", "upper(var.nope)"), Value::Unknown);
    }
}
