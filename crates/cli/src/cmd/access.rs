//! `rampart access`: who can do what on an estate (snapshot, Terraform, CloudFormation).
//!
//! - `who-can --action A --resource ARN INPUT…`: every user, role and group that the policy
//!   engine allows (identity policies, boundary, the resource's own policy when the Inventory
//!   holds it: bucket, key or trust policy), directly or through a chain of principals it can act
//!   as (role assumption, passing a role to a service, taking over a user), with the statements.
//! - `principal ARN INPUT…`: what one principal's policies allow: per service, the actions by
//!   access level, the resources and the conditions attached.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::bail;
use clap::{Args, Subcommand};
use rampart_checks::estate::Estate;
use rampart_model::Account;
use rampart_policy::escalate::Graph;
use rampart_policy::eval::{Decider, Decision, Named, Request, RequestContext};
use rampart_policy::{Policy, PolicyKind, analysis, catalogue};
use serde_json::{Value, json};

use crate::Outcome;

/// Arguments of `rampart access`.
#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(subcommand)]
    command: AccessCommand,
}

#[derive(Debug, Subcommand)]
enum AccessCommand {
    /// Every principal that can perform an action on a resource, and how.
    WhoCan(WhoCanArgs),
    /// What one principal can do: services, actions by access level, resources, conditions.
    Principal(PrincipalArgs),
}

/// Arguments of `rampart access who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The action (`s3:GetObject`).
    #[arg(long)]
    action: String,
    /// The resource ARN.
    #[arg(long)]
    resource: String,
    /// Snapshots, Terraform or CloudFormation directories and files.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Arguments of `rampart access principal`.
#[derive(Debug, Args)]
pub struct PrincipalArgs {
    /// The principal's ARN (or its name).
    principal: String,
    /// Snapshots, Terraform or CloudFormation directories and files.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Runs `rampart access`.
///
/// # Errors
/// Unreadable inputs, or an unknown principal.
pub fn run(args: &AccessArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        AccessCommand::WhoCan(a) => who_can(a),
        AccessCommand::Principal(a) => principal(a),
    }
}

/// The resource's own policy, when the Inventory holds it (bucket, KMS key, role trust).
fn resource_policy(account: &Account, action: &str, resource: &str) -> Option<Policy> {
    let (doc, kind) = if let Some(rest) = resource.strip_prefix("arn:aws:s3:::") {
        let bucket = rest.split('/').next().unwrap_or_default();
        let b = account.buckets.iter().find(|b| b.meta.name == bucket)?;
        (b.policy.as_ref()?, PolicyKind::Resource)
    } else if resource.contains(":kms:") {
        let k = account
            .regions
            .iter()
            .flat_map(|r| &r.kms_keys)
            .find(|k| k.meta.arn == resource)?;
        (k.policy.as_ref()?, PolicyKind::Key)
    } else if resource.contains(":iam::")
        && resource.contains(":role/")
        && action.to_ascii_lowercase().starts_with("sts:assumerole")
    {
        let r = account.iam.roles.iter().find(|r| {
            r.meta.arn == resource || resource.rsplit('/').next() == Some(r.meta.name.as_str())
        })?;
        (&r.assume_role_policy, PolicyKind::Trust)
    } else {
        return None;
    };
    rampart_policy::parse_document(doc.as_json(), kind).policy
}

