//! The request table of issue 14 (`tests/data/aws-doc-requests.json`, written by
//! `aws-doc-requests.py`): one or more rows per rule of AWS's documented authorization logic,
//! each naming the documentation page it comes from and the expected decision and
//! `blocked_by`. The file is itself a batch of the `policy eval --requests` contract, so it is
//! decided here exactly as the command decides it (`batch::decide_all`), and every row is also
//! decided alone through the JSON-tree reader (`batch::decide`) to show both readers agree.

use rampart_policy::batch::{Cache, answer, decide, decide_all};
use serde_json::{Value, json};

const TABLE: &str = include_str!("data/aws-doc-requests.json");

#[test]
fn every_row_gets_the_documented_answer() {
    let mut answers: Vec<Value> = Vec::new();
    decide_all(TABLE.as_bytes(), &mut |_, id, r| {
        answers.push(answer(id, &r))
    })
    .expect("the table is a batch");
    assert!(answers.len() >= 270, "{} rows", answers.len());
    let mut wrong = Vec::new();
    for a in &answers {
        let id = &a["id"];
        assert!(a.get("error").is_none(), "{a:#}");
        if a["decision"] != id["decision"] || a["blocked_by"] != id["blocked_by"] {
            wrong.push(format!(
                "{} [{}]: expected {} {}, got {} {} ({})",
                id["row"],
                id["doc"],
                id["decision"],
                id["blocked_by"],
                a["decision"],
                a["blocked_by"],
                a["reason"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows disagree:\n{}",
        wrong.len(),
        answers.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_tree_reader_agrees_with_the_streamed_reader() {
    let batch: Value = serde_json::from_str(TABLE).expect("json");
    let mut streamed: Vec<Value> = Vec::new();
    decide_all(TABLE.as_bytes(), &mut |_, id, r| {
        streamed.push(answer(id, &r))
    })
    .expect("the table is a batch");
    let mut cache = Cache::new();
    cache.share(batch["policies"].as_object().cloned().unwrap_or_default());
    for (req, s) in batch["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(&streamed)
    {
        let one = answer(&req["id"], &decide(req, &mut cache));
        assert_eq!(one, *s, "{}", req["id"]["row"]);
    }
    assert_eq!(
        json!(streamed.len()),
        json!(batch["requests"].as_array().map_or(0, Vec::len))
    );
}

/// A policy AWS would refuse is not decided as far as rampart could read it (a skipped
/// `Condtion` would turn a conditional Allow into an unconditional one): the request is
/// answered with the error and where it is. A misspelt request field is an error too, rather
/// than a policy silently left out.
#[test]
fn policies_aws_refuses_and_unknown_fields_are_errors_not_decisions() {
    let get = |identity: Value| {
        json!({"id": "r", "principal": "arn:aws:iam::111111111111:user/alice",
               "action": "s3:GetObject", "resource": "arn:aws:s3:::shop/k", "identity": [identity]})
    };
    let stmt = |extra: Value| {
        let mut s = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            s[k] = v.clone();
        }
        json!({"Version": "2012-10-17", "Statement": [s]})
    };
    let cases = [
        (
            get(stmt(
                json!({"Condtion": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
            )),
            "unknown element `Condtion` (did you mean `Condition`?)",
        ),
        (
            get(stmt(
                json!({"Condition": {"StringEqualz": {"aws:username": "bob"}}}),
            )),
            "unknown condition operator `StringEqualz`",
        ),
        (
            get(stmt(json!({"Effect": "allow"}))),
            "`Effect` must be `Allow` or `Deny`",
        ),
        (
            get(
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}),
            ),
            "needs `Resource` or `NotResource`",
        ),
        (
            get(stmt(json!({"Principal": "*"}))),
            "cannot name a principal",
        ),
        (
            {
                let mut r = get(stmt(json!({})));
                r["identiy"] = r["identity"].take();
                r.as_object_mut().map(|o| o.remove("identity"));
                r
            },
            "unknown field `identiy` (did you mean `identity`?)",
        ),
    ];
    for (req, expected) in cases {
        let text = serde_json::to_string(&json!([req])).expect("json");
        let mut answers = Vec::new();
        decide_all(text.as_bytes(), &mut |_, id, r| {
            answers.push(answer(id, &r))
        })
        .expect("batch");
        let error = answers[0]["error"].as_str().unwrap_or_default().to_owned();
        assert!(error.contains(expected), "{expected}: {:#}", answers[0]);
        let one = decide(&req, &mut Cache::new());
        assert!(
            one.as_ref().is_err_and(|e| e.contains(expected)),
            "{expected}: {one:?}"
        );
    }
    // A resource-policy statement without `Principal` is decided: it applies to no one.
    let req = json!({"id": "p", "principal": "arn:aws:iam::111111111111:user/alice",
        "action": "s3:GetObject", "resource": "arn:aws:s3:::shop/k",
        "resource_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}});
    let a = answer(&json!("p"), &decide(&req, &mut Cache::new()));
    assert_eq!(a["decision"], json!("implicit_deny"), "{a:#}");
}
