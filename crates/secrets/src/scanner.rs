//! Matching one text against the catalogue.
//!
//! One pass of an Aho-Corasick automaton over the text finds which keywords occur; only the rules
//! those keywords select run their regex, so the cost grows with what a text mentions, not with
//! the size of the catalogue. Candidates then go through the entropy, character-class and
//! allow-list filters, pairs are formed, a generic rule gives way to a specific one on the same
//! secret, and lines carrying a `rampart:ignore` comment are dropped.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rampart_model::Severity;

use crate::catalogue::Catalogue;
use crate::error::CatalogueError;
use crate::redact::{fingerprint, redact};

/// A secret found in a text. The secret itself is not kept: only its first characters and a
/// fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The rule (or pair) id.
    pub rule: String,
    /// What was found.
    pub description: String,
    /// Severity.
    pub severity: Severity,
    /// The CHECKLIST control (`SEC-1`, or `APP-3` for code rules).
    pub control: String,
    /// 1-based line of the secret.
    pub line: u32,
    /// 1-based column (in bytes) of the secret.
    pub column: u32,
    /// Byte offset of the secret in the text.
    pub offset: usize,
    /// The first characters of the secret and an ellipsis.
    pub redacted: String,
    /// A fingerprint of the whole secret (SHA-256, 16 hex digits).
    pub fingerprint: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// For a pair: the redacted identifier it was paired with.
    pub paired_with: Option<String>,
    /// For code rules only: the matched code (never a secret).
    pub snippet: Option<String>,
}

/// A compiled scanner: the catalogue plus its keyword automaton.
#[derive(Debug)]
pub struct Scanner {
    catalogue: Catalogue,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules it selects.
    selects: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
struct Candidate {
    /// Rule index, or `rules.len() + pair index` for a pair.
    rule: usize,
    secret: Range<usize>,
    partner: Option<Range<usize>>,
    priority: u8,
}

impl Scanner {
    /// Builds the scanner for `catalogue`.
    ///
    /// # Errors
    /// The keyword automaton could not be built (too many keywords).
    pub fn new(catalogue: Catalogue) -> Result<Self, CatalogueError> {
        let mut words: Vec<String> = Vec::new();
        let mut selects: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in catalogue.rules.iter().enumerate() {
            for kw in &rule.spec.keywords {
                let kw = kw.to_ascii_lowercase();
                match words.iter().position(|w| *w == kw) {
                    Some(p) => selects[p].push(i),
                    None => {
                        words.push(kw);
                        selects.push(vec![i]);
                    }
                }
            }
        }
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| CatalogueError::Prefilter(e.to_string()))?;
        Ok(Scanner {
            catalogue,
            keywords,
            selects,
        })
    }

