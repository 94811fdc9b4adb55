//! The one runner: source data in (the Inventory with its gaps and inline waivers, the
//! configuration with its severity overrides and waivers, a baseline), final results out. Every
//! command that reports check results (`scan`, `policy lint`) goes through [`run_with`], so the
//! library answers exactly what the command line prints.
//!
//! What the runner decides, in order, for each check:
//! 1. the check runs at its severity after `[severity]` overrides;
//! 2. gaps: a gap withholds only the conclusions that depend on the missing data —
//!    - a pass means "seen and fine": a pass in the scope of a gap touching what the check needs
//!      is withdrawn;
//!    - a failure rests on the data sets the check needs, or on those it declared with
//!      [`Sink::fail_resting_on`]; it is withheld only when a gap *covers* one of them (the gap is
//!      on that data set or on one holding it) on the failing resource, or, for an
//!      [`GapKind::OutsideInput`] gap, anywhere in its scope for an account-wide conclusion (a
//!      declared resource's own verdict stands unless it was declared resting on that data). A
//!      gap on a bucket's versioning does not withhold the bucket's public-access failure;
//!    - every `Unreadable` or `UnknownBeforeApply` gap touching what the check needs becomes a
//!      `not_assessed` result naming the failed call, unless the gap is on a part of the data
//!      the check does not name and a failure of the check on that very resource stands; a gap
//!      on one resource the check already reported `not_assessed` joins that result (its
//!      evidence gains the gap) instead of adding a second one;
//!    - `OutsideInput` gaps (account data an IaC input does not declare) give no result per
//!      check: they are listed once in [`RunOutput::gaps`] and summed up in one warning;
//!    - a failure quoting a value IaC knows only after apply ([`UNKNOWN_MARK`]) is withheld;
//! 3. when every input is IaC, checks that cannot judge IaC give neither pass nor failure;
//! 4. inline waivers (IaC comments, CloudFormation metadata), then configured waivers, turn
//!    matching failures into `waived`; unused and expired waivers become warnings;
//! 5. the results of a CloudFormation resource read once per condition branch are reported once
//!    per value of the conditions that decide them (`branches`);
//! 6. with a baseline, failures in it stop counting towards the exit code ([`RunOutput::failing`]).

use std::collections::BTreeMap;

use rampart_model::waiver::{self, Warning};
use rampart_model::{Baseline, Finding, Gap, GapKind, Severity, Status};

use crate::check::{Basis, Check, Input, Sink};
use crate::context::Context;

/// How IaC readers spell a value known only after apply, in messages and evidence.
pub use rampart_model::gap::UNKNOWN_MARK;

/// What a run is asked for beyond the context.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Keep passes as findings (else each check's passes are only counted: on a large estate
    /// they are most of the results, and a report that does not list them needs only their
    /// number).
    pub keep_passes: bool,
    /// The day waiver expiry dates are compared with.
    pub today: time::Date,
    /// A previous report: its findings do not count towards the exit code.
    pub baseline: Option<Baseline>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            keep_passes: true,
            today: time::OffsetDateTime::now_utc().date(),
            baseline: None,
        }
    }
}

/// The results of a run: what every report prints.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// Every result in registry order; passes only when they were kept.
    pub findings: Vec<Finding>,
    /// Passes not kept in `findings`, counted per check.
    pub passes_not_listed: BTreeMap<String, usize>,
    /// How many checks ran.
    pub checks_run: usize,
    /// The codes of the checks that ran, in registry order.
    pub checks: Vec<&'static str>,
    /// What could not be read: each gap once.
    pub gaps: Vec<Gap>,
    /// Report-level warnings: unused or expired waivers, inline waivers without a reason, data
    /// outside the input.
    pub warnings: Vec<Warning>,
    /// The baseline the failures were compared with.
    pub baseline: Option<Baseline>,
    /// How many waivers the configuration holds.
    pub waivers_configured: usize,
}

impl RunOutput {
    /// Whether a failure at or above `fail_on` (and not in the baseline) is listed. `None`:
    /// nothing fails the run (`--fail-on none`).
    #[must_use]
    pub fn failing(&self, fail_on: Option<Severity>) -> bool {
        failing(&self.findings, self.baseline.as_ref(), fail_on)
    }
}

/// Whether `findings` hold a failure at or above `fail_on` that is not in `baseline` (`None`:
/// nothing fails the run). Every command decides its exit code with this.
#[must_use]
pub fn failing(
    findings: &[Finding],
    baseline: Option<&Baseline>,
    fail_on: Option<Severity>,
) -> bool {
    let Some(fail_on) = fail_on else {
        return false;
    };
    findings.iter().any(|f| {
        f.status == Status::Fail && f.severity >= fail_on && baseline.is_none_or(|b| !b.contains(f))
    })
}

