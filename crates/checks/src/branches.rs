//! CloudFormation condition branches, reported once.
//!
//! A CloudFormation resource whose properties depend on conditions (`Fn::If`) is read once per
//! combination of them, each branch a resource of its own named
//! `FILE:LogicalId[IsProd=true,UseKms=false]` (parameters are chosen at deployment, so each
//! branch may be what gets deployed). A check's verdict often depends on none of those
//! conditions (a bucket whose versioning depends on `IsProd` is unencrypted on both branches),
//! or on some of them only. For each check and resource, the runner finds the fewest conditions
//! that decide the check's results, and reports them once per value of those conditions:
//! - results identical on every branch (status, message and evidence) are reported once, on
//!   `FILE:LogicalId`;
//! - results that differ are reported once per deciding value, on
//!   `FILE:LogicalId[IsProd=false]`, with the deciding conditions in evidence (`condition`).

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::Finding;

/// A resource named with its branch: the text before and after `[…]`, and the branch's
/// conditions with their values, in the order written.
struct Branched<'a> {
    before: &'a str,
    after: &'a str,
    conditions: Vec<(&'a str, bool)>,
}

impl Branched<'_> {
    /// The resource without its branch.
    fn base(&self) -> String {
        format!("{}{}", self.before, self.after)
    }

    /// The resource named with the values of `keep` only (none: the resource itself).
    fn with_only(&self, keep: &[usize]) -> String {
        if keep.is_empty() {
            return self.base();
        }
        format!("{}[{}]{}", self.before, self.label(keep), self.after)
    }

    /// `C1=true,C2=false` for the conditions at `keep`.
    fn label(&self, keep: &[usize]) -> String {
        keep.iter()
            .filter_map(|i| self.conditions.get(*i))
            .map(|(c, v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The whole branch, as written in the resource.
    fn full(&self) -> String {
        let all: Vec<usize> = (0..self.conditions.len()).collect();
        format!("[{}]", self.label(&all))
    }
}

/// Reads the branch of a resource named `…[Cond=true,Other=false]…` (condition names are
/// alphanumeric, values `true` or `false`); `None` for any other resource.
fn split(resource: &str) -> Option<Branched<'_>> {
    let mut from = 0;
    while let Some(open) = resource[from..].find('[').map(|i| i + from) {
        let close = resource[open..].find(']').map(|i| i + open)?;
        let inner = &resource[open + 1..close];
        let conditions: Option<Vec<(&str, bool)>> = inner
            .split(',')
            .map(|part| {
                let (name, value) = part.split_once('=')?;
                let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
                let value = match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                ok.then_some((name, value))
            })
            .collect();
        if let Some(conditions) = conditions.filter(|c| !c.is_empty()) {
            return Some(Branched {
                before: &resource[..open],
                after: &resource[close + 1..],
                conditions,
            });
        }
        from = open + 1;
    }
    None
}

/// What a result says, without the branch it was found on.
fn verdict_key(f: &Finding, branch: &str) -> String {
    let evidence = serde_json::to_string(&f.evidence).unwrap_or_default();
    format!(
        "{:?}\u{0}{}\u{0}{}\u{0}{}",
        f.status,
        f.message.replace(branch, ""),
        evidence.replace(branch, ""),
        f.waiver_reason.as_deref().unwrap_or_default()
    )
}

/// Merges the results of each check on the branches of one resource (see the module
/// documentation). Results of resources without branches are left as they are, in order.
pub(crate) fn merge(findings: &mut Vec<Finding>) {
    // Every branch of each resource, whichever check found it.
    let mut branches: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let Some(b) = split(&f.resource) {
            branches.entry(b.base()).or_default().insert(b.full());
            groups
                .entry((f.check.clone(), b.base()))
                .or_default()
                .push(i);
        }
    }
    if groups.is_empty() {
        return;
    }
    let mut drop = vec![false; findings.len()];
    let mut renamed: Vec<(usize, String, Option<String>)> = Vec::new();
    for ((_, base), members) in &groups {
        let all = &branches[base];
        // The results of each branch, as what they say.
        let mut by_branch: BTreeMap<&str, Vec<String>> =
            all.iter().map(|b| (b.as_str(), Vec::new())).collect();
        let mut shape: Option<Branched<'_>> = None;
        for &i in members {
            let Some(b) = split(&findings[i].resource) else {
                continue;
            };
            let full = b.full();
            if let Some(v) = by_branch.get_mut(full.as_str()) {
                v.push(verdict_key(&findings[i], &full));
            }
            shape.get_or_insert(b);
        }
        let Some(shape) = shape else { continue };
        for v in by_branch.values_mut() {
            v.sort();
        }
        let n = shape.conditions.len();
        let parsed: Vec<(Vec<bool>, &Vec<String>)> = by_branch
            .iter()
            .filter_map(|(b, v)| {
                let values: Vec<bool> = split(&format!("x{b}"))?
                    .conditions
                    .iter()
                    .map(|(_, x)| *x)
                    .collect();
                (values.len() == n).then_some((values, v))
            })
            .collect();
        // The fewest conditions whose values decide every branch's results.
        let deciding = (0u32..(1 << n))
            .map(|mask| {
                (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .collect::<Vec<usize>>()
            })
            .filter(|keep| {
                let mut seen: BTreeMap<Vec<bool>, &Vec<String>> = BTreeMap::new();
                parsed.iter().all(|(values, v)| {
                    let key: Vec<bool> = keep.iter().map(|i| values[*i]).collect();
                    *seen.entry(key).or_insert(v) == *v
                })
            })
            .min_by_key(Vec::len)
            .unwrap_or_else(|| (0..n).collect());
        // One branch's results for each value of the deciding conditions: the first branch
        // found with that value.
        let mut representative: BTreeMap<String, String> = BTreeMap::new();
        for &i in members {
            let Some(b) = split(&findings[i].resource) else {
                continue;
            };
            let name = b.with_only(&deciding);
            let full = b.full();
            if *representative
                .entry(name.clone())
                .or_insert_with(|| full.clone())
                != full
            {
                drop[i] = true;
                continue;
            }
            let condition = (!deciding.is_empty()).then(|| b.label(&deciding));
            renamed.push((i, name, condition));
        }
    }
    for (i, name, condition) in renamed {
        let f = &mut findings[i];
        f.resource = name;
        if let Some(c) = condition {
            f.evidence
                .insert("condition".to_owned(), serde_json::Value::String(c));
        }
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::{Severity, Status};

    fn finding(check: &str, resource: &str, status: Status, message: &str) -> Finding {
        let mut f: Finding = serde_json::from_value(serde_json::json!({
            "check": check,
            "name": "n",
            "controls": [],
            "severity": "high",
            "status": "pass",
            "resource": resource,
            "message": message,
            "remediation": {"text": ""},
        }))
        .expect("a finding");
        f.status = status;
        f.severity = Severity::High;
        f
    }

    fn got(fs: &[Finding]) -> Vec<(String, String, Status, Option<String>)> {
        fs.iter()
            .map(|f| {
                (
                    f.check.clone(),
                    f.resource.clone(),
                    f.status,
                    f.evidence
                        .get("condition")
                        .and_then(|c| c.as_str())
                        .map(str::to_owned),
                )
            })
            .collect()
    }

    #[test]
    fn a_verdict_no_condition_decides_is_reported_once_on_the_resource() {
        let mut fs = vec![
            finding(
                "S3-001",
                "t.yaml:B[IsProd=false]",
                Status::Fail,
                "not encrypted",
            ),
            finding(
                "S3-001",
                "t.yaml:B[IsProd=true]",
                Status::Fail,
                "not encrypted",
            ),
            finding(
                "S3-003",
                "t.yaml:B[IsProd=false]",
                Status::Fail,
                "suspended",
            ),
            finding("S3-003", "t.yaml:B[IsProd=true]", Status::Pass, "enabled"),
            finding("S3-001", "t.yaml:Plain", Status::Fail, "not encrypted"),
        ];
        merge(&mut fs);
        assert_eq!(
            got(&fs),
            vec![
                ("S3-001".into(), "t.yaml:B".into(), Status::Fail, None),
                (
                    "S3-003".into(),
                    "t.yaml:B[IsProd=false]".into(),
                    Status::Fail,
                    Some("IsProd=false".into())
                ),
                (
                    "S3-003".into(),
                    "t.yaml:B[IsProd=true]".into(),
                    Status::Pass,
                    Some("IsProd=true".into())
                ),
                ("S3-001".into(), "t.yaml:Plain".into(), Status::Fail, None),
            ]
        );
    }

    #[test]
    fn only_the_deciding_condition_names_the_results() {
        // Two conditions, four branches: the failure depends on `A` alone.
        let mut fs = Vec::new();
        for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
            let r = format!("t.yaml:G[A={a},B={b}]#default");
            let (s, m) = if a {
                (Status::Pass, "closed")
            } else {
                (Status::Fail, "open to the internet")
            };
            fs.push(finding("EC2-003", &r, s, m));
        }
        merge(&mut fs);
        assert_eq!(
            got(&fs),
            vec![
                (
                    "EC2-003".into(),
                    "t.yaml:G[A=false]#default".into(),
                    Status::Fail,
                    Some("A=false".into())
                ),
                (
                    "EC2-003".into(),
                    "t.yaml:G[A=true]#default".into(),
                    Status::Pass,
                    Some("A=true".into())
                ),
            ]
        );
    }

    #[test]
    fn results_that_differ_in_evidence_are_kept_apart() {
        let mut a = finding("EC2-003", "t.yaml:G[A=false]", Status::Fail, "open");
        a.evidence
            .insert("cidr".into(), serde_json::json!("0.0.0.0/0"));
        let mut b = finding("EC2-003", "t.yaml:G[A=true]", Status::Fail, "open");
        b.evidence.insert("cidr".into(), serde_json::json!("::/0"));
        let mut fs = vec![a, b];
        merge(&mut fs);
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[0].resource, "t.yaml:G[A=false]");
        assert_eq!(fs[1].resource, "t.yaml:G[A=true]");
    }

    #[test]
    fn other_brackets_are_not_branches() {
        for r in [
            "main.tf:aws_s3_bucket.b[0]",
            "main.tf:aws_s3_bucket.b[\"a=true\"]",
            "main.tf:x[root modules/a]",
            "arn:aws:s3:::b",
        ] {
            assert!(split(r).is_none(), "{r}");
        }
        let b = split("t.yaml:X[A=true,B=false]#v").expect("a branch");
        assert_eq!(b.base(), "t.yaml:X#v");
        assert_eq!(b.with_only(&[1]), "t.yaml:X[B=false]#v");
    }
}
