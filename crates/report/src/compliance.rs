//! Compliance views: every control of a framework with pass / fail / not assessed / manual.
//!
//! The control lists (CIS AWS Foundations v3.0.0 and v6.0.0, the Security Hub controls) are
//! compiled into the binary from `data/`. A control's status comes from the results of the checks
//! that declare it in their compliance references:
//! - **fail** when one of those checks failed on some resource (waived failures do not count);
//! - **not assessed** when one of them could not read its data, when none of them ran, or when
//!   no check maps to the control ("no check");
//! - **manual** when the control is not automatable (CIS marks it so) and no check maps to it, or
//!   when only manual checks map to it;
//! - **pass** when they ran and found nothing failing (no resource in scope also passes on a
//!   live account or a snapshot: the inventory was read and holds nothing the control applies
//!   to; on a partial input — Terraform, CloudFormation, a policy file — nothing in scope is
//!   **not assessed**, since the deployed account may hold what the template does not);
//! - a control about one address family (`0.0.0.0/0` or `::/0` in its title, e.g. CIS 3.0 5.2
//!   and 5.3) counts only the failures open from that family (the finding's `open_from`).

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{Finding, Status};
use serde::{Deserialize, Serialize};

use crate::Rule;

/// A framework with a bundled control list (one definition, in the model).
pub use rampart_model::Framework;

/// The bundled control list's text.
fn data(framework: Framework) -> &'static str {
    match framework {
        Framework::Cis3 => include_str!("../data/cis_aws_v3.0.0.json"),
        Framework::Cis6 => include_str!("../data/cis_aws_v6.0.0.json"),
        Framework::Fsbp => include_str!("../data/fsbp.json"),
    }
}

/// The bundled control list of `framework`.
///
/// # Panics
/// Never for the bundled lists: a test parses each of them.
#[must_use]
pub fn controls(framework: Framework) -> ControlList {
    // INVARIANT: the bundled files are parsed by `tests::bundled_lists_parse`.
    #[allow(clippy::expect_used)]
    serde_json::from_str(data(framework)).expect("bundled compliance list is valid JSON")
}

/// A control list as bundled.
#[derive(Debug, Clone, Deserialize)]
pub struct ControlList {
    /// CIS lists: the benchmark's title.
    #[serde(default)]
    pub benchmark: Option<String>,
    /// The Security Hub list: the standard's title.
    #[serde(default)]
    pub standard: Option<String>,
    /// The controls.
    pub controls: Vec<ControlDef>,
}

/// One control as bundled.
#[derive(Debug, Clone, Deserialize)]
pub struct ControlDef {
    /// `1.4`, `S3.14`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// CIS: whether the benchmark calls it automated.
    #[serde(default)]
    pub automated: Option<bool>,
    /// CIS: the section.
    #[serde(default)]
    pub section: Option<String>,
    /// CIS: the profile level.
    #[serde(default)]
    pub level: Option<String>,
    /// Security Hub: the service.
    #[serde(default)]
    pub service: Option<String>,
    /// Security Hub: the control's severity.
    #[serde(default)]
    pub severity: Option<String>,
    /// Security Hub: whether FSBP includes it (`true`, `false`, or `"uncertain"`).
    #[serde(default)]
    pub in_fsbp: Option<serde_json::Value>,
}

/// A control's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// A mapped check failed.
    Fail,
    /// The mapped checks ran and nothing failed.
    Pass,
    /// Data missing, check not run, or no check.
    NotAssessed,
    /// An auditor must check.
    Manual,
}

impl ControlStatus {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Pass => "pass",
            ControlStatus::NotAssessed => "not_assessed",
            ControlStatus::Manual => "manual",
        }
    }
}

/// Results of a control's checks, counted by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Failures.
    pub fail: usize,
    /// Passes.
    pub pass: usize,
    /// Not assessed.
    pub not_assessed: usize,
    /// Manual items.
    pub manual: usize,
    /// Waived failures.
    pub waived: usize,
}

