//! The live AWS collector: reads an account (or an AWS Organization) through the official AWS SDK
//! for Rust and fills a [`rampart_model::Inventory`].
//!
//! - Every enabled region (DescribeRegions) and every service are read concurrently; per-resource
//!   calls fan out with a bound.
//! - Every client carries the read-only guard of [`allow`]: operations off the allow-list are
//!   refused before anything is sent.
//! - Every call goes through one path ([`ctx`]) that applies a request-rate limit per
//!   account/region/service (`max_rps`), times it, and turns failures (AccessDenied, an operation
//!   the endpoint does not implement, a disabled region) into [`rampart_model::Gap`]s, so checks
//!   say `not_assessed` rather than pass.
//! - The SDK retries throttling with its adaptive retry mode and enforces per-attempt timeouts.
//!
//! This crate never prints: progress goes to a [`progress::Progress`] the caller supplies.

pub mod allow;
mod ctx;
pub mod progress;
pub mod stats;
mod svc;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use rampart_model::{Account, Gap, InputInfo, Inventory, Timestamp, data};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::ctx::{Ctx, Limiter, Shared};
pub use crate::progress::Progress;
pub use crate::stats::ServiceStats;

/// Which regions to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Every region enabled for the account.
    All,
    /// These regions.
    Only(Vec<String>),
}

impl FromStr for Regions {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Regions::All);
        }
        let list: Vec<String> = s
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect();
        if list.is_empty() {
            return Err("no region given: use `all` or a comma-separated list such as `us-east-1,eu-west-1`".into());
        }
        for r in &list {
            let ok = r.len() <= 32
                && r.split('-').count() >= 3
                && r.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(format!(
                    "`{r}` is not a region name (expected something like `eu-west-1`)"
                ));
            }
        }
        Ok(Regions::Only(list))
    }
}

/// How to collect.
#[derive(Debug, Clone)]
pub struct Options {
    /// A named profile of the shared config files (`None`: the default credential chain).
    pub profile: Option<String>,
    /// A role to assume first (with the chain's credentials).
    pub role_arn: Option<String>,
    /// The external id for `role_arn` and org roles.
    pub external_id: Option<String>,
    /// Regions to read.
    pub regions: Regions,
    /// An endpoint for every service (emulators, VPC endpoints).
    pub endpoint_url: Option<String>,
    /// Requests per second per account/region/service (0: unlimited).
    pub max_rps: f64,
    /// Read every account of the AWS Organization.
    pub org: bool,
    /// The role assumed in each member account.
    pub org_role: String,
    /// Member accounts read at once.
    pub max_accounts: usize,
    /// Concurrent per-resource calls within one service.
    pub fan_out: usize,
    /// Attempts per call (adaptive retry).
    pub max_attempts: u32,
    /// Timeout of one attempt.
    pub attempt_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            role_arn: None,
            external_id: None,
            regions: Regions::All,
            endpoint_url: None,
            max_rps: 20.0,
            org: false,
            org_role: "OrganizationAccountAccessRole".into(),
            max_accounts: 4,
            fan_out: 8,
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(20),
        }
    }
}

/// What a collection produced.
#[derive(Debug)]
pub struct Collection {
    /// The Inventory, gaps included.
    pub inventory: Inventory,
    /// Per-service cost.
    pub stats: Vec<ServiceStats>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Why collection could not run at all (narrower failures are gaps in the Inventory).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No usable credentials, or the caller's identity could not be read.
    #[error(
        "cannot identify the caller with the AWS credentials found ({0}); check the credential chain, `--profile` or `--role-arn`"
    )]
    Credentials(String),
    /// The regions to read could not be determined.
    #[error("{0}")]
    Regions(String),
    /// The organization could not be listed.
    #[error("cannot list the accounts of the organization: {0}")]
    Org(String),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}

/// The top-level regional data sets: a region that cannot be read is a gap on each.
const REGIONAL_DATA: &[&str] = &[
    "ec2",
    data::RDS,
    data::DYNAMODB,
    data::REDSHIFT,
    "kms",
    data::SECRETS_MANAGER,
    "ssm",
    data::CLOUDTRAIL,
    "logs",
    "cloudwatch",
    data::SNS,
    data::LAMBDA,
    data::ECS,
    data::ELB,
    "backup",
    data::S3_ACCESS_POINTS,
    data::AT_REST_STORES,
    data::AUTOSCALING_GROUPS,
];