fn who_can(args: &WhoCanArgs) -> anyhow::Result<Outcome> {
    let inventory = crate::inputs::load(&args.inputs)?.inventory;
    memtrace("inventory loaded");
    let mut rows: Vec<Value> = Vec::new();
    let mut notes: Vec<Value> = Vec::new();
    let mut text = String::new();
    // The RCPs of the resource's account, when it is another account of the input.
    let named_account = rampart_policy::eval::account_of(&args.resource).filter(|a| a.len() == 12);
    let resource_estate = named_account
        .and_then(|id| inventory.accounts.iter().find(|a| a.id == id))
        .map(Estate::new);
    for account in &inventory.accounts {
        let estate = Estate::new(account);
        memtrace("estate parsed");
        let graph = estate.graph(None);
        memtrace("graph built");
        let resource_policy = resource_policy(account, &args.action, &args.resource);
        let resource_account = named_account.unwrap_or(&account.id);
        let rcps = if resource_account == account.id {
            estate.rcp_levels()
        } else {
            resource_estate
                .as_ref()
                .map(Estate::rcp_levels)
                .unwrap_or_default()
        };
        if let Some(why) = estate.org_unknown() {
            notes.push(json!({"account": account.id, "decided_without_scps_and_rcps": why}));
            text.push_str(&format!(
                "account {}: decided without SCPs and RCPs: {why}\n",
                account.id
            ));
        }
        let ctx = RequestContext::new();
        let real = estate.real_nodes();
        let resource_in_management = if resource_account == account.id {
            estate.management_account()
        } else {
            resource_estate
                .as_ref()
                .is_some_and(Estate::management_account)
        };
        // Direct decisions, node by node: once each.
        let direct: Vec<Option<Vec<Decider>>> = (0..real)
            .map(|i| {
                let n = &graph.nodes[i];
                if !estate.missing(i).is_empty() {
                    return None;
                }
                let mut set = graph.set_of(n);
                set.cross_account = resource_account != n.account;
                set.resource_in_management_account = resource_in_management;
                if !n.service_linked {
                    set.rcps.clone_from(&rcps);
                }
                if let Some(p) = &resource_policy {
                    set.resource.push(Named {
                        name: "resource policy",
                        policy: p,
                    });
                }
                let member = format!("arn:aws:iam::{}:user/member-of-group", n.account);
                let caller = if n.kind == rampart_policy::escalate::NodeKind::Group {
                    member.as_str()
                } else {
                    n.arn
                };
                let req = Request {
                    action: &args.action,
                    resource: &args.resource,
                    principal: Some(caller),
                    context: &ctx,
                };
                let e = rampart_policy::eval::evaluate(&set, &req);
                (e.decision == Decision::Allow).then_some(e.deciding)
            })
            .collect();
        // Then one backward search over "act as" edges from the principals allowed directly.
        let targets: Vec<bool> = direct.iter().map(Option::is_some).collect();
        let chains = graph.chains_to(&targets);
        memtrace("decided");
        for i in 0..real {
            let name = describe(&graph, i);
            if let Some(deciding) = &direct[i] {
                let statements: Vec<String> = deciding.iter().map(statement).collect();
                text.push_str(&format!("{name}: allowed by {}\n", statements.join(", ")));
                rows.push(json!({"principal": graph.nodes[i].arn, "kind": graph.nodes[i].kind, "account": account.id, "path": [], "deciding": statements}));
                continue;
            }
            if let Some(Some((path, end))) = chains.get(i) {
                let hops: Vec<Value> = path
                    .iter()
                    .map(|h| json!({"from": graph.nodes[h.from].arn, "to": graph.nodes[h.to].arn, "method": h.method.name, "statements": h.statements.iter().map(statement).collect::<Vec<_>>()}))
                    .collect();
                let via: Vec<String> = path
                    .iter()
                    .map(|h| format!("{} ({})", describe(&graph, h.to), h.method.name))
                    .collect();
                let statements: Vec<String> =
                    direct[*end].iter().flatten().map(statement).collect();
                text.push_str(&format!(
                    "{name}: through {}, allowed by {}\n",
                    via.join(" → "),
                    statements.join(", ")
                ));
                rows.push(json!({"principal": graph.nodes[i].arn, "kind": graph.nodes[i].kind, "account": account.id, "path": hops, "deciding": statements}));
            }
        }
        for i in 0..real {
            if !estate.missing(i).is_empty() {
                text.push_str(&format!(
                    "{}: not assessed, the Inventory lacks {}\n",
                    describe(&graph, i),
                    estate.missing(i).join(", ")
                ));
            }
        }
    }
    if args.format == "json" {
        let doc = json!({"action": args.action, "resource": args.resource, "principals": rows, "notes": notes});
        crate::output::write_stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        if rows.is_empty() {
            text.insert_str(0, "no principal can\n");
        }
        crate::output::write_stdout(&text)?;
    }
    Ok(Outcome::Clean)
}

/// With `RAMPART_MEMTRACE` set, the process's resident memory now and at its peak so far, on
/// stderr (Linux; `bench/access/` uses it to say what holds the memory of a run).
fn memtrace(point: &str) {
    if std::env::var_os("RAMPART_MEMTRACE").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or_else(|| "?".to_owned(), |v| v.trim().to_owned())
    };
    eprintln!(
        "memtrace {point}: rss {}, peak {}",
        field("VmRSS:"),
        field("VmHWM:")
    );
}

