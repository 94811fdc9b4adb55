//! network

use super::{Cx, Kind, b, i, s};
use crate::map::{file, nested_origin, outside_nacl, outside_route_table, sg_rules};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::data;
use rampart_model::network::{
    FlowLog, InternetGateway, NatGateway, NetworkAcl, Route, RouteTable, RouteTargetKind,
    SecurityGroup, SgRule, Subnet, Vpc,
};

/// `AWS::EC2::SecurityGroup`.
pub(super) fn security_group(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "GroupName"), tags);
    let marn = meta.arn.clone();
    let mut sg = SecurityGroup {
        id: raw.id.clone(),
        group_name: s(p, "GroupName").unwrap_or_else(|| raw.address.clone()),
        description: s(p, "GroupDescription").unwrap_or_default(),
        vpc_id: s(p, "VpcId"),
        ingress: Vec::new(),
        egress: Vec::new(),
        meta,
    };
    for (key, egress) in [
        ("SecurityGroupIngress", false),
        ("SecurityGroupEgress", true),
    ] {
        let v = p.get(key);
        if v.is_unknown() {
            cx.bld.gap(
                data::EC2_SECURITY_GROUPS,
                &marn,
                &file(raw),
                format!("`{key}` is not known before apply"),
            );
        }
        for r in v.items() {
            let rules = cfn_sg_rule(cx.bld, raw, &marn, r, egress, &nested_origin(raw, r));
            if egress {
                sg.egress.extend(rules)
            } else {
                sg.ingress.extend(rules)
            }
        }
    }
    // Without declared egress rules, AWS adds "all traffic to anywhere".
    if p.get("SecurityGroupEgress").is_null() {
        sg.egress.extend(crate::map::allow_all_egress(&raw.origin));
    }
    cx.idx.remember(
        Kind::SecurityGroup,
        raw,
        cx.bld.region().security_groups.len(),
    );
    cx.bld.region().security_groups.push(sg);
}

/// `AWS::EC2::NetworkAcl`.
pub(super) fn network_acl(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.idx
        .remember(Kind::Nacl, raw, cx.bld.region().network_acls.len());
    cx.bld.region().network_acls.push(NetworkAcl {
        id: raw.id.clone(),
        vpc_id: s(p, "VpcId").unwrap_or_default(),
        is_default: false,
        subnet_ids: Vec::new(),
        entries: Vec::new(),
        meta,
    });
}

/// `AWS::EC2::VPC`.
pub(super) fn vpc(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.bld.region().vpcs.push(Vpc {
        id: raw.id.clone(),
        cidr_blocks: s(p, "CidrBlock").into_iter().collect(),
        ipv6_cidr_blocks: Vec::new(),
        is_default: false,
        meta,
    });
}

/// `AWS::EC2::Subnet`.
pub(super) fn subnet(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.bld.region().subnets.push(Subnet {
        id: raw.id.clone(),
        vpc_id: s(p, "VpcId").unwrap_or_default(),
        cidr: s(p, "CidrBlock"),
        ipv6_cidr: s(p, "Ipv6CidrBlock"),
        availability_zone: s(p, "AvailabilityZone"),
        map_public_ip_on_launch: b(p, "MapPublicIpOnLaunch").unwrap_or(false),
        meta,
    });
}

/// `AWS::EC2::RouteTable`.
pub(super) fn route_table(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.idx
        .remember(Kind::RouteTable, raw, cx.bld.region().route_tables.len());
    cx.bld.region().route_tables.push(RouteTable {
        id: raw.id.clone(),
        vpc_id: s(p, "VpcId").unwrap_or_default(),
        main: false,
        subnet_ids: Vec::new(),
        routes: Vec::new(),
        meta,
    });
}

/// `AWS::EC2::InternetGateway`.
pub(super) fn internet_gateway(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.idx.remember(
        Kind::InternetGateway,
        raw,
        cx.bld.region().internet_gateways.len(),
    );
    cx.bld.region().internet_gateways.push(InternetGateway {
        id: raw.id.clone(),
        vpc_ids: Vec::new(),
        egress_only: false,
        meta,
    });
}

/// `AWS::EC2::NatGateway`.
pub(super) fn nat_gateway(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    cx.bld.region().nat_gateways.push(NatGateway {
        id: raw.id.clone(),
        vpc_id: String::new(),
        subnet_id: s(p, "SubnetId").unwrap_or_default(),
        public: s(p, "ConnectivityType").is_none_or(|c| c == "public"),
        meta,
    });
}

