//! `rampart policy eval`: AWS's decision for one request, from one policy file or from every
//! policy type given by flag, or for a batch of requests (`--requests FILE`, the JSON contract
//! of `docs/policy-eval.md`). The request is assembled as one batch request and decided by
//! `rampart_policy::batch`, so the two forms cannot disagree.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use rampart_policy::batch::{self, Cache};
use rampart_policy::eval::{Decision, Evaluation};
use rampart_policy::{PolicyKind, parse_text};
use serde_json::{Value, json};

use crate::Outcome;

/// Arguments of `rampart policy eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// One policy file (identity, resource, key or trust policy: see `--kind`). Optional when
    /// policies are given by flag or with `--requests`.
    file: Option<PathBuf>,
    /// The action (`s3:GetObject`).
    #[arg(long, required_unless_present = "requests")]
    action: Option<String>,
    /// The resource ARN (`*` for actions without resource types).
    #[arg(long, required_unless_present = "requests")]
    resource: Option<String>,
    /// The calling principal's ARN, a service principal (`ec2.amazonaws.com`), or `anonymous`.
    #[arg(long)]
    principal: Option<String>,
    /// A request context value, `key=value` (repeat for more keys, or for a multi-valued key).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// The kind of the positional policy file (auto: with a Principal it is the resource policy).
    #[arg(long, default_value = "auto", value_parser = ["auto", "identity", "resource", "key", "trust", "boundary", "scp", "session"])]
    kind: String,
    /// An identity policy of the principal (its own or a group's; repeat).
    #[arg(long = "identity", value_name = "FILE")]
    identity: Vec<PathBuf>,
    /// The resource's policy (bucket, queue, key policy, a role's trust policy…).
    #[arg(long = "resource-policy", value_name = "FILE")]
    resource_policy: Option<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long = "boundary", value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// The session policy.
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policy: Option<PathBuf>,
    /// One SCP level, root first: each use is a level; several files of one level are separated
    /// by commas (`--scp root.json --scp ou-a.json,ou-a2.json --scp account.json`).
    #[arg(long = "scp", value_name = "FILE[,FILE…]")]
    scp: Vec<String>,
    /// One RCP level, root first, as for `--scp`.
    #[arg(long = "rcp", value_name = "FILE[,FILE…]")]
    rcp: Vec<String>,
    /// The policy of the VPC endpoint the request goes through.
    #[arg(long = "endpoint-policy", value_name = "FILE")]
    endpoint_policy: Option<PathBuf>,
    /// The account that owns the resource (when it differs from the principal's, the request is
    /// cross-account). Default: the account in the resource ARN, else the principal's.
    #[arg(long = "resource-account", value_name = "ID")]
    resource_account: Option<String>,
    /// The organization's management account (SCPs do not apply to its principals, RCPs not to
    /// its resources).
    #[arg(long = "management-account", value_name = "ID")]
    management_account: Option<String>,
    /// A batch: a JSON array of requests (see docs/policy-eval.md).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "action", "resource", "identity", "resource_policy"])]
    requests: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Runs `rampart policy eval`.
