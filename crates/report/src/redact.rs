//! Secrets are never printed whole, whatever field they hide in.
//!
//! A resource name, a tag, a message or a piece of evidence can carry a secret (an access key
//! pasted into a bucket name, a token in a tag value). Before any format renders, every string of
//! the [`Document`] goes through the secret scanner of `rampart_secrets` (the same catalogue that
//! `rampart secrets` reports from); each secret it recognises is replaced by its first characters
//! and `…[redacted]`. The fingerprints of the findings are then computed on the redacted text, the
//! same in every output and in a baseline made from one.

use std::borrow::Cow;
use std::sync::Arc;

use rampart_model::{Finding, Report};
use rampart_secrets::Scanner;
use serde_json::Value;

use crate::Document;

/// What stands after a secret's shown prefix.
pub const MARK: &str = "[redacted]";

fn scanner() -> Option<&'static Scanner> {
    // The built-in catalogue is tested to compile; were it ever not to, `redacted` refuses to
    // render rather than print unredacted text. The same compiled catalogue as the checks'.
    Scanner::builtin_shared()
}

/// `s` with every secret the scanner recognises replaced by its prefix and [`MARK`].
///
/// # Errors
/// The built-in secret catalogue failed to load (a build defect), so nothing can be shown safely.
pub fn redact_str(s: &str) -> Result<Cow<'_, str>, std::io::Error> {
    let scanner =
        scanner().ok_or_else(|| std::io::Error::other("the secret catalogue failed to load"))?;
    Ok(redact_with(scanner, s))
}

fn redact_with<'a>(scanner: &Scanner, s: &'a str) -> Cow<'a, str> {
    let ranges = scanner.secret_ranges(s.as_bytes());
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(splice(s, ranges))
}

/// `s` with each of the sorted, disjoint byte `ranges` replaced by its prefix and [`MARK`].
fn splice(s: &str, ranges: Vec<std::ops::Range<usize>>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for r in ranges {
        // Ranges come from a byte regex; keep to character boundaries.
        let start = s.floor_char_boundary(r.start.max(at));
        let end = s.ceil_char_boundary(r.end.min(s.len()));
        if start < at || start >= end {
            continue;
        }
        out.push_str(&s[at..start]);
        out.push_str(&rampart_secrets::redact::redact(&s.as_bytes()[start..end]));
        out.push_str(MARK);
        at = end;
    }
    out.push_str(&s[at..]);
    out
}

struct Redactor<'s> {
    scanner: &'s Scanner,
}

