//! Waiver matching, expiry and unused waivers; baselines read back from a JSON report.

mod common;

use rampart_model::Status;
use rampart_report::waivers::{self, WaiverError};
use rampart_report::{Baseline, Format, Waiver};

fn waiver(check: &str, resource: &str, expires: Option<&str>) -> Waiver {
    Waiver {
        check: check.into(),
        resource: resource.into(),
        reason: "accepted by the risk board".into(),
        expires: expires.map(str::to_owned),
    }
}

fn day(s: &str) -> time::Date {
    waivers::parse_date(s).expect("date")
}

#[test]
fn a_matching_waiver_waives_failures_only() {
    let mut findings = common::findings();
    let applied = waivers::apply(
        &mut findings,
        &[waiver("s3-003", "arn:aws:s3:::*", None)],
        day("2026-11-22"),
    )
    .expect("apply");
    // Two S3-003 failures have ARNs (the hostile bucket and shop-assets); the IaC one and the
    // pass do not match or are not failures.
    assert_eq!(applied.waived, 2);
    assert!(applied.warnings.is_empty());
    let waived: Vec<&str> = findings
        .iter()
        .filter(|f| f.status == Status::Waived)
        .map(|f| f.resource.as_str())
        .collect();
    assert_eq!(
        waived,
        [
            format!("arn:aws:s3:::{}", common::HOSTILE).as_str(),
            "arn:aws:s3:::shop-assets"
        ]
    );
    assert!(
        findings
            .iter()
            .filter(|f| f.status == Status::Waived)
            .all(|f| f.waiver_reason.is_some())
    );
    assert!(
        findings.iter().any(|f| f.status == Status::Pass),
        "a pass stays a pass"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.status == Status::Fail && f.resource.starts_with("infra/main.tf"))
    );
}

#[test]
fn the_glob_is_anchored_and_checks_must_match() {
    let mut findings = common::findings();
    let applied = waivers::apply(
        &mut findings,
        &[
            waiver("S3-003", "shop-assets", None),
            waiver("ROOT-001", "arn:aws:s3:::shop-assets", None),
        ],
        day("2026-11-22"),
    )
    .expect("apply");
    assert_eq!(applied.waived, 0);
    assert_eq!(applied.warnings.len(), 2);
    assert!(applied.warnings.iter().all(|w| w.kind == "unused-waiver"));
}

#[test]
fn a_waiver_applies_through_its_last_day_and_then_expires() {
    let list = [waiver("ROOT-001", "*", Some("2026-11-22"))];
    let mut on_the_day = common::findings();
    let applied = waivers::apply(&mut on_the_day, &list, day("2026-11-22")).expect("apply");
    assert_eq!(applied.waived, 1);
    assert!(applied.warnings.is_empty());

    let mut day_after = common::findings();
    let applied = waivers::apply(&mut day_after, &list, day("2026-11-23")).expect("apply");
    assert_eq!(applied.waived, 0);
    assert_eq!(applied.warnings.len(), 1);
    assert_eq!(applied.warnings[0].kind, "expired-waiver");
    assert!(applied.warnings[0].message.contains("2026-11-22"));
    assert!(
        day_after
            .iter()
            .any(|f| f.check == "ROOT-001" && f.status == Status::Fail)
    );
}

#[test]
fn bad_waivers_are_errors() {
    let mut findings = common::findings();
    let mut no_reason = waiver("S3-003", "*", None);
    no_reason.reason = "  ".into();
    assert!(matches!(
        waivers::apply(&mut findings, &[no_reason], day("2026-11-22")),
        Err(WaiverError::NoReason { index: 1, .. })
    ));
    let bad_date = waiver("S3-003", "*", Some("31/12/2026"));
    let err = waivers::apply(
        &mut findings,
        &[waiver("S3-003", "x", None), bad_date],
        day("2026-11-22"),
    )
    .expect_err("bad date");
    assert!(
        matches!(err, WaiverError::BadDate { index: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("31/12/2026"));
}

#[test]
fn the_first_matching_waiver_gives_the_reason() {
    let mut findings = common::findings();
    let mut first = waiver("S3-003", "arn:aws:s3:::shop-*", None);
    first.reason = "first".into();
    let mut second = waiver("S3-003", "*", None);
    second.reason = "second".into();
    let applied =
        waivers::apply(&mut findings, &[first, second], day("2026-11-22")).expect("apply");
    let assets = findings
        .iter()
        .find(|f| f.resource == "arn:aws:s3:::shop-assets")
        .expect("assets");
    assert_eq!(assets.waiver_reason.as_deref(), Some("first"));
    assert_eq!(
        applied.waived, 4,
        "every S3-003 failure is waived by one of them"
    );
}

#[test]
fn a_baseline_reads_back_a_json_report() {
    let json = common::render(Format::Json);
    let baseline = Baseline::parse(&json, "report.json").expect("baseline");
    assert_eq!(baseline.len(), common::findings().len());
    let doc = common::document();
    assert!(doc.report.findings.iter().all(|f| baseline.contains(f)));
    let c = baseline.compare(&doc.report.findings);
    assert_eq!(
        (c.new, c.absent),
        (0, 1),
        "the pass is in the baseline but not compared"
    );

    // A finding that changes resource is new.
    let mut moved = doc.report.findings[0].clone();
    moved.resource.push_str("-2");
    assert!(!baseline.contains(&moved));
}

#[test]
fn a_baseline_without_fingerprints_computes_them() {
    let doc = common::document();
    let report = serde_json::to_string(&doc.report).expect("plain report");
    assert!(!report.contains("fingerprint"));
    let baseline = Baseline::parse(&report, "old.json").expect("baseline");
    assert!(doc.report.findings.iter().all(|f| baseline.contains(f)));
}

#[test]
fn a_bad_baseline_is_located() {
    let err = Baseline::parse("{\n  \"findings\": [\n    {\"check\": 1}\n  ]\n}", "b.json")
        .expect_err("bad");
    assert!(err.to_string().starts_with("b.json:"), "{err}");
    let err = Baseline::parse("{\n  \"findings\": 3\n}", "b.json").expect_err("bad");
    assert!(err.to_string().starts_with("b.json:2:"), "{err}");
}
