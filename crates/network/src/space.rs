//! The packet space, and boxes in it.
//!
//! A packet, as far as security groups and network ACLs can tell, is a family, a peer address
//! (source on the way in, destination on the way out), an IP protocol number and a "port": the
//! TCP/UDP port, or for ICMP the type and code packed as `type << 8 | code`. Protocols without
//! ports match on every port value, so they never split. A rule covers a [`Space`]: a box that is
//! an interval in each of the three dimensions. Sets of packets are lists of boxes.

use crate::addr::Family;

/// IANA protocol numbers that matter here.
pub mod proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;

    /// Whether a protocol has ports.
    #[must_use]
    pub fn has_ports(p: u8) -> bool {
        p == TCP || p == UDP
    }

    /// A protocol's usual name.
    #[must_use]
    pub fn name(p: u8) -> String {
        match p {
            TCP => "tcp".into(),
            UDP => "udp".into(),
            ICMP => "icmp".into(),
            ICMPV6 => "icmpv6".into(),
            n => format!("protocol {n}"),
        }
    }
}

/// One packet (or one connection's first packet), seen from the resource's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Packet {
    /// Family.
    pub family: Family,
    /// The peer address (source of inbound traffic, destination of outbound traffic).
    pub addr: u128,
    /// IP protocol number.
    pub proto: u8,
    /// Destination port (TCP/UDP), `type << 8 | code` (ICMP), anything for other protocols.
    pub port: u16,
}

/// A box of packets: an interval in address, protocol and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Space {
    /// Family.
    pub family: Family,
    /// Address interval (inclusive).
    pub addr: (u128, u128),
    /// Protocol interval (inclusive).
    pub proto: (u8, u8),
    /// Port interval (inclusive).
    pub port: (u16, u16),
}

fn meet<T: Ord + Copy>(a: (T, T), b: (T, T)) -> Option<(T, T)> {
    let lo = a.0.max(b.0);
    let hi = a.1.min(b.1);
    (lo <= hi).then_some((lo, hi))
}

impl Space {
    /// Every packet of a family.
    #[must_use]
    pub fn full(family: Family) -> Space {
        Space {
            family,
            addr: (0, family.max()),
            proto: (0, 255),
            port: (0, 65535),
        }
    }

    /// Whether the packet is in the box.
    #[must_use]
    pub fn contains(&self, p: &Packet) -> bool {
        self.family == p.family
            && (self.addr.0..=self.addr.1).contains(&p.addr)
            && (self.proto.0..=self.proto.1).contains(&p.proto)
            && (self.port.0..=self.port.1).contains(&p.port)
    }

    /// The intersection, if not empty.
    #[must_use]
    pub fn intersect(&self, o: &Space) -> Option<Space> {
        if self.family != o.family {
            return None;
        }
        Some(Space {
            family: self.family,
            addr: meet(self.addr, o.addr)?,
            proto: meet(self.proto, o.proto)?,
            port: meet(self.port, o.port)?,
        })
    }

    /// Whether `o` lies entirely inside `self`.
    #[must_use]
    pub fn covers(&self, o: &Space) -> bool {
        self.family == o.family
            && self.addr.0 <= o.addr.0
            && o.addr.1 <= self.addr.1
            && self.proto.0 <= o.proto.0
            && o.proto.1 <= self.proto.1
            && self.port.0 <= o.port.0
            && o.port.1 <= self.port.1
    }

    /// `self` minus `o`, as at most six disjoint boxes.
    #[must_use]
    pub fn minus(&self, o: &Space) -> Vec<Space> {
        let Some(i) = self.intersect(o) else {
            return vec![*self];
        };
        let mut out = Vec::new();
        // Slice off address ranges outside the intersection, then protocols, then ports.
        if self.addr.0 < i.addr.0 {
            out.push(Space {
                addr: (self.addr.0, i.addr.0 - 1),
                ..*self
            });
        }
        if i.addr.1 < self.addr.1 {
            out.push(Space {
                addr: (i.addr.1 + 1, self.addr.1),
                ..*self
            });
        }
        let slab = Space {
            addr: i.addr,
            ..*self
        };
        if slab.proto.0 < i.proto.0 {
            out.push(Space {
                proto: (slab.proto.0, i.proto.0 - 1),
                ..slab
            });
        }
        if i.proto.1 < slab.proto.1 {
            out.push(Space {
                proto: (i.proto.1 + 1, slab.proto.1),
                ..slab
            });
        }
        let bar = Space {
            proto: i.proto,
            ..slab
        };
        if bar.port.0 < i.port.0 {
            out.push(Space {
                port: (bar.port.0, i.port.0 - 1),
                ..bar
            });
        }
        if i.port.1 < bar.port.1 {
            out.push(Space {
                port: (i.port.1 + 1, bar.port.1),
                ..bar
            });
        }
        out
    }