///
/// # Errors
/// An unreadable file or request (exit code 2).
pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.requests {
        return run_batch(path, &args.format);
    }
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut read = |path: &Path| -> anyhow::Result<Value> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read `{name}`"))?;
        texts.insert(name.clone(), text.clone());
        Ok(json!({"name": name, "document": text}))
    };
    let mut req = serde_json::Map::new();
    req.insert("id".into(), json!("request"));
    req.insert("action".into(), json!(args.action));
    req.insert("resource".into(), json!(args.resource));
    if let Some(p) = &args.principal {
        req.insert("principal".into(), json!(p));
    }
    let mut ctx = serde_json::Map::new();
    for kv in &args.context {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("`--context {kv}`: expected key=value"))?;
        let (k, v) = (k.trim(), json!(v.trim()));
        match ctx.get_mut(k) {
            Some(Value::Array(a)) => a.push(v),
            Some(old) => *old = json!([old.clone(), v]),
            None => {
                ctx.insert(k.to_owned(), v);
            }
        }
    }
    req.insert("context".into(), Value::Object(ctx));
    let mut identity = Vec::new();
    for p in &args.identity {
        identity.push(read(p)?);
    }
    let mut resource = args.resource_policy.as_deref().map(&mut read).transpose()?;
    let mut boundary = args.boundary.as_deref().map(&mut read).transpose()?;
    let mut session = args.session_policy.as_deref().map(&mut read).transpose()?;
    let mut scps: Vec<Value> = Vec::new();
    for level in &args.scp {
        let files: anyhow::Result<Vec<Value>> = level
            .split(',')
            .map(|f| read(Path::new(f.trim())))
            .collect();
        scps.push(Value::Array(files?));
    }
    let mut rcps: Vec<Value> = Vec::new();
    for level in &args.rcp {
        let files: anyhow::Result<Vec<Value>> = level
            .split(',')
            .map(|f| read(Path::new(f.trim())))
            .collect();
        rcps.push(Value::Array(files?));
    }
    let endpoint = args.endpoint_policy.as_deref().map(&mut read).transpose()?;
    if let Some(file) = &args.file {
        let doc = read(file)?;
        let text = doc["document"].as_str().unwrap_or_default();
        let kind = match args.kind.as_str() {
            "auto" => parse_text(text, PolicyKind::Auto)
                .policy
                .map_or(PolicyKind::Identity, |p| p.kind),
            k => super::policy::kind(k),
        };
        let slot = |s: &mut Option<Value>, what: &str| -> anyhow::Result<()> {
            anyhow::ensure!(
                s.is_none(),
                "`{}` is a {what} policy and --{what} is given too",
                file.display()
            );
            *s = Some(doc.clone());
            Ok(())
        };
        match kind {
            PolicyKind::Resource | PolicyKind::Key | PolicyKind::Trust => {
                slot(&mut resource, "resource-policy")?;
            }
            PolicyKind::Boundary => slot(&mut boundary, "boundary")?,
            PolicyKind::Session => slot(&mut session, "session-policy")?,
            PolicyKind::Scp => scps.push(json!([doc])),
            PolicyKind::Identity | PolicyKind::Auto => identity.push(doc),
        }
    }
    anyhow::ensure!(
        !(identity.is_empty() && resource.is_none()),
        "no policy that can allow: give a policy FILE, --identity or --resource-policy"
    );
    req.insert("identity".into(), Value::Array(identity));
    req.insert("resource_policy".into(), json!(resource));
    req.insert("boundary".into(), json!(boundary.map(|b| vec![b])));
    req.insert("session".into(), json!(session));
    req.insert("scps".into(), Value::Array(scps));
    req.insert("rcps".into(), Value::Array(rcps));
    req.insert("endpoint".into(), json!(endpoint));
    req.insert("resource_account".into(), json!(args.resource_account));
    req.insert("management_account".into(), json!(args.management_account));
    let req = Value::Object(req);
    let mut cache = Cache::new();
    let result = batch::decide(&req, &mut cache).map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.format == "json" {
        let mut out = batch::answer(&json!("request"), &Ok(result.clone()));
        if let Some(list) = out["deciding"].as_array_mut() {
            for (d, e) in list.iter_mut().zip(&result.deciding) {
                d["line"] = json!(e.span.line);
                d["column"] = json!(e.span.column);
                d["text"] = json!(statement_text(&texts, &e.policy, e.statement));
            }
        }
        crate::output::write_stdout(&(serde_json::to_string_pretty(&out)? + "\n"))?;
    } else {
        crate::output::write_stdout(&text(&result, &texts))?;
    }
    Ok(match result.decision {
        Decision::Allow => Outcome::Clean,
        Decision::ExplicitDeny | Decision::ImplicitDeny => Outcome::Findings,
    })
}

