//! Property tests: the box-based analyses against brute-force, packet-by-packet evaluators that
//! read the rules directly (first match in rule-number order for NACLs, any rule for security
//! groups, longest prefix match for routes).

use proptest::prelude::*;
use rampart_model::Meta;
use rampart_model::Region;
use rampart_model::compute::NetworkInterface;
use rampart_model::network::{
    NaclEntry, NetworkAcl, Peer, Route, RouteTable, RouteTargetKind, RuleAction, SecurityGroup,
    SgRule, Subnet,
};
use rampart_network::addr::public_space;
use rampart_network::routes::lookup;
use rampart_network::{Cidr, Family, NaclPolicy, Packet, RegionNetwork, SgSpaces};

// ---------------------------------------------------------------- brute-force reference

fn proto_matches(rule_proto: &str, p: u8) -> bool {
    match rule_proto {
        "-1" => true,
        "tcp" => p == 6,
        "udp" => p == 17,
        "icmp" => p == 1,
        n => n.parse::<u8>().is_ok_and(|n| n == p),
    }
}

fn ports_match(rule_proto: &str, from: Option<i32>, to: Option<i32>, p: &Packet) -> bool {
    let has_ports = matches!(rule_proto, "tcp" | "udp" | "6" | "17");
    if !has_ports {
        return true;
    }
    match (from, to) {
        (None, None) => true,
        (Some(f), Some(t)) => (f..=t).contains(&i32::from(p.port)),
        _ => unreachable!("generator always sets both or neither"),
    }
}

fn addr_in(cidr: &str, p: &Packet) -> bool {
    let c = Cidr::parse(cidr).expect("generated CIDR");
    c.family == p.family && c.lo <= p.addr && p.addr <= c.hi
}

/// First matching entry in rule-number order; `None` means the final deny.
fn brute_nacl(entries: &[NaclEntry], egress: bool, p: &Packet) -> Option<(i32, RuleAction)> {
    let mut sorted: Vec<&NaclEntry> = entries.iter().filter(|e| e.egress == egress).collect();
    sorted.sort_by_key(|e| e.rule_number);
    sorted
        .into_iter()
        .find(|e| {
            let cidr = e.cidr.as_deref().or(e.ipv6_cidr.as_deref()).expect("cidr");
            addr_in(cidr, p)
                && proto_matches(&e.protocol, p.proto)
                && ports_match(&e.protocol, e.from_port, e.to_port, p)
        })
        .map(|e| (e.rule_number, e.action))
}

fn brute_sg(rules: &[SgRule], p: &Packet) -> bool {
    rules.iter().any(|r| {
        let cidr = match &r.peer {
            Peer::Cidr4(c) | Peer::Cidr6(c) => c,
            _ => return false,
        };
        addr_in(cidr, p)
            && proto_matches(&r.protocol, p.proto)
            && ports_match(&r.protocol, r.from_port, r.to_port, p)
    })
}

fn is_public(p: &Packet) -> bool {
    public_space(p.family)
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&p.addr))
}

/// A connection from `p.addr` to `p.port` works, by brute force: route, NACL in, some ephemeral
/// reply port allowed out (checked at every boundary of the outbound entries, where decisions
/// can change), security groups.
fn brute_reachable(
    table: &RouteTable,
    entries: &[NaclEntry],
    sg_rules: &[SgRule],
    p: &Packet,
) -> bool {
    if !is_public(p) {
        return false;
    }
    let Some(r) = lookup(table, p.family, p.addr) else {
        return false;
    };
    let route = &table.routes[r];
    if route.target_kind != RouteTargetKind::InternetGateway || route.blackhole {
        return false;
    }
    if !matches!(brute_nacl(entries, false, p), Some((_, RuleAction::Allow))) {
        return false;
    }
    let candidates: Vec<u16> = if p.proto == 6 || p.proto == 17 {
        let mut c = vec![1024u16, 65535];
        for e in entries.iter().filter(|e| e.egress) {
            for v in [e.from_port, e.to_port].into_iter().flatten() {
                for w in [v - 1, v, v + 1] {
                    if (1024..=65535).contains(&w) {
                        c.push(u16::try_from(w).expect("in range"));
                    }
                }
            }
        }
        c
    } else {
        vec![0]
    };
    let reply_ok = candidates.into_iter().any(|port| {
        let reply = Packet { port, ..*p };
        matches!(
            brute_nacl(entries, true, &reply),
            Some((_, RuleAction::Allow))
        )
    });
    reply_ok && brute_sg(sg_rules, p)
}

