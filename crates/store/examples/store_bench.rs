//! Store benchmark: records a scan of N results (default 100,000), a second scan of the same
//! estate a day later (1% fixed, 1% new, every message reworded as ages move), and diffs the
//! two; on SQLite and, when a URL is given, PostgreSQL. Each step runs `REPEAT` times on a fresh
//! store and the best time is printed (the machine is shared).
//!
//!   store_bench N SQLITE_DIR [POSTGRES_URL...]
//!
//! One PostgreSQL URL per repetition (each a fresh database), so that runs do not share rows.

use std::time::{Duration, Instant};

use rampart_model::Report;
use rampart_store::{ScanMeta, Store, StoreUrl};
use serde_json::json;

fn report(n: usize, day: usize) -> Report {
    let checks = [
        ("S3-003", "bucket-without-versioning", "DATA-2"),
        ("EC2-006", "sg-unrestricted-egress", "NET-3"),
        ("IAM-101", "policy-without-resource-constraint", "IAM-3"),
        ("EC2-052", "volume-not-encrypted", "DATA-1"),
    ];
    let fixed = n / 100;
    let findings: Vec<serde_json::Value> = (day * fixed..n + day * fixed)
        .map(|i| {
            let (code, name, control) = checks[i % checks.len()];
            let region = ["us-east-1", "eu-west-1", "ap-southeast-2"][i % 3];
            let severity = ["critical", "high", "medium", "low"][i % 4];
            json!({
                "check": code, "name": name, "controls": [control],
                "severity": severity,
                "status": if i % 10 == 0 { "not_assessed" } else { "fail" },
                "resource": format!("arn:aws:ec2:{region}:111122223333:resource/r-{i:08}"),
                "account": "111122223333", "region": region,
                "message": format!("resource `r-{i:08}` fails {code}: last changed {} days ago", 30 + day),
                "evidence": {
                    "statement": {"Sid": format!("S{}", i % 5), "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
                    "tags": {"environment": "prod", "owner": "platform"},
                    "open_from": ["0.0.0.0/0"]
                },
                "remediation": {"text": format!("Fix {code}: see the check's documentation."), "cli": "aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled"}
            })
        })
        .collect();
    serde_json::from_value(json!({
        "tool": {"name": "rampart", "version": "0.1.0"},
        "inputs": [{"kind": "snapshot", "source": "bench.json"}],
        "scanned_at": format!("2026-11-{:02}T00:00:00Z", day + 1),
        "settings": {},
        "findings": findings,
        "gaps": [],
        "summary": {"by_status": {}, "failures_by_severity": {}, "checks_run": 4, "resources": n}
    }))
    .expect("report")
}

fn meta(day: usize) -> ScanMeta {
    ScanMeta {
        command: "scan".into(),
        accounts: vec!["111122223333".into()],
        regions: vec![
            "ap-southeast-2".into(),
            "eu-west-1".into(),
            "us-east-1".into(),
        ],
        config_digest: "bench".into(),
        recorded_at: format!("2026-11-{:02}T00:00:00Z", day + 1),
    }
}

/// Wall and CPU time of one step.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

impl Took {
    const MAX: Took = Took {
        wall: Duration::MAX,
        cpu: Duration::MAX,
    };

    fn min(self, other: Took) -> Took {
        Took {
            wall: self.wall.min(other.wall),
            cpu: self.cpu.min(other.cpu),
        }
    }

    fn show(self) -> String {
        format!(
            "{:.2} s ({:.2} s CPU)",
            self.wall.as_secs_f64(),
            self.cpu.as_secs_f64()
        )
    }
}

/// This thread's time on a CPU (`/proc/thread-self/schedstat`, nanoseconds; Linux), which a
/// loaded machine inflates far less than wall time. The PostgreSQL server's own CPU time is not
/// in it.
fn cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Took) {
    let (t, c) = (Instant::now(), cpu());
    let out = f();
    (
        out,
        Took {
            wall: t.elapsed(),
            cpu: cpu().saturating_sub(c),
        },
    )
}

struct Best {
    first: Took,
    second: Took,
    diff: Took,
}

fn run(url: &StoreUrl, a: &Report, b: &Report) -> (Took, Took, Took, usize) {
    let mut store = Store::open(url).expect("open");
    let (s1, first) = timed(|| store.record(&meta(0), a).expect("record 1"));
    let (s2, second) = timed(|| store.record(&meta(1), b).expect("record 2"));
    let (d, diff) = timed(|| store.diff(s1, s2).expect("diff"));
    assert_eq!(
        (d.new.len(), d.resolved.len()),
        (a.findings.len() / 100, a.findings.len() / 100),
        "1% new, 1% resolved"
    );
    (first, second, diff, d.new.len() + d.resolved.len())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = std::path::PathBuf::from(
        args.get(2)
            .map_or("/tmp/rampart-store-bench", String::as_str),
    );
    let pg: Vec<String> = args.iter().skip(3).cloned().collect();
    let repeat = 3;
    let a = report(n, 0);
    let b = report(n, 1);
    if std::env::var_os("STORE_BENCH_PREPARE").is_some() {
        // The work done before any row is written: serializing and hashing every result.
        let (fps, fp_time) =
            timed(|| -> usize { a.findings.iter().map(|f| f.fingerprint().len()).sum() });
        let (bytes, json_time) = timed(|| -> usize {
            a.findings
                .iter()
                .map(|f| serde_json::to_string(f).map_or(0, |s| s.len()))
                .sum()
        });
        println!(
            "{n} fingerprints {} ({fps} hex digits), JSON of every finding {} ({bytes} bytes)",
            fp_time.show(),
            json_time.show()
        );
    }
    std::fs::create_dir_all(&dir).expect("dir");
    let mut targets: Vec<(String, Vec<StoreUrl>)> = vec![(
        "sqlite".into(),
        (0..repeat)
            .map(|i| {
                let p = dir.join(format!("bench-{i}.sqlite"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
                StoreUrl::Sqlite(p)
            })
            .collect(),
    )];
    if !pg.is_empty() {
        targets.push((
            "postgres".into(),
            pg.iter().map(|u| StoreUrl::Postgres(u.clone())).collect(),
        ));
    }
    for (name, urls) in targets {
        let mut best = Best {
            first: Took::MAX,
            second: Took::MAX,
            diff: Took::MAX,
        };
        let mut changes = 0;
        for url in &urls {
            let (f, s, d, c) = run(url, &a, &b);
            best.first = best.first.min(f);
            best.second = best.second.min(s);
            best.diff = best.diff.min(d);
            changes = c;
        }
        println!(
            "{name}: store {n} results {}, store the next day's scan {}, diff {} ({changes} new+resolved); best of {}",
            best.first.show(),
            best.second.show(),
            best.diff.show(),
            urls.len()
        );
        if let StoreUrl::Sqlite(p) = &urls[0] {
            let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
                + std::fs::metadata(format!("{}-wal", p.display()))
                    .map(|m| m.len())
                    .unwrap_or(0);
            println!("sqlite: file after two scans {:.1} MB", size as f64 / 1e6);
        }
    }
}