/// Runs `checks` in `ctx`, keeping every result, with today's date for waivers and no baseline.
#[must_use]
pub fn run(ctx: &Context<'_>, checks: &[&dyn Check]) -> RunOutput {
    run_with(ctx, checks, RunOptions::default())
}

/// Runs `checks` in `ctx` and shapes every result (see the module documentation).
#[must_use]
pub fn run_with(ctx: &Context<'_>, checks: &[&dyn Check], options: RunOptions) -> RunOutput {
    let mut out = RunOutput::default();
    let only_iac = only_iac(ctx);
    for check in checks {
        let meta = check.meta();
        let severity = ctx.config.severity_of(meta.code, meta.severity);
        let mut sink = Sink::new(meta, severity);
        if !options.keep_passes {
            sink = sink.counting_passes();
        }
        check.run(ctx, &mut sink);
        let gaps: Vec<&Gap> = ctx
            .inventory
            .gaps
            .iter()
            .filter(|g| meta.needs.iter().any(|need| g.touches(need)))
            .collect();
        apply_gaps(ctx, &mut sink, &gaps, meta.needs);
        if let Some(kinds) = &only_iac
            && !kinds.iter().any(|k| meta.inputs.contains(k))
        {
            // The input cannot say: usage data, attachments made outside the configuration.
            keep(&mut sink, |f, _| {
                !matches!(f.status, Status::Fail | Status::Pass)
            });
            if let Some(p) = &mut sink.pass_places {
                p.clear();
            }
        }
        let passes = sink.pass_places.take().map_or(0, |p| p.len());
        if passes > 0 {
            *out.passes_not_listed
                .entry(meta.code.to_owned())
                .or_default() += passes;
        }
        out.findings.extend(sink.into_findings());
        out.checks.push(meta.code);
        out.checks_run += 1;
    }
    out.gaps = unique_gaps(&ctx.inventory.gaps);
    out.warnings.extend(outside_input_warning(&out.gaps));
    out.warnings.extend(apply_waivers(
        &mut out.findings,
        ctx.config,
        &ctx.inventory.waivers,
        options.today,
    ));
    crate::branches::merge(&mut out.findings);
    out.waivers_configured = ctx.config.waivers.len();
    out.baseline = options.baseline;
    out
}

/// Applies the waivers written in the inputs, then the configured ones, to `findings`; returns
/// the warnings (unused, expired, without a reason). `scan`, `policy lint` and `secrets` all
/// waive through this.
pub fn apply_waivers(
    findings: &mut [Finding],
    config: &crate::Config,
    inline: &[rampart_model::InlineWaiver],
    today: time::Date,
) -> Vec<Warning> {
    let mut warnings = apply_inline_waivers(findings, inline);
    match waiver::apply(findings, &config.waivers, today) {
        Ok(applied) => warnings.extend(applied.warnings),
        // `Config::load` refuses these; a configuration built in code may still hold one.
        Err(e) => warnings.push(Warning {
            kind: "invalid-waiver".into(),
            message: format!("{e}; no configured waiver was applied"),
            waiver: None,
        }),
    }
    warnings
}

/// The check inputs of the Inventory when every input is IaC (`None` otherwise).
fn only_iac(ctx: &Context<'_>) -> Option<Vec<Input>> {
    let inputs = &ctx.inventory.inputs;
    if inputs.is_empty() || !inputs.iter().all(|i| i.kind.is_iac()) {
        return None;
    }
    Some(
        inputs
            .iter()
            .filter_map(|i| Input::of_kind(i.kind))
            .collect(),
    )
}

/// Keeps the findings (and their bases) for which `f` holds.
fn keep(sink: &mut Sink, mut f: impl FnMut(&Finding, &Basis) -> bool) {
    let mut basis = std::mem::take(&mut sink.basis).into_iter();
    let mut kept_basis = Vec::with_capacity(sink.findings.len());
    sink.findings.retain(|finding| {
        let b = basis.next().unwrap_or(Basis { rests_on: None });
        let k = f(finding, &b);
        if k {
            kept_basis.push(b);
        }
        k
    });
    sink.basis = kept_basis;
}

/// Whether a gap's scope holds this place.
fn in_scope(g: &Gap, account: &str, region: Option<&str>, resource: &str) -> bool {
    g.applies_to(account, region) && g.resource.as_deref().is_none_or(|r| r == resource)
}

