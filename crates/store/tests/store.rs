//! The store on both backends: round trip of a report, one copy of identical results, diffs,
//! pruning, a newer schema refused; on PostgreSQL, two scans written at once lose nothing.

mod support;

use rampart_model::{Finding, Report, Severity, Status};
use rampart_store::{Filter, Prune, ScanMeta, Store, StoreError, StoreUrl};
use serde_json::json;

/// A report of `n` failures on resources `from..from + n` of one account (`S3-003`), and one
/// pass (not a result for diffs).
fn report(from: usize, n: usize) -> Report {
    let mut findings: Vec<Value> = (from..from + n)
        .map(|i| {
            json!({
                "check": "S3-003", "name": "bucket-without-versioning", "controls": ["DATA-2"],
                "severity": if i % 7 == 0 { "high" } else { "medium" }, "status": "fail",
                "resource": format!("arn:aws:s3:::bucket-{i}"), "account": "123456789012",
                "region": "us-east-1",
                "message": format!("bucket `bucket-{i}` has versioning disabled (seen {} days ago)", from),
                "evidence": {"versioning": "disabled", "statement": {"Sid": "S", "Effect": "Allow"}},
                "remediation": {"text": "Enable versioning."}
            })
        })
        .collect();
    findings.push(json!({
        "check": "S3-001", "name": "bucket-without-default-encryption", "controls": ["DATA-1"],
        "severity": "medium", "status": "pass", "resource": "arn:aws:s3:::ok",
        "account": "123456789012", "message": "encrypted", "evidence": {},
        "remediation": {"text": "Encrypt."}
    }));
    serde_json::from_value(json!({
        "tool": {"name": "rampart", "version": "0.1.0"},
        "inputs": [{"kind": "snapshot", "source": "account.json"}],
        "scanned_at": "2026-11-01T10:00:00Z",
        "settings": {"fail_on": "low"},
        "findings": findings,
        "gaps": [],
        "summary": {"by_status": {"fail": n, "pass": 1}, "failures_by_severity": {}, "checks_run": 2, "resources": n + 1}
    }))
    .expect("report")
}

type Value = serde_json::Value;

fn meta(at: &str) -> ScanMeta {
    ScanMeta {
        command: "scan".into(),
        accounts: vec!["123456789012".into()],
        regions: vec!["us-east-1".into()],
        config_digest: "d".into(),
        recorded_at: at.into(),
    }
}

fn fingerprints(r: &Report) -> Vec<String> {
    r.findings.iter().map(Finding::fingerprint).collect()
}

