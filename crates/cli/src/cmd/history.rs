//! `rampart history`: the scans kept in a store; `rampart history prune`. Also how a command's
//! report is recorded (`--store`) and how a stored scan's history is read for its report.

use clap::{Args, Subcommand};
use rampart_report::history::{Changed, History, PosturePoint};
use rampart_store::{Filter, Prune, ScanInfo, ScanMeta, Store, StoreUrl};

use crate::Outcome;

/// How many scans of a scope the posture chart shows at most (the most recent).
const SERIES: usize = 90;

/// Arguments of `rampart history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    /// Only scans that read this account.
    #[arg(long)]
    pub account: Option<String>,
    /// Only scans with an input whose path or description contains this text.
    #[arg(long)]
    pub input: Option<String>,
    /// `text` or `json`.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    #[command(flatten)]
    pub store: crate::output::StoreArg,
}

/// What `history` does besides listing.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Remove old scans (and the results no scan keeps any more).
    Prune(PruneArgs),
}

/// Arguments of `rampart history prune`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct PruneArgs {
    /// Keep the N most recent scans of each scope.
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// Remove scans recorded more than DAYS days ago.
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u32>,
}

/// Runs `rampart history`.
pub fn run(args: &HistoryArgs) -> anyhow::Result<Outcome> {
    let url = args.store.url_or_default()?;
    let mut store = Store::open(&url)?;
    if let Some(HistoryAction::Prune(p)) = &args.action {
        let how = match (p.keep, p.older_than) {
            (Some(n), _) => Prune::Keep(n),
            (None, Some(days)) => Prune::OlderThan {
                days: i64::from(days),
                now: rampart_model::Timestamp::now(),
            },
            (None, None) => anyhow::bail!("say what to prune: --keep N or --older-than DAYS"),
        };
        let gone = store.prune(how)?;
        eprintln!("rampart: removed {gone} scan(s) from {}", store.name());
        return Ok(Outcome::Clean);
    }
    let scans = store.scans(&Filter {
        account: args.account.clone(),
        input: args.input.clone(),
        scope: None,
    })?;
    if args.format == "json" {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "store": store.name(),
            "scans": scans,
        }))?;
        crate::output::write_stdout(&text)?;
        return Ok(Outcome::Clean);
    }
    let mut out = String::new();
    if scans.is_empty() {
        out.push_str(&format!("no scan in {}", store.name()));
    } else {
        out.push_str(&format!(
            "{:>5}  {:<20}  {:<11}  {:<16}  {:>4} {:>4} {:>4} {:>4} {:>4}  inputs\n",
            "scan", "recorded", "command", "scope", "crit", "high", "med", "low", "info"
        ));
        for s in &scans {
            let n = |k: &str| s.failures.get(k).copied().unwrap_or(0);
            let inputs = rampart_report::strip_controls(&s.inputs.join(", "), false);
            out.push_str(&format!(
                "{:>5}  {:<20}  {:<11}  {:<16}  {:>4} {:>4} {:>4} {:>4} {:>4}  {}\n",
                s.id,
                s.recorded_at.get(..20).unwrap_or(&s.recorded_at),
                s.command,
                s.scope,
                n("critical"),
                n("high"),
                n("medium"),
                n("low"),
                n("info"),
                rampart_report::redact::redact_str(&inputs)?,
            ));
        }
        out.pop();
    }
    crate::output::write_stdout(&out)?;
    Ok(Outcome::Clean)
}

/// Records `doc`'s report (redacted, as every format prints it) in the store at `url`; with
/// `want_history`, returns the history of its scope for the report.
pub fn record(
    url: &StoreUrl,
    meta: &ScanMeta,
    doc: &rampart_report::Document,
    want_history: bool,
) -> anyhow::Result<Option<History>> {
    let redacted = rampart_report::redact::redacted(doc)?;
    let mut store = Store::open(url)?;
    let id = store.record(meta, &redacted.report)?;
    if !want_history {
        return Ok(None);
    }
    Ok(Some(history_of(&mut store, id)?))
}

fn scan_value(s: &ScanInfo) -> serde_json::Value {
    serde_json::to_value(s).unwrap_or_default()
}

/// The history of scan `id`: the posture of its scope up to it, and its difference with the
/// previous scan of that scope.
pub fn history_of(store: &mut Store, id: i64) -> anyhow::Result<History> {
    let info = store.scan(id)?;
    let same = store.scans(&Filter {
        scope: Some(info.scope.clone()),
        ..Filter::default()
    })?;
    let upto: Vec<&ScanInfo> = same.iter().filter(|s| s.id <= id).collect();
    let series = upto
        .iter()
        .skip(upto.len().saturating_sub(SERIES))
        .map(|s| PosturePoint {
            scan: s.id,
            at: s.recorded_at.clone(),
            failures: s.failures.clone(),
        })
        .collect();
    let previous = same.iter().rev().find(|s| s.id < id).map(|s| s.id);
    let mut h = match previous {
        Some(p) => of_diff(store, p, id)?,
        None => History {
            store: store.name(),
            current: Some(scan_value(&info)),
            ..History::default()
        },
    };
    h.series = series;
    Ok(h)
}

/// The difference between stored scans `old` and `new`, as a report's history.
pub fn of_diff(store: &mut Store, old: i64, new: i64) -> anyhow::Result<History> {
    let d = store.diff(old, new)?;
    Ok(History {
        store: store.name(),
        current: Some(scan_value(&d.new_scan)),
        previous: Some(scan_value(&d.old)),
        series: Vec::new(),
        new: d.new,
        changed: d
            .changed
            .into_iter()
            .map(|c| Changed {
                changed: c.changed.iter().map(|s| (*s).to_owned()).collect(),
                before: c.before,
                after: c.after,
            })
            .collect(),
        resolved: d.resolved,
        unchanged: d.unchanged,
        diff: false,
    })
}