/// Whether a failure is a guess because of `g`.
fn withholds_failure(g: &Gap, f: &Finding, basis: &Basis, needs: &[&str]) -> bool {
    let account = f.account.as_deref().unwrap_or_default();
    if !basis.rests_on.unwrap_or(needs).iter().any(|d| g.covers(d)) {
        return false;
    }
    match g.kind() {
        // The reader gave the unknown field the value under which no check fails.
        GapKind::UnknownBeforeApply => false,
        // The data is not in this input: an account-wide conclusion drawn from its absence is
        // a guess. A declared resource's own verdict stands, unless the check said this
        // failure rests on that data (`fail_resting_on`: "selected by no backup plan").
        GapKind::OutsideInput => {
            (f.location.is_none() || basis.rests_on.is_some())
                && in_scope(g, account, f.region.as_deref(), &f.resource)
        }
        // When one resource's data set could not be read, its fields hold defaults, not facts.
        GapKind::Unreadable => {
            g.resource.as_deref() == Some(f.resource.as_str())
                && g.applies_to(account, f.region.as_deref())
        }
    }
}

fn quotes_unknown(f: &Finding) -> bool {
    f.message.contains(UNKNOWN_MARK)
        || f.evidence
            .values()
            .any(|v| v.to_string().contains(UNKNOWN_MARK))
}