/// What every backend must do.
fn exercise(url: &StoreUrl) {
    let mut store = Store::open(url).expect("open");
    let a = report(0, 100);
    let id1 = store
        .record(&meta("2026-11-01T10:00:00Z"), &a)
        .expect("record");
    // The same account ten times: one copy of each result.
    let mut last = id1;
    for day in 2..=10 {
        last = store
            .record(&meta(&format!("2026-11-{day:02}T10:00:00Z")), &a)
            .expect("record");
    }
    let c = store.counts().expect("counts");
    assert_eq!(c.scans, 10);
    assert_eq!(c.results, 101, "one row per distinct result");
    assert_eq!(c.links, 1010);
    // The report comes back as it was stored.
    let back = store.report(id1).expect("report");
    assert_eq!(back.findings, a.findings);
    assert_eq!(back.summary, a.summary);
    assert_eq!(fingerprints(&back), fingerprints(&a));

    // Five fixed (0..5 gone), two added (100, 101), one more severe (7: high stays; 14 → changed
    // by hand below), and every message reworded (ages): not a change.
    let mut b = report(5, 97);
    if let Some(f) = b
        .findings
        .iter_mut()
        .find(|f| f.resource == "arn:aws:s3:::bucket-20")
    {
        f.severity = Severity::Critical;
    }
    let id_b = store
        .record(&meta("2026-11-11T10:00:00Z"), &b)
        .expect("record");
    assert_eq!(store.last_two(None).expect("pair"), Some((last, id_b)));
    let d = store.diff(last, id_b).expect("diff");
    let res = |v: &[Finding]| -> Vec<String> {
        let mut r: Vec<String> = v.iter().map(|f| f.resource.clone()).collect();
        r.sort();
        r
    };
    assert_eq!(
        res(&d.resolved),
        (0..5)
            .map(|i| format!("arn:aws:s3:::bucket-{i}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        res(&d.new),
        vec!["arn:aws:s3:::bucket-100", "arn:aws:s3:::bucket-101"]
    );
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].changed, vec!["severity"]);
    assert_eq!(d.changed[0].before.severity, Severity::Medium);
    assert_eq!(d.changed[0].after.severity, Severity::Critical);
    assert_eq!(d.unchanged, 94);
    assert!(d.new.iter().all(|f| f.status == Status::Fail));

    // History by account and input; the posture columns.
    let scans = store
        .scans(&Filter {
            account: Some("123456789012".into()),
            ..Filter::default()
        })
        .expect("scans");
    assert_eq!(scans.len(), 11);
    assert_eq!(scans[0].failures.get("high"), Some(&15));
    assert!(
        store
            .scans(&Filter {
                input: Some("other.json".into()),
                ..Filter::default()
            })
            .expect("scans")
            .is_empty()
    );

    // Prune to the last two scans: the results only older scans held go.
    assert_eq!(store.prune(Prune::Keep(2)).expect("prune"), 9);
    let c = store.counts().expect("counts");
    assert_eq!(c.scans, 2);
    // Left: the last scan of `a` (101 rows) and `b`'s 97 failures, each reworded so a row of
    // its own (`b`'s pass is `a`'s). The nine pruned scans held only rows the last `a` keeps.
    assert_eq!(c.results, 101 + 97);
    assert_eq!(c.links, 101 + 98);
    let d2 = store.diff(last, id_b).expect("diff after prune");
    assert_eq!((d2.new.len(), d2.resolved.len()), (2, 5));
    // Down to `b`: the rows only the older scans held go, the others stay.
    assert_eq!(store.prune(Prune::Keep(1)).expect("prune"), 1);
    let c = store.counts().expect("counts");
    assert_eq!((c.scans, c.results, c.links), (1, 98, 98));
    assert_eq!(store.report(id_b).expect("b").findings, b.findings);
    assert!(matches!(
        store.report(id1),
        Err(StoreError::NoScan { scan, .. }) if scan == id1
    ));
}

#[test]
fn sqlite_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = StoreUrl::Sqlite(dir.path().join("sub/history.sqlite"));
    exercise(&url);
}