/// Collects on a new multi-threaded runtime (for callers that are not async).
///
/// # Errors
/// See [`collect`].
pub fn collect_blocking(opts: &Options, progress: Arc<dyn Progress>) -> Result<Collection, Error> {
    // The work is waiting on the network: a few threads carry it. Every thread the runtime
    // starts costs its stack and allocator arena; blocking threads (DNS lookups of the many
    // service endpoints, file reads) are bounded, though not so tightly that lookups queue.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(e.to_string()))?;
    rt.block_on(collect(opts, progress))
}

/// Collects the account the credentials belong to (and, with `org`, every member account).
///
/// # Errors
/// Only when nothing can be read: no credentials, no regions, an organization that cannot be
/// listed. Everything narrower becomes a gap.
pub async fn collect(opts: &Options, progress: Arc<dyn Progress>) -> Result<Collection, Error> {
    let start = Instant::now();
    let collected_at = Timestamp::now();
    let shared = Arc::new(Shared {
        stats: Arc::new(stats::Stats::default()),
        limiter: Limiter::new(opts.max_rps),
        progress: Arc::clone(&progress),
        fan_out: opts.fan_out,
    });
    let base = base_config(opts).await;
    let config = match &opts.role_arn {
        Some(role) => assume(&base, role, opts.external_id.as_deref()).await,
        None => base,
    };

    let (caller_account, partition) = identify(&shared, &config).await?;
    let mut inventory = Inventory {
        collected_at: Some(collected_at),
        ..Inventory::default()
    };

    let mut members: Vec<String> = Vec::new();
    if opts.org {
        members = svc::org::member_accounts(&shared, &config, &caller_account, &partition)
            .await
            .map_err(Error::Org)?;
        members.retain(|a| *a != caller_account);
    }

    // The organization's SCPs, RCPs and OU tree, read once with the caller's credentials while
    // the accounts are read.
    let org_ctx = Ctx::new(Arc::clone(&shared), &caller_account, &partition);
    let org_read = tokio::spawn(svc::org::policies(org_ctx, config.clone()));

    let regions =
        resolve_regions(&shared, &config, &caller_account, &partition, &opts.regions).await?;
    let main = collect_account(
        Arc::clone(&shared),
        config.clone(),
        caller_account.clone(),
        partition.clone(),
        regions.clone(),
    );

    let limit = Arc::new(Semaphore::new(opts.max_accounts.max(1)));
    let mut set = JoinSet::new();
    for account in members {
        let shared = Arc::clone(&shared);
        let config = config.clone();
        let partition = partition.clone();
        let regions_sel = opts.regions.clone();
        let role_name = opts.org_role.clone();
        let external_id = opts.external_id.clone();
        let limit = Arc::clone(&limit);
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let role = format!("arn:{partition}:iam::{account}:role/{role_name}");
            let member_config = assume(&config, &role, external_id.as_deref()).await;
            match identify(&shared, &member_config).await {
                Ok((id, part)) => {
                    match resolve_regions(&shared, &member_config, &id, &part, &regions_sel).await {
                        Ok(regions) => {
                            collect_account(shared, member_config, id, part, regions).await
                        }
                        Err(e) => {
                            unreadable_account(&account, "ec2:DescribeRegions", &e.to_string())
                        }
                    }
                }
                Err(e) => unreadable_account(
                    &account,
                    "sts:AssumeRole",
                    &format!("cannot assume {role}: {e}"),
                ),
            }
        });
    }
    let (first, region_names) = {
        let names = regions
            .iter()
            .filter(|r| r.enabled)
            .map(|r| r.name.clone())
            .collect::<Vec<_>>();
        (main.await, names)
    };
    inventory.merge(first);
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(inv) => inventory.merge(inv),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    let org_read = match org_read.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => svc::org::OrgRead::Failed(
            "DescribeOrganization",
            ctx::CallError {
                code: "Cancelled".into(),
                message: e.to_string(),
            },
        ),
    };
    for account in &mut inventory.accounts {
        let ctx = Ctx::new(Arc::clone(&shared), &account.id, &account.partition);
        org_read.apply(account, &ctx);
        inventory.gaps.extend(ctx.take_gaps());
    }
    let endpoint = opts
        .endpoint_url
        .as_deref()
        .map(|u| format!(" via {u}"))
        .unwrap_or_default();
    let accounts: Vec<&str> = inventory.accounts.iter().map(|a| a.id.as_str()).collect();
    inventory.inputs = vec![InputInfo {
        kind: rampart_model::InputKind::Live,
        source: format!(
            "aws account{} {} ({}){endpoint}",
            if accounts.len() > 1 { "s" } else { "" },
            accounts.join(", "),
            region_names.join(", ")
        ),
    }];
    inventory.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    for account in &mut inventory.accounts {
        account.regions.sort_by(|a, b| a.name.cmp(&b.name));
    }
    inventory.gaps.sort_by(|a, b| {
        (&a.account, &a.region, &a.data, &a.resource, &a.operation).cmp(&(
            &b.account,
            &b.region,
            &b.data,
            &b.resource,
            &b.operation,
        ))
    });
    progress.finish();
    Ok(Collection {
        inventory,
        stats: shared.stats.snapshot(),
        elapsed: start.elapsed(),
    })
}

