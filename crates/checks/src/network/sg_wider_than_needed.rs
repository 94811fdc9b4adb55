//! EC2-009 `sg-wider-than-needed`: a security group admits more than its resources need.

use rampart_network::SgSpaces;
use rampart_network::rules::{describe_sg_rule, sg_traffic};
use rampart_network::sg::subsumed_rules;
use rampart_network::space::proto;

use super::common::{sg_label, sg_uses};
use crate::prelude::*;

/// Rules that add nothing, or open ports the attached service never listens on, make a group
/// harder to review and wider than its purpose.
pub struct SgWiderThanNeeded;

static META: CheckMeta = CheckMeta {
    code: "EC2-009",
    name: "sg-wider-than-needed",
    title: "Security group is wider than its resources need",
    severity: Severity::Low,
    controls: &["NET-11"],
    inputs: Input::LS,
    compliance: &[],
    needs: &[data::EC2_SECURITY_GROUPS, data::RDS, data::ELB],
    rationale: "Two kinds of excess are decided exactly: inbound rules wholly covered by the group's \
                other rules (they add nothing but review effort, and removing the wider rule later \
                leaves them silently in force), and groups attached only to databases or only to load \
                balancers that admit TCP ports the database does not listen on or no listener uses. \
                Both are access that no workload needs.",
    remediation: RemediationText {
        text: "Delete the redundant rules, and narrow the port ranges of database and load balancer \
               groups to the database port and the listener ports.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>",
        ),
        terraform: Some(
            "# delete the redundant aws_vpc_security_group_ingress_rule, or narrow from_port/to_port",
        ),
    },
    manual: false,
};

impl Check for SgWiderThanNeeded {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let uses = sg_uses(region);
            for sg in &region.security_groups {
                let at = At::meta(&account.id, Some(&region.name), &sg.meta);
                let mut problems: Vec<String> = Vec::new();
                let spaces = SgSpaces::of(&sg.ingress);
                for (i, by) in subsumed_rules(&spaces) {
                    let by: Vec<String> = by
                        .iter()
                        .filter_map(|j| sg.ingress.get(*j))
                        .map(|r| format!("`{}`", describe_sg_rule(r, true)))
                        .collect();
                    if let Some(rule) = sg.ingress.get(i) {
                        problems.push(format!(
                            "rule `{}` is covered by {}",
                            describe_sg_rule(rule, true),
                            by.join(" and ")
                        ));
                    }
                }
                // The ports the attached services serve, when every user is such a service.
                let users = uses
                    .get(sg.id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mut served: Vec<u16> = Vec::new();
                let mut known = !users.is_empty();
                for u in users {
                    match u.kind {
                        "db-instance" => match region
                            .db_instances
                            .iter()
                            .find(|d| d.id == u.id)
                            .and_then(|d| d.port)
                        {
                            Some(p) => served.push(p),
                            None => known = false,
                        },
                        "db-cluster" => match region
                            .db_clusters
                            .iter()
                            .find(|d| d.id == u.id)
                            .and_then(|d| d.port)
                        {
                            Some(p) => served.push(p),
                            None => known = false,
                        },
                        "load-balancer" => {
                            let lb = region.load_balancers.iter().find(|l| l.meta.name == u.id);
                            match lb.filter(|l| !l.listeners.is_empty()) {
                                Some(l) => served.extend(l.listeners.iter().map(|x| x.port)),
                                None => known = false,
                            }
                        }
                        _ => known = false,
                    }
                }
                if known {
                    for rule in &sg.ingress {
                        let Ok((protos, ports)) = sg_traffic(rule) else {
                            continue;
                        };
                        if !(protos.0..=protos.1).contains(&proto::TCP) {
                            continue;
                        }
                        let width = u32::from(ports.1 - ports.0) + 1;
                        let inside = served
                            .iter()
                            .filter(|p| ports.0 <= **p && **p <= ports.1)
                            .count();
                        if usize::try_from(width).unwrap_or(usize::MAX) > inside {
                            problems.push(format!(
                                "rule `{}` admits ports the attached {} do not serve (they serve {served:?})",
                                describe_sg_rule(rule, true),
                                users.iter().map(|u| u.kind).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>().join("/")
                            ));
                        }
                    }
                }
                if problems.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "security group {} has no redundant or unneeded rule",
                            sg_label(sg)
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "security group {} is wider than needed: {}",
                            sg_label(sg),
                            problems.join("; ")
                        ),
                    )
                    .with("group", json!(sg.id))
                    .with("problems", json!(problems));
                }
            }
        }
    }
}
