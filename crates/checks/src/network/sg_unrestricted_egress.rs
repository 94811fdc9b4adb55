//! EC2-006 `sg-unrestricted-egress`: a security group lets its resources send anything anywhere.

use rampart_network::Family;

use super::common::{families_text, sg_label};
use crate::prelude::*;

/// Unrestricted egress is what turns a compromised host into an exfiltration or command-and-
/// control channel; restricting it makes an intrusion noisier and slower.
pub struct SgUnrestrictedEgress;

static META: CheckMeta = CheckMeta {
    code: "EC2-006",
    name: "sg-unrestricted-egress",
    title: "Security group allows all outbound traffic to the internet",
    severity: Severity::Low,
    controls: &["NET-5"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "Every new security group is created with an egress rule allowing all traffic to \
                0.0.0.0/0. Left in place, it lets any process on the instance (including malware) \
                reach any host on any port: data exfiltration, reverse shells and crypto-mining pools \
                all work. Backends usually need a few destinations (the Shopify API on 443, DNS, AWS \
                endpoints), which can be named.",
    remediation: RemediationText {
        text: "Replace the allow-all egress rule with rules for the destinations and ports the \
               workload needs (HTTPS to 0.0.0.0/0 at most, the database's security group, VPC \
               endpoints' prefix lists).",
        cli: Some(
            "aws ec2 revoke-security-group-egress --group-id <sg-id> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_egress_rule\" \"https_out\" {\n  security_group_id = aws_security_group.app.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = \"0.0.0.0/0\"\n}",
        ),
    },
    manual: false,
};

impl Check for SgUnrestrictedEgress {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, sg) in ctx.each(|r| &r.security_groups) {
            let spaces = rampart_network::SgSpaces::of(&sg.egress);
            let at = At::meta(&account.id, Some(&region.name), &sg.meta);
            let fams: Vec<Family> = Family::ALL
                .into_iter()
                .filter(|f| spaces.open_to_internet(*f, (0, 255), (0, 65535)))
                .collect();
            if fams.is_empty() {
                out.pass(
                    at,
                    format!("security group {} restricts egress", sg_label(sg)),
                );
            } else {
                let rules: Vec<String> = sg
                    .egress
                    .iter()
                    .map(|r| rampart_network::rules::describe_sg_rule(r, false))
                    .collect();
                out.fail(
                    at,
                    format!(
                        "security group {} allows all traffic to {}",
                        sg_label(sg),
                        families_text(&fams)
                    ),
                )
                .with("group", json!(sg.id))
                .with("egress_rules", json!(rules));
            }
        }
    }
}