impl Redactor<'_> {
    fn string(&self, s: &mut String) {
        if let Cow::Owned(new) = redact_with(self.scanner, s) {
            *s = new;
        }
    }

    fn opt(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.string(s);
        }
    }

    fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => self.string(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.value(i)),
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for k in keys {
                    let Some(mut item) = map.remove(&k) else {
                        continue;
                    };
                    self.entry(&k, &mut item);
                    let mut key = k;
                    self.string(&mut key);
                    map.insert(key, item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A keyed value (a tag, an evidence entry): a secret is often recognisable only with its
    /// key (`aws_secret_access_key` = 40 characters), so a string value is scanned as
    /// `key = value` and what falls in the value is redacted.
    fn entry(&self, key: &str, v: &mut Value) {
        let Value::String(s) = v else {
            self.value(v);
            return;
        };
        let head = format!("{key} = ");
        let text = format!("{head}{s}");
        let ranges: Vec<std::ops::Range<usize>> = self
            .scanner
            .secret_ranges(text.as_bytes())
            .into_iter()
            .filter(|r| r.end > head.len())
            .map(|r| r.start.saturating_sub(head.len())..r.end - head.len())
            .collect();
        if !ranges.is_empty() {
            *s = splice(s, ranges);
        }
        self.string(s);
    }

    fn finding(&self, f: &mut Finding) {
        self.string(&mut f.check);
        self.string(&mut f.name);
        f.controls.iter_mut().for_each(|c| self.string(c));
        self.string(&mut f.resource);
        self.opt(&mut f.account);
        self.opt(&mut f.region);
        self.string(&mut f.message);
        let evidence = std::mem::take(&mut f.evidence);
        for (k, mut v) in evidence {
            self.entry(&k, &mut v);
            let mut key = k;
            self.string(&mut key);
            f.evidence.insert(key, v);
        }
        if let Some(l) = &mut f.location {
            self.string(&mut l.file);
        }
        // The remediation is shared by a check's findings: copied only when it holds a secret.
        let r = &f.remediation;
        let holds = |s: &str| !self.scanner.secret_ranges(s.as_bytes()).is_empty();
        if holds(&r.text)
            || r.cli.as_deref().is_some_and(holds)
            || r.terraform.as_deref().is_some_and(holds)
        {
            let mut r = (**r).clone();
            self.string(&mut r.text);
            self.opt(&mut r.cli);
            self.opt(&mut r.terraform);
            f.remediation = Arc::new(r);
        }
        self.opt(&mut f.waiver_reason);
    }

    fn report(&self, r: &mut Report) {
        for i in &mut r.inputs {
            self.string(&mut i.source);
        }
        for v in r.settings.values_mut() {
            self.value(v);
        }
        r.findings.iter_mut().for_each(|f| self.finding(f));
        for g in &mut r.gaps {
            self.string(&mut g.data);
            self.opt(&mut g.account);
            self.opt(&mut g.region);
            self.opt(&mut g.resource);
            self.string(&mut g.operation);
            self.opt(&mut g.code);
            self.string(&mut g.reason);
        }
    }
}

/// `doc` with every secret in every string field redacted: findings (names, resources, messages,
/// evidence keys and values, locations, remediation, waiver reasons), inputs, settings, gaps,
/// warnings, the compliance view and the baseline's source.
///
/// # Errors
/// The built-in secret catalogue failed to load.
pub fn redacted(doc: &Document) -> Result<Document, std::io::Error> {
    let scanner =
        scanner().ok_or_else(|| std::io::Error::other("the secret catalogue failed to load"))?;
    let r = Redactor { scanner };
    let mut doc = doc.clone();
    r.report(&mut doc.report);
    for w in &mut doc.warnings {
        r.string(&mut w.kind);
        r.string(&mut w.message);
        if let Some(waiver) = &mut w.waiver {
            r.string(&mut waiver.check);
            r.string(&mut waiver.resource);
            r.string(&mut waiver.reason);
        }
    }
    if let Some(view) = &mut doc.compliance {
        r.string(&mut view.title);
        for c in &mut view.controls {
            r.string(&mut c.title);
            r.string(&mut c.reason);
        }
    }
    if let Some(b) = &mut doc.baseline {
        r.string(&mut b.source);
    }
    // Results from a store were stored redacted; redacting them again costs little and keeps
    // this function the one guarantee.
    if let Some(h) = &mut doc.history {
        h.new.iter_mut().for_each(|f| r.finding(f));
        h.resolved.iter_mut().for_each(|f| r.finding(f));
        for c in &mut h.changed {
            r.finding(&mut c.before);
            r.finding(&mut c.after);
        }
        for v in [&mut h.current, &mut h.previous].into_iter().flatten() {
            r.value(v);
        }
    }
    Ok(doc)
}

/// The fingerprint `f` has once redacted, when redaction changes it: a baseline written from a
/// (redacted) report still recognises the finding.
#[must_use]
pub fn redacted_fingerprint(f: &Finding) -> Option<String> {
    let scanner = scanner()?;
    let r = Redactor { scanner };
    let mut copy = f.clone();
    r.finding(&mut copy);
    let fp = copy.fingerprint();
    (fp != f.fingerprint()).then_some(fp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_in_a_name_is_cut_to_its_prefix() {
        let token = "ghp_R7kQ2mX9vLp4sT8wYb3nHc6jDf1gZa5eKu0i";
        let name = format!("arn:aws:s3:::bucket-{token}-logs");
        let out = redact_str(&name).expect("catalogue");
        assert!(!out.contains(token), "{out}");
        assert!(out.contains(MARK), "{out}");
        assert!(out.starts_with("arn:aws:s3:::bucket-"), "{out}");
        assert!(out.ends_with("-logs") || out.ends_with(MARK), "{out}");
    }

    #[test]
    fn a_secret_known_by_its_key_is_redacted_in_evidence() {
        let secret = "N5Q4L8yu6cGZG5ONbACu3LZdpxZAllKpzclK1vpm";
        let mut v = serde_json::json!({ "tags": { "aws_secret_access_key": secret } });
        let scanner = scanner().expect("catalogue");
        Redactor { scanner }.value(&mut v);
        let out = v.to_string();
        assert!(!out.contains(secret), "{out}");
        assert!(out.contains(MARK), "{out}");
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "arn:aws:s3:::my-bucket";
        assert!(matches!(
            redact_str(s).expect("catalogue"),
            Cow::Borrowed(_)
        ));
    }
}
