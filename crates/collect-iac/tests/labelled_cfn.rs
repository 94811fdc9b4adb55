//! The CloudFormation half of the labelled set (issue 13): one directory per case under
//! `tests/labelled/cfn/`, holding the template(s) and a `labels` file with the verdict an auditor
//! gives each declared resource from the CloudFormation resource reference (and the AWS
//! documentation of what a property means), in the layout of lane i13's shared scorer
//! (`tests/labelled.rs` there), one label a line:
//!
//! ```text
//! # CHECK   STATUS        RESOURCE (FILE:LogicalId relative to the case)   # why
//! S3-100    fail          template.yaml:PublicRead    # AllUsers READ
//! S3-003    fail          template.yaml:Artifacts[IsProd=false]   # one branch of a condition
//! error     template.yaml:12                          (a located error the reader must report)
//! ```
//!
//! A resource's status for a check is `fail` when any of its results fails, else `not_assessed`
//! when any is, else `pass` (`none`: no result). Any difference fails the test: a label whose
//! status differs, a failure of a labelled check on a resource the case does not label, and a
//! located error not labelled (or labelled and not reported). Once the shared scorer is merged
//! it reads these cases too, and this file can go.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rampart_model::Status;

/// The least number of labelled CloudFormation resources (the set must not silently shrink).
const MIN_RESOURCES: usize = 70;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/labelled/cfn")
}

enum Label {
    Verdict(String, String, String),
    Error(String, u32),
}

fn labels(case: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(case.join("labels")).expect("labels");
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["error", at] => {
                let (f, l) = at.rsplit_once(':').expect("error FILE:LINE");
                out.push(Label::Error(f.to_owned(), l.parse().expect("a line")));
            }
            [check, status, resource] => {
                assert!(
                    matches!(*status, "fail" | "pass" | "not_assessed" | "none"),
                    "{}:{}: unknown status {status}",
                    case.display(),
                    n + 1
                );
                out.push(Label::Verdict(
                    (*check).to_owned(),
                    (*status).to_owned(),
                    (*resource).to_owned(),
                ));
            }
            _ => panic!("{}:{}: cannot read `{line}`", case.display(), n + 1),
        }
    }
    out
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Fail => "fail",
        Status::Pass => "pass",
        Status::NotAssessed => "not_assessed",
        _ => "other",
    }
}

fn summary(statuses: Option<&BTreeSet<&'static str>>) -> &'static str {
    let Some(s) = statuses else { return "none" };
    ["fail", "not_assessed", "pass"]
        .into_iter()
        .find(|k| s.contains(k))
        .unwrap_or("none")
}

#[test]
fn labelled_cloudformation_verdicts() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("labelled set")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("labels").is_file())
        .collect();
    cases.sort();
    let mut problems = Vec::new();
    let mut resources = BTreeSet::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!("{}/", case.display());
        let loaded = common::read(case, &[]);
        let mut got: BTreeMap<(String, String), BTreeSet<&'static str>> = BTreeMap::new();
        for f in common::audit(&loaded.inventory) {
            let r = f.resource.strip_prefix(&prefix).unwrap_or(&f.resource);
            got.entry((f.check.clone(), r.to_owned()))
                .or_default()
                .insert(status_name(f.status));
        }
        let mut labelled = BTreeSet::new();
        let mut expected_errors = Vec::new();
        for l in labels(case) {
            match l {
                Label::Verdict(check, status, resource) => {
                    resources.insert(format!("{name}/{resource}"));
                    let actual = summary(got.get(&(check.clone(), resource.clone())));
                    if actual != status {
                        problems.push(format!(
                            "cfn/{name}: {check} on {resource}: expected {status}, got {actual}"
                        ));
                    }
                    labelled.insert((check, resource));
                }
                Label::Error(f, l) => expected_errors.push((f, l)),
            }
        }
        let checks: BTreeSet<&String> = labelled.iter().map(|(c, _)| c).collect();
        for ((check, resource), statuses) in &got {
            if checks.contains(check)
                && statuses.contains("fail")
                && !labelled.contains(&(check.clone(), resource.clone()))
            {
                problems.push(format!(
                    "cfn/{name}: {check} fails on unlabelled {resource}"
                ));
            }
        }
        let errors: Vec<(String, u32)> = loaded
            .errors
            .iter()
            .map(|e| {
                let f = e.file.strip_prefix(&prefix).unwrap_or(&e.file);
                (f.to_owned(), e.line)
            })
            .collect();
        for e in &expected_errors {
            if !errors.contains(e) {
                problems.push(format!(
                    "cfn/{name}: expected an error at {}:{}, got {errors:?}",
                    e.0, e.1
                ));
            }
        }
        for e in &errors {
            if !expected_errors.contains(e) {
                problems.push(format!("cfn/{name}: unexpected error at {}:{}", e.0, e.1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences on {} labelled resources:\n{}",
        problems.len(),
        resources.len(),
        problems.join("\n")
    );
    assert!(
        resources.len() >= MIN_RESOURCES,
        "{} labelled CloudFormation resources, expected at least {MIN_RESOURCES}",
        resources.len()
    );
}

/// Prints every result of a case (`LABELLED_CASE=s3-acl cargo test … -- --ignored dump`), to
/// write or review its `labels`.
#[test]
#[ignore = "a tool for writing cases, not a test"]
fn dump() {
    let Ok(case) = std::env::var("LABELLED_CASE") else {
        return;
    };
    let dir = root().join(case);
    let prefix = format!("{}/", dir.display());
    let loaded = common::read(&dir, &[]);
    for e in &loaded.errors {
        println!("error: {e}");
    }
    for f in common::audit(&loaded.inventory) {
        let r = f.resource.strip_prefix(&prefix).unwrap_or(&f.resource);
        println!("{}\t{:?}\t{r}\t{}", f.check, f.status, f.message);
    }
}
