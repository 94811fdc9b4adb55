//! IAM-109 as paths, scored on a Terraform fixture (tests/fixtures/escalation): one principal
//! per escalation method, a two-hop assumption chain, a group, a grant to others, and
//! look-alikes that cannot escalate (a Deny in another policy, a resource limited to AWS managed
//! policies, a condition that never holds, user-only actions on a role, a trust policy that does
//! not allow, a role that does not trust the service, a PassRole limited to other roles).
//! Every principal's verdict, last method and self/others must be exactly as expected.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn escalation_fixture_scores_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("report.json");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(&dir)
        .args(["scan", ".", "--include-passed", "--format", "json", "-o"])
        .arg(&out)
        .output()
        .expect("rampart runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "IAM-109")
        .collect();
    let (mut tp, mut tn, mut wrong) = (0, 0, Vec::new());
    for (key, want) in expected.as_object().expect("object") {
        let (kind, name) = key.split_once('/').expect("kind/name");
        let suffix = format!("aws_iam_{kind}.{name}");
        let got: Vec<&&Value> = findings
            .iter()
            .filter(|f| f["resource"].as_str().is_some_and(|r| r.ends_with(&suffix)))
            .collect();
        let [f] = got.as_slice() else {
            wrong.push(format!("{key}: {} IAM-109 results", got.len()));
            continue;
        };
        if f["status"] != want["status"] {
            wrong.push(format!(
                "{key}: {} instead of {}: {}",
                f["status"], want["status"], f["message"]
            ));
            continue;
        }
        if want["status"] == "pass" {
            tn += 1;
            continue;
        }
        let path = f["evidence"]["path"].as_array().expect("path");
        let last = path.last().map(|h| h["method"].clone()).unwrap_or_default();
        if last != want["method"] || f["evidence"]["self_escalation"] != want["self"] {
            wrong.push(format!(
                "{key}: {} (self {}) instead of {} (self {})",
                last, f["evidence"]["self_escalation"], want["method"], want["self"]
            ));
            continue;
        }
        // Every hop names the statements that allowed it.
        assert!(
            path.iter()
                .all(|h| h["statements"].as_array().is_some_and(|s| !s.is_empty())),
            "{key}"
        );
        tp += 1;
    }
    assert!(
        wrong.is_empty(),
        "{tp} escalations and {tn} safe principals right; wrong:\n{}",
        wrong.join("\n")
    );
    assert!(tp >= 29 && tn >= 10, "{tp} {tn}");
    // The two-hop chain is reported hop by hop.
    let chain = findings
        .iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .is_some_and(|r| r.ends_with("aws_iam_user.u_chain"))
        })
        .expect("u_chain");
    let methods: Vec<&str> = chain["evidence"]["path"]
        .as_array()
        .expect("path")
        .iter()
        .filter_map(|h| h["method"].as_str())
        .collect();
    assert_eq!(
        methods,
        ["assume-role", "assume-role", "attach-role-policy"]
    );
}

fn access(args: &[&str]) -> (i32, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(&dir)
        .arg("access")
        .args(args)
        .args([".", "--format", "json"])
        .output()
        .expect("rampart runs");
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v)
}

#[test]
fn who_can_lists_direct_principals_and_chains() {
    let (code, v) = access(&[
        "who-can",
        "--action",
        "sts:AssumeRole",
        "--resource",
        "arn:aws:iam::000000000000:role/hop2",
    ]);
    assert_eq!(code, 0);
    let rows = v["principals"].as_array().expect("principals");
    let find = |arn: &str| rows.iter().find(|r| r["principal"] == arn);
    // hop1 is named by hop2's trust policy and allowed by its own policy: directly.
    let hop1 = find("arn:aws:iam::000000000000:role/hop1").expect("hop1");
    assert_eq!(hop1["path"], serde_json::json!([]));
    // u_chain gets there by assuming hop1 first.
    let chain = find("arn:aws:iam::000000000000:user/u_chain").expect("u_chain");
    assert_eq!(chain["path"][0]["method"], "assume-role");
    assert_eq!(
        chain["path"][0]["to"],
        "arn:aws:iam::000000000000:role/hop1"
    );
    // Look-alikes stay out: a Deny elsewhere, an untrusted assumption.
    assert!(find("arn:aws:iam::000000000000:user/u_denied").is_none());
    assert!(find("arn:aws:iam::000000000000:user/u_assume_untrusted").is_none());
    // A role whose trust policy does not name the caller is not assumable by a plain Allow.
    let (_, v) = access(&[
        "who-can",
        "--action",
        "sts:AssumeRole",
        "--resource",
        "arn:aws:iam::000000000000:role/power",
    ]);
    let rows = v["principals"].as_array().expect("principals");
    assert!(
        !rows
            .iter()
            .any(|r| r["principal"] == "arn:aws:iam::000000000000:user/u_assume_untrusted")
    );
}

#[test]
fn principal_shows_actions_by_level_and_resources() {
    let (code, v) = access(&["principal", "u_cfn_update"]);
    assert_eq!(code, 0);
    assert_eq!(
        v["principal"],
        "arn:aws:iam::000000000000:user/u_cfn_update"
    );
    let services = v["services"].as_array().expect("services");
    let cfn = services
        .iter()
        .find(|s| s["service"] == "cloudformation")
        .expect("cloudformation");
    assert_eq!(
        cfn["actions"]["Write"],
        serde_json::json!(["cloudformation:UpdateStack"])
    );
    assert_eq!(
        cfn["resources"],
        serde_json::json!(["arn:aws:cloudformation:*:000000000000:stack/app/*"])
    );
    let (code, _) = access(&["principal", "nobody"]);
    assert_eq!(code, 2);
}
