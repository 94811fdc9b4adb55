//! EC2-001 `sg-open-to-internet-on-all-ports`: a security group admits every port from the whole
//! internet.

use rampart_network::SgSpaces;

use super::common::{TCP, families_text, first_rule, open_families, rules_text, sg_label};
use crate::prelude::*;

/// A group that admits all TCP or UDP ports (or all traffic) from every public address leaves
/// every service on its resources exposed, including the ones nobody meant to publish.
pub struct SgOpenToInternetOnAllPorts;

static META: CheckMeta = CheckMeta {
    code: "EC2-001",
    name: "sg-open-to-internet-on-all-ports",
    title: "Security group admits all ports from the internet",
    severity: Severity::Critical,
    controls: &["NET-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.18"), fsbp("EC2.19")],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "A security group is the last filter in front of an instance or interface. When its \
                rules together admit every TCP or UDP port from every internet address, each daemon \
                that happens to listen (a debug server, a database bound to all interfaces, an agent) \
                is published to the whole internet and scanned within minutes. rampart takes the \
                union of the group's rules, so splitting 0.0.0.0/0 into 0.0.0.0/1 and 128.0.0.0/1 \
                does not hide it.",
    remediation: RemediationText {
        text: "Replace the all-ports rule with rules for the ports the workload serves, from the \
               sources that need them (a load balancer's security group, named address ranges).",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n  security_group_id = aws_security_group.web.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  referenced_security_group_id = aws_security_group.alb.id\n}",
        ),
    },
    manual: false,
};

impl Check for SgOpenToInternetOnAllPorts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, sg) in ctx.each(|r| &r.security_groups) {
            let spaces = SgSpaces::of(&sg.ingress);
            let at = At::meta(&account.id, Some(&region.name), &sg.meta);
            let mut open = Vec::new();
            for (name, protos) in [("TCP", TCP), ("UDP", (17, 17))] {
                let fams = open_families(&spaces, protos, (0, 65535));
                if !fams.is_empty() {
                    open.push((name, protos, fams));
                }
            }
            if let Some((_, protos, _)) = open.first() {
                let what: Vec<String> = open
                    .iter()
                    .map(|(n, _, f)| format!("all {n} ports from {}", families_text(f)))
                    .collect();
                let rules = rules_text(sg, &spaces, *protos, (0, 65535));
                let origin = first_rule(&sg.ingress, &spaces, *protos, (0, 65535))
                    .and_then(|r| r.origin.as_ref());
                out.fail(
                    at.with_origin(origin),
                    format!("security group {} admits {}", sg_label(sg), what.join(", ")),
                )
                .with("group", json!(sg.id))
                .with("vpc", json!(sg.vpc_id))
                .with("rules", json!(rules));
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
                        "security group {} does not admit all ports from the internet",
                        sg_label(sg)
                    ),
                );
            }
        }
    }
}
