//! Security group rules and network ACL entries as boxes of the packet space.
//!
//! AWS's rules, exactly: protocol `-1` means every protocol and every port (any ports given are
//! ignored); TCP and UDP rules match their port range (`-1` or absent: all ports); ICMP and
//! ICMPv6 security group rules match a type (`from_port`) and code (`to_port`), `-1` meaning all;
//! any other protocol number matches all of that protocol's traffic. Network ACL entries in the
//! Inventory carry no ICMP type/code, so an ICMP entry matches all ICMP.

use rampart_model::network::{NaclEntry, Peer, SgRule};

use crate::NetworkError;
use crate::addr::{Cidr, Family};
use crate::space::{Space, proto};

/// A rule's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtoSel {
    /// Every protocol (`-1`).
    All,
    /// One protocol number.
    Num(u8),
}

/// Parses a protocol as AWS writes it: `-1`/`all`, a name (`tcp`, `udp`, `icmp`, `icmpv6`) or a
/// number.
///
/// # Errors
/// An unknown name or a number out of range.
pub fn parse_protocol(text: &str) -> Result<ProtoSel, NetworkError> {
    let t = text.trim().to_ascii_lowercase();
    Ok(match t.as_str() {
        "-1" | "all" => ProtoSel::All,
        "tcp" => ProtoSel::Num(proto::TCP),
        "udp" => ProtoSel::Num(proto::UDP),
        "icmp" => ProtoSel::Num(proto::ICMP),
        "icmpv6" | "58" => ProtoSel::Num(proto::ICMPV6),
        _ => ProtoSel::Num(
            t.parse::<u8>()
                .map_err(|_| NetworkError::Protocol(text.to_owned()))?,
        ),
    })
}

fn port_range(from: Option<i32>, to: Option<i32>) -> Result<(u16, u16), NetworkError> {
    let bad = || NetworkError::Ports(format!("{from:?}..{to:?}"));
    match (from, to) {
        (None | Some(-1), None | Some(-1)) => Ok((0, 65535)),
        (Some(f), t) => {
            let t = t.filter(|t| *t != -1).unwrap_or(f);
            let f = u16::try_from(f).map_err(|_| bad())?;
            let t = u16::try_from(t).map_err(|_| bad())?;
            if f > t { Err(bad()) } else { Ok((f, t)) }
        }
        (None, Some(t)) => {
            let t = u16::try_from(t).map_err(|_| bad())?;
            Ok((t, t))
        }
    }
}

fn icmp_range(ty: Option<i32>, code: Option<i32>) -> Result<(u16, u16), NetworkError> {
    let bad = || NetworkError::Ports(format!("icmp type {ty:?} code {code:?}"));
    match ty {
        None | Some(-1) => Ok((0, 65535)),
        Some(t) => {
            let t = u8::try_from(t).map_err(|_| bad())?;
            let base = u16::from(t) << 8;
            match code {
                None | Some(-1) => Ok((base, base | 0xff)),
                Some(c) => {
                    let c = u8::try_from(c).map_err(|_| bad())?;
                    Ok((base | u16::from(c), base | u16::from(c)))
                }
            }
        }
    }
}

/// A protocol interval and a port interval.
pub type Traffic = ((u8, u8), (u16, u16));

/// The protocol and port dimensions of a security group rule.
///
/// # Errors
/// An unknown protocol or malformed ports.
pub fn sg_traffic(rule: &SgRule) -> Result<Traffic, NetworkError> {
    Ok(match parse_protocol(&rule.protocol)? {
        ProtoSel::All => ((0, 255), (0, 65535)),
        ProtoSel::Num(p) if proto::has_ports(p) => {
            ((p, p), port_range(rule.from_port, rule.to_port)?)
        }
        ProtoSel::Num(p) if p == proto::ICMP || p == proto::ICMPV6 => {
            ((p, p), icmp_range(rule.from_port, rule.to_port)?)
        }
        ProtoSel::Num(p) => ((p, p), (0, 65535)),
    })
}

/// The packets a security group rule admits, when its peer is an address block; `None` for
/// prefix-list and security-group peers (which name no address block here).
///
/// # Errors
/// A malformed CIDR, protocol or port range.
pub fn sg_rule_space(rule: &SgRule) -> Result<Option<Space>, NetworkError> {
    let (protos, ports) = sg_traffic(rule)?;
    let cidr = match &rule.peer {
        Peer::Cidr4(c) => Cidr::parse_in(c, Family::V4)?,
        Peer::Cidr6(c) => Cidr::parse_in(c, Family::V6)?,
        Peer::PrefixList(_) | Peer::SecurityGroup(_) => return Ok(None),
    };
    Ok(Some(Space {
        family: cidr.family,
        addr: (cidr.lo, cidr.hi),
        proto: protos,
        port: ports,
    }))
}

