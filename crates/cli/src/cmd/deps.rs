//! `rampart deps PATH... --db DB`: lock files against OSV advisories held offline (APP-1);
//! `rampart deps --update-db DB`: download or refresh the database.
//!
//! The findings go through the common output path (`OutputArgs::emit`): every format,
//! waivers, baseline, `--fail-on`. A lock file that cannot be parsed is reported with its
//! position, recorded as a gap, and makes the exit code 2 once the report is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;
use clap::Args;
use rampart_deps::osv::{self, CacheUse};
use rampart_model::{Finding, Gap, InputInfo, Remediation};
use serde_json::json;

use crate::Outcome;
use crate::output::OutputArgs;

/// Arguments of `rampart deps`.
#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Lock files, or directories searched for them (requirements*.txt, poetry.lock,
    /// Pipfile.lock, uv.lock, pdm.lock, package-lock.json, npm-shrinkwrap.json, yarn.lock,
    /// pnpm-lock.yaml, Gemfile.lock, Cargo.lock, go.mod, composer.lock).
    #[arg(required_unless_present = "update_db")]
    pub paths: Vec<PathBuf>,
    /// The OSV database: a directory of osv.dev exports (`DB/PyPI/all.zip`…) or of OSV JSON
    /// records, or one zip.
    #[arg(long, env = "RAMPART_OSV_DB")]
    pub db: Option<PathBuf>,
    /// Download (or refresh) the per-ecosystem exports into this directory first.
    #[arg(long, value_name = "DB")]
    pub update_db: Option<PathBuf>,
    /// Where `--update-db` downloads from: `<SOURCE>/<ECOSYSTEM>/all.zip`.
    #[arg(long, default_value = rampart_deps::update::DEFAULT_SOURCE)]
    pub source: String,
    /// The ecosystems `--update-db` downloads (comma-separated OSV names).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "PyPI,npm,RubyGems,crates.io,Go,Packagist"
    )]
    pub ecosystems: Vec<String>,
    /// Warn when the database's newest record is older than this many days.
    #[arg(long, default_value_t = 7)]
    pub max_db_age: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What an audit of paths produced.
#[derive(Default)]
pub struct DepsRun {
    /// Results (passes included).
    pub findings: Vec<Finding>,
    /// Inputs that could not be read.
    pub gaps: Vec<Gap>,
    /// The lock files read.
    pub inputs: Vec<InputInfo>,
    /// Report settings (database, age, cache).
    pub settings: Vec<(String, serde_json::Value)>,
    /// Packages audited.
    pub packages: usize,
}

/// Runs `rampart deps`.
pub fn run(args: &DepsArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = &args.update_db {
        update(args, dir)?;
        if args.paths.is_empty() {
            return Ok(Outcome::Clean);
        }
    }
    let db = match (&args.db, &args.update_db) {
        (Some(db), _) => db.clone(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => bail!(
            "no OSV database given: pass `--db DB` (or set RAMPART_OSV_DB); download one with `rampart deps --update-db DB`"
        ),
    };
    let files = lock_files(&args.paths)?;
    let runtimes = runtime_findings(&args.paths);
    if files.is_empty() && runtimes.is_empty() {
        bail!(
            "no lock file nor runtime declaration found in {}",
            args.paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut run = audit_files(&files, &db, args.max_db_age)?;
    run.findings.extend(runtimes);
    let unreadable = run.gaps.len();
    let (config, config_path) = args.output.config()?;
    let baseline = args.output.load_baseline()?;
    let mut findings = run.findings;
    // The same output path as `scan`: waivers, baseline, every format, `--fail-on`.
    let warnings = rampart_checks::runner::apply_waivers(
        &mut findings,
        &config,
        &[],
        time::OffsetDateTime::now_utc().date(),
    );
    let mut report = crate::output::report(
        run.inputs,
        None,
        findings,
        run.gaps,
        1,
        run.packages,
        config_path,
    );
    for (k, v) in run.settings {
        report.settings.insert(k, v);
    }
    report.settings.insert(
        "checks".into(),
        json!([rampart_deps::CHECK, rampart_deps::runtimes::CHECK]),
    );
    args.output.emit(crate::output::Emitted {
        report,
        warnings,
        baseline,
        incomplete: unreadable > 0,
        command: "deps",
        accounts: Vec::new(),
        regions: Vec::new(),
    })
}

fn update(args: &DepsArgs, dir: &Path) -> anyhow::Result<()> {
    let mut ecosystems = Vec::new();
    for name in &args.ecosystems {
        match rampart_deps::Ecosystem::from_osv(name) {
            Some(e) => ecosystems.push(e),
            None => bail!(
                "unknown ecosystem `{name}` (expected PyPI, npm, RubyGems, crates.io, Go or Packagist)"
            ),
        }
    }
    let results = rampart_deps::update::update(dir, &args.source, &ecosystems)?;
    for r in &results {
        eprintln!("rampart: {}: {}", r.ecosystem, r.outcome);
    }
    Ok(())
}

/// Every lock file named by the paths (directories are searched).
fn lock_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            bail!("`{}` does not exist", p.display());
        }
        if p.is_file()
            && rampart_deps::lockfile::Format::detect(p).is_none()
            && !rampart_deps::runtimes::is_runtime_file(p)
        {
            bail!(
                "`{}` is not a lock file rampart reads (see `rampart deps --help`)",
                p.display()
            );
        }
        out.extend(rampart_deps::lockfile::find(p));
    }
    Ok(out)
}

/// The remediation of DEPS-001, from the catalogue.
fn remediation() -> Arc<Remediation> {
    remediation_of(rampart_deps::CHECK)
}

