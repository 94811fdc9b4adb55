//! VPC-012 `management-host-in-workload-subnet`: a bastion or management host shares a subnet
//! with the workloads it manages.

use super::common::is_management;
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
    needs: &[data::EC2_INSTANCES, data::EC2_NETWORK_INTERFACES, data::RDS],
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

/// A host: an instance, or an interface whose instance is not listed.
struct Host<'a> {
    id: &'a str,
    name: &'a str,
    subnet: &'a str,
    management: bool,
    meta: &'a rampart_model::Meta,
}

fn hosts(region: &rampart_model::Region) -> Vec<Host<'_>> {
    let mut out = Vec::new();
    let listed: std::collections::HashSet<&str> =
        region.instances.iter().map(|i| i.id.as_str()).collect();
    let mut eni_subnet: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for e in &region.network_interfaces {
        if let Some(i) = e.instance_id.as_deref() {
            eni_subnet.entry(i).or_insert(e.subnet_id.as_str());
        }
    }
    for i in region.instances.iter().filter(|i| i.state != "terminated") {
        let subnet = i
            .subnet_id
            .as_deref()
            .or_else(|| eni_subnet.get(i.id.as_str()).copied());
        if let Some(subnet) = subnet {
            out.push(Host {
                id: &i.id,
                name: &i.meta.name,
                subnet,
                management: is_management(&i.meta),
                meta: &i.meta,
            });
        }
    }
    for e in &region.network_interfaces {
        let unlisted = e
            .instance_id
            .as_deref()
            .is_some_and(|i| !listed.contains(i));
        if unlisted && e.interface_type == "interface" {
            out.push(Host {
                id: &e.id,
                name: &e.meta.name,
                subnet: &e.subnet_id,
                management: is_management(&e.meta),
                meta: &e.meta,
            });
        }
    }
    out
}

impl Check for ManagementHostInWorkloadSubnet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let all = hosts(region);
            for host in all.iter().filter(|h| h.management) {
                let subnet = host.subnet;
                let at = At::meta(&account.id, Some(&region.name), host.meta);
                let mut neighbours: Vec<String> = all
                    .iter()
                    .filter(|h| h.id != host.id && h.subnet == subnet && !h.management)
                    .map(|h| format!("{} ({})", h.id, h.name))
                    .collect();
                neighbours.extend(
                    region
                        .db_instances
                        .iter()
                        .filter(|d| d.subnet_ids.len() == 1 && d.subnet_ids[0] == subnet)
                        .map(|d| format!("DB instance {}", d.id)),
                );
                neighbours.extend(
                    region
                        .network_interfaces
                        .iter()
                        .filter(|e| {
                            e.subnet_id == subnet
                                && e.description.starts_with("RDSNetworkInterface")
                        })
                        .map(|e| format!("database interface {}", e.id)),
                );
                if neighbours.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "management host `{}` ({}) has subnet `{subnet}` to itself",
                            host.id, host.name
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "management host `{}` ({}) shares subnet `{subnet}` with {}",
                            host.id,
                            host.name,
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
