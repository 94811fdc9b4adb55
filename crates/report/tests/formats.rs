//! Snapshot tests of every format on one shared report, plus the properties each format must
//! keep whatever the snapshot says.

mod common;

use common::{HOSTILE, render};
use rampart_report::Format;

#[test]
fn text() {
    let out = render(Format::Text);
    assert!(out.contains("WAIVED") && out.contains("static assets are rebuilt from git"));
    assert!(out.contains("unused-waiver") && out.contains("expired-waiver"));
    assert!(out.contains("COMPLIANCE"));
    insta::assert_snapshot!("text", out);
}

#[test]
fn json() {
    let out = render(Format::Json);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    for key in [
        "tool",
        "inputs",
        "findings",
        "gaps",
        "summary",
        "warnings",
        "compliance",
        "baseline",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .all(|f| f["fingerprint"].as_str().is_some_and(|s| s.len() == 16))
    );
    assert!(
        findings.iter().any(|f| f["status"] == "waived"
            && f["waiver_reason"] == "static assets are rebuilt from git")
    );
    // ROOT-001's waiver expired, so it fails again, but it is in the baseline.
    assert_eq!(v["baseline"]["unchanged"], 1);
    assert_eq!(v["baseline"]["new"], 6);
    assert_eq!(v["baseline"]["absent"], 1);
    insta::assert_json_snapshot!("json", v);
}

#[test]
fn sarif() {
    let out = render(Format::Sarif);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    insta::assert_json_snapshot!("sarif", v);
}

#[test]
fn ocsf() {
    let out = render(Format::Ocsf);
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(events.len(), common::findings().len());
    insta::assert_json_snapshot!("ocsf", events);
}

#[test]
fn asff() {
    let out = render(Format::Asff);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON array");
    insta::assert_json_snapshot!("asff", v);
}

#[test]
fn junit() {
    let out = render(Format::Junit);
    insta::assert_snapshot!("junit", out);
}

#[test]
fn csv() {
    let out = render(Format::Csv);
    assert!(out.contains("\"'=HYPERLINK"), "formula cells are defused");
    insta::assert_snapshot!("csv", out);
}

#[test]
fn html() {
    let out = render(Format::Html);
    assert!(
        !out.contains(HOSTILE),
        "the hostile name never appears unescaped"
    );
    let start = out
        .find("<script id=\"rampart-data\" type=\"application/json\">")
        .expect("data element");
    let data_start = start + "<script id=\"rampart-data\" type=\"application/json\">".len();
    let data_end = data_start + out[data_start..].find("</script>").expect("end of data");
    let data: serde_json::Value =
        serde_json::from_str(&out[data_start..data_end]).expect("embedded JSON");
    let resources: Vec<&str> = data["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f[3].as_str())
        .collect();
    assert!(
        resources.contains(&format!("arn:aws:s3:::{HOSTILE}").as_str()),
        "the JSON round-trips the name"
    );
    // The page without its script and style (which have their own tests): head, CSP and data.
    let head_end = out.find("<style>").expect("style");
    insta::assert_snapshot!("html_head", &out[..head_end]);
    insta::assert_json_snapshot!("html_data", data);
}
