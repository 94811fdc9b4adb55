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
