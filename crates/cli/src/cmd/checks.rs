//! `rampart checks list | explain CODE | docs`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rampart_checks::{docs, registry};

use crate::Outcome;

/// Arguments of `rampart checks`.
#[derive(Debug, Args)]
pub struct ChecksArgs {
    #[command(subcommand)]
    command: Option<ChecksCommand>,
}

#[derive(Debug, Subcommand)]
enum ChecksCommand {
    /// List every check.
    List {
        /// `text` or `json`.
        #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
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

/// Runs `rampart checks`.
pub fn run(args: &ChecksArgs) -> anyhow::Result<Outcome> {
    match args.command.as_ref().unwrap_or(&ChecksCommand::List {
        format: "text".into(),
    }) {
        ChecksCommand::List { format } => list(format),
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

fn list(format: &str) -> anyhow::Result<Outcome> {
    let checks = registry::all();
    if format == "json" {
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
