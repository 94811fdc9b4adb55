//! `rampart secrets PATH... [--history]`: hard-coded secrets in files and in git history.
//!
//! Files are walked in parallel, hidden and git-ignored ones included (`--respect-gitignore`,
//! `--skip-hidden` to narrow it). With `--history`, every blob reachable in each repository's
//! history is scanned once and reported with the commit and path where it first appeared; a
//! secret still in the work tree is reported there, with the commit that introduced it. Secrets
//! are never printed whole: the first characters and a fingerprint stand for them.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use rampart_model::finding::ToolInfo;
use rampart_model::{Gap, InputInfo, InputKind, Report, Summary};
use rampart_secrets::{
    Catalogue, Place, Scanner, WalkOptions, scan_history, scan_paths, to_finding,
};
use serde_json::json;

use crate::Outcome;
use crate::output::{Emitted, OutputArgs};

/// Arguments of `rampart secrets`.
#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files and directories to scan (with `--history`: git repositories).
    #[arg(required_unless_present = "list_rules")]
    pub paths: Vec<PathBuf>,
    /// Also scan every blob of each repository's git history.
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Honour .gitignore and .ignore files (by default every file is read).
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Skip hidden files and directories (by default they are read: `.env` matters).
    #[arg(long)]
    pub skip_hidden: bool,
    /// Scan files that look binary too.
    #[arg(long)]
    pub scan_binary: bool,
    /// Files (and blobs) larger than this many MiB are skipped and listed as gaps.
    #[arg(long, default_value_t = 256)]
    pub max_file_size: u64,
    /// Worker threads (0: one per CPU).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Only these rules (ids, comma-separated; see `--list-rules`).
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// List the rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Print what was scanned and how fast to standard error.
    #[arg(long)]
    pub stats: bool,
}

