//! Reachability from the internet, with the path as evidence.
//!
//! A connection from internet address S to a resource's public address on (protocol, port)
//! works when, all at once:
//! 1. S is a public address, and the resource has a public address of S's family;
//! 2. the subnet's route table sends S to an internet gateway (the reply must leave that way:
//!    the most specific route for S is an `igw-…` route that is not a blackhole);
//! 3. the subnet's network ACL allows the packet inbound (first matching entry is an allow);
//! 4. the network ACL allows the reply outbound, to S, on the client's ephemeral port (TCP/UDP:
//!    some port in the ephemeral range, 1024–65535 by default) — NACLs are stateless;
//! 5. some rule of some of the resource's security groups admits the packet (stateful: the reply
//!    needs no rule);
//! 6. the resource serves that traffic, where that is known (a load balancer's listeners, a
//!    database's port).
//!
//! [`RegionNetwork::exposure`] computes the exact set of such (S, protocol, port), as boxes, each
//! with the route, NACL entries and security group rule that admit it. Anything the Inventory
//! does not say (a subnet's NACL or route table, a group that is not listed) is assumed open and
//! named in the exposure's `assumptions`, so callers can tell "reachable" from "maybe".

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rampart_model::Region;
use rampart_model::network::{NetworkAcl, RouteTable, SecurityGroup, Subnet};

use crate::addr::{Family, describe_intervals, intersect, normalize, public_space};
use crate::nacl::NaclPolicy;
use crate::routes::{InternetRoutes, table_for};
use crate::sg::SgPolicy;
use crate::space::{Packet, Space, describe_traffic, proto};

/// The ephemeral port range clients use, which return traffic must reach.
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

/// What kind of resource a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// An EC2 instance (through its interfaces).
    Instance,
    /// A network interface not attached to a listed instance or load balancer.
    NetworkInterface,
    /// A load balancer.
    LoadBalancer,
    /// An RDS DB instance.
    DbInstance,
    /// A Lambda function in a VPC.
    Lambda,
}

impl TargetKind {
    /// `instance`, `network-interface`, …
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Instance => "instance",
            TargetKind::NetworkInterface => "network-interface",
            TargetKind::LoadBalancer => "load-balancer",
            TargetKind::DbInstance => "db-instance",
            TargetKind::Lambda => "lambda-function",
        }
    }
}

/// One place a target receives traffic: an interface, or a subnet a service places nodes in.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The subnet.
    pub subnet_id: String,
    /// The VPC.
    pub vpc_id: String,
    /// The interface (`eni-…`), when known.
    pub interface: Option<String>,
    /// The public IPv4 address, or a description of one a service assigns.
    pub public_v4: Option<String>,
    /// Whether it has IPv6 addresses (global unicast, reachable when routed).
    pub ipv6: bool,
    /// Its security groups.
    pub security_groups: Vec<String>,
    /// Whether security groups filter its traffic (a network load balancer without groups: no).
    pub sg_filter: bool,
}

/// A resource that might be reachable from the internet.
#[derive(Debug, Clone)]
pub struct Target {
    /// Kind.
    pub kind: TargetKind,
    /// Id (`i-…`, `eni-…`, load balancer name, DB identifier, function name).
    pub id: String,
    /// ARN.
    pub arn: String,
    /// The VPC.
    pub vpc_id: Option<String>,
    /// Where it receives traffic.
    pub attachments: Vec<Attachment>,
    /// The only (protocol, ports) it serves, when known (listeners, database port).
    pub serves: Option<Vec<(u8, (u16, u16))>>,
    /// Why it cannot be reached at all, when that is decided before any rule is read.
    pub unreachable: Option<String>,
    /// Index of the resource in its region list (instances, interfaces, load balancers, DB
    /// instances or Lambda functions, by kind; interfaces when `is_interface`).
    pub index: usize,
    /// Whether the target was found as a network interface (`index` is into
    /// `network_interfaces`), e.g. a load balancer node whose load balancer is not listed.
    pub is_interface: bool,
}

