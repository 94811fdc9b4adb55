//! Options shared by every command that produces a report, and the one code path that writes
//! it: `--format` (one or several), `-o`, `--output-dir`, `--fail-on`, `--include-passed`,
//! `--quiet`, `--config`, `--compliance` and `--baseline`. `scan`, `policy lint` and `secrets`
//! all emit through [`OutputArgs::emit`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context as _;
use clap::Args;
use std::collections::BTreeSet;

use rampart_model::{Baseline, Finding, Report, Severity, Status, Timestamp, Warning};
use rampart_report::{Document, Format, Reference, RenderOptions, Rule};

use crate::Outcome;

/// `--fail-on`: a severity, or `none` (report, never fail: a soft-fail run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn(pub Option<Severity>);

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("none") {
            return Ok(FailOn(None));
        }
        s.parse::<Severity>()
            .map(|s| FailOn(Some(s)))
            .map_err(|e| format!("{e}, or none"))
    }
}

/// Output options.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; several, comma-separated, with `--output-dir`.
    #[arg(
        long,
        short = 'f',
        default_value = "text",
        value_delimiter = ',',
        value_parser = ["text", "json", "sarif", "ocsf", "asff", "junit", "csv", "html"]
    )]
    pub format: Vec<String>,
    /// Write the report here (`-` or nothing: standard output).
    #[arg(long, short = 'o', conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write one report per format into this directory (`rampart.txt`, `rampart.json`,
    /// `rampart.sarif`…), naming each file written on standard error.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Exit with 1 when a failure at or above this severity is found (`none`: never).
    #[arg(long, default_value = "low")]
    pub fail_on: FailOn,
    /// List passed results too.
    #[arg(long)]
    pub include_passed: bool,
    /// Text: only the summary and one line per failure.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// The configuration file (default: `rampart.toml` in the current directory, if any).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Never colour the text report.
    #[arg(long)]
    pub no_color: bool,
    /// Add the per-control compliance table of a framework (text, JSON, HTML, SARIF).
    #[arg(long, value_parser = ["cis-3.0", "cis-6.0", "fsbp"])]
    pub compliance: Option<String>,
    /// A previous JSON report: only findings not in it count towards the exit code.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
}

/// `--store [URL]`: the store a command records in (`scan`, `collect`, `policy lint`, `secrets`,
/// `deps`) or reads (`history`, `diff`, `report`).
#[derive(Debug, Args, Default)]
pub struct StoreArg {
    /// The scan history store: `--store` alone for the SQLite file in the user's data
    /// directory, `--store=sqlite:PATH`, or `--store=postgres://USER@HOST/DB`. Reporting
    /// commands record their scan in it; `history`, `diff` and `report` read it (default: the
    /// SQLite file).
    #[arg(
        long = "store",
        env = "RAMPART_STORE",
        value_name = "URL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "default",
        global = true
    )]
    pub url: Option<String>,
}

impl StoreArg {
    /// The store named, if any.
    pub fn url(&self) -> anyhow::Result<Option<rampart_store::StoreUrl>> {
        match self.url.as_deref() {
            None => Ok(None),
            Some("default" | "") => Ok(Some(rampart_store::StoreUrl::default_sqlite()?)),
            Some(s) => Ok(Some(s.parse()?)),
        }
    }

    /// The store named, else the default one.
    pub fn url_or_default(&self) -> anyhow::Result<rampart_store::StoreUrl> {
        match self.url()? {
            Some(u) => Ok(u),
            None => Ok(rampart_store::StoreUrl::default_sqlite()?),
        }
    }
}

/// What a command hands to [`OutputArgs::emit`]: the report with every result, the runner's
/// warnings and baseline, and whether an input could not be read.
pub struct Emitted {
    /// The report: every result, passes included or counted in `passes_not_listed`.
    pub report: Report,
    /// Report-level warnings (waivers, data outside the input).
    pub warnings: Vec<Warning>,
    /// The baseline failures were compared with.
    pub baseline: Option<Baseline>,
    /// A named input could not be read: the report is written and the exit code is 2.
    pub incomplete: bool,
    /// The command, as `rampart history` lists it (`scan`, `policy lint`, `secrets`, `deps`).
    pub command: &'static str,
    /// The accounts the inputs held (the scope of a stored scan).
    pub accounts: Vec<String>,
    /// The regions the inputs held.
    pub regions: Vec<String>,
}