// ---------------------------------------------------------------- generators

const BASES: &[&str] = &[
    "0.0.0.0",
    "10.0.0.0",
    "10.0.1.0",
    "8.8.8.0",
    "23.227.38.0",
    "128.0.0.0",
    "203.0.113.0",
];
const PREFIXES: &[u32] = &[0, 1, 8, 16, 23, 24, 28, 32];
const PROTOS: &[&str] = &["-1", "6", "17", "1", "50", "tcp", "udp"];
const PORTS: &[i32] = &[0, 22, 53, 80, 443, 1023, 1024, 3306, 32768, 65535];

fn cidr4() -> impl Strategy<Value = String> {
    (0..BASES.len(), 0..PREFIXES.len(), 0u32..256).prop_map(|(b, p, low)| {
        let base = Cidr::parse(BASES[b]).expect("base").lo;
        let addr = u32::try_from(base).expect("v4") | low;
        format!("{}/{}", std::net::Ipv4Addr::from(addr), PREFIXES[p])
    })
}

fn ports() -> impl Strategy<Value = (Option<i32>, Option<i32>)> {
    prop_oneof![
        Just((None, None)),
        (0..PORTS.len(), 0..PORTS.len()).prop_map(|(a, b)| {
            let (a, b) = (PORTS[a].min(PORTS[b]), PORTS[a].max(PORTS[b]));
            (Some(a), Some(b))
        }),
    ]
}

fn nacl_entries() -> impl Strategy<Value = Vec<NaclEntry>> {
    nacl_entries_weighted(0.5)
}

fn nacl_entries_weighted(allow: f64) -> impl Strategy<Value = Vec<NaclEntry>> {
    prop::collection::vec(
        (
            1i32..40,
            any::<bool>(),
            0..PROTOS.len(),
            prop::bool::weighted(allow),
            cidr4(),
            ports(),
            prop::bool::weighted(0.1),
        ),
        0..12,
    )
    .prop_map(|raw| {
        let mut seen = std::collections::HashSet::new();
        raw.into_iter()
            .filter(|(n, egress, ..)| seen.insert((*n, *egress)))
            .map(
                |(n, egress, proto, allow, cidr, (from, to), v6)| NaclEntry {
                    rule_number: n * 10,
                    egress,
                    protocol: PROTOS[proto].into(),
                    action: if allow {
                        RuleAction::Allow
                    } else {
                        RuleAction::Deny
                    },
                    cidr: (!v6).then_some(cidr),
                    ipv6_cidr: v6.then(|| "::/0".to_owned()),
                    from_port: from,
                    to_port: to,
                    origin: None,
                },
            )
            .collect()
    })
}

fn sg_rules() -> impl Strategy<Value = Vec<SgRule>> {
    prop::collection::vec(
        (
            0..PROTOS.len() - 1,
            cidr4(),
            ports(),
            prop::bool::weighted(0.1),
        ),
        0..8,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .map(|(proto, cidr, (from, to), sgref)| SgRule {
                // ICMP rules carry type/code, not ports: keep the brute force simple by
                // giving them none.
                protocol: PROTOS[proto].into(),
                from_port: if PROTOS[proto] == "1" { None } else { from },
                to_port: if PROTOS[proto] == "1" { None } else { to },
                peer: if sgref {
                    Peer::SecurityGroup("sg-other".into())
                } else {
                    Peer::Cidr4(cidr)
                },
                description: None,
                origin: None,
            })
            .collect()
    })
}