/// One way in: sources, traffic, and the path that admits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Family.
    pub family: Family,
    /// Source address intervals (normalized).
    pub sources: Vec<(u128, u128)>,
    /// Protocol interval.
    pub protos: (u8, u8),
    /// Port interval (ICMP: `type << 8 | code`).
    pub ports: (u16, u16),
    /// The subnet.
    pub subnet_id: String,
    /// The interface.
    pub interface: Option<String>,
    /// The public address.
    pub address: Option<String>,
    /// The route table and route (`rtb-… 0.0.0.0/0 → igw-…`).
    pub route: String,
    /// The NACL and its inbound entry.
    pub nacl_inbound: String,
    /// The NACL and its outbound entry that lets replies out.
    pub nacl_outbound: String,
    /// The security group and rule that admits it.
    pub security_group: String,
    /// What was assumed because the Inventory does not say (empty: the path is certain).
    pub assumptions: Vec<String>,
}

impl Exposure {
    /// `tcp 22`, `all traffic`…
    #[must_use]
    pub fn traffic(&self) -> String {
        describe_traffic(self.protos, self.ports)
    }

    /// The sources in words: `any internet address`, `any internet address except …`, or CIDR
    /// blocks (at most `limit`).
    #[must_use]
    pub fn sources_text(&self, limit: usize) -> String {
        let public = public_space(self.family);
        let missing = crate::addr::subtract(public, &self.sources);
        if missing.is_empty() {
            return format!("any internet address ({})", self.family.anywhere());
        }
        let except: usize = missing
            .iter()
            .map(|(lo, hi)| crate::addr::interval_to_cidrs(self.family, *lo, *hi).len())
            .sum();
        if except <= limit && except < self.sources.len() * 2 {
            return format!(
                "any internet address except {}",
                describe_intervals(self.family, &missing, limit)
            );
        }
        describe_intervals(self.family, &self.sources, limit)
    }

    /// Whether the exposure includes this inbound packet.
    #[must_use]
    pub fn contains(&self, p: &Packet) -> bool {
        p.family == self.family
            && (self.protos.0..=self.protos.1).contains(&p.proto)
            && (self.ports.0..=self.ports.1).contains(&p.port)
            && self
                .sources
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&p.addr))
    }

    /// Whether any of `ports` (TCP or UDP) is in this exposure.
    #[must_use]
    pub fn touches_port(&self, port: u16) -> bool {
        [proto::TCP, proto::UDP]
            .iter()
            .any(|p| (self.protos.0..=self.protos.1).contains(p))
            && (self.ports.0..=self.ports.1).contains(&port)
    }

    /// Whether the path is certain (nothing assumed).
    #[must_use]
    pub fn certain(&self) -> bool {
        self.assumptions.is_empty()
    }

    /// The path in one line.
    #[must_use]
    pub fn path(&self) -> String {
        format!(
            "internet → {} → NACL in {} → {} → return: NACL out {}",
            self.route, self.nacl_inbound, self.security_group, self.nacl_outbound
        )
    }
}

/// A target and what reaches it.
#[derive(Debug, Clone)]
pub struct TargetExposure {
    /// The target.
    pub target: Target,
    /// The ways in (empty: not reachable).
    pub exposures: Vec<Exposure>,
    /// Why it is not reachable, or what limits it (no public address, internal, …).
    pub notes: Vec<String>,
}

impl TargetExposure {
    /// Reachable through a path with no assumption.
    #[must_use]
    pub fn reachable(&self) -> bool {
        self.exposures.iter().any(Exposure::certain)
    }

    /// Reachable only if an assumption holds.
    #[must_use]
    pub fn maybe_reachable(&self) -> bool {
        !self.reachable() && !self.exposures.is_empty()
    }
}