/// `AWS::EC2::FlowLog`.
pub(super) fn flow_log(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    let marn = meta.arn.clone();
    let traffic = match p.get("TrafficType") {
        Value::Unknown => {
            cx.bld.gap(
                data::EC2_FLOW_LOGS,
                &marn,
                &file(raw),
                "the traffic type is not known before apply",
            );
            "ALL".to_owned()
        }
        v => v.as_string().unwrap_or_else(|| "ALL".to_owned()),
    };
    cx.bld.region().flow_logs.push(FlowLog {
        id: raw.id.clone(),
        resource_id: s(p, "ResourceId").unwrap_or_default(),
        traffic_type: traffic,
        destination_type: s(p, "LogDestinationType").or(Some("cloud-watch-logs".to_owned())),
        active: true,
        meta,
    });
}

/// `AWS::EC2::VPCEndpoint`.
pub(super) fn vpc_endpoint(cx: &mut Cx<'_>, raw: &Raw) {
    crate::map::vpc_endpoint(
        cx.bld,
        raw,
        [
            "Tags",
            "VpcId",
            "ServiceName",
            "VpcEndpointType",
            "PolicyDocument",
            "RouteTableIds",
            "SubnetIds",
        ],
    );
}

/// `AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress`: a rule of the group it
/// names. On a group this template does not declare (`sg-0123…`, an imported or parameter id),
/// the rule is judged on its own: a group holding just this rule is added, named `FILE:LogicalId`
/// of the rule, with the group id in its name (its other rules are outside this input).
pub(super) fn sg_rule_resource(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let egress = raw.kind.ends_with("Egress");
    let group = p.get("GroupId");
    let group = if group.is_null() {
        p.get("GroupName")
    } else {
        group
    };
    let mut targets = cx
        .idx
        .find(Kind::SecurityGroup, raw, group.as_string().as_deref());
    if targets.is_empty() {
        let label = group
            .as_string()
            .unwrap_or_else(|| "(a group known only after deployment)".to_owned());
        let name = format!("{label} (not declared in this template)");
        let meta = cx.bld.meta(raw, None, Some(name), &Value::Null);
        let r = cx.bld.region();
        r.security_groups.push(SecurityGroup {
            id: group.as_string().unwrap_or_else(|| meta.arn.clone()),
            group_name: label,
            description: String::new(),
            vpc_id: None,
            ingress: Vec::new(),
            egress: Vec::new(),
            meta,
        });
        targets.push(r.security_groups.len() - 1);
    }
    for x in targets {
        let arn = cx.bld.region().security_groups[x].meta.arn.clone();
        let rules = cfn_sg_rule(cx.bld, raw, &arn, p, egress, &raw.origin);
        let sg = &mut cx.bld.region().security_groups[x];
        if egress {
            sg.egress.extend(rules);
        } else {
            sg.ingress.extend(rules);
        }
    }
}

/// `AWS::EC2::NetworkAclEntry`.
pub(super) fn nacl_entry(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let fl = file(raw);
    let bld = &mut *cx.bld;
    let targets = cx
        .idx
        .find_or(Kind::Nacl, raw, s(p, "NetworkAclId"), |label| {
            outside_nacl(bld, raw, label)
        });
    for x in targets {
        let arn = cx.bld.region().network_acls[x].meta.arn.clone();
        if [
            "RuleNumber",
            "Protocol",
            "RuleAction",
            "CidrBlock",
            "Ipv6CidrBlock",
            "PortRange",
            "Egress",
        ]
        .iter()
        .any(|k| p.get(k).has_unknown())
        {
            cx.bld.gap(
                data::EC2_NETWORK_ACLS,
                &arn,
                &fl,
                format!("`{}` is not known before apply", raw.address),
            );
            continue;
        }
        let pr = p.get("PortRange");
        let e = crate::map::nacl_entry(
            i(p, "RuleNumber"),
            b(p, "Egress").unwrap_or(false),
            &s(p, "Protocol").unwrap_or_else(|| "-1".to_owned()),
            s(p, "RuleAction").as_deref(),
            s(p, "CidrBlock"),
            s(p, "Ipv6CidrBlock"),
            (i(pr, "From"), i(pr, "To")),
            raw.origin.clone(),
        );
        cx.bld.region().network_acls[x].entries.push(e);
    }
}

/// `AWS::EC2::SubnetNetworkAclAssociation`: on an ACL not declared in the template, the subnet
/// is served by that ACL (not by its VPC's default one), whose entries are outside this input.
pub(super) fn nacl_association(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let bld = &mut *cx.bld;
    let targets = cx
        .idx
        .find_or(Kind::Nacl, raw, s(p, "NetworkAclId"), |label| {
            outside_nacl(bld, raw, label)
        });
    let Some(sn) = s(p, "SubnetId") else {
        cx.bld.orphan(raw, data::EC2_NETWORK_ACLS, "subnet", None);
        return;
    };
    for x in targets {
        cx.bld.region().network_acls[x].subnet_ids.push(sn.clone());
    }
}

