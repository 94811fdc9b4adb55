//! Network ACLs: ordered, first match wins, stateless, with an implicit final deny.
//!
//! [`NaclPolicy::new`] walks each direction's entries in rule-number order, carving the packet
//! space: each entry *decides* the packets it matches that no earlier entry matched. That gives,
//! exactly and once for all packets:
//! - the effective policy (the allowed boxes, each with the rule that allows it);
//! - shadowed entries (they decide nothing: earlier entries cover them entirely);
//! - redundant entries (removing them changes no decision: later entries, or the final deny,
//!   would decide their packets the same way).

use rampart_model::network::{NaclEntry, NetworkAcl, RuleAction};

use crate::addr::Family;
use crate::rules::nacl_entry_space;
use crate::space::{Packet, Space, minus_all, proto};

/// Inbound or outbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Inbound (`egress: false`).
    Inbound,
    /// Outbound (`egress: true`).
    Outbound,
}

impl Direction {
    /// `inbound` / `outbound`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// An entry whose packets are all decided by earlier entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed {
    /// The dead entry's rule number.
    pub rule_number: i32,
    /// Its action.
    pub action: RuleAction,
    /// The earlier entries that overlap it (together they cover it).
    pub by: Vec<i32>,
}

/// The decision for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed by this rule.
    Allow(i32),
    /// Denied by this rule.
    Deny(i32),
    /// Denied by the implicit final rule (`*`).
    DefaultDeny,
}

impl Decision {
    /// Whether the packet passes.
    #[must_use]
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// One direction of a network ACL, analysed.
#[derive(Debug, Clone, Default)]
pub struct DirectionPolicy {
    /// Valid entries in evaluation order: (rule number, action, box, index in the ACL's entries).
    pub entries: Vec<(i32, RuleAction, Space, usize)>,
    /// Entries that could not be read (rule number, why); they match nothing.
    pub invalid: Vec<(i32, String)>,
    /// Allowed boxes, disjoint, each with the allowing rule number.
    pub allowed: Vec<(Space, i32)>,
    /// Boxes denied by an explicit entry, disjoint, with the rule number.
    pub denied: Vec<(Space, i32)>,
    /// Entries that decide nothing.
    pub shadowed: Vec<Shadowed>,
    /// Entries whose removal would change no decision (and are not shadowed).
    pub redundant: Vec<i32>,
}

/// Whether a rule number is the implicit final entry AWS lists (`*`, 32767).
#[must_use]
pub fn is_default_rule(rule_number: i32) -> bool {
    rule_number >= 32767
}

impl DirectionPolicy {
    /// Analyses the entries of one direction.
    #[must_use]
    pub fn new(all: &[NaclEntry], direction: Direction) -> DirectionPolicy {
        let mut p = DirectionPolicy::default();
        for (index, e) in all.iter().enumerate() {
            if e.egress != (direction == Direction::Outbound) {
                continue;
            }
            match nacl_entry_space(e) {
                Ok(space) => p.entries.push((e.rule_number, e.action, space, index)),
                Err(err) => p.invalid.push((e.rule_number, err.to_string())),
            }
        }
        p.entries.sort_by_key(|e| e.0);
        let mut remaining: Vec<Space> = Family::ALL.iter().map(|f| Space::full(*f)).collect();
        let mut decided: Vec<Vec<Space>> = Vec::with_capacity(p.entries.len());
        for (i, &(number, action, space, _)) in p.entries.iter().enumerate() {
            let part: Vec<Space> = remaining
                .iter()
                .filter_map(|r| r.intersect(&space))
                .collect();
            if part.is_empty() {
                if !is_default_rule(number) {
                    let by = p.entries[..i]
                        .iter()
                        .filter(|e| e.2.intersect(&space).is_some())
                        .map(|e| e.0)
                        .collect();
                    p.shadowed.push(Shadowed {
                        rule_number: number,
                        action,
                        by,
                    });
                }
            } else {
                let target = if action == RuleAction::Allow {
                    &mut p.allowed
                } else {
                    &mut p.denied
                };
                target.extend(part.iter().map(|s| (*s, number)));
                remaining = minus_all(&remaining, &space);
            }
            decided.push(part);
        }
        for (i, part) in decided.iter().enumerate() {
            let (number, action, _, _) = p.entries[i];
            if part.is_empty() || is_default_rule(number) {
                continue;
            }
            if p.would_decide_the_same(i, part.clone(), action) {
                p.redundant.push(number);
            }
        }
        p
    }

    /// Whether the entries after `i` (and the final deny) decide every packet of `part` as
    /// `action`.
    fn would_decide_the_same(&self, i: usize, mut part: Vec<Space>, action: RuleAction) -> bool {
        for &(_, later_action, space, _) in &self.entries[i + 1..] {
            if later_action != action && part.iter().any(|s| s.intersect(&space).is_some()) {
                return false;
            }
            part = minus_all(&part, &space);
            if part.is_empty() {
                return true;
            }
        }
        // What is left falls to the final deny.
        action == RuleAction::Deny
    }

