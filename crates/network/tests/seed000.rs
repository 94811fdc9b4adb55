//! Seed 000's network ACL puts "100 ALL DENY 0.0.0.0/0" first: every later allow is dead and the
//! subnet blocks all traffic, in both directions.

use rampart_model::network::{NetworkAcl, RuleAction};
use rampart_network::nacl::{Decision, Direction};
use rampart_network::{Cidr, Family, NaclPolicy, Packet};

fn seed_acl() -> NetworkAcl {
    let text = include_str!("fixtures/seed000_nacl.json");
    serde_json::from_str(text).expect("fixture parses")
}

#[test]
fn deny_first_shadows_every_allow_in_both_directions() {
    let policy = NaclPolicy::new(&seed_acl());
    for d in [Direction::Inbound, Direction::Outbound] {
        let p = policy.direction(d);
        let shadowed: Vec<i32> = p.shadowed.iter().map(|s| s.rule_number).collect();
        assert_eq!(shadowed, vec![200, 300, 400, 410], "{d:?}");
        assert!(
            p.shadowed
                .iter()
                .all(|s| s.by == vec![100] && s.action == RuleAction::Allow)
        );
        assert!(
            p.allows_nothing(),
            "{d:?} allows something: {:?}",
            p.allowed
        );
        assert_eq!(p.summary(d), vec!["deny everything"]);
        assert!(p.invalid.is_empty());
    }
}

#[test]
fn every_packet_is_denied_by_rule_100() {
    let policy = NaclPolicy::new(&seed_acl());
    let shop = Cidr::parse("23.227.38.10").expect("addr").lo;
    let admin = Cidr::parse("203.0.113.10").expect("addr").lo;
    for (addr, proto, port) in [
        (shop, 6, 443),
        (admin, 6, 22),
        (shop, 17, 53),
        (shop, 6, 40000),
        (shop, 1, 0),
    ] {
        let packet = Packet {
            family: Family::V4,
            addr,
            proto,
            port,
        };
        assert_eq!(policy.inbound.evaluate(&packet), Decision::Deny(100));
        assert_eq!(policy.outbound.evaluate(&packet), Decision::Deny(100));
    }
    // IPv6 has no entry at all: the implicit final deny.
    let v6 = Packet {
        family: Family::V6,
        addr: 1,
        proto: 6,
        port: 443,
    };
    assert_eq!(policy.inbound.evaluate(&v6), Decision::DefaultDeny);
}

#[test]
fn reordered_the_seed_acl_works_as_its_author_meant() {
    let mut acl = seed_acl();
    for e in &mut acl.entries {
        if e.rule_number == 100 {
            e.rule_number = 500;
        }
    }
    let policy = NaclPolicy::new(&acl);
    assert!(policy.inbound.shadowed.is_empty());
    let admin = Cidr::parse("203.0.113.10").expect("addr").lo;
    let ssh = Packet {
        family: Family::V4,
        addr: admin,
        proto: 6,
        port: 22,
    };
    assert_eq!(policy.inbound.evaluate(&ssh), Decision::Allow(300));
    // Rule 500 (deny all) now only restates the final deny.
    assert_eq!(policy.inbound.redundant, vec![500]);
    let summary = policy.inbound.summary(Direction::Inbound);
    assert!(
        summary
            .iter()
            .any(|l| l == "allow tcp 22 from 203.0.113.10/32 (rule 300)"),
        "{summary:?}"
    );
}
