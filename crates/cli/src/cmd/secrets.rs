//! `rampart secrets PATH... [--history]`: hard-coded secrets in files and in git history.
//!
//! Files are walked in parallel, hidden and git-ignored ones included (`--respect-gitignore`,
//! `--skip-hidden` to narrow it). With `--history`, every blob reachable in each repository's
//! history is scanned once and reported with the commit and path where it first appeared; a
//! secret still in the work tree is reported there, with the commit that introduced it. Secrets
//! are never printed whole: the first characters and a fingerprint stand for them.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use rampart_model::finding::ToolInfo;
use rampart_model::{Finding, Gap, InputInfo, Report, Severity, Status, Summary};
use rampart_secrets::{
    Baseline, Catalogue, Place, Scanner, WalkOptions, scan_history, scan_paths, to_finding,
};
use serde_json::json;

use crate::Outcome;

/// Arguments of `rampart secrets`.
#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files and directories to scan (with `--history`: git repositories).
    #[arg(required_unless_present = "list_rules")]
    pub paths: Vec<PathBuf>,
    /// Also scan every blob of each repository's git history.
    #[arg(long)]
    pub history: bool,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json", "sarif"])]
    pub format: String,
    /// Write the report here (`-` or nothing: standard output).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// A previous JSON report of `rampart secrets`: findings in it are not reported again.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, default_value = "low")]
    pub fail_on: Severity,
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
    let mut catalogue = Catalogue::builtin().context("the built-in pattern catalogue")?;
    if !args.rules.is_empty() {
        catalogue.retain(&args.rules)?;
    }
    if args.list_rules {
        return list_rules(&catalogue);
    }
    let rules = catalogue.reported_len();
    let scanner = Scanner::new(catalogue)?;
    let baseline = match &args.baseline {
        Some(p) => Some(Baseline::load(p).map_err(anyhow::Error::msg)?),
        None => None,
    };
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
            kind: "tree".into(),
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
                kind: "git-history".into(),
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

    let before = findings.len();
    if let Some(b) = &baseline {
        findings.retain(|f| !b.contains(f));
    }
    let baselined = before - findings.len();
    let elapsed = started.elapsed();
    let failing = findings
        .iter()
        .any(|f| f.status == Status::Fail && f.severity >= args.fail_on);

    let mut settings = BTreeMap::new();
    settings.insert("rules".into(), json!(rules));
    settings.insert("history".into(), json!(args.history));
    settings.insert("respect_gitignore".into(), json!(args.respect_gitignore));
    settings.insert("skip_hidden".into(), json!(args.skip_hidden));
    settings.insert("files_scanned".into(), json!(scanned_files));
    settings.insert("bytes_scanned".into(), json!(scanned_bytes));
    settings.insert("binary_files_skipped".into(), json!(files.stats.binary));
    if args.history {
        settings.insert("commits".into(), json!(commits));
    }
    if let Some(p) = &args.baseline {
        settings.insert("baseline".into(), json!(p.display().to_string()));
        settings.insert("baselined".into(), json!(baselined));
    }
    settings.insert("fail_on".into(), json!(args.fail_on));
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
        passes_not_listed: Default::default(),
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
    write_output(args, &report)?;
    Ok(if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
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

fn write_output(args: &SecretsArgs, report: &Report) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    match args.format.as_str() {
        "json" => {
            serde_json::to_writer_pretty(&mut buf, report)?;
            buf.push(b'\n');
        }
        "sarif" => {
            serde_json::to_writer_pretty(&mut buf, &sarif(report))?;
            buf.push(b'\n');
        }
        _ => text(report, &mut buf)?,
    }
    match &args.output {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(p, &buf).with_context(|| format!("cannot write `{}`", p.display()))?;
        }
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Control characters in paths are replaced so a hostile file name cannot drive the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn text(report: &Report, w: &mut Vec<u8>) -> std::io::Result<()> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.resource.cmp(&b.resource))
    });
    for f in &findings {
        let loc = f.location.as_ref().map_or_else(String::new, |l| {
            format!(
                "{}:{}:{}",
                clean(&l.file),
                l.line.unwrap_or(0),
                l.column.unwrap_or(0)
            )
        });
        let commit = f
            .evidence
            .get("commit")
            .or_else(|| f.evidence.get("introduced_in"))
            .and_then(|c| c.as_str())
            .map(|c| format!(" (commit {})", c.get(..12).unwrap_or(c)))
            .unwrap_or_default();
        writeln!(
            w,
            "{:<8} {} {loc}{commit}",
            f.severity.as_str().to_ascii_uppercase(),
            f.check
        )?;
        writeln!(w, "         {}", clean(&f.message))?;
    }
    for g in &report.gaps {
        writeln!(w, "SKIPPED  {}: {}", clean(&g.operation), g.reason)?;
    }
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            report
                .summary
                .failures_by_severity
                .get(s.as_str())
                .map(|n| format!("{s} {n}"))
        })
        .collect();
    let files = report
        .settings
        .get("files_scanned")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    writeln!(
        w,
        "{} finding(s){}; {files} files scanned with {} rules",
        report.findings.len(),
        if by_sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_sev.join(", "))
        },
        report.summary.checks_run
    )
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A file path as a SARIF artifact URI (relative paths stay relative, separators are `/`).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A minimal SARIF 2.1.0 log: one run, the rules that fired, one result per finding with its
/// physical location and the secret's fingerprint as a partial fingerprint.
fn sarif(report: &Report) -> serde_json::Value {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in &report.findings {
        if !rule_index.contains_key(f.check.as_str()) {
            rule_index.insert(&f.check, rules.len());
            rules.push(json!({
                "id": f.check,
                "name": f.name,
                "shortDescription": {"text": f.message.split(" `").next().unwrap_or(&f.message)},
                "help": {"text": f.remediation.text},
                "defaultConfiguration": {"level": level(f.severity)},
                "properties": {"tags": ["security", "secret"], "controls": f.controls},
            }));
        }
    }
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut location = json!({});
            if let Some(l) = &f.location {
                let mut region = json!({"startLine": l.line.unwrap_or(1)});
                if let Some(c) = l.column {
                    region["startColumn"] = json!(c);
                }
                location = json!({"physicalLocation": {"artifactLocation": {"uri": uri(&l.file)}, "region": region}});
            }
            let mut result = json!({
                "ruleId": f.check,
                "ruleIndex": rule_index.get(f.check.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
                "properties": {"severity": f.severity, "evidence": f.evidence},
            });
            if let Some(fp) = f.evidence.get("fingerprint") {
                result["partialFingerprints"] = json!({"secretFingerprint/v1": fp});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "informationUri": "https://example.invalid/rampart",
                "rules": rules,
            }},
            "results": results,
            "columnKind": "utf16CodeUnits",
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(paths: &[&std::path::Path], format: &str, out: &std::path::Path) -> SecretsArgs {
        SecretsArgs {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            history: false,
            format: format.into(),
            output: Some(out.to_path_buf()),
            baseline: None,
            fail_on: Severity::Low,
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
        std::fs::remove_file(&out).expect("cleanup");
    }

    #[test]
    fn a_baseline_hides_accepted_findings() {
        let (dir, outdir, _) = tree();
        let base = outdir.path().join("baseline.json");
        run(&args(&[dir.path()], "json", &base)).expect("first run");
        let out = outdir.path().join("again.json");
        let mut a = args(&[dir.path()], "json", &out);
        a.baseline = Some(base.clone());
        let outcome = run(&a).expect("second run");
        assert!(matches!(outcome, Outcome::Clean));
        let report = read_json(&out);
        assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
        assert_eq!(report["settings"]["baselined"], 2);
        // A new secret is still reported.
        std::fs::write(
            dir.path().join("new.env"),
            "API_TOKEN=Zq8WmK3xT5rLp2Vb7NcYd4eH\n",
        )
        .expect("write");
        run(&a).expect("third run");
        assert_eq!(
            read_json(&out)["findings"].as_array().map(Vec::len),
            Some(1)
        );
        std::fs::remove_file(&out).expect("cleanup");
        std::fs::remove_file(&base).expect("cleanup");
    }

    #[test]
    fn sarif_has_rules_results_and_locations() {
        let (dir, outdir, token) = tree();
        let out = outdir.path().join("report.sarif");
        run(&args(&[dir.path()], "sarif", &out)).expect("run");
        let text = std::fs::read_to_string(&out).expect("read");
        assert!(!text.contains(&token));
        let log = read_json(&out);
        assert_eq!(log["version"], "2.1.0");
        let run0 = &log["runs"][0];
        let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
        let results = run0["results"].as_array().expect("results");
        assert_eq!(results.len(), 2);
        for r in results {
            let index = usize::try_from(r["ruleIndex"].as_u64().expect("index")).expect("usize");
            assert_eq!(rules[index]["id"], r["ruleId"]);
            let loc = &r["locations"][0]["physicalLocation"];
            assert!(
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .is_some_and(|u| !u.contains('\\'))
            );
            assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
            assert!(r["partialFingerprints"]["secretFingerprint/v1"].is_string());
        }
        std::fs::remove_file(&out).expect("cleanup");
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

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(uri("./app/my file.py"), "app/my%20file.py");
        assert_eq!(uri("a\\b.txt"), "a/b.txt");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
    }
}