fn routes() -> impl Strategy<Value = Vec<Route>> {
    let extra = prop::collection::vec((cidr4(), 0..4u8, prop::bool::weighted(0.1)), 0..5);
    (extra, prop::bool::weighted(0.8)).prop_map(|(raw, default_igw)| {
        let mut out = vec![Route {
            destination: "10.0.0.0/16".into(),
            target_kind: RouteTargetKind::Local,
            target: "local".into(),
            blackhole: false,
        }];
        if default_igw {
            out.push(Route {
                destination: "0.0.0.0/0".into(),
                target_kind: RouteTargetKind::InternetGateway,
                target: "igw-1".into(),
                blackhole: false,
            });
        }
        for (dest, kind, blackhole) in raw {
            if out.iter().any(|r| r.destination == dest) {
                continue;
            }
            let (target_kind, target) = match kind {
                0 | 1 => (RouteTargetKind::InternetGateway, "igw-1"),
                2 => (RouteTargetKind::NatGateway, "nat-1"),
                _ => (RouteTargetKind::VpcPeering, "pcx-1"),
            };
            out.push(Route {
                destination: dest,
                target_kind,
                target: target.into(),
                blackhole,
            });
        }
        out
    })
}

fn packet() -> impl Strategy<Value = Packet> {
    let addr = prop_oneof![
        any::<u32>().prop_map(u128::from),
        (0..BASES.len(), 0u32..512)
            .prop_map(|(b, low)| Cidr::parse(BASES[b]).expect("base").lo + u128::from(low)),
    ];
    let port = prop_oneof![
        any::<u16>(),
        (0..PORTS.len()).prop_map(|i| u16::try_from(PORTS[i]).expect("port"))
    ];
    (
        addr,
        prop::sample::select(vec![0u8, 1, 6, 17, 50, 255]),
        port,
    )
        .prop_map(|(addr, proto, port)| Packet {
            family: Family::V4,
            addr,
            proto,
            port,
        })
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn nacl_evaluation_equals_brute_force(entries in nacl_entries(), packets in prop::collection::vec(packet(), 64)) {
        let policy = NaclPolicy::from_entries(&entries);
        for p in &packets {
            for (egress, dir) in [(false, &policy.inbound), (true, &policy.outbound)] {
                let want = brute_nacl(&entries, egress, p);
                let got = dir.evaluate(p);
                let got = match got {
                    rampart_network::Decision::Allow(n) => Some((n, RuleAction::Allow)),
                    rampart_network::Decision::Deny(n) => Some((n, RuleAction::Deny)),
                    rampart_network::Decision::DefaultDeny => None,
                };
                prop_assert_eq!(got, want, "packet {:?} egress {}", p, egress);
                // A shadowed entry never decides a packet.
                if let Some((n, _)) = want {
                    prop_assert!(!dir.shadowed.iter().any(|s| s.rule_number == n), "rule {} decided {:?} but is reported shadowed", n, p);
                }
            }
        }
    }

    #[test]
    fn redundant_entries_change_no_decision(entries in nacl_entries(), packets in prop::collection::vec(packet(), 64)) {
        let policy = NaclPolicy::from_entries(&entries);
        for (egress, dir) in [(false, &policy.inbound), (true, &policy.outbound)] {
            for n in dir.redundant.iter().chain(dir.shadowed.iter().map(|s| &s.rule_number)) {
                let without: Vec<NaclEntry> =
                    entries.iter().filter(|e| !(e.egress == egress && e.rule_number == *n)).cloned().collect();
                for p in &packets {
                    let a = brute_nacl(&entries, egress, p).is_some_and(|d| d.1 == RuleAction::Allow);
                    let b = brute_nacl(&without, egress, p).is_some_and(|d| d.1 == RuleAction::Allow);
                    prop_assert_eq!(a, b, "removing rule {} changes {:?}", n, p);
                }
            }
        }
    }

    #[test]
    fn sg_union_equals_brute_force(rules in sg_rules(), packets in prop::collection::vec(packet(), 64)) {
        let spaces = SgSpaces::of(&rules);
        prop_assert!(spaces.invalid.is_empty());
        for p in &packets {
            prop_assert_eq!(spaces.admits(p), brute_sg(&rules, p), "packet {:?}", p);
        }
    }
}