    /// Number of packets (saturating), for "how much is left" questions.
    #[must_use]
    pub fn volume(&self) -> u128 {
        let a = (self.addr.1 - self.addr.0).saturating_add(1);
        let p = u128::from(self.proto.1 - self.proto.0) + 1;
        let q = u128::from(self.port.1 - self.port.0) + 1;
        a.saturating_mul(p).saturating_mul(q)
    }
}

/// Every box of `set` minus `cut`.
#[must_use]
pub fn minus_all(set: &[Space], cut: &Space) -> Vec<Space> {
    let mut out = Vec::with_capacity(set.len());
    for s in set {
        if s.intersect(cut).is_some() {
            out.extend(s.minus(cut));
        } else {
            out.push(*s);
        }
    }
    out
}

/// Whether the union of `others` covers `b` entirely.
#[must_use]
pub fn covered_by<'a>(b: &Space, others: impl IntoIterator<Item = &'a Space>) -> bool {
    let mut rest = vec![*b];
    for o in others {
        rest = minus_all(&rest, o);
        if rest.is_empty() {
            return true;
        }
    }
    rest.is_empty()
}

/// Describes the traffic of a protocol and port interval (`tcp 22`, `udp 1024-65535`, `all
/// traffic`).
#[must_use]
pub fn describe_traffic(protos: (u8, u8), ports: (u16, u16)) -> String {
    if protos == (0, 255) && ports == (0, 65535) {
        return "all traffic".into();
    }
    if protos.0 != protos.1 {
        let range = format!("protocols {}-{}", protos.0, protos.1);
        return if ports == (0, 65535) {
            range
        } else {
            format!("{range} ports {}-{}", ports.0, ports.1)
        };
    }
    let p = protos.0;
    let name = proto::name(p);
    if proto::has_ports(p) {
        if ports.0 == ports.1 {
            format!("{name} {}", ports.0)
        } else if ports == (0, 65535) {
            format!("{name} all ports")
        } else {
            format!("{name} {}-{}", ports.0, ports.1)
        }
    } else if (p == proto::ICMP || p == proto::ICMPV6) && ports != (0, 65535) {
        let (t0, t1) = (ports.0 >> 8, ports.1 >> 8);
        if t0 == t1 {
            format!("{name} type {t0}")
        } else {
            format!("{name} types {t0}-{t1}")
        }
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(addr: (u128, u128), proto: (u8, u8), port: (u16, u16)) -> Space {
        Space {
            family: Family::V4,
            addr,
            proto,
            port,
        }
    }

    #[test]
    fn minus_partitions() {
        let a = b((0, 100), (0, 255), (0, 65535));
        let c = b((10, 20), (6, 6), (22, 22));
        let parts = a.minus(&c);
        assert_eq!(parts.len(), 6);
        let total: u128 = parts.iter().map(Space::volume).sum();
        assert_eq!(total + c.volume(), a.volume());
        for p in &parts {
            assert!(p.intersect(&c).is_none());
            assert!(a.covers(p));
        }
        assert!(covered_by(&a, [&c].into_iter().chain(parts.iter())));
        assert!(!covered_by(&a, parts.iter()));
    }

    #[test]
    fn describes() {
        assert_eq!(describe_traffic((0, 255), (0, 65535)), "all traffic");
        assert_eq!(describe_traffic((6, 6), (22, 22)), "tcp 22");
        assert_eq!(describe_traffic((17, 17), (1024, 65535)), "udp 1024-65535");
        assert_eq!(describe_traffic((1, 1), (0, 65535)), "icmp");
    }
}
