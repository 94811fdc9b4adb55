//! The catalogue's own rules: unique codes and names, every check documented and mapped to a
//! CHECKLIST control, a failing and a passing fixture for every automated check, every control
//! in the coverage table, and generated docs up to date.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rampart_checks::controls::CONTROLS;
use rampart_checks::{Config, Context, docs, registry, run};
use rampart_model::{Inventory, Status, Timestamp};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load(path: &Path) -> Inventory {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixed_now() -> Timestamp {
    Timestamp::parse("2026-11-01T00:00:00Z").expect("timestamp")
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for c in registry::all() {
        let m = c.meta();
        assert!(codes.insert(m.code), "duplicate code {}", m.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        let (area, number) = m
            .code
            .split_once('-')
            .unwrap_or_else(|| panic!("code {} has no area", m.code));
        assert!(
            area.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "code {}",
            m.code
        );
        assert!(
            number.len() == 3 && number.chars().all(|c| c.is_ascii_digit()),
            "code {}",
            m.code
        );
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "name {} is not kebab-case",
            m.name
        );
        assert_eq!(
            registry::by_code(m.code).map(|c| c.meta().code),
            Some(m.code),
            "code round-trip"
        );
    }
}

#[test]
fn every_check_is_documented_and_mapped() {
    let ids: HashSet<&str> = CONTROLS.iter().map(|c| c.id).collect();
    for c in registry::all() {
        let m = c.meta();
        assert!(!m.title.is_empty(), "{} has no title", m.code);
        assert!(m.rationale.len() > 60, "{} rationale too short", m.code);
        assert!(
            m.remediation.text.len() > 30,
            "{} remediation too short",
            m.code
        );
        assert!(!m.controls.is_empty(), "{} serves no control", m.code);
        for control in m.controls {
            assert!(
                ids.contains(control),
                "{} names unknown control {control}",
                m.code
            );
        }
        if !m.manual {
            assert!(!m.inputs.is_empty(), "{} judges no input", m.code);
            assert!(
                !m.needs.is_empty(),
                "{} declares no data it reads: gaps could not apply",
                m.code
            );
        }
    }
}

#[test]
fn every_automated_check_has_a_failing_and_a_passing_fixture() {
    let config = Config::default();
    let mut missing = Vec::new();
    for c in registry::all() {
        let m = c.meta();
        // Manual checks judge nothing; checks of files only (DEPS-) are judged by a command
        // over the files, and tested with fixtures of their own crate (rampart-deps).
        if m.manual || rampart_checks::deps::judges_files_only(m) {
            continue;
        }
        let dir = fixture_dir().join(m.code);
        let (fail, pass) = (dir.join("fail.json"), dir.join("pass.json"));
        if !fail.exists() || !pass.exists() {
            missing.push(m.code);
            continue;
        }
        let inv = load(&fail);
        let ctx = Context::new(&inv, &config, inv.collected_at.unwrap_or_else(fixed_now));
        let out = run(&ctx, &[c]);
        assert!(
            out.findings
                .iter()
                .any(|f| f.status == Status::Fail && f.check == m.code),
            "{}: fail.json produced no failure: {:#?}",
            m.code,
            out.findings
        );
        let inv = load(&pass);
        let ctx = Context::new(&inv, &config, inv.collected_at.unwrap_or_else(fixed_now));
        let out = run(&ctx, &[c]);
        let fails: Vec<_> = out
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        assert!(
            fails.is_empty(),
            "{}: pass.json produced failures: {fails:#?}",
            m.code
        );
        assert!(
            out.findings
                .iter()
                .any(|f| f.status == Status::Pass && f.check == m.code),
            "{}: pass.json produced no pass",
            m.code
        );
    }
    assert!(
        missing.is_empty(),
        "checks without fixtures/<CODE>/{{fail,pass}}.json: {missing:?}"
    );
}

#[test]
fn every_control_is_in_the_coverage_table() {
    let md = docs::coverage_md();
    for c in CONTROLS {
        assert!(
            md.contains(&format!("| {} ", c.id)),
            "{} missing from coverage",
            c.id
        );
    }
}

#[test]
fn generated_docs_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    for (file, want) in [
        ("checks.md", docs::checks_md()),
        ("coverage.md", docs::coverage_md()),
    ] {
        // RAMPART_WRITE_DOCS=1 rewrites them (without building the CLI).
        if std::env::var_os("RAMPART_WRITE_DOCS").is_some() {
            std::fs::write(root.join(file), &want).expect("write docs");
        }
        let have = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            have == want,
            "docs/{file} is stale: run `cargo run -p rampart-cli -- checks docs --write docs` (or this test with RAMPART_WRITE_DOCS=1) and commit it"
        );
    }
}

#[test]
fn a_gap_turns_passes_into_not_assessed() {
    let mut inv = load(&fixture_dir().join("S3-003/pass.json"));
    inv.gaps.push(
        rampart_model::Gap::new(
            rampart_model::data::S3_BUCKET_VERSIONING,
            "s3:GetBucketVersioning",
            "access denied",
        )
        .with_code("AccessDenied"),
    );
    let config = Config::default();
    let ctx = Context::new(&inv, &config, fixed_now());
    let check = registry::by_code("S3-003").expect("S3-003");
    let out = run(&ctx, &[check]);
    assert!(
        out.findings.iter().all(|f| f.status != Status::Pass),
        "{:#?}",
        out.findings
    );
    let na: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.status == Status::NotAssessed)
        .collect();
    assert_eq!(na.len(), 1);
    assert!(na[0].message.contains("s3:GetBucketVersioning"));
    assert!(na[0].message.contains("AccessDenied"));
}

#[test]
fn a_resource_gap_withholds_that_resources_failure() {
    // S3-003 on a bucket whose versioning could not be read: the field holds its default
    // (disabled), which is not a fact, so the result must be not_assessed, not fail.
    let mut inv = load(&fixture_dir().join("S3-003/fail.json"));
    inv.gaps.push(
        rampart_model::Gap::new(
            rampart_model::data::S3_BUCKET_VERSIONING,
            "s3:GetBucketVersioning",
            "unparseable response",
        )
        .for_resource("arn:aws:s3:::shop-assets"),
    );
    let config = Config::default();
    let ctx = Context::new(&inv, &config, fixed_now());
    let check = registry::by_code("S3-003").expect("S3-003");
    let out = run(&ctx, &[check]);
    let on = |arn: &str, status: Status| {
        out.findings
            .iter()
            .any(|f| f.resource == arn && f.status == status)
    };
    assert!(
        !on("arn:aws:s3:::shop-assets", Status::Fail),
        "{:#?}",
        out.findings
    );
    assert!(on("arn:aws:s3:::shop-assets", Status::NotAssessed));
    assert!(
        on("arn:aws:s3:::shop-backups", Status::Fail),
        "other buckets are still judged"
    );
}