impl Emitted {
    /// A report read back from a store (`report`, `diff`): complete, no warnings or baseline.
    pub fn stored(report: Report, command: &'static str, accounts: Vec<String>) -> Emitted {
        Emitted {
            report,
            warnings: Vec::new(),
            baseline: None,
            incomplete: false,
            command,
            accounts,
            regions: Vec::new(),
        }
    }
}

/// Where [`OutputArgs::render`] takes a report's history from.
pub enum HistorySource {
    /// Nowhere: no store.
    None,
    /// Record the report in this store, then read its scope's history from it.
    Record(rampart_store::StoreUrl),
    /// Given (a stored scan's report, a diff).
    Given(Box<rampart_report::history::History>),
}

impl OutputArgs {
    /// Loads the configuration: `--config`, else `./rampart.toml` if it exists, else defaults.
    pub fn config(&self) -> anyhow::Result<(rampart_checks::Config, Option<String>)> {
        let path = match &self.config {
            Some(p) => Some(p.clone()),
            None => {
                let p = PathBuf::from("rampart.toml");
                p.exists().then_some(p)
            }
        };
        match path {
            Some(p) => {
                crate::inputs::regular(&p)?;
                let c = rampart_checks::Config::load(&p)?;
                Ok((c, Some(p.display().to_string())))
            }
            None => Ok((rampart_checks::Config::default(), None)),
        }
    }

    /// Loads `--baseline`.
    pub fn load_baseline(&self) -> anyhow::Result<Option<Baseline>> {
        match &self.baseline {
            Some(path) => {
                crate::inputs::regular(path)?;
                Ok(Some(Baseline::load(path)?))
            }
            None => Ok(None),
        }
    }

    /// The run options the runner needs from these options.
    pub fn run_options(&self) -> anyhow::Result<rampart_checks::RunOptions> {
        Ok(rampart_checks::RunOptions {
            keep_passes: self.include_passed,
            baseline: self.load_baseline()?,
            ..rampart_checks::RunOptions::default()
        })
    }

