//! Options shared by every command that produces a report, and the code that writes it:
//! `--format`, `-o`, `--fail-on`, `--include-passed`, `--config` (waivers), `--compliance` and
//! `--baseline`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use std::collections::BTreeSet;

use rampart_model::{Finding, Report, Severity, Status, Timestamp};
use rampart_report::{Baseline, Document, Format, Reference, RenderOptions, Rule, Waiver};

use crate::Outcome;

/// Output options.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(
        long,
        short = 'f',
        default_value = "text",
        value_parser = ["text", "json", "sarif", "ocsf", "asff", "junit", "csv", "html"]
    )]
    pub format: String,
    /// Write the report here (`-` or nothing: standard output).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a failure at or above this severity is found.
    #[arg(long, default_value = "low")]
    pub fail_on: Severity,
    /// List passed results too.
    #[arg(long)]
    pub include_passed: bool,
    /// The configuration file (default: `rampart.toml` in the current directory, if any).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Never colour the text report.
    #[arg(long)]
    pub no_color: bool,
    /// Text: only the summary and one line per failure.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Add the per-control compliance table of a framework (text, JSON, HTML, SARIF).
    #[arg(long, value_parser = ["cis-3.0", "cis-6.0", "fsbp"])]
    pub compliance: Option<String>,
    /// A previous JSON report: only findings not in it count towards the exit code.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
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
                let c = rampart_checks::Config::load(&p)?;
                Ok((c, Some(p.display().to_string())))
            }
            None => Ok((rampart_checks::Config::default(), None)),
        }
    }

    fn to_stdout(&self) -> bool {
        self.output.as_ref().is_none_or(|p| p.as_os_str() == "-")
    }

    /// Renders `report` where asked, and tells whether it holds failures at or above `--fail-on`.
    ///
    /// `report` holds every result, passes included (or counted in `passes_not_listed` when
    /// the command did not keep them). Before rendering, the configuration's
    /// waivers are applied (unused and expired ones become report warnings), the compliance view
    /// is computed when `--compliance` asks for it, findings in the `--baseline` stop counting
    /// towards the exit code, and passes are dropped unless `--include-passed`.
    pub fn emit(&self, mut report: Report) -> anyhow::Result<Outcome> {
        let format: Format = self.format.parse().map_err(anyhow::Error::msg)?;
        let (config, config_path) = self.config()?;
        let waivers: Vec<Waiver> = config
            .waivers
            .iter()
            .map(|w| Waiver {
                check: w.check.clone(),
                resource: w.resource.clone(),
                reason: w.reason.clone(),
                expires: w.expires.clone(),
            })
            .collect();
        let today = time::OffsetDateTime::now_utc().date();
        let applied = rampart_report::waivers::apply(&mut report.findings, &waivers, today)
            .with_context(|| {
                format!("in `{}`", config_path.as_deref().unwrap_or("rampart.toml"))
            })?;
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
        let baseline = match &self.baseline {
            Some(path) => Some(Baseline::load(path)?),
            None => None,
        };

        let failing = report.findings.iter().any(|f| {
            f.status == Status::Fail
                && f.severity >= self.fail_on
                && baseline.as_ref().is_none_or(|b| !b.contains(f))
        });
        if !self.include_passed {
            report.findings.retain(|f| f.status != Status::Pass);
        }
        report
            .settings
            .insert("fail_on".into(), serde_json::json!(self.fail_on));
        report.settings.insert(
            "include_passed".into(),
            serde_json::json!(self.include_passed),
        );
        report
            .settings
            .insert("waivers".into(), serde_json::json!(waivers.len()));
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
        doc.warnings = applied.warnings;
        doc.baseline = baseline;

        let color = !self.no_color
            && self.to_stdout()
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let options = RenderOptions {
            color,
            quiet: self.quiet,
        };
        if self.to_stdout() {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            rampart_report::render_document(&doc, format, options, &mut lock)?;
            lock.flush()?;
        } else if let Some(path) = &self.output {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            rampart_report::render_document(&doc, format, options, &mut w)?;
            w.flush()?;
        }
        Ok(if failing {
            Outcome::Findings
        } else {
            Outcome::Clean
        })
    }
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

/// Writes text to standard output.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