/// Runs `rampart secrets`.
pub fn run(args: &SecretsArgs) -> anyhow::Result<Outcome> {
    // With `--rules`, only the rules listed are compiled.
    let catalogue = if args.rules.is_empty() {
        Catalogue::builtin().context("the built-in pattern catalogue")?
    } else {
        Catalogue::builtin_only(&args.rules)?
    };
    if args.list_rules {
        return list_rules(&catalogue);
    }
    let rules = catalogue.reported_len();
    let scanner = Scanner::new(catalogue)?;
    // Options first: a bad configuration or baseline must not cost a scan.
    let (config, config_path) = args.output.config()?;
    let baseline = args.output.load_baseline()?;
    for p in &args.paths {
        crate::inputs::regular(p)?;
    }
    let started = Instant::now();
    let options = WalkOptions {
        respect_gitignore: args.respect_gitignore,
        skip_hidden: args.skip_hidden,
        scan_binary: args.scan_binary,
        max_file_size: args.max_file_size.saturating_mul(1 << 20),
        threads: args.threads,
        ..WalkOptions::default()
    };
    let files = scan_paths(&scanner, &args.paths, &options)?;
    let mut findings = Vec::new();
    let mut gaps = Vec::new();
    let mut inputs: Vec<InputInfo> = args
        .paths
        .iter()
        .map(|p| InputInfo {
            kind: InputKind::Tree,
            source: p.display().to_string(),
        })
        .collect();
    let (mut scanned_files, mut scanned_bytes) = (files.stats.files, files.stats.bytes);
    let mut commits = 0;

    // History first, so that a secret still in the work tree can name the commit that brought it.
    let mut introduced: HashMap<(String, String, String), String> = HashMap::new();
    let mut history_findings = Vec::new();
    if args.history {
        for repo in &args.paths {
            let h = scan_history(
                &scanner,
                repo,
                args.threads,
                options.max_file_size,
                args.scan_binary,
            )?;
            inputs.push(InputInfo {
                kind: InputKind::GitHistory,
                source: repo.display().to_string(),
            });
            commits += h.commits;
            scanned_files += h.stats.files;
            scanned_bytes += h.stats.bytes;
            for (path, reason) in h.skipped {
                gaps.push(skipped_gap(&format!("{}:{path}", repo.display()), &reason));
            }
            for m in h.matches {
                let key = (
                    m.found.rule.clone(),
                    m.found.fingerprint.clone(),
                    repo.join(&m.path).display().to_string(),
                );
                introduced
                    .entry(key.clone())
                    .or_insert_with(|| m.commit.clone());
                let file = repo.join(&m.path).display().to_string();
                history_findings.push((
                    key,
                    to_finding(
                        Place {
                            file: &file,
                            commit: Some(&m.commit),
                            blob: Some(&m.blob),
                        },
                        &m.found,
                    ),
                ));
            }
        }
    }
    let mut in_tree = std::collections::HashSet::new();
    for m in &files.matches {
        let file = m.path.display().to_string();
        let mut f = to_finding(
            Place {
                file: &file,
                commit: None,
                blob: None,
            },
            &m.found,
        );
        let key = (
            m.found.rule.clone(),
            m.found.fingerprint.clone(),
            file.clone(),
        );
        if let Some(commit) = introduced.get(&key) {
            f.evidence.insert("introduced_in".into(), json!(commit));
        }
        in_tree.insert(key);
        findings.push(f);
    }
    findings.extend(
        history_findings
            .into_iter()
            .filter(|(k, _)| !in_tree.contains(k))
            .map(|(_, f)| f),
    );
    for s in &files.skipped {
        gaps.push(skipped_gap(&s.path.display().to_string(), &s.reason));
    }

    let warnings = rampart_checks::runner::apply_waivers(
        &mut findings,
        &config,
        &[],
        time::OffsetDateTime::now_utc().date(),
    );
    let elapsed = started.elapsed();

    let mut settings = BTreeMap::new();
    settings.insert("config".into(), json!(config_path));
    settings.insert("rules".into(), json!(rules));
    settings.insert("history".into(), json!(args.history));
    settings.insert("respect_gitignore".into(), json!(args.respect_gitignore));
    settings.insert("skip_hidden".into(), json!(args.skip_hidden));
    settings.insert("files_scanned".into(), json!(scanned_files));
    settings.insert("bytes_scanned".into(), json!(scanned_bytes));
    settings.insert("binary_files_skipped".into(), json!(files.stats.binary));
    settings.insert("waivers".into(), json!(config.waivers.len()));
    if args.history {
        settings.insert("commits".into(), json!(commits));
    }
    let summary = Summary::of(
        &findings,
        rules,
        usize::try_from(scanned_files).unwrap_or(usize::MAX),
    );
    let report = Report {
        tool: ToolInfo {
            name: "rampart".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        inputs,
        scanned_at: None,
        settings,
        findings,
        gaps,
        summary,
        passes_not_listed: BTreeMap::default(),
    };

    if args.stats {
        let secs = elapsed.as_secs_f64().max(1e-9);
        #[allow(clippy::cast_precision_loss)]
        let mb = scanned_bytes as f64 / 1e6;
        eprintln!(
            "rampart secrets: {scanned_files} files/blobs, {mb:.1} MB, {commits} commits, {rules} rules, {} findings in {secs:.3} s ({:.0} MB/s)",
            report.findings.len(),
            mb / secs
        );
    }
    // The same output path as `scan`: every format, waivers, baseline, `--fail-on`.
    args.output.emit(Emitted {
        report,
        warnings,
        baseline,
        incomplete: false,
        command: "secrets",
        accounts: Vec::new(),
        regions: Vec::new(),
    })
}

fn skipped_gap(path: &str, reason: &str) -> Gap {
    Gap::new("secrets.files", path, format!("not scanned: {reason}")).for_resource(path)
}

fn list_rules(catalogue: &Catalogue) -> anyhow::Result<Outcome> {
    let mut out = String::new();
    for r in catalogue.rules.iter().filter(|r| !r.spec.hidden) {
        out.push_str(&format!(
            "{:<40} {:<8} {:<6} {}\n",
            r.spec.id, r.severity, r.control, r.spec.description
        ));
    }
    for p in &catalogue.pairs {
        out.push_str(&format!(
            "{:<40} {:<8} {:<6} {}\n",
            p.spec.id, p.spec.severity, "SEC-1", p.spec.description
        ));
    }
    out.push_str(&format!("{} rules", catalogue.reported_len()));
    crate::output::write_stdout(&out)?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FailOn;
    use rampart_model::Severity;

    fn args(paths: &[&std::path::Path], format: &str, out: &std::path::Path) -> SecretsArgs {
        SecretsArgs {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            history: false,
            output: OutputArgs {
                format: vec![format.into()],
                output: Some(out.to_path_buf()),
                output_dir: None,
                fail_on: FailOn(Some(Severity::Low)),
                include_passed: false,
                quiet: false,
                config: None,
                no_color: true,
                compliance: None,
                baseline: None,
                store: crate::output::StoreArg::default(),
            },
            respect_gitignore: false,
            skip_hidden: false,
            scan_binary: false,
            max_file_size: 256,
            threads: 2,
            rules: Vec::new(),
            list_rules: false,
            stats: false,
        }
    }

    fn tree() -> (tempfile::TempDir, tempfile::TempDir, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let token = ["shpat_", "0d4c9e2a7b1f8e3d6c5a4b9f2e1d7c8a"].concat();
        std::fs::create_dir_all(dir.path().join("app")).expect("mkdir");
        std::fs::write(
            dir.path().join("app/shop.py"),
            format!("import os\nTOKEN = \"{token}\"\n"),
        )
        .expect("write");
        std::fs::write(
            dir.path().join(".env"),
            "DB_PASSWORD=Sh0p-Pr0d-Pa55!\nREGION=eu-west-1\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("README.md"),
            "AKIAIOSFODNN7EXAMPLE is the documentation key\n",
        )
        .expect("write");
        (dir, tempfile::tempdir().expect("tempdir"), token)
    }

    fn read_json(path: &std::path::Path) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
    }

    #[test]
    fn json_report_lists_redacted_findings_with_locations() {
        let (dir, outdir, token) = tree();
        let out = outdir.path().join("report.json");
        let outcome = run(&args(&[dir.path()], "json", &out)).expect("run");
        assert!(matches!(outcome, Outcome::Findings));
        let text = std::fs::read_to_string(&out).expect("read");
        assert!(
            !text.contains(&token) && !text.contains("Sh0p-Pr0d"),
            "a secret leaked: {text}"
        );
        let report = read_json(&out);
        let findings = report["findings"].as_array().expect("findings");
        let mut rules: Vec<&str> = findings
            .iter()
            .map(|f| f["check"].as_str().unwrap_or_default())
            .collect();
        rules.sort_unstable();
        assert_eq!(rules, ["generic-env-credential", "shopify-access-token"]);
        for f in findings {
            assert_eq!(f["controls"], json!(["SEC-1"]));
            assert_eq!(f["status"], "fail");
            assert!(f["location"]["line"].as_u64().is_some());
            assert!(
                f["evidence"]["fingerprint"]
                    .as_str()
                    .is_some_and(|s| s.len() == 16)
            );
        }
        assert_eq!(report["summary"]["by_status"]["fail"], 2);
    }

    #[test]
    fn a_baseline_stops_accepted_findings_counting_and_a_moved_secret_stays_accepted() {
        let (dir, outdir, _) = tree();
        let base = outdir.path().join("baseline.json");
        run(&args(&[dir.path()], "json", &base)).expect("first run");
        // The secret moves two lines down: still the same finding.
        let shop = dir.path().join("app/shop.py");
        let moved = format!("\n\n{}", std::fs::read_to_string(&shop).expect("read"));
        std::fs::write(&shop, moved).expect("write");
        let out = outdir.path().join("again.sarif");
        let mut a = args(&[dir.path()], "sarif", &out);
        a.output.baseline = Some(base.clone());
        let outcome = run(&a).expect("second run");
        assert!(matches!(outcome, Outcome::Clean));
        let log = read_json(&out);
        let states: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["baselineState"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(states, ["unchanged", "unchanged"]);
        // A new secret counts again.
        std::fs::write(
            dir.path().join("new.env"),
            "API_TOKEN=Zq8WmK3xT5rLp2Vb7NcYd4eH\n",
        )
        .expect("write");
        assert!(matches!(run(&a).expect("third run"), Outcome::Findings));
    }

    #[test]
    fn every_format_and_waivers_and_fail_on_none() {
        let (dir, outdir, token) = tree();
        for format in [
            "text", "json", "sarif", "ocsf", "asff", "junit", "csv", "html",
        ] {
            let out = outdir.path().join(format!("r.{format}"));
            run(&args(&[dir.path()], format, &out)).expect(format);
            let text = std::fs::read_to_string(&out).expect("read");
            assert!(text.contains("shopify-access-token"), "{format}: {text}");
            assert!(!text.contains(&token), "{format} leaked the token");
        }
        let config = outdir.path().join("rampart.toml");
        std::fs::write(
            &config,
            "[[waivers]]\ncheck = \"*\"\nresource = \"*\"\nreason = \"test fixtures\"\n",
        )
        .expect("write");
        let out = outdir.path().join("waived.json");
        let mut a = args(&[dir.path()], "json", &out);
        a.output.config = Some(config);
        assert!(matches!(run(&a).expect("waived"), Outcome::Clean));
        assert_eq!(read_json(&out)["summary"]["by_status"]["waived"], 2);
        let mut soft = args(&[dir.path()], "json", &out);
        soft.output.fail_on = FailOn(None);
        assert!(matches!(run(&soft).expect("soft"), Outcome::Clean));
    }

    #[test]
    fn unknown_rules_and_missing_paths_are_errors() {
        let (dir, outdir, _) = tree();
        let out = outdir.path().join("x.json");
        let mut a = args(&[dir.path()], "json", &out);
        a.rules = vec!["no-such-rule".into()];
        assert!(
            run(&a)
                .err()
                .expect("unknown rule")
                .to_string()
                .contains("no-such-rule")
        );
        let missing = dir.path().join("missing");
        let err = run(&args(&[&missing], "json", &out))
            .err()
            .expect("missing path");
        assert!(format!("{err:#}").contains("missing"));
    }
}