fn apply_gaps(ctx: &Context<'_>, sink: &mut Sink, gaps: &[&Gap], needs: &'static [&'static str]) {
    // A pass means "seen and fine": nothing in a gap's scope can be that; but data outside an
    // IaC input does not withdraw a declared resource's own verdict.
    let withdraws =
        |g: &Gap, account: &str, region: Option<&str>, resource: &str, located: bool| {
            !(located && g.kind() == GapKind::OutsideInput)
                && in_scope(g, account, region, resource)
        };
    if let Some(places) = &mut sink.pass_places {
        places.retain(|(account, region, resource, located)| {
            !gaps
                .iter()
                .any(|g| withdraws(g, account, region.as_deref(), resource, *located))
        });
    }
    keep(sink, |f, basis| {
        let account = f.account.as_deref().unwrap_or_default();
        match f.status {
            Status::Pass => !gaps.iter().any(|g| {
                withdraws(
                    g,
                    account,
                    f.region.as_deref(),
                    &f.resource,
                    f.location.is_some(),
                )
            }),
            Status::Fail => {
                !quotes_unknown(f) && !gaps.iter().any(|g| withholds_failure(g, f, basis, needs))
            }
            _ => true,
        }
    });
    for gap in gaps.iter().filter(|g| g.kind() != GapKind::OutsideInput) {
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
            if let Some(r) = &gap.resource
                && !needs.iter().any(|n| gap.covers(n))
                && sink
                    .findings
                    .iter()
                    .any(|f| f.status == Status::Fail && &f.resource == r)
            {
                // The gap is on a part of the resource's data the check does not name (its
                // versioning, for a check of the bucket list), and a failure established on
                // the resource stands: the gap changes nothing.
                continue;
            }
            if let Some(r) = &gap.resource
                && let Some(f) = sink.findings.iter_mut().find(|f| {
                    f.status == Status::NotAssessed
                        && &f.resource == r
                        && f.account.as_deref() == Some(account)
                })
            {
                // The check already said it could not judge this resource (a KMS key whose
                // rotation status is unknown): one result, carrying the failed call too.
                f.evidence
                    .entry("gap".to_owned())
                    .or_insert_with(|| serde_json::to_value(gap).unwrap_or_default());
                continue;
            }
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

/// Each gap once, in the order read.
fn unique_gaps(gaps: &[Gap]) -> Vec<Gap> {
    let mut out: Vec<Gap> = Vec::with_capacity(gaps.len());
    for g in gaps {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
}

/// One line naming every data set outside the input.
fn outside_input_warning(gaps: &[Gap]) -> Option<Warning> {
    let mut sets: Vec<&str> = gaps
        .iter()
        .filter(|g| g.kind() == GapKind::OutsideInput)
        .map(|g| g.data.as_str())
        .collect();
    if sets.is_empty() {
        return None;
    }
    sets.sort_unstable();
    sets.dedup();
    Some(Warning {
        kind: "outside-input".into(),
        message: format!(
            "outside this input (not declared here, may be managed elsewhere; conclusions resting \
             on them are not drawn): {}",
            sets.join(", ")
        ),
        waiver: None,
    })
}

/// Applies the waivers written in the inputs (IaC `rampart:ignore` comments, CloudFormation
/// `Metadata.rampart.ignore`): a failure of a waived check on the waived resource becomes
/// `waived` with its reason. A waiver without a reason is not applied; it becomes a warning and
/// is noted in the finding's evidence.
fn apply_inline_waivers(
    findings: &mut [Finding],
    inline: &[rampart_model::InlineWaiver],
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for w in inline.iter().filter(|w| w.reason.is_none()) {
        let at = match (&w.origin.file, w.origin.line) {
            (Some(f), Some(l)) => format!("{f}:{l}: "),
            _ => String::new(),
        };
        warnings.push(Warning {
            kind: "inline-waiver-without-reason".into(),
            message: format!(
                "{at}inline waiver of {} on `{}` has no reason; it is not applied",
                w.check, w.resource
            ),
            waiver: None,
        });
    }
    if inline.is_empty() {
        return warnings;
    }
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let matching = inline
            .iter()
            .filter(|w| w.resource == f.resource && w.check.eq_ignore_ascii_case(&f.check));
        for w in matching {
            match &w.reason {
                Some(reason) => {
                    f.status = Status::Waived;
                    f.waiver_reason = Some(format!("inline waiver: {reason}"));
                    break;
                }
                None => {
                    f.evidence.insert(
                        "inline_waiver_without_reason".to_owned(),
                        serde_json::json!({ "file": w.origin.file, "line": w.origin.line }),
                    );
                }
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use rampart_model::{Gap, Inventory, Status, data};

    use crate::{Config, Context, registry};

    fn example() -> Inventory {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shopify-backend");
        let mut parts: Vec<_> = std::fs::read_dir(&dir)
            .expect("example account")
            .map(|e| e.expect("entry").path())
            .collect();
        parts.sort();
        let mut inv = Inventory::default();
        for p in parts {
            inv.merge(
                rampart_model::snapshot::read(&p, rampart_model::snapshot::Limits::default())
                    .expect("part"),
            );
        }
        inv
    }

    fn results(inv: &Inventory) -> Vec<(String, Status, String, String)> {
        let config = Config::default();
        let now = inv.collected_at.expect("collected_at");
        let ctx = Context::new(inv, &config, now);
        super::run(&ctx, &registry::all())
            .findings
            .into_iter()
            .map(|f| (f.check, f.status, f.resource, f.message))
            .collect()
    }

    fn failures(r: &[(String, Status, String, String)]) -> Vec<(String, String, String)> {
        r.iter()
            .filter(|r| r.1 == Status::Fail)
            .map(|r| (r.0.clone(), r.2.clone(), r.3.clone()))
            .collect()
    }

    /// The example account with its main trail recording all management events, read and
    /// write (the example's records write events only).
    fn example_with_qualifying_trail() -> Inventory {
        let mut inv = example();
        let trail = inv
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.trails.iter_mut())
            .find(|t| t.meta.name == "shop-main-trail")
            .expect("main trail");
        assert!(!trail.records_management_events(), "the example changed");
        for selector in &mut trail.advanced_event_selectors {
            selector.field_selectors.retain(|f| f.field != "readOnly");
        }
        assert!(trail.records_management_events());
        inv
    }

    /// The example inventory with the alarms unreadable.
    fn without_alarms(mut inv: Inventory) -> Inventory {
        inv.gaps.push(
            Gap::new(
                data::CLOUDWATCH_ALARMS,
                "cloudwatch:DescribeAlarms",
                "access denied",
            )
            .in_account("123456789012")
            .with_code("AccessDenied"),
        );
        inv
    }

    /// The security-event checks (CW-001…CW-015); CW-016 judges the alarms themselves.
    fn event_check(code: &str) -> bool {
        code.starts_with("CW-0") && code != "CW-016"
    }

    /// LOG-6: with the alarms unreadable, a security event that no metric filter (or no trail)
    /// can see is still not monitored: those failures stand; where a filter would do, whether
    /// an alarm notifies someone is unknown, and the runner says so.
    #[test]
    fn unreadable_alarms_leave_missing_filters_failing() {
        // The example's main trail made to qualify, so that the filters decide.
        let inv = example_with_qualifying_trail();
        let before = failures(&results(&inv));
        let cw_before: Vec<_> = before.iter().filter(|f| event_check(&f.0)).collect();
        let after = results(&without_alarms(inv));
        let cw_after: Vec<(String, String, String)> = failures(&after)
            .into_iter()
            .filter(|f| event_check(&f.0))
            .collect();
        // No filter matches the global events of CW-002/004/006/015 or AWS Config changes
        // (CW-009), and every filter matching the others has a pattern problem of its own: no
        // alarm can change these. CW-001, CW-007 and CW-011 have a filter that would do: only
        // the alarms decide.
        let expected: Vec<&(String, String, String)> = cw_before
            .iter()
            .copied()
            .filter(|f| !["CW-001", "CW-007", "CW-011"].contains(&f.0.as_str()))
            .collect();
        assert_eq!(cw_after.iter().collect::<Vec<_>>(), expected);
        assert!(expected.iter().any(|f| f.0 == "CW-009"));
        assert!(
            expected
                .iter()
                .all(|f| !f.2.contains("no multi-region, logging trail")),
            "the trail qualifies: the filters decide"
        );
        // The others cannot be judged without the alarms: not_assessed, naming the call.
        for code in ["CW-001", "CW-007", "CW-011"] {
            assert!(
                cw_before.iter().any(|f| f.0 == code),
                "{code}: fails on its alarms while they can be read"
            );
            assert!(
                after.iter().any(|r| r.0 == code
                    && r.1 == Status::NotAssessed
                    && r.3.contains("cloudwatch:DescribeAlarms")),
                "{code}"
            );
            assert!(
                !after.iter().any(|r| r.0 == code && r.1 == Status::Fail),
                "{code}"
            );
        }
    }

    /// LOG-6, as the example stands: its only multi-region trail records write management
    /// events only, and the CIS benchmark (and Security Hub's CloudWatch.1-14) count only a
    /// trail recording all management events (`ReadWriteType` `All`). No trail qualifies, so
    /// all fifteen security-event checks fail on the trails alone, and unreadable alarms
    /// change none of them.
    #[test]
    fn unreadable_alarms_leave_failures_for_want_of_a_trail() {
        let inv = example();
        let before = failures(&results(&inv));
        let cw_before: Vec<_> = before
            .iter()
            .filter(|f| event_check(&f.0))
            .cloned()
            .collect();
        let codes: Vec<&str> = cw_before.iter().map(|f| f.0.as_str()).collect();
        let all: Vec<String> = (1..=15).map(|n| format!("CW-{n:03}")).collect();
        assert_eq!(codes, all);
        for f in &cw_before {
            assert!(
                f.2.contains("no multi-region, logging trail that records management events"),
                "{f:?}"
            );
        }
        let after = results(&without_alarms(inv));
        let cw_after: Vec<_> = failures(&after)
            .into_iter()
            .filter(|f| event_check(&f.0))
            .collect();
        assert_eq!(cw_after, cw_before);
    }

    /// A bucket whose versioning could not be read keeps its failures that do not rest on
    /// versioning (public access, TLS, data events, logging); only the versioning verdict
    /// becomes `not_assessed`.
    #[test]
    fn a_versioning_gap_withholds_only_versioning_verdicts() {
        let mut inv = example();
        let before = failures(&results(&inv));
        let buckets = [
            "arn:aws:s3:::shopify-backend-assets",
            "arn:aws:s3:::shopify-backend-exports-legacy",
        ];
        for b in buckets {
            inv.gaps.push(
                Gap::new(
                    data::S3_BUCKET_VERSIONING,
                    "s3:GetBucketVersioning",
                    "denied",
                )
                .in_account("123456789012")
                .for_resource(b)
                .with_code("AccessDenied"),
            );
        }
        let after = results(&inv);
        // Withheld: the versioning verdict, and BACKUP-001's "selected but not backed up, for
        // want of versioning"; "not selected by any plan" does not rest on versioning.
        let expected: Vec<_> = before
            .iter()
            .filter(|f| {
                !(buckets.contains(&f.1.as_str())
                    && (f.0 == "S3-003" || (f.0 == "BACKUP-001" && f.2.contains("versioning"))))
            })
            .cloned()
            .collect();
        assert_eq!(expected.len() + 3, before.len());
        let got = failures(&after);
        let missing: Vec<_> = expected.iter().filter(|f| !got.contains(f)).collect();
        let extra: Vec<_> = got.iter().filter(|f| !expected.contains(f)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "withheld: {missing:?}\nadded: {extra:?}"
        );
        for code in ["S3-100", "CT-004", "S3-101", "BACKUP-001"] {
            assert!(
                expected
                    .iter()
                    .any(|f| f.0 == code && buckets.contains(&f.1.as_str())),
                "{code}: the example must fail it on a gapped bucket"
            );
        }
        for b in buckets {
            assert!(
                after
                    .iter()
                    .any(|r| r.0 == "S3-003" && r.1 == Status::NotAssessed && r.2 == b)
            );
        }
    }
}
