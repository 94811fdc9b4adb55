//! `rampart scan PATH...`: audit snapshots and IaC; `rampart scan aws`: audit a live account.

use clap::Args;
use rampart_checks::{Context, Selection};
use rampart_model::{Severity, Timestamp};

use crate::Outcome;
use crate::output::OutputArgs;

/// Which checks run: shared by `scan` and `policy lint`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Run only these checks: codes, areas (`S3`) or wildcards (`S3-*`, `IAM-10?`),
    /// comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Do not run these checks (codes, areas or wildcards).
    #[arg(long, value_delimiter = ',')]
    pub skip_checks: Vec<String>,
    /// One severity: run checks at or above it; several (comma-separated): exactly those.
    #[arg(long, value_delimiter = ',')]
    pub severity: Vec<Severity>,
    /// Run only checks reading these services (`s3`, `iam`, `ec2`, `cloudtrail`…).
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
}

impl CheckArgs {
    /// The configuration (with its path) and the checks selected under it: both are checked
    /// before any input is read, so that a typo costs nothing.
    pub fn load(
        &self,
        output: &OutputArgs,
    ) -> anyhow::Result<(
        rampart_checks::Config,
        Option<String>,
        Vec<&'static dyn rampart_checks::Check>,
    )> {
        let (config, config_path) = output.config()?;
        let checks = self
            .selection()
            .apply(&config)
            .map_err(anyhow::Error::msg)?;
        Ok((config, config_path, checks))
    }

    /// The selection these options ask for.
    pub fn selection(&self) -> Selection {
        Selection {
            checks: self.checks.clone(),
            skip: self.skip_checks.clone(),
            severity: self.severity.clone(),
            services: self.services.clone(),
            framework: None,
        }
    }
}

/// Arguments of `rampart scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Snapshots (`.json`, `.json.zst`), Terraform directories or plan JSON, CloudFormation
    /// templates; or `aws` for the live account.
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub select: CheckArgs,
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
    // Options are checked before anything is read: a typo must not cost a live collection.
    let (config, config_path, checks) = args.select.load(&args.output)?;
    let options = args.output.run_options()?;
    let live = args.paths.iter().any(|p| p == "aws") && !std::path::Path::new("aws").exists();
    let loaded = if live {
        // Collect the live account, then audit it with any other inputs given beside it.
        let mut inventory = crate::cmd::collect::live(&args.aws).map_err(plain_aws_error)?;
        let rest: Vec<String> = args.paths.iter().filter(|p| *p != "aws").cloned().collect();
        let mut incomplete = false;
        if !rest.is_empty() {
            let more = crate::inputs::load_with(&rest, &args.var_files)?;
            incomplete = more.incomplete;
            inventory.merge(more.inventory);
        }
        crate::inputs::Loaded {
            inventory,
            incomplete,
        }
    } else {
        crate::inputs::load_with(&args.paths, &args.var_files)?
    };
    let inventory = &loaded.inventory;
    let now = inventory.collected_at.unwrap_or_else(Timestamp::now);
    let ctx = Context::new(inventory, &config, now);
    let out = rampart_checks::run_with(&ctx, &checks, options);
    let mut emitted =
        crate::output::of_run(inventory, Some(now), out, config_path, loaded.incomplete);
    // The report holds what it needs: the Inventory's memory goes back before rendering.
    drop(loaded);
    // Lock files in the source trees given: the dependency audit (DEPS-001, DEPS-002).
    let deps = crate::cmd::deps::for_scan(&args.paths, args.osv_db.as_deref());
    emitted.report.findings.extend(deps.findings);
    emitted.report.gaps.extend(deps.gaps);
    emitted.report.inputs.extend(deps.inputs);
    args.output.emit(emitted)
}

/// The live collector's errors in plain words: the SDK's own messages describe its internals
/// (a `DispatchFailure` wrapping a connector error), not what the user should do.
pub fn plain_aws_error(e: anyhow::Error) -> anyhow::Error {
    let text = format!("{e:#} {e:?}");
    let lower = text.to_ascii_lowercase();
    let plain = if lower.contains("no credentials")
        || lower.contains("credentialsnotloaded")
        || lower.contains("credentials not loaded")
        || lower.contains("no credentials provider")
        || lower.contains("failed to load credentials")
    {
        Some(
            "no AWS credentials were found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY), run `aws sso login`, or pass --profile"
                .to_owned(),
        )
    } else if lower.contains("expiredtoken") || lower.contains("token has expired") {
        Some(
            "the AWS credentials have expired: refresh them (`aws sso login`) and retry".to_owned(),
        )
    } else if lower.contains("invalidclienttokenid")
        || lower.contains("signaturedoesnotmatch")
        || lower.contains("security token included in the request is invalid")
    {
        Some(
            "AWS rejected the credentials (invalid key or signature): check the profile".to_owned(),
        )
    } else if lower.contains("dispatch failure")
        || lower.contains("dispatchfailure")
        || lower.contains("connection refused")
        || lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("timed out")
        || lower.contains("timeout")
        || lower.contains("io error")
    {
        Some(
            "cannot reach the AWS endpoint (connection refused, no DNS or timed out): check the \
             network, the proxy, the region and any --endpoint-url"
                .to_owned(),
        )
    } else {
        None
    };
    match plain {
        Some(p) => anyhow::anyhow!("{p}"),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::plain_aws_error;

    #[test]
    fn sdk_errors_become_plain_words() {
        let no_creds = anyhow::anyhow!(
            "sts:GetCallerIdentity: dispatch failure: other: CredentialsNotLoaded(CredentialsNotLoaded {{ source: \"no providers in chain provided credentials\" }})"
        );
        let msg = plain_aws_error(no_creds).to_string();
        assert!(msg.starts_with("no AWS credentials were found"), "{msg}");
        assert!(!msg.contains("CredentialsNotLoaded"));
        let down = anyhow::anyhow!(
            "DispatchFailure(DispatchFailure {{ source: ConnectorError {{ kind: Io, source: hyper::Error(Connect, ConnectError(\"tcp connect error\", Os {{ code: 111, kind: ConnectionRefused, message: \"Connection refused\" }})) }} }})"
        );
        let msg = plain_aws_error(down).to_string();
        assert!(msg.starts_with("cannot reach the AWS endpoint"), "{msg}");
        let other = plain_aws_error(anyhow::anyhow!("AccessDenied on iam:ListUsers"));
        assert_eq!(other.to_string(), "AccessDenied on iam:ListUsers");
    }
}
