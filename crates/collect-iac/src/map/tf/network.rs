//! Terraform: VPCs, subnets, gateways, route tables, network ACLs and security groups.

use rampart_model::data;
use rampart_model::network::{
    FlowLog, InternetGateway, NaclEntry, NatGateway, NetworkAcl, Route, RouteTable,
    RouteTargetKind, SecurityGroup, Subnet, Vpc,
};

use super::{Index, b, i, s, unknown_blocks};
use crate::map::{Builder, file, nested_origin, outside_nacl, outside_route_table, sg_rules};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_security_group`, `aws_default_security_group`.
pub(super) fn security_group(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let default = raw.kind == "aws_default_security_group";
    let name = if default {
        Some("default".to_owned())
    } else {
        s(a, "name").or_else(|| s(a, "name_prefix"))
    };
    let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
    let mut sg = SecurityGroup {
        id: raw.id.clone(),
        group_name: name.unwrap_or_else(|| raw.address.clone()),
        description: s(a, "description").unwrap_or_else(|| "Managed by Terraform".to_owned()),
        vpc_id: s(a, "vpc_id"),
        ingress: Vec::new(),
        egress: Vec::new(),
        meta,
    };
    let arn = sg.meta.arn.clone();
    for (key, egress) in [("ingress", false), ("egress", true)] {
        for r in a.get(key).items() {
            let rules = inline_sg_rule(bld, raw, &arn, r, &raw.id);
            if egress {
                sg.egress.extend(rules)
            } else {
                sg.ingress.extend(rules)
            }
        }
    }
    unknown_blocks(
        bld,
        raw,
        &arn,
        a,
        &["ingress", "egress"],
        data::EC2_SECURITY_GROUPS,
    );
    ix.sgs
        .insert(raw.id.clone(), bld.region().security_groups.len());
    bld.region().security_groups.push(sg);
}

/// `aws_network_acl`, `aws_default_network_acl`.
pub(super) fn network_acl(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let mut acl = NetworkAcl {
        id: raw.id.clone(),
        // `aws_default_network_acl` names the VPC's default ACL, not the VPC.
        vpc_id: s(a, "vpc_id")
            .or_else(|| vpc_of(a, "default_network_acl_id", "/default-network-acl"))
            .unwrap_or_default(),
        is_default: raw.kind == "aws_default_network_acl",
        subnet_ids: a.get("subnet_ids").strings(),
        entries: Vec::new(),
        meta,
    };
    let arn = acl.meta.arn.clone();
    for (key, egress) in [("ingress", false), ("egress", true)] {
        for r in a.get(key).items() {
            if r.has_unknown() {
                bld.gap(
                    data::EC2_NETWORK_ACLS,
                    &arn,
                    &file(raw),
                    format!("a rule of `{}` is not known before apply", raw.address),
                );
                continue;
            }
            acl.entries.push(nacl_entry(
                r,
                egress,
                s(r, "rule_no").as_deref(),
                "action",
                "protocol",
                "cidr_block",
                "ipv6_cidr_block",
                nested_origin(raw, r),
            ));
        }
    }
    unknown_blocks(
        bld,
        raw,
        &arn,
        a,
        &["ingress", "egress"],
        data::EC2_NETWORK_ACLS,
    );
    ix.nacls
        .insert(raw.id.clone(), bld.region().network_acls.len());
    bld.region().network_acls.push(acl);
}

/// `aws_vpc`, `aws_default_vpc`.
pub(super) fn vpc(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let vpc = Vpc {
        id: raw.id.clone(),
        cidr_blocks: s(a, "cidr_block").into_iter().collect(),
        ipv6_cidr_blocks: Vec::new(),
        is_default: raw.kind == "aws_default_vpc",
        meta,
    };
    bld.region().vpcs.push(vpc);
}

/// `aws_subnet`.
pub(super) fn subnet(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let sn = Subnet {
        id: raw.id.clone(),
        vpc_id: s(a, "vpc_id").unwrap_or_default(),
        cidr: s(a, "cidr_block"),
        ipv6_cidr: s(a, "ipv6_cidr_block"),
        availability_zone: s(a, "availability_zone"),
        map_public_ip_on_launch: b(a, "map_public_ip_on_launch").unwrap_or(false),
        meta,
    };
    bld.region().subnets.push(sn);
}

/// `aws_internet_gateway`, `aws_egress_only_internet_gateway`.
pub(super) fn internet_gateway(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let g = InternetGateway {
        id: raw.id.clone(),
        vpc_ids: s(a, "vpc_id").into_iter().collect(),
        egress_only: raw.kind.starts_with("aws_egress"),
        meta,
    };
    ix.igws
        .insert(raw.id.clone(), bld.region().internet_gateways.len());
    bld.region().internet_gateways.push(g);
}

/// `aws_nat_gateway`.
pub(super) fn nat_gateway(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let n = NatGateway {
        id: raw.id.clone(),
        vpc_id: String::new(),
        subnet_id: s(a, "subnet_id").unwrap_or_default(),
        public: s(a, "connectivity_type").is_none_or(|c| c == "public"),
        meta,
    };
    bld.region().nat_gateways.push(n);
}

/// `aws_route_table`, `aws_default_route_table`.
pub(super) fn route_table(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let mut rt = RouteTable {
        id: raw.id.clone(),
        vpc_id: s(a, "vpc_id")
            .or_else(|| vpc_of(a, "default_route_table_id", "/main-route-table"))
            .unwrap_or_default(),
        main: raw.kind == "aws_default_route_table",
        subnet_ids: Vec::new(),
        routes: Vec::new(),
        meta,
    };
    for r in a.get("route").items() {
        rt.routes.extend(route_of(r));
    }
    ix.rtbs
        .insert(raw.id.clone(), bld.region().route_tables.len());
    bld.region().route_tables.push(rt);
}

/// `aws_vpc_endpoint`.
pub(super) fn vpc_endpoint(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    crate::map::vpc_endpoint(
        bld,
        raw,
        [
            "tags",
            "vpc_id",
            "service_name",
            "vpc_endpoint_type",
            "policy",
            "route_table_ids",
            "subnet_ids",
        ],
    );
}

/// `aws_flow_log`.
pub(super) fn flow_log(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let arn = meta.arn.clone();
    let target = ["vpc_id", "subnet_id", "eni_id", "transit_gateway_id"]
        .iter()
        .find_map(|k| s(a, k))
        .unwrap_or_default();
    let traffic = match a.get("traffic_type") {
        Value::Unknown => {
            bld.gap(
                data::EC2_FLOW_LOGS,
                &arn,
                &file(raw),
                "the flow log's traffic type is not known before apply",
            );
            "ALL".to_owned()
        }
        v => v.as_string().unwrap_or_else(|| "ALL".to_owned()),
    };
    let fl = FlowLog {
        id: raw.id.clone(),
        resource_id: target,
        traffic_type: traffic,
        destination_type: s(a, "log_destination_type").or(Some("cloud-watch-logs".to_owned())),
        active: true,
        meta,
    };
    bld.region().flow_logs.push(fl);
}

/// `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`, `aws_vpc_security_group_egress_rule`.
pub(super) fn security_group_rule(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    let kind = raw.kind.as_str();
    let target = a.get("security_group_id");
    let idx = match target.as_string().and_then(|t| ix.sgs.get(&t).copied()) {
        Some(idx) => idx,
        None => outside_group(bld, raw, target),
    };
    let sg_arn = bld.region().security_groups[idx].meta.arn.clone();
    let egress = match kind {
        "aws_security_group_rule" => s(a, "type").as_deref() == Some("egress"),
        k => k.ends_with("egress_rule"),
    };
    let rules = if kind == "aws_security_group_rule" {
        let mut r = a.clone();
        if b(a, "self") == Some(true)
            && let Value::Map(m) = &mut r
        {
            m.insert(
                "security_groups".to_owned(),
                Value::List(vec![Value::str(sg_id(bld, idx))]),
            );
        }
        if let Value::Map(m) = &mut r {
            if let Some(src) = m.remove("source_security_group_id") {
                m.insert("security_groups".to_owned(), Value::List(vec![src]));
            }
            m.remove("self");
        }
        inline_sg_rule(bld, raw, &sg_arn, &r, "")
    } else {
        if [
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
        ]
        .iter()
        .any(|k| a.get(k).has_unknown())
        {
            bld.gap(
                data::EC2_SECURITY_GROUPS,
                &sg_arn,
                &fl,
                format!("a rule of `{}` is not known before apply", raw.address),
            );
            return;
        }
        sg_rules(
            &s(a, "ip_protocol").unwrap_or_default(),
            i(a, "from_port"),
            i(a, "to_port"),
            &a.get("cidr_ipv4").strings(),
            &a.get("cidr_ipv6").strings(),
            &a.get("prefix_list_id").strings(),
            &a.get("referenced_security_group_id").strings(),
            s(a, "description"),
            &raw.origin,
        )
    };
    let sg = &mut bld.region().security_groups[idx];
    if egress {
        sg.egress.extend(rules)
    } else {
        sg.ingress.extend(rules)
    }
}

/// `aws_network_acl_rule`.
pub(super) fn network_acl_rule(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    let idx = nacl_of(bld, ix, raw);
    let arn = bld.region().network_acls[idx].meta.arn.clone();
    if a.has_unknown()
        && [
            "rule_number",
            "egress",
            "protocol",
            "rule_action",
            "cidr_block",
            "ipv6_cidr_block",
            "from_port",
            "to_port",
        ]
        .iter()
        .any(|k| a.get(k).has_unknown())
    {
        bld.gap(
            data::EC2_NETWORK_ACLS,
            &arn,
            &fl,
            format!("`{}` is not known before apply", raw.address),
        );
        return;
    }
    let e = nacl_entry(
        a,
        b(a, "egress").unwrap_or(false),
        s(a, "rule_number").as_deref(),
        "rule_action",
        "protocol",
        "cidr_block",
        "ipv6_cidr_block",
        raw.origin.clone(),
    );
    bld.region().network_acls[idx].entries.push(e);
}

/// The network ACL `raw` names in `network_acl_id`: the declared one, else one standing for an
/// ACL outside this input (shared by every resource naming the same id; see
/// [`outside_nacl`]).
fn nacl_of(bld: &mut Builder, ix: &mut Index, raw: &Raw) -> usize {
    let target = s(&raw.attrs, "network_acl_id");
    if let Some(&idx) = target.as_ref().and_then(|t| ix.nacls.get(t)) {
        return idx;
    }
    let idx = outside_nacl(bld, raw, target.clone());
    if let Some(t) = target {
        ix.nacls.insert(t, idx);
    }
    idx
}

/// The route table `raw` names in `route_table_id`: the declared one, else one standing for a
/// table outside this input (see [`outside_route_table`]).
fn route_table_of(bld: &mut Builder, ix: &mut Index, raw: &Raw) -> usize {
    let target = s(&raw.attrs, "route_table_id");
    if let Some(&idx) = target.as_ref().and_then(|t| ix.rtbs.get(t)) {
        return idx;
    }
    let idx = outside_route_table(bld, raw, target.clone());
    if let Some(t) = target {
        ix.rtbs.insert(t, idx);
    }
    idx
}

/// `aws_network_acl_association`: on an ACL not declared here, the subnet is served by that
/// ACL (not by its VPC's default one), whose entries are outside this input.
pub(super) fn network_acl_association(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let idx = nacl_of(bld, ix, raw);
    match s(a, "subnet_id") {
        Some(sn) => bld.region().network_acls[idx].subnet_ids.push(sn),
        None => bld.orphan(raw, data::EC2_NETWORK_ACLS, "subnet", None),
    }
}

/// `aws_route`: on a table not declared here, the route is kept on a table standing for it.
pub(super) fn route(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let idx = route_table_of(bld, ix, raw);
    match route_of(a) {
        Some(r) => bld.region().route_tables[idx].routes.push(r),
        None => {
            let arn = bld.region().route_tables[idx].meta.arn.clone();
            bld.gap(
                data::EC2_ROUTE_TABLES,
                &arn,
                &file(raw),
                format!(
                    "the destination or target of `{}` is not known before apply",
                    raw.address
                ),
            );
        }
    }
}

/// `aws_route_table_association`: on a table not declared here, the subnet is served by that
/// table (not by its VPC's main one), whose routes are outside this input.
pub(super) fn route_table_association(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if a.get("gateway_id").as_string().is_some() && a.get("subnet_id").is_null() {
        // An edge association (a gateway's ingress routing): no subnet to serve.
        return;
    }
    let idx = route_table_of(bld, ix, raw);
    match s(a, "subnet_id") {
        Some(sn) => bld.region().route_tables[idx].subnet_ids.push(sn),
        None => bld.orphan(raw, data::EC2_ROUTE_TABLES, "subnet", None),
    }
}

/// `aws_main_route_table_association`.
pub(super) fn main_route_table_association(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let target = s(a, "route_table_id");
    match target.as_ref().and_then(|t| ix.rtbs.get(t).copied()) {
        Some(idx) => bld.region().route_tables[idx].main = true,
        None => bld.orphan(
            raw,
            data::EC2_ROUTE_TABLES,
            "route table",
            target.as_deref(),
        ),
    }
}

/// `aws_internet_gateway_attachment`.
pub(super) fn internet_gateway_attachment(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let target = s(a, "internet_gateway_id");
    match (
        target.as_ref().and_then(|t| ix.igws.get(t).copied()),
        s(a, "vpc_id"),
    ) {
        (Some(idx), Some(v)) => bld.region().internet_gateways[idx].vpc_ids.push(v),
        (Some(_), None) => bld.orphan(raw, data::EC2_VPC, "VPC", None),
        (None, _) => bld.orphan(raw, data::EC2_VPC, "internet gateway", target.as_deref()),
    }
}

pub(super) fn sg_id(bld: &mut Builder, idx: usize) -> String {
    bld.region().security_groups[idx].id.clone()
}

pub(super) fn inline_sg_rule(
    bld: &mut Builder,
    raw: &Raw,
    sg_arn: &str,
    r: &Value,
    self_id: &str,
) -> Vec<rampart_model::network::SgRule> {
    let keys = [
        "protocol",
        "from_port",
        "to_port",
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
        "self",
    ];
    if crate::map::sg_rule_unknown(bld, raw, sg_arn, r, &keys) {
        return Vec::new();
    }
    let mut groups = r.get("security_groups").strings();
    if b(r, "self") == Some(true) && !self_id.is_empty() {
        groups.push(self_id.to_owned());
    }
    let origin = if r.line().is_some() {
        nested_origin(raw, r)
    } else {
        raw.origin.clone()
    };
    sg_rules(
        &s(r, "protocol").unwrap_or_default(),
        i(r, "from_port"),
        i(r, "to_port"),
        &r.get("cidr_blocks").strings(),
        &r.get("ipv6_cidr_blocks").strings(),
        &r.get("prefix_list_ids").strings(),
        &groups,
        s(r, "description"),
        &origin,
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn nacl_entry(
    r: &Value,
    egress: bool,
    number: Option<&str>,
    action: &str,
    proto: &str,
    cidr: &str,
    cidr6: &str,
    origin: rampart_model::Origin,
) -> NaclEntry {
    crate::map::nacl_entry(
        number.and_then(|n| n.parse().ok()),
        egress,
        &s(r, proto).unwrap_or_default(),
        s(r, action).as_deref(),
        s(r, cidr),
        s(r, cidr6),
        (i(r, "from_port"), i(r, "to_port")),
        origin,
    )
}

pub(super) fn route_of(r: &Value) -> Option<Route> {
    let dest = s(r, "cidr_block")
        .or_else(|| s(r, "destination_cidr_block"))
        .or_else(|| s(r, "ipv6_cidr_block"))
        .or_else(|| s(r, "destination_ipv6_cidr_block"))
        .or_else(|| s(r, "destination_prefix_list_id"))?;
    let targets = [
        ("gateway_id", RouteTargetKind::InternetGateway),
        (
            "egress_only_gateway_id",
            RouteTargetKind::EgressOnlyInternetGateway,
        ),
        ("nat_gateway_id", RouteTargetKind::NatGateway),
        ("vpc_peering_connection_id", RouteTargetKind::VpcPeering),
        ("transit_gateway_id", RouteTargetKind::TransitGateway),
        ("vpc_endpoint_id", RouteTargetKind::VpcEndpoint),
        ("network_interface_id", RouteTargetKind::NetworkInterface),
        ("instance_id", RouteTargetKind::NetworkInterface),
    ];
    let (target, mut kind) = targets
        .iter()
        .find_map(|(k, kind)| s(r, k).filter(|x| !x.is_empty()).map(|t| (t, *kind)))?;
    if kind == RouteTargetKind::InternetGateway {
        if target.starts_with("vgw-") || target.contains("aws_vpn_gateway") {
            kind = RouteTargetKind::VirtualPrivateGateway;
        } else if target == "local" {
            kind = RouteTargetKind::Local;
        }
    }
    Some(Route {
        destination: dest,
        target_kind: kind,
        target,
        blackhole: false,
    })
}

/// A rule whose group is not declared in this input (a literal `sg-…`, a variable, a group of
/// another configuration): the rule is judged on its own settings, as a group of its own named
/// by the rule's address, so that an opening it makes is reported and no other group's verdict
/// depends on it.
fn outside_group(bld: &mut Builder, raw: &Raw, target: &Value) -> usize {
    let id = target.as_string().unwrap_or_else(|| raw.iac_arn());
    let meta = bld.meta(raw, None, Some(id.clone()), &Value::Null);
    let sg = SecurityGroup {
        id: id.clone(),
        group_name: id,
        description: format!(
            "a group not declared in this input, opened by `{}`",
            raw.address
        ),
        vpc_id: None,
        ingress: Vec::new(),
        egress: Vec::new(),
        meta,
    };
    let r = bld.region();
    r.security_groups.push(sg);
    r.security_groups.len() - 1
}

/// The VPC of a resource that takes over one of the VPC's defaults (`aws_default_network_acl`
/// names `aws_vpc.x.default_network_acl_id`).
fn vpc_of(a: &Value, key: &str, suffix: &str) -> Option<String> {
    s(a, key).and_then(|id| id.strip_suffix(suffix).map(str::to_owned))
}
