//! Internet reachability (`RegionNetwork::exposure`) against an independent reference, IPv4 and
//! IPv6 alike.
//!
//! The reference calls nothing of the crate: it parses CIDRs with `std::net`, keeps its own list
//! of address blocks that are not on the internet, does the longest-prefix route lookup, the
//! first-match NACL walk in rule-number order and the any-rule security-group match itself, one
//! packet at a time, as the VPC documentation describes them:
//! - a packet from the internet reaches an interface when the subnet's route table sends its
//!   source to an internet gateway (longest prefix match; a blackhole route drops it), the
//!   subnet's NACL lets it in (lowest-numbered matching entry decides, else the final deny), the
//!   NACL lets the reply out to some ephemeral port 1024-65535 (NACLs are stateless), and a
//!   security group rule admits it (security groups are stateful: the reply needs no rule);
//! - the interface needs an address of the packet's family: a public IPv4 address, an IPv6
//!   address (IPv6 addresses are global).
//!
//! A deliberately broken reachability function (one that forgets the NACL return path) is run
//! through the same property and must be caught.

use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rampart_model::compute::NetworkInterface;
use rampart_model::network::{
    NaclEntry, NetworkAcl, Peer, Route, RouteTable, RouteTargetKind, RuleAction, SecurityGroup,
    SgRule, Subnet,
};
use rampart_model::{Meta, Region};
use rampart_network::{Family, Packet, RegionNetwork};

// ------------------------------------------------------------------ the reference

/// `(is_v6, lo, hi, prefix)` of a CIDR, by `std::net` alone.
fn cidr(text: &str) -> (bool, u128, u128, u32) {
    let (addr, len) = text.split_once('/').expect("generated CIDR has a prefix");
    let len: u32 = len.parse().expect("prefix");
    if let Ok(v4) = addr.parse::<Ipv4Addr>() {
        let host = (1u128 << (32 - len)) - 1;
        let lo = u128::from(u32::from(v4)) & !host;
        return (false, lo, lo | host, len);
    }
    let v6: Ipv6Addr = addr.parse().expect("an IPv4 or IPv6 address");
    let host = if len == 0 {
        u128::MAX
    } else {
        (1u128 << (128 - len)) - 1
    };
    let lo = u128::from(v6) & !host;
    (true, lo, lo | host, len)
}

fn is_v6(p: &Packet) -> bool {
    p.family == Family::V6
}

fn contains(c: &str, p: &Packet) -> bool {
    let (v6, lo, hi, _) = cidr(c);
    v6 == is_v6(p) && lo <= p.addr && p.addr <= hi
}

/// Not on the internet: RFC 6890 special-purpose IPv4 blocks that are not globally routed. The
/// documentation blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) count as internet
/// addresses, as rampart documents, since examples use them for one. IPv6: only global unicast
/// (2000::/3) is on the internet.
const NOT_INTERNET_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/3",
];

fn from_internet(p: &Packet) -> bool {
    if is_v6(p) {
        contains("2000::/3", p)
    } else {
        !NOT_INTERNET_V4.iter().any(|c| contains(c, p))
    }
}

fn proto_matches(rule: &str, p: u8) -> bool {
    match rule {
        "-1" => true,
        "tcp" => p == 6,
        "udp" => p == 17,
        "icmp" => p == 1,
        "icmpv6" => p == 58,
        n => n.parse::<u8>().is_ok_and(|n| n == p),
    }
}

/// Ports matter for TCP and UDP only (the generators give ICMP rules no type or code).
fn ports_match(rule: &str, from: Option<i32>, to: Option<i32>, p: &Packet) -> bool {
    if !matches!(rule, "tcp" | "udp" | "6" | "17") {
        return true;
    }
    match (from, to) {
        (Some(f), Some(t)) => (f..=t).contains(&i32::from(p.port)),
        _ => true,
    }
}

