//! A batch read request by request (`batch::decide_all`): the array form and the shared-policy
//! form (`{"policies", "requests"}` with `{"ref": NAME}`) decide alike; the shapes that are not
//! a batch are refused with their place.

use rampart_policy::batch::{Cache, decide, decide_all, write_answer};
use rampart_policy::eval::Decision;
use serde_json::{Value, json};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";

fn read_objects() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shop/*"}]})
}

fn no_delete() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]})
}

fn requests(identity: &dyn Fn() -> Value) -> Vec<Value> {
    ["s3:GetObject", "s3:DeleteObject", "s3:PutObject"]
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({"id": i, "principal": ALICE, "action": a,
                   "resource": "arn:aws:s3:::shop/k", "identity": identity()})
        })
        .collect()
}

/// One answer as seen: position, id, decision (or why unread), names of the deciding policies.
type Seen = (usize, Value, Result<Decision, String>, Vec<String>);

fn run(text: &str) -> Vec<Seen> {
    let mut got = Vec::new();
    let n = decide_all(text.as_bytes(), &mut |i, id, r| {
        let names = r
            .as_ref()
            .map(|e| e.deciding.iter().map(|d| d.policy.clone()).collect())
            .unwrap_or_default();
        got.push((i, id.clone(), r.map(|e| e.decision), names));
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(n, got.len());
    got
}

#[test]
fn array_and_shared_forms_decide_alike_and_shared_policies_keep_their_names() {
    let inline = json!(requests(&|| json!([read_objects(), no_delete()])));
    let shared = json!({
        "policies": {"read-objects": read_objects(), "no-delete": no_delete()},
        "requests": requests(&|| json!([{"ref": "read-objects"}, {"ref": "no-delete"}])),
    });
    let a = run(&inline.to_string());
    let b = run(&shared.to_string());
    let decisions = |v: &[Seen]| {
        v.iter()
            .map(|(i, id, d, _)| (*i, id.clone(), d.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(decisions(&a), decisions(&b));
    assert_eq!(
        decisions(&a),
        vec![
            (0, json!(0), Ok(Decision::Allow)),
            (1, json!(1), Ok(Decision::ExplicitDeny)),
            (2, json!(2), Ok(Decision::ImplicitDeny)),
        ]
    );
    // The deciding statements name the shared policy, not a position.
    assert_eq!(a[0].3, vec!["identity[0]".to_owned()]);
    assert_eq!(b[0].3, vec!["read-objects".to_owned()]);
    assert_eq!(b[1].3, vec!["no-delete".to_owned()]);
}

#[test]
fn one_request_at_a_time_gives_what_decide_gives() {
    let reqs = requests(&|| json!([read_objects(), no_delete()]));
    let streamed = run(&json!(reqs).to_string());
    let mut cache = Cache::new();
    for (r, (_, _, d, _)) in reqs.iter().zip(&streamed) {
        let one = decide(r, &mut cache).map(|e| e.decision);
        assert_eq!(&one, d);
    }
}

#[test]
fn an_unknown_reference_is_an_error_of_its_request_only() {
    let text = json!({
        "policies": {"read-objects": read_objects()},
        "requests": [
            {"id": "a", "principal": ALICE, "action": "s3:GetObject",
             "resource": "arn:aws:s3:::shop/k", "identity": [{"ref": "read-objects"}]},
            {"id": "b", "principal": ALICE, "action": "s3:GetObject",
             "resource": "arn:aws:s3:::shop/k", "identity": [{"ref": "missing"}]},
        ],
    })
    .to_string();
    let got = run(&text);
    assert_eq!(got[0].2, Ok(Decision::Allow));
    let err = got[1].2.clone().expect_err("unknown ref");
    assert!(err.contains("no shared policy `missing`"), "{err}");
}

#[test]
fn shapes_that_are_not_a_batch_are_refused_with_their_place() {
    let refuse = |text: &str, what: &str| {
        let e = decide_all(text.as_bytes(), &mut |_, _, _| {}).expect_err(text);
        assert!(e.to_string().contains(what), "{text}: {e}");
        e
    };
    refuse(r#"{"requests": [], "policies": {}}"#, "must come before");
    refuse(r#"{"policies": {}}"#, "missing field `requests`");
    refuse(
        r#"{"policy": {}, "requests": []}"#,
        "unknown batch field `policy`",
    );
    refuse(r#""text""#, "a batch");
    let e = refuse("[\n{\"id\": 1},\n{\"id\": 2,,}\n]", "key must be a string");
    assert_eq!(e.line(), 3);
    // Trailing text after the batch is refused too.
    refuse("[] []", "trailing");
}

#[test]
fn written_answers_are_the_documented_fields() {
    let reqs = requests(&|| json!([read_objects(), no_delete()]));
    let mut cache = Cache::new();
    let r = decide(&reqs[1], &mut cache);
    let mut out = Vec::new();
    write_answer(&mut out, &json!("x"), &r).expect("write");
    let v: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v, rampart_policy::batch::answer(&json!("x"), &r));
    assert_eq!(v["decision"], "explicit_deny");
    assert_eq!(v["deciding"][0]["sid"], "NoDelete");
}