/// The internet paths into one subnet for one family, as the three sets a packet must be in:
/// allowed in by the NACL, its reply allowed out, its source routed to an internet gateway.
/// Kept apart (not multiplied out) so that memory stays linear; each security group rule is
/// intersected with them in turn.
#[derive(Debug)]
struct SubnetPaths {
    /// NACL inbound allowed boxes, with the rule number.
    inbound: Vec<(Space, i32)>,
    /// NACL outbound return projection (full port dimension), with the rule number.
    returns: Vec<(Space, i32)>,
    /// Public addresses routed to an internet gateway, with the index of their label.
    routed: Vec<((u128, u128), usize)>,
    /// `route table rtb-… (0.0.0.0/0 → igw-…)`.
    route_labels: Vec<String>,
    nacl_id: String,
    entry_text: HashMap<(bool, i32), String>,
    assumptions: Vec<String>,
    /// Whether some packet passes all three (regardless of security groups).
    open: bool,
}

/// Internet paths into each (subnet, family), computed once.
type PathCache = HashMap<(String, Family), Rc<SubnetPaths>>;

/// The network of one region, indexed for reachability questions.
pub struct RegionNetwork<'a> {
    /// The region.
    pub region: &'a Region,
    sgs: HashMap<&'a str, (&'a SecurityGroup, SgPolicy)>,
    subnets: HashMap<&'a str, &'a Subnet>,
    nacl_of_subnet: HashMap<&'a str, usize>,
    nacls: Vec<NaclPolicy>,
    paths: RefCell<PathCache>,
    routes: RefCell<HashMap<String, Rc<InternetRoutes>>>,
}

impl<'a> RegionNetwork<'a> {
    /// Indexes a region.
    #[must_use]
    pub fn new(region: &'a Region) -> RegionNetwork<'a> {
        let sgs = region
            .security_groups
            .iter()
            .map(|g| (g.id.as_str(), (g, SgPolicy::new(g))))
            .collect();
        let subnets = region.subnets.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut nacl_of_subnet = HashMap::new();
        for (i, acl) in region.network_acls.iter().enumerate() {
            for s in &acl.subnet_ids {
                nacl_of_subnet.insert(s.as_str(), i);
            }
        }
        let nacls = region.network_acls.iter().map(NaclPolicy::new).collect();
        RegionNetwork {
            region,
            sgs,
            subnets,
            nacl_of_subnet,
            nacls,
            paths: RefCell::new(HashMap::new()),
            routes: RefCell::new(HashMap::new()),
        }
    }

    /// A security group and its analysis.
    #[must_use]
    pub fn security_group(&self, id: &str) -> Option<&(&'a SecurityGroup, SgPolicy)> {
        self.sgs.get(id)
    }

    /// The analysis of the region's `i`-th network ACL.
    #[must_use]
    pub fn nacl_policy(&self, i: usize) -> Option<&NaclPolicy> {
        self.nacls.get(i)
    }

    /// The network ACL of a subnet.
    #[must_use]
    pub fn nacl_for_subnet(&self, subnet_id: &str) -> Option<(&'a NetworkAcl, &NaclPolicy)> {
        let i = *self.nacl_of_subnet.get(subnet_id)?;
        Some((self.region.network_acls.get(i)?, self.nacls.get(i)?))
    }

    /// The route table of a subnet (explicit association, else the VPC's main table).
    #[must_use]
    pub fn route_table_for(&self, subnet_id: &str) -> Option<&'a RouteTable> {
        let vpc = self
            .subnets
            .get(subnet_id)
            .map(|s| s.vpc_id.as_str())
            .unwrap_or_default();
        table_for(&self.region.route_tables, subnet_id, vpc)
    }

    /// Whether the subnet's route table has a working route to an internet gateway.
    #[must_use]
    pub fn subnet_routes_to_internet(&self, subnet_id: &str) -> Option<bool> {
        let table = self.route_table_for(subnet_id)?;
        let r = self.internet_routes(table);
        Some(r.any(Family::V4) || r.any(Family::V6))
    }

    fn internet_routes(&self, table: &RouteTable) -> Rc<InternetRoutes> {
        if let Some(r) = self.routes.borrow().get(&table.id) {
            return Rc::clone(r);
        }
        let r = Rc::new(InternetRoutes::of(table));
        self.routes
            .borrow_mut()
            .insert(table.id.clone(), Rc::clone(&r));
        r
    }

