//! Content that hides a secret from a plain search, decoded into a *view* that is scanned again:
//!
//! - **escaped strings**: a JSON document holding code or JSON as a string (a Jupyter notebook's
//!   cells, `"{\"awsSecretKey\":\"…\"}"`) escapes its quotes and newlines, so `password = \"…\"`
//!   no longer reads as an assignment. The view undoes the escapes of JSON strings (`\"`, `\\`,
//!   `\/`, `\n`, `\t`, `\r`, `\uXXXX` below 0x80); everything else is copied as is.
//! - **base64 values**: a Kubernetes `kind: Secret` keeps its `data:` values in base64, and a PEM
//!   key is often passed base64-encoded (`LS0tLS1CRUdJTi…` is `-----BEGIN`). The view replaces each
//!   base64 token whose decoding is printable text by that text, in place on its line, so the name
//!   the value was assigned to still gives the generic rules their context; a one-line value that
//!   was not quoted is quoted, as a key's value reads in YAML.
//!
//! A view maps each of its bytes back to the original text, so a finding keeps the location of
//! what was written: the escaped string's own position, or the start of the base64 token.

use std::ops::Range;

/// A decoded view of a text.
#[derive(Debug)]
pub struct View {
    /// The decoded text.
    pub text: Vec<u8>,
    /// What was decoded (`unescaped string`, `base64-decoded value`).
    pub kind: &'static str,
    map: Map,
}

#[derive(Debug)]
enum Map {
    /// Stretches where the view and the original advance together: (view offset, original
    /// offset) of each stretch's first byte, ascending; a byte an escape decoded to is a stretch
    /// of its own, mapped to the escape's backslash. The last entry maps the view's end.
    Stretches(Vec<(usize, usize)>),
    /// Decoded tokens: (range in the view, range of the token in the original), ascending.
    /// Only offsets inside a decoded token are mapped; the rest was scanned already.
    Tokens(Vec<(Range<usize>, Range<usize>)>),
}

impl View {
    /// The original offset of view offset `at`, when it lies in decoded content (for a base64
    /// view, the start of the token).
    #[must_use]
    pub fn original(&self, at: usize) -> Option<usize> {
        match &self.map {
            Map::Stretches(m) => {
                let i = m.partition_point(|(v, _)| *v <= at).checked_sub(1)?;
                let (v, o) = m[i];
                Some(o + (at - v))
            }
            Map::Tokens(t) => {
                let i = t.partition_point(|(v, _)| v.end <= at);
                t.get(i)
                    .filter(|(v, _)| v.contains(&at))
                    .map(|(_, o)| o.start)
            }
        }
    }

    /// Whether view offset `at` lies in content that differs from the original (a match that
    /// starts elsewhere was found by the scan of the original already).
    #[must_use]
    pub fn is_decoded(&self, at: usize) -> bool {
        match &self.map {
            Map::Stretches(_) => true,
            Map::Tokens(_) => self.original(at).is_some(),
        }
    }
}

/// The lines of the text that hold escaped quotes (a notebook: the whole text, whose cells are
/// escaped strings), with their JSON string escapes undone; `None` when there are none, or when
/// `worth` declines every region. Only the regions `worth` accepts (given the byte range of a
/// line, or of the whole notebook) are decoded: a region where no rule can be set off (no keyword
/// near it) would only cost its scan. Each line chosen is followed by a newline in the view; the
/// other lines are left out (the scan of the original covers them).
#[must_use]
pub fn unescaped(
    text: &[u8],
    notebook: bool,
    worth: &dyn Fn(Range<usize>) -> bool,
) -> Option<View> {
    unescaped_given(text, Anchors::of(text), notebook, worth)
}

