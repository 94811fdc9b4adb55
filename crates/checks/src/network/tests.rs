//! Seed 000 end to end through the checks, and reachability that the rule-by-rule checks cannot
//! see.

use rampart_model::{Finding, Inventory, Status, Timestamp};

use crate::{Config, Context, registry, run};

fn fixture(code: &str, which: &str) -> Inventory {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("fixtures/{code}/{which}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture parses")
}

fn findings(code: &str, inv: &Inventory) -> Vec<Finding> {
    let config = Config::default();
    let now = Timestamp::parse("2026-11-01T00:00:00Z").expect("timestamp");
    let ctx = Context::new(inv, &config, now);
    let check = registry::by_code(code).expect("check exists");
    run(&ctx, &[check]).findings
}

#[test]
fn seed_000_nacl_shadows_200_to_410_both_ways_and_denies_everything() {
    let out = findings("VPC-001", &fixture("VPC-001", "fail"));
    assert_eq!(out.len(), 1);
    let f = &out[0];
    assert_eq!(f.status, Status::Fail);
    for dir in ["inbound", "outbound"] {
        let ev = &f.evidence[dir];
        let rules: Vec<i64> = ev["shadowed"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["rule"].as_i64().expect("n"))
            .collect();
        assert_eq!(rules, vec![200, 300, 400, 410], "{dir}");
        assert!(
            ev["shadowed"]
                .as_array()
                .expect("list")
                .iter()
                .all(|s| s["by"] == serde_json::json!([100]))
        );
        assert_eq!(
            ev["effective"],
            serde_json::json!(["deny everything"]),
            "{dir}"
        );
    }
    assert!(
        f.message
            .contains("inbound denies everything, outbound denies everything"),
        "{}",
        f.message
    );
}

#[test]
fn seed_000_nacl_blocks_what_its_security_group_opens() {
    // The VPC-007 passing fixture opens SSH in the security group; the NACL denies it first.
    let inv = fixture("VPC-007", "pass");
    let sg = findings("EC2-003", &inv);
    assert!(
        sg.iter().any(|f| f.status == Status::Fail),
        "the group alone looks open: {sg:#?}"
    );
    let reach = findings("VPC-007", &inv);
    assert!(reach.iter().all(|f| f.status == Status::Pass), "{reach:#?}");
}

#[test]
fn split_world_rules_count_as_open() {
    // 0.0.0.0/1 + 128.0.0.0/1: no single rule says 0.0.0.0/0, the union does.
    let out = findings("EC2-001", &fixture("EC2-001", "fail"));
    assert!(out.iter().any(|f| f.status == Status::Fail && f.message.contains("all TCP ports from 0.0.0.0/0")), "{out:#?}");
}

#[test]
fn reachability_evidence_names_the_whole_path() {
    let out = findings("VPC-005", &fixture("VPC-005", "fail"));
    let f = out
        .iter()
        .find(|f| f.status == Status::Fail)
        .expect("a failure");
    let path = &f.evidence["paths"][0];
    assert_eq!(path["traffic"], "tcp 22");
    assert_eq!(path["from"], "any internet address (0.0.0.0/0)");
    assert!(
        path["route"]
            .as_str()
            .expect("route")
            .contains("0.0.0.0/0 → igw-1"),
        "{path}"
    );
    assert!(
        path["nacl_inbound"]
            .as_str()
            .expect("nacl")
            .contains("acl-default rule 100"),
        "{path}"
    );
    assert!(
        path["security_group"]
            .as_str()
            .expect("sg")
            .contains("sg-web"),
        "{path}"
    );
}

#[test]
fn missing_nacl_makes_reachability_not_assessed() {
    let mut inv = fixture("VPC-005", "fail");
    for a in &mut inv.accounts {
        for r in &mut a.regions {
            r.network_acls.clear();
        }
    }
    let out = findings("VPC-005", &inv);
    assert!(
        out.iter().any(|f| f.status == Status::NotAssessed),
        "{out:#?}"
    );
    assert!(
        out.iter()
            .all(|f| f.status != Status::Fail && f.status != Status::Pass),
        "{out:#?}"
    );
}
