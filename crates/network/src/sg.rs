//! Security groups: stateful, allow-only, the union of their rules.
//!
//! A packet passes a resource's security groups when any rule of any of its groups admits it;
//! order does not matter and there is no deny. Return traffic of an admitted connection always
//! passes (stateful), so egress rules play no part in inbound reachability.

use rampart_model::network::{Peer, SecurityGroup, SgRule};

use crate::addr::{Family, public_space};
use crate::rules::sg_rule_space;
use crate::space::{Packet, Space, covered_by};

/// The address-block rules of one direction of a group, as boxes.
#[derive(Debug, Clone, Default)]
pub struct SgSpaces {
    /// (box, index of the rule in its list).
    pub spaces: Vec<(Space, usize)>,
    /// Rules that could not be read (index, why).
    pub invalid: Vec<(usize, String)>,
    /// Rules whose peer is a security group or prefix list (index).
    pub non_address: Vec<usize>,
}

impl SgSpaces {
    /// The boxes of a rule list.
    #[must_use]
    pub fn of(rules: &[SgRule]) -> SgSpaces {
        let mut out = SgSpaces::default();
        for (i, r) in rules.iter().enumerate() {
            match sg_rule_space(r) {
                Ok(Some(s)) => out.spaces.push((s, i)),
                Ok(None) => out.non_address.push(i),
                Err(e) => out.invalid.push((i, e.to_string())),
            }
        }
        out
    }

    /// Whether the union admits the packet (address peers only).
    #[must_use]
    pub fn admits(&self, p: &Packet) -> bool {
        self.spaces.iter().any(|(s, _)| s.contains(p))
    }

    /// Whether the union admits `traffic` (protocols × ports) from *every* public address of
    /// `family`: the group is open to the internet for it, whether through one `0.0.0.0/0` rule
    /// or several rules that add up to it.
    #[must_use]
    pub fn open_to_internet(&self, family: Family, protos: (u8, u8), ports: (u16, u16)) -> bool {
        let want = Space {
            family,
            addr: (0, family.max()),
            proto: protos,
            port: ports,
        };
        let relevant: Vec<Space> = self
            .spaces
            .iter()
            .filter_map(|(s, _)| s.intersect(&want))
            .collect();
        if relevant.is_empty() {
            return false;
        }
        public_space(family).iter().copied().all(|addr| {
            let b = Space {
                family,
                addr,
                proto: protos,
                port: ports,
            };
            covered_by(&b, relevant.iter())
        })
    }

    /// The rules that admit some of `traffic` from public addresses of `family` (evidence).
    #[must_use]
    pub fn rules_touching(
        &self,
        family: Family,
        protos: (u8, u8),
        ports: (u16, u16),
    ) -> Vec<usize> {
        let public = public_space(family);
        let mut out: Vec<usize> = self
            .spaces
            .iter()
            .filter(|(s, _)| {
                s.family == family
                    && public.iter().any(|addr| {
                        s.intersect(&Space {
                            family,
                            addr: *addr,
                            proto: protos,
                            port: ports,
                        })
                        .is_some()
                    })
            })
            .map(|(_, i)| *i)
            .collect();
        out.dedup();
        out
    }
}

/// A group's ingress and egress, as boxes.
#[derive(Debug, Clone)]
pub struct SgPolicy {
    /// Inbound.
    pub ingress: SgSpaces,
    /// Outbound.
    pub egress: SgSpaces,
}

impl SgPolicy {
    /// Analyses a group.
    #[must_use]
    pub fn new(sg: &SecurityGroup) -> SgPolicy {
        SgPolicy {
            ingress: SgSpaces::of(&sg.ingress),
            egress: SgSpaces::of(&sg.egress),
        }
    }
}

/// The security groups a rule list references (`sg-…` peers), for "used by" questions.
pub fn referenced_groups(rules: &[SgRule]) -> impl Iterator<Item = &str> {
    rules.iter().filter_map(|r| match &r.peer {
        Peer::SecurityGroup(g) => Some(g.rsplit('/').next().unwrap_or(g)),
        _ => None,
    })
}

/// Rules of a list that are covered entirely by the union of the *other* address rules of the
/// same list (they add nothing). Exact duplicates report only the later copy.
#[must_use]
pub fn subsumed_rules(spaces: &SgSpaces) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    for (k, (s, i)) in spaces.spaces.iter().enumerate() {
        let others: Vec<&(Space, usize)> = spaces
            .spaces
            .iter()
            .enumerate()
            .filter(|(j, (o, _))| *j != k && !(o == s && *j > k))
            .map(|(_, x)| x)
            .filter(|(o, _)| o.intersect(s).is_some())
            .collect();
        if !others.is_empty() && covered_by(s, others.iter().map(|(o, _)| o)) {
            out.push((*i, others.iter().map(|(_, j)| *j).collect()));
        }
    }
    out
}