/// One control's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlResult {
    /// The control id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The section (CIS) or service (Security Hub).
    pub group: String,
    /// The status.
    pub status: ControlStatus,
    /// Why, in a few words.
    pub reason: String,
    /// The checks that map to it.
    pub checks: Vec<String>,
    /// Their results.
    pub counts: Counts,
}

/// The per-control table of one framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceView {
    /// The `--compliance` name.
    pub framework: String,
    /// The framework's title.
    pub title: String,
    /// Controls by status.
    pub totals: BTreeMap<String, usize>,
    /// Every control of the list, in its order.
    pub controls: Vec<ControlResult>,
}

/// Builds `framework`'s view from every result (passes included), the catalogue, and the codes
/// of the checks that ran.
#[must_use]
pub fn evaluate(
    framework: Framework,
    rules: &[Rule],
    ran: &BTreeSet<String>,
    findings: &[Finding],
) -> ComplianceView {
    evaluate_with(framework, rules, ran, findings, &BTreeMap::new())
}

/// [`evaluate`] when some passes were only counted: `passes_not_listed` gives their number per
/// check. The inputs are taken as a whole account (see [`evaluate_inputs`]).
#[must_use]
pub fn evaluate_with(
    framework: Framework,
    rules: &[Rule],
    ran: &BTreeSet<String>,
    findings: &[Finding],
    passes_not_listed: &BTreeMap<String, usize>,
) -> ComplianceView {
    evaluate_inputs(framework, rules, ran, findings, passes_not_listed, false)
}

/// [`evaluate_with`], knowing whether the input is `partial` (see [`partial_inputs`]): then a
/// control whose checks ran but found nothing in scope is not assessed rather than passed.
#[must_use]
pub fn evaluate_inputs(
    framework: Framework,
    rules: &[Rule],
    ran: &BTreeSet<String>,
    findings: &[Finding],
    passes_not_listed: &BTreeMap<String, usize>,
    partial: bool,
) -> ComplianceView {
    let list = controls(framework);
    let mut by_check: BTreeMap<&str, Counts> = BTreeMap::new();
    for (check, n) in passes_not_listed {
        by_check.entry(check.as_str()).or_default().pass += n;
    }
    let mut first_na: BTreeMap<&str, &str> = BTreeMap::new();
    for f in findings {
        let c = by_check.entry(f.check.as_str()).or_default();
        match f.status {
            Status::Fail => c.fail += 1,
            Status::Pass => c.pass += 1,
            Status::NotAssessed => {
                c.not_assessed += 1;
                first_na
                    .entry(f.check.as_str())
                    .or_insert(f.message.as_str());
            }
            Status::Manual => c.manual += 1,
            Status::Waived => c.waived += 1,
        }
    }
    let mut controls = Vec::with_capacity(list.controls.len());
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for def in list.controls {
        let mapped: Vec<&Rule> = rules
            .iter()
            .filter(|r| {
                r.compliance
                    .iter()
                    .any(|c| c.framework == framework.as_str() && c.id == def.id)
            })
            .collect();
        let mut counts = Counts::default();
        for r in &mapped {
            if let Some(c) = by_check.get(r.code.as_str()) {
                counts.fail += c.fail;
                counts.pass += c.pass;
                counts.not_assessed += c.not_assessed;
                counts.manual += c.manual;
                counts.waived += c.waived;
            }
        }
        if let Some(family) = address_family(&def.title) {
            // A control about one address family (CIS 3.0 5.2 is about 0.0.0.0/0, 5.3 about
            // ::/0) fails only on findings open from that family; a finding open from the other
            // one only is a pass for it.
            for f in findings.iter().filter(|f| {
                matches!(f.status, Status::Fail | Status::Waived)
                    && mapped.iter().any(|r| r.code == f.check)
                    && !open_from(f, family)
            }) {
                if f.status == Status::Fail {
                    counts.fail -= 1;
                } else {
                    counts.waived -= 1;
                }
                counts.pass += 1;
            }
        }

        let automated_rules: Vec<&&Rule> = mapped.iter().filter(|r| !r.manual).collect();
        let ran_any = automated_rules.iter().any(|r| ran.contains(&r.code));
        let (status, reason) = if mapped.is_empty() {
            if def.automated == Some(false) {
                (
                    ControlStatus::Manual,
                    "not automatable: an auditor must check".to_owned(),
                )
            } else {
                (ControlStatus::NotAssessed, "no check".to_owned())
            }
        } else if counts.fail > 0 {
            (
                ControlStatus::Fail,
                format!("{} failing resource(s)", counts.fail),
            )
        } else if counts.not_assessed > 0 {
            let why = mapped
                .iter()
                .find_map(|r| first_na.get(r.code.as_str()))
                .map_or_else(String::new, |m| format!(": {m}"));
            (
                ControlStatus::NotAssessed,
                format!(
                    "{} result(s) could not be assessed{why}",
                    counts.not_assessed
                ),
            )
        } else if automated_rules.is_empty() {
            (
                ControlStatus::Manual,
                "manual check: an auditor must check".to_owned(),
            )
        } else if !ran_any {
            let codes: Vec<&str> = automated_rules.iter().map(|r| r.code.as_str()).collect();
            (
                ControlStatus::NotAssessed,
                format!("check not run ({})", codes.join(", ")),
            )
        } else if counts.pass == 0 && counts.waived == 0 && partial {
            // Nothing in scope on a partial input (IaC, a policy file): the deployed account
            // may hold what the control applies to, so nothing was established.
            (
                ControlStatus::NotAssessed,
                "nothing in scope in the input, which describes only part of the account"
                    .to_owned(),
            )
        } else if counts.pass == 0 && counts.waived == 0 {
            (ControlStatus::Pass, "no resource in scope".to_owned())
        } else if counts.waived > 0 {
            (
                ControlStatus::Pass,
                format!("{} passing, {} waived", counts.pass, counts.waived),
            )
        } else {
            (
                ControlStatus::Pass,
                format!("{} passing resource(s)", counts.pass),
            )
        };
        *totals.entry(status.as_str().to_owned()).or_default() += 1;
        let group = def
            .section
            .clone()
            .or_else(|| def.service.clone())
            .unwrap_or_default();
        let title = match def.in_fsbp {
            Some(serde_json::Value::Bool(false)) => format!("{} (not in FSBP)", def.title),
            _ => def.title.clone(),
        };
        controls.push(ControlResult {
            id: def.id,
            title,
            group,
            status,
            reason,
            checks: mapped.iter().map(|r| r.code.clone()).collect(),
            counts,
        });
    }
    ComplianceView {
        framework: framework.as_str().to_owned(),
        title: list
            .benchmark
            .or(list.standard)
            .unwrap_or_else(|| framework.as_str().to_owned()),
        totals,
        controls,
    }
}