    /// Every target of the region.
    #[must_use]
    pub fn targets(&self) -> Vec<Target> {
        let r = self.region;
        let mut out = Vec::new();
        let instance_ids: HashMap<&str, usize> = r
            .instances
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), i))
            .collect();
        let mut enis_of_instance: HashMap<usize, Vec<usize>> = HashMap::new();
        let instance_of_eni: HashMap<&str, usize> = r
            .instances
            .iter()
            .enumerate()
            .flat_map(|(i, x)| x.network_interfaces.iter().map(move |n| (n.as_str(), i)))
            .collect();
        let mut lb_names: HashMap<String, usize> = HashMap::new();
        for (i, lb) in r.load_balancers.iter().enumerate() {
            // `arn:…:loadbalancer/app/<name>/<id>` → `app/<name>/<id>`, as ELB names its ENIs.
            if let Some((_, tail)) = lb.meta.arn.split_once(":loadbalancer/") {
                lb_names.insert(tail.to_owned(), i);
            }
            lb_names.insert(lb.meta.name.clone(), i);
        }
        let mut standalone = Vec::new();
        for (i, eni) in r.network_interfaces.iter().enumerate() {
            let by_instance = eni
                .instance_id
                .as_deref()
                .and_then(|id| instance_ids.get(id).copied())
                .or_else(|| instance_of_eni.get(eni.id.as_str()).copied());
            if let Some(inst) = by_instance {
                enis_of_instance.entry(inst).or_default().push(i);
                continue;
            }
            let elb = eni.description.strip_prefix("ELB ");
            if elb.is_some_and(|name| lb_names.contains_key(name))
                || eni.interface_type == "nat_gateway"
            {
                continue;
            }
            // An RDS interface whose DB instance is listed with this subnet and these groups is
            // that instance, already a target of its own.
            let rds_listed = eni.description.starts_with("RDSNetworkInterface")
                && r.db_instances.iter().any(|d| {
                    d.subnet_ids.contains(&eni.subnet_id)
                        && !d.security_groups.is_empty()
                        && d.security_groups
                            .iter()
                            .all(|g| eni.security_groups.contains(g))
                });
            if rds_listed {
                continue;
            }
            standalone.push((i, elb.is_some()));
        }
        for (i, inst) in r.instances.iter().enumerate() {
            if inst.state == "terminated" {
                continue;
            }
            let mut attachments: Vec<Attachment> = enis_of_instance
                .get(&i)
                .map(|list| {
                    list.iter()
                        .map(|&e| eni_attachment(&r.network_interfaces[e]))
                        .collect()
                })
                .unwrap_or_default();
            if attachments.is_empty()
                && let Some(subnet) = &inst.subnet_id
            {
                attachments.push(Attachment {
                    subnet_id: subnet.clone(),
                    vpc_id: inst.vpc_id.clone().unwrap_or_default(),
                    interface: None,
                    public_v4: inst.public_ip.clone(),
                    ipv6: false,
                    security_groups: inst.security_groups.clone(),
                    sg_filter: true,
                });
            }
            let unreachable =
                (inst.state == "stopped").then(|| "the instance is stopped".to_owned());
            out.push(Target {
                kind: TargetKind::Instance,
                id: inst.id.clone(),
                arn: inst.meta.arn.clone(),
                vpc_id: inst
                    .vpc_id
                    .clone()
                    .or_else(|| attachments.first().map(|a| a.vpc_id.clone())),
                attachments,
                serves: None,
                unreachable,
                index: i,
                is_interface: false,
            });
        }
        // Load balancer nodes whose load balancer is not in the inventory are still a load
        // balancer, not bare interfaces: one target per load balancer.
        let mut elb_nodes: Vec<(String, Vec<usize>)> = Vec::new();
        for &(i, elb_node) in &standalone {
            if !elb_node {
                continue;
            }
            let desc = &r.network_interfaces[i].description;
            match elb_nodes.iter_mut().find(|(d, _)| d == desc) {
                Some((_, list)) => list.push(i),
                None => elb_nodes.push((desc.clone(), vec![i])),
            }
        }
        for (desc, list) in elb_nodes {
            // `ELB app/<name>/<id>` (or `ELB <name>` for classic load balancers).
            let tail = desc.strip_prefix("ELB ").unwrap_or(&desc);
            let name = tail.split('/').nth(1).unwrap_or(tail).to_owned();
            let first = &r.network_interfaces[list[0]];
            out.push(Target {
                kind: TargetKind::LoadBalancer,
                id: name,
                arn: first.meta.arn.clone(),
                vpc_id: Some(first.vpc_id.clone()),
                attachments: list
                    .iter()
                    .map(|&i| eni_attachment(&r.network_interfaces[i]))
                    .collect(),
                serves: None,
                unreachable: None,
                index: list[0],
                is_interface: true,
            });
        }
        for (i, elb_node) in standalone {
            if elb_node {
                continue;
            }
            let eni = &r.network_interfaces[i];
            out.push(Target {
                kind: TargetKind::NetworkInterface,
                id: eni.id.clone(),
                arn: eni.meta.arn.clone(),
                vpc_id: Some(eni.vpc_id.clone()),
                attachments: vec![eni_attachment(eni)],
                serves: None,
                unreachable: None,
                index: i,
                is_interface: true,
            });
        }
        for (i, lb) in r.load_balancers.iter().enumerate() {
            let vpc = lb.vpc_id.clone().unwrap_or_default();
            let attachments = lb
                .subnet_ids
                .iter()
                .map(|s| Attachment {
                    subnet_id: s.clone(),
                    vpc_id: vpc.clone(),
                    interface: None,
                    public_v4: Some("load balancer node address".into()),
                    ipv6: false,
                    security_groups: lb.security_groups.clone(),
                    sg_filter: !lb.security_groups.is_empty(),
                })
                .collect();
            let mut serves = Vec::new();
            for l in &lb.listeners {
                let p = l.protocol.to_ascii_uppercase();
                if p != "UDP" {
                    serves.push((proto::TCP, (l.port, l.port)));
                }
                if p == "UDP" || p == "TCP_UDP" {
                    serves.push((proto::UDP, (l.port, l.port)));
                }
            }
            out.push(Target {
                kind: TargetKind::LoadBalancer,
                id: lb.meta.name.clone(),
                arn: lb.meta.arn.clone(),
                vpc_id: lb.vpc_id.clone(),
                attachments,
                serves: (!serves.is_empty()).then_some(serves),
                unreachable: (!lb.internet_facing).then(|| "internal load balancer".to_owned()),
                index: i,
                is_interface: false,
            });
        }
        for (i, db) in r.db_instances.iter().enumerate() {
            let vpc = db.vpc_id.clone().unwrap_or_default();
            let attachments = db
                .subnet_ids
                .iter()
                .map(|s| Attachment {
                    subnet_id: s.clone(),
                    vpc_id: vpc.clone(),
                    interface: None,
                    public_v4: Some("address assigned by RDS".into()),
                    ipv6: false,
                    security_groups: db.security_groups.clone(),
                    sg_filter: true,
                })
                .collect();
            out.push(Target {
                kind: TargetKind::DbInstance,
                id: db.id.clone(),
                arn: db.meta.arn.clone(),
                vpc_id: db.vpc_id.clone(),
                attachments,
                serves: db.port.map(|p| vec![(proto::TCP, (p, p))]),
                unreachable: (!db.publicly_accessible)
                    .then(|| "not publicly accessible: it has no public address".to_owned()),
                index: i,
                is_interface: false,
            });
        }
        for (i, f) in r.lambda_functions.iter().enumerate() {
            let Some(vpc) = &f.vpc else { continue };
            out.push(Target {
                kind: TargetKind::Lambda,
                id: f.meta.name.clone(),
                arn: f.meta.arn.clone(),
                vpc_id: Some(vpc.vpc_id.clone()),
                attachments: Vec::new(),
                serves: None,
                unreachable: Some(
                    "Lambda's network interfaces in a VPC get no public address; the function takes \
                     no inbound connections"
                        .to_owned(),
                ),
                index: i,
                is_interface: false,
            });
        }
        out
    }

    /// What reaches a target from the internet, with the paths.
    #[must_use]
    pub fn exposure(&self, target: &Target) -> TargetExposure {
        let mut report = TargetExposure {
            target: target.clone(),
            exposures: Vec::new(),
            notes: Vec::new(),
        };
        if let Some(why) = &target.unreachable {
            report.notes.push(why.clone());
            return report;
        }
        if target.attachments.is_empty() {
            report
                .notes
                .push("no network interface or subnet is known for it".into());
            return report;
        }
        let mut groups: HashMap<ExposureKey, Exposure> = HashMap::new();
        let mut order: Vec<ExposureKey> = Vec::new();
        for (att_index, att) in target.attachments.iter().enumerate() {
            let families: Vec<(Family, String)> = [
                att.public_v4.clone().map(|a| (Family::V4, a)),
                att.ipv6.then(|| (Family::V6, "IPv6 address".to_owned())),
            ]
            .into_iter()
            .flatten()
            .collect();
            if families.is_empty() {
                let on = att.interface.as_deref().unwrap_or(&att.subnet_id);
                report.notes.push(format!(
                    "`{on}` has no public IPv4 address and no IPv6 address"
                ));
                continue;
            }
            // The security group rules that apply, as (box, label, assumption).
            let mut rules: Vec<(Space, String, Option<String>)> = Vec::new();
            if att.sg_filter {
                for g in &att.security_groups {
                    match self.sgs.get(g.as_str()) {
                        Some((sg, pol)) => {
                            for (s, i) in &pol.ingress.spaces {
                                let rule = &sg.ingress[*i];
                                let label = format!(
                                    "security group {g} rule #{} ({})",
                                    i + 1,
                                    crate::rules::describe_sg_rule(rule, true)
                                );
                                rules.push((*s, label, None));
                            }
                        }
                        None => {
                            for f in Family::ALL {
                                rules.push((
                                    Space::full(f),
                                    format!("security group {g}"),
                                    Some(format!(
                                        "security group `{g}` is not in the inventory: assumed open"
                                    )),
                                ));
                            }
                        }
                    }
                }
            } else {
                for f in Family::ALL {
                    rules.push((
                        Space::full(f),
                        "no security group (all traffic to listeners)".into(),
                        None,
                    ));
                }
            }
            for (family, address) in families {
                let paths = self.subnet_paths(&att.subnet_id, &att.vpc_id, family);
                let before = groups.len();
                for (rule_index, (rule_space, label, rule_assumption)) in rules.iter().enumerate() {
                    if rule_space.family != family {
                        continue;
                    }
                    for (inb, in_rule) in &paths.inbound {
                        let Some(h1) = rule_space.intersect(inb) else {
                            continue;
                        };
                        for (ret, out_rule) in &paths.returns {
                            let Some(h2) = h1.intersect(ret) else {
                                continue;
                            };
                            for (iv, route_index) in &paths.routed {
                                let Some(hit) = h2.intersect(&Space { addr: *iv, ..h2 }) else {
                                    continue;
                                };
                                let piece = (*in_rule, *out_rule, *route_index);
                                let mut record = |hit: Space| {
                                    let key = ExposureKey {
                                        family,
                                        protos: hit.proto,
                                        ports: hit.port,
                                        attachment: att_index,
                                        piece,
                                        rule: rule_index,
                                    };
                                    if let Some(e) = groups.get_mut(&key) {
                                        e.sources.push(hit.addr);
                                        return;
                                    }
                                    order.push(key);
                                    let mut assumptions = paths.assumptions.clone();
                                    assumptions.extend(rule_assumption.clone());
                                    let exposure = Exposure {
                                        family,
                                        sources: vec![hit.addr],
                                        protos: hit.proto,
                                        ports: hit.port,
                                        subnet_id: att.subnet_id.clone(),
                                        interface: att.interface.clone(),
                                        address: Some(address.clone()),
                                        route: paths.route_labels[*route_index].clone(),
                                        nacl_inbound: label_entry(
                                            &paths.nacl_id,
                                            &paths.entry_text,
                                            false,
                                            *in_rule,
                                        ),
                                        nacl_outbound: label_entry(
                                            &paths.nacl_id,
                                            &paths.entry_text,
                                            true,
                                            *out_rule,
                                        ),
                                        security_group: label.clone(),
                                        assumptions,
                                    };
                                    groups.insert(key, exposure);
                                };
                                match &target.serves {
                                    None => record(hit),
                                    Some(list) => {
                                        for (p, ports) in list {
                                            if let Some(h) = hit.intersect(&Space {
                                                proto: (*p, *p),
                                                port: *ports,
                                                ..hit
                                            }) {
                                                record(h);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if groups.len() == before {
                    report
                        .notes
                        .push(self.diagnose(att, family, paths.open, &rules));
                }
            }
        }
        for key in order {
            if let Some(mut e) = groups.remove(&key) {
                e.sources = normalize(std::mem::take(&mut e.sources));
                report.exposures.push(e);
            }
        }
        report
    }

    /// Why no internet traffic of `family` reaches an attachment: the first hop that blocks.
    fn diagnose(
        &self,
        att: &Attachment,
        family: Family,
        open: bool,
        rules: &[(Space, String, Option<String>)],
    ) -> String {
        let on = att.interface.as_deref().unwrap_or(&att.subnet_id);
        let fam = if family == Family::V4 { "IPv4" } else { "IPv6" };
        if open {
            let any_rule = rules.iter().any(|(s, _, _)| s.family == family);
            return if any_rule {
                format!(
                    "{fam} to `{on}`: the security groups admit none of the internet traffic the route table and \
                     network ACL let through"
                )
            } else {
                format!(
                    "{fam} to `{on}`: no security group rule admits traffic from an address range"
                )
            };
        }
        let public = public_space(family);
        if let Some(table) = self.route_table_for(&att.subnet_id) {
            let r = self.internet_routes(table);
            let routed: Vec<(u128, u128)> = r
                .pieces
                .iter()
                .filter(|p| p.0 == family)
                .map(|p| p.1)
                .collect();
            if intersect(public, &normalize(routed)).is_empty() {
                return format!(
                    "{fam} to `{on}`: route table {} sends no internet address to an internet gateway",
                    table.id
                );
            }
        }
        if let Some((acl, policy)) = self.nacl_for_subnet(&att.subnet_id) {
            let inbound: Vec<(u128, u128)> = policy
                .inbound
                .allowed_in(family)
                .map(|(s, _)| s.addr)
                .collect();
            if intersect(public, &normalize(inbound)).is_empty() {
                let shadowed: Vec<String> = policy
                    .inbound
                    .shadowed
                    .iter()
                    .map(|x| x.rule_number.to_string())
                    .collect();
                let dead = if shadowed.is_empty() {
                    String::new()
                } else {
                    format!("; its allow rules {} are shadowed", shadowed.join(", "))
                };
                return format!(
                    "{fam} to `{on}`: network ACL {} allows nothing in from the internet{dead}",
                    acl.id
                );
            }
            let returns: Vec<(u128, u128)> = policy
                .outbound
                .return_projection(EPHEMERAL)
                .iter()
                .filter(|(s, _)| s.family == family)
                .map(|(s, _)| s.addr)
                .collect();
            if intersect(public, &normalize(returns)).is_empty() {
                return format!(
                    "{fam} to `{on}`: network ACL {} lets no reply out to the internet (it is stateless)",
                    acl.id
                );
            }
        }
        format!(
            "{fam} to `{on}`: the route table and the network ACL's two directions admit no common internet traffic"
        )
    }

    /// The internet paths into a subnet for a family (cached).
    fn subnet_paths(&self, subnet_id: &str, vpc_id: &str, family: Family) -> Rc<SubnetPaths> {
        let key = (subnet_id.to_owned(), family);
        if let Some(p) = self.paths.borrow().get(&key) {
            return Rc::clone(p);
        }
        let paths = Rc::new(self.compute_paths(subnet_id, vpc_id, family));
        self.paths.borrow_mut().insert(key, Rc::clone(&paths));
        paths
    }

    fn compute_paths(&self, subnet_id: &str, vpc_id: &str, family: Family) -> SubnetPaths {
        let mut assumptions = Vec::new();
        let assumed_nacl;
        let mut entry_text: HashMap<(bool, i32), String> = HashMap::new();
        let (nacl_id, policy) = match self.nacl_for_subnet(subnet_id) {
            Some((acl, pol)) => {
                for e in &acl.entries {
                    entry_text.insert(
                        (e.egress, e.rule_number),
                        crate::rules::describe_nacl_entry(e),
                    );
                }
                (acl.id.clone(), pol)
            }
            None => {
                assumptions.push(format!(
                    "the network ACL of `{subnet_id}` is not in the inventory: assumed to allow all"
                ));
                assumed_nacl = NaclPolicy::allow_all();
                ("(unknown NACL)".to_owned(), &assumed_nacl)
            }
        };
        let vpc = self
            .subnets
            .get(subnet_id)
            .map_or(vpc_id, |s| s.vpc_id.as_str());
        let public = public_space(family);
        let mut routed = Vec::new();
        let mut route_labels = Vec::new();
        match table_for(&self.region.route_tables, subnet_id, vpc) {
            Some(table) => {
                let r = self.internet_routes(table);
                for (f, iv, i) in &r.pieces {
                    if *f != family {
                        continue;
                    }
                    let route = &table.routes[*i];
                    let text = format!(
                        "route table {} ({} → {})",
                        table.id, route.destination, route.target
                    );
                    let label = match route_labels.iter().position(|l| *l == text) {
                        Some(i) => i,
                        None => {
                            route_labels.push(text);
                            route_labels.len() - 1
                        }
                    };
                    routed.extend(
                        intersect(public, &[*iv])
                            .into_iter()
                            .map(|piece| (piece, label)),
                    );
                }
            }
            None => {
                assumptions.push(format!(
                    "no route table is known for `{subnet_id}`: assumed to route to the internet"
                ));
                route_labels.push("(unknown route table)".to_owned());
                routed.extend(public.iter().map(|iv| (*iv, 0)));
            }
        }
        let inbound: Vec<(Space, i32)> = policy.inbound.allowed_in(family).copied().collect();
        let returns: Vec<(Space, i32)> = policy
            .outbound
            .return_projection(EPHEMERAL)
            .into_iter()
            .filter(|(s, _)| s.family == family)
            .collect();
        let open = inbound.iter().any(|(inb, _)| {
            returns
                .iter()
                .filter_map(|(ret, _)| inb.intersect(ret))
                .any(|both| {
                    routed
                        .iter()
                        .any(|(iv, _)| both.intersect(&Space { addr: *iv, ..both }).is_some())
                })
        });
        SubnetPaths {
            inbound,
            returns,
            routed,
            route_labels,
            nacl_id,
            entry_text,
            assumptions,
            open,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ExposureKey {
    family: Family,
    protos: (u8, u8),
    ports: (u16, u16),
    attachment: usize,
    piece: (i32, i32, usize),
    rule: usize,
}

fn label_entry(acl: &str, text: &HashMap<(bool, i32), String>, egress: bool, rule: i32) -> String {
    match text.get(&(egress, rule)) {
        Some(t) => format!("{acl} rule {t}"),
        None => format!("{acl} rule {rule}"),
    }
}

fn eni_attachment(eni: &rampart_model::compute::NetworkInterface) -> Attachment {
    Attachment {
        subnet_id: eni.subnet_id.clone(),
        vpc_id: eni.vpc_id.clone(),
        interface: Some(eni.id.clone()),
        public_v4: eni.public_ip.clone(),
        ipv6: !eni.ipv6_addresses.is_empty(),
        security_groups: eni.security_groups.clone(),
        sg_filter: true,
    }
}
