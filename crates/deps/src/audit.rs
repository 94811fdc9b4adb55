//! Lock file entries against the database: one result per (package, version) of a lock file.
//!
//! - `fail`: the version is affected by at least one advisory. Advisories that are aliases of
//!   one another (a PYSEC record and the GHSA and CVE it names) are one vulnerability; severity
//!   is the highest among them (CVSS v3 base score, else the record's own rating, else
//!   [`UNRATED`]); `fixed` is the lowest version above the installed one that fixes every one
//!   of them (`null` when one has no fix).
//! - `pass`: no advisory affects it.
//! - `not_assessed`: the entry pins no released version, its version cannot be read in the
//!   ecosystem's order, an advisory's range cannot be read, or the database holds no record of
//!   the ecosystem at all.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use rampart_model::{Finding, Location, Remediation, Severity, Status};
use serde_json::json;

use crate::lockfile::{LockFile, Package};
use crate::matcher;
use crate::osv::{Index, Rated};
use crate::version::Ecosystem;

/// The check code of the dependency audit.
pub const CHECK: &str = "DEPS-001";
/// Its name.
pub const NAME: &str = "dependency-with-known-vulnerability";
/// The CHECKLIST control it serves.
pub const CONTROL: &str = "APP-1";
/// The severity of an advisory that rates none.
pub const UNRATED: Severity = Severity::Medium;

/// Audits one lock file. `remediation` is shared by every finding.
#[must_use]
pub fn audit(index: &Index, lock: &LockFile, remediation: &Arc<Remediation>) -> Vec<Finding> {
    // One result per (package, version); later entries of the same pair are `also_at`.
    let mut seen: BTreeMap<(Ecosystem, String, String), usize> = BTreeMap::new();
    let mut out: Vec<Finding> = Vec::new();
    for p in &lock.packages {
        let key = (
            p.ecosystem,
            p.ecosystem.normalise_name(&p.name),
            p.version.clone().unwrap_or_else(|| format!("#{}", p.line)),
        );
        if let Some(&i) = seen.get(&key) {
            if let Some(f) = out.get_mut(i) {
                let also = f.evidence.entry("also_at".to_owned()).or_insert(json!([]));
                if let Some(a) = also.as_array_mut() {
                    a.push(json!(p.line));
                }
                if p.direct == Some(true) {
                    f.evidence.insert("direct".into(), json!(true));
                }
            }
            continue;
        }
        seen.insert(key, out.len());
        out.push(judge(index, lock, p, remediation));
    }
    out
}

fn base(lock: &LockFile, p: &Package, remediation: &Arc<Remediation>) -> Finding {
    let version = p.version.as_deref().unwrap_or("?");
    let file = p.file.as_deref().unwrap_or(&lock.path);
    let mut evidence = BTreeMap::new();
    evidence.insert("ecosystem".into(), json!(p.ecosystem.as_str()));
    evidence.insert("package".into(), json!(p.name));
    evidence.insert("version".into(), json!(p.version));
    evidence.insert("lock_format".into(), json!(lock.format));
    if p.file.is_some() {
        evidence.insert("included_by".into(), json!(lock.path));
    }
    if let Some(d) = p.direct {
        evidence.insert("direct".into(), json!(d));
    }
    Finding {
        check: CHECK.into(),
        name: NAME.into(),
        controls: vec![CONTROL.into()],
        severity: UNRATED,
        status: Status::Pass,
        resource: format!("{file}:{}@{version}", p.name),
        account: None,
        region: None,
        message: String::new(),
        evidence,
        location: Some(Location {
            file: file.to_owned(),
            line: Some(p.line),
            column: None,
        }),
        remediation: Arc::clone(remediation),
        waiver_reason: None,
    }
}

fn not_assessed(mut f: Finding, why: String) -> Finding {
    f.status = Status::NotAssessed;
    f.evidence.insert("reason".into(), json!(why));
    f.message = format!("not assessed: {why}");
    f
}

/// One vulnerability: its advisories (aliases merged), severity and fix.
struct Vuln {
    ids: Vec<String>,
    aliases: Vec<String>,
    summary: String,
    rated: Option<Rated>,
    fixed: Option<String>,
}

