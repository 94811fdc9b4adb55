//! Helpers shared by the network checks: who uses a security group, the internet-open ports of
//! a group, and how to name things in messages.

use std::collections::{HashMap, HashSet};

use rampart_model::Region;
use rampart_model::network::{Peer, SecurityGroup, SgRule};
use rampart_network::rules::describe_sg_rule;
use rampart_network::space::proto;
use rampart_network::{Family, SgSpaces};

/// What uses a security group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Use {
    /// `instance`, `network-interface`, `load-balancer`, `db-instance`, `db-cluster`,
    /// `redshift-cluster`, `lambda-function`.
    pub kind: &'static str,
    /// Its id or name.
    pub id: String,
}

/// Every attachment of every security group of a region, by group id.
pub(crate) fn sg_uses(region: &Region) -> HashMap<&str, Vec<Use>> {
    let mut out: HashMap<&str, Vec<Use>> = HashMap::new();
    // Keys are borrowed from the region's group list, so the map outlives the closure's inputs.
    let ids: HashSet<&str> = region
        .security_groups
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let mut add = |g: &str, kind: &'static str, id: &str| {
        if let Some(key) = ids.get(g) {
            let uses = out.entry(*key).or_default();
            let u = Use {
                kind,
                id: id.to_owned(),
            };
            if !uses.contains(&u) {
                uses.push(u);
            }
        }
    };
    for i in &region.instances {
        for g in &i.security_groups {
            add(g, "instance", &i.id);
        }
    }
    for e in &region.network_interfaces {
        for g in &e.security_groups {
            add(g, "network-interface", &e.id);
        }
    }
    for lb in &region.load_balancers {
        for g in &lb.security_groups {
            add(g, "load-balancer", &lb.meta.name);
        }
    }
    for db in &region.db_instances {
        for g in &db.security_groups {
            add(g, "db-instance", &db.id);
        }
    }
    for c in &region.db_clusters {
        for g in &c.security_groups {
            add(g, "db-cluster", &c.id);
        }
    }
    for c in &region.redshift_clusters {
        for g in &c.security_groups {
            add(g, "redshift-cluster", &c.id);
        }
    }
    for f in &region.lambda_functions {
        if let Some(v) = &f.vpc {
            for g in &v.security_group_ids {
                add(g, "lambda-function", &f.meta.name);
            }
        }
    }
    out
}

/// Group ids attached to load balancers.
pub(crate) fn load_balancer_groups(region: &Region) -> HashSet<&str> {
    region
        .load_balancers
        .iter()
        .flat_map(|lb| lb.security_groups.iter().map(String::as_str))
        .collect()
}

/// The families (`0.0.0.0/0`, `::/0`) from which the union of `spaces` admits all of TCP `port`.
pub(crate) fn open_families(spaces: &SgSpaces, protos: (u8, u8), ports: (u16, u16)) -> Vec<Family> {
    Family::ALL
        .into_iter()
        .filter(|f| spaces.open_to_internet(*f, protos, ports))
        .collect()
}

/// `0.0.0.0/0` / `::/0` / both, for messages.
pub(crate) fn families_text(families: &[Family]) -> String {
    families
        .iter()
        .map(|f| f.anywhere())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The rules of a group admitting `protos`/`ports` from public addresses, described.
pub(crate) fn rules_text(
    sg: &SecurityGroup,
    spaces: &SgSpaces,
    protos: (u8, u8),
    ports: (u16, u16),
) -> Vec<String> {
    let mut idx: Vec<usize> = Family::ALL
        .iter()
        .flat_map(|f| spaces.rules_touching(*f, protos, ports))
        .collect();
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter()
        .filter_map(|i| sg.ingress.get(i))
        .map(|r| describe_sg_rule(r, true))
        .collect()
}

/// The first rule (by index) among `rules` that admits the traffic from public addresses, for
/// its source location.
pub(crate) fn first_rule<'a>(
    rules: &'a [SgRule],
    spaces: &SgSpaces,
    protos: (u8, u8),
    ports: (u16, u16),
) -> Option<&'a SgRule> {
    Family::ALL
        .iter()
        .flat_map(|f| spaces.rules_touching(*f, protos, ports))
        .min()
        .and_then(|i| rules.get(i))
}