#[test]
fn sqlite_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("h.sqlite");
    drop(Store::open(&StoreUrl::Sqlite(path.clone())).expect("open"));
    rampart_store::testing::record_schema_version(&path, 7).expect("bump");
    match Store::open(&StoreUrl::Sqlite(path)) {
        Err(e @ StoreError::NewerSchema { found: 7, .. }) => {
            assert!(e.to_string().contains("upgrade rampart"), "{e}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

#[test]
fn postgres_store() {
    let pg = support::pg::Pg::start();
    let url = StoreUrl::Postgres(pg.database("history"));
    exercise(&url);
}

#[test]
fn postgres_two_scans_at_once_lose_nothing() {
    let pg = support::pg::Pg::start();
    let url = StoreUrl::Postgres(pg.database("concurrent"));
    // Both open (and so migrate) at once too.
    let a = report(0, 3000);
    let b = report(1000, 3000);
    let (ra, rb) = std::thread::scope(|s| {
        let ta = s.spawn(|| {
            let mut st = Store::open(&url).expect("open a");
            st.record(&meta("2026-11-01T10:00:00Z"), &a).expect("a")
        });
        let tb = s.spawn(|| {
            let mut st = Store::open(&url).expect("open b");
            st.record(&meta("2026-11-01T10:00:01Z"), &b).expect("b")
        });
        (ta.join().expect("a"), tb.join().expect("b"))
    });
    let mut store = Store::open(&url).expect("open");
    assert_eq!(store.report(ra).expect("a").findings, a.findings);
    assert_eq!(store.report(rb).expect("b").findings, b.findings);
    let c = store.counts().expect("counts");
    assert_eq!(c.scans, 2);
    assert_eq!(c.links, 3001 + 3001);
    // Resources 1000..3000 are in both, but their messages differ (the "seen N days ago"
    // wording): distinct contents, one fingerprint. The pass is identical in both.
    assert_eq!(c.results, 3000 + 3000 + 1);
    let d = store.diff(ra, rb).expect("diff");
    assert_eq!(
        (d.new.len(), d.resolved.len(), d.unchanged),
        (1000, 1000, 2000)
    );
}

#[test]
fn postgres_newer_schema_is_refused() {
    let pg = support::pg::Pg::start();
    let url = pg.database("newer");
    drop(Store::open(&StoreUrl::Postgres(url.clone())).expect("open"));
    let out = std::process::Command::new("psql")
        .args([&url, "-c", "INSERT INTO rampart_schema VALUES (9, 'later')"])
        .output();
    let bumped = match out {
        Ok(o) if o.status.success() => true,
        _ => {
            // No psql client: through the driver.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                client
                    .execute("INSERT INTO rampart_schema VALUES (9, 'later')", &[])
                    .await
                    .is_ok()
            })
        }
    };
    assert!(bumped);
    match Store::open(&StoreUrl::Postgres(url)) {
        Err(StoreError::NewerSchema { found: 9, .. }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

/// TLS to PostgreSQL (libpq's `sslmode` meanings): the server accepts TCP only over TLS, with a
/// certificate for 127.0.0.1 from a CA made at test time.
#[test]
fn postgres_over_tls() {
    let pg = support::pg::Pg::start_tls();
    let base = pg.database("tls");
    let ca = pg.ca_cert();
    let ca = ca.display();
    let open = |query: &str| Store::open(&StoreUrl::Postgres(format!("{base}?{query}")));
    let record = |query: &str| -> i64 {
        let mut st = open(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        st.record(&meta("2026-11-01T10:00:00Z"), &report(0, 10))
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    };
    // require: encrypted, the certificate not checked.
    record("sslmode=require");
    // verify-full with the CA named: the chain and the name (127.0.0.1) are checked.
    record(&format!("sslmode=verify-full&sslrootcert={ca}"));
    // verify-ca with the CA: the chain only.
    record(&format!("sslmode=verify-ca&sslrootcert={ca}"));
    // The server takes no connection without TLS: proof that the ones above used it.
    assert!(matches!(
        open("sslmode=disable"),
        Err(StoreError::Postgres { .. })
    ));
    // verify-full without the CA: the platform's CAs do not know the test CA.
    match open("sslmode=verify-full") {
        Err(e @ StoreError::Certificate { .. }) => {
            let text = e.to_string();
            assert!(text.contains("sslmode=verify-full"), "{text}");
            assert!(text.contains("sslrootcert=PATH"), "{text}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("an unknown CA was trusted"),
    }
    // The certificate names 127.0.0.1, not localhost: verify-full refuses the name, verify-ca
    // (the chain only) accepts it.
    let by_name = base.replace("127.0.0.1", "localhost");
    let by_name = |query: &str| Store::open(&StoreUrl::Postgres(format!("{by_name}?{query}")));
    assert!(matches!(
        by_name(&format!("sslmode=verify-full&sslrootcert={ca}")),
        Err(StoreError::Certificate { .. })
    ));
    assert!(by_name(&format!("sslmode=verify-ca&sslrootcert={ca}")).is_ok());
    // A CA file that is not there is said, before any connection.
    match open("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem") {
        Err(e @ StoreError::Tls { .. }) => {
            assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}")
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a missing CA file was accepted"),
    }
    let mut st = open("sslmode=require").expect("open");
    assert_eq!(st.counts().expect("counts").scans, 3);
}
