//! Scan history end to end: `scan --store`, `history`, `diff`, `report`, `history prune`.
//!
//! The account is the bundled example snapshot (`examples/shopify-backend`), scanned as it is,
//! then again after the harness edits a copy: five problems fixed (two findings go with making
//! the `shopify-backend-assets` bucket versioned: S3-003 and BACKUP-001, whose backup plan needs
//! versioning; the unencrypted volume encrypted with a recorded key; EBS encryption by default
//! turned on in us-east-1; access logging on `shopify-backend-backups-eu`) and two added (the
//! `shopify-backend-uploads` bucket loses versioning: S3-003, and BACKUP-001 for its backup
//! plan). The diff must say exactly that. Snapshots stand in for the emulated account of the
//! issue: the emulator harness needs the AWS SDK build (crates/collect-aws/tests).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn rampart() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.env_remove("RAMPART_STORE");
    c.env("NO_COLOR", "1");
    c
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shopify-backend")
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(&mut Value)) {
    let path = dir.join(file);
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    f(&mut doc["inventory"]);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
}

/// The example account with five problems fixed and two added.
pub fn fixed_copy(dir: &Path) -> PathBuf {
    let after = dir.join("after");
    std::fs::create_dir_all(&after).expect("mkdir");
    for e in std::fs::read_dir(example()).expect("example") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), after.join(e.file_name())).expect("copy");
    }
    edit(&after, "storage-logging.json", |inv| {
        for b in inv["accounts"][0]["buckets"]
            .as_array_mut()
            .expect("buckets")
        {
            match b["meta"]["name"].as_str().unwrap_or_default() {
                "shopify-backend-assets" => b["versioning"] = "enabled".into(),
                "shopify-backend-backups-eu" => {
                    b["logging"] = serde_json::json!({
                        "target_bucket": "shopify-backend-access-logs",
                        "target_prefix": "backups-eu/"
                    });
                }
                "shopify-backend-uploads" => b["versioning"] = "disabled".into(),
                _ => {}
            }
        }
    });
    edit(&after, "identity-compute.json", |inv| {
        for r in inv["accounts"][0]["regions"]
            .as_array_mut()
            .expect("regions")
        {
            if r["name"] != "us-east-1" {
                continue;
            }
            r["ebs_encryption_by_default"] = true.into();
            for v in r["volumes"].as_array_mut().expect("volumes") {
                if v["id"] == "vol-0c4d1e2f3a4b50002" {
                    v["encrypted"] = true.into();
                    v["kms_key_id"] =
                        "arn:aws:kms:us-east-1:123456789012:key/5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a51"
                            .into();
                }
            }
        }
    });
    after
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = rampart().args(args).output().expect("run rampart");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pairs(list: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or_default().to_owned(),
                f["resource"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Scans the example and its fixed copy into `store`, returns the JSON diff.
pub fn diff_before_after(store: &str, dir: &Path) -> Value {
    let after = fixed_copy(dir);
    let example = example();
    for input in [example.as_path(), after.as_path()] {
        let (code, _, err) = run(&[
            "scan",
            input.to_str().expect("utf8"),
            &format!("--store={store}"),
            "-f",
            "json",
            "-o",
            dir.join("scan.json").to_str().expect("utf8"),
        ]);
        assert_eq!(code, 1, "the example fails checks: {err}");
    }
    let (code, out, err) = run(&["diff", &format!("--store={store}"), "-f", "json"]);
    // The two added problems are medium failures: a new failure at or above `low`.
    assert_eq!(code, 1, "{err}");
    serde_json::from_str(&out).expect("diff JSON")
}

pub fn assert_five_resolved_two_new(diff: &Value, total_before: usize) {
    let s = |c: &str, r: &str| (c.to_owned(), r.to_owned());
    assert_eq!(
        pairs(&diff["resolved"]),
        vec![
            s("BACKUP-001", "arn:aws:s3:::shopify-backend-assets"),
            s(
                "EC2-052",
                "arn:aws:ec2:us-east-1:123456789012:volume/vol-0c4d1e2f3a4b50002"
            ),
            s(
                "EC2-053",
                "arn:aws:ec2:us-east-1:123456789012:ebs-encryption-by-default"
            ),
            s("S3-003", "arn:aws:s3:::shopify-backend-assets"),
            s("S3-004", "arn:aws:s3:::shopify-backend-backups-eu"),
        ]
    );
    assert_eq!(
        pairs(&diff["new"]),
        vec![
            s("BACKUP-001", "arn:aws:s3:::shopify-backend-uploads"),
            s("S3-003", "arn:aws:s3:::shopify-backend-uploads"),
        ]
    );
    for f in diff["new"].as_array().expect("new") {
        assert_eq!(f["status"], "fail");
        assert_eq!(f["severity"], "medium");
        assert_eq!(f["fingerprint"].as_str().map(str::len), Some(16));
    }
    assert_eq!(diff["changed"].as_array().map(Vec::len), Some(0));
    assert_eq!(diff["unchanged"].as_u64(), Some((total_before - 5) as u64));
}

#[test]
fn a_fixed_account_diffs_as_five_resolved_two_new_the_rest_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.sqlite");
    let store = format!("sqlite:{}", db.display());
    let diff = diff_before_after(&store, dir.path());
    // Every non-pass result of the first scan is either resolved or unchanged.
    let (_, first, _) = run(&["report", "1", &format!("--store={store}"), "-f", "json"]);
    let first: Value = serde_json::from_str(&first).expect("report JSON");
    let total = first["findings"].as_array().expect("findings").len();
    assert!(total > 100, "{total}");
    assert_five_resolved_two_new(&diff, total);

    // `history` lists both scans, of one scope.
    let (code, out, _) = run(&["history", &format!("--store={store}"), "-f", "json"]);
    assert_eq!(code, 0);
    let h: Value = serde_json::from_str(&out).expect("history JSON");
    let scans = h["scans"].as_array().expect("scans");
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0]["scope"], scans[1]["scope"]);
    assert_eq!(scans[0]["accounts"], serde_json::json!(["123456789012"]));
    assert_eq!(scans[0]["command"], "scan");
    let (_, out, _) = run(&[
        "history",
        &format!("--store={store}"),
        "--account",
        "999999999999",
        "-f",
        "json",
    ]);
    let none: Value = serde_json::from_str(&out).expect("history JSON");
    assert_eq!(none["scans"].as_array().map(Vec::len), Some(0));

    // The stored report is the printed one: same findings, same fingerprints.
    let printed: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("scan.json")).expect("scan.json"),
    )
    .expect("json");
    let (_, second, _) = run(&["report", "2", &format!("--store={store}"), "-f", "json"]);
    let second: Value = serde_json::from_str(&second).expect("report JSON");
    let fps = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(fps(&printed), fps(&second));
    assert_eq!(printed["summary"], second["summary"]);

    // Text: the counts line.
    let (code, out, _) = run(&["diff", "1", "2", &format!("--store={store}")]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "2 new, 5 resolved, 0 changed, {} unchanged",
            total - 5
        )),
        "{out}"
    );
    // Reversed, the two new are resolved and nothing is new at or above `low`... except the
    // five problems, back again.
    let (code, out, _) = run(&["diff", "2", "1", &format!("--store={store}"), "-f", "json"]);
    assert_eq!(code, 1);
    let back: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(back["new"].as_array().map(Vec::len), Some(5));
    assert_eq!(back["resolved"].as_array().map(Vec::len), Some(2));
    // `--fail-on high`: the new problems are medium.
    let (code, _, _) = run(&[
        "diff",
        &format!("--store={store}"),
        "--fail-on",
        "high",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0);

    // Every format renders a diff.
    for format in ["sarif", "csv", "junit", "ocsf", "asff", "html"] {
        let (code, out, err) = run(&["diff", &format!("--store={store}"), "-f", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains("shopify-backend-uploads"), "{format}");
        assert!(
            !out.contains("shopify-backend-backups-eu") || format == "html",
            "{format}"
        );
    }
}

#[test]
fn identical_scans_store_each_result_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite");
    let store = format!("--store=sqlite:{}", db.display());
    let example = example();
    for _ in 0..3 {
        let (code, _, err) = run(&[
            "scan",
            example.to_str().expect("utf8"),
            &store,
            "-o",
            "/dev/null",
        ]);
        assert_eq!(code, 1, "{err}");
    }
    let (_, out, _) = run(&["diff", &store, "-f", "json"]);
    let d: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(pairs(&d["new"]).len() + pairs(&d["resolved"]).len(), 0);
    let size_three = std::fs::metadata(&db).expect("db").len();
    // Pruning keeps the last scan and every result it links to.
    let (code, _, err) = run(&["history", "prune", "--keep", "1", &store]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(&["history", &store, "-f", "json"]);
    let h: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(h["scans"].as_array().map(Vec::len), Some(1));
    assert_eq!(h["scans"][0]["id"], 3);
    let (code, out, _) = run(&["report", &store, "-f", "json"]);
    assert_eq!(code, 1);
    let r: Value = serde_json::from_str(&out).expect("json");
    assert!(r["findings"].as_array().is_some_and(|f| f.len() > 100));
    assert!(size_three < 4_000_000, "{size_three}");
}

#[test]
fn an_unreachable_store_is_exit_2_and_the_report_is_still_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let example = example();
    let (code, _, err) = run(&[
        "scan",
        example.to_str().expect("utf8"),
        &format!("--store=postgres://rampart:secret@127.0.0.1:{port}/rampart"),
        "-f",
        "json",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the scan was not recorded"), "{err}");
    assert!(
        !err.contains("secret@"),
        "the password is never printed: {err}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report written"))
            .expect("json");
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));

    // A store of a newer schema: refused, exit 2, report written.
    let db = dir.path().join("newer.sqlite");
    let store = format!("--store=sqlite:{}", db.display());
    let (code, _, err) = run(&[
        "scan",
        example.to_str().expect("utf8"),
        &store,
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 1, "{err}");
    let conn_bump = rampart_store_bump(&db);
    assert!(conn_bump);
    std::fs::remove_file(&out).expect("rm");
    let (code, _, err) = run(&[
        "scan",
        example.to_str().expect("utf8"),
        &store,
        "-f",
        "json",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("newer than this rampart knows"), "{err}");
    assert!(out.exists());
    let (code, _, err) = run(&["history", &store]);
    assert_eq!(code, 2);
    assert!(err.contains("schema version 999"), "{err}");

    // A bad address: exit 2, report written.
    let (code, _, err) = run(&[
        "scan",
        example.to_str().expect("utf8"),
        "--store=mysql://x",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a store"), "{err}");
}

/// Records schema version 999 in a SQLite store, as a future rampart would.
fn rampart_store_bump(db: &Path) -> bool {
    rampart_store::testing::record_schema_version(db, 999).is_ok()
}

#[test]
fn a_later_clock_gives_the_same_fingerprints() {
    // The example snapshot, audited at its collection time and 400 days later (ages, expiry
    // and rotation windows all move): every result keeps its fingerprint.
    let mut files: Vec<PathBuf> = std::fs::read_dir(example())
        .expect("example")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut loaded = rampart_model::Inventory::default();
    for f in files {
        let part = rampart_model::snapshot::read(&f, rampart_model::snapshot::Limits::default())
            .expect("snapshot");
        loaded.merge(part);
    }
    let config = rampart_checks::Config::default();
    let checks = rampart_checks::registry::all();
    let t0 = loaded.collected_at.expect("collected_at");
    let later = rampart_model::Timestamp(t0.0 + time::Duration::days(400));
    let run_at = |now: rampart_model::Timestamp| {
        let ctx = rampart_checks::Context::new(&loaded, &config, now);
        let opts = rampart_checks::RunOptions {
            keep_passes: true,
            today: now.0.date(),
            baseline: None,
        };
        rampart_checks::run_with(&ctx, &checks, opts).findings
    };
    let a = run_at(t0);
    let b = run_at(later);
    let key = |v: &[rampart_model::Finding]| {
        let mut k: Vec<(String, String)> = v
            .iter()
            .map(|f| (f.fingerprint(), format!("{} {}", f.check, f.resource)))
            .collect();
        k.sort();
        k
    };
    assert_eq!(key(&a), key(&b));
    // The clock does show: some messages changed (so the old fingerprint would have moved).
    let legacy = |v: &[rampart_model::Finding]| {
        let mut k: Vec<String> = v
            .iter()
            .map(rampart_model::Finding::legacy_fingerprint)
            .collect();
        k.sort();
        k
    };
    assert_ne!(legacy(&a), legacy(&b));
}

#[path = "../../store/tests/support/pg.rs"]
mod pg;

#[test]
fn postgres_fixed_account_diff_and_two_scans_at_once() {
    let server = pg::Pg::start();
    let store = server.database("cli");
    let dir = tempfile::tempdir().expect("tempdir");
    let diff = diff_before_after(&store, dir.path());
    let (_, first, _) = run(&["report", "1", &format!("--store={store}"), "-f", "json"]);
    let first: Value = serde_json::from_str(&first).expect("report JSON");
    let total = first["findings"].as_array().expect("findings").len();
    assert_five_resolved_two_new(&diff, total);

    // Two scans recorded at once into one store: both kept, whole.
    let example = example();
    let spawn = |name: &str| {
        rampart()
            .args([
                "scan",
                example.to_str().expect("utf8"),
                &format!("--store={store}"),
                "-f",
                "json",
                "-o",
                dir.path().join(name).to_str().expect("utf8"),
            ])
            .spawn()
            .expect("spawn")
    };
    let mut a = spawn("a.json");
    let mut b = spawn("b.json");
    assert_eq!(a.wait().expect("a").code(), Some(1));
    assert_eq!(b.wait().expect("b").code(), Some(1));
    let (_, out, _) = run(&["history", &format!("--store={store}"), "-f", "json"]);
    let h: Value = serde_json::from_str(&out).expect("json");
    let ids: Vec<i64> = h["scans"]
        .as_array()
        .expect("scans")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 4);
    for id in &ids[2..] {
        let (_, out, _) = run(&[
            "report",
            &id.to_string(),
            &format!("--store={store}"),
            "-f",
            "json",
        ]);
        let r: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(r["findings"].as_array().map(Vec::len), Some(total));
    }
    let (_, out, _) = run(&["diff", &format!("--store={store}"), "-f", "json"]);
    let d: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["unchanged"].as_u64(), Some(total as u64));
}

#[test]
fn secrets_are_stored_redacted_as_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("app")).expect("mkdir");
    let token = ["shpat_", "0d4c9e2a7b1f8e3d6c5a4b9f2e1d7c8a"].concat();
    std::fs::write(
        tree.join("app/shop.py"),
        format!("import os\nTOKEN = \"{token}\"\n"),
    )
    .expect("write");
    let db = dir.path().join("s.sqlite");
    let store = format!("--store=sqlite:{}", db.display());
    let (code, _, err) = run(&[
        "secrets",
        tree.to_str().expect("utf8"),
        &store,
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 1, "{err}");
    let (_, out, _) = run(&["report", &store, "-f", "json"]);
    let r: Value = serde_json::from_str(&out).expect("json");
    let findings = r["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["resource"]
            .as_str()
            .is_some_and(|s| s.ends_with("app/shop.py"))),
        "{out}"
    );
    // Nowhere in the database file (nor its write-ahead log) is the secret whole.
    for file in [db.clone(), dir.path().join("s.sqlite-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "{} holds the secret",
                file.display()
            );
        }
    }
    assert!(!out.contains(&token));
    let (_, out, _) = run(&["history", &store, "-f", "json"]);
    let h: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(h["scans"][0]["command"], "secrets");
}

/// A shared store over TLS: `sslmode=verify-full` with the server's CA named records the scan;
/// without it, the certificate is refused with a message saying what to do, exit 2, and the
/// report is still written.
#[test]
fn postgres_over_tls_verify_full() {
    let server = pg::Pg::start_tls();
    let base = server.database("tls");
    let ca = server.ca_cert();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let example = example();
    let scan = |store: &str| {
        let _ = std::fs::remove_file(&out);
        run(&[
            "scan",
            example.to_str().expect("utf8"),
            &format!("--store={store}"),
            "-f",
            "json",
            "-o",
            out.to_str().expect("utf8"),
        ])
    };
    let (code, _, err) = scan(&format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        ca.display()
    ));
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = scan(&format!("{base}?sslmode=verify-full"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the scan was not recorded"), "{err}");
    assert!(err.contains("sslrootcert=PATH"), "{err}");
    assert!(out.exists(), "the report is still written");
    let (code, list, err) = run(&[
        "history",
        &format!("--store={base}?sslmode=require"),
        "-f",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let h: Value = serde_json::from_str(&list).expect("json");
    assert_eq!(h["scans"].as_array().map(Vec::len), Some(1));
}
