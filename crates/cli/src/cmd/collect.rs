//! `rampart collect aws -o snapshot.json[.zst]`: read a live account (or organization) into a
//! snapshot; and the live-collection options shared with `rampart scan aws`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
#[cfg(feature = "aws")]
use rampart_collect_aws::{Collection, Options, Progress, Regions};
use rampart_model::Inventory;

use crate::Outcome;

/// How to reach the live account.
#[derive(Debug, Args, Clone)]
pub struct AwsArgs {
    /// A named profile from the AWS config files (default: the standard credential chain).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Assume this role first, with the credentials found.
    #[arg(long)]
    pub role_arn: Option<String>,
    /// The external id for `--role-arn` and `--org-role`.
    #[arg(long)]
    pub external_id: Option<String>,
    /// `all` (every enabled region) or a comma-separated list.
    #[arg(long, default_value = "all")]
    pub regions: String,
    /// Send every request to this endpoint (an emulator, a VPC endpoint).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// At most this many requests per second per account, region and service (0: no limit).
    #[arg(long, default_value_t = 20.0)]
    pub max_rps: f64,
    /// Read every account of the AWS Organization (from its management or delegated account).
    #[arg(long)]
    pub org: bool,
    /// The role assumed in each member account with `--org`.
    #[arg(long, default_value = "OrganizationAccountAccessRole")]
    pub org_role: String,
    /// Member accounts read at once with `--org`.
    #[arg(long, default_value_t = 4)]
    pub max_accounts: usize,
    /// Attempts per API call (adaptive retry with exponential backoff and jitter).
    #[arg(long, default_value_t = 3)]
    pub max_attempts: u32,
    /// Print a per-service summary of calls, errors and time on stderr.
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

#[cfg(feature = "aws")]
impl AwsArgs {
    fn options(&self) -> anyhow::Result<Options> {
        let regions: Regions = self.regions.parse().map_err(anyhow::Error::msg)?;
        if !(self.max_rps.is_finite() && self.max_rps >= 0.0) {
            bail!("--max-rps must be a non-negative number");
        }
        Ok(Options {
            profile: self.profile.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            regions,
            endpoint_url: self.endpoint_url.clone(),
            max_rps: self.max_rps,
            org: self.org,
            org_role: self.org_role.clone(),
            max_accounts: self.max_accounts.max(1),
            max_attempts: self.max_attempts.max(1),
            ..Options::default()
        })
    }
}

/// Arguments of `rampart collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// What to collect: `aws`.
    pub source: String,
    /// The snapshot to write (`.json`, or `.json.zst` for zstd); `-` for standard output.
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// With `--store`: also audit the collection with every check (and `./rampart.toml`) and
    /// record the results, as `scan --store` does.
    #[command(flatten)]
    pub store: crate::output::StoreArg,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Runs `rampart collect`.
pub fn run(args: &CollectArgs) -> anyhow::Result<Outcome> {
    if args.source != "aws" {
        bail!(
            "cannot collect `{}`: the only live source is `aws`",
            args.source
        );
    }
    let inventory = live(&args.aws).map_err(crate::cmd::scan::plain_aws_error)?;
    if args.output.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut lock = std::io::BufWriter::new(stdout.lock());
        rampart_model::snapshot::to_writer(&mut lock, &inventory)?;
        lock.flush()?;
    } else {
        rampart_model::snapshot::write(&args.output, &inventory)
            .with_context(|| format!("writing the snapshot `{}`", args.output.display()))?;
        eprintln!(
            "rampart: wrote {} ({} resources, {} gaps)",
            args.output.display(),
            inventory.resource_count(),
            inventory.gaps.len()
        );
    }
    match &args.store.url {
        Some(store) => record(&inventory, store),
        None => Ok(Outcome::Clean),
    }
}

/// Audits `inventory` with every check and records the results in `store`, printing nothing:
/// the snapshot is the output of `collect`. A store that cannot be written is exit code 2.
fn record(inventory: &Inventory, store: &str) -> anyhow::Result<Outcome> {
    let output = crate::output::OutputArgs::record_only(store);
    let (config, config_path) = output.config()?;
    let checks = rampart_checks::Selection::default()
        .apply(&config)
        .map_err(anyhow::Error::msg)?;
    let now = inventory
        .collected_at
        .unwrap_or_else(rampart_model::Timestamp::now);
    let ctx = rampart_checks::Context::new(inventory, &config, now);
    let out = rampart_checks::run_with(&ctx, &checks, output.run_options()?);
    let mut emitted = crate::output::of_run(inventory, Some(now), out, config_path, false);
    emitted.command = "collect";
    Ok(match output.emit(emitted)? {
        Outcome::Findings => Outcome::Clean,
        other => other,
    })
}

/// Collects the live account described by `args`: this build has no AWS client.
#[cfg(not(feature = "aws"))]
pub fn live(_args: &AwsArgs) -> anyhow::Result<Inventory> {
    bail!(
        "this build of rampart has no live AWS collector (built without the `aws` feature); \
         rebuild with default features, or audit a snapshot"
    )
}

/// Collects the live account described by `args`, reporting progress on stderr.
#[cfg(feature = "aws")]
pub fn live(args: &AwsArgs) -> anyhow::Result<Inventory> {
    use rampart_collect_aws::progress::{Bar, Silent};
    use std::io::IsTerminal;
    use std::sync::Arc;
    let options = args.options()?;
    if let Some(url) = &options.endpoint_url {
        // Requests are signed with whatever credentials were found: say where they go.
        eprintln!("rampart: endpoint override: every AWS request goes to {url}");
    }
    let progress: Arc<dyn Progress> = if std::io::stderr().is_terminal() {
        Arc::new(Bar::stderr())
    } else {
        Arc::new(Silent)
    };
    let collection = rampart_collect_aws::collect_blocking(&options, progress)?;
    if args.verbose {
        print_summary(&collection);
    }
    Ok(collection.inventory)
}

#[cfg(feature = "aws")]
fn print_summary(c: &Collection) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{:<28} {:>9} {:>7} {:>5} {:>10} {:>10}",
        "service", "requests", "errors", "gaps", "busy", "throttled"
    );
    for s in &c.stats {
        let _ = writeln!(
            err,
            "{:<28} {:>9} {:>7} {:>5} {:>9.2}s {:>9.2}s",
            s.service,
            s.requests,
            s.errors,
            s.gaps,
            s.busy.as_secs_f64(),
            s.throttled.as_secs_f64()
        );
    }
    let total: u64 = c.stats.iter().map(|s| s.requests).sum();
    let _ = writeln!(
        err,
        "collected {} resources, {} gaps, {} requests in {:.2}s",
        c.inventory.resource_count(),
        c.inventory.gaps.len(),
        total,
        c.elapsed.as_secs_f64()
    );
}