/// The SDK configuration from the standard chain, with rampart's retry and timeout settings.
async fn base_config(opts: &Options) -> SdkConfig {
    // One HTTPS client for every service client built from this configuration: left to
    // themselves, each of the forty-odd clients (services x regions) builds its own connector,
    // TLS root store and connection pool.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(opts.attempt_timeout)
                .operation_timeout(opts.attempt_timeout * opts.max_attempts.max(1) * 2)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        config
            .into_builder()
            .region(Region::new("us-east-1"))
            .build()
    } else {
        config
    }
}

/// `config` with credentials from assuming `role`.
async fn assume(config: &SdkConfig, role: &str, external_id: Option<&str>) -> SdkConfig {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("rampart-audit")
        .configure(config);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// The caller's account id and partition.
async fn identify(shared: &Arc<Shared>, config: &SdkConfig) -> Result<(String, String), Error> {
    let ctx = Ctx::new(Arc::clone(shared), "caller", "aws");
    let sts = svc::sts_client(&ctx, config);
    let out = ctx
        .call("STS", "GetCallerIdentity", sts.get_caller_identity().send())
        .await
        .map_err(|e| Error::Credentials(format!("{}: {}", e.code, e.message)))?;
    let account = out.account().unwrap_or_default().to_owned();
    if account.is_empty() {
        return Err(Error::Credentials(
            "GetCallerIdentity returned no account".into(),
        ));
    }
    let partition = out
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_owned();
    Ok((account, partition))
}

/// A region to read, and whether it can be.
#[derive(Debug, Clone)]
struct RegionPlan {
    name: String,
    enabled: bool,
}

async fn resolve_regions(
    shared: &Arc<Shared>,
    config: &SdkConfig,
    account: &str,
    partition: &str,
    wanted: &Regions,
) -> Result<Vec<RegionPlan>, Error> {
    let ctx = Ctx::new(Arc::clone(shared), account, partition);
    match svc::ec2::regions(&ctx, config).await {
        Ok(known) => match wanted {
            Regions::All => Ok(known
                .into_iter()
                .filter(|(_, enabled)| *enabled)
                .map(|(name, _)| RegionPlan {
                    name,
                    enabled: true,
                })
                .collect()),
            Regions::Only(list) => {
                let mut plans = Vec::new();
                for r in list {
                    match known.iter().find(|(n, _)| n == r) {
                        Some((_, enabled)) => plans.push(RegionPlan {
                            name: r.clone(),
                            enabled: *enabled,
                        }),
                        None => {
                            return Err(Error::Regions(format!(
                                "region `{r}` is not known to account {account} (DescribeRegions lists {})",
                                known
                                    .iter()
                                    .map(|(n, _)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                    }
                }
                Ok(plans)
            }
        },
        Err(e) => match wanted {
            // Without DescribeRegions the named regions are still read; a region that turns out
            // to be off yields gaps call by call.
            Regions::Only(list) => Ok(list
                .iter()
                .map(|r| RegionPlan {
                    name: r.clone(),
                    enabled: true,
                })
                .collect()),
            Regions::All => Err(Error::Regions(format!(
                "cannot list the enabled regions of account {account} (ec2:DescribeRegions: {}: {}); name them with `--regions`",
                e.code, e.message
            ))),
        },
    }
}

/// Gaps for every data set of an account that could not be entered at all.
fn unreadable_account(account: &str, operation: &str, reason: &str) -> Inventory {
    let mut inv = Inventory::default();
    inv.accounts.push(Account::new(account));
    let mut roots = vec!["iam", "s3", "s3control", data::ORGANIZATIONS_TAG_POLICY];
    roots.extend_from_slice(REGIONAL_DATA);
    for root in roots {
        inv.gaps.push(
            Gap::new(root, operation, reason)
                .in_account(account)
                .with_code("AccountNotReadable"),
        );
    }
    inv
}

/// One unit of work of an account's collection, and what it produced.
enum Part {
    Region(Box<rampart_model::Region>),
    Iam(Box<rampart_model::iam::Iam>, Vec<String>),
    S3(Vec<rampart_model::storage::Bucket>),
    S3Account(Option<rampart_model::storage::PublicAccessBlock>),
    AccessPoints(Vec<rampart_model::storage::AccessPoint>),
    TagPolicy(Option<serde_json::Value>),
}

macro_rules! spawn_regional {
    ($set:expr, $ctx:expr, $config:expr, $label:expr, $f:path) => {{
        let ctx = $ctx.clone();
        let config = $config.clone();
        let progress = Arc::clone(&ctx.shared.progress);
        let label = format!("{}/{}/{}", ctx.account, ctx.region_name(), $label);
        progress.add(1);
        $set.spawn(async move {
            let region = $f(ctx, config).await;
            progress.done(&label);
            Part::Region(Box::new(region))
        });
    }};
}

async fn collect_account(
    shared: Arc<Shared>,
    config: SdkConfig,
    account_id: String,
    partition: String,
    regions: Vec<RegionPlan>,
) -> Inventory {
    let ctx = Ctx::new(Arc::clone(&shared), &account_id, &partition);
    let mut set: JoinSet<Part> = JoinSet::new();

    {
        let (c, cfg, progress) = (ctx.clone(), config.clone(), Arc::clone(&shared.progress));
        progress.add(2);
        set.spawn(async move {
            let (iam, aliases) = svc::iam::collect(c.clone(), cfg).await;
            progress.done(&format!("{}/global/iam", c.account));
            Part::Iam(Box::new(iam), aliases)
        });
        let (c, cfg, progress) = (ctx.clone(), config.clone(), Arc::clone(&shared.progress));
        set.spawn(async move {
            let buckets = svc::s3::collect(c.clone(), cfg).await;
            progress.done(&format!("{}/global/s3", c.account));
            Part::S3(buckets)
        });
    }
    {
        let (c, cfg, progress) = (ctx.clone(), config.clone(), Arc::clone(&shared.progress));
        progress.add(1);
        set.spawn(async move {
            let pab = svc::s3::account_public_access_block(c.clone(), cfg).await;
            progress.done(&format!("{}/global/s3control", c.account));
            Part::S3Account(pab)
        });
    }

    let scanned: Arc<[String]> = regions
        .iter()
        .filter(|p| p.enabled)
        .map(|p| p.name.clone())
        .collect();
    for plan in &regions {
        let rctx = ctx.in_region(&plan.name);
        if !plan.enabled {
            for root in REGIONAL_DATA {
                rctx.push(
                    Gap::new(
                        root,
                        "ec2:DescribeRegions",
                        "the region is not enabled (opted in) for this account",
                    )
                    .in_account(&account_id)
                    .in_region(&plan.name)
                    .with_code("RegionDisabled"),
                );
            }
            continue;
        }
        let rcfg = config
            .to_builder()
            .region(Region::new(plan.name.clone()))
            .build();
        spawn_regional!(set, rctx, rcfg, "ec2", svc::ec2::collect);
        {
            let (c, cfg) = (rctx.clone(), rcfg.clone());
            let progress = Arc::clone(&c.shared.progress);
            let label = format!("{}/{}/s3control", c.account, c.region_name());
            progress.add(1);
            set.spawn(async move {
                let points = svc::s3::access_points(c, cfg).await;
                progress.done(&label);
                Part::AccessPoints(points)
            });
        }
        spawn_regional!(set, rctx, rcfg, "rds", svc::data::rds);
        spawn_regional!(set, rctx, rcfg, "dynamodb", svc::data::dynamodb);
        spawn_regional!(set, rctx, rcfg, "redshift", svc::data::redshift);
        spawn_regional!(set, rctx, rcfg, "backup", svc::data::backup);
        spawn_regional!(set, rctx, rcfg, "efs", svc::stores::efs);
        spawn_regional!(set, rctx, rcfg, "elasticache", svc::stores::elasticache);
        spawn_regional!(set, rctx, rcfg, "opensearch", svc::stores::opensearch);
        spawn_regional!(set, rctx, rcfg, "kms", svc::security::kms);
        spawn_regional!(set, rctx, rcfg, "secretsmanager", svc::security::secrets);
        spawn_regional!(set, rctx, rcfg, "ssm", svc::security::ssm);
        {
            // CloudTrail needs the regions scanned, to keep each trail once.
            let (c, cfg, scanned) = (rctx.clone(), rcfg.clone(), Arc::clone(&scanned));
            let progress = Arc::clone(&c.shared.progress);
            let label = format!("{}/{}/cloudtrail", c.account, c.region_name());
            progress.add(1);
            set.spawn(async move {
                let region = svc::logging::cloudtrail(c, cfg, scanned).await;
                progress.done(&label);
                Part::Region(Box::new(region))
            });
        }
        spawn_regional!(set, rctx, rcfg, "logs", svc::logging::logs);
        spawn_regional!(set, rctx, rcfg, "cloudwatch", svc::logging::alarms);
        spawn_regional!(set, rctx, rcfg, "sns", svc::logging::sns);
        spawn_regional!(set, rctx, rcfg, "lambda", svc::compute::lambda);
        spawn_regional!(set, rctx, rcfg, "ecs", svc::compute::ecs);
        spawn_regional!(set, rctx, rcfg, "elb", svc::compute::elb);
        spawn_regional!(set, rctx, rcfg, "elb-classic", svc::compute::elb_classic);
    }

    {
        // The account's effective Organizations tag policy (TAG-003, GOV-1), read with the
        // account's own credentials (any account of an organization may read its own).
        let (c, cfg, progress) = (ctx.clone(), config.clone(), Arc::clone(&shared.progress));
        progress.add(1);
        set.spawn(async move {
            let policy = svc::org::tag_policy(c.clone(), cfg).await;
            progress.done(&format!("{}/global/organizations", c.account));
            Part::TagPolicy(policy)
        });
    }

    let mut account = Account::new(&account_id);
    account.partition = partition;
    let mut regional: Vec<rampart_model::Region> = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Part::Region(r)) => regional.push(*r),
            Ok(Part::Iam(iam, aliases)) => {
                account.iam = *iam;
                account.aliases = aliases;
            }
            Ok(Part::S3(buckets)) => account.buckets = buckets,
            Ok(Part::S3Account(pab)) => account.s3_public_access_block = pab,
            Ok(Part::AccessPoints(points)) => account.s3_access_points.extend(points),
            Ok(Part::TagPolicy(p)) => account.tag_policy = p.map(Into::into),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    // Regions answer in any order: keep the list in one order, run after run.
    account
        .s3_access_points
        .sort_by(|a, b| a.meta.arn.cmp(&b.meta.arn));
    for plan in &regions {
        account.region_mut(&plan.name);
    }
    let mut inv = Inventory::default();
    inv.accounts.push(account);
    for r in regional {
        let mut fragment = Account::new(&account_id);
        fragment.partition.clone_from(&inv.accounts[0].partition);
        fragment.regions.push(r);
        inv.merge(Inventory {
            accounts: vec![fragment],
            ..Inventory::default()
        });
    }
    inv.gaps = ctx.take_gaps();
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_regions() {
        assert_eq!("all".parse::<Regions>(), Ok(Regions::All));
        assert_eq!(
            "us-east-1, eu-west-1".parse::<Regions>(),
            Ok(Regions::Only(vec!["us-east-1".into(), "eu-west-1".into()]))
        );
        assert!("".parse::<Regions>().is_err());
        assert!("us_east_1".parse::<Regions>().is_err());
        assert!("https://x".parse::<Regions>().is_err());
    }
}
