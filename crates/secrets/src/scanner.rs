//! Matching one text against the catalogue.
//!
//! One pass of an Aho-Corasick automaton over the text finds where keywords occur; only the rules
//! those keywords select run their regex, and only in windows around the occurrences (a rule's
//! `reach`, widened to whole lines), so the cost grows with what a text mentions, not with the size
//! of the catalogue or of the text. Candidates then go through the entropy, character-class and
//! allow-list filters, pairs are formed, a generic rule gives way to a specific one on the same
//! secret, and lines carrying a `rampart:ignore` comment are dropped.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rampart_model::Severity;

use crate::catalogue::Catalogue;
use crate::decode::{self, View};
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
    /// Where inside the text the secret was, when a plain reading does not show it: decoded
    /// content (`base64-decoded value`, `unescaped string`) and, in a notebook, the cell and its
    /// line (`cell 3, line 2`).
    pub context: Option<String>,
    /// What the rule matched before the secret on its line, which is what made the value a
    /// finding for a context rule: the name it was assigned to (`DB_PASSWORD =`), the command and
    /// flag that passed it (`curl -fsSL -u deploy:`), a URL's scheme and user. Never the secret;
    /// at most [`LEAD_LIMIT`] characters, nearest the secret. `None` when the rule matched the
    /// secret alone.
    pub lead: Option<String>,
}

/// The longest [`Match::lead`] kept, in characters.
pub const LEAD_LIMIT: usize = 48;

/// A compiled scanner: the catalogue plus its keyword automaton.
#[derive(Debug)]
pub struct Scanner {
    catalogue: Catalogue,
    keywords: AhoCorasick,
    /// The same keywords (all lower case), matched exactly: searched in a lower-cased copy of a
    /// text, which finds what the case-insensitive automaton finds at the same offsets (both fold
    /// ASCII letters only), but lets the search skip ahead with a vectorised prefilter, which a
    /// case-insensitive automaton cannot use. Only for a catalogue of [`FOLDED_KEYWORDS`]
    /// keywords or fewer (`None` otherwise): with many more, no prefilter applies, and the copy
    /// would only add to the search.
    folded: Option<AhoCorasick>,
    /// For each keyword pattern, the rules it selects.
    selects: Vec<Vec<usize>>,
    /// For each keyword, the other keywords it contains (found at the same place).
    implied: Vec<Vec<usize>>,
    /// For each rule, the keywords that select it.
    rule_keywords: Vec<Vec<usize>>,
    /// Run every selected rule over the whole text (for testing the windows).
    whole_texts: bool,
    /// A deliberately broken copy for the tests: windows end right after each keyword instead
    /// of reaching past it to the end of the line (see [`Scanner::with_windows_cut_at_keywords`]).
    cut_windows: bool,
    /// The longest reach of any rule: how far from an escaped region a keyword may set off a rule
    /// that matches in it.
    max_reach: usize,
    /// The bytes that escapes decode to (`"`, `/`, newline…) and that some keyword holds.
    escape_bytes: Vec<u8>,
    /// How many rule searches ran in windows rather than over the whole text (for testing that
    /// the windowed path is taken).
    windowed: AtomicUsize,
}

/// Where keywords occur in one text.
struct Hits {
    /// For each keyword, its start offsets, ascending.
    at: Vec<Vec<usize>>,
}

/// The most keywords searched in a lower-cased copy of the text (see `Scanner::folded`): the
/// vectorised prefilter of the exact search handles up to 64 strings.
const FOLDED_KEYWORDS: usize = 64;

/// A line longer than this is cut at a token boundary instead of being taken whole.
const LINE_LIMIT: usize = 4096;

