//! One failing and one passing fixture per resource kind and per construct
//! (`tests/fixtures/<case>/{fail,pass}/`, the check in `<case>/CHECK`): the failing one must
//! give a failure of that check located in the fixture, the passing one a pass and no failure.

mod common;

use std::path::{Path, PathBuf};

use rampart_model::Status;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures exist")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("CHECK").is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_construct_fails_and_passes() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the fixture table, found {}",
        cases.len()
    );
    let mut problems = Vec::new();
    for case in &cases {
        let code = std::fs::read_to_string(case.join("CHECK"))
            .expect("CHECK")
            .trim()
            .to_owned();
        assert!(
            rampart_checks::registry::by_code(&code).is_some(),
            "{}: unknown check {code}",
            case.display()
        );
        let fail = common::read(&case.join("fail"), &[]);
        assert!(
            fail.errors.is_empty(),
            "{}: {:?}",
            case.display(),
            fail.errors
        );
        let results = common::audit(&fail.inventory);
        let failures = common::of(&results, &code, Status::Fail);
        if failures.is_empty() {
            problems.push(format!("{}: no {code} failure", case.display()));
        }
        for f in failures {
            let loc = f
                .location
                .as_ref()
                .map(|l| l.file.clone())
                .unwrap_or_default();
            if !loc.contains(case.file_name().and_then(|n| n.to_str()).unwrap_or("?"))
                || f.location.as_ref().and_then(|l| l.line).is_none()
            {
                problems.push(format!(
                    "{}: {code} failure without file:line ({loc})",
                    case.display()
                ));
            }
        }
        let pass = common::read(&case.join("pass"), &[]);
        let results = common::audit(&pass.inventory);
        if !common::of(&results, &code, Status::Fail).is_empty() {
            problems.push(format!(
                "{}: {code} fails on the passing fixture",
                case.display()
            ));
        }
        if common::of(&results, &code, Status::Pass).is_empty() {
            problems.push(format!(
                "{}: no {code} pass on the passing fixture",
                case.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn if_branch_failure_names_the_branch() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cfn-if-both-branches/fail");
    let loaded = common::read(&dir, &[]);
    let results = common::audit(&loaded.inventory);
    let failures = common::of(&results, "EC2-003", Status::Fail);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].resource.contains("IsProd=false"),
        "{}",
        failures[0].resource
    );
}

#[test]
fn var_file_overrides_defaults() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tf-tfvars/pass");
    let tmp = tempfile::tempdir().expect("tempdir");
    let vars = tmp.path().join("open.tfvars");
    std::fs::write(&vars, "admin_cidr = \"0.0.0.0/0\"\n").expect("write");
    let loaded = common::read(&dir, &[vars]);
    let results = common::audit(&loaded.inventory);
    assert!(!common::of(&results, "EC2-003", Status::Fail).is_empty());
}
