//! `rampart checks list | explain CODE | docs`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rampart_checks::{Framework, Selection, docs, registry};

use crate::Outcome;

/// Arguments of `rampart checks`.
#[derive(Debug, Args)]
pub struct ChecksArgs {
    #[command(subcommand)]
    command: Option<ChecksCommand>,
}

#[derive(Debug, Subcommand)]
enum ChecksCommand {
    /// List every check (or those the filters keep).
    List(ListArgs),
    /// Explain one check: rationale, remediation, references.
    Explain {
        /// The check code (`S3-003`).
        code: String,
    },
    /// Print (or write) the generated docs: checks.md and coverage.md.
    Docs {
        /// Write `checks.md` and `coverage.md` into this directory.
        #[arg(long)]
        write: Option<PathBuf>,
    },
}

/// Arguments of `rampart checks list`.
#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// `text` or `json`.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Only these areas, codes or wildcards (`S3`, `IAM-10?`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    area: Vec<String>,
    /// One severity: at or above it; several: exactly those.
    #[arg(long, value_delimiter = ',')]
    severity: Vec<rampart_model::Severity>,
    /// Only checks mapped to this framework.
    #[arg(long, value_parser = ["cis-3.0", "cis-6.0", "fsbp"])]
    framework: Option<String>,
    /// Only checks reading these services (`s3`, `iam`…).
    #[arg(long, value_delimiter = ',')]
    services: Vec<String>,
}

/// Runs `rampart checks`.
pub fn run(args: &ChecksArgs) -> anyhow::Result<Outcome> {
    let default = ChecksCommand::List(ListArgs {
        format: "text".into(),
        ..ListArgs::default()
    });
    match args.command.as_ref().unwrap_or(&default) {
        ChecksCommand::List(a) => list(a),
        ChecksCommand::Explain { code } => {
            let Some(check) = registry::by_code(code) else {
                anyhow::bail!("unknown check `{code}` (see `rampart checks list`)");
            };
            crate::output::write_stdout(&docs::explain(check.meta()))?;
            Ok(Outcome::Clean)
        }
        ChecksCommand::Docs { write } => {
            match write {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    std::fs::write(dir.join("checks.md"), docs::checks_md())?;
                    std::fs::write(dir.join("coverage.md"), docs::coverage_md())?;
                }
                None => crate::output::write_stdout(&docs::coverage_md())?,
            }
            Ok(Outcome::Clean)
        }
    }
}

fn list(args: &ListArgs) -> anyhow::Result<Outcome> {
    let framework = args
        .framework
        .as_deref()
        .map(str::parse::<Framework>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let selection = Selection {
        checks: args.area.clone(),
        severity: args.severity.clone(),
        services: args.services.clone(),
        framework,
        ..Selection::default()
    };
    let checks = selection
        .apply(&rampart_checks::Config::default())
        .map_err(anyhow::Error::msg)?;
    if args.format == "json" {
        let rows: Vec<serde_json::Value> = checks
            .iter()
            .map(|c| {
                let m = c.meta();
                serde_json::json!({
                    "check": m.code,
                    "name": m.name,
                    "title": m.title,
                    "severity": m.severity,
                    "controls": m.controls,
                    "inputs": m.inputs.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                    "manual": m.manual,
                    "compliance": m.compliance.iter().map(|r| serde_json::json!({
                        "framework": r.framework.as_str(), "id": r.id
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        crate::output::write_stdout(&serde_json::to_string_pretty(&rows)?)?;
    } else {
        let mut text = String::new();
        for c in &checks {
            let m = c.meta();
            text.push_str(&format!(
                "{:<10} {:<8} {:<14} {}\n",
                m.code,
                m.severity.as_str(),
                m.controls.join(","),
                m.title
            ));
        }
        text.push_str(&format!("{} checks", checks.len()));
        crate::output::write_stdout(&text)?;
    }
    Ok(Outcome::Clean)
}
