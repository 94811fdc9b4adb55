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

/// A small deterministic generator (xorshift), so the mixed batch is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap_or(0)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Policy documents of every shape the engine reads: conditions, NotAction, variables,
/// principals of every kind, NotPrincipal, trust and key policies.
fn pool() -> Vec<Value> {
    let s = |effect: &str, action: Value, resource: Value| json!({"Effect": effect, "Action": action, "Resource": resource});
    let with = |mut st: Value, key: &str, v: Value| {
        st[key] = v;
        st
    };
    let doc = |sts: Vec<Value>| json!({"Version": "2012-10-17", "Statement": sts});
    vec![
        doc(vec![with(
            s("Allow", json!("s3:GetObject"), json!("arn:aws:s3:::shop/*")),
            "Sid",
            json!("Read"),
        )]),
        doc(vec![s("Allow", json!(["s3:*", "sqs:Send*"]), json!("*"))]),
        doc(vec![with(
            s("Deny", json!("s3:DeleteObject"), json!("*")),
            "Sid",
            json!("NoDelete"),
        )]),
        doc(vec![with(
            s("Allow", json!("*"), json!("*")),
            "Condition",
            json!({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}),
        )]),
        doc(vec![with(
            s(
                "Allow",
                json!("s3:*"),
                json!("arn:aws:s3:::shop/${aws:username}/*"),
            ),
            "Condition",
            json!({"Bool": {"aws:SecureTransport": "true"}}),
        )]),
        doc(vec![
            json!({"Effect": "Deny", "NotAction": ["s3:Get*", "kms:*"], "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}}),
        ]),
        doc(vec![with(
            s("Allow", json!(["ec2:*", "lambda:*"]), json!("*")),
            "Condition",
            json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        )]),
        doc(vec![with(
            s("Allow", json!("s3:GetObject"), json!("*")),
            "Principal",
            json!({"AWS": "111111111111"}),
        )]),
        doc(vec![with(
            s("Allow", json!("*"), json!("*")),
            "Principal",
            json!("*"),
        )]),
        doc(vec![with(
            with(s("Deny", json!("*"), json!("*")), "Principal", json!("*")),
            "Condition",
            json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}),
        )]),
        doc(vec![with(
            s("Allow", json!("sts:AssumeRole"), Value::Null),
            "Principal",
            json!({"AWS": "arn:aws:iam::111111111111:role/app"}),
        )]),
        doc(vec![with(
            s("Allow", json!("kms:*"), json!("*")),
            "Principal",
            json!({"AWS": "arn:aws:iam::111111111111:root"}),
        )]),
        doc(vec![
            json!({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
            "Action": "s3:*", "Resource": "*"}),
        ]),
        doc(vec![with(
            s("Allow", json!("s3:GetObject"), json!("*")),
            "Principal",
            json!({"Service": "cloudtrail.amazonaws.com"}),
        )]),
    ]
}

/// The pool's policies that name no principal (identity, boundary, session, SCP); the rest do
/// (resource, RCP, endpoint). A policy of the wrong side is a policy AWS refuses there, which
/// the reader answers with an error, so each side draws from its own part of the pool.
const NO_PRINCIPAL: std::ops::Range<usize> = 0..7;
const PRINCIPALS: std::ops::Range<usize> = 7..14;

/// A policy as a request may write it: inline (compact or spread over lines), as a JSON
/// string, named, by reference, or something that is not a policy.
fn policy_text(
    rng: &mut Rng,
    pool: &[Value],
    shared: bool,
    side: std::ops::Range<usize>,
) -> String {
    let i = side.start + rng.below(side.len().min(pool.len() - side.start));
    let p = &pool[i];
    match rng.below(20) {
        0..=5 if shared => format!("{{\"ref\": \"p{i}\"}}"),
        0..=7 => p.to_string(),
        8 | 9 => serde_json::to_string_pretty(p).unwrap_or_default(),
        10 | 11 => json!(p.to_string()).to_string(),
        12 => json!({"name": format!("named-{i}"), "document": p}).to_string(),
        13 => json!({"name": 7, "document": p}).to_string(),
        14 => "{\"ref\": \"missing\"}".to_owned(),
        15 => "42".to_owned(),
        16 => json!("{\"Statement\": [ oops ]}").to_string(),
        _ => p.to_string(),
    }
}

fn policy_list_text(
    rng: &mut Rng,
    pool: &[Value],
    shared: bool,
    n: usize,
    side: std::ops::Range<usize>,
) -> String {
    let items: Vec<String> = (0..n)
        .map(|_| policy_text(rng, pool, shared, side.clone()))
        .collect();
    format!("[{}]", items.join(", "))
}

