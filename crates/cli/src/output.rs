//! Options shared by every command that produces a report, and the code that writes it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use rampart_model::{Finding, Report, Severity, Status};
use rampart_report::{Format, RenderOptions};

use crate::Outcome;

/// Output options.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
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
    pub fn emit(&self, mut report: Report) -> anyhow::Result<Outcome> {
        let failing = report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= self.fail_on);
        if !self.include_passed {
            report.findings.retain(|f| f.status != Status::Pass);
        }
        report.settings.insert("fail_on".into(), serde_json::json!(self.fail_on));
        report.settings.insert("include_passed".into(), serde_json::json!(self.include_passed));
        let format: Format = self.format.parse().map_err(anyhow::Error::msg)?;
        let color = !self.no_color
            && self.to_stdout()
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let options = RenderOptions { color };
        if self.to_stdout() {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            rampart_report::render(&report, format, options, &mut lock)?;
            lock.flush()?;
        } else if let Some(path) = &self.output {
            let file = std::fs::File::create(path).with_context(|| format!("cannot create `{}`", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            rampart_report::render(&report, format, options, &mut w)?;
            w.flush()?;
        }
        Ok(if failing { Outcome::Findings } else { Outcome::Clean })
    }
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
