//! VPC-001 `nacl-rule-shadowed`: a network ACL entry can never match, because earlier entries
//! decide all of its traffic.

use rampart_network::NaclPolicy;
use rampart_network::nacl::{Direction, Shadowed};

use crate::prelude::*;

/// Network ACL entries are evaluated in rule-number order and the first match wins: an entry
/// covered by earlier ones is dead, whatever it says.
pub struct NaclRuleShadowed;

static META: CheckMeta = CheckMeta {
    code: "VPC-001",
    name: "nacl-rule-shadowed",
    title: "Network ACL entry is shadowed by earlier entries",
    severity: Severity::High,
    controls: &["NET-6"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_NETWORK_ACLS],
    rationale: "A network ACL is read top-down by rule number and stops at the first entry that \
                matches. An entry whose traffic is entirely matched by lower-numbered entries never \
                applies: a dead ALLOW means the access its author intended does not exist (a \
                `100 deny all` placed first, as in a widely copied checklist, blocks the subnet \
                completely), and a dead DENY means traffic someone meant to block is let through by \
                an earlier ALLOW. rampart computes the exact set of packets each entry decides and \
                reports entries that decide none, with the effective policy of each direction.",
    remediation: RemediationText {
        text: "Renumber the entries so that specific rules come before broad ones (leave gaps of 10 \
               or 100), and rely on the implicit final deny instead of an explicit low-numbered \
               deny-all.",
        cli: Some(
            "aws ec2 delete-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 100 && aws ec2 delete-network-acl-entry --network-acl-id <acl-id> --egress --rule-number 100",
        ),
        terraform: Some(
            "resource \"aws_network_acl_rule\" \"https_in\" {\n  network_acl_id = aws_network_acl.app.id\n  rule_number    = 100\n  egress         = false\n  protocol       = \"tcp\"\n  rule_action    = \"allow\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 443\n  to_port        = 443\n}",
        ),
    },
    manual: false,
};

fn describe(list: &[Shadowed]) -> String {
    list.iter()
        .map(|s| {
            let by: Vec<String> = s.by.iter().map(ToString::to_string).collect();
            format!("{} (by {})", s.rule_number, by.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Check for NaclRuleShadowed {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, acl) in ctx.each(|r| &r.network_acls) {
            let policy = NaclPolicy::new(acl);
            let at = At::meta(&account.id, Some(&region.name), &acl.meta);
            let mut parts = Vec::new();
            let mut evidence = serde_json::Map::new();
            for d in [Direction::Inbound, Direction::Outbound] {
                let p = policy.direction(d);
                if !p.shadowed.is_empty() {
                    parts.push(format!("{} rules {}", d.as_str(), describe(&p.shadowed)));
                }
                evidence.insert(
                    d.as_str().to_owned(),
                    json!({
                        "shadowed": p.shadowed.iter().map(|s| json!({"rule": s.rule_number, "action": s.action, "by": s.by})).collect::<Vec<_>>(),
                        "redundant": p.redundant,
                        "effective": p.summary(d),
                        "invalid": p.invalid,
                    }),
                );
            }
            let effective = |d: Direction| {
                let p = policy.direction(d);
                if p.allows_nothing() {
                    "denies everything".to_owned()
                } else {
                    format!("allows {} range(s)", p.summary(d).len())
                }
            };
            let result = format!(
                "effective policy: inbound {}, outbound {}",
                effective(Direction::Inbound),
                effective(Direction::Outbound)
            );
            let invalid = !policy.inbound.invalid.is_empty() || !policy.outbound.invalid.is_empty();
            let f = if !parts.is_empty() {
                out.fail(
                    at,
                    format!(
                        "network ACL `{}` has shadowed rules: {}; {result}",
                        acl.id,
                        parts.join("; ")
                    ),
                )
            } else if invalid {
                out.not_assessed(
                    at,
                    format!(
                        "network ACL `{}` has entries rampart could not read",
                        acl.id
                    ),
                )
            } else {
                out.pass(
                    at,
                    format!("network ACL `{}` has no shadowed rule; {result}", acl.id),
                )
            };
            f.with("nacl", json!(acl.id))
                .with("subnets", json!(acl.subnet_ids));
            for (k, v) in evidence {
                f.with(&k, v);
            }
        }
    }
}