    /// The built-in catalogue, compiled.
    ///
    /// # Errors
    /// See [`Catalogue::builtin`].
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::new(Catalogue::builtin()?)
    }

    /// The catalogue.
    #[must_use]
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Which rules the keywords in `text` select.
    fn selected(&self, text: &[u8]) -> Vec<bool> {
        let mut on = vec![false; self.catalogue.rules.len()];
        let mut remaining = self.selects.len();
        let mut seen_kw = vec![false; self.selects.len()];
        for m in self.keywords.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if !seen_kw[p] {
                seen_kw[p] = true;
                for &r in &self.selects[p] {
                    on[r] = true;
                }
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
        }
        on
    }

    /// Scans one text; `extension` (without the dot) selects the extension-bound rules.
    #[must_use]
    pub fn scan(&self, text: &[u8], extension: Option<&str>) -> Vec<Match> {
        self.scan_with(text, extension, false)
    }

    /// Scans binary content: only the rules of distinctive token formats run (generic
    /// assignments and code rules would match noise in binary data).
    #[must_use]
    pub fn scan_binary(&self, data: &[u8], extension: Option<&str>) -> Vec<Match> {
        self.scan_with(data, extension, true)
    }

    fn scan_with(&self, text: &[u8], extension: Option<&str>, strong_only: bool) -> Vec<Match> {
        let on = self.selected(text);
        if !on.iter().any(|&b| b) {
            return Vec::new();
        }
        let rules = &self.catalogue.rules;
        let mut candidates: Vec<Candidate> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if !on[i] || (strong_only && (rule.spec.generic || rule.spec.code)) {
                continue;
            }
            if !rule.spec.extensions.is_empty()
                && !extension.is_some_and(|e| {
                    rule.spec
                        .extensions
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(e))
                })
            {
                continue;
            }
            for caps in rule.regex.captures_iter(text) {
                let Some(secret) = caps.get(1) else { continue };
                let value = secret.as_bytes();
                if value.is_empty() || !self.accepts(i, value) {
                    continue;
                }
                let priority = if rule.spec.generic { 1 } else { 2 };
                candidates.push(Candidate {
                    rule: i,
                    secret: secret.range(),
                    partner: None,
                    priority,
                });
            }
        }
        self.pair(&mut candidates);
        candidates.retain(|c| c.rule >= rules.len() || !rules[c.rule].spec.hidden);
        dedupe(&mut candidates);
        candidates.sort_by_key(|c| (c.secret.start, c.rule));
        self.finish(text, candidates)
    }

    /// How many accepted matches one rule has in `text`, on its own (keyword prefilter, regex and
    /// filters; no pairing, no de-duplication). For testing helper rules.
    #[must_use]
    pub fn rule_matches(&self, id: &str, text: &[u8]) -> usize {
        let Some(i) = self.catalogue.rules.iter().position(|r| r.spec.id == id) else {
            return 0;
        };
        if !self.selected(text)[i] {
            return 0;
        }
        self.catalogue.rules[i]
            .regex
            .captures_iter(text)
            .filter_map(|c| c.get(1))
            .filter(|m| !m.as_bytes().is_empty() && self.accepts(i, m.as_bytes()))
            .count()
    }

    fn accepts(&self, rule: usize, value: &[u8]) -> bool {
        let rule = &self.catalogue.rules[rule];
        if let Some(min) = rule.spec.entropy
            && entropy(value) < min
        {
            return false;
        }
        if rule.spec.mixed && !mixed(value) {
            return false;
        }
        if rule.allow.iter().any(|a| a.is_match(value)) {
            return false;
        }
        rule.spec.code
            || !self
                .catalogue
                .global_allow
                .iter()
                .any(|a| a.is_match(value))
    }

    /// Joins identifier and secret candidates that lie within a pair's window.
    fn pair(&self, candidates: &mut Vec<Candidate>) {
        let n = self.catalogue.rules.len();
        for (pi, pair) in self.catalogue.pairs.iter().enumerate() {
            let firsts: Vec<Range<usize>> = candidates
                .iter()
                .filter(|c| c.rule == pair.first)
                .map(|c| c.secret.clone())
                .collect();
            let mut seconds: Vec<Range<usize>> = candidates
                .iter()
                .filter(|c| c.rule == pair.second)
                .map(|c| c.secret.clone())
                .collect();
            seconds.sort_by_key(|r| r.start);
            seconds.dedup();
            let mut made = Vec::new();
            for first in firsts {
                let nearest = seconds
                    .iter()
                    .filter(|s| {
                        s.start.abs_diff(first.start) <= pair.spec.window && !overlaps(s, &first)
                    })
                    .min_by_key(|s| s.start.abs_diff(first.start));
                if let Some(second) = nearest {
                    made.push(Candidate {
                        rule: n + pi,
                        secret: second.clone(),
                        partner: Some(first.clone()),
                        priority: 3,
                    });
                }
            }
            if !made.is_empty() {
                let partners: Vec<Range<usize>> =
                    made.iter().filter_map(|c| c.partner.clone()).collect();
                // The identifiers now belong to a pair: report them only there.
                candidates.retain(|c| !(c.rule == pair.first && partners.contains(&c.secret)));
                candidates.extend(made);
            }
        }
    }

    fn finish(&self, text: &[u8], candidates: Vec<Candidate>) -> Vec<Match> {
        let rules = &self.catalogue.rules;
        let mut out = Vec::with_capacity(candidates.len());
        let mut lines = LineIndex::new(text);
        for c in candidates {
            let (line_start, line_end, line_no) = lines.locate(c.secret.start);
            let line = &text[line_start..line_end];
            if contains(line, b"rampart:ignore")
                || lines.previous_line_has(line_start, b"rampart:ignore-next-line")
            {
                continue;
            }
            let value = &text[c.secret.clone()];
            let (rule, description, severity, control, code) = if c.rule < rules.len() {
                let r = &rules[c.rule];
                (
                    &r.spec.id,
                    &r.spec.description,
                    r.severity,
                    r.control.clone(),
                    r.spec.code,
                )
            } else {
                let p = &self.catalogue.pairs[c.rule - rules.len()];
                (
                    &p.spec.id,
                    &p.spec.description,
                    p.spec.severity,
                    "SEC-1".to_owned(),
                    false,
                )
            };
            let snippet = code.then(|| {
                let s = String::from_utf8_lossy(line).trim().to_owned();
                s.chars().take(200).collect()
            });
            out.push(Match {
                rule: rule.clone(),
                description: description.clone(),
                severity,
                control,
                line: u32::try_from(line_no).unwrap_or(u32::MAX),
                column: u32::try_from(c.secret.start - line_start + 1).unwrap_or(u32::MAX),
                offset: c.secret.start,
                redacted: redact(value),
                fingerprint: fingerprint(value),
                entropy: (entropy(value) * 100.0).round() / 100.0,
                paired_with: c.partner.map(|p| redact(&text[p])),
                snippet,
            });
        }
        out
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Drops a candidate when another of higher priority overlaps its secret, and exact duplicates.
fn dedupe(candidates: &mut Vec<Candidate>) {
    let snapshot = candidates.clone();
    let mut keep = Vec::with_capacity(candidates.len());
    for (i, c) in snapshot.iter().enumerate() {
        let beaten = snapshot.iter().enumerate().any(|(j, o)| {
            j != i
                && overlaps(&o.secret, &c.secret)
                && (o.priority > c.priority
                    || (o.priority == c.priority && o.secret == c.secret && j < i))
        });
        if !beaten {
            keep.push(c.clone());
        }
    }
    *candidates = keep;
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// Shannon entropy of `data` in bits per byte.
#[must_use]
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[usize::from(b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// At least one digit and one letter: generated secrets and most passwords have both, while the
/// identifiers, paths and prose that follow `token =` or `password:` in code rarely do.
fn mixed(data: &[u8]) -> bool {
    data.iter().any(u8::is_ascii_digit) && data.iter().any(u8::is_ascii_alphabetic)
}

/// Line lookups for ascending offsets.
struct LineIndex<'a> {
    text: &'a [u8],
    line_start: usize,
    line_no: usize,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineIndex {
            text,
            line_start: 0,
            line_no: 1,
        }
    }

    /// The line containing `offset`: (start, end, 1-based number). Offsets must not decrease.
    fn locate(&mut self, offset: usize) -> (usize, usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.line_start {
            self.line_start = 0;
            self.line_no = 1;
        }
        self.line_no += memchr::memchr_iter(b'\n', &self.text[self.line_start..offset]).count();
        self.line_start = memchr::memrchr(b'\n', &self.text[..offset]).map_or(0, |p| p + 1);
        let end =
            memchr::memchr(b'\n', &self.text[offset..]).map_or(self.text.len(), |p| offset + p);
        (self.line_start, end, self.line_no)
    }

    fn previous_line_has(&self, line_start: usize, needle: &[u8]) -> bool {
        if line_start == 0 {
            return false;
        }
        let prev_end = line_start - 1;
        let prev_start = memchr::memrchr(b'\n', &self.text[..prev_end]).map_or(0, |p| p + 1);
        contains(&self.text[prev_start..prev_end], needle)
    }
}
