//! The scanner alone, for benchmarks on machines where the full `rampart` binary (which links the
//! AWS SDK) has not been built in release mode: the same library calls as `rampart secrets`, with
//! the findings written as a JSON report (`{"findings": [...]}`) to standard output.
//!
//! `cargo run --release -p rampart-secrets --example scan -- PATH... [--history] [--rules a,b]
//! [--threads N] [--stats]`

use std::path::PathBuf;
use std::time::Instant;

use rampart_secrets::{
    Catalogue, Place, Scanner, WalkOptions, scan_history, scan_paths, to_finding,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut paths = Vec::new();
    let (mut history, mut stats, mut threads, mut rules) = (false, false, 0usize, Vec::new());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--history" => history = true,
            "--stats" => stats = true,
            "--threads" => threads = args.next().ok_or("--threads N")?.parse()?,
            "--rules" => {
                rules = args
                    .next()
                    .ok_or("--rules ids")?
                    .split(',')
                    .map(str::to_owned)
                    .collect()
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let started = Instant::now();
    let catalogue = if rules.is_empty() {
        Catalogue::builtin()?
    } else {
        Catalogue::builtin_only(&rules)?
    };
    let n_rules = catalogue.reported_len();
    let scanner = Scanner::new(catalogue)?;
    let mut findings = Vec::new();
    let (mut files, mut bytes) = (0, 0);
    if history {
        for repo in &paths {
            let h = scan_history(&scanner, repo, threads, 256 << 20, false)?;
            files += h.stats.files;
            bytes += h.stats.bytes;
            for m in &h.matches {
                let file = repo.join(&m.path).display().to_string();
                findings.push(to_finding(
                    Place {
                        file: &file,
                        commit: Some(&m.commit),
                        blob: Some(&m.blob),
                    },
                    &m.found,
                ));
            }
        }
    } else {
        let options = WalkOptions {
            threads,
            ..WalkOptions::default()
        };
        let scan = scan_paths(&scanner, &paths, &options)?;
        files = scan.stats.files;
        bytes = scan.stats.bytes;
        for m in &scan.matches {
            let file = m.path.display().to_string();
            findings.push(to_finding(
                Place {
                    file: &file,
                    commit: None,
                    blob: None,
                },
                &m.found,
            ));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if stats {
        #[allow(clippy::cast_precision_loss)]
        let mb = bytes as f64 / 1e6;
        eprintln!(
            "{files} files/blobs, {mb:.1} MB, {n_rules} rules, {} findings in {secs:.3} s ({:.0} MB/s)",
            findings.len(),
            mb / secs
        );
    }
    println!(
        "{}",
        serde_json::to_string(&serde_json::json!({ "findings": findings }))?
    );
    Ok(())
}
