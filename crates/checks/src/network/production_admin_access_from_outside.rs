//! VPC-011 `production-admin-access-from-outside`: in a production VPC, administration or
//! database ports accept address ranges from outside the VPC.

use rampart_network::Cidr;
use rampart_network::rules::{describe_sg_rule, sg_rule_space, sg_traffic};
use rampart_network::space::proto;

use super::common::{is_management, is_management_name, is_production, sg_label};
use crate::prelude::*;

/// Production should be administered through a bastion or VPN, never directly from an office or
/// home address range.
pub struct ProductionAdminAccessFromOutside;

static META: CheckMeta = CheckMeta {
    code: "VPC-011",
    name: "production-admin-access-from-outside",
    title: "Production admin or database port open to addresses outside the VPC",
    severity: Severity::High,
    controls: &["NET-13"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_VPC, data::EC2_SECURITY_GROUPS],
    rationale: "In a production VPC (tagged `environment=production`/`prod`, or so named), SSH, RDP \
                and database ports should only be reachable from inside: from a bastion's or the \
                application's security group, or from the VPC's own addresses where a VPN lands. A \
                rule admitting an outside range (an office, a contractor, a developer's home) makes \
                those networks part of production's perimeter. This is a partial control: whether \
                management hosts live apart is judged by VPC-012, and whether the VPN is the only way \
                in is for the auditor.",
    remediation: RemediationText {
        text: "Replace outside ranges on administration and database ports with the bastion's (or \
               application's) security group, or with the VPN's address range inside the VPC.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 --cidr <outside-range>",
        ),
        terraform: Some(
            "# use referenced_security_group_id = aws_security_group.bastion.id instead of cidr_ipv4",
        ),
    },
    manual: false,
};

impl Check for ProductionAdminAccessFromOutside {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let ports = &ctx.config.ports;
        let sensitive: Vec<u16> = ports
            .admin
            .iter()
            .chain(ports.database.iter())
            .copied()
            .collect();
        for (account, region) in ctx.regions() {
            for vpc in region.vpcs.iter().filter(|v| is_production(&v.meta)) {
                let inside: Vec<Cidr> = vpc
                    .cidr_blocks
                    .iter()
                    .chain(vpc.ipv6_cidr_blocks.iter())
                    .filter_map(|c| Cidr::parse(c).ok())
                    .collect();
                for sg in region
                    .security_groups
                    .iter()
                    .filter(|g| g.vpc_id.as_deref() == Some(vpc.id.as_str()))
                {
                    let at = At::meta(&account.id, Some(&region.name), &sg.meta);
                    if is_management(&sg.meta) || is_management_name(&sg.group_name) {
                        out.pass(
                            at,
                            format!(
                                "group {} guards a management host (bastion/VPN): it is the way in",
                                sg_label(sg)
                            ),
                        );
                        continue;
                    }
                    let mut bad = Vec::new();
                    for rule in &sg.ingress {
                        let Ok((protos, range)) = sg_traffic(rule) else {
                            continue;
                        };
                        if !(protos.0..=protos.1).contains(&proto::TCP) {
                            continue;
                        }
                        if !sensitive.iter().any(|p| range.0 <= *p && *p <= range.1) {
                            continue;
                        }
                        let outside = match sg_rule_space(rule) {
                            Ok(Some(s)) => !inside.iter().any(|c| {
                                c.family == s.family && c.lo <= s.addr.0 && s.addr.1 <= c.hi
                            }),
                            // A prefix list names addresses rampart cannot see: count it as outside.
                            Ok(None) => {
                                matches!(rule.peer, rampart_model::network::Peer::PrefixList(_))
                            }
                            Err(_) => true,
                        };
                        if outside {
                            bad.push(describe_sg_rule(rule, true));
                        }
                    }
                    if bad.is_empty() {
                        out.pass(at, format!("production group {} admits administration and database ports only from inside `{}`", sg_label(sg), vpc.id));
                    } else {
                        out.fail(
                            at,
                            format!("production group {} in `{}` admits administration or database ports from outside the VPC: {}", sg_label(sg), vpc.id, bad.join("; ")),
                        )
                        .with("vpc", json!(vpc.id))
                        .with("vpc_cidrs", json!(vpc.cidr_blocks))
                        .with("rules", json!(bad));
                    }
                }
            }
        }
    }
}
