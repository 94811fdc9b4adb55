//! VPC-002 `nacl-missing-return-path`: a network ACL allows traffic in one direction but not its
//! replies in the other.

use rampart_network::nacl::{Direction, DirectionPolicy};
use rampart_network::reach::EPHEMERAL;
use rampart_network::space::{Space, minus_all, proto};
use rampart_network::{NaclPolicy, addr};

use crate::prelude::*;

/// Network ACLs are stateless: the reply to an allowed request is a separate packet that must be
/// allowed by the other direction, on the client's ephemeral port.
pub struct NaclMissingReturnPath;

static META: CheckMeta = CheckMeta {
    code: "VPC-002",
    name: "nacl-missing-return-path",
    title: "Network ACL allows traffic whose replies it blocks",
    severity: Severity::Medium,
    controls: &["NET-7"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_NETWORK_ACLS],
    rationale: "Unlike security groups, network ACLs keep no connection state. When an ACL allows \
                HTTPS in from some addresses, the responses go back out to those addresses on the \
                client's ephemeral port (1024-65535), and the ACL must allow that too; likewise \
                connections the subnet opens need the ephemeral range allowed inbound. A missing \
                return rule breaks the service in ways that look like timeouts, and the usual \
                hurried fix is to allow everything.",
    remediation: RemediationText {
        text: "For every service port allowed in one direction, allow TCP/UDP 1024-65535 in the other \
               direction to the same peers (after any deny that must take precedence).",
        cli: Some(
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --egress --rule-number 140 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow",
        ),
        terraform: Some(
            "resource \"aws_network_acl_rule\" \"ephemeral_out\" {\n  network_acl_id = aws_network_acl.app.id\n  rule_number    = 140\n  egress         = true\n  protocol       = \"tcp\"\n  rule_action    = \"allow\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 1024\n  to_port        = 65535\n}",
        ),
    },
    manual: false,
};

/// Service traffic allowed by `from` whose replies `to` does not fully allow: (rule, protocol,
/// ports, the peers left without a return path).
fn missing(from: &DirectionPolicy, to: &DirectionPolicy) -> Vec<(i32, u8, (u16, u16), Space)> {
    let allowed: Vec<Space> = to.allowed.iter().map(|(s, _)| *s).collect();
    let mut out = Vec::new();
    for (s, rule) in &from.allowed {
        for p in [proto::TCP, proto::UDP] {
            if !(s.proto.0..=s.proto.1).contains(&p) {
                continue;
            }
            // Ranges inside the ephemeral ports that are that wide are return rules themselves.
            let width = u32::from(s.port.1 - s.port.0) + 1;
            if s.port.0 >= EPHEMERAL.0 && width >= 1024 {
                continue;
            }
            let need = Space {
                proto: (p, p),
                port: EPHEMERAL,
                ..*s
            };
            let mut rest = vec![need];
            for a in &allowed {
                rest = minus_all(&rest, a);
                if rest.is_empty() {
                    break;
                }
            }
            if let Some(first) = rest.first() {
                out.push((*rule, p, s.port, *first));
            }
        }
    }
    out
}

impl Check for NaclMissingReturnPath {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, acl) in ctx.each(|r| &r.network_acls) {
            let policy = NaclPolicy::new(acl);
            let at = At::meta(&account.id, Some(&region.name), &acl.meta);
            let mut problems = Vec::new();
            for (d, from, to) in [
                (Direction::Inbound, &policy.inbound, &policy.outbound),
                (Direction::Outbound, &policy.outbound, &policy.inbound),
            ] {
                for (rule, p, ports, gap) in missing(from, to) {
                    let other = if d == Direction::Inbound {
                        "outbound"
                    } else {
                        "inbound"
                    };
                    problems.push(format!(
                        "{} rule {rule} allows {} but {other} replies on {}-{} are not allowed for {} (e.g. ports {}-{})",
                        d.as_str(),
                        rampart_network::space::describe_traffic((p, p), ports),
                        EPHEMERAL.0,
                        EPHEMERAL.1,
                        addr::describe_intervals(gap.family, &[gap.addr], 3),
                        gap.port.0,
                        gap.port.1,
                    ));
                }
            }
            if problems.is_empty() {
                let msg = if policy.inbound.allows_nothing() && policy.outbound.allows_nothing() {
                    format!(
                        "network ACL `{}` allows no traffic at all, so no reply path is missing (see VPC-001)",
                        acl.id
                    )
                } else {
                    format!(
                        "network ACL `{}` allows the replies of all traffic it allows",
                        acl.id
                    )
                };
                out.pass(at, msg);
            } else {
                out.fail(
                    at,
                    format!(
                        "network ACL `{}` blocks replies: {}",
                        acl.id,
                        problems.join("; ")
                    ),
                )
                .with("nacl", json!(acl.id))
                .with("problems", json!(problems))
                .with("inbound", json!(policy.inbound.summary(Direction::Inbound)))
                .with(
                    "outbound",
                    json!(policy.outbound.summary(Direction::Outbound)),
                );
            }
        }
    }
}