    fn formats(&self) -> anyhow::Result<Vec<Format>> {
        let mut out: Vec<Format> = Vec::new();
        for f in &self.format {
            let f: Format = f.parse().map_err(anyhow::Error::msg)?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        if out.len() > 1 && self.output_dir.is_none() {
            anyhow::bail!(
                "several formats ({}) need `--output-dir DIR`: one file per format",
                self.format.join(",")
            );
        }
        Ok(out)
    }

    /// Renders the report in every format asked, and tells how the run went: findings at or
    /// above `--fail-on` (not in the baseline), or an input that could not be read.
    ///
    /// Before rendering, the compliance view is computed when `--compliance` asks for it and
    /// passes are dropped unless `--include-passed`.
    pub fn emit(&self, emitted: Emitted) -> anyhow::Result<Outcome> {
        // A store address that does not parse is an option error: nothing has run yet worth
        // keeping, but the report is still written (the run itself went fine).
        let source = match self.store.url() {
            Ok(Some(url)) => HistorySource::Record(url),
            Ok(None) => HistorySource::None,
            Err(e) => {
                let outcome = self.render(emitted, HistorySource::None)?;
                eprintln!("rampart: error: {e:#}");
                return Ok(match outcome {
                    Outcome::Incomplete => Outcome::Incomplete,
                    _ => Outcome::Unrecorded,
                });
            }
        };
        self.render(emitted, source)
    }

    /// Options that render nothing and record in `store` (`collect --store`).
    pub fn record_only(store: &str) -> OutputArgs {
        OutputArgs {
            format: Vec::new(),
            output: None,
            output_dir: None,
            fail_on: FailOn(None),
            include_passed: false,
            quiet: true,
            config: None,
            no_color: true,
            compliance: None,
            baseline: None,
            store: StoreArg {
                url: Some(store.to_owned()),
            },
        }
    }

    /// [`OutputArgs::emit`] with the history taken from `source`. A store that cannot be
    /// reached or written never costs the report: it is written first, then the error is said
    /// and the outcome is [`Outcome::Unrecorded`] (exit code 2).
    pub fn render(&self, emitted: Emitted, source: HistorySource) -> anyhow::Result<Outcome> {
        let Emitted {
            mut report,
            warnings,
            baseline,
            incomplete,
            command,
            accounts,
            regions,
        } = emitted;
        let formats = self.formats()?;
        report.summary = rampart_model::Summary::of_report(&report);

        let rules = catalogue();
        let compliance = match &self.compliance {
            Some(name) => {
                let framework: rampart_report::Framework =
                    name.parse().map_err(anyhow::Error::msg)?;
                let ran = checks_ran(&report, &rules);
                Some(rampart_report::compliance::evaluate_inputs(
                    framework,
                    &rules,
                    &ran,
                    &report.findings,
                    &report.passes_not_listed,
                    rampart_report::compliance::partial_inputs(&report.inputs),
                ))
            }
            None => None,
        };
        let failing =
            rampart_checks::runner::failing(&report.findings, baseline.as_ref(), self.fail_on.0);
        if !self.include_passed {
            report.findings.retain(|f| f.status != Status::Pass);
        }
        report.settings.insert(
            "fail_on".into(),
            self.fail_on
                .0
                .map_or_else(|| serde_json::json!("none"), |s| serde_json::json!(s)),
        );
        report.settings.insert(
            "include_passed".into(),
            serde_json::json!(self.include_passed),
        );
        if let Some(c) = &self.compliance {
            report
                .settings
                .insert("compliance".into(), serde_json::json!(c));
        }
        if let Some(b) = &self.baseline {
            report.settings.insert(
                "baseline".into(),
                serde_json::json!(b.display().to_string()),
            );
        }
        let mut doc = Document::new(report, Timestamp::now());
        doc.rules = rules;
        doc.complete_rules();
        doc.compliance = compliance;
        doc.warnings = warnings;
        doc.baseline = baseline;
        let mut store_error = None;
        let mut failing = failing;
        match source {
            HistorySource::None => {}
            HistorySource::Given(h) => {
                if h.diff {
                    // A diff fails CI on what is new, not on what stands.
                    failing = self.fail_on.0.is_some_and(|s| h.new_failures(s) > 0);
                }
                doc.history = Some(*h);
            }
            HistorySource::Record(url) => {
                let meta = rampart_store::ScanMeta {
                    command: command.to_owned(),
                    accounts,
                    regions,
                    config_digest: self.config_digest(&doc.report),
                    recorded_at: now_seconds(),
                };
                let want_history = formats.contains(&Format::Html);
                match crate::cmd::history::record(&url, &meta, &doc, want_history) {
                    Ok(h) => doc.history = h,
                    Err(e) => store_error = Some(e),
                }
            }
        }

        let to_stdout =
            self.output_dir.is_none() && self.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
        let color = !self.no_color
            && to_stdout
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let options = RenderOptions {
            color,
            quiet: self.quiet,
            include_passed: self.include_passed,
        };
        if let Some(dir) = &self.output_dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            for format in formats {
                let path = dir.join(file_name(format));
                write_file(&path, &doc, format, options)?;
                eprintln!("rampart: wrote {} ({})", path.display(), format.as_str());
            }
        } else if to_stdout {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            for format in formats {
                rampart_report::render_document(&doc, format, options, &mut lock)?;
            }
            lock.flush()?;
        } else if let Some(path) = &self.output {
            for format in formats {
                write_file(path, &doc, format, options)?;
            }
        }
        if let Some(e) = store_error {
            eprintln!("rampart: error: the scan was not recorded: {e:#}");
            return Ok(if incomplete {
                Outcome::Incomplete
            } else {
                Outcome::Unrecorded
            });
        }
        Ok(if incomplete {
            Outcome::Incomplete
        } else if failing {
            Outcome::Findings
        } else {
            Outcome::Clean
        })
    }
}

impl OutputArgs {
    /// A digest of what decided the results: the configuration file's contents and the
    /// report's settings (checks run, waivers, fail-on…).
    fn config_digest(&self, report: &Report) -> String {
        let mut bytes = Vec::new();
        let path = self.config.clone().or_else(|| {
            let p = PathBuf::from("rampart.toml");
            p.exists().then_some(p)
        });
        if let Some(text) = path.and_then(|p| std::fs::read(p).ok()) {
            bytes.extend(text);
        }
        bytes.push(0);
        bytes.extend(serde_json::to_vec(&report.settings).unwrap_or_default());
        rampart_store::digest_hex(&bytes)
    }
}