fn judge(index: &Index, lock: &LockFile, p: &Package, remediation: &Arc<Remediation>) -> Finding {
    let f = base(lock, p, remediation);
    if let Some(why) = &p.unpinned {
        return not_assessed(f, why.clone());
    }
    let Some(raw) = p.version.as_deref() else {
        return not_assessed(f, format!("`{}` has no version", p.name));
    };
    if !index.covers(p.ecosystem) {
        return not_assessed(
            f,
            format!(
                "the OSV database holds no {} advisories (add `{}/all.zip`)",
                p.ecosystem,
                p.ecosystem.as_str()
            ),
        );
    }
    let installed = match p.ecosystem.parse(raw) {
        Ok(v) => v,
        Err(e) => return not_assessed(f, e),
    };
    let mut vulns: Vec<Vuln> = Vec::new();
    let mut unjudged = Vec::new();
    for a in index.affected(p.ecosystem, &p.name) {
        let Some(adv) = index.advisories.get(a.advisory as usize) else {
            continue;
        };
        match matcher::judge(p.ecosystem, raw, &installed, a) {
            Ok(None) => {}
            Ok(Some(hit)) => {
                let rated = a.severity.clone().or_else(|| adv.severity.clone());
                let mut names = vec![adv.id.clone()];
                names.extend(adv.aliases.iter().cloned());
                // Merge with a vulnerability sharing any id or alias.
                if let Some(v) = vulns.iter_mut().find(|v| {
                    names
                        .iter()
                        .any(|n| v.ids.contains(n) || v.aliases.contains(n))
                }) {
                    if !v.ids.contains(&adv.id) {
                        v.ids.push(adv.id.clone());
                    }
                    for al in &adv.aliases {
                        if !v.aliases.contains(al) && !v.ids.contains(al) {
                            v.aliases.push(al.clone());
                        }
                    }
                    if rank(rated.as_ref()) > rank(v.rated.as_ref()) {
                        v.rated = rated;
                    }
                    v.fixed = higher(p.ecosystem, v.fixed.take(), hit.fixed);
                } else {
                    vulns.push(Vuln {
                        ids: vec![adv.id.clone()],
                        aliases: adv.aliases.clone(),
                        summary: adv.summary.clone(),
                        rated,
                        fixed: hit.fixed,
                    });
                }
            }
            Err(e) => unjudged.push(format!("{}: {}", adv.id, e.0)),
        }
    }
    // An alias listed as an id of a merged record is not repeated as an alias.
    for v in &mut vulns {
        let ids = v.ids.clone();
        v.aliases.retain(|a| !ids.contains(a));
    }
    if vulns.is_empty() {
        if !unjudged.is_empty() {
            let mut f = not_assessed(
                f,
                format!(
                    "{} advisory range(s) cannot be read: {}",
                    unjudged.len(),
                    unjudged.join("; ")
                ),
            );
            f.evidence.insert("unjudged".into(), json!(unjudged));
            return f;
        }
        let mut f = f;
        f.message = format!(
            "{} {} ({}): no known vulnerability",
            p.name, raw, p.ecosystem
        );
        return f;
    }
    vulns.sort_by(|a, b| {
        rank(b.rated.as_ref())
            .cmp(&rank(a.rated.as_ref()))
            .then_with(|| a.ids.cmp(&b.ids))
    });
    let severity = vulns
        .iter()
        .map(|v| v.rated.as_ref().map_or(UNRATED, |r| r.severity))
        .max()
        .unwrap_or(UNRATED);
    // The version that fixes them all: the highest of each one's lowest fix.
    let fixed_all = if vulns.iter().all(|v| v.fixed.is_some()) {
        vulns
            .iter()
            .fold(None, |acc, v| higher(p.ecosystem, acc, v.fixed.clone()))
    } else {
        None
    };
    let mut f = f;
    f.status = Status::Fail;
    f.severity = severity;
    let names: Vec<String> = vulns
        .iter()
        .map(|v| {
            let mut all = v.ids.clone();
            all.extend(v.aliases.iter().cloned());
            match all.split_first() {
                Some((first, rest)) if !rest.is_empty() => format!("{first} ({})", rest.join(", ")),
                Some((first, _)) => first.clone(),
                None => String::new(),
            }
        })
        .collect();
    f.message = format!(
        "{} {} ({}) has {} known vulnerabilit{}: {}; {}",
        p.name,
        raw,
        p.ecosystem,
        vulns.len(),
        if vulns.len() == 1 { "y" } else { "ies" },
        names.join(", "),
        match &fixed_all {
            Some(v) => format!("upgrade to {v} or later"),
            None => "no fixed version for every one of them".to_owned(),
        }
    );
    f.evidence.insert(
        "advisories".into(),
        json!(
            vulns
                .iter()
                .map(|v| json!({
                    "ids": v.ids,
                    "aliases": v.aliases,
                    "summary": v.summary,
                    "severity": v.rated.as_ref().map_or(UNRATED, |r| r.severity),
                    "score": v.rated.as_ref().and_then(|r| r.score),
                    "severity_source": v.rated.as_ref().map_or("none", |r| r.source.as_str()),
                    "fixed": v.fixed,
                }))
                .collect::<Vec<_>>()
        ),
    );
    f.evidence.insert("fixed".into(), json!(fixed_all));
    if !unjudged.is_empty() {
        f.evidence.insert("unjudged".into(), json!(unjudged));
    }
    f
}

fn rank(r: Option<&Rated>) -> (Severity, i64) {
    #[allow(clippy::cast_possible_truncation)]
    r.map_or((UNRATED, -1), |r| {
        (r.severity, r.score.map_or(-1, |s| (s * 10.0) as i64))
    })
}

/// The higher of two versions (`None` counts as absent).
fn higher(eco: Ecosystem, a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(x), Some(y)) => {
            let o = match (eco.parse(&x), eco.parse(&y)) {
                (Ok(px), Ok(py)) => px.compare(&py).unwrap_or(Ordering::Equal),
                _ => x.cmp(&y),
            };
            Some(if o == Ordering::Less { y } else { x })
        }
        (x, None) => x,
        (None, y) => y,
    }
}
