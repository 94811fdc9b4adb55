//! `rampart scan PATH...`: audit snapshots and IaC; `rampart scan aws`: audit a live account.

use clap::Args;
use rampart_checks::{Context, registry};
use rampart_model::Timestamp;

use crate::Outcome;
use crate::output::OutputArgs;

/// Arguments of `rampart scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Snapshots (`.json`, `.json.zst`), Terraform directories or plan JSON, CloudFormation
    /// templates; or `aws` for the live account.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Run only these checks (codes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Terraform variable files (like `terraform -var-file`), for the Terraform directories given.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<std::path::PathBuf>,
    /// The OSV database for the lock files of source trees given (see `rampart deps`).
    #[arg(long, env = "RAMPART_OSV_DB", value_name = "DB")]
    pub osv_db: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Live-account options (used with `aws`).
    #[command(flatten, next_help_heading = "Live account (scan aws)")]
    pub aws: crate::cmd::collect::AwsArgs,
}

/// Runs `rampart scan`.
pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let (config, config_path) = args.output.config()?;
    let live = args.paths.iter().any(|p| p == "aws") && !std::path::Path::new("aws").exists();
    let inventory = if live {
        // Collect the live account, then audit it with any other inputs given beside it.
        let mut inventory = crate::cmd::collect::live(&args.aws)?;
        let rest: Vec<String> = args.paths.iter().filter(|p| *p != "aws").cloned().collect();
        if !rest.is_empty() {
            inventory.merge(crate::inputs::load(&rest)?);
        }
        inventory
    } else {
        crate::inputs::load_with(&args.paths, &args.var_files)?
    };
    audit(args, &config, config_path, &inventory)
}

/// Runs the checks over `inventory` and emits the report.
pub fn audit(
    args: &ScanArgs,
    config: &rampart_checks::Config,
    config_path: Option<String>,
    inventory: &rampart_model::Inventory,
) -> anyhow::Result<Outcome> {
    let mut checks = registry::all();
    if !args.checks.is_empty() {
        for code in &args.checks {
            if registry::by_code(code).is_none() {
                anyhow::bail!("unknown check `{code}` (see `rampart checks list`)");
            }
        }
        checks.retain(|c| {
            args.checks
                .iter()
                .any(|code| code.eq_ignore_ascii_case(c.meta().code))
        });
    }
    let now = inventory.collected_at.unwrap_or_else(Timestamp::now);
    let ctx = Context::new(inventory, config, now);
    // Passes are most results on a large estate: hold them only when the report lists them.
    let mut out = rampart_checks::run_with(&ctx, &checks, args.output.include_passed);
    crate::inputs::apply_iac_rules(&mut out.findings, inventory);
    let mut report = crate::output::report(
        inventory.inputs.clone(),
        Some(now),
        out.findings,
        inventory.gaps.clone(),
        out.checks_run,
        inventory.resource_count(),
        config_path,
    );
    report.passes_not_listed = out.passes_not_listed;
    // Lock files in the source trees given: the dependency audit (DEPS-001).
    let deps = crate::cmd::deps::for_scan(&args.paths, args.osv_db.as_deref());
    report.findings.extend(deps.findings);
    report.gaps.extend(deps.gaps);
    report.inputs.extend(deps.inputs);
    // Which checks ran: the compliance view needs it to tell "passed" from "not run".
    let codes: Vec<&str> = checks.iter().map(|c| c.meta().code).collect();
    report
        .settings
        .insert("checks".into(), serde_json::json!(codes));
    let outcome = args.output.emit(report)?;
    // A file that could not be read or parsed leaves the audit incomplete: the report lists it
    // (with file:line:column) and the exit code is 2.
    let unread = inventory
        .gaps
        .iter()
        .filter(|g| matches!(g.code.as_deref(), Some("ParseError" | "ModuleCycle")))
        .count();
    if unread > 0 {
        anyhow::bail!(
            "the audit is incomplete: {unread} input file(s) or module call(s) could not be read (see the report's gaps)"
        );
    }
    Ok(outcome)
}