fn nacl_allows(entries: &[NaclEntry], egress: bool, p: &Packet) -> bool {
    let mut mine: Vec<&NaclEntry> = entries.iter().filter(|e| e.egress == egress).collect();
    mine.sort_by_key(|e| e.rule_number);
    mine.into_iter()
        .find(|e| {
            let c = e.cidr.as_deref().or(e.ipv6_cidr.as_deref()).expect("cidr");
            contains(c, p)
                && proto_matches(&e.protocol, p.proto)
                && ports_match(&e.protocol, e.from_port, e.to_port, p)
        })
        .is_some_and(|e| e.action == RuleAction::Allow)
}

fn sg_admits(rules: &[SgRule], p: &Packet) -> bool {
    rules.iter().any(|r| {
        let c = match &r.peer {
            Peer::Cidr4(c) | Peer::Cidr6(c) => c,
            _ => return false,
        };
        contains(c, p)
            && proto_matches(&r.protocol, p.proto)
            && ports_match(&r.protocol, r.from_port, r.to_port, p)
    })
}

fn route_to_internet(routes: &[Route], p: &Packet) -> bool {
    routes
        .iter()
        .filter(|r| contains(&r.destination, p))
        .max_by_key(|r| cidr(&r.destination).3)
        .is_some_and(|r| r.target_kind == RouteTargetKind::InternetGateway && !r.blackhole)
}

/// The reply leaves on some ephemeral port: the outbound decision only changes at the edges of
/// the outbound entries' port ranges, so those edges (and the range's ends) are enough.
fn reply_allowed(entries: &[NaclEntry], p: &Packet) -> bool {
    if !matches!(p.proto, 6 | 17) {
        return nacl_allows(entries, true, &Packet { port: 0, ..*p });
    }
    let mut ports = vec![1024i32, 65535];
    for e in entries.iter().filter(|e| e.egress) {
        for v in [e.from_port, e.to_port].into_iter().flatten() {
            ports.extend([v - 1, v, v + 1]);
        }
    }
    ports
        .into_iter()
        .filter(|v| (1024..=65535).contains(v))
        .any(|port| {
            let port = u16::try_from(port).expect("in range");
            nacl_allows(entries, true, &Packet { port, ..*p })
        })
}

fn reference(case: &Case, p: &Packet) -> bool {
    from_internet(p)
        && route_to_internet(&case.routes, p)
        && nacl_allows(&case.nacl, false, p)
        && reply_allowed(&case.nacl, p)
        && sg_admits(&case.sg, p)
}

// ------------------------------------------------------------------ the code under test

#[derive(Debug, Clone)]
struct Case {
    nacl: Vec<NaclEntry>,
    sg: Vec<SgRule>,
    routes: Vec<Route>,
    packets: Vec<Packet>,
}

/// A dual-stack interface (public IPv4 and an IPv6 address) in one subnet of one VPC.
fn region_of(case: &Case) -> Region {
    let mut region = Region::new("us-east-1");
    region.subnets.push(Subnet {
        meta: Meta::default(),
        id: "subnet-1".into(),
        vpc_id: "vpc-1".into(),
        cidr: Some("10.0.1.0/24".into()),
        ipv6_cidr: Some("2600:1f18:1:100::/64".into()),
        availability_zone: None,
        map_public_ip_on_launch: true,
    });
    region.route_tables.push(RouteTable {
        meta: Meta::default(),
        id: "rtb-1".into(),
        vpc_id: "vpc-1".into(),
        main: true,
        subnet_ids: vec![],
        routes: case.routes.clone(),
    });
    region.network_acls.push(NetworkAcl {
        meta: Meta::default(),
        id: "acl-1".into(),
        vpc_id: "vpc-1".into(),
        is_default: false,
        subnet_ids: vec!["subnet-1".into()],
        entries: case.nacl.clone(),
    });
    region.security_groups.push(SecurityGroup {
        meta: Meta::default(),
        id: "sg-1".into(),
        group_name: "web".into(),
        description: String::new(),
        vpc_id: Some("vpc-1".into()),
        ingress: case.sg.clone(),
        egress: vec![],
    });
    region.network_interfaces.push(NetworkInterface {
        meta: Meta::default(),
        id: "eni-1".into(),
        subnet_id: "subnet-1".into(),
        vpc_id: "vpc-1".into(),
        security_groups: vec!["sg-1".into()],
        public_ip: Some("198.51.100.10".into()),
        ipv6_addresses: vec!["2600:1f18:1:100::10".into()],
        private_ips: vec!["10.0.1.10".into()],
        instance_id: None,
        interface_type: "interface".into(),
        description: String::new(),
    });
    region
}

