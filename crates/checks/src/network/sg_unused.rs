//! EC2-008 `sg-unused`: a security group that nothing uses.

use std::collections::HashSet;

use rampart_network::sg::referenced_groups;

use super::common::{sg_label, sg_uses};
use crate::prelude::*;

/// Unused groups are clutter that hides the groups that matter, and a ready-made open door for
/// the next resource someone attaches them to.
pub struct SgUnused;

static META: CheckMeta = CheckMeta {
    code: "EC2-008",
    name: "sg-unused",
    title: "Security group is not used",
    severity: Severity::Low,
    controls: &["NET-11"],
    inputs: Input::LS,
    compliance: &[fsbp("EC2.22")],
    needs: &[
        data::EC2_SECURITY_GROUPS,
        data::EC2_NETWORK_INTERFACES,
        data::EC2_INSTANCES,
    ],
    rationale: "A group attached to no network interface, instance, load balancer, database, \
                Redshift cluster or Lambda function, and referenced by no other group's rules, \
                protects nothing. Such groups accumulate permissive rules from past experiments; the \
                next person to reuse one inherits them without reading them, and auditors must review \
                rules that guard nothing.",
    remediation: RemediationText {
        text: "Delete the group after confirming no automation references it, or document why it is \
               kept (waive the finding with a reason).",
        cli: Some("aws ec2 delete-security-group --group-id <sg-id>"),
        terraform: Some("# remove the aws_security_group resource block and apply"),
    },
    manual: false,
};

impl Check for SgUnused {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let uses = sg_uses(region);
            let referenced: HashSet<&str> = region
                .security_groups
                .iter()
                .flat_map(|g| {
                    referenced_groups(&g.ingress)
                        .chain(referenced_groups(&g.egress))
                        .filter(move |r| *r != g.id)
                })
                .collect();
            for sg in &region.security_groups {
                let at = At::meta(&account.id, Some(&region.name), &sg.meta);
                if let Some(u) = uses.get(sg.id.as_str()).filter(|u| !u.is_empty()) {
                    out.pass(
                        at,
                        format!(
                            "security group {} is attached to {} resource(s)",
                            sg_label(sg),
                            u.len()
                        ),
                    );
                } else if sg.is_default() {
                    out.pass(
                        at,
                        format!(
                            "security group {} is its VPC's default group (cannot be deleted)",
                            sg_label(sg)
                        ),
                    );
                } else if referenced.contains(sg.id.as_str()) {
                    out.pass(
                        at,
                        format!(
                            "security group {} is referenced by other groups' rules",
                            sg_label(sg)
                        ),
                    );
                } else if attachments_unseen(ctx, &account.id, &region.name, &sg.meta) {
                    // "Attached to nothing" is a conclusion from the absence of attachments: with
                    // the region's network interfaces or instances unread it is a guess. Every
                    // service placing a group in a VPC (RDS, Lambda, ELB, ECS …) does it through a
                    // network interface (EC2 User Guide, "Elastic network interfaces"), so those
                    // two lists are what an attachment is read from; the runner reports the gap.
                    continue;
                } else {
                    out.fail(
                        at,
                        format!(
                            "security group {} is attached to nothing and referenced by no rule",
                            sg_label(sg)
                        ),
                    )
                    .with("group", json!(sg.id))
                    .with("vpc", json!(sg.vpc_id))
                    .with("ingress_rules", json!(sg.ingress.len()))
                    .with("egress_rules", json!(sg.egress.len()));
                }
            }
        }
    }
}

/// Whether the data an attachment of this group would be read from is missing in its region.
fn attachments_unseen(
    ctx: &Context<'_>,
    account: &str,
    region: &str,
    meta: &rampart_model::Meta,
) -> bool {
    [data::EC2_NETWORK_INTERFACES, data::EC2_INSTANCES]
        .iter()
        .any(|d| crate::root::unseen(ctx, d, account, Some(region), &meta.arn))
}
