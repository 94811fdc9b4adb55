//! VPC-005 `internet-reaches-non-load-balancer`: something other than a load balancer can be
//! reached from the internet.

use rampart_network::{RegionNetwork, TargetKind};

use super::common::{REACH_NEEDS, paths_json, target_meta, traffic_list};
use crate::prelude::*;

/// In a tiered design, the internet talks to load balancers and nothing else.
pub struct InternetReachesNonLoadBalancer;

static META: CheckMeta = CheckMeta {
    code: "VPC-005",
    name: "internet-reaches-non-load-balancer",
    title: "Internet traffic reaches a resource that is not a load balancer",
    severity: Severity::High,
    controls: &["NET-9", "NET-10"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.9")],
    needs: REACH_NEEDS,
    rationale: "rampart follows each packet the way AWS does: the subnet's route table must send \
                the reply to an internet gateway, the network ACL must allow the request in and the \
                reply out (it is stateless), a security group rule must admit it, and the resource \
                must have a public address. When all of that lines up for an instance, an interface \
                or a database, the tier behind the load balancer is directly on the internet, \
                bypassing TLS policy, WAF and logging. The finding lists every path with the route, \
                ACL entries and group rule that open it.",
    remediation: RemediationText {
        text: "Move the resource to a private subnet (no public address, default route through a NAT \
               gateway) and publish it through a load balancer; or close the path at the security \
               group named in the evidence.",
        cli: Some(
            "aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
        ),
        terraform: Some(
            "resource \"aws_instance\" \"app\" {\n  subnet_id                   = aws_subnet.private.id\n  associate_public_ip_address = false\n}",
        ),
    },
    manual: false,
};

impl Check for InternetReachesNonLoadBalancer {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region) in ctx.regions() {
            let net = RegionNetwork::new(region);
            for t in net.targets() {
                if t.kind == TargetKind::LoadBalancer {
                    continue;
                }
                let meta = target_meta(region, &t);
                let at = At::place(&account.id, Some(&region.name), &t.arn)
                    .with_origin(meta.map(|m| &m.origin));
                let x = net.exposure(&t);
                let name = format!("{} `{}`", t.kind.as_str(), t.id);
                if x.reachable() {
                    let certain = x.exposures.iter().filter(|e| e.certain());
                    out.fail(
                        at,
                        format!(
                            "{name} is reachable from the internet: {}",
                            traffic_list(certain.clone())
                        ),
                    )
                    .with("paths", paths_json(certain, 10));
                } else if x.maybe_reachable() {
                    out.not_assessed(
                        at,
                        format!("{name} is reachable from the internet only if what the inventory does not say is open"),
                    )
                    .with("paths", paths_json(x.exposures.iter(), 10));
                } else {
                    out.pass(
                        at,
                        format!(
                            "{name} is not reachable from the internet: {}",
                            x.notes.join("; ")
                        ),
                    );
                }
            }
        }
    }
}