fn remediation_of(code: &str) -> Arc<Remediation> {
    Arc::new(
        rampart_checks::registry::by_code(code)
            .map(|c| c.meta().remediation.to_model())
            .unwrap_or_default(),
    )
}

/// APP-2: the runtimes the source trees among `paths` name, judged today against the
/// end-of-support table (DEPS-002).
pub fn runtime_findings<P: AsRef<Path>>(paths: &[P]) -> Vec<Finding> {
    let today = rampart_model::Timestamp::now().0.date();
    let remediation = remediation_of(rampart_deps::runtimes::CHECK);
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if !(p.is_dir() || rampart_deps::runtimes::is_runtime_file(p)) {
            continue;
        }
        for file in rampart_deps::runtimes::find(p) {
            let decls = rampart_deps::runtimes::read(&file);
            out.extend(rampart_deps::runtimes::judge(&decls, today, &remediation));
        }
    }
    out
}

/// Audits lock files against the database at `db`.
///
/// # Errors
/// When the database cannot be opened (missing: the message says how to get one).
pub fn audit_files(files: &[PathBuf], db: &Path, max_age: u64) -> anyhow::Result<DepsRun> {
    let (index, cache) = osv::open(db)?;
    let mut run = DepsRun::default();
    run.settings
        .push(("osv_db".into(), json!(db.display().to_string())));
    run.settings
        .push(("osv_advisories".into(), json!(index.advisories.len())));
    run.settings
        .push(("osv_withdrawn_ignored".into(), json!(index.withdrawn)));
    run.settings
        .push(("osv_ecosystems".into(), json!(index.ecosystems)));
    run.settings
        .push(("osv_newest_record".into(), json!(index.newest_modified)));
    match &cache {
        CacheUse::Loaded(p) | CacheUse::Written(p) => {
            run.settings
                .push(("osv_cache".into(), json!(p.display().to_string())));
        }
        CacheUse::NotWritten(why) => {
            eprintln!("rampart: warning: the database index is not cached: {why}");
        }
    }
    let age = osv::age_days(&index, std::time::SystemTime::now());
    run.settings.push(("osv_db_age_days".into(), json!(age)));
    if let Some(days) = age
        && days > max_age
    {
        let warning = format!(
            "the OSV database is {days} days old (newest record {}): advisories published since are not known; refresh it with `rampart deps --update-db {}`",
            index.newest_modified.as_deref().unwrap_or("?"),
            db.display()
        );
        eprintln!("rampart: warning: {warning}");
        run.settings.push(("osv_db_warning".into(), json!(warning)));
    }
    for p in &index.problems {
        eprintln!("rampart: error: {p}");
        run.gaps
            .push(Gap::new("deps.osv", p, "advisory record could not be read"));
    }
    let remediation = remediation();
    // A requirements file included by another (`-r`) is also found on its own: one result.
    let mut seen = std::collections::HashSet::new();
    for file in files {
        match rampart_deps::lockfile::read(file) {
            Ok(lock) => {
                run.packages += lock.packages.len();
                run.inputs.push(InputInfo {
                    kind: rampart_model::InputKind::Tree,
                    source: lock.path.clone(),
                });
                for f in rampart_deps::audit(&index, &lock, &remediation) {
                    let line = f.location.as_ref().and_then(|l| l.line);
                    if seen.insert((f.resource.clone(), line)) {
                        run.findings.push(f);
                    }
                }
            }
            Err(e) => {
                eprintln!("rampart: error: {e}");
                run.gaps.push(
                    Gap::new("deps.lockfiles", &e.file, e.to_string()).with_code("ParseError"),
                );
            }
        }
    }
    Ok(run)
}

/// For `rampart scan`: the dependency audit of the source trees among `paths`, when they hold
/// lock files. Without a database every lock file is `not_assessed` (never a silent pass).
pub fn for_scan(paths: &[String], db: Option<&Path>) -> DepsRun {
    let files: Vec<PathBuf> = paths
        .iter()
        .map(Path::new)
        .filter(|p| p.is_dir() || rampart_deps::lockfile::Format::detect(p).is_some())
        .flat_map(rampart_deps::lockfile::find)
        .collect();
    let runtimes = runtime_findings(paths);
    if files.is_empty() {
        return DepsRun {
            findings: runtimes,
            ..DepsRun::default()
        };
    }
    let why = match db {
        Some(db) => match audit_files(&files, db, 7) {
            Ok(mut run) => {
                run.findings.extend(runtimes);
                return run;
            }
            Err(e) => format!("{e:#}"),
        },
        None => "no OSV database given (`rampart scan --osv-db DB`, or RAMPART_OSV_DB); download one with `rampart deps --update-db DB`".to_owned(),
    };
    eprintln!("rampart: warning: dependency audit not run: {why}");
    let remediation = remediation();
    let mut run = DepsRun {
        findings: runtimes,
        ..DepsRun::default()
    };
    for f in files {
        let file = f.display().to_string();
        run.findings.push(Finding {
            check: rampart_deps::CHECK.into(),
            name: rampart_deps::audit::NAME.into(),
            controls: vec![rampart_deps::audit::CONTROL.into()],
            severity: rampart_deps::audit::UNRATED,
            status: rampart_model::Status::NotAssessed,
            resource: file.clone(),
            account: None,
            region: None,
            message: format!("not assessed: {why}"),
            evidence: [("reason".to_owned(), json!(why))].into_iter().collect(),
            location: Some(rampart_model::Location {
                file,
                line: None,
                column: None,
            }),
            remediation: Arc::clone(&remediation),
            waiver_reason: None,
        });
    }
    run
}