/// `sg-… (name)`.
pub(crate) fn sg_label(sg: &SecurityGroup) -> String {
    if sg.group_name.is_empty() || sg.group_name == sg.id {
        format!("`{}`", sg.id)
    } else {
        format!("`{}` ({})", sg.id, sg.group_name)
    }
}

/// TCP only.
pub(crate) const TCP: (u8, u8) = (proto::TCP, proto::TCP);

/// Whether a rule's peer is another security group.
pub(crate) fn peer_is_group(rule: &SgRule) -> Option<&str> {
    match &rule.peer {
        Peer::SecurityGroup(g) => Some(g.rsplit('/').next().unwrap_or(g)),
        _ => None,
    }
}

/// A value from a resource's tags, case-insensitively by key.
pub(crate) fn tag<'a>(tags: &'a rampart_model::Tags, keys: &[&str]) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| keys.iter().any(|w| k.eq_ignore_ascii_case(w)))
        .map(|(_, v)| v.as_str())
}

/// Whether a VPC is production, by its `environment`/`env`/`stage` tag, else its name.
pub(crate) fn is_production(meta: &rampart_model::Meta) -> bool {
    let looks_prod = |v: &str| {
        let v = v.to_ascii_lowercase();
        v == "prod"
            || v == "production"
            || v == "prd"
            || v.starts_with("prod-")
            || v.ends_with("-prod")
    };
    match tag(&meta.tags, &["environment", "env", "stage"]) {
        Some(v) => looks_prod(v),
        None => meta
            .name
            .to_ascii_lowercase()
            .split(['-', '_', ' '])
            .any(looks_prod),
    }
}

/// Fails every security group whose rules admit one of `ports` (TCP) from every public address of
/// a family; passes the others. `what` names the ports in messages ("administration").
pub(crate) fn check_ports_open_to_internet(
    ctx: &crate::context::Context<'_>,
    out: &mut crate::check::Sink,
    ports: &[u16],
    what: &str,
) {
    use crate::check::{At, FindingExt};
    use serde_json::json;
    for (account, region, sg) in ctx.each(|r| &r.security_groups) {
        let spaces = SgSpaces::of(&sg.ingress);
        let at = At::meta(&account.id, Some(&region.name), &sg.meta);
        let mut open: Vec<(u16, Vec<Family>)> = Vec::new();
        for &p in ports {
            let fams = open_families(&spaces, TCP, (p, p));
            if !fams.is_empty() {
                open.push((p, fams));
            }
        }
        if let Some((first, _)) = open.first() {
            let list: Vec<String> = open
                .iter()
                .map(|(p, f)| format!("{p} from {}", families_text(f)))
                .collect();
            let mut rules: Vec<String> = Vec::new();
            for (p, _) in &open {
                for r in rules_text(sg, &spaces, TCP, (*p, *p)) {
                    if !rules.contains(&r) {
                        rules.push(r);
                    }
                }
            }
            let origin = first_rule(&sg.ingress, &spaces, TCP, (*first, *first))
                .and_then(|r| r.origin.as_ref());
            out.fail(
                at.with_origin(origin),
                format!(
                    "security group {} admits {what} ports from the internet: tcp {}",
                    sg_label(sg),
                    list.join(", ")
                ),
            )
            .with("group", json!(sg.id))
            .with("vpc", json!(sg.vpc_id))
            .with(
                "ports",
                json!(open.iter().map(|(p, _)| p).collect::<Vec<_>>()),
            )
            .with("rules", json!(rules))
            .with("open_from", json!(open_from(&open)));
        } else if !spaces.invalid.is_empty() {
            out.not_assessed(
                at,
                format!(
                    "security group {} has rules rampart could not read",
                    sg_label(sg)
                ),
            )
            .with("invalid_rules", json!(spaces.invalid));
        } else {
            out.pass(
                at,
                format!(
                    "security group {} admits no {what} port from the internet",
                    sg_label(sg)
                ),
            );
        }
    }
}

