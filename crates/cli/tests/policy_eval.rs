//! `rampart policy eval` end to end: the one-file form (seed 000's policies grant nothing, and
//! eval names the Deny statements), every policy type by flag, and the batch JSON contract of
//! docs/policy-eval.md, with unreadable input reported and exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy-eval")
}

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run rampart")
}

/// `rampart policy eval --requests FILE --format json`, run in `dir`.
fn batch_json(dir: &Path, file: &str) -> Output {
    rampart(
        dir,
        &["policy", "eval", "--requests", file, "--format", "json"],
    )
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    std::fs::write(dir.join(name), serde_json::to_vec_pretty(v).expect("json")).expect("write");
    name.to_owned()
}

#[test]
fn seed_000_policies_grant_nothing_and_eval_names_the_denies() {
    let dir = fixtures();
    for (file, action, resource, sid) in [
        (
            "seed0-app.json",
            "s3:GetObject",
            "arn:aws:s3:::your-shopify-app-bucket/a.png",
            "DenyAllOtherS3Access",
        ),
        (
            "seed0-app.json",
            "s3:ListBucket",
            "arn:aws:s3:::your-shopify-app-bucket",
            "DenyAllOtherS3Access",
        ),
        (
            "seed0-app.json",
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/your-shopify-app-table",
            "DenyAllOtherDynamoDBAccess",
        ),
        (
            "seed0-sqs.json",
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:your-shopify-processing-queue",
            "DenyAllOtherSQSAccess",
        ),
    ] {
        let o = rampart(
            &dir,
            &[
                "policy",
                "eval",
                file,
                "--action",
                action,
                "--resource",
                resource,
                "--format",
                "json",
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["decision"], "explicit_deny", "{file} {action}: {v:#}");
        assert_eq!(v["blocked_by"], json!(["identity"]));
        let sids: Vec<&str> = v["deciding"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|d| d["sid"].as_str())
            .collect();
        assert_eq!(sids, vec![sid], "{file} {action}");
        assert_eq!(v["deciding"][0]["policy"], file);
        assert!(v["deciding"][0]["line"].as_u64().is_some_and(|l| l > 1));
    }
    let o = rampart(
        &dir,
        &[
            "policy",
            "eval",
            "seed0-app.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::your-shopify-app-bucket/a.png",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("EXPLICIT DENY"), "{text}");
    assert!(
        text.contains(
            "seed0-app.json:29:1: identity policy statement `DenyAllOtherS3Access` (Deny)"
        ),
        "{text}"
    );
}

#[test]
fn every_policy_type_by_flag() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let doc = |stmts: Value| json!({"Version": "2012-10-17", "Statement": stmts});
    let id = write(
        d,
        "id.json",
        &doc(json!([{"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
    );
    let bucket = write(
        d,
        "bucket.json",
        &doc(
            json!([{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shop/*"}]),
        ),
    );
    let boundary = write(
        d,
        "boundary.json",
        &doc(json!([{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
    );
    let ec2 = write(
        d,
        "ec2.json",
        &doc(json!([{"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}])),
    );
    let full = write(
        d,
        "full.json",
        &doc(json!([{"Sid": "Full", "Effect": "Allow", "Action": "*", "Resource": "*"}])),
    );
    let rcp = write(
        d,
        "rcp.json",
        &doc(
            json!([{"Sid": "RcpFull", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]),
        ),
    );
    let vpce = write(
        d,
        "vpce.json",
        &doc(
            json!([{"Sid": "Shop", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::shop/*"}]),
        ),
    );
    let base = [
        "policy",
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::shop/k",
        "--principal",
        "arn:aws:iam::222222222222:role/app",
        "--resource-account",
        "111111111111",
        "--format",
        "json",
    ];
    let run = |extra: &[&str]| -> Value {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        let o = rampart(d, &args);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).expect("json")
    };
    let v = run(&[
        "--identity",
        &id,
        "--resource-policy",
        &bucket,
        "--boundary",
        &boundary,
        "--scp",
        &full,
        "--scp",
        &format!("{full},{boundary}"),
        "--rcp",
        &rcp,
        "--endpoint-policy",
        &vpce,
    ]);
    assert_eq!(v["decision"], "allow", "{v:#}");
    assert_eq!(v["deciding"].as_array().map(Vec::len), Some(2));
    let v = run(&[
        "--identity",
        &id,
        "--resource-policy",
        &bucket,
        "--scp",
        &full,
        "--scp",
        &ec2,
    ]);
    assert_eq!(
        (v["decision"].as_str(), v["blocked_by"].clone()),
        (Some("implicit_deny"), json!(["scp"]))
    );
    let v = run(&[
        "--identity",
        &id,
        "--resource-policy",
        &bucket,
        "--boundary",
        &ec2,
    ]);
    assert_eq!(v["blocked_by"], json!(["boundary"]));
    let v = run(&["--identity", &id]);
    assert_eq!(
        v["blocked_by"],
        json!(["resource"]),
        "cross-account without the bucket's grant"
    );
    let v = run(&["--resource-policy", &bucket]);
    assert_eq!(
        v["blocked_by"],
        json!(["identity"]),
        "the account principal delegates"
    );
    let v = run(&[
        "--identity",
        &id,
        "--resource-policy",
        &bucket,
        "--endpoint-policy",
        &ec2,
    ]);
    assert_eq!(v["blocked_by"], json!(["endpoint"]));
}

#[test]
fn batch_contract_in_order_with_errors_reported() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let allow_get = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let requests = json!([
        {"id": "r1", "principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::shop/k", "resource_account": null, "context": {}, "identity": [allow_get], "resource_policy": null, "boundary": null, "session": null, "scps": [], "rcps": [], "endpoint": null},
        {"id": "r2", "principal": null, "action": "s3:GetObject", "resource": "arn:aws:s3:::shop/k", "identity": [allow_get]},
        {"id": 3, "principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:PutObject", "resource": "*", "identity": [allow_get], "scps": [[{"Version": "2012-10-17", "Statement": [{"Sid": "NoPut", "Effect": "Deny", "Action": "s3:Put*", "Resource": "*"}]}]]},
    ]);
    let file = write(d, "requests.json", &requests);
    let o = batch_json(d, &file);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v,
        json!([
            {"id": "r1", "decision": "allow", "blocked_by": [], "deciding": [{"policy": "identity[0]", "policy_type": "identity", "sid": "Get", "index": 0, "effect": "Allow"}], "reason": "allowed by identity[0] statement #1 `Get`"},
            {"id": "r2", "decision": "implicit_deny", "blocked_by": ["resource"], "deciding": [], "reason": "the resource policy does not allow it"},
            {"id": 3, "decision": "explicit_deny", "blocked_by": ["scp"], "deciding": [{"policy": "scps[0][0]", "policy_type": "scp", "sid": "NoPut", "index": 0, "effect": "Deny"}], "reason": "explicitly denied by scps[0][0] statement #1 `NoPut`"},
        ])
    );

    // One unreadable request: the others are still decided, the error is said, exit code 2.
    let bad = json!([
        {"id": "ok", "action": "s3:GetObject", "identity": [allow_get]},
        {"id": "bad", "action": "s3:GetObject", "identity": ["{\n  \"Statement\": [ oops ]\n}"]},
    ]);
    let file = write(d, "bad.json", &bad);
    let o = batch_json(d, &file);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["decision"], "allow");
    let err = v[1]["error"].as_str().expect("error");
    // The request's place in the batch, then the policy's own place in its text.
    assert!(err.starts_with("line 19, column 3: "), "{err}");
    assert!(err.contains(": identity[0]:2:18"), "{err}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("request #2 (id \"bad\")"));

    std::fs::write(d.join("broken.json"), "[{\"id\": 1,,}]").expect("write");
    let o = rampart(d, &["policy", "eval", "--requests", "broken.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("broken.json:1:"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A request that cannot be read is told with the file, line and column where it starts (exit
/// code 2), whatever makes it unreadable: a missing field, a misspelt one, a policy AWS would
/// refuse. The requests around it are decided.
#[test]
fn unreadable_requests_are_located_in_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let text = r#"[
  {"id": "ok", "action": "s3:GetObject",
   "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]},
  {"id": "no-action", "resource": "*"},
    {"id": "typo", "action": "s3:GetObject", "identiy": []},
  {
    "id": "refused", "action": "s3:GetObject",
    "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condtion": {}}]}]
  }
]
"#;
    std::fs::write(d.join("requests.json"), text).expect("write");
    let o = batch_json(d, "requests.json");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for expected in [
        "requests.json:4:3: request #2 (id \"no-action\"): `action` is required",
        "requests.json:5:5: request #3 (id \"typo\"): unknown field `identiy` (did you mean `identity`?)",
        "requests.json:6:3: request #4 (id \"refused\"): identity[0]:",
        "unknown element `Condtion` (did you mean `Condition`?)",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["decision"], "allow");
    assert_eq!(v[1]["error"], "line 4, column 3: `action` is required");
    assert_eq!(v.as_array().map(Vec::len), Some(4));
}

/// A shared policy name declared twice under `policies` is not a silent choice of one of the
/// two: the run stops with the file, line and column of the second, exit code 2.
#[test]
fn a_shared_policy_declared_twice_stops_the_batch_where_it_is() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let read = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]});
    let text = format!(
        "{{\"policies\": {{\n  \"p\": {read},\n  \"p\": {deny}\n}},\n\"requests\": [{{\"id\": 1, \"action\": \"s3:GetObject\", \"identity\": [{{\"ref\": \"p\"}}]}}]}}"
    );
    std::fs::write(d.join("twice.json"), text).expect("write");
    let o = batch_json(d, "twice.json");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("twice.json:3:"), "{err}");
    assert!(
        err.contains("shared policy `p` is declared twice under `policies`"),
        "{err}"
    );
    // Nothing was decided: the policies come before any request.
    assert!(!String::from_utf8_lossy(&o.stdout).contains("decision"));
}

#[test]
fn unreadable_policy_file_is_located() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("p.json"),
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}",
    )
    .expect("write");
    let o = rampart(
        tmp.path(),
        &[
            "policy",
            "eval",
            "p.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("p.json:3:"), "{err}");
}

/// The request table written from AWS's documentation (`crates/policy/tests/data/
/// aws-doc-requests.json`, issue 14) through the command: every answer is the one its `id`
/// expects, exit code 0.
#[test]
fn the_documentation_table_through_the_command() {
    let table =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/tests/data/aws-doc-requests.json");
    let tmp = tempfile::tempdir().expect("tmp");
    let o = batch_json(tmp.path(), &table.display().to_string());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let answers = v.as_array().expect("array");
    assert!(answers.len() >= 270, "{}", answers.len());
    for a in answers {
        assert_eq!(
            (&a["decision"], &a["blocked_by"]),
            (&a["id"]["decision"], &a["id"]["blocked_by"]),
            "{a:#}"
        );
    }
}
