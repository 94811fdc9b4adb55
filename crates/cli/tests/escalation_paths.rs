//! IAM-109 as paths, scored on a Terraform fixture (tests/fixtures/escalation): one principal
//! per escalation method, a two-hop assumption chain, a group, a grant to others, and
//! look-alikes that cannot escalate (a Deny in another policy, a resource limited to AWS managed
//! policies, a condition that never holds, user-only actions on a role, a trust policy that does
//! not allow, a role that does not trust the service, a PassRole limited to other roles).
//! Every principal's verdict, last method and self/others must be exactly as expected. A second
//! set (tests/fixtures/escalation-module) declares IAM through a local module.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The IAM-109 results of `rampart scan .` in `dir`, and the exit code.
fn iam109(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("report.json");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(dir)
        .args(["scan", ".", "--include-passed", "--format", "json", "-o"])
        .arg(&out)
        .output()
        .expect("rampart runs");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "IAM-109")
        .cloned()
        .collect();
    (o.status.code(), findings)
}

/// Compares one principal's IAM-109 results with its label: the status; for an escalation,
/// whether it is one's own, the method of the last hop (`method`, or one of `methods` where an
/// auditor would accept several), the whole path's methods when `path` is given, and every hop
/// naming its statements. `Ok(Some(true))`: an escalation found as labelled; `Ok(Some(false))`: a
/// principal rightly found safe; `Ok(None)`: rightly not assessed (a policy it holds is not in
/// the input).
fn judge(key: &str, want: &Value, got: &[&Value]) -> Result<Option<bool>, String> {
    let [f] = got else {
        return Err(format!("{key}: {} IAM-109 results", got.len()));
    };
    if f["status"] != want["status"] {
        return Err(format!(
            "{key}: {} instead of {} ({}): {}",
            f["status"],
            want["status"],
            want["why"].as_str().unwrap_or_default(),
            f["message"]
        ));
    }
    if want["status"] != "fail" {
        return Ok((want["status"] == "pass").then_some(false));
    }
    let path = f["evidence"]["path"].as_array().expect("path");
    let methods: Vec<&str> = path.iter().filter_map(|h| h["method"].as_str()).collect();
    let last = methods.last().copied().unwrap_or_default();
    let accepted: Vec<&str> = match &want["methods"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => want["method"].as_str().into_iter().collect(),
    };
    if !accepted.contains(&last) || f["evidence"]["self_escalation"] != want["self"] {
        return Err(format!(
            "{key}: {last} (self {}) instead of {accepted:?} (self {}): {}",
            f["evidence"]["self_escalation"], want["self"], f["message"]
        ));
    }
    if let Some(p) = want["path"].as_array() {
        let p: Vec<&str> = p.iter().filter_map(Value::as_str).collect();
        if p != methods {
            return Err(format!("{key}: path {methods:?} instead of {p:?}"));
        }
    }
    if !path
        .iter()
        .all(|h| h["statements"].as_array().is_some_and(|s| !s.is_empty()))
    {
        return Err(format!("{key}: a hop names no statement"));
    }
    Ok(Some(true))
}

/// Scores every label of `expected.json` in `dir`, each matched to the results whose resource
/// `matches` it; returns the escalations and the safe principals found as labelled.
fn score(dir: &Path, matches: impl Fn(&str, &str) -> bool) -> (usize, usize, Vec<Value>) {
    let (code, findings) = iam109(dir);
    assert_eq!(code, Some(1), "{}", dir.display());
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let (mut tp, mut tn, mut wrong) = (0, 0, Vec::new());
    for (key, want) in expected.as_object().expect("object") {
        let got: Vec<&Value> = findings
            .iter()
            .filter(|f| f["resource"].as_str().is_some_and(|r| matches(key, r)))
            .collect();
        match judge(key, want, &got) {
            Ok(Some(true)) => tp += 1,
            Ok(Some(false)) => tn += 1,
            Ok(None) => {}
            Err(e) => wrong.push(e),
        }
    }
    assert!(
        wrong.is_empty(),
        "{tp} escalations and {tn} safe principals right; wrong:\n{}",
        wrong.join("\n")
    );
    (tp, tn, findings)
}

#[test]
fn escalation_fixture_scores_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation");
    // Keys are `kind/name`, matched by the end of the resource address.
    let (tp, tn, findings) = score(&dir, |key, r| {
        key.split_once('/')
            .is_some_and(|(kind, name)| r.ends_with(&format!("aws_iam_{kind}.{name}")))
    });
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

/// The second labelled set (tests/fixtures/escalation-module): IAM declared through a local
/// module the way real repositories write it. Keys are the exact resource ids (`FILE:ADDRESS`
/// with the module path); every IAM-109 result must be labelled, and every label found.
#[test]
fn module_fixture_scores_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation-module");
    let (tp, tn, findings) = score(&dir, |key, r| key == r);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let unlabelled: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["resource"].as_str())
        .filter(|r| expected.get(*r).is_none())
        .collect();
    assert!(unlabelled.is_empty(), "unlabelled: {unlabelled:?}");
    assert!(tp >= 45 && tn >= 25, "{tp} {tn}");
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
