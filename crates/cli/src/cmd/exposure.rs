//! `rampart explain-exposure RESOURCE [PATH...]`: how the internet reaches one resource.
//!
//! Prints every path from the internet to the resource (an instance, network interface, load
//! balancer, DB instance or Lambda function, named by id, ARN or Name tag): the traffic and
//! sources, then the route, the network ACL entries in both directions and the security group
//! rule that admit it; or why nothing reaches it.

use std::fmt::Write as _;

use anyhow::bail;
use clap::{Args, ValueEnum};
use rampart_network::{RegionNetwork, Target, TargetExposure, TargetKind};
use serde_json::json;

use crate::Outcome;

/// Output formats of `explain-exposure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExposureFormat {
    /// Readable text.
    Text,
    /// One JSON object.
    Json,
}

/// Arguments of `rampart explain-exposure`.
#[derive(Debug, Args)]
pub struct ExposureArgs {
    /// The resource: an instance, interface, load balancer, DB instance or Lambda function id,
    /// its ARN, or its Name tag.
    pub resource: String,
    /// Snapshots (or directories of snapshot parts) to read; defaults to the current directory.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExposureFormat,
}

/// Runs `rampart explain-exposure`. Exit code 1 when the resource is reachable from the internet.
pub fn run(args: &ExposureArgs) -> anyhow::Result<Outcome> {
    let loaded = crate::inputs::load(&args.paths)?;
    if loaded.incomplete {
        anyhow::bail!(
            "an input could not be read completely: exposure would be judged on partial data"
        );
    }
    let inventory = loaded.inventory;
    let mut found: Vec<(String, String, TargetExposure)> = Vec::new();
    for account in &inventory.accounts {
        for region in &account.regions {
            let net = RegionNetwork::new(region);
            for t in net.targets() {
                if matches(region, &t, &args.resource) {
                    let x = net.exposure(&t);
                    found.push((account.id.clone(), region.name.clone(), x));
                }
            }
        }
    }
    if found.is_empty() {
        bail!(
            "no instance, network interface, load balancer, DB instance or Lambda function `{}` in {}",
            args.resource,
            args.paths.join(", ")
        );
    }
    let reachable = found.iter().any(|(_, _, x)| x.reachable());
    let text = match args.format {
        ExposureFormat::Json => {
            let list: Vec<serde_json::Value> =
                found.iter().map(|(a, r, x)| to_json(a, r, x)).collect();
            serde_json::to_string_pretty(&json!({ "resource": args.resource, "targets": list }))?
        }
        ExposureFormat::Text => {
            let mut s = String::new();
            for (a, r, x) in &found {
                render(&mut s, a, r, x)?;
            }
            s
        }
    };
    crate::output::write_stdout(&text)?;
    Ok(if reachable {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn matches(region: &rampart_model::Region, t: &Target, wanted: &str) -> bool {
    if t.id == wanted || t.arn == wanted {
        return true;
    }
    if t.attachments
        .iter()
        .any(|a| a.interface.as_deref() == Some(wanted))
    {
        return true;
    }
    let name = match if t.is_interface {
        TargetKind::NetworkInterface
    } else {
        t.kind
    } {
        TargetKind::Instance => region.instances.get(t.index).map(|i| i.meta.name.as_str()),
        TargetKind::NetworkInterface => region
            .network_interfaces
            .get(t.index)
            .map(|i| i.meta.name.as_str()),
        TargetKind::LoadBalancer => region
            .load_balancers
            .get(t.index)
            .map(|i| i.meta.name.as_str()),
        TargetKind::DbInstance => region
            .db_instances
            .get(t.index)
            .map(|i| i.meta.name.as_str()),
        TargetKind::Lambda => region
            .lambda_functions
            .get(t.index)
            .map(|i| i.meta.name.as_str()),
    };
    name == Some(wanted)
}

fn render(s: &mut String, account: &str, region: &str, x: &TargetExposure) -> anyhow::Result<()> {
    let t = &x.target;
    writeln!(
        s,
        "{} `{}` — account {account}, {region}, {}",
        t.kind.as_str(),
        t.id,
        t.vpc_id.as_deref().unwrap_or("no VPC")
    )?;
    writeln!(s, "  {}", t.arn)?;
    if x.reachable() {
        writeln!(s, "  REACHABLE from the internet:")?;
    } else if x.maybe_reachable() {
        writeln!(
            s,
            "  reachable only if what the inventory does not say is open:"
        )?;
    } else {
        writeln!(s, "  not reachable from the internet")?;
    }
    for e in &x.exposures {
        let to = e.address.as_deref().unwrap_or("?");
        let via = e
            .interface
            .as_deref()
            .map(|i| format!(" on {i}"))
            .unwrap_or_default();
        writeln!(
            s,
            "  • {} from {} to {to}{via} (subnet {})",
            e.traffic(),
            e.sources_text(6),
            e.subnet_id
        )?;
        writeln!(s, "      route     {}", e.route)?;
        writeln!(s, "      NACL in   {}", e.nacl_inbound)?;
        writeln!(s, "      admitted  {}", e.security_group)?;
        writeln!(
            s,
            "      NACL out  {} (replies to the client's ephemeral port)",
            e.nacl_outbound
        )?;
        for a in &e.assumptions {
            writeln!(s, "      assumed   {a}")?;
        }
    }
    for n in &x.notes {
        writeln!(s, "  - {n}")?;
    }
    writeln!(s)?;
    Ok(())
}

fn to_json(account: &str, region: &str, x: &TargetExposure) -> serde_json::Value {
    let t = &x.target;
    json!({
        "kind": t.kind.as_str(),
        "id": t.id,
        "arn": t.arn,
        "account": account,
        "region": region,
        "vpc": t.vpc_id,
        "reachable": x.reachable(),
        "maybe_reachable": x.maybe_reachable(),
        "paths": x.exposures.iter().map(|e| json!({
            "traffic": e.traffic(),
            "protocols": [e.protos.0, e.protos.1],
            "ports": [e.ports.0, e.ports.1],
            "sources": e.sources_text(64),
            "to": e.address,
            "interface": e.interface,
            "subnet": e.subnet_id,
            "route": e.route,
            "nacl_inbound": e.nacl_inbound,
            "security_group": e.security_group,
            "nacl_outbound": e.nacl_outbound,
            "assumptions": e.assumptions,
        })).collect::<Vec<_>>(),
        "notes": x.notes,
    })
}
