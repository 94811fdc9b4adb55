//! EC2-005 `app-port-not-restricted-to-load-balancer`: an internal application port accepts
//! traffic from something other than the load balancer.

use rampart_network::rules::{describe_sg_rule, sg_traffic};
use rampart_network::space::proto;

use super::common::{load_balancer_groups, peer_is_group, sg_label, sg_uses};
use crate::prelude::*;

/// Application servers behind a load balancer should take their traffic from the load balancer
/// only; anything else bypasses its TLS termination, WAF, logging and health checks.
pub struct AppPortNotRestrictedToLoadBalancer;

static META: CheckMeta = CheckMeta {
    code: "EC2-005",
    name: "app-port-not-restricted-to-load-balancer",
    title: "Internal application port accepts traffic from other than a load balancer",
    severity: Severity::Medium,
    controls: &["NET-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_SECURITY_GROUPS, data::ELB],
    rationale: "Ports such as 8080, 8443, 3000 or 9000 (`ports.internal_app`) are where application \
                servers listen behind a load balancer. When a group admits them from an address range \
                or from a group that is not a load balancer's, clients can talk to the application \
                directly, skipping the TLS policy, web application firewall, access logs and rate \
                limits attached to the load balancer. Rules referencing the group itself (members of \
                one tier talking to each other) are accepted.",
    remediation: RemediationText {
        text: "Replace address-range sources on application ports with a rule referencing the load \
               balancer's security group.",
        cli: Some(
            "aws ec2 authorize-security-group-ingress --group-id <app-sg> --protocol tcp --port 8080 --source-group <alb-sg>",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_ingress_rule\" \"app_from_alb\" {\n  security_group_id            = aws_security_group.app.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 8080\n  to_port                      = 8080\n  referenced_security_group_id = aws_security_group.alb.id\n}",
        ),
    },
    manual: false,
};

impl Check for AppPortNotRestrictedToLoadBalancer {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let app_ports = &ctx.config.ports.internal_app;
        for (account, region) in ctx.regions() {
            let uses = sg_uses(region);
            let lb_groups = load_balancer_groups(region);
            for sg in &region.security_groups {
                let used = uses.get(sg.id.as_str());
                // A load balancer's own group faces its clients; it is judged by other checks.
                if used
                    .is_some_and(|u| !u.is_empty() && u.iter().all(|u| u.kind == "load-balancer"))
                {
                    continue;
                }
                let at = At::meta(&account.id, Some(&region.name), &sg.meta);
                let mut touching = 0usize;
                let mut bad = Vec::new();
                for rule in &sg.ingress {
                    let Ok((protos, ports)) = sg_traffic(rule) else {
                        continue;
                    };
                    let tcp = protos.0 <= proto::TCP && proto::TCP <= protos.1;
                    let hits: Vec<u16> = app_ports
                        .iter()
                        .copied()
                        .filter(|p| tcp && ports.0 <= *p && *p <= ports.1)
                        .collect();
                    if hits.is_empty() {
                        continue;
                    }
                    touching += 1;
                    let ok = match peer_is_group(rule) {
                        Some(g) => g == sg.id || lb_groups.contains(g),
                        None => false,
                    };
                    if !ok {
                        bad.push((rule, hits));
                    }
                }
                // Whether a peer group (or this group) belongs to a load balancer is read from the
                // Region's load balancers: with those unread, no failure here is established
                // (the runner reports the gap).
                if !bad.is_empty()
                    && crate::root::unseen(
                        ctx,
                        data::ELB,
                        &account.id,
                        Some(&region.name),
                        &sg.meta.arn,
                    )
                {
                    continue;
                }
                if let Some((first, _)) = bad.first() {
                    let rules: Vec<String> =
                        bad.iter().map(|(r, _)| describe_sg_rule(r, true)).collect();
                    let mut ports: Vec<u16> =
                        bad.iter().flat_map(|(_, h)| h.iter().copied()).collect();
                    ports.sort_unstable();
                    ports.dedup();
                    out.fail(
                        at.with_origin(first.origin.as_ref()),
                        format!(
                            "security group {} admits application ports {ports:?} from other than a load balancer: {}",
                            sg_label(sg),
                            rules.join("; ")
                        ),
                    )
                    .with("group", json!(sg.id))
                    .with("rules", json!(rules))
                    .with("attached_to", json!(used.map(|u| u.iter().map(|u| format!("{} {}", u.kind, u.id)).collect::<Vec<_>>())));
                } else if touching > 0 {
                    out.pass(
                        at,
                        format!(
                            "security group {} admits application ports only from load balancers",
                            sg_label(sg)
                        ),
                    );
                } else {
                    out.pass(
                        at,
                        format!(
                            "security group {} admits no internal application port",
                            sg_label(sg)
                        ),
                    );
                }
            }
        }
    }
}