/// rampart's answer for every packet of the case.
fn rampart_reach(case: &Case) -> Vec<bool> {
    let region = region_of(case);
    let net = RegionNetwork::new(&region);
    let targets = net.targets();
    assert_eq!(targets.len(), 1);
    let exposure = net.exposure(&targets[0]);
    case.packets
        .iter()
        .map(|p| exposure.exposures.iter().any(|e| e.contains(p)))
        .collect()
}

/// A deliberately broken reachability: rampart's, on the same case with the outbound NACL
/// entries replaced by "allow all", i.e. forgetting that NACLs are stateless.
fn broken_reach(case: &Case) -> Vec<bool> {
    let mut forgetful = case.clone();
    forgetful.nacl.retain(|e| !e.egress);
    for (cidr, v6) in [("0.0.0.0/0", false), ("::/0", true)] {
        forgetful.nacl.push(NaclEntry {
            rule_number: 1,
            egress: true,
            protocol: "-1".into(),
            action: RuleAction::Allow,
            cidr: (!v6).then(|| cidr.into()),
            ipv6_cidr: v6.then(|| cidr.into()),
            from_port: None,
            to_port: None,
            origin: None,
        });
    }
    rampart_reach(&forgetful)
}

// ------------------------------------------------------------------ generators

const V4_BASES: &[&str] = &[
    "0.0.0.0",
    "10.0.0.0",
    "8.8.8.0",
    "23.227.38.0",
    "203.0.113.0",
];
const V6_BASES: &[&str] = &["::", "2001:db8::", "2600:1f18::", "2a05:d018::", "fd00::"];
const V4_PREFIXES: &[u32] = &[0, 1, 8, 16, 24, 28, 32];
const V6_PREFIXES: &[u32] = &[0, 3, 16, 32, 48, 64, 128];
const NACL_PROTOS: &[&str] = &["-1", "6", "17", "1", "58"];
const SG_PROTOS: &[&str] = &["-1", "tcp", "udp", "icmp", "icmpv6", "6", "58"];
const PORTS: &[i32] = &[0, 22, 80, 443, 1023, 1024, 3306, 32768, 65535];

fn any_cidr() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..V4_BASES.len(), 0..V4_PREFIXES.len())
            .prop_map(|(b, p)| format!("{}/{}", V4_BASES[b], V4_PREFIXES[p])),
        (0..V6_BASES.len(), 0..V6_PREFIXES.len())
            .prop_map(|(b, p)| format!("{}/{}", V6_BASES[b], V6_PREFIXES[p])),
    ]
}

fn port_pair() -> impl Strategy<Value = (Option<i32>, Option<i32>)> {
    (0..PORTS.len(), 0..PORTS.len()).prop_map(|(a, b)| {
        let (a, b) = (PORTS[a].min(PORTS[b]), PORTS[a].max(PORTS[b]));
        (Some(a), Some(b))
    })
}

fn ported(proto: &str) -> bool {
    matches!(proto, "tcp" | "udp" | "6" | "17")
}

fn nacl() -> impl Strategy<Value = Vec<NaclEntry>> {
    let entry = (
        any::<bool>(),
        0..NACL_PROTOS.len(),
        prop::bool::weighted(0.7),
        any_cidr(),
        port_pair(),
    );
    (
        prop::collection::vec(entry, 0..8),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
    )
        .prop_map(|(raw, backbone_in, backbone_out)| {
            let mut out: Vec<NaclEntry> = Vec::new();
            for (i, (egress, proto, allow, c, (from, to))) in raw.into_iter().enumerate() {
                let proto = NACL_PROTOS[proto];
                let v6 = c.contains(':');
                out.push(NaclEntry {
                    rule_number: i32::try_from(i).expect("small") * 10 + 10,
                    egress,
                    protocol: proto.into(),
                    action: if allow {
                        RuleAction::Allow
                    } else {
                        RuleAction::Deny
                    },
                    cidr: (!v6).then(|| c.clone()),
                    ipv6_cidr: v6.then_some(c),
                    from_port: if ported(proto) { from } else { None },
                    to_port: if ported(proto) { to } else { None },
                    origin: None,
                });
            }
            // Allow-everything entries behind the random ones (as AWS's default NACL has), so
            // that the random entries act as exceptions and packets get through.
            for (egress, on) in [(false, backbone_in), (true, backbone_out)] {
                if !on {
                    continue;
                }
                for (rule_number, c, v6) in [(1000, "0.0.0.0/0", false), (1001, "::/0", true)] {
                    out.push(NaclEntry {
                        rule_number,
                        egress,
                        protocol: "-1".into(),
                        action: RuleAction::Allow,
                        cidr: (!v6).then(|| c.into()),
                        ipv6_cidr: v6.then(|| c.into()),
                        from_port: None,
                        to_port: None,
                        origin: None,
                    });
                }
            }
            out
        })
}

