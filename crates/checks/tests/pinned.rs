//! Pinned results: for each check with a `fixtures/<CODE>/expected.json`, every fixture of that
//! directory produces exactly the (status, resource) pairs listed for it — not "some failure".
//!
//! `expected.json` maps a fixture file name to its results, each `[status, resource]`:
//!
//! ```json
//! { "fail.json": [["fail", "arn:aws:s3:::shop-assets"]],
//!   "pass.json": [["pass", "arn:aws:s3:::shop-assets"]] }
//! ```
//!
//! Every `*.json` of the directory other than `expected.json` must be pinned there, so a variant
//! cannot be added without stating what it produces. Every check with a fixture directory (and
//! the checks listed in [`MUST_BE_PINNED`]) must have an `expected.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_checks::{Config, Context, registry, run};
use rampart_model::{Inventory, Timestamp};

/// Checks whose results must be pinned beyond the rule that every check with a fixture directory
/// has an `expected.json` (kept so the issue-17 list stays named).
const MUST_BE_PINNED: &[&str] = &[
    "IAM-100",
    "IAM-101",
    "IAM-102",
    "IAM-103",
    "IAM-104",
    "IAM-105",
    "IAM-106",
    "IAM-107",
    "IAM-108",
    "IAM-109",
    "IAM-110",
    "IAM-111",
    "IAM-112",
    "IAM-113",
    "S3-100",
    "S3-101",
    "KMS-100",
    "SECRET-001",
    "SECRET-002",
    "SECRET-003",
    "SECRET-004",
    "SECRET-005",
    "LAMBDA-002",
    "SSM-001",
    "CT-001",
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load(path: &Path) -> Inventory {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture files of a check's directory (every `*.json` but `expected.json`), sorted.
fn fixtures_in(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "expected.json")
        .collect();
    files.sort();
    files
}

type Pinned = BTreeMap<String, Vec<(String, String)>>;

fn results_of(code: &str, inv: &Inventory) -> Vec<(String, String)> {
    let config = Config::default();
    let now = inv
        .collected_at
        .unwrap_or_else(|| Timestamp::parse("2026-11-01T00:00:00Z").expect("timestamp"));
    let ctx = Context::new(inv, &config, now);
    let check = registry::by_code(code).unwrap_or_else(|| panic!("no check {code}"));
    let mut got: Vec<(String, String)> = run(&ctx, &[check])
        .findings
        .iter()
        .map(|f| (f.status.to_string(), f.resource.clone()))
        .collect();
    got.sort();
    got
}

/// Authoring aid: `RAMPART_SHOW_RESULTS=CODE cargo test -p rampart-checks --test pinned -- --nocapture`
/// prints what each fixture of CODE produces now (`RAMPART_SHOW_RESULTS=unpinned`: of every check
/// without an `expected.json`, one JSON line each), to be checked against the AWS documentation
/// before it is written into `expected.json` (never copied blindly: a pin is a claim).
#[test]
fn show_results_on_request() {
    let Some(code) = std::env::var_os("RAMPART_SHOW_RESULTS") else {
        return;
    };
    let code = code.to_string_lossy().into_owned();
    let codes: Vec<String> = if code == "unpinned" {
        registry::all()
            .iter()
            .map(|c| c.meta().code.to_owned())
            .filter(|c| fixture_dir().join(c).is_dir())
            .filter(|c| !fixture_dir().join(c).join("expected.json").exists())
            .collect()
    } else {
        vec![code]
    };
    for code in codes {
        let dir = fixture_dir().join(&code);
        for f in fixtures_in(&dir) {
            let results = results_of(&code, &load(&dir.join(&f)));
            eprintln!(
                "{}",
                serde_json::json!({"code": code, "file": f, "results": results})
            );
        }
    }
}

#[test]
fn pinned_fixtures_produce_exactly_their_results() {
    let mut checked = 0;
    let mut errors = Vec::new();
    for c in registry::all() {
        let code = c.meta().code;
        let dir = fixture_dir().join(code);
        let pins = dir.join("expected.json");
        if !pins.exists() {
            assert!(
                !MUST_BE_PINNED.contains(&code) && !dir.is_dir(),
                "{code}: fixtures/{code}/expected.json is missing"
            );
            continue;
        }
        let text = std::fs::read_to_string(&pins).expect("expected.json");
        let pinned: Pinned =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", pins.display()));
        let files = fixtures_in(&dir);
        let listed: Vec<String> = pinned.keys().cloned().collect();
        assert_eq!(
            files, listed,
            "{code}: every fixture and only those are pinned"
        );
        for (file, want) in &pinned {
            let mut want = want.clone();
            want.sort();
            let got = results_of(code, &load(&dir.join(file)));
            if got != want {
                errors.push(format!("{code}/{file}:\n  want {want:?}\n  got  {got:?}"));
            }
            checked += 1;
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        checked >= MUST_BE_PINNED.len() * 2,
        "only {checked} fixtures pinned"
    );
}