/// The packets a network ACL entry matches.
///
/// # Errors
/// A missing or malformed CIDR, an unknown protocol, malformed ports.
pub fn nacl_entry_space(e: &NaclEntry) -> Result<Space, NetworkError> {
    let cidr = match (&e.cidr, &e.ipv6_cidr) {
        (Some(c), None) => Cidr::parse_in(c, Family::V4)?,
        (None, Some(c)) => Cidr::parse_in(c, Family::V6)?,
        _ => return Err(NetworkError::EntryCidr(e.rule_number)),
    };
    let (protos, ports) = match parse_protocol(&e.protocol)? {
        ProtoSel::All => ((0, 255), (0, 65535)),
        ProtoSel::Num(p) if proto::has_ports(p) => ((p, p), port_range(e.from_port, e.to_port)?),
        ProtoSel::Num(p) => ((p, p), (0, 65535)),
    };
    Ok(Space {
        family: cidr.family,
        addr: (cidr.lo, cidr.hi),
        proto: protos,
        port: ports,
    })
}

/// Describes a security group rule in one line (`tcp 22 from 0.0.0.0/0`).
#[must_use]
pub fn describe_sg_rule(rule: &SgRule, ingress: bool) -> String {
    let traffic = match sg_traffic(rule) {
        Ok((p, q)) => crate::space::describe_traffic(p, q),
        Err(_) => format!(
            "protocol `{}` ports {:?}-{:?}",
            rule.protocol, rule.from_port, rule.to_port
        ),
    };
    let peer = match &rule.peer {
        Peer::Cidr4(c) | Peer::Cidr6(c) | Peer::PrefixList(c) | Peer::SecurityGroup(c) => {
            c.as_str()
        }
    };
    format!("{traffic} {} {peer}", if ingress { "from" } else { "to" })
}

/// Describes a network ACL entry in one line (`100 deny all traffic from 0.0.0.0/0`).
#[must_use]
pub fn describe_nacl_entry(e: &NaclEntry) -> String {
    let traffic = match nacl_entry_space(e) {
        Ok(s) => crate::space::describe_traffic(s.proto, s.port),
        Err(_) => format!("protocol `{}`", e.protocol),
    };
    let action = match e.action {
        rampart_model::network::RuleAction::Allow => "allow",
        rampart_model::network::RuleAction::Deny => "deny",
    };
    let peer = e.cidr.as_deref().or(e.ipv6_cidr.as_deref()).unwrap_or("?");
    let rule = if e.rule_number >= 32767 {
        "*".to_owned()
    } else {
        e.rule_number.to_string()
    };
    format!(
        "{rule} {action} {traffic} {} {peer}",
        if e.egress { "to" } else { "from" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::network::RuleAction;

    fn sg(protocol: &str, from: Option<i32>, to: Option<i32>, peer: Peer) -> SgRule {
        SgRule {
            protocol: protocol.into(),
            from_port: from,
            to_port: to,
            peer,
            description: None,
            origin: None,
        }
    }

    #[test]
    fn sg_semantics() {
        let s = sg_rule_space(&sg(
            "tcp",
            Some(22),
            Some(22),
            Peer::Cidr4("0.0.0.0/0".into()),
        ))
        .expect("ok")
        .expect("space");
        assert_eq!((s.proto, s.port), ((6, 6), (22, 22)));
        let s = sg_rule_space(&sg("-1", Some(22), Some(22), Peer::Cidr6("::/0".into())))
            .expect("ok")
            .expect("space");
        assert_eq!(
            (s.proto, s.port, s.family),
            ((0, 255), (0, 65535), Family::V6)
        );
        let s = sg_rule_space(&sg(
            "icmp",
            Some(8),
            Some(-1),
            Peer::Cidr4("10.0.0.0/8".into()),
        ))
        .expect("ok")
        .expect("space");
        assert_eq!(s.port, (8 << 8, (8 << 8) | 255));
        let s = sg_rule_space(&sg(
            "50",
            Some(1),
            Some(2),
            Peer::Cidr4("10.0.0.0/8".into()),
        ))
        .expect("ok")
        .expect("space");
        assert_eq!(s.port, (0, 65535));
        assert!(
            sg_rule_space(&sg("tcp", None, None, Peer::SecurityGroup("sg-1".into())))
                .expect("ok")
                .is_none()
        );
        assert!(
            sg_rule_space(&sg(
                "tcp",
                Some(30),
                Some(20),
                Peer::Cidr4("0.0.0.0/0".into())
            ))
            .is_err()
        );
        assert!(sg_rule_space(&sg("bogus", None, None, Peer::Cidr4("0.0.0.0/0".into()))).is_err());
        assert!(sg_rule_space(&sg("tcp", None, None, Peer::Cidr4("::/0".into()))).is_err());
    }

    #[test]
    fn nacl_semantics() {
        let e = NaclEntry {
            rule_number: 100,
            egress: false,
            protocol: "6".into(),
            action: RuleAction::Allow,
            cidr: Some("0.0.0.0/0".into()),
            ipv6_cidr: None,
            from_port: Some(1024),
            to_port: Some(65535),
            origin: None,
        };
        let s = nacl_entry_space(&e).expect("space");
        assert_eq!((s.proto, s.port), ((6, 6), (1024, 65535)));
        assert_eq!(
            describe_nacl_entry(&e),
            "100 allow tcp 1024-65535 from 0.0.0.0/0"
        );
        let none = NaclEntry { cidr: None, ..e };
        assert!(nacl_entry_space(&none).is_err());
    }
}
