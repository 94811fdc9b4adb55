//! `rampart policy lint FILE...` and `rampart policy eval FILE --action A --resource R`: IAM,
//! bucket, key and trust policies on their own, judged by the `rampart-policy` engine.
//!
//! `lint` reads each file as a one-document input (an identity policy held by a principal, a
//! bucket policy, a key policy or a trust policy, by its kind) and runs, through the one runner,
//! every registered check that declares the policy input: a policy linted in CI and the same
//! policy found in an account are judged by the same code, with the same `[severity]`
//! overrides, waivers and baseline.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use rampart_model::Timestamp;
use rampart_policy::eval::{Decision, Request, RequestContext, evaluate_policy};
use rampart_policy::{Level, PolicyKind};
use serde_json::json;

use crate::Outcome;
use crate::output::OutputArgs;

/// Arguments of `rampart policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate and audit policy documents (identity, bucket, key, trust, boundary, SCP).
    Lint(LintArgs),
    /// Decide one request against a policy, and show the statements that decided it.
    Eval(EvalArgs),
}

/// The policy kinds accepted by `--kind`.
const KINDS: [&str; 8] = [
    "auto", "identity", "resource", "key", "trust", "boundary", "scp", "session",
];

fn kind(name: &str) -> PolicyKind {
    match name {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "key" => PolicyKind::Key,
        "trust" => PolicyKind::Trust,
        "boundary" => PolicyKind::Boundary,
        "scp" => PolicyKind::Scp,
        "session" => PolicyKind::Session,
        _ => PolicyKind::Auto,
    }
}

/// Arguments of `rampart policy lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files (JSON).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The kind of policy (`auto`: statements with a Principal are resource or trust policies).
    #[arg(long, default_value = "auto", value_parser = KINDS)]
    kind: String,
    /// The account that owns the policies (to tell cross-account principals from local ones).
    #[arg(long)]
    account: Option<String>,
    #[command(flatten)]
    select: crate::cmd::scan::CheckArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Arguments of `rampart policy eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The policy file.
    file: PathBuf,
    /// The action (`s3:GetObject`).
    #[arg(long)]
    action: String,
    /// The resource ARN (`*` for actions without resource types).
    #[arg(long)]
    resource: String,
    /// The calling principal's ARN (needed for resource and trust policies).
    #[arg(long)]
    principal: Option<String>,
    /// A request context value, `key=value` (repeat for more keys, or for a multi-valued key).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// The kind of policy.
    #[arg(long, default_value = "auto", value_parser = KINDS)]
    kind: String,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Runs `rampart policy`.
pub fn run(args: &PolicyArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        PolicyCommand::Lint(a) => lint(a),
        PolicyCommand::Eval(a) => eval(a),
    }
}

fn lint(args: &LintArgs) -> anyhow::Result<Outcome> {
    let (config, config_path, checks) = args.select.load(&args.output)?;
    // Every registered check that judges a policy on its own, and no other.
    let checks: Vec<&dyn rampart_checks::Check> = checks
        .into_iter()
        .filter(|c| c.meta().inputs.contains(&rampart_checks::Input::Policy))
        .collect();
    let options = args.output.run_options()?;
    let mut inventory = rampart_model::Inventory::default();
    let mut incomplete = false;
    for path in &args.files {
        match crate::inputs::read_policy(path, kind(&args.kind), args.account.as_deref()) {
            Ok(inv) => inventory.merge(inv),
            Err(e) => {
                eprintln!("rampart: error: {e:#}");
                incomplete = true;
            }
        }
    }
    if inventory.inputs.is_empty() {
        anyhow::bail!(
            "no policy could be read ({} file(s) given)",
            args.files.len()
        );
    }
    let now = Timestamp::now();
    let ctx = rampart_checks::Context::new(&inventory, &config, now);
    let out = rampart_checks::run_with(&ctx, &checks, options);
    let mut emitted = crate::output::of_run(&inventory, None, out, config_path, incomplete);
    emitted.report.summary.resources = inventory.inputs.len();
    args.output.emit(emitted)
}

fn eval(args: &EvalArgs) -> anyhow::Result<Outcome> {
    let file = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read `{file}`"))?;
    let outcome = rampart_policy::parse_text(&text, kind(&args.kind));
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{file}:{d}"))
        .collect();
    let Some(policy) = outcome.policy else {
        anyhow::bail!("{}", errors.join("\n"));
    };
    let mut ctx = RequestContext::new();
    for kv in &args.context {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("`--context {kv}`: expected key=value"))?;
        ctx.insert(k.trim(), v.trim());
    }
    let req = Request {
        action: &args.action,
        resource: &args.resource,
        principal: args.principal.as_deref(),
        context: &ctx,
    };
    let result = evaluate_policy(&file, &policy, &req);
    if args.format == "json" {
        let doc = json!({
            "file": file,
            "request": {"action": args.action, "resource": args.resource, "principal": args.principal, "context": args.context},
            "decision": result.decision,
            "reason": result.reason,
            "deciding": result.deciding.iter().map(|d| json!({
                "statement": d.statement + 1,
                "sid": d.sid,
                "effect": d.effect,
                "line": d.span.line,
                "column": d.span.column,
                "text": policy.statements.get(d.statement).map(rampart_policy::Statement::to_json),
            })).collect::<Vec<_>>(),
            "policy_errors": errors,
        });
        crate::output::write_stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        let mut s = format!(
            "{}: {}\n",
            result.decision.as_str().to_uppercase(),
            result.reason
        );
        for d in &result.deciding {
            let st = policy.statements.get(d.statement);
            s.push_str(&format!(
                "  {file}:{}:{}: statement {} ({:?})\n",
                d.span.line,
                d.span.column,
                st.map_or_else(
                    || format!("#{}", d.statement + 1),
                    rampart_policy::Statement::label
                ),
                d.effect
            ));
            if let Some(st) = st {
                s.push_str(&format!("    {}\n", st.to_json()));
            }
        }
        for e in &errors {
            s.push_str(&format!(
                "note: the policy is invalid, AWS would reject it: {e}\n"
            ));
        }
        crate::output::write_stdout(&s)?;
    }
    Ok(match result.decision {
        Decision::Allow => Outcome::Clean,
        Decision::ExplicitDeny | Decision::ImplicitDeny => Outcome::Findings,
    })
}