/// [`unescaped`], with the [`Anchors`] of the text known.
#[must_use]
pub fn unescaped_given(
    text: &[u8],
    anchors: Anchors,
    notebook: bool,
    worth: &dyn Fn(Range<usize>) -> bool,
) -> Option<View> {
    if !notebook && !anchors.has(Anchors::ESCAPED_QUOTE) {
        return None;
    }
    let finder = memchr::memmem::Finder::new(b"\\\"");
    let mut out = Vec::new();
    let mut map = Vec::new();
    if notebook {
        // Nothing escaped, nothing to undo.
        memchr::memmem::find(text, b"\\")?;
        if !worth(0..text.len()) {
            return None;
        }
        out.reserve(text.len());
        unescape_into(text, 0, text.len(), &mut out, &mut map);
    } else {
        let mut at = finder.find(text)?;
        loop {
            let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |p| p + 1);
            let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
            if worth(start..end) {
                unescape_into(text, start, end, &mut out, &mut map);
                map.push((out.len(), end));
                out.push(b'\n');
            }
            if end >= text.len() {
                break;
            }
            match finder.find(&text[end..]) {
                Some(p) => at = end + p,
                None => break,
            }
        }
        if out.is_empty() {
            return None;
        }
    }
    map.push((out.len(), text.len()));
    Some(View {
        text: out,
        kind: "unescaped string",
        map: Map::Stretches(map),
    })
}

/// The bytes that follow a backslash in the escapes undone (`\\u00XX` aside).
pub const ESCAPED_BYTES: &[u8] = b"\"\\/'ntr";

/// What the escape `\\e` decodes to, for `e` in [`ESCAPED_BYTES`] (any other byte: itself).
#[must_use]
pub fn escaped_byte(e: u8) -> u8 {
    match e {
        b'n' => b'\n',
        b't' => b'\t',
        b'r' => b'\r',
        other => other,
    }
}

/// Appends `text[start..end]` with its escapes undone to `out`, and the stretches of the mapping
/// back to the original to `map` (see [`Map::Stretches`]).
fn unescape_into(
    text: &[u8],
    start: usize,
    end: usize,
    out: &mut Vec<u8>,
    map: &mut Vec<(usize, usize)>,
) {
    let text = &text[..end];
    let mut i = start;
    // Whether the byte at `i` continues the current stretch.
    let mut in_stretch = false;
    while i < text.len() {
        let b = text[i];
        if b == b'\\' && i + 1 < text.len() {
            let decoded = match text[i + 1] {
                e if ESCAPED_BYTES.contains(&e) => Some((escaped_byte(e), 2)),
                b'u' => text
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| {
                        u8::from_str_radix(h, 16)
                            .ok()
                            .filter(|_| h.starts_with("00"))
                    })
                    .filter(u8::is_ascii)
                    .map(|c| (c, 6)),
                _ => None,
            };
            if let Some((c, len)) = decoded {
                map.push((out.len(), i));
                out.push(c);
                i += len;
                in_stretch = false;
                continue;
            }
        }
        // Copy the run up to the next backslash in one go.
        let run = memchr::memchr(b'\\', &text[i + 1..]).map_or(text.len(), |p| i + 1 + p);
        if !in_stretch {
            map.push((out.len(), i));
            in_stretch = true;
        }
        out.extend_from_slice(&text[i..run]);
        i = run;
    }
}

/// The shortest base64 token decoded: 12 characters, 8 or 9 bytes (a short password).
const MIN_TOKEN: usize = 12;
/// Longer tokens are not decoded (a data blob, not a credential).
const MAX_TOKEN: usize = 64 << 10;

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Signs that a text keeps values in base64: a Kubernetes `Secret` (its `data:` values), a value
/// piped to `base64 -d`, a call to a base64 decoder.
const BASE64_SIGNS: &[&[u8]] = &[
    b"kind: Secret",
    b"kind: \"Secret\"",
    b"\"kind\": \"Secret\"",
    b"\"kind\":\"Secret\"",
    b"base64 -d",
    b"base64 --decode",
    b"b64decode(",
    b"base64.decode",
    b"Base64.decode",
    b"atob(",
];

/// `-----` in base64, as a base64-encoded PEM block starts (`LS0tLS1CRUdJTi…`).
const PEM_IN_BASE64: &[u8] = b"LS0tLS1";

