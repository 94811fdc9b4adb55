//! VPC-012 `management-host-in-workload-subnet`: a bastion or management host shares a subnet
//! with the workloads it manages.

use super::common::tag;
use crate::prelude::*;

/// Management hosts are the most privileged network position; they belong in a subnet (or VPC)
/// of their own, so the workloads' network rules can single them out.
pub struct ManagementHostInWorkloadSubnet;

static META: CheckMeta = CheckMeta {
    code: "VPC-012",
    name: "management-host-in-workload-subnet",
    title: "Management host shares a subnet with workloads",
    severity: Severity::Medium,
    controls: &["NET-13"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_INSTANCES, data::RDS],
    rationale: "A bastion, jump host or management server (by its name or its `role`/`tier` tag) that \
                sits in the same subnet as application servers or databases cannot be separated from \
                them by network ACLs, and a compromise of either side lands next to the other. \
                Keeping management hosts in their own subnet or VPC lets the production tiers admit \
                administration only from that subnet.",
    remediation: RemediationText {
        text: "Move the management host to a dedicated management subnet (or VPC) and allow \
               administration ports in the workload tiers only from that subnet's security group.",
        cli: None,
        terraform: Some(
            "resource \"aws_instance\" \"bastion\" {\n  subnet_id = aws_subnet.management.id\n}",
        ),
    },
    manual: false,
};

fn is_management(meta: &rampart_model::Meta) -> bool {
    const WORDS: &[&str] = &[
        "bastion",
        "jump",
        "jumpbox",
        "jumphost",
        "management",
        "mgmt",
        "admin",
    ];
    let hit = |s: &str| {
        s.to_ascii_lowercase()
            .split(['-', '_', ' ', '.'])
            .any(|w| WORDS.contains(&w))
    };
    tag(&meta.tags, &["role", "tier", "function"]).is_some_and(hit) || hit(&meta.name)
}

impl Check for ManagementHostInWorkloadSubnet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            for host in region
                .instances
                .iter()
                .filter(|i| is_management(&i.meta) && i.state != "terminated")
            {
                let Some(subnet) = &host.subnet_id else {
                    continue;
                };
                let at = At::meta(&account.id, Some(&region.name), &host.meta);
                let mut neighbours: Vec<String> = region
                    .instances
                    .iter()
                    .filter(|i| {
                        i.id != host.id
                            && i.subnet_id.as_ref() == Some(subnet)
                            && !is_management(&i.meta)
                    })
                    .map(|i| format!("instance {} ({})", i.id, i.meta.name))
                    .collect();
                neighbours.extend(
                    region
                        .db_instances
                        .iter()
                        .filter(|d| d.subnet_ids.len() == 1 && d.subnet_ids[0] == *subnet)
                        .map(|d| format!("DB instance {}", d.id)),
                );
                if neighbours.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "management host `{}` has subnet `{subnet}` to itself",
                            host.id
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "management host `{}` shares subnet `{subnet}` with {}",
                            host.id,
                            neighbours.join(", ")
                        ),
                    )
                    .with("subnet", json!(subnet))
                    .with("neighbours", json!(neighbours));
                }
            }
        }
    }
}
