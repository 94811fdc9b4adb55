//! VPC-006 `private-subnet-routes-to-internet-gateway`: a subnet meant to be private sends its
//! traffic straight to an internet gateway instead of through a NAT gateway.

use rampart_model::network::RouteTargetKind;
use rampart_network::routes::table_for;

use super::common::tag;
use crate::prelude::*;

/// "Private" is a property of the route table, not of the subnet's name.
pub struct PrivateSubnetRoutesToInternetGateway;

static META: CheckMeta = CheckMeta {
    code: "VPC-006",
    name: "private-subnet-routes-to-internet-gateway",
    title: "Private subnet routes directly to an internet gateway",
    severity: Severity::Medium,
    controls: &["NET-9"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.15")],
    needs: &[data::EC2_VPC, data::EC2_ROUTE_TABLES],
    rationale: "A subnet named or tagged as private, application, data or database tier is trusted \
                to be unreachable; if its default route points at an internet gateway it is public in \
                all but name, and any instance given a public address there is exposed. Egress from \
                private tiers should go through a NAT gateway (or stay inside the VPC), and public \
                IPs should not be assigned on launch.",
    remediation: RemediationText {
        text: "Associate the subnet with a route table whose default route targets a NAT gateway \
               (or none), and turn off automatic public IP assignment.",
        cli: Some(
            "aws ec2 replace-route-table-association --association-id <assoc-id> --route-table-id <private-rtb>",
        ),
        terraform: Some(
            "resource \"aws_route\" \"private_default\" {\n  route_table_id         = aws_route_table.private.id\n  destination_cidr_block = \"0.0.0.0/0\"\n  nat_gateway_id         = aws_nat_gateway.main.id\n}",
        ),
    },
    manual: false,
};

/// Whether a subnet declares itself private (tier tag, or its name).
fn declared_private(meta: &rampart_model::Meta) -> bool {
    const WORDS: &[&str] = &[
        "private", "priv", "app", "db", "data", "database", "internal", "isolated",
    ];
    let v = tag(&meta.tags, &["tier", "subnet-type", "type", "visibility"])
        .map(str::to_ascii_lowercase);
    if let Some(v) = v {
        return WORDS.contains(&v.as_str());
    }
    meta.name
        .to_ascii_lowercase()
        .split(['-', '_', ' ', '.'])
        .any(|w| WORDS.contains(&w))
}

impl Check for PrivateSubnetRoutesToInternetGateway {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, subnet) in ctx.each(|r| &r.subnets) {
            if !declared_private(&subnet.meta) {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &subnet.meta);
            let Some(table) = table_for(&region.route_tables, &subnet.id, &subnet.vpc_id) else {
                out.not_assessed(
                    at,
                    format!("subnet `{}`: no route table is known", subnet.id),
                );
                continue;
            };
            let igw: Vec<String> = table
                .routes
                .iter()
                .filter(|r| r.target_kind == RouteTargetKind::InternetGateway && !r.blackhole)
                .map(|r| format!("{} → {}", r.destination, r.target))
                .collect();
            let name = &subnet.meta.name;
            if igw.is_empty() {
                let nat = table
                    .routes
                    .iter()
                    .any(|r| r.target_kind == RouteTargetKind::NatGateway);
                let how = if nat {
                    "leaves through a NAT gateway"
                } else {
                    "has no route out of the VPC"
                };
                out.pass(at, format!("private subnet `{}` ({name}) {how}", subnet.id));
            } else {
                out.fail(
                    at,
                    format!(
                        "private subnet `{}` ({name}) routes to an internet gateway via {}: {}",
                        subnet.id,
                        table.id,
                        igw.join(", ")
                    ),
                )
                .with("route_table", json!(table.id))
                .with("routes", json!(igw))
                .with(
                    "map_public_ip_on_launch",
                    json!(subnet.map_public_ip_on_launch),
                );
            }
        }
    }
}