/// The fixed strings that decide whether a text has anything to decode: the rarest part of each
/// sign of base64 values (`Secret`, `ase64`, `b64decode(`, `atob(`), `-----` in base64, and an
/// escaped quote. In that order: bit `i` of [`Anchors`] says whether `ANCHORS[i]` occurs.
const ANCHORS: [&[u8]; 6] = [
    b"Secret",
    b"ase64",
    b"b64decode(",
    b"atob(",
    PEM_IN_BASE64,
    b"\\\"",
];

/// Which of the [`ANCHORS`] occur in a text, found in one pass (a vectorised multi-string
/// search) rather than one substring search per anchor: most texts hold none, and then there is
/// nothing to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchors(u8);

impl Anchors {
    const PEM: u8 = 1 << 4;
    const ESCAPED_QUOTE: u8 = 1 << 5;

    /// The anchors of `text`.
    #[must_use]
    pub fn of(text: &[u8]) -> Self {
        // Leftmost-first, which lets the search skip ahead with a vectorised prefilter (an
        // overlapping search reads every byte: three times slower than the keyword pass).
        static SEARCH: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
            std::sync::LazyLock::new(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(ANCHORS)
                    .ok()
            });
        let Some(search) = SEARCH.as_ref() else {
            // Not built (it always is): say every anchor occurs, as the substring searches
            // then decide.
            return Anchors(u8::MAX);
        };
        let all = (1u8 << ANCHORS.len()) - 1;
        let mut found = 0u8;
        // No two anchors can match at the same place (their first two bytes differ), so resuming one byte after each match's
        // start finds every anchor, including one that begins inside another.
        let mut from = 0;
        while let Some(m) = search.find(aho_corasick::Input::new(text).range(from..)) {
            found |= 1 << m.pattern().as_usize();
            if found == all {
                break;
            }
            from = m.start() + 1;
        }
        Anchors(found)
    }

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// Whether the text shows a sign of base64 values, and whether it holds an encoded PEM block. Each
/// sign is looked for by a vectorised substring search for its rarest part (`Secret`, `ase64`,
/// `b64decode(`, `atob(`), then checked in full where that part occurs.
fn base64_signs(text: &[u8], anchors: Anchors) -> (bool, bool) {
    let pem = anchors.has(Anchors::PEM);
    for (i, anchor) in ANCHORS[..4].iter().enumerate() {
        if !anchors.has(1 << i) {
            continue;
        }
        for at in memchr::memmem::find_iter(text, anchor) {
            let lo = at.saturating_sub(12);
            let hi = (at + 20).min(text.len());
            let around = &text[lo..hi];
            if BASE64_SIGNS
                .iter()
                .any(|sign| memchr::memmem::find(around, sign).is_some())
            {
                return (true, pem);
            }
        }
    }
    (false, pem)
}

/// The lines of the text that hold base64 tokens decoding to printable text, those tokens
/// replaced by that text (the rest of the text is not in the view: its scan would repeat the
/// original's): every token when the text shows it keeps values in base64 ([`BASE64_SIGNS`]), else
/// only the tokens that decode to a PEM block. Each line is followed by a newline. `None` when
/// there is nothing to decode.
#[must_use]
pub fn base64_decoded(text: &[u8]) -> Option<View> {
    base64_decoded_given(text, Anchors::of(text))
}

