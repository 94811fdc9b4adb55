//! Whether an installed version is affected by an advisory, and which version fixes it.
//!
//! A range (OSV schema, "Evaluation"): its events sorted by version, the installed version is
//! affected when the last event at or below it is an `introduced` (`introduced: "0"` is below
//! every version), not when it is a `fixed` at or below it, nor a `last_affected` strictly below
//! it; a `limit` bounds the range from above (versions at or past every limit are outside).
//! An explicit `versions` entry equal to the installed version makes it affected too.

use std::cmp::Ordering;

use crate::osv::{Affected, Event, RangeKind};
use crate::version::{Ecosystem, Version, parse_semver};

/// The verdict on one affected entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The lowest `fixed` version above the installed one, in the ranges that affect it
    /// (`None`: no fix is known).
    pub fixed: Option<String>,
}

/// What could not be judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjudged(pub String);

fn parse(eco: Ecosystem, kind: RangeKind, text: &str) -> Result<Version, String> {
    match kind {
        RangeKind::Semver => parse_semver(text),
        _ => eco.parse(text),
    }
}

fn lt(a: &Version, b: &Version) -> bool {
    a.compare(b) == Some(Ordering::Less)
}

/// Judges `installed` (already parsed in the ecosystem's order, `raw` as written) against one
/// affected entry. `Err` when a range needed for the verdict cannot be read.
///
/// # Errors
/// When a range's event version cannot be parsed (the verdict would be a guess).
pub fn judge(
    eco: Ecosystem,
    raw: &str,
    installed: &Version,
    affected: &Affected,
) -> Result<Option<Hit>, Unjudged> {
    let mut hit = false;
    let mut fixes: Vec<(Version, String)> = Vec::new();
    let mut all_fixes: Vec<(Version, String)> = Vec::new();
    for range in &affected.ranges {
        if range.kind == RangeKind::Git {
            continue;
        }
        // The installed version in the range's order (SEMVER ranges use SemVer even where the
        // ecosystem's own order differs).
        let v = if range.kind == RangeKind::Semver && !matches!(installed, Version::Sem(_)) {
            match parse_semver(raw) {
                Ok(v) => v,
                Err(e) => return Err(Unjudged(e)),
            }
        } else {
            installed.clone()
        };
        let mut events: Vec<(Option<Version>, &Event)> = Vec::new();
        let mut limits = Vec::new();
        for e in &range.events {
            let text = match e {
                Event::Introduced(t) | Event::Fixed(t) | Event::LastAffected(t) => t,
                Event::Limit(t) => {
                    if t != "*" {
                        limits.push(parse(eco, range.kind, t).map_err(Unjudged)?);
                    }
                    continue;
                }
            };
            if matches!(e, Event::Introduced(_)) && text == "0" {
                events.push((None, e));
                continue;
            }
            let parsed = parse(eco, range.kind, text).map_err(|m| {
                Unjudged(format!("advisory range event `{text}` cannot be read: {m}"))
            })?;
            if let Event::Fixed(t) = e {
                all_fixes.push((parsed.clone(), t.clone()));
            }
            events.push((Some(parsed), e));
        }
        // Sort by version; `None` (introduced 0) first; at equal versions an `introduced`
        // comes before the `fixed` that closes it.
        events.sort_by(|(a, ea), (b, eb)| {
            let o = match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
            };
            o.then_with(|| rank(ea).cmp(&rank(eb)))
        });
        let mut affected_here = false;
        let mut closing: Option<String> = None;
        for (ver, e) in &events {
            match (e, ver) {
                (Event::Introduced(_), None) => affected_here = true,
                (Event::Introduced(_), Some(x)) if !lt(&v, x) => affected_here = true,
                (Event::Fixed(t), Some(x)) => {
                    if !lt(&v, x) {
                        affected_here = false;
                    } else if affected_here && closing.is_none() {
                        closing = Some(t.clone());
                    }
                }
                (Event::LastAffected(_), Some(x)) if lt(x, &v) => affected_here = false,
                _ => {}
            }
        }
        if affected_here && !limits.is_empty() && !limits.iter().any(|l| lt(&v, l)) {
            affected_here = false;
        }
        if affected_here {
            hit = true;
            if let Some(t) = closing
                && let Ok(p) = parse(eco, range.kind, &t)
            {
                fixes.push((p, t));
            }
        }
    }
    if !hit && listed(eco, raw, installed, &affected.versions) {
        hit = true;
        // A listed version: the fix is the lowest `fixed` above it in any range.
        fixes = all_fixes
            .into_iter()
            .filter(|(p, _)| lt(installed, p))
            .collect();
    }
    if !hit {
        return Ok(None);
    }
    fixes.sort_by(|(a, _), (b, _)| a.compare(b).unwrap_or(Ordering::Equal));
    Ok(Some(Hit {
        fixed: fixes.into_iter().next().map(|(_, t)| t),
    }))
}

