//! Addresses as numbers: CIDR parsing, interval sets, and the public address space.
//!
//! Both families are held as `u128` so one set of interval operations serves IPv4 and IPv6; the
//! [`Family`] says how to read the number back.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::NetworkError;

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// Both families.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// The largest address.
    #[must_use]
    pub fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }

    /// Address width in bits.
    #[must_use]
    pub fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// `0.0.0.0/0` or `::/0`.
    #[must_use]
    pub fn anywhere(self) -> &'static str {
        match self {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        }
    }
}

/// A parsed CIDR block: the inclusive address interval it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// The family.
    pub family: Family,
    /// First address.
    pub lo: u128,
    /// Last address.
    pub hi: u128,
    /// Prefix length.
    pub prefix: u32,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a host route). Host bits are masked off,
    /// as AWS does when it stores a rule.
    ///
    /// # Errors
    /// A malformed address or prefix length.
    pub fn parse(text: &str) -> Result<Cidr, NetworkError> {
        let bad = || NetworkError::Cidr(text.to_owned());
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u32>().map_err(|_| bad())?)),
            None => (text.trim(), None),
        };
        let (family, value) = if let Ok(v4) = addr.parse::<Ipv4Addr>() {
            (Family::V4, u128::from(u32::from(v4)))
        } else if let Ok(v6) = addr.parse::<Ipv6Addr>() {
            (Family::V6, u128::from(v6))
        } else {
            return Err(bad());
        };
        let prefix = prefix.unwrap_or(family.bits());
        if prefix > family.bits() {
            return Err(bad());
        }
        let host_bits = family.bits() - prefix;
        let host_mask = if host_bits == 0 {
            0
        } else {
            u128::MAX >> (128 - host_bits)
        };
        let lo = value & !host_mask;
        Ok(Cidr {
            family,
            lo,
            hi: lo | host_mask,
            prefix,
        })
    }

    /// Parses a CIDR that must be of `family`.
    ///
    /// # Errors
    /// A malformed CIDR or one of the other family.
    pub fn parse_in(text: &str, family: Family) -> Result<Cidr, NetworkError> {
        let c = Cidr::parse(text)?;
        if c.family == family {
            Ok(c)
        } else {
            Err(NetworkError::Family(text.to_owned()))
        }
    }

    /// Whether this is the whole address space of its family.
    #[must_use]
    pub fn is_anywhere(&self) -> bool {
        self.prefix == 0
    }
}

/// Formats one address.
#[must_use]
pub fn format_addr(family: Family, value: u128) -> String {
    match family {
        Family::V4 => Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)).to_string(),
        Family::V6 => Ipv6Addr::from(value).to_string(),
    }
}

/// The smallest list of CIDR blocks covering exactly `[lo, hi]`.
#[must_use]
pub fn interval_to_cidrs(family: Family, lo: u128, hi: u128) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = lo;
    let bits = family.bits();
    loop {
        // The largest aligned block starting at `cur` that does not pass `hi`.
        let mut size_bits = if cur == 0 {
            bits
        } else {
            cur.trailing_zeros().min(bits)
        };
        while size_bits > 0 {
            let last = cur.checked_add(span(size_bits));
            if last.is_some_and(|l| l <= hi) {
                break;
            }
            size_bits -= 1;
        }
        out.push(format!("{}/{}", format_addr(family, cur), bits - size_bits));
        let last = cur + span(size_bits);
        if last >= hi {
            break;
        }
        cur = last + 1;
    }
    out
}