/// The JSON of statement `index` of the policy file `name`.
fn statement_text(texts: &HashMap<String, String>, name: &str, index: usize) -> Option<Value> {
    let text = texts.get(name)?;
    let policy = parse_text(text, PolicyKind::Auto).policy?;
    policy
        .statements
        .get(index)
        .map(rampart_policy::Statement::to_json)
}

fn text(result: &Evaluation, texts: &HashMap<String, String>) -> String {
    let mut s = format!(
        "{}: {}\n",
        result.decision.as_str().to_uppercase(),
        result.reason
    );
    if !result.blocked_by.is_empty() {
        let kinds: Vec<&str> = result.blocked_by.iter().map(|t| t.as_str()).collect();
        s.push_str(&format!("  blocked by: {}\n", kinds.join(", ")));
    }
    for d in &result.deciding {
        let label = d
            .sid
            .as_deref()
            .filter(|x| !x.is_empty())
            .map_or_else(|| format!("#{}", d.statement + 1), |sid| format!("`{sid}`"));
        s.push_str(&format!(
            "  {}:{}:{}: {} policy statement {label} ({:?})\n",
            d.policy,
            d.span.line,
            d.span.column,
            d.policy_type.as_str(),
            d.effect
        ));
        if let Some(t) = statement_text(texts, &d.policy, d.statement) {
            s.push_str(&format!("    {t}\n"));
        }
    }
    s
}

/// `--requests FILE`: every request decided, answers in the same order, read and written one
/// request at a time (answers go out through a buffer as they are decided); exit code 2 when
/// any request could not be read (its answer then carries `error`).
fn run_batch(path: &Path, format: &str) -> anyhow::Result<Outcome> {
    use std::io::Write as _;
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{name}`"))?;
    let json = format == "json";
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = Vec::new();
    let mut written: std::io::Result<()> = if json { out.write_all(b"[\n") } else { Ok(()) };
    let mut each = |i: usize,
                    id: &Value,
                    at: Option<(usize, usize)>,
                    result: Result<rampart_policy::eval::Evaluation, String>| {
        // A request that cannot be read is told with its place, in the answer and here.
        let result = result.map_err(|e| match at {
            Some((line, column)) => format!("line {line}, column {column}: {e}"),
            None => e,
        });
        if let Err(e) = &result {
            let e = e
                .split_once(": ")
                .filter(|_| at.is_some())
                .map_or(e.as_str(), |(_, r)| r);
            let place = at.map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
            failed.push(format!("{name}{place}: request #{} (id {id}): {e}", i + 1));
        }
        if written.is_err() {
            return;
        }
        written = if json {
            let sep = if i > 0 { &b",\n"[..] } else { &b""[..] };
            out.write_all(sep).and_then(|()| {
                batch::write_answer(&mut out, id, &result).map_err(std::io::Error::from)
            })
        } else {
            match &result {
                Err(e) => writeln!(out, "{id}: ERROR: {e}"),
                Ok(e) => {
                    let blocked: Vec<&str> = e.blocked_by.iter().map(|t| t.as_str()).collect();
                    if blocked.is_empty() {
                        writeln!(out, "{id}: {}", e.decision.as_str())
                    } else {
                        writeln!(
                            out,
                            "{id}: {} (blocked by {})",
                            e.decision.as_str(),
                            blocked.join(", ")
                        )
                    }
                }
            }
        };
    };
    let total = batch::decide_all_located(&bytes, &mut each)
        .map_err(|e| anyhow::anyhow!("{name}:{}:{}: not a batch: {e}", e.line(), e.column()))?;
    written?;
    // The closing bracket, and the blank line every command's output ends with.
    out.write_all(if json { b"\n]\n\n" } else { b"\n" })?;
    out.flush()?;
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} requests could not be read:\n{}",
            failed.len(),
            total,
            failed.join("\n")
        );
    }
    Ok(Outcome::Clean)
}
