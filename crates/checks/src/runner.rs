//! Runs checks over an Inventory, and enforces "missing data is never a pass".
//!
//! After a check has run, every gap that touches one of the data sets it needs becomes a
//! `not_assessed` result naming the failed call, and the check's passes inside that gap's scope
//! are withdrawn: a pass means "seen and fine", and what was not seen cannot be fine.

use rampart_model::{Finding, Gap, Status};

use crate::check::{Check, Sink};
use crate::context::Context;

/// The results of a run.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// Every result in registry order; passes only when they were kept (see [`run_with`]).
    pub findings: Vec<Finding>,
    /// Passes not kept in `findings`, counted per check.
    pub passes_not_listed: std::collections::BTreeMap<String, usize>,
    /// How many checks ran.
    pub checks_run: usize,
}

/// Runs `checks` in `ctx`, keeping every result.
#[must_use]
pub fn run(ctx: &Context<'_>, checks: &[&dyn Check]) -> RunOutput {
    run_with(ctx, checks, true)
}

/// Runs `checks` in `ctx`. Without `keep_passes`, each check's passes (after the gaps have
/// withdrawn those they cover) are only counted: on a large estate they are most of the results,
/// and a report that does not list them needs only their number.
#[must_use]
pub fn run_with(ctx: &Context<'_>, checks: &[&dyn Check], keep_passes: bool) -> RunOutput {
    let mut out = RunOutput::default();
    for check in checks {
        let meta = check.meta();
        let severity = ctx.config.severity_of(meta.code, meta.severity);
        let mut sink = Sink::new(meta, severity);
        if !keep_passes {
            sink = sink.counting_passes();
        }
        check.run(ctx, &mut sink);
        let gaps: Vec<&Gap> = ctx
            .inventory
            .gaps
            .iter()
            .filter(|g| meta.needs.iter().any(|need| g.touches(need)))
            .collect();
        if !gaps.is_empty() {
            apply_gaps(ctx, &mut sink, &gaps);
        }
        let passes = sink.pass_places.take().map_or(0, |p| p.len());
        if passes > 0 {
            *out.passes_not_listed
                .entry(meta.code.to_owned())
                .or_default() += passes;
        }
        out.findings.extend(sink.into_findings());
        out.checks_run += 1;
    }
    out
}

/// Whether a pass at this place falls in a gap's scope (and so cannot stand).
fn pass_withdrawn(gaps: &[&Gap], account: &str, region: Option<&str>, resource: &str) -> bool {
    gaps.iter().any(|g| {
        g.applies_to(account, region) && g.resource.as_deref().is_none_or(|r| r == resource)
    })
}

fn apply_gaps(ctx: &Context<'_>, sink: &mut Sink, gaps: &[&Gap]) {
    if let Some(places) = &mut sink.pass_places {
        places.retain(|(account, region, resource)| {
            !pass_withdrawn(gaps, account, region.as_deref(), resource)
        });
    }
    sink.findings.retain(|f| {
        let account = f.account.as_deref().unwrap_or_default();
        match f.status {
            // A pass means "seen and fine": nothing in a gap's scope can be that.
            Status::Pass => !pass_withdrawn(gaps, account, f.region.as_deref(), &f.resource),
            // When one resource's data set could not be read at all, its fields hold defaults,
            // not facts, so a failure on that resource may be false: withhold it too. IaC's
            // `UnknownBeforeApply` and `OutsideInput` gaps are different: the reader gives an
            // unknown field (or one set outside the input) the value under which no check
            // fails, so the failures it leaves are real.
            Status::Fail => !gaps.iter().any(|g| {
                g.resource.as_deref() == Some(f.resource.as_str())
                    && !matches!(
                        g.code.as_deref(),
                        Some("UnknownBeforeApply" | "OutsideInput")
                    )
                    && g.applies_to(account, f.region.as_deref())
            }),
            _ => true,
        }
    });
    for gap in gaps {
        let accounts: Vec<&str> = match &gap.account {
            Some(a) => vec![a.as_str()],
            None if ctx.inventory.accounts.is_empty() => vec!["unknown"],
            None => ctx
                .inventory
                .accounts
                .iter()
                .map(|a| a.id.as_str())
                .collect(),
        };
        for account in accounts {
            let resource = gap.resource.clone().unwrap_or_else(|| match &gap.region {
                Some(r) => format!("{account}/{r}/{}", gap.data),
                None => format!("{account}/{}", gap.data),
            });
            let code = gap
                .code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let at = crate::check::At::place(account, gap.region.as_deref(), &resource);
            let f = sink.not_assessed(
                at,
                format!(
                    "not assessed: `{}` could not be read by {}{code}: {}",
                    gap.data, gap.operation, gap.reason
                ),
            );
            f.evidence.insert(
                "gap".to_owned(),
                serde_json::to_value(gap).unwrap_or_default(),
            );
        }
    }
}
