//! EC2-002 `sg-open-to-internet-on-broad-port-range`: a security group rule admits a wide port
//! range from the whole internet.

use rampart_network::addr::public_space;
use rampart_network::rules::{describe_sg_rule, sg_rule_space};
use rampart_network::space::{Space, covered_by, proto};

use super::common::sg_label;
use crate::prelude::*;

/// A rule that opens thousands of ports to everyone is rarely what a service needs; it usually
/// means "make it work" was chosen over naming the ports.
pub struct SgOpenToInternetOnBroadPortRange;

static META: CheckMeta = CheckMeta {
    code: "EC2-002",
    name: "sg-open-to-internet-on-broad-port-range",
    title: "Security group admits a broad port range from the internet",
    severity: Severity::High,
    controls: &["NET-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.18")],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "A TCP or UDP rule from 0.0.0.0/0 or ::/0 that spans more ports than the configured \
                limit (`ports.broad_range`, 1024 by default) publishes whatever listens in that \
                range, now or later. Services need a handful of ports; a range this wide is a \
                shortcut that widens the attack surface silently as software changes.",
    remediation: RemediationText {
        text: "Narrow the rule to the ports the service actually serves, or restrict its source to \
               the peers that need the range (a partner's address block, a security group).",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port <from>-<to> --cidr 0.0.0.0/0",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_ingress_rule\" \"app\" {\n  security_group_id = aws_security_group.app.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = \"0.0.0.0/0\"\n}",
        ),
    },
    manual: false,
};

impl Check for SgOpenToInternetOnBroadPortRange {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let limit = ctx.config.ports.broad_range;
        for (account, region, sg) in ctx.each(|r| &r.security_groups) {
            let at = At::meta(&account.id, Some(&region.name), &sg.meta);
            let mut bad = Vec::new();
            for rule in &sg.ingress {
                let Ok(Some(space)) = sg_rule_space(rule) else {
                    continue;
                };
                let ports_rule = space.proto.0 == space.proto.1 && proto::has_ports(space.proto.0);
                let width = u32::from(space.port.1 - space.port.0) + 1;
                if !ports_rule || width <= limit || width == 65536 {
                    continue;
                }
                let everyone = public_space(space.family).iter().all(|addr| {
                    covered_by(
                        &Space {
                            addr: *addr,
                            ..space
                        },
                        [&space],
                    )
                });
                if everyone {
                    bad.push(rule);
                }
            }
            if let Some(first) = bad.first() {
                let rules: Vec<String> = bad.iter().map(|r| describe_sg_rule(r, true)).collect();
                out.fail(
                    at.with_origin(first.origin.as_ref()),
                    format!(
                        "security group {} admits more than {limit} ports from the internet: {}",
                        sg_label(sg),
                        rules.join("; ")
                    ),
                )
                .with("group", json!(sg.id))
                .with("rules", json!(rules))
                .with("broad_range", json!(limit));
            } else {
                out.pass(
                    at,
                    format!(
                        "security group {} opens no broad port range to the internet",
                        sg_label(sg)
                    ),
                );
            }
        }
    }
}
