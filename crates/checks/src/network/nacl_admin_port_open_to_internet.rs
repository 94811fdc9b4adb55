//! VPC-003 `nacl-admin-port-open-to-internet`: a network ACL lets SSH/RDP (or everything) in from
//! anywhere, once rule order is taken into account.

use rampart_network::Family;
use rampart_network::NaclPolicy;
use rampart_network::addr::{intersect, public_space};
use rampart_network::nacl::Direction;
use rampart_network::space::{Space, covered_by, proto};

use crate::prelude::*;

/// The subnet-level filter should not be the place where administration ports are opened to the
/// world.
pub struct NaclAdminPortOpenToInternet;

static META: CheckMeta = CheckMeta {
    code: "VPC-003",
    name: "nacl-admin-port-open-to-internet",
    title: "Network ACL allows administration ports from the internet",
    severity: Severity::High,
    controls: &["NET-14"],
    inputs: Input::LSTC,
    compliance: &[cis3("5.1"), cis6("6.2"), fsbp("EC2.21")],
    needs: &[data::EC2_NETWORK_ACLS],
    rationale: "A network ACL is the subnet's coarse filter: if an entry from 0.0.0.0/0 or ::/0 \
                actually decides SSH or RDP packets (`ports.admin`) as allowed — including an \
                allow-all entry, as in a VPC's default ACL — the only remaining protection is each \
                instance's security group, and one careless group exposes the host. Rule order is \
                honoured: an allow that an earlier deny fully covers is not counted, and an allow-all \
                after a deny of just one address still is.",
    remediation: RemediationText {
        text: "Add a deny for the administration ports from 0.0.0.0/0 and ::/0 numbered before the \
               allow entries (after any entry for the admin ranges you do trust), or replace the \
               allow-all entry with the service ports the subnet needs.",
        cli: Some(
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 90 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny",
        ),
        terraform: Some(
            "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  network_acl_id = aws_network_acl.app.id\n  rule_number    = 90\n  egress         = false\n  protocol       = \"tcp\"\n  rule_action    = \"deny\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 22\n  to_port        = 22\n}",
        ),
    },
    manual: false,
};

impl Check for NaclAdminPortOpenToInternet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let admin = &ctx.config.ports.admin;
        for (account, region, acl) in ctx.each(|r| &r.network_acls) {
            let policy = NaclPolicy::new(acl);
            let at = At::meta(&account.id, Some(&region.name), &acl.meta);
            let mut hits: Vec<(i32, u16)> = Vec::new();
            for (space, rule) in &policy.inbound.allowed {
                let from_anywhere = policy
                    .inbound
                    .entries
                    .iter()
                    .any(|(n, _, s, _)| n == rule && s.addr == (0, s.family.max()));
                if !from_anywhere || !(space.proto.0..=space.proto.1).contains(&proto::TCP) {
                    continue;
                }
                if intersect(public_space(space.family), &[space.addr]).is_empty() {
                    continue;
                }
                for p in admin
                    .iter()
                    .filter(|p| space.port.0 <= **p && **p <= space.port.1)
                {
                    if !hits.contains(&(*rule, *p)) {
                        hits.push((*rule, *p));
                    }
                }
            }
            // Several narrower entries can add up to every public address (0.0.0.0/1 and
            // 128.0.0.0/1): what the ACL lets in is the union of its effective allows, as for a
            // security group (EC2-003), so that union is judged too.
            for family in Family::ALL {
                for p in admin {
                    if hits.iter().any(|(_, q)| q == p) {
                        continue;
                    }
                    let want = |addr| Space {
                        family,
                        addr,
                        proto: (proto::TCP, proto::TCP),
                        port: (*p, *p),
                    };
                    let allowed: Vec<&(Space, i32)> = policy
                        .inbound
                        .allowed_in(family)
                        .filter(|(s, _)| {
                            public_space(family)
                                .iter()
                                .any(|a| s.intersect(&want(*a)).is_some())
                        })
                        .collect();
                    let everyone = !allowed.is_empty()
                        && public_space(family)
                            .iter()
                            .all(|a| covered_by(&want(*a), allowed.iter().map(|(s, _)| s)));
                    if let Some((_, rule)) =
                        allowed.iter().filter(|_| everyone).min_by_key(|(_, n)| *n)
                    {
                        hits.push((*rule, *p));
                    }
                }
            }
            let entry_origin = hits.first().and_then(|(n, _)| {
                acl.entries
                    .iter()
                    .find(|e| !e.egress && e.rule_number == *n)
                    .and_then(|e| e.origin.as_ref())
            });
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "network ACL `{}` admits no administration port from anywhere",
                        acl.id
                    ),
                )
                .with("inbound", json!(policy.inbound.summary(Direction::Inbound)));
            } else {
                let list: Vec<String> = hits
                    .iter()
                    .map(|(n, p)| format!("tcp {p} by rule {n}"))
                    .collect();
                out.fail(
                    at.with_origin(entry_origin),
                    format!(
                        "network ACL `{}` allows administration ports from anywhere: {}",
                        acl.id,
                        list.join(", ")
                    ),
                )
                .with("nacl", json!(acl.id))
                .with("subnets", json!(acl.subnet_ids))
                .with("inbound", json!(policy.inbound.summary(Direction::Inbound)));
            }
        }
    }
}