    /// The decision for a packet, from the analysed boxes.
    #[must_use]
    pub fn evaluate(&self, p: &Packet) -> Decision {
        if let Some((_, n)) = self.allowed.iter().find(|(s, _)| s.contains(p)) {
            return Decision::Allow(*n);
        }
        if let Some((_, n)) = self.denied.iter().find(|(s, _)| s.contains(p)) {
            return Decision::Deny(*n);
        }
        Decision::DefaultDeny
    }

    /// Whether this direction allows nothing at all.
    #[must_use]
    pub fn allows_nothing(&self) -> bool {
        self.allowed.is_empty()
    }

    /// The allowed boxes of a family.
    pub fn allowed_in(&self, family: Family) -> impl Iterator<Item = &(Space, i32)> {
        self.allowed.iter().filter(move |(s, _)| s.family == family)
    }

    /// The effective policy as lines (`allow tcp 443 from 0.0.0.0/0 (rule 200)`), one per
    /// allowed box, merged by rule and traffic; `deny everything` when nothing is allowed.
    #[must_use]
    pub fn summary(&self, direction: Direction) -> Vec<String> {
        if self.allowed.is_empty() {
            return vec!["deny everything".to_owned()];
        }
        let word = if direction == Direction::Inbound {
            "from"
        } else {
            "to"
        };
        let mut groups: Vec<(SummaryKey, Vec<(u128, u128)>)> = Vec::new();
        for (s, n) in &self.allowed {
            let key = (*n, s.family, s.proto, s.port);
            match groups.iter_mut().find(|g| g.0 == key) {
                Some(g) => g.1.push(s.addr),
                None => groups.push((key, vec![s.addr])),
            }
        }
        groups
            .into_iter()
            .map(|((n, family, protos, ports), addrs)| {
                let addrs = crate::addr::normalize(addrs);
                format!(
                    "allow {} {word} {} (rule {n})",
                    crate::space::describe_traffic(protos, ports),
                    crate::addr::describe_intervals(family, &addrs, 6)
                )
            })
            .collect()
    }

    /// The return-path projection: for each allowed box, the (address, protocol) part for which
    /// *some* packet on the ephemeral ports (TCP/UDP) or any packet (other protocols) is
    /// allowed. The port dimension of the result is full.
    #[must_use]
    pub fn return_projection(&self, ephemeral: (u16, u16)) -> Vec<(Space, i32)> {
        let mut out = Vec::new();
        for &(s, n) in &self.allowed {
            let mut push = |protos: (u8, u8), ok: bool| {
                if ok && protos.0 <= protos.1 {
                    out.push((
                        Space {
                            proto: protos,
                            port: (0, 65535),
                            ..s
                        },
                        n,
                    ));
                }
            };
            let ports_ok = s.port.0 <= ephemeral.1 && ephemeral.0 <= s.port.1;
            // Split the protocol interval so TCP (6) and UDP (17) stand alone: only they need the
            // port check.
            let mut cuts: Vec<(u8, u8, bool)> = Vec::new();
            let mut start = s.proto.0;
            for special in [proto::TCP, proto::UDP] {
                if special < start || special > s.proto.1 {
                    continue;
                }
                if start < special {
                    cuts.push((start, special - 1, true));
                }
                cuts.push((special, special, ports_ok));
                start = special + 1;
            }
            if start <= s.proto.1 {
                cuts.push((start, s.proto.1, true));
            }
            for (a, b, ok) in cuts {
                push((a, b), ok);
            }
        }
        out
    }
}

/// Rule number, family, protocols and ports: what one summary line groups by.
type SummaryKey = (i32, Family, (u8, u8), (u16, u16));

/// Both directions of a network ACL.
#[derive(Debug, Clone, Default)]
pub struct NaclPolicy {
    /// Inbound.
    pub inbound: DirectionPolicy,
    /// Outbound.
    pub outbound: DirectionPolicy,
}

impl NaclPolicy {
    /// Analyses a network ACL.
    #[must_use]
    pub fn new(acl: &NetworkAcl) -> NaclPolicy {
        NaclPolicy::from_entries(&acl.entries)
    }

    /// Analyses a list of entries (both directions).
    #[must_use]
    pub fn from_entries(entries: &[NaclEntry]) -> NaclPolicy {
        NaclPolicy {
            inbound: DirectionPolicy::new(entries, Direction::Inbound),
            outbound: DirectionPolicy::new(entries, Direction::Outbound),
        }
    }

    /// One direction.
    #[must_use]
    pub fn direction(&self, d: Direction) -> &DirectionPolicy {
        match d {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }

    /// A policy that allows everything both ways (the default NACL of a VPC, or one assumed when
    /// the subnet's NACL is not in the Inventory).
    #[must_use]
    pub fn allow_all() -> NaclPolicy {
        let entries: Vec<NaclEntry> = [false, true]
            .into_iter()
            .flat_map(|egress| {
                Family::ALL.into_iter().map(move |f| NaclEntry {
                    rule_number: 100,
                    egress,
                    protocol: "-1".into(),
                    action: RuleAction::Allow,
                    cidr: (f == Family::V4).then(|| "0.0.0.0/0".to_owned()),
                    ipv6_cidr: (f == Family::V6).then(|| "::/0".to_owned()),
                    from_port: None,
                    to_port: None,
                    origin: None,
                })
            })
            .collect();
        NaclPolicy::from_entries(&entries)
    }
}