/// The number of addresses in a block of `bits` host bits, minus one.
fn span(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// Formats an interval set as CIDR blocks, at most `limit` of them (then "and N more").
#[must_use]
pub fn describe_intervals(family: Family, intervals: &[(u128, u128)], limit: usize) -> String {
    let all: Vec<String> = intervals
        .iter()
        .flat_map(|&(lo, hi)| interval_to_cidrs(family, lo, hi))
        .collect();
    if all.len() <= limit {
        all.join(", ")
    } else {
        format!("{} and {} more", all[..limit].join(", "), all.len() - limit)
    }
}

/// Sorts and merges overlapping or adjacent intervals.
#[must_use]
pub fn normalize(mut v: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    v.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// `a` minus `b`; both normalized, the result normalized.
#[must_use]
pub fn subtract(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    for &(lo, hi) in a {
        let mut cur = lo;
        let mut done = false;
        for &(blo, bhi) in b {
            if bhi < cur || blo > hi {
                continue;
            }
            if blo > cur {
                out.push((cur, blo - 1));
            }
            if bhi >= hi {
                done = true;
                break;
            }
            cur = bhi + 1;
        }
        if !done {
            out.push((cur, hi));
        }
    }
    out
}

/// `a` ∩ `b`; both normalized.
#[must_use]
pub fn intersect(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if lo <= hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Address blocks that are not reachable from the public internet (RFC 6890 special-purpose
/// blocks that are not globally routed).
const NON_PUBLIC_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/3",
];

/// The public (internet-routable) address space of `family`, as normalized intervals.
///
/// IPv4: everything but the special-purpose blocks (private, shared, loopback, link-local,
/// documentation, multicast and reserved). The documentation ranges are *kept* public on purpose:
/// examples and fixtures use them to stand for "some internet address", so they are treated as
/// internet sources. IPv6: the global unicast block `2000::/3`.
#[must_use]
pub fn public_space(family: Family) -> &'static [(u128, u128)] {
    static V4: std::sync::OnceLock<Vec<(u128, u128)>> = std::sync::OnceLock::new();
    static V6: std::sync::OnceLock<Vec<(u128, u128)>> = std::sync::OnceLock::new();
    match family {
        Family::V4 => V4.get_or_init(|| compute_public_space(family)),
        Family::V6 => V6.get_or_init(|| compute_public_space(family)),
    }
}

fn compute_public_space(family: Family) -> Vec<(u128, u128)> {
    match family {
        Family::V4 => {
            let reserved: Vec<(u128, u128)> = NON_PUBLIC_V4
                .iter()
                .filter(|c| !matches!(**c, "192.0.2.0/24" | "198.51.100.0/24" | "203.0.113.0/24"))
                .filter_map(|c| Cidr::parse(c).ok())
                .map(|c| (c.lo, c.hi))
                .collect();
            subtract(&[(0, Family::V4.max())], &normalize(reserved))
        }
        Family::V6 => {
            let lo = 0x2000u128 << 112;
            let hi = lo | (u128::MAX >> 3);
            vec![(lo, hi)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_masks() {
        let c = Cidr::parse("10.1.2.3/8").expect("cidr");
        assert_eq!((c.lo, c.hi), (10 << 24, (10 << 24) | 0x00ff_ffff));
        let any = Cidr::parse("0.0.0.0/0").expect("cidr");
        assert!(any.is_anywhere());
        assert_eq!(any.hi, u128::from(u32::MAX));
        let v6 = Cidr::parse("::/0").expect("cidr");
        assert_eq!((v6.lo, v6.hi), (0, u128::MAX));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("nonsense").is_err());
        assert!(Cidr::parse_in("::/0", Family::V4).is_err());
    }

    #[test]
    fn cidr_round_trip() {
        let c = Cidr::parse("203.0.113.0/24").expect("cidr");
        assert_eq!(
            interval_to_cidrs(Family::V4, c.lo, c.hi),
            vec!["203.0.113.0/24"]
        );
        assert_eq!(
            interval_to_cidrs(Family::V4, 0, Family::V4.max()),
            vec!["0.0.0.0/0"]
        );
        assert_eq!(interval_to_cidrs(Family::V6, 0, u128::MAX), vec!["::/0"]);
        assert_eq!(
            interval_to_cidrs(Family::V4, 1, 2),
            vec!["0.0.0.1/32", "0.0.0.2/32"]
        );
    }

    #[test]
    fn interval_algebra() {
        let a = normalize(vec![(0, 10), (5, 20), (30, 40)]);
        assert_eq!(a, vec![(0, 20), (30, 40)]);
        assert_eq!(subtract(&a, &[(5, 35)]), vec![(0, 4), (36, 40)]);
        assert_eq!(intersect(&a, &[(15, 32)]), vec![(15, 20), (30, 32)]);
        let public = public_space(Family::V4);
        let ten = Cidr::parse("10.0.0.0/8").expect("cidr");
        assert!(intersect(public, &[(ten.lo, ten.hi)]).is_empty());
        let doc = Cidr::parse("203.0.113.0/24").expect("cidr");
        assert_eq!(
            intersect(public, &[(doc.lo, doc.hi)]),
            vec![(doc.lo, doc.hi)]
        );
    }
}
