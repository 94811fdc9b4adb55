//! EC2-007 `default-sg-allows-traffic`: a VPC's default security group has rules.

use rampart_network::rules::describe_sg_rule;

use super::common::{sg_label, sg_uses};
use crate::prelude::*;

/// Resources launched without an explicit group land in the default one; if it allows traffic,
/// they are exposed by accident.
pub struct DefaultSgAllowsTraffic;

static META: CheckMeta = CheckMeta {
    code: "EC2-007",
    name: "default-sg-allows-traffic",
    title: "Default security group allows traffic",
    severity: Severity::High,
    controls: &["NET-8"],
    inputs: Input::LSTC,
    compliance: &[cis3("5.4"), cis6("6.5"), fsbp("EC2.2")],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "Every VPC has a default security group that cannot be deleted; AWS creates it \
                allowing all traffic between its members and all egress. Anything launched without \
                an explicit group (a quick test instance, a Lambda function or endpoint configured \
                in a hurry) silently joins it. With no rules at all, such mistakes fail closed and \
                are noticed, instead of quietly sharing a network with everything else in the group.",
    remediation: RemediationText {
        text: "Remove every inbound and outbound rule from the default security group, move the \
               resources that use it to purpose-made groups, and manage it in code so the rules \
               stay removed.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <default-sg> --ip-permissions \"$(aws ec2 describe-security-groups --group-ids <default-sg> --query 'SecurityGroups[0].IpPermissions')\"",
        ),
        terraform: Some(
            "resource \"aws_default_security_group\" \"default\" {\n  vpc_id = aws_vpc.main.id\n  # no ingress or egress blocks: all rules removed\n}",
        ),
    },
    manual: false,
};

impl Check for DefaultSgAllowsTraffic {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let uses = sg_uses(region);
            for sg in region.security_groups.iter().filter(|s| s.is_default()) {
                let at = At::meta(&account.id, Some(&region.name), &sg.meta);
                if sg.ingress.is_empty() && sg.egress.is_empty() {
                    out.pass(
                        at,
                        format!("default security group {} has no rules", sg_label(sg)),
                    );
                    continue;
                }
                let inbound: Vec<String> = sg
                    .ingress
                    .iter()
                    .map(|r| describe_sg_rule(r, true))
                    .collect();
                let outbound: Vec<String> = sg
                    .egress
                    .iter()
                    .map(|r| describe_sg_rule(r, false))
                    .collect();
                let users: Vec<String> = uses
                    .get(sg.id.as_str())
                    .map(|u| u.iter().map(|u| format!("{} {}", u.kind, u.id)).collect())
                    .unwrap_or_default();
                out.fail(
                    at,
                    format!(
                        "default security group {} of {} has {} inbound and {} outbound rules",
                        sg_label(sg),
                        sg.vpc_id.as_deref().unwrap_or("its VPC"),
                        inbound.len(),
                        outbound.len()
                    ),
                )
                .with("ingress", json!(inbound))
                .with("egress", json!(outbound))
                .with("used_by", json!(users));
            }
        }
    }
}