/// One request as text: mostly well formed, sometimes with a mistake the reader must report,
/// a field given twice, escapes, numbers and booleans in the context, or not an object.
fn request_text(rng: &mut Rng, n: usize, pool: &[Value], shared: bool) -> String {
    if rng.chance(2) {
        return rng
            .pick(&["[1, 2]", "\"text\"", "null", "3", "true"])
            .to_string();
    }
    let mut fields: Vec<String> = Vec::new();
    let mut field = |k: &str, v: String| fields.push(format!("\"{k}\": {v}"));
    let id = match rng.below(10) {
        0 => "\"r\\u0041\"".to_owned(),
        1 => "1.5".to_owned(),
        2 => "{\"n\": [1, 2]}".to_owned(),
        3 => String::new(),
        _ => n.to_string(),
    };
    if !id.is_empty() {
        field("id", id);
    }
    let principal = *rng.pick(&[
        "\"arn:aws:iam::111111111111:user/alice\"",
        "\"arn:aws:iam::111111111111:user/bob\"",
        "\"arn:aws:sts::111111111111:assumed-role/app/s\"",
        "\"arn:aws:iam::222222222222:user/carol\"",
        "\"arn:aws:iam::111111111111:root\"",
        "\"111111111111\"",
        "\"cloudtrail.amazonaws.com\"",
        "\"arn:aws:iam::111111111111:role/aws-service-role/x/AWSServiceRoleForX\"",
        "null",
        "",
        "5",
    ]);
    if !principal.is_empty() {
        field("principal", principal.to_owned());
    }
    let (action, resource) = *rng.pick(&[
        ("\"s3:GetObject\"", "\"arn:aws:s3:::shop/alice/k\""),
        ("\"s3:GetObject\"", "\"arn:aws:s3:::shop/k\""),
        ("\"s3:Get\\u004fbject\"", "\"arn:aws:s3:::shop/k\""),
        ("\"s3:DeleteObject\"", "\"arn:aws:s3:::shop/k\""),
        (
            "\"sqs:SendMessage\"",
            "\"arn:aws:sqs:eu-west-1:111111111111:q\"",
        ),
        (
            "\"kms:Decrypt\"",
            "\"arn:aws:kms:eu-west-1:111111111111:key/k1\"",
        ),
        ("\"ec2:DescribeInstances\"", "\"*\""),
        (
            "\"lambda:InvokeFunction\"",
            "\"arn:aws:lambda:eu-west-1:222222222222:function:f\"",
        ),
        (
            "\"sts:AssumeRole\"",
            "\"arn:aws:iam::111111111111:role/target\"",
        ),
        ("\"sts:GetCallerIdentity\"", "\"*\""),
        (
            "\"iam:CreatePolicyVersion\"",
            "\"arn:aws:iam::aws:policy/X\"",
        ),
        ("\"s3:GetObject\"", ""),
        ("", "\"*\""),
        ("7", "\"*\""),
    ]);
    if !action.is_empty() {
        field("action", action.to_owned());
    }
    if !resource.is_empty() {
        field("resource", resource.to_owned());
    }
    match rng.below(10) {
        0 => field("resource_account", "\"222222222222\"".into()),
        1 => field("resource_account", "null".into()),
        2 => field("resource_account", "\"12\"".into()),
        _ => {}
    }
    if rng.chance(5) {
        field("management_account", "\"111111111111\"".into());
    }
    match rng.below(12) {
        0 => {}
        1 => field("context", "null".into()),
        2 => field("context", "{\"aws:SourceIp\": 1.5}".into()),
        3 => field("context", "{\"aws:SourceIp\": null}".into()),
        4 => field(
            "context",
            "{\"aws:SourceIp\": \"10.0.0.1\", \"aws:SourceIp\": \"192.0.2.1\"}".into(),
        ),
        5 => field("context", "[\"x\"]".into()),
        _ => field(
            "context",
            format!(
                "{{\"aws:RequestedRegion\": {}, \"AWS:SecureTransport\": {}, \"aws:sourceip\": \"10.1.2.3\", \"aws:TagKeys\": {}, \"s3:max-keys\": {}, \"aws:PrincipalOrgID\": {}}}",
                rng.pick(&[
                    "\"eu-west-1\"",
                    "\"ap-south-1\"",
                    "[\"eu-west-1\", \"us-east-1\"]"
                ]),
                rng.pick(&["true", "\"true\"", "\"false\""]),
                rng.pick(&["[]", "[\"team\"]", "[\"team\", \"cost\"]"]),
                rng.pick(&["5", "-3", "\"20\""]),
                rng.pick(&["\"o-1\"", "\"o-2\"", "[]"]),
            ),
        ),
    }
    let k = rng.below(4);
    field(
        "identity",
        policy_list_text(rng, pool, shared, k, NO_PRINCIPAL),
    );
    match rng.below(6) {
        0 => field("resource_policy", "null".into()),
        1 => field(
            "resource_policy",
            policy_list_text(rng, pool, shared, 2, PRINCIPALS),
        ),
        2 | 3 => field(
            "resource_policy",
            policy_text(rng, pool, shared, PRINCIPALS),
        ),
        _ => {}
    }
    match rng.below(8) {
        0 => field("boundary", "[]".into()),
        1 => field(
            "boundary",
            policy_list_text(rng, pool, shared, 1, NO_PRINCIPAL),
        ),
        2 => field("boundary", policy_text(rng, pool, shared, NO_PRINCIPAL)),
        3 => field("boundary", "\"not a list\"".into()),
        _ => {}
    }
    if rng.chance(15) {
        field("session", policy_text(rng, pool, shared, NO_PRINCIPAL));
    }
    match rng.below(8) {
        0 => field(
            "scps",
            format!(
                "[[{}], {}]",
                pool[1],
                policy_list_text(rng, pool, shared, 1, NO_PRINCIPAL)
            ),
        ),
        1 => field(
            "scps",
            format!("[{}]", policy_text(rng, pool, shared, NO_PRINCIPAL)),
        ),
        2 => field("scps", "[3]".into()),
        3 => field("scps", "{}".into()),
        _ => {}
    }
    match rng.below(6) {
        0 => field("rcps", format!("[[{}, {}]]", pool[8], pool[9])),
        1 => field("rcps", format!("[[{}]]", pool[7])),
        _ => {}
    }
    if rng.chance(10) {
        field("endpoint", policy_text(rng, pool, shared, PRINCIPALS));
    }
    if rng.chance(5) {
        // A field given twice: the last one counts, as in a JSON tree.
        field("action", "\"s3:PutObject\"".into());
    }
    if rng.chance(5) {
        field("note", "{\"free\": [\"text\"]}".into());
    }
    format!("{{{}}}", fields.join(", "))
}

