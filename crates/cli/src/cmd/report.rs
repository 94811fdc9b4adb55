//! `rampart report [SCAN]`: a stored scan's report, in any format, with the history of its
//! scope (the HTML report's posture chart, new-since-previous filter and resolved list).
//! Without SCAN: the latest scan.

use clap::Args;
use rampart_store::Store;

use crate::Outcome;
use crate::output::{Emitted, HistorySource, OutputArgs};

/// Arguments of `rampart report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The scan's id (`rampart history` lists them; default: the latest).
    pub scan: Option<i64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `rampart report`.
pub fn run(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let url = args.output.store.url_or_default()?;
    let mut store = Store::open(&url)?;
    let id = match args.scan {
        Some(id) => id,
        None => match store.scans(&rampart_store::Filter::default())?.last() {
            Some(s) => s.id,
            None => anyhow::bail!("{} holds no scan", store.name()),
        },
    };
    let info = store.scan(id)?;
    let report = store.report(id)?;
    let history = crate::cmd::history::history_of(&mut store, id)?;
    args.output.render(
        Emitted::stored(report, "report", info.accounts),
        HistorySource::Given(Box::new(history)),
    )
}
