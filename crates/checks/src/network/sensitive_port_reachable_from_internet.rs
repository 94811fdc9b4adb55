//! VPC-007 `sensitive-port-reachable-from-internet`: an administration, database or internal
//! application port can actually be reached from the internet, end to end.

use rampart_network::RegionNetwork;

use super::common::{REACH_NEEDS, paths_json, target_meta};
use crate::prelude::*;

/// The end-to-end answer: not "a rule looks open" but "a packet from the internet gets there and
/// its reply gets back".
pub struct SensitivePortReachableFromInternet;

static META: CheckMeta = CheckMeta {
    code: "VPC-007",
    name: "sensitive-port-reachable-from-internet",
    title: "Administration, database or application port reachable from the internet",
    severity: Severity::Critical,
    controls: &["NET-10", "NET-2", "NET-3"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: REACH_NEEDS,
    rationale: "A security group rule open to 0.0.0.0/0 is only half the story: the subnet's route \
                table, its stateless network ACL in both directions and the resource's public address \
                decide whether a packet really arrives and its reply really leaves. This check \
                combines all of them for every instance, interface, load balancer and database and \
                reports the ones where an administration (`ports.admin`), database (`ports.database`) \
                or internal application (`ports.internal_app`) port is reachable, with each path as \
                evidence. Unlike a rule-by-rule check it does not cry wolf when a network ACL already \
                blocks the port, and it does not miss a port opened by several narrow rules.",
    remediation: RemediationText {
        text: "Close the path at the first hop you control: remove the security group rule named in \
               the evidence, deny the port in the subnet's network ACL, or move the resource into a \
               private subnet without a public address.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port <port> --cidr 0.0.0.0/0",
        ),
        terraform: Some(
            "# remove the ingress rule named in the finding's evidence, or set associate_public_ip_address = false",
        ),
    },
    manual: false,
};

impl Check for SensitivePortReachableFromInternet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let ports = &ctx.config.ports;
        let sensitive: Vec<(u16, &str)> = ports
            .admin
            .iter()
            .map(|p| (*p, "administration"))
            .chain(ports.database.iter().map(|p| (*p, "database")))
            .chain(ports.internal_app.iter().map(|p| (*p, "application")))
            .collect();
        for (account, region) in ctx.regions() {
            let net = RegionNetwork::new(region);
            for t in net.targets() {
                let meta = target_meta(region, &t);
                let at = At::place(&account.id, Some(&region.name), &t.arn)
                    .with_origin(meta.map(|m| &m.origin));
                let x = net.exposure(&t);
                let name = format!("{} `{}`", t.kind.as_str(), t.id);
                let mut hits: Vec<String> = Vec::new();
                let mut maybe = false;
                for (p, kind) in &sensitive {
                    let touching: Vec<_> =
                        x.exposures.iter().filter(|e| e.touches_port(*p)).collect();
                    if touching.iter().any(|e| e.certain()) {
                        let label = format!("{p} ({kind})");
                        if !hits.contains(&label) {
                            hits.push(label);
                        }
                    } else if !touching.is_empty() {
                        maybe = true;
                    }
                }
                if !hits.is_empty() {
                    let evidence = x.exposures.iter().filter(|e| {
                        e.certain() && sensitive.iter().any(|(p, _)| e.touches_port(*p))
                    });
                    out.fail(
                        at,
                        format!(
                            "{name} is reachable from the internet on port {}",
                            hits.join(", ")
                        ),
                    )
                    .with("ports", json!(hits))
                    .with("paths", paths_json(evidence, 10));
                } else if maybe {
                    out.not_assessed(
                        at,
                        format!("{name} may be reachable on a sensitive port: the inventory lacks part of its path"),
                    )
                    .with("paths", paths_json(x.exposures.iter(), 10));
                } else {
                    out.pass(at, format!("no administration, database or application port of {name} is reachable from the internet"));
                }
            }
        }
    }
}