/// Every answer of the streamed reader is the answer of the tree reader (`decide`, one request
/// at a time), on a mixed batch of both forms with every shape and mistake a request can have.
#[test]
fn streamed_answers_are_the_tree_readers_answers_on_a_mixed_batch() {
    let pool = pool();
    for shared in [false, true] {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(shared));
        let texts: Vec<String> = (0..3000)
            .map(|n| request_text(&mut rng, n, &pool, shared))
            .collect();
        let declared: serde_json::Map<String, Value> = pool
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{i}"), p.clone()))
            .collect();
        let batch = if shared {
            format!(
                "{{\"policies\": {}, \"requests\": [\n{}\n]}}",
                Value::Object(declared.clone()),
                texts.join(",\n")
            )
        } else {
            format!("[\n{}\n]", texts.join(",\n"))
        };
        let mut streamed = Vec::new();
        let n = decide_all(batch.as_bytes(), &mut |_, id, r| {
            streamed.push(rampart_policy::batch::answer(id, &r));
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, texts.len());
        let mut cache = Cache::new();
        cache.share(declared);
        let mut seen = std::collections::BTreeMap::new();
        for (text, got) in texts.iter().zip(&streamed) {
            let tree: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let id = tree.get("id").cloned().unwrap_or(Value::Null);
            let want = rampart_policy::batch::answer(&id, &decide(&tree, &mut cache));
            assert_eq!(got, &want, "shared form: {shared}; request {text}");
            let kind = got
                .get("decision")
                .and_then(Value::as_str)
                .unwrap_or("error")
                .to_owned();
            *seen.entry(kind).or_insert(0usize) += 1;
        }
        // The batch exercises every outcome, in numbers.
        for kind in ["allow", "explicit_deny", "implicit_deny", "error"] {
            assert!(
                seen.get(kind).copied().unwrap_or(0) >= 50,
                "{kind}: {seen:?}"
            );
        }
    }
}

#[test]
fn a_shared_policy_declared_twice_is_refused_where_the_second_is() {
    let text = format!(
        "{{\"policies\": {{\n\"read\": {},\n\"read\": {}\n}},\n\"requests\": []}}",
        read_objects(),
        no_delete()
    );
    let e = decide_all(text.as_bytes(), &mut |_, _, _| {}).expect_err("declared twice");
    assert!(
        e.to_string()
            .contains("shared policy `read` is declared twice under `policies`"),
        "{e}"
    );
    assert_eq!(e.line(), 3, "{e}");
    // Two `policies` objects would do the same silently: refused too.
    let text = format!(
        "{{\"policies\": {{\"a\": {}}},\n\"policies\": {{\"a\": {}}}, \"requests\": []}}",
        read_objects(),
        no_delete()
    );
    let e = decide_all(text.as_bytes(), &mut |_, _, _| {}).expect_err("policies twice");
    assert!(e.to_string().contains("`policies` is given twice"), "{e}");
    assert_eq!(e.line(), 2, "{e}");
}

#[test]
fn a_batch_that_is_not_utf8_is_refused_with_its_place() {
    let e = decide_all(b"[\n{\"id\": \"a\xffb\"}\n]", &mut |_, _, _| {}).expect_err("not UTF-8");
    assert_eq!(e.line(), 2, "{e}");
    // The same batch in UTF-8 is read.
    let n = decide_all("[\n{\"id\": \"a\u{e9}b\"}\n]".as_bytes(), &mut |_, _, _| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(n, 1);
}