/// [`base64_decoded`], with the [`Anchors`] of the text known.
#[must_use]
pub fn base64_decoded_given(text: &[u8], anchors: Anchors) -> Option<View> {
    let (every, any_pem) = base64_signs(text, anchors);
    let pem = memchr::memmem::Finder::new(PEM_IN_BASE64);
    if !every && !any_pem {
        return None;
    }
    let mut out: Vec<u8> = Vec::new();
    let mut tokens = Vec::new();
    let mut copied = 0;
    // The end of the line of the last token decoded (its rest is still to be copied).
    let mut line_end: Option<usize> = None;
    let mut i = 0;
    while i < text.len() {
        if !every {
            match pem.find(&text[i..]) {
                Some(p) => i += p,
                None => break,
            }
        } else if !is_b64(text[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && is_b64(text[i]) {
            i += 1;
        }
        let mut end = i;
        while end < text.len() && end - i < 2 && text[end] == b'=' {
            end += 1;
        }
        let bounded = (start == 0 || !is_token_byte(text[start - 1]))
            && (end == text.len() || !(is_token_byte(text[end]) || text[end] == b'='));
        let len = end - start;
        if !bounded || !(MIN_TOKEN..=MAX_TOKEN).contains(&len) {
            i = end;
            continue;
        }
        i = end;
        let Some(decoded) = decode_printable(&text[start..end]) else {
            continue;
        };
        let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(0, |p| p + 1);
        match line_end {
            // A token further on the same line.
            Some(e) if line_start <= e => {}
            Some(e) => {
                out.extend_from_slice(&text[copied..e]);
                out.push(b'\n');
                copied = line_start;
            }
            None => copied = line_start,
        }
        out.extend_from_slice(&text[copied..start]);
        let quoted = start > 0 && matches!(text[start - 1], b'"' | b'\'');
        let wrap = !quoted && !decoded.contains(&b'\n');
        if wrap {
            out.push(b'"');
        }
        let at = out.len();
        out.extend_from_slice(&decoded);
        tokens.push((at..out.len(), start..end));
        if wrap {
            out.push(b'"');
        }
        copied = end;
        line_end = Some(memchr::memchr(b'\n', &text[end..]).map_or(text.len(), |p| end + p));
    }
    let e = line_end?;
    out.extend_from_slice(&text[copied..e]);
    out.push(b'\n');
    Some(View {
        text: out,
        kind: "base64-decoded value",
        map: Map::Tokens(tokens),
    })
}

/// Bytes that continue a token (a base64 run glued to them is part of something else: a path,
/// an identifier with dots or dashes, an escape).
fn is_token_byte(b: u8) -> bool {
    is_b64(b) || matches!(b, b'-' | b'_' | b'.' | b'\\' | b'%')
}

/// Decodes standard base64 (padding optional); `None` unless the result is printable ASCII text
/// (tabs and newlines allowed) with at least one letter.
#[must_use]
pub fn decode_printable(token: &[u8]) -> Option<Vec<u8>> {
    let body = token
        .strip_suffix(b"==")
        .or_else(|| token.strip_suffix(b"="))
        .unwrap_or(token);
    if body.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let printable = |b: u8| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t');
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | value(c)?;
        }
        acc <<= 6 * (4 - chunk.len());
        let bytes = acc.to_be_bytes();
        for &b in &bytes[1..chunk.len()] {
            if !printable(b) {
                return None;
            }
            out.push(b);
        }
    }
    out.iter().any(u8::is_ascii_alphabetic).then_some(out)
}