/// `AWS::EC2::Route`: on a table not declared in the template, the route is kept on a table
/// standing for it.
pub(super) fn route(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let bld = &mut *cx.bld;
    let targets = cx
        .idx
        .find_or(Kind::RouteTable, raw, s(p, "RouteTableId"), |label| {
            outside_route_table(bld, raw, label)
        });
    let dest = s(p, "DestinationCidrBlock")
        .or_else(|| s(p, "DestinationIpv6CidrBlock"))
        .or_else(|| s(p, "DestinationPrefixListId"));
    let target = [
        ("GatewayId", RouteTargetKind::InternetGateway),
        ("NatGatewayId", RouteTargetKind::NatGateway),
        (
            "EgressOnlyInternetGatewayId",
            RouteTargetKind::EgressOnlyInternetGateway,
        ),
        ("VpcPeeringConnectionId", RouteTargetKind::VpcPeering),
        ("TransitGatewayId", RouteTargetKind::TransitGateway),
        ("InstanceId", RouteTargetKind::NetworkInterface),
        ("NetworkInterfaceId", RouteTargetKind::NetworkInterface),
        ("VpcEndpointId", RouteTargetKind::VpcEndpoint),
    ]
    .iter()
    .find_map(|(k, kind)| s(p, k).map(|t| (t, *kind)));
    for x in targets {
        let (Some(dest), Some((t, mut kind))) = (dest.clone(), target.clone()) else {
            let arn = cx.bld.region().route_tables[x].meta.arn.clone();
            cx.bld.gap(
                data::EC2_ROUTE_TABLES,
                &arn,
                &file(raw),
                format!(
                    "the destination or target of `{}` is not known before deployment",
                    raw.address
                ),
            );
            continue;
        };
        if kind == RouteTargetKind::InternetGateway
            && !cx.idx.has(Kind::InternetGateway, raw, &t)
            && !t.starts_with("igw-")
        {
            kind = RouteTargetKind::VirtualPrivateGateway;
        }
        cx.bld.region().route_tables[x].routes.push(Route {
            destination: dest,
            target_kind: kind,
            target: t,
            blackhole: false,
        });
    }
}

/// `AWS::EC2::SubnetRouteTableAssociation`: on a table not declared in the template, the subnet
/// is served by that table (not by its VPC's main one), whose routes are outside this input.
pub(super) fn route_table_association(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let bld = &mut *cx.bld;
    let targets = cx
        .idx
        .find_or(Kind::RouteTable, raw, s(p, "RouteTableId"), |label| {
            outside_route_table(bld, raw, label)
        });
    let Some(sn) = s(p, "SubnetId") else {
        cx.bld.orphan(raw, data::EC2_ROUTE_TABLES, "subnet", None);
        return;
    };
    for x in targets {
        cx.bld.region().route_tables[x].subnet_ids.push(sn.clone());
    }
}

/// `AWS::EC2::VPCGatewayAttachment`.
pub(super) fn gateway_attachment(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let igw = s(p, "InternetGatewayId");
    let found = cx.idx.find(Kind::InternetGateway, raw, igw.as_deref());
    if found.is_empty() {
        // A VPN gateway attachment names `VpnGatewayId`: not an internet gateway.
        if p.get("VpnGatewayId").is_null() {
            cx.bld
                .orphan(raw, data::EC2_VPC, "internet gateway", igw.as_deref());
        }
        return;
    }
    let Some(v) = s(p, "VpcId") else {
        cx.bld.orphan(raw, data::EC2_VPC, "VPC", None);
        return;
    };
    for x in found {
        cx.bld.region().internet_gateways[x].vpc_ids.push(v.clone());
    }
}

fn cfn_sg_rule(
    bld: &mut crate::map::Builder,
    raw: &Raw,
    sg_arn: &str,
    r: &Value,
    egress: bool,
    origin: &rampart_model::Origin,
) -> Vec<SgRule> {
    let keys = [
        "IpProtocol",
        "FromPort",
        "ToPort",
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
    ];
    if crate::map::sg_rule_unknown(bld, raw, sg_arn, r, &keys) {
        return Vec::new();
    }
    let groups: Vec<String> = if egress {
        r.get("DestinationSecurityGroupId").strings()
    } else {
        r.get("SourceSecurityGroupId")
            .strings()
            .into_iter()
            .chain(r.get("SourceSecurityGroupName").strings())
            .collect()
    };
    let pls: Vec<String> = if egress {
        r.get("DestinationPrefixListId").strings()
    } else {
        r.get("SourcePrefixListId").strings()
    };
    sg_rules(
        &s(r, "IpProtocol").unwrap_or_default(),
        i(r, "FromPort"),
        i(r, "ToPort"),
        &r.get("CidrIp").strings(),
        &r.get("CidrIpv6").strings(),
        &pls,
        &groups,
        s(r, "Description"),
        origin,
    )
}