fn sg() -> impl Strategy<Value = Vec<SgRule>> {
    let rule = (0..SG_PROTOS.len(), any_cidr(), port_pair()).prop_map(|(p, c, (from, to))| {
        let proto = SG_PROTOS[p];
        SgRule {
            protocol: proto.into(),
            from_port: if ported(proto) { from } else { None },
            to_port: if ported(proto) { to } else { None },
            peer: if c.contains(':') {
                Peer::Cidr6(c)
            } else {
                Peer::Cidr4(c)
            },
            description: None,
            origin: None,
        }
    });
    // Often a wide rule too (all traffic from anywhere of one family), as web tiers have.
    let wide = prop::option::weighted(
        0.7,
        prop::sample::select(vec!["0.0.0.0/0", "::/0"]).prop_map(|c| SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: if c.contains(':') {
                Peer::Cidr6(c.into())
            } else {
                Peer::Cidr4(c.into())
            },
            description: None,
            origin: None,
        }),
    );
    (prop::collection::vec(rule, 0..6), wide, wide_twin()).prop_map(|(mut r, w, both)| {
        r.extend(w);
        r.extend(both);
        r
    })
}

/// Sometimes a rule open to all of IPv6 as well.
fn wide_twin() -> impl Strategy<Value = Option<SgRule>> {
    prop::option::weighted(
        0.5,
        Just(SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: Peer::Cidr6("::/0".into()),
            description: None,
            origin: None,
        }),
    )
}

fn routes() -> impl Strategy<Value = Vec<Route>> {
    let kinds = prop::sample::select(vec![
        RouteTargetKind::InternetGateway,
        RouteTargetKind::InternetGateway,
        RouteTargetKind::NatGateway,
        RouteTargetKind::EgressOnlyInternetGateway,
        RouteTargetKind::VpcPeering,
    ]);
    (
        prop::collection::vec((any_cidr(), kinds, prop::bool::weighted(0.1)), 0..5),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
    )
        .prop_map(|(random, default4, default6)| {
            let mut out = vec![
                Route {
                    destination: "10.0.0.0/16".into(),
                    target_kind: RouteTargetKind::Local,
                    target: "local".into(),
                    blackhole: false,
                },
                Route {
                    destination: "2600:1f18:1::/56".into(),
                    target_kind: RouteTargetKind::Local,
                    target: "local".into(),
                    blackhole: false,
                },
            ];
            if default4 {
                out.push(igw("0.0.0.0/0"));
            }
            if default6 {
                out.push(igw("::/0"));
            }
            for (destination, target_kind, blackhole) in random {
                // A route table holds one route per destination.
                if out
                    .iter()
                    .any(|r| cidr(&r.destination) == cidr(&destination))
                {
                    continue;
                }
                out.push(Route {
                    destination,
                    target_kind,
                    target: "gw-1".into(),
                    blackhole,
                });
            }
            out
        })
}

fn igw(destination: &str) -> Route {
    Route {
        destination: destination.into(),
        target_kind: RouteTargetKind::InternetGateway,
        target: "igw-1".into(),
        blackhole: false,
    }
}