/// Where an offset of a Jupyter notebook's JSON lies: (cell, line in the cell), both 1-based, when
/// it lies in a cell's `source`. Cells are counted by their `"cell_type"` key (one per cell); the
/// line is one more than the newlines (`\n` escapes) between the start of the cell's `source` and
/// the offset, which holds for a source written as one string or as a list of lines.
#[must_use]
pub fn notebook_place(text: &[u8], offset: usize) -> Option<(usize, usize)> {
    let before = &text[..offset.min(text.len())];
    let cell_at = memchr::memmem::rfind(before, b"\"cell_type\"")?;
    let cell = memchr::memmem::find_iter(before, b"\"cell_type\"").count();
    let source_at = memchr::memmem::rfind(&before[cell_at..], b"\"source\"")? + cell_at;
    let line = 1 + memchr::memmem::find_iter(&before[source_at..], b"\\n").count();
    Some((cell, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone_and_mapped_back() {
        let text = br#"{"cfg": "{\"awsSecretKey\":\"abc\"}"}"#;
        let v = unescaped(text, false, &|_| true).expect("view");
        assert_eq!(v.text, b"{\"cfg\": \"{\"awsSecretKey\":\"abc\"}\"}\n");
        let at = memchr::memmem::find(&v.text, b"abc").expect("abc");
        assert_eq!(v.original(at), memchr::memmem::find(text, b"abc"));
        assert!(unescaped(b"plain \"text\"", false, &|_| true).is_none());
        // Regions declined are left out; a view of none is no view.
        assert!(unescaped(text, false, &|_| false).is_none());
        // Stretches map every byte: before, at and after an escape.
        let text = br#"a
{\"k\":1}
b \"x\u0041y\" c
"#;
        let v = unescaped(text, false, &|_| true).expect("view");
        assert_eq!(v.text, b"{\"k\":1}\nb \"xAy\" c\n");
        let want = [
            2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 16, 17, 23, 24, 26, 27, 28, 29,
        ];
        for (at, o) in want.iter().enumerate() {
            assert_eq!(v.original(at), Some(*o), "view offset {at}");
        }
    }

    #[test]
    fn printable_base64_is_decoded_in_place() {
        // "Tr0ub4dor&3x" and "-----BEGIN" in base64.
        let text = b"kind: Secret\ndata:\n  password: VHIwdWI0ZG9yJjN4\n  other: 3q2+7w==\n";
        let v = base64_decoded(text).expect("view");
        // Only the line that holds a decoded value is in the view.
        assert_eq!(
            String::from_utf8_lossy(&v.text),
            "  password: \"Tr0ub4dor&3x\"\n"
        );
        let two = base64_decoded(
            b"kind: Secret\na: VHIwdWI0ZG9yJjN4 VHIwdWI0ZG9yJjN4\nb: 1\nc: VHIwdWI0ZG9yJjN4",
        )
        .expect("view");
        assert_eq!(
            String::from_utf8_lossy(&two.text),
            "a: \"Tr0ub4dor&3x\" \"Tr0ub4dor&3x\"\nc: \"Tr0ub4dor&3x\"\n"
        );
        // Without a sign of base64 values, only an encoded PEM block is decoded.
        assert!(base64_decoded(b"  password: VHIwdWI0ZG9yJjN4\n").is_none());
        let pem = base64_decoded(b"tls.key: LS0tLS1CRUdJTg==\n").expect("pem");
        assert_eq!(pem.text, b"tls.key: \"-----BEGIN\"\n");
        let at = memchr::memmem::find(&v.text, b"Tr0ub").expect("decoded");
        assert_eq!(v.original(at), memchr::memmem::find(text, b"VHIw"));
        assert_eq!(v.original(0), None);
        assert_eq!(
            decode_printable(b"LS0tLS1CRUdJTg==").as_deref(),
            Some(&b"-----BEGIN"[..])
        );
        // Binary content and identifiers are left alone.
        assert!(decode_printable(b"nTtkJcsfBlrciE2gwm1WyOVDZUmOBwrV3dR0501K").is_none());
        assert!(base64_decoded(b"path/to/some_module.DescribeInstances").is_none());
    }

    #[test]
    fn the_one_pass_anchors_are_the_substring_searches() {
        let texts: [&[u8]; 8] = [
            b"",
            b"nothing here",
            b"kind: Secret",
            b"echo x | base64 -d; atob(y)",
            b"base64.b64decode(SecretString)",
            // Anchors that overlap or touch: each is still seen.
            b"Secretase64b64decode(atob(LS0tLS1\\\"",
            b"x = \\\"LS0tLS1CRUdJTi\\\"",
            b"secret ASE64 B64DECODE( ATOB(",
        ];
        for text in texts {
            let mut want = 0u8;
            for (i, anchor) in ANCHORS.iter().enumerate() {
                if memchr::memmem::find(text, anchor).is_some() {
                    want |= 1 << i;
                }
            }
            assert_eq!(
                Anchors::of(text),
                Anchors(want),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        assert_eq!(
            Anchors::of(b"Secretase64b64decode(atob(LS0tLS1\\\"").0,
            0b11_1111
        );
    }

    #[test]
    fn notebook_offsets_name_their_cell_and_line() {
        let nb = br##"{"cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
    "import os\n",
    "key = \"value\"\n"
  ]}
]}"##;
        let at = memchr::memmem::find(nb, b"value").expect("value");
        assert_eq!(notebook_place(nb, at), Some((2, 2)));
        let at = memchr::memmem::find(nb, b"Title").expect("title");
        assert_eq!(notebook_place(nb, at), Some((1, 1)));
    }
}
