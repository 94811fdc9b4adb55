//! `rampart diff [OLD] [NEW]`: what changed between two stored scans — new, resolved, changed
//! (status, severity or evidence) and unchanged results — in every output format. Without
//! scans named: the last two scans of the scope of the latest scan; with one: that scan and
//! the latest scan of its scope. Exit code 1 when a new failure (or a result that became one) is
//! at or above `--fail-on`.

use clap::Args;
use rampart_store::Store;

use crate::Outcome;
use crate::output::{Emitted, HistorySource, OutputArgs};

/// Arguments of `rampart diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older scan's id (`rampart history` lists them).
    pub old: Option<i64>,
    /// The newer scan's id.
    pub new: Option<i64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `rampart diff`.
pub fn run(args: &DiffArgs) -> anyhow::Result<Outcome> {
    let url = args.output.store.url_or_default()?;
    let mut store = Store::open(&url)?;
    let (old, new) = match (args.old, args.new) {
        (Some(old), Some(new)) => (old, new),
        (Some(old), None) => {
            let scope = store.scan(old)?.scope;
            let latest = store
                .scans(&rampart_store::Filter {
                    scope: Some(scope),
                    ..rampart_store::Filter::default()
                })?
                .into_iter()
                .rev()
                .find(|s| s.id != old)
                .map(|s| s.id);
            match latest {
                Some(l) if l > old => (old, l),
                Some(l) => (l, old),
                None => {
                    anyhow::bail!("scan {old} is the only scan of its scope: nothing to compare")
                }
            }
        }
        (None, _) => match store.last_two(None)? {
            Some(pair) => pair,
            None => anyhow::bail!(
                "{} holds fewer than two scans of one scope: record scans with `--store`, or name two with `rampart diff OLD NEW`",
                store.name()
            ),
        },
    };
    let mut history = crate::cmd::history::of_diff(&mut store, old, new)?;
    history.diff = true;
    // The newer scan's report around the results: its findings are not read (the finding-list
    // formats list what needs attention: the new and changed results).
    let mut report = store.report_header(new)?;
    report.findings = history
        .new
        .iter()
        .cloned()
        .chain(history.changed.iter().map(|c| c.after.clone()))
        .collect();
    report.passes_not_listed.clear();
    report
        .settings
        .insert("diff".into(), serde_json::json!({ "old": old, "new": new }));
    args.output.render(
        Emitted::stored(report, "diff", Vec::new()),
        HistorySource::Given(Box::new(history)),
    )
}
