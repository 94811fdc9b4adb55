//! VPC networking: VPCs, subnets, routes, gateways, endpoints, flow logs, security groups, NACLs.
//!
//! Rules are kept as AWS states them (protocol strings, port ranges with `-1`); the
//! `rampart-network` crate gives them their exact semantics.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::{Meta, Origin};

/// A VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    /// ARN, name (the `Name` tag or id), tags, origin.
    pub meta: Meta,
    /// `vpc-…`.
    pub id: String,
    /// IPv4 CIDR blocks.
    #[serde(default)]
    pub cidr_blocks: Vec<String>,
    /// IPv6 CIDR blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<String>,
    /// The region's default VPC.
    #[serde(default)]
    pub is_default: bool,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `subnet-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// IPv4 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    /// Availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// Instances launched here get a public IPv4 address.
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
}

/// What a route sends traffic to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteTargetKind {
    /// Within the VPC.
    Local,
    /// An internet gateway (`igw-…`).
    InternetGateway,
    /// An egress-only internet gateway (`eigw-…`, IPv6 outbound only).
    EgressOnlyInternetGateway,
    /// A NAT gateway (`nat-…`).
    NatGateway,
    /// A VPC peering connection.
    VpcPeering,
    /// A transit gateway.
    TransitGateway,
    /// A gateway VPC endpoint.
    VpcEndpoint,
    /// A virtual private gateway (VPN).
    VirtualPrivateGateway,
    /// An instance or a network interface (NAT instance, appliance).
    NetworkInterface,
    /// Anything else.
    Other,
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Destination: an IPv4 or IPv6 CIDR, or a prefix list id (`pl-…`).
    pub destination: String,
    /// What it sends traffic to.
    pub target_kind: RouteTargetKind,
    /// The target's id (`igw-…`, `nat-…`, `local`).
    pub target: String,
    /// A blackhole route (its target is gone).
    #[serde(default)]
    pub blackhole: bool,
}

/// A route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `rtb-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// The VPC's main route table (used by subnets with no explicit association).
    #[serde(default)]
    pub main: bool,
    /// Explicitly associated subnets.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Routes.
    #[serde(default)]
    pub routes: Vec<Route>,
}

/// An internet gateway or egress-only internet gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `igw-…` / `eigw-…`.
    pub id: String,
    /// Attached VPCs.
    #[serde(default)]
    pub vpc_ids: Vec<String>,
    /// Egress-only (IPv6).
    #[serde(default)]
    pub egress_only: bool,
}

/// A NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `nat-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// The subnet it sits in.
    pub subnet_id: String,
    /// Public (has an Elastic IP) or private.
    #[serde(default = "yes")]
    pub public: bool,
}

fn yes() -> bool {
    true
}

/// A VPC endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `vpce-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// `com.amazonaws.us-east-1.s3`.
    pub service_name: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`.
    pub endpoint_type: String,
    /// The endpoint policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
    /// Route tables (gateway endpoints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_table_ids: Vec<String>,
    /// Subnets (interface endpoints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
}

/// A VPC flow log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `fl-…`.
    pub id: String,
    /// The VPC, subnet or interface it watches.
    pub resource_id: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `cloud-watch-logs`, `s3`, `kinesis-data-firehose`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_type: Option<String>,
    /// Delivering (`ACTIVE`), or not.
    #[serde(default = "yes")]
    pub active: bool,
}

/// The peer of a security group rule: where traffic comes from (ingress) or goes to (egress).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Peer {
    /// An IPv4 CIDR.
    Cidr4(String),
    /// An IPv6 CIDR.
    Cidr6(String),
    /// A managed prefix list (`pl-…`).
    PrefixList(String),
    /// Another security group (`sg-…`, possibly `account/sg-…`).
    SecurityGroup(String),
}

/// One security group rule, normalized to a single peer (as the `SecurityGroupRule` API does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    /// `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6`, or a protocol number.
    pub protocol: String,
    /// First port (or ICMP type); `None` or -1 for all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port (or ICMP code); `None` or -1 for all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// Source (ingress) or destination (egress).
    pub peer: Peer,
    /// The rule's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the rule is declared (IaC rules may live apart from their group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl SgRule {
    /// Whether the rule is for every protocol.
    #[must_use]
    pub fn all_protocols(&self) -> bool {
        self.protocol == "-1" || self.protocol.eq_ignore_ascii_case("all")
    }

    /// The inclusive port range the rule covers (all ports for "all protocols" or missing ports).
    /// ICMP rules cover no ports and return `None`.
    #[must_use]
    pub fn port_range(&self) -> Option<(u16, u16)> {
        if self.all_protocols() {
            return Some((0, 65535));
        }
        let p = self.protocol.to_ascii_lowercase();
        if !matches!(p.as_str(), "tcp" | "udp" | "6" | "17") {
            return None;
        }
        match (self.from_port, self.to_port) {
            (None | Some(-1), None | Some(-1)) => Some((0, 65535)),
            (Some(f), Some(t)) => {
                let f = u16::try_from(f.max(0)).unwrap_or(0);
                let t = u16::try_from(t.clamp(0, 65535)).unwrap_or(65535);
                Some((f.min(t), t.max(f)))
            }
            (Some(f), None) | (None, Some(f)) => {
                let f = u16::try_from(f.clamp(0, 65535)).unwrap_or(0);
                Some((f, f))
            }
        }
    }

    /// Whether the peer is the whole internet (`0.0.0.0/0` or `::/0`).
    #[must_use]
    pub fn from_anywhere(&self) -> bool {
        match &self.peer {
            Peer::Cidr4(c) => c == "0.0.0.0/0",
            Peer::Cidr6(c) => c == "::/0",
            _ => false,
        }
    }
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `sg-…`.
    pub id: String,
    /// The group name (`default` for a VPC's default group).
    pub group_name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Inbound rules.
    #[serde(default)]
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    #[serde(default)]
    pub egress: Vec<SgRule>,
}

impl SecurityGroup {
    /// Whether this is a VPC's default security group.
    #[must_use]
    pub fn is_default(&self) -> bool {
        self.group_name == "default"
    }
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// One network ACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NaclEntry {
    /// Rule number: entries are evaluated in increasing order, first match wins. 32767 is the
    /// implicit final deny (`*`).
    pub rule_number: i32,
    /// Outbound (true) or inbound (false).
    pub egress: bool,
    /// `-1` (all), `6` (tcp), `17` (udp), `1` (icmp), `58` (icmpv6), or a name.
    pub protocol: String,
    /// Allow or deny.
    pub action: RuleAction,
    /// IPv4 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    /// First port (TCP/UDP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port (TCP/UDP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// Where the entry is declared (IaC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A network ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `acl-…`.
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// The VPC's default NACL.
    #[serde(default)]
    pub is_default: bool,
    /// Associated subnets.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Entries, both directions, in any order.
    #[serde(default)]
    pub entries: Vec<NaclEntry>,
}
