//! The CloudFormation half of the labelled set (issue 13): one directory per case under
//! `tests/labelled/cfn/`, holding the template(s) and `expected.txt`, the verdict an auditor gives
//! each declared resource from the CloudFormation resource reference (and the AWS documentation
//! of what the property means), one per line:
//!
//! ```text
//! # resource            check     verdict        why
//! PublicBucket          S3-100    fail           AccessControl: PublicRead grants AllUsers READ
//! nested/child.yaml:Key KMS-001   pass           EnableKeyRotation: true
//! ```
//!
//! A resource is `LogicalId` of the case's only template, or `FILE:LogicalId` relative to the
//! case. The score fails on any difference: a listed verdict that rampart does not give exactly
//! (one result, that status), and any failure of a listed check on a resource of the case that
//! the file does not list. (Lane i13 keeps a shared scorer at `tests/labelled.rs` for the
//! Terraform half; this one follows the same layout idea.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rampart_model::Status;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/labelled/cfn")
}

struct Expect {
    resource: String,
    check: String,
    status: Status,
    line: usize,
}

fn status(word: &str) -> Status {
    match word {
        "fail" => Status::Fail,
        "pass" => Status::Pass,
        "not_assessed" => Status::NotAssessed,
        other => panic!("unknown verdict `{other}`"),
    }
}

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("case dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            templates(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        {
            out.push(p);
        }
    }
}

#[test]
fn labelled_cloudformation_verdicts() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("labelled set")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    cases.sort();
    let mut problems = Vec::new();
    let mut resources = BTreeSet::new();
    let mut verdicts = 0;
    for case in &cases {
        let mut files = Vec::new();
        templates(case, &mut files);
        files.sort();
        let text = std::fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
        let mut expects = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let w: Vec<&str> = line.split_whitespace().collect();
            assert!(w.len() >= 3, "{}:{}: `{line}`", case.display(), n + 1);
            let resource = match w[0].rsplit_once(':') {
                Some((f, id)) => format!("{}:{id}", case.join(f).display()),
                None => {
                    assert_eq!(files.len(), 1, "{}: name the file", case.display());
                    format!("{}:{}", files[0].display(), w[0])
                }
            };
            expects.push(Expect {
                resource,
                check: w[1].to_owned(),
                status: status(w[2]),
                line: n + 1,
            });
        }
        let loaded = common::read(case, &[]);
        let results = common::audit(&loaded.inventory);
        let mut got: BTreeMap<(String, String), Vec<Status>> = BTreeMap::new();
        for f in &results {
            got.entry((f.resource.clone(), f.check.clone()))
                .or_default()
                .push(f.status);
        }
        let listed: BTreeSet<(String, String)> = expects
            .iter()
            .map(|e| (e.resource.clone(), e.check.clone()))
            .collect();
        let checks: BTreeSet<&str> = expects.iter().map(|e| e.check.as_str()).collect();
        let prefix = |r: &str| files.iter().any(|f| r.starts_with(&format!("{}:", f.display())));
        for e in &expects {
            resources.insert(e.resource.clone());
            verdicts += 1;
            let g = got
                .get(&(e.resource.clone(), e.check.clone()))
                .cloned()
                .unwrap_or_default();
            if g != [e.status] {
                problems.push(format!(
                    "{}/expected.txt:{}: {} {} expected {:?}, rampart gives {:?}",
                    case.display(),
                    e.line,
                    e.resource,
                    e.check,
                    e.status,
                    g
                ));
            }
        }
        for ((r, c), st) in &got {
            if checks.contains(c.as_str())
                && prefix(r)
                && st.contains(&Status::Fail)
                && !listed.contains(&(r.clone(), c.clone()))
            {
                problems.push(format!(
                    "{}: unexpected {c} failure on {r}",
                    case.display()
                ));
            }
        }
    }
    assert!(
        resources.len() >= 70,
        "the CloudFormation half holds {} resources",
        resources.len()
    );
    assert!(
        problems.is_empty(),
        "{} of {verdicts} verdicts differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