#[derive(Debug, Clone)]
struct Candidate {
    /// Rule index, or `rules.len() + pair index` for a pair.
    rule: usize,
    /// Where the rule's match starts (at or before the secret).
    from: usize,
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
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .map_err(|e| CatalogueError::Prefilter(e.to_string()))?;
        let folded = if words.len() <= FOLDED_KEYWORDS {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&words)
                    .map_err(|e| CatalogueError::Prefilter(e.to_string()))?,
            )
        } else {
            None
        };
        let implied = words
            .iter()
            .map(|w| {
                words
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| *o != w && w.contains(o.as_str()))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let mut rule_keywords = vec![Vec::new(); catalogue.rules.len()];
        for (k, rules) in selects.iter().enumerate() {
            for &r in rules {
                rule_keywords[r].push(k);
            }
        }
        let max_reach = catalogue
            .rules
            .iter()
            .map(|r| r.spec.reach.unwrap_or(crate::catalogue::DEFAULT_REACH))
            .max()
            .unwrap_or(crate::catalogue::DEFAULT_REACH);
        let escape_bytes = decode::ESCAPED_BYTES
            .iter()
            .map(|&e| decode::escaped_byte(e))
            .filter(|b| words.iter().any(|w| w.as_bytes().contains(b)))
            .collect();
        Ok(Scanner {
            max_reach,
            escape_bytes,
            catalogue,
            keywords,
            folded,
            selects,
            implied,
            rule_keywords,
            whole_texts: false,
            cut_windows: false,
            windowed: AtomicUsize::new(0),
        })
    }

    /// The same scanner, running each selected rule's regex over the whole text and keeping the
    /// matches that start in the rule's windows: the plain statement of what the windowed search
    /// must find, and the reference it is tested against.
    #[must_use]
    pub fn without_windows(mut self) -> Self {
        self.whole_texts = true;
        self
    }

    /// A deliberately broken copy of this scanner, for showing that the tests holding windows to
    /// whole texts can fail: its windows stop four bytes after each keyword, so a secret that
    /// runs past that is lost on the windowed path. Never used outside tests.
    #[doc(hidden)]
    #[must_use]
    pub fn with_windows_cut_at_keywords(mut self) -> Self {
        self.cut_windows = true;
        self
    }

    /// How many rule searches so far ran in keyword windows instead of over the whole text.
    #[must_use]
    pub fn windowed_searches(&self) -> usize {
        self.windowed.load(Ordering::Relaxed)
    }

    /// The built-in catalogue, compiled.
    ///
    /// # Errors
    /// See [`Catalogue::builtin`].
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::new(Catalogue::builtin()?)
    }

    /// The built-in catalogue, compiled once per process and shared by every user in it (the
    /// checks that look for secrets in settings and the report's redaction: one compiled
    /// catalogue takes tens of megabytes). `None` if it failed to build, which its tests rule
    /// out.
    #[must_use]
    pub fn builtin_shared() -> Option<&'static Self> {
        static SHARED: std::sync::OnceLock<Option<Scanner>> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| Self::builtin().ok()).as_ref()
    }

    /// The catalogue.
    #[must_use]
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Where the keywords occur in `text`. Every occurrence is found, overlapping ones included:
    /// the search resumes one byte after each match's start, and a keyword found inside a longer
    /// one is recorded too.
    fn hits(&self, text: &[u8]) -> Hits {
        let Some(folded) = &self.folded else {
            return self.hits_in(text, &self.keywords);
        };
        thread_local! {
            static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        FOLDED.with(|buf| match buf.try_borrow_mut() {
            Ok(mut buf) => {
                buf.clear();
                buf.extend(text.iter().map(u8::to_ascii_lowercase));
                self.hits_in(&buf, folded)
            }
            Err(_) => self.hits_in(text, &self.keywords),
        })
    }

    /// [`Scanner::hits`] with `automaton` over `text` (the case-insensitive keywords over the
    /// text, or the exact lower-case keywords over its lower-cased copy).
    fn hits_in(&self, text: &[u8], automaton: &AhoCorasick) -> Hits {
        let mut at: Vec<Vec<usize>> = vec![Vec::new(); self.selects.len()];
        let mut from = 0;
        while from < text.len() {
            let Some(m) = automaton.find(aho_corasick::Input::new(text).range(from..)) else {
                break;
            };
            let k = m.pattern().as_usize();
            at[k].push(m.start());
            for &o in &self.implied[k] {
                if at[o].last() != Some(&m.start()) {
                    at[o].push(m.start());
                }
            }
            from = m.start() + 1;
        }
        for list in &mut at {
            list.sort_unstable();
            list.dedup();
        }
        Hits { at }
    }

    /// The byte ranges of `text` where rule `r` may match: its reach around each occurrence of
    /// its keywords, widened to whole lines (or, in a line longer than [`LINE_LIMIT`], to a token
    /// boundary), merged.
    fn windows(&self, r: usize, text: &[u8], hits: &Hits) -> Vec<Range<usize>> {
        let reach = self.catalogue.rules[r]
            .spec
            .reach
            .unwrap_or(crate::catalogue::DEFAULT_REACH);
        let mut starts: Vec<usize> = self.rule_keywords[r]
            .iter()
            .flat_map(|&k| hits.at[k].iter().copied())
            .collect();
        starts.sort_unstable();
        let mut out: Vec<Range<usize>> = Vec::new();
        for s in starts {
            let lo = widen_back(text, s.saturating_sub(reach));
            let hi = if self.cut_windows {
                (s + 4).min(text.len())
            } else {
                widen_forward(text, (s + reach).min(text.len()))
            };
            match out.last_mut() {
                Some(last) if lo <= last.end => last.end = last.end.max(hi),
                _ => out.push(lo..hi),
            }
        }
        out
    }

    /// The accepted secrets (capture group 1) of rule `i` in `text`. A match counts only where it
    /// starts inside one of the rule's windows; the search runs in the windows themselves, or
    /// over the whole text when they cover most of it (and always in the reference mode the
    /// windows are tested against).
    fn secrets_of(&self, i: usize, text: &[u8], hits: &Hits) -> Vec<(usize, Range<usize>)> {
        let rule = &self.catalogue.rules[i];
        let windows = self.windows(i, text, hits);
        let covered: usize = windows.iter().map(ExactSizeIterator::len).sum();
        let whole_text = self.whole_texts || covered * 2 >= text.len();
        let spans = if whole_text {
            std::iter::once(0..text.len()).collect()
        } else {
            self.windowed.fetch_add(1, Ordering::Relaxed);
            windows.clone()
        };
        let mut out = Vec::new();
        for w in spans {
            // The haystack ends with the window, but the search starts inside the whole text
            // before it, so that look-behind (`\b`, `^`) sees what precedes the window.
            let hay = &text[..w.end];
            let mut from = w.start;
            while from <= hay.len() {
                let Some(caps) = rule.regex.captures_at(hay, from) else {
                    break;
                };
                let Some(whole) = caps.get(0) else { break };
                from = if whole.end() > whole.start() {
                    whole.end()
                } else {
                    whole.end() + 1
                };
                if whole_text && !windows.iter().any(|w| w.contains(&whole.start())) {
                    continue;
                }
                // The secret is the first capture group that took part in the match (a rule may
                // offer alternatives: a braced or a plain value).
                let Some(secret) = caps.iter().skip(1).flatten().next() else {
                    continue;
                };
                if !secret.as_bytes().is_empty()
                    && self.accepts(i, secret.as_bytes())
                    && (rule.spec.code || !names_a_file(text, secret.range()))
                {
                    out.push((whole.start(), secret.range()));
                }
            }
        }
        out
    }

    /// Scans one text; `extension` (without the dot) selects the extension-bound rules. Escaped
    /// strings and printable base64 values are decoded and scanned again (see [`decode`]); what
    /// they hold is reported at the place of the original.
    #[must_use]
    pub fn scan(&self, text: &[u8], extension: Option<&str>) -> Vec<Match> {
        let notebook = extension.is_some_and(|e| e.eq_ignore_ascii_case("ipynb"));
        let mut found = self.scan_deep(text, extension, notebook, 0);
        if notebook {
            for m in &mut found {
                if let Some((cell, line)) = decode::notebook_place(text, m.offset) {
                    let place = format!("cell {cell}, line {line}");
                    m.context = Some(match m.context.take() {
                        Some(c) if c != "unescaped string" => format!("{place}, {c}"),
                        _ => place,
                    });
                }
            }
        }
        found
    }

    /// A plain scan of `text`, then of its decoded views (to a depth of two: base64 inside an
    /// escaped string), their matches moved to the place of what was decoded.
    fn scan_deep(
        &self,
        text: &[u8],
        extension: Option<&str>,
        notebook: bool,
        depth: usize,
    ) -> Vec<Match> {
        let hits = self.hits(text);
        let mut found = self.finish(
            text,
            self.candidates_in(text, &hits, extension, false, false),
        );
        if depth >= 2 {
            return found;
        }
        let worth = |region: Range<usize>| self.worth_unescaping(text, &hits, region);
        let anchors = decode::Anchors::of(text);
        let views = [
            decode::unescaped_given(text, anchors, notebook && depth == 0, &worth),
            decode::base64_decoded_given(text, anchors),
        ];
        let mut extra = Vec::new();
        for view in views.into_iter().flatten() {
            for m in self.scan_deep(&view.text, extension, false, depth + 1) {
                if let Some(m) = relocate(text, &view, m)
                    && !found
                        .iter()
                        .chain(&extra)
                        .any(|o: &Match| o.fingerprint == m.fingerprint && o.line == m.line)
                {
                    extra.push(m);
                }
            }
        }
        if !extra.is_empty() {
            // What a generic rule made of the encoded form (a base64 value assigned to
            // `password:`) gives way to what the decoded form is.
            found.retain(|m| {
                !(self.is_generic(&m.rule) && extra.iter().any(|e| e.offset == m.offset))
            });
            found.extend(extra);
            found.sort_by_key(|m| m.offset);
        }
        found
    }

    /// Scans binary content: only the rules of distinctive token formats run (generic
    /// assignments and code rules would match noise in binary data).
    #[must_use]
    pub fn scan_binary(&self, data: &[u8], extension: Option<&str>) -> Vec<Match> {
        self.scan_with(data, extension, true)
    }

    fn scan_with(&self, text: &[u8], extension: Option<&str>, strong_only: bool) -> Vec<Match> {
        let candidates = self.candidates(text, extension, strong_only, false);
        self.finish(text, candidates)
    }

    /// The byte ranges of every secret in `text`, paired identifiers included, sorted and merged:
    /// for redacting text that is shown to people (report fields) rather than reported as a
    /// finding. Code rules (which find code, not secrets) and extension-bound rules do not run,
    /// and a `rampart:ignore` comment does not apply (a hostile name must not unmask itself).
    #[must_use]
    pub fn secret_ranges(&self, text: &[u8]) -> Vec<Range<usize>> {
        let mut found: Vec<Range<usize>> = Vec::new();
        for c in self.candidates(text, None, false, true) {
            found.push(c.secret);
            found.extend(c.partner);
        }
        // Every occurrence of a secret found once: pairing keeps one identifier per secret, and
        // the same key may be repeated elsewhere in the text.
        let mut values: Vec<&[u8]> = found.iter().map(|r| &text[r.clone()]).collect();
        values.sort_unstable();
        values.dedup();
        let mut ranges = found.clone();
        for v in values.into_iter().filter(|v| !v.is_empty()) {
            ranges.extend(memchr::memmem::find_iter(text, v).map(|at| at..at + v.len()));
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    fn candidates(
        &self,
        text: &[u8],
        extension: Option<&str>,
        strong_only: bool,
        skip_code: bool,
    ) -> Vec<Candidate> {
        // Most texts given here (a report's names, messages and evidence, one string at a time)
        // hold no keyword at all: say so before building the per-keyword table.
        if self.keywords.find(text).is_none() {
            return Vec::new();
        }
        self.candidates_in(text, &self.hits(text), extension, strong_only, skip_code)
    }

    /// Whether an escaped region of `text` is worth decoding and scanning again: a rule can only
    /// match in the decoded view near one of its keywords, so the region must have a keyword
    /// within the catalogue's longest reach of it (keywords do not hold the quotes, backslashes and
    /// blanks that the escapes of a region decode to; a `\u00XX` escape, which may decode to a
    /// letter of a keyword, or an escape decoding to a byte some keyword holds, makes the region
    /// worth it regardless).
    fn worth_unescaping(&self, text: &[u8], hits: &Hits, region: Range<usize>) -> bool {
        let lo = region.start.saturating_sub(self.max_reach);
        let hi = region.end.saturating_add(self.max_reach);
        let near = hits.at.iter().any(|list| {
            let i = list.partition_point(|&at| at < lo);
            list.get(i).is_some_and(|&at| at < hi)
        });
        near || memchr::memchr_iter(b'\\', &text[region.clone()]).any(|p| {
            let next = text.get(region.start + p + 1).copied();
            next == Some(b'u')
                || next.is_some_and(|n| self.escape_bytes.contains(&decode::escaped_byte(n)))
        })
    }

    fn candidates_in(
        &self,
        text: &[u8],
        hits: &Hits,
        extension: Option<&str>,
        strong_only: bool,
        skip_code: bool,
    ) -> Vec<Candidate> {
        if hits.at.iter().all(Vec::is_empty) {
            return Vec::new();
        }
        let rules = &self.catalogue.rules;
        let mut candidates: Vec<Candidate> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let on = self.rule_keywords[i]
                .iter()
                .any(|&k| !hits.at[k].is_empty());
            if !on
                || (strong_only && (rule.spec.generic || rule.spec.code))
                || (skip_code && rule.spec.code)
            {
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
            let priority = if rule.spec.generic { 1 } else { 2 };
            candidates.extend(
                self.secrets_of(i, text, hits)
                    .into_iter()
                    .map(|(from, secret)| Candidate {
                        rule: i,
                        from,
                        secret,
                        partner: None,
                        priority,
                    }),
            );
        }
        self.pair(&mut candidates);
        candidates.retain(|c| c.rule >= rules.len() || !rules[c.rule].spec.hidden);
        dedupe(&mut candidates);
        candidates.sort_by_key(|c| (c.secret.start, c.rule));
        candidates
    }

    /// How many accepted matches one rule has in `text`, on its own (keyword windows, regex and
    /// filters, as a scan finds them; no pairing, no de-duplication). For testing helper rules.
    #[must_use]
    pub fn rule_matches(&self, id: &str, text: &[u8]) -> usize {
        let Some(i) = self.catalogue.rules.iter().position(|r| r.spec.id == id) else {
            return 0;
        };
        self.secrets_of(i, text, &self.hits(text)).len()
    }

    fn is_generic(&self, id: &str) -> bool {
        self.catalogue.rule(id).is_some_and(|r| r.spec.generic)
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
        rule.spec.code || !self.catalogue.placeholders.is_placeholder(value)
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
            let mut seconds: Vec<(usize, Range<usize>)> = candidates
                .iter()
                .filter(|c| c.rule == pair.second)
                .map(|c| (c.from, c.secret.clone()))
                .collect();
            seconds.sort_by_key(|(_, r)| r.start);
            seconds.dedup();
            let mut made = Vec::new();
            for first in firsts {
                let nearest = seconds
                    .iter()
                    .filter(|(_, s)| {
                        s.start.abs_diff(first.start) <= pair.spec.window && !overlaps(s, &first)
                    })
                    .min_by_key(|(_, s)| s.start.abs_diff(first.start));
                if let Some((from, second)) = nearest {
                    made.push(Candidate {
                        rule: n + pi,
                        from: *from,
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
                lead: if code {
                    None
                } else {
                    lead(text, line_start, c.from, c.secret.start)
                },
                paired_with: c.partner.map(|p| redact(&text[p])),
                snippet,
                context: None,
            });
        }
        out
    }
}

/// A match found in a decoded view, placed in the original text: at the original offset of its
/// first byte, with that offset's line and column. `None` for a match that starts outside decoded
/// content (the scan of the original found it already).
fn relocate(text: &[u8], view: &View, mut m: Match) -> Option<Match> {
    if !view.is_decoded(m.offset) {
        return None;
    }
    let offset = view.original(m.offset)?.min(text.len());
    let line_start = memchr::memrchr(b'\n', &text[..offset]).map_or(0, |p| p + 1);
    let line = 1 + memchr::memchr_iter(b'\n', &text[..offset]).count();
    m.offset = offset;
    m.line = u32::try_from(line).unwrap_or(u32::MAX);
    m.column = u32::try_from(offset - line_start + 1).unwrap_or(u32::MAX);
    m.snippet = None;
    m.context = Some(match m.context.take() {
        Some(inner) => format!("{}, {inner}", view.kind),
        None => view.kind.to_owned(),
    });
    Some(m)
}

/// What a rule matched before the secret, on the secret's line: from the start of the name the
/// match began in (a rule keyed on `password` starts inside `DB_PASSWORD`) to the secret, without
/// the blanks around it and the quote that opens the secret; its last [`LEAD_LIMIT`] characters.
fn lead(text: &[u8], line_start: usize, from: usize, secret: usize) -> Option<String> {
    let mut start = from.max(line_start).min(secret);
    while start > line_start
        && (text[start - 1].is_ascii_alphanumeric()
            || matches!(text[start - 1], b'_' | b'.' | b'-'))
    {
        start -= 1;
    }
    let raw = String::from_utf8_lossy(&text[start..secret]);
    let s = raw.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ';' | ','));
    let s = s.trim_end();
    let s = s.strip_suffix(['"', '\'', '`']).unwrap_or(s).trim_end();
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let n = s.chars().count();
    if n == 0 {
        return None;
    }
    Some(if n > LEAD_LIMIT {
        let tail: String = s.chars().skip(n - (LEAD_LIMIT - 1)).collect();
        format!("…{tail}")
    } else {
        s
    })
}

/// Whether the secret is part of a file name: the token it belongs to (letters, digits, `-`, `_`
/// after it) ends with a dot and a common file extension (`static/xoxo-party-2019.png`).
fn names_a_file(text: &[u8], secret: Range<usize>) -> bool {
    const EXTENSIONS: &[&[u8]] = &[
        b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"ico", b"bmp", b"tif", b"tiff", b"avif",
        b"heic", b"mp3", b"mp4", b"mov", b"webm", b"wav", b"ogg", b"pdf", b"css", b"scss", b"js",
        b"mjs", b"ts", b"html", b"htm", b"woff", b"woff2", b"ttf", b"otf", b"eot", b"zip", b"map",
    ];
    let mut end = secret.end;
    while end < text.len()
        && (text[end].is_ascii_alphanumeric() || matches!(text[end], b'-' | b'_'))
    {
        end += 1;
    }
    if text.get(end) != Some(&b'.') {
        return false;
    }
    let ext_start = end + 1;
    let mut ext_end = ext_start;
    while ext_end < text.len() && text[ext_end].is_ascii_alphanumeric() {
        ext_end += 1;
    }
    let ext = text[ext_start..ext_end].to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_slice())
}