/// Now, to the second (RFC 3339): when a scan is recorded.
fn now_seconds() -> String {
    let now = Timestamp::now();
    now.0
        .replace_nanosecond(0)
        .map_or(now, Timestamp)
        .to_string()
}

/// The file a format is written to in `--output-dir`.
fn file_name(format: Format) -> &'static str {
    match format {
        Format::Text => "rampart.txt",
        Format::Json => "rampart.json",
        Format::Sarif => "rampart.sarif",
        Format::Ocsf => "rampart.ocsf.jsonl",
        Format::Asff => "rampart.asff.json",
        Format::Junit => "rampart.junit.xml",
        Format::Csv => "rampart.csv",
        Format::Html => "rampart.html",
    }
}

fn write_file(
    path: &Path,
    doc: &Document,
    format: Format,
    options: RenderOptions,
) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    rampart_report::render_document(doc, format, options, &mut w)?;
    w.flush()?;
    Ok(())
}

/// The check catalogue as the report crate describes rules.
fn catalogue() -> Vec<Rule> {
    rampart_checks::registry::all()
        .into_iter()
        .map(|c| {
            let m = c.meta();
            Rule {
                code: m.code.to_owned(),
                name: m.name.to_owned(),
                title: m.title.to_owned(),
                severity: m.severity,
                controls: m.controls.iter().map(|s| (*s).to_owned()).collect(),
                compliance: m
                    .compliance
                    .iter()
                    .map(|r| Reference {
                        framework: r.framework.as_str().to_owned(),
                        id: r.id.to_owned(),
                    })
                    .collect(),
                rationale: m.rationale.to_owned(),
                remediation: m.remediation.to_model(),
                manual: m.manual,
            }
        })
        .collect()
}

/// The codes of the checks that ran: `settings.checks` when the command recorded it; else every
/// check when as many ran as the catalogue holds; else those with a result.
fn checks_ran(report: &Report, rules: &[Rule]) -> BTreeSet<String> {
    if let Some(list) = report
        .settings
        .get("checks")
        .and_then(serde_json::Value::as_array)
    {
        return list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
    }
    if report.summary.checks_run >= rules.len() {
        return rules.iter().map(|r| r.code.clone()).collect();
    }
    report.findings.iter().map(|f| f.check.clone()).collect()
}

/// Builds a report from results.
pub fn report(
    inputs: Vec<rampart_model::InputInfo>,
    scanned_at: Option<rampart_model::Timestamp>,
    findings: Vec<Finding>,
    gaps: Vec<rampart_model::Gap>,
    checks_run: usize,
    resources: usize,
    config_path: Option<String>,
) -> Report {
    let summary = rampart_model::Summary::of(&findings, checks_run, resources);
    let mut settings = std::collections::BTreeMap::new();
    settings.insert("config".into(), serde_json::json!(config_path));
    Report {
        tool: rampart_model::finding::ToolInfo {
            name: "rampart".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        inputs,
        scanned_at,
        settings,
        findings,
        gaps,
        summary,
        passes_not_listed: std::collections::BTreeMap::new(),
    }
}

/// The report of a checks run: its findings, gaps, counted passes and the checks that ran.
pub fn of_run(
    inventory: &rampart_model::Inventory,
    scanned_at: Option<Timestamp>,
    out: rampart_checks::RunOutput,
    config_path: Option<String>,
    incomplete: bool,
) -> Emitted {
    let mut report = report(
        inventory.inputs.clone(),
        scanned_at,
        out.findings,
        out.gaps,
        out.checks_run,
        inventory.resource_count(),
        config_path,
    );
    report.passes_not_listed = out.passes_not_listed;
    // Which checks ran: the compliance view needs it to tell "passed" from "not run".
    report
        .settings
        .insert("checks".into(), serde_json::json!(out.checks));
    report
        .settings
        .insert("waivers".into(), serde_json::json!(out.waivers_configured));
    let mut accounts = Vec::with_capacity(inventory.accounts.len());
    let mut regions = std::collections::BTreeSet::new();
    for a in &inventory.accounts {
        accounts.push(a.id.clone());
        regions.extend(a.regions.iter().map(|r| r.name.clone()));
    }
    Emitted {
        report,
        warnings: out.warnings,
        baseline: out.baseline,
        incomplete,
        command: "scan",
        accounts,
        regions: regions.into_iter().collect(),
    }
}

/// Writes text to standard output.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