fn describe(graph: &Graph<'_>, i: usize) -> String {
    let n = &graph.nodes[i];
    format!("{:?} `{}`", n.kind, n.arn).to_lowercase()
}

fn statement(d: &Decider) -> String {
    match &d.sid {
        Some(sid) if !sid.is_empty() => {
            format!("{} statement #{} `{sid}`", d.policy, d.statement + 1)
        }
        _ => format!("{} statement #{}", d.policy, d.statement + 1),
    }
}

fn principal(args: &PrincipalArgs) -> anyhow::Result<Outcome> {
    let inventory = crate::inputs::load(&args.inputs)?.inventory;
    for account in &inventory.accounts {
        let estate = Estate::new(account);
        let graph = estate.graph(None);
        let Some(i) = (0..estate.real_nodes()).find(|&i| {
            graph.nodes[i].arn == args.principal
                || estate.meta(i).is_some_and(|m| m.name == args.principal)
        }) else {
            continue;
        };
        let n = &graph.nodes[i];
        let e = analysis::effective(&n.policies);
        let bounded = n
            .boundary
            .as_ref()
            .map(|b| analysis::effective(b).allowed_actions());
        let c = catalogue::global();
        // service → level → actions; service → resources, conditions.
        let mut levels: BTreeMap<String, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
        let mut resources: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut conditions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for g in &e.grants {
            let Some(named) = n.policies.get(g.allow.policy) else {
                continue;
            };
            let st = named.policy.statements.get(g.allow.statement);
            for a in g.actions.iter() {
                if bounded.as_ref().is_some_and(|b| !b.contains(a)) {
                    continue;
                }
                let Some(action) = c.actions.get(a) else {
                    continue;
                };
                let svc = c
                    .services
                    .get(action.service)
                    .map_or_else(String::new, |s| s.prefix.clone());
                levels
                    .entry(svc.clone())
                    .or_default()
                    .entry(action.level.as_str())
                    .or_default()
                    .insert(action.full.as_str());
                let r = if g.not_resource {
                    format!("everything but {}", g.resource)
                } else {
                    g.resource.clone()
                };
                resources.entry(svc.clone()).or_default().insert(r);
                if let Some(st) = st.filter(|_| g.conditional) {
                    for cond in &st.conditions {
                        conditions.entry(svc.clone()).or_default().insert(format!(
                            "{} {} {:?}",
                            cond.operator.name, cond.key.value, cond.values
                        ));
                    }
                }
            }
        }
        if args.format == "json" {
            let services: Vec<Value> = levels
                .iter()
                .map(|(svc, by_level)| {
                    json!({
                        "service": svc,
                        "actions": by_level,
                        "resources": resources.get(svc),
                        "conditions": conditions.get(svc),
                    })
                })
                .collect();
            let doc = json!({"principal": n.arn, "kind": n.kind, "account": account.id, "boundary": n.boundary.is_some(), "services": services});
            crate::output::write_stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        } else {
            let mut s = format!("{} ({} services)\n", describe(&graph, i), levels.len());
            for (svc, by_level) in &levels {
                s.push_str(&format!("{svc}\n"));
                for (level, actions) in by_level {
                    let list: Vec<&str> = actions.iter().take(12).copied().collect();
                    let more = actions.len().saturating_sub(list.len());
                    s.push_str(&format!(
                        "  {level} ({}): {}{}\n",
                        actions.len(),
                        list.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ));
                }
                if let Some(r) = resources.get(svc) {
                    let r: Vec<&str> = r.iter().map(String::as_str).collect();
                    s.push_str(&format!("  resources: {}\n", r.join(", ")));
                }
                if let Some(cs) = conditions.get(svc) {
                    let cs: Vec<&str> = cs.iter().map(String::as_str).collect();
                    s.push_str(&format!("  conditions: {}\n", cs.join("; ")));
                }
            }
            crate::output::write_stdout(&s)?;
        }
        return Ok(Outcome::Clean);
    }
    bail!("no principal `{}` in the inputs", args.principal)
}