/// Reachability against the brute force; also counts reachable packets so the property cannot
/// pass vacuously (a generator that never produced a reachable packet would prove nothing).
#[test]
fn reachability_equals_brute_force() {
    use proptest::test_runner::{Config, TestRunner};
    let reachable = std::cell::Cell::new(0usize);
    let unreachable = std::cell::Cell::new(0usize);
    // Random entries in front of an optional allow-everything backbone, so that the random rules
    // act as exceptions and a fair share of packets gets through.
    let entries = (nacl_entries_weighted(0.7), any::<bool>(), any::<bool>()).prop_map(
        |(mut e, bin, bout)| {
            for (egress, on) in [(false, bin), (true, bout)] {
                if on {
                    e.push(NaclEntry {
                        rule_number: 1000,
                        egress,
                        protocol: "-1".into(),
                        action: RuleAction::Allow,
                        cidr: Some("0.0.0.0/0".into()),
                        ipv6_cidr: None,
                        from_port: None,
                        to_port: None,
                        origin: None,
                    });
                }
            }
            e
        },
    );
    let rules = (
        sg_rules(),
        prop::option::weighted(0.5, (0..PROTOS.len() - 1, ports())),
    )
        .prop_map(|(mut r, wide)| {
            if let Some((proto, (from, to))) = wide {
                let icmp = PROTOS[proto] == "1";
                r.push(SgRule {
                    protocol: PROTOS[proto].into(),
                    from_port: if icmp { None } else { from },
                    to_port: if icmp { None } else { to },
                    peer: Peer::Cidr4("0.0.0.0/0".into()),
                    description: None,
                    origin: None,
                });
            }
            r
        });
    let strategy = (
        entries,
        rules,
        routes(),
        prop::collection::vec(packet(), 96),
    );
    let mut runner = TestRunner::new(Config::with_cases(256));
    runner
        .run(&strategy, |(entries, rules, routes, packets)| {
            let mut region = Region::new("us-east-1");
            region.subnets.push(Subnet {
                meta: Meta::default(),
                id: "subnet-1".into(),
                vpc_id: "vpc-1".into(),
                cidr: Some("10.0.1.0/24".into()),
                ipv6_cidr: None,
                availability_zone: None,
                map_public_ip_on_launch: true,
            });
            region.route_tables.push(RouteTable {
                meta: Meta::default(),
                id: "rtb-1".into(),
                vpc_id: "vpc-1".into(),
                main: true,
                subnet_ids: vec![],
                routes,
            });
            region.network_acls.push(NetworkAcl {
                meta: Meta::default(),
                id: "acl-1".into(),
                vpc_id: "vpc-1".into(),
                is_default: false,
                subnet_ids: vec!["subnet-1".into()],
                entries: entries.clone(),
            });
            region.security_groups.push(SecurityGroup {
                meta: Meta::default(),
                id: "sg-1".into(),
                group_name: "web".into(),
                description: String::new(),
                vpc_id: Some("vpc-1".into()),
                ingress: rules.clone(),
                egress: vec![],
            });
            region.network_interfaces.push(NetworkInterface {
                meta: Meta::default(),
                id: "eni-1".into(),
                subnet_id: "subnet-1".into(),
                vpc_id: "vpc-1".into(),
                security_groups: vec!["sg-1".into()],
                public_ip: Some("198.51.100.10".into()),
                ipv6_addresses: vec![],
                private_ips: vec!["10.0.1.10".into()],
                instance_id: None,
                interface_type: "interface".into(),
                description: String::new(),
            });
            let net = RegionNetwork::new(&region);
            let targets = net.targets();
            prop_assert_eq!(targets.len(), 1);
            let exposure = net.exposure(&targets[0]);
            prop_assert!(exposure.exposures.iter().all(|e| e.certain()));
            let table = &region.route_tables[0];
            for p in &packets {
                let want = brute_reachable(table, &entries, &rules, p);
                let got = exposure.exposures.iter().any(|e| e.contains(p));
                prop_assert_eq!(got, want, "packet {:?}", p);
                if want {
                    reachable.set(reachable.get() + 1)
                } else {
                    unreachable.set(unreachable.get() + 1)
                }
            }
            Ok(())
        })
        .expect("reachability matches the brute force");
    assert!(
        reachable.get() > 200,
        "only {} reachable packets generated",
        reachable.get()
    );
    assert!(
        unreachable.get() > 200,
        "only {} unreachable packets generated",
        unreachable.get()
    );
}