/// The address family a control is about, from its title: `::/0` (IPv6) or `0.0.0.0/0`.
fn address_family(title: &str) -> Option<&'static str> {
    if title.contains("::/0") {
        Some("::/0")
    } else if title.contains("0.0.0.0/0") {
        Some("0.0.0.0/0")
    } else {
        None
    }
}

/// Whether finding `f` states it is open from `family`; a finding that does not say (no
/// `open_from` evidence) counts for both families.
fn open_from(f: &Finding, family: &str) -> bool {
    match f
        .evidence
        .get("open_from")
        .and_then(serde_json::Value::as_array)
    {
        Some(list) => list.iter().any(|v| v.as_str() == Some(family)),
        None => true,
    }
}

/// Whether the inputs describe only part of an estate: infrastructure as code, a policy file
/// or a source tree, not a live account or a snapshot of one. Inputs of unknown kind count as
/// complete.
#[must_use]
pub fn partial_inputs(inputs: &[rampart_model::InputInfo]) -> bool {
    !inputs.is_empty()
        && inputs.iter().all(|i| {
            matches!(
                i.kind.as_str(),
                "terraform" | "terraform-plan" | "cloudformation" | "policy" | "tree"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lists_parse() {
        for fw in Framework::ALL {
            let list: ControlList = serde_json::from_str(data(fw)).expect("parse");
            assert!(list.controls.len() > 50, "{}", fw.as_str());
        }
    }
}
