//! The labelled set: IaC inputs written from the AWS provider and CloudFormation documentation,
//! each resource with the verdict an auditor would give, scored against rampart's results.
//!
//! Layout: `tests/labelled/<language>/<case>/` holds the input (`.tf` files, modules below it, or
//! templates) and a `labels` file, one label a line:
//!
//! ```text
//! # CHECK   STATUS        RESOURCE (FILE:ADDRESS, FILE relative to the case directory)
//! EC2-003   fail          main.tf:aws_security_group.ssh
//! S3-100    pass          main.tf:module.logs.aws_s3_bucket.this[0]
//! CT-011    not_assessed  main.tf:aws_cloudtrail.t
//! error     main.tf:12                      (a located error the reader must report)
//! ```
//!
//! A resource's status for a check is `fail` when any of its results fails, else `not_assessed`
//! when any is, else `pass`. Any difference fails the test: a label whose status differs, and a
//! failure of a labelled check on a resource the case does not label (a phantom or a false
//! failure). Both language halves share this scorer.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rampart_model::{Finding, Status};

/// The least number of labelled resources per language (the set must not silently shrink).
const MIN_RESOURCES: &[(&str, usize)] = &[("tf", 152), ("cfn", 137)];

#[derive(Debug)]
enum Label {
    Verdict {
        check: String,
        status: String,
        resource: String,
    },
    Error {
        file: String,
        line: u32,
    },
}

fn labels(case: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(case.join("labels"))
        .unwrap_or_else(|e| panic!("{}: labels: {e}", case.display()));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["error", at] => {
                let (file, l) = at
                    .rsplit_once(':')
                    .unwrap_or_else(|| panic!("{}:{}: error FILE:LINE", case.display(), n + 1));
                out.push(Label::Error {
                    file: file.to_owned(),
                    line: l.parse().expect("a line number"),
                });
            }
            [check, status, resource] => {
                assert!(
                    matches!(*status, "fail" | "pass" | "not_assessed" | "none"),
                    "{}:{}: unknown status {status}",
                    case.display(),
                    n + 1
                );
                out.push(Label::Verdict {
                    check: (*check).to_owned(),
                    status: (*status).to_owned(),
                    resource: (*resource).to_owned(),
                });
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

/// (check, resource relative to the case) → the statuses of its results.
fn verdicts(case: &Path, findings: &[Finding]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let prefix = format!("{}/", case.display());
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for f in findings {
        let resource = f
            .resource
            .strip_prefix(&prefix)
            .unwrap_or(&f.resource)
            .to_owned();
        out.entry((f.check.clone(), resource))
            .or_default()
            .insert(status_name(f.status).to_owned());
    }
    out
}

fn summary(statuses: Option<&BTreeSet<String>>) -> &'static str {
    let Some(s) = statuses else {
        return "none";
    };
    for k in ["fail", "not_assessed", "pass"] {
        if s.contains(k) {
            return k;
        }
    }
    "none"
}

fn cases(lang: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/labelled")
        .join(lang);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("labels").is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Scores every case of `lang`; returns the differences and the labelled resources.
fn score(lang: &str) -> (Vec<String>, BTreeSet<String>) {
    let mut problems = Vec::new();
    let mut resources = BTreeSet::new();
    for case in cases(lang) {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = common::read(&case, &[]);
        let findings = common::audit(&loaded.inventory);
        let got = verdicts(&case, &findings);
        let labels = labels(&case);
        let mut labelled: BTreeSet<(String, String)> = BTreeSet::new();
        let mut expected_errors = Vec::new();
        for l in &labels {
            match l {
                Label::Verdict {
                    check,
                    status,
                    resource,
                } => {
                    resources.insert(format!("{name}/{resource}"));
                    labelled.insert((check.clone(), resource.clone()));
                    let actual = summary(got.get(&(check.clone(), resource.clone())));
                    if actual != status {
                        problems.push(format!(
                            "{lang}/{name}: {check} on {resource}: expected {status}, got {actual}"
                        ));
                    }
                }
                Label::Error { file, line } => expected_errors.push((file.clone(), *line)),
            }
        }
        let checks: BTreeSet<&String> = labelled.iter().map(|(c, _)| c).collect();
        for ((check, resource), statuses) in &got {
            if checks.contains(check)
                && statuses.contains("fail")
                && !labelled.contains(&(check.clone(), resource.clone()))
            {
                problems.push(format!(
                    "{lang}/{name}: {check} fails on unlabelled {resource}"
                ));
            }
        }
        let prefix = format!("{}/", case.display());
        let errors: Vec<(String, u32)> = loaded
            .errors
            .iter()
            .map(|e| {
                (
                    e.file.strip_prefix(&prefix).unwrap_or(&e.file).to_owned(),
                    e.line,
                )
            })
            .collect();
        for e in &expected_errors {
            if !errors.contains(e) {
                problems.push(format!(
                    "{lang}/{name}: expected an error at {}:{}, got {errors:?}",
                    e.0, e.1
                ));
            }
        }
        for e in &errors {
            if !expected_errors.contains(e) {
                problems.push(format!(
                    "{lang}/{name}: unexpected error at {}:{}",
                    e.0, e.1
                ));
            }
        }
    }
    (problems, resources)
}

fn check_language(lang: &str) {
    let (problems, resources) = score(lang);
    let min = MIN_RESOURCES
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(0, |(_, n)| *n);
    assert!(
        problems.is_empty(),
        "{lang}: {} differences on {} labelled resources:\n{}",
        problems.len(),
        resources.len(),
        problems.join("\n")
    );
    assert!(
        resources.len() >= min,
        "{lang}: {} labelled resources, expected at least {min}",
        resources.len()
    );
}

#[test]
fn terraform_labelled_set() {
    check_language("tf");
}

#[test]
fn cloudformation_labelled_set() {
    check_language("cfn");
}