/// Moves a window's start back to the start of its line, or, in a very long line, to just after
/// the nearest byte that cannot be inside a token (space, quote, comma…).
fn widen_back(text: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(LINE_LIMIT);
    if let Some(p) = memchr::memrchr(b'\n', &text[floor..at]) {
        return floor + p + 1;
    }
    if floor == 0 {
        return 0;
    }
    text[floor..at]
        .iter()
        .rposition(|b| is_separator(*b))
        .map_or(floor, |p| floor + p + 1)
}

/// Moves a window's end forward past the end of its line (its newline included), or, in a very
/// long line, to the nearest byte that cannot be inside a token.
fn widen_forward(text: &[u8], at: usize) -> usize {
    let ceil = (at + LINE_LIMIT).min(text.len());
    if let Some(p) = memchr::memchr(b'\n', &text[at..ceil]) {
        return at + p + 1;
    }
    if ceil == text.len() {
        return ceil;
    }
    text[at..ceil]
        .iter()
        .position(|b| is_separator(*b))
        .map_or(ceil, |p| at + p + 1)
}

fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'"' | b'\'' | b',' | b';' | b'<' | b'>' | b'`'
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keywords_found_in_the_lower_cased_copy_are_those_found_ignoring_case() {
        let texts: [&[u8]; 4] = [
            b"AKIA ghp_x GHP_Y Ghp_ sk_LIVE_ hooks.SLACK.com/ aSiA",
            b"no keyword at all",
            b"xoxb-xoxb-XOXB-shpat_shpss_SHPCA_ sk-proj-sk-admin-",
            b"\xff\x00AIZA\xe9pypi-AgEIcHlwaS5vcmc age-secret-key-1",
        ];
        let mut small = Catalogue::builtin().expect("catalogue");
        let ids: Vec<String> = small
            .rules
            .iter()
            .take(12)
            .map(|r| r.spec.id.clone())
            .collect();
        small.retain(&ids).expect("retain");
        // A few rules: the copy is searched; the whole catalogue: the text itself.
        for (catalogue, copy) in [
            (small, true),
            (Catalogue::builtin().expect("catalogue"), false),
        ] {
            let s = Scanner::new(catalogue).expect("scanner");
            assert_eq!(s.folded.is_some(), copy);
            for text in texts {
                let plain = s.hits_in(text, &s.keywords).at;
                assert_eq!(s.hits(text).at, plain);
                if let Some(folded) = &s.folded {
                    assert_eq!(s.hits_in(&text.to_ascii_lowercase(), folded).at, plain);
                }
            }
        }
    }

    #[test]
    fn escaped_regions_are_decoded_only_near_a_keyword() {
        let mut catalogue = Catalogue::builtin().expect("catalogue");
        catalogue
            .retain(&["github-personal-access-token".to_owned()])
            .expect("rule");
        let s = Scanner::new(catalogue).expect("scanner");
        let worth = |text: &[u8]| s.worth_unescaping(text, &s.hits(text), 0..text.len());
        // Escaped quotes with no keyword of the rules in reach: not worth a second scan.
        assert!(!worth(br#"{"doc": "Say \"hi\" to the \"service\"."}"#));
        // A keyword in the region (or within reach of it) is.
        assert!(worth(br#"{"cfg": "{\"token\":\"ghp_x\"}"}"#));
        // An escape that may decode to a letter of a keyword is, whatever the keywords.
        assert!(worth(br#"{"cfg": "{\"token\":\"\u0067hp_x\"}"}"#));
        let far = format!(
            "ghp_{}\n{{\"doc\": \"\\\"hi\\\"\"}}",
            " ".repeat(s.max_reach + 8)
        );
        assert!(!s.worth_unescaping(
            far.as_bytes(),
            &s.hits(far.as_bytes()),
            far.len() - 16..far.len()
        ));
    }
}