fn rank(e: &Event) -> u8 {
    match e {
        Event::Introduced(_) => 0,
        Event::LastAffected(_) => 1,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
    }
}

/// Whether `versions` lists the installed version: by equality in the ecosystem's order
/// (PEP 440 `1.0` = `1.0.0`), else by text.
fn listed(eco: Ecosystem, raw: &str, installed: &Version, versions: &[String]) -> bool {
    // Equal versions have the same first release number (when neither names an epoch):
    // most entries of a long list are told apart without parsing them.
    let first = |s: &str| -> Option<u64> {
        if s.contains('!') {
            return None;
        }
        let t = s.trim().trim_start_matches(['v', 'V']);
        let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        t[..end].parse().ok()
    };
    let mine = first(raw);
    versions.iter().any(|v| {
        v == raw
            || ((mine.is_none() || first(v).is_none() || first(v) == mine)
                && eco
                    .parse(v)
                    .ok()
                    .and_then(|p| p.compare(installed))
                    .is_some_and(|o| o == Ordering::Equal))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::Range;

    fn aff(kind: RangeKind, events: Vec<Event>, versions: &[&str]) -> Affected {
        Affected {
            advisory: 0,
            package: "p".into(),
            ranges: vec![Range { kind, events }],
            versions: versions.iter().map(|s| (*s).to_owned()).collect(),
            severity: None,
        }
    }

    fn check(eco: Ecosystem, a: &Affected, v: &str) -> Option<Option<String>> {
        let p = eco.parse(v).unwrap_or_else(|e| panic!("{e}"));
        judge(eco, v, &p, a)
            .unwrap_or_else(|e| panic!("{}", e.0))
            .map(|h| h.fixed)
    }

    #[test]
    fn introduced_fixed_pairs_and_lowest_fix_above() {
        use Event::*;
        let a = aff(
            RangeKind::Ecosystem,
            vec![
                Introduced("0".into()),
                Fixed("1.2.5".into()),
                Introduced("2.0".into()),
                Fixed("2.0.3".into()),
            ],
            &[],
        );
        let e = Ecosystem::PyPI;
        assert_eq!(check(e, &a, "1.0"), Some(Some("1.2.5".into())));
        assert_eq!(check(e, &a, "1.2.5rc1"), Some(Some("1.2.5".into())));
        assert_eq!(check(e, &a, "1.2.5"), None);
        assert_eq!(check(e, &a, "1.9"), None);
        assert_eq!(check(e, &a, "2.0.0"), Some(Some("2.0.3".into())));
        assert_eq!(check(e, &a, "2.0.3"), None);
        // A pre-release of 2.0 is before `introduced: 2.0`.
        assert_eq!(check(e, &a, "2.0rc1"), None);
        // Epoch 1 is above every epoch-0 version.
        assert_eq!(check(e, &a, "1!0.1"), None);
        // Events listed out of order are sorted first.
        let b = aff(
            RangeKind::Ecosystem,
            vec![Fixed("2.0.3".into()), Introduced("2.0".into())],
            &[],
        );
        assert_eq!(check(e, &b, "2.0.1"), Some(Some("2.0.3".into())));
        assert_eq!(check(e, &b, "1.0"), None);
    }

    #[test]
    fn last_affected_limit_and_versions() {
        use Event::*;
        let e = Ecosystem::Npm;
        let a = aff(
            RangeKind::Semver,
            vec![Introduced("1.0.0".into()), LastAffected("1.4.2".into())],
            &[],
        );
        assert_eq!(check(e, &a, "1.4.2"), Some(None));
        assert_eq!(check(e, &a, "1.4.3-alpha"), None);
        assert_eq!(check(e, &a, "0.9.0"), None);
        let l = aff(
            RangeKind::Semver,
            vec![Introduced("0".into()), Limit("2.0.0".into())],
            &[],
        );
        assert_eq!(check(e, &l, "1.9.9"), Some(None));
        assert_eq!(check(e, &l, "2.0.0"), None);
        let listed = aff(RangeKind::Git, vec![Introduced("abc".into())], &["3.1.0"]);
        assert_eq!(check(e, &listed, "3.1.0"), Some(None));
        assert_eq!(check(e, &listed, "3.1.1"), None);
        // PEP 440 equality in the versions list: `1.0` lists `1.0.0`.
        let py = aff(RangeKind::Git, vec![], &["1.0"]);
        assert_eq!(check(Ecosystem::PyPI, &py, "1.0.0"), Some(None));
    }

    #[test]
    fn unreadable_event_is_not_a_pass() {
        let a = aff(
            RangeKind::Ecosystem,
            vec![Event::Introduced("not a version!".into())],
            &[],
        );
        let v = Ecosystem::PyPI
            .parse("1.0")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(judge(Ecosystem::PyPI, "1.0", &v, &a).is_err());
    }
}