fn packet() -> impl Strategy<Value = Packet> {
    let v4 = prop_oneof![
        any::<u32>().prop_map(u128::from),
        (0..V4_BASES.len(), 0u32..512)
            .prop_map(|(b, low)| cidr(&format!("{}/32", V4_BASES[b])).1 + u128::from(low)),
    ]
    .prop_map(|addr| (Family::V4, addr));
    let v6 = prop_oneof![
        1 => any::<u128>(),
        3 => any::<u128>().prop_map(|a| (0x2000u128 << 112) | (a >> 3)),
        2 => (0..V6_BASES.len(), any::<u64>())
            .prop_map(|(b, low)| cidr(&format!("{}/128", V6_BASES[b])).1 + u128::from(low)),
    ]
    .prop_map(|addr| (Family::V6, addr));
    let port = prop_oneof![
        any::<u16>(),
        (0..PORTS.len()).prop_map(|i| u16::try_from(PORTS[i]).expect("port")),
    ];
    (
        prop_oneof![v4, v6],
        prop::sample::select(vec![0u8, 1, 6, 17, 50, 58]),
        port,
    )
        .prop_map(|((family, addr), proto, port)| Packet {
            family,
            addr,
            proto,
            port,
        })
}

fn cases() -> impl Strategy<Value = Case> {
    (nacl(), sg(), routes(), prop::collection::vec(packet(), 96)).prop_map(
        |(nacl, sg, routes, packets)| Case {
            nacl,
            sg,
            routes,
            packets,
        },
    )
}

/// Reachable packets seen per family, and unreachable ones, over the run.
#[derive(Debug, Default)]
struct Seen {
    reachable_v4: usize,
    reachable_v6: usize,
    unreachable: usize,
}

/// Runs `reach` against the reference on generated cases (a fixed seed, so a run is
/// reproducible): the first disagreement, or how many packets of each kind were compared.
fn property(reach: fn(&Case) -> Vec<bool>) -> Result<Seen, String> {
    let seen = std::cell::RefCell::new(Seen::default());
    let mut runner = TestRunner::new_with_rng(
        Config::with_cases(192),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    runner
        .run(&cases(), |case| {
            let got = reach(&case);
            for (p, got) in case.packets.iter().zip(got) {
                let want = reference(&case, p);
                prop_assert_eq!(got, want, "packet {:?}", p);
                let mut s = seen.borrow_mut();
                match (want, p.family) {
                    (true, Family::V4) => s.reachable_v4 += 1,
                    (true, Family::V6) => s.reachable_v6 += 1,
                    (false, _) => s.unreachable += 1,
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(seen.into_inner())
}

#[test]
fn reachability_equals_the_independent_reference_for_ipv4_and_ipv6() {
    let seen = property(rampart_reach).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("compared: {seen:?}");
    // Not vacuous: both families reach the interface in a fair number of packets.
    assert!(seen.reachable_v4 > 500, "{seen:?}");
    assert!(seen.reachable_v6 > 500, "{seen:?}");
    assert!(seen.unreachable > 1000, "{seen:?}");
}

#[test]
fn a_reachability_that_forgets_the_nacl_return_path_is_caught() {
    let outcome = property(broken_reach);
    assert!(
        outcome.is_err(),
        "the broken reachability passed the property: {outcome:?}"
    );
}

#[test]
fn the_reference_reads_cidrs_of_both_families() {
    assert_eq!(cidr("10.0.1.7/24"), (false, 0x0a00_0100, 0x0a00_01ff, 24));
    assert_eq!(cidr("0.0.0.0/0"), (false, 0, 0xffff_ffff, 0));
    assert_eq!(cidr("::/0"), (true, 0, u128::MAX, 0));
    let (_, lo, hi, _) = cidr("2001:db8::/32");
    assert_eq!(lo, 0x2001_0db8u128 << 96);
    assert_eq!(hi, (0x2001_0db8u128 << 96) | (u128::MAX >> 32));
    let p = |family, addr| Packet {
        family,
        addr,
        proto: 6,
        port: 443,
    };
    assert!(from_internet(&p(Family::V4, 0x0808_0808)));
    assert!(!from_internet(&p(Family::V4, 0x0a00_0001)));
    assert!(from_internet(&p(Family::V6, 0x2600u128 << 112)));
    assert!(!from_internet(&p(Family::V6, 0xfd00u128 << 112)));
}
