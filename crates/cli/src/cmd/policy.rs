//! `rampart policy lint FILE...` and `rampart policy eval FILE --action A --resource R`: IAM,
//! bucket, key and trust policies on their own, judged by the `rampart-policy` engine.
//!
//! `lint` reads each file as a one-document input (an identity policy held by a principal, a
//! bucket policy, a key policy or a trust policy, by its kind) and runs, through the one runner,
//! every registered check that declares the policy input: a policy linted in CI and the same
//! policy found in an account are judged by the same code, with the same `[severity]`
//! overrides, waivers and baseline.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rampart_model::Timestamp;
use rampart_policy::PolicyKind;

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
    Lint(Box<LintArgs>),
    /// Decide a request (one policy file, every policy type by flag, or a batch with
    /// `--requests`): the decision, the policy types that blocked it, the deciding statements.
    Eval(Box<super::eval::EvalArgs>),
}

/// The policy kinds accepted by `--kind`.
const KINDS: [&str; 8] = [
    "auto", "identity", "resource", "key", "trust", "boundary", "scp", "session",
];

pub(crate) fn kind(name: &str) -> PolicyKind {
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

/// Runs `rampart policy`.
pub fn run(args: &PolicyArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        PolicyCommand::Lint(a) => lint(a),
        PolicyCommand::Eval(a) => super::eval::run(a),
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
    emitted.command = "policy lint";
    emitted.report.summary.resources = inventory.inputs.len();
    args.output.emit(emitted)
}