/// The "anywhere" blocks (`0.0.0.0/0`, `::/0`) the open ports are reachable from, each once:
/// the compliance view tells an IPv4 control from an IPv6 one by them.
fn open_from(open: &[(u16, Vec<Family>)]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in open.iter().flat_map(|(_, f)| f) {
        if !out.contains(&f.anywhere()) {
            out.push(f.anywhere());
        }
    }
    out
}

/// The Meta of a reachability target, for its location.
pub(crate) fn target_meta<'a>(
    region: &'a Region,
    t: &rampart_network::Target,
) -> Option<&'a rampart_model::Meta> {
    use rampart_network::TargetKind;
    if t.is_interface {
        return region.network_interfaces.get(t.index).map(|x| &x.meta);
    }
    match t.kind {
        TargetKind::Instance => region.instances.get(t.index).map(|x| &x.meta),
        TargetKind::NetworkInterface => region.network_interfaces.get(t.index).map(|x| &x.meta),
        TargetKind::LoadBalancer => region.load_balancers.get(t.index).map(|x| &x.meta),
        TargetKind::DbInstance => region.db_instances.get(t.index).map(|x| &x.meta),
        TargetKind::Lambda => region.lambda_functions.get(t.index).map(|x| &x.meta),
    }
}

/// The paths of exposures as evidence (at most `limit`).
pub(crate) fn paths_json<'a>(
    exposures: impl Iterator<Item = &'a rampart_network::Exposure>,
    limit: usize,
) -> serde_json::Value {
    let list: Vec<serde_json::Value> = exposures
        .take(limit)
        .map(|e| {
            serde_json::json!({
                "traffic": e.traffic(),
                "from": e.sources_text(4),
                "to": e.address,
                "interface": e.interface,
                "subnet": e.subnet_id,
                "route": e.route,
                "nacl_inbound": e.nacl_inbound,
                "nacl_outbound": e.nacl_outbound,
                "security_group": e.security_group,
                "assumptions": e.assumptions,
            })
        })
        .collect();
    serde_json::Value::Array(list)
}

/// `tcp 22, tcp 443 (…)`: the distinct traffic of exposures.
pub(crate) fn traffic_list<'a>(
    exposures: impl Iterator<Item = &'a rampart_network::Exposure>,
) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in exposures {
        let t = e.traffic();
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    seen.join(", ")
}

/// The data sets reachability reads.
pub(crate) const REACH_NEEDS: &[&str] = &[
    rampart_model::data::EC2_VPC,
    rampart_model::data::EC2_ROUTE_TABLES,
    rampart_model::data::EC2_NETWORK_ACLS,
    rampart_model::data::EC2_SECURITY_GROUPS,
    rampart_model::data::EC2_NETWORK_INTERFACES,
    rampart_model::data::EC2_INSTANCES,
    rampart_model::data::ELB,
    rampart_model::data::RDS,
];

/// Words that mark a management host (bastion, jump host, VPN).
const MANAGEMENT_WORDS: &[&str] = &[
    "bastion",
    "jump",
    "jumpbox",
    "jumphost",
    "management",
    "mgmt",
    "admin",
    "vpn",
];

/// Whether a name marks a management host.
pub(crate) fn is_management_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['-', '_', ' ', '.'])
        .any(|w| MANAGEMENT_WORDS.contains(&w))
}

/// Whether a resource is a management host, by its `role`/`tier`/`function` tag or its name.
pub(crate) fn is_management(meta: &rampart_model::Meta) -> bool {
    tag(&meta.tags, &["role", "tier", "function"]).is_some_and(is_management_name)
        || is_management_name(&meta.name)
}
