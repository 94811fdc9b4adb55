//! EC2-003 `sg-admin-port-open-to-internet`: SSH or RDP is open to the whole internet.

use super::common::check_ports_open_to_internet;
use crate::prelude::*;

/// SSH and RDP are the most attacked ports on the internet; they belong behind a bastion, a VPN or
/// Session Manager, never open to everyone.
pub struct SgAdminPortOpenToInternet;

static META: CheckMeta = CheckMeta {
    code: "EC2-003",
    name: "sg-admin-port-open-to-internet",
    title: "Security group admits SSH or RDP from the internet",
    severity: Severity::Critical,
    controls: &["NET-2"],
    inputs: Input::LSTC,
    compliance: &[
        cis3("5.2"),
        cis3("5.3"),
        cis6("6.3"),
        cis6("6.4"),
        fsbp("EC2.13"),
        fsbp("EC2.14"),
    ],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "Remote administration ports (`ports.admin`: 22 and 3389 by default) reachable from \
                0.0.0.0/0 or ::/0 invite credential stuffing and exploitation of the remote-access \
                service itself. Administrative access should come from a bastion's security group, a \
                VPN range or AWS Systems Manager Session Manager, which needs no inbound port at all. \
                The whole group is considered: several rules that together cover the internet count.",
    remediation: RemediationText {
        text: "Remove the rule admitting the administration port from anywhere; allow it only from \
               the bastion's security group or named admin ranges, or use Session Manager and close \
               the port.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 --cidr 0.0.0.0/0",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_ingress_rule\" \"ssh_from_bastion\" {\n  security_group_id            = aws_security_group.app.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 22\n  to_port                      = 22\n  referenced_security_group_id = aws_security_group.bastion.id\n}",
        ),
    },
    manual: false,
};

impl Check for SgAdminPortOpenToInternet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        check_ports_open_to_internet(ctx, out, &ctx.config.ports.admin, "administration");
    }
}
