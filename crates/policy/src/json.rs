//! A small JSON parser that keeps the position of every value.
//!
//! `serde_json` forgets where things were and silently keeps the last of two duplicate keys; a
//! policy linter needs the opposite: every element with its line and column, duplicate keys
//! reported, and a precise message for the mistakes people make by hand (trailing commas, single
//! quotes, comments). The parser is iterative over nesting depth only through recursion bounded
//! by [`MAX_DEPTH`], so hostile input cannot overflow the stack.

use std::fmt;

/// Deepest nesting accepted. Real policies nest four levels (policy, statement, condition
/// operator, key); 32 leaves ample room while keeping hostile input harmless.
pub const MAX_DEPTH: usize = 32;

/// A position in the source text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset just past the last character.
    pub end: u32,
    /// 1-based line of `start` (0 when the value did not come from text).
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub column: u32,
}

impl Span {
    /// Whether this span points into a text (values built from `serde_json::Value` do not).
    #[must_use]
    pub fn is_located(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A JSON value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub kind: JsonKind,
    /// Where it is.
    pub span: Span,
}

/// An object member: its key (with the key's own span) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key.
    pub key: String,
    /// Where the key is.
    pub key_span: Span,
    /// The value.
    pub value: Json,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in source order.
    Object(Vec<Member>),
}

impl Json {
    /// A short name of the value's type for messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }

    /// Converts a `serde_json::Value` (an Inventory document) into a tree without positions.
    #[must_use]
    pub fn from_value(v: &serde_json::Value) -> Json {
        let kind = match v {
            serde_json::Value::Null => JsonKind::Null,
            serde_json::Value::Bool(b) => JsonKind::Bool(*b),
            serde_json::Value::Number(n) => JsonKind::Number(n.to_string()),
            serde_json::Value::String(s) => JsonKind::String(s.clone()),
            serde_json::Value::Array(a) => {
                JsonKind::Array(a.iter().map(Json::from_value).collect())
            }
            serde_json::Value::Object(o) => JsonKind::Object(
                o.iter()
                    .map(|(k, v)| Member {
                        key: k.clone(),
                        key_span: Span::default(),
                        value: Json::from_value(v),
                    })
                    .collect(),
            ),
        };
        Json {
            kind,
            span: Span::default(),
        }
    }

    /// Converts back to a `serde_json::Value` (for evidence).
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        match &self.kind {
            JsonKind::Null => serde_json::Value::Null,
            JsonKind::Bool(b) => serde_json::Value::Bool(*b),
            JsonKind::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
            JsonKind::String(s) => serde_json::Value::String(s.clone()),
            JsonKind::Array(a) => serde_json::Value::Array(a.iter().map(Json::to_value).collect()),
            JsonKind::Object(o) => serde_json::Value::Object(
                o.iter()
                    .map(|m| (m.key.clone(), m.value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// A syntax error, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong (lowercase, user input in backticks).
    pub message: String,
    /// Where.
    pub span: Span,
    /// A short machine-readable kind (`trailing-comma`, `duplicate-key`, `too-deep`, `invalid-json`).
    pub code: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.span, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses `text` as one JSON value, rejecting duplicate keys and trailing commas.
///
/// # Errors
/// The first syntax error, with its line and column.
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        line_start: 0,
    };
    // A UTF-8 byte order mark is what some editors write; AWS accepts it.
    if text.starts_with('\u{feff}') {
        p.pos = 3;
        p.line_start = 3;
    }
    p.skip_ws()?;
    let v = p.value(0)?;
    p.skip_ws()?;
    if p.pos < p.src.len() {
        return Err(p.error_here(
            "unexpected text after the end of the document",
            "invalid-json",
        ));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
}

impl Parser<'_> {
    fn column_of(&self, pos: usize) -> u32 {
        let start = self.line_start.min(pos);
        let col = self
            .text
            .get(start..pos)
            .map_or(pos - start, |s| s.chars().count());
        u32::try_from(col).unwrap_or(u32::MAX).saturating_add(1)
    }

    fn here(&self) -> Span {
        let p = u32::try_from(self.pos).unwrap_or(u32::MAX);
        Span {
            start: p,
            end: p,
            line: self.line,
            column: self.column_of(self.pos),
        }
    }

    fn error_here(&self, message: impl Into<String>, code: &'static str) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span: self.here(),
            code,
        }
    }

    fn finish(&self, start: Span) -> Span {
        Span {
            end: u32::try_from(self.pos).unwrap_or(u32::MAX),
            ..start
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if matches!(self.src.get(self.pos + 1), Some(b'/' | b'*')) => {
                    return Err(self
                        .error_here("comments are not allowed in JSON policies", "invalid-json"));
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error_here(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "too-deep",
            ));
        }
        let start = self.here();
        match self.peek() {
            None => Err(self.error_here("unexpected end of the document", "invalid-json")),
            Some(b'{') => self.object(depth, start),
            Some(b'[') => self.array(depth, start),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Json {
                    kind: JsonKind::String(s),
                    span: self.finish(start),
                })
            }
            Some(b't') => self.literal("true", JsonKind::Bool(true), start),
            Some(b'f') => self.literal("false", JsonKind::Bool(false), start),
            Some(b'n') => self.literal("null", JsonKind::Null, start),
            Some(b'-' | b'0'..=b'9') => self.number(start),
            Some(b'\'') => Err(self.error_here(
                "strings must use double quotes, not single quotes",
                "invalid-json",
            )),
            Some(b',') => {
                Err(self.error_here("unexpected `,`: a value is missing", "invalid-json"))
            }
            Some(_) => {
                let c = self
                    .text
                    .get(self.pos..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('?');
                Err(self.error_here(format!("unexpected character `{c}`"), "invalid-json"))
            }
        }
    }

    fn literal(&mut self, word: &str, kind: JsonKind, start: Span) -> Result<Json, SyntaxError> {
        if self.src.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(Json {
                kind,
                span: self.finish(start),
            })
        } else {
            Err(self.error_here(
                "invalid literal (expected `true`, `false` or `null`; strings need double quotes)",
                "invalid-json",
            ))
        }
    }

    fn number(&mut self, start: Span) -> Result<Json, SyntaxError> {
        let begin = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(self.error_here("invalid number", "invalid-json"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(
                    self.error_here("invalid number: digits expected after `.`", "invalid-json")
                );
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error_here(
                    "invalid number: digits expected in the exponent",
                    "invalid-json",
                ));
            }
        }
        let text = self
            .text
            .get(begin..self.pos)
            .unwrap_or_default()
            .to_owned();
        Ok(Json {
            kind: JsonKind::Number(text),
            span: self.finish(start),
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        // INVARIANT: called with `"` at `pos`.
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.error_here("unterminated string", "invalid-json")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let c = self.unicode_escape()?;
                            out.push(c);
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self
                                .error_here("invalid escape sequence in string", "invalid-json"));
                        }
                    }
                }
                Some(b'\n') => {
                    return Err(self.error_here(
                        "unterminated string (line break inside a string)",
                        "invalid-json",
                    ));
                }
                Some(_) => {
                    return Err(
                        self.error_here("control character inside a string", "invalid-json")
                    );
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error_here("incomplete `\\u` escape", "invalid-json"))?;
        let v = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error_here("invalid `\\u` escape", "invalid-json"))?;
        self.pos += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let hi = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&hi) {
            if self.src.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error_here("unpaired surrogate in `\\u` escape", "invalid-json"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xdc00..0xe000).contains(&lo) {
                return Err(
                    self.error_here("invalid surrogate pair in `\\u` escape", "invalid-json")
                );
            }
            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.error_here("invalid `\\u` escape", "invalid-json"))
    }

    fn array(&mut self, depth: usize, start: Span) -> Result<Json, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json {
                kind: JsonKind::Array(items),
                span: self.finish(start),
            });
        }
        loop {
            self.skip_ws()?;
            items.push(self.value(depth + 1)?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.here();
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        return Err(SyntaxError {
                            message: "trailing comma before `]`: JSON allows no comma after the last element".into(),
                            span: comma,
                            code: "trailing-comma",
                        });
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json {
                        kind: JsonKind::Array(items),
                        span: self.finish(start),
                    });
                }
                None => {
                    return Err(self.error_here("unterminated array: `]` expected", "invalid-json"));
                }
                Some(_) => {
                    return Err(self
                        .error_here("`,` or `]` expected after an array element", "invalid-json"));
                }
            }
        }
    }

    fn object(&mut self, depth: usize, start: Span) -> Result<Json, SyntaxError> {
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json {
                kind: JsonKind::Object(members),
                span: self.finish(start),
            });
        }
        loop {
            self.skip_ws()?;
            let key_start = self.here();
            match self.peek() {
                Some(b'"') => {}
                Some(b'\'') => {
                    return Err(self.error_here(
                        "keys must use double quotes, not single quotes",
                        "invalid-json",
                    ));
                }
                None => {
                    return Err(
                        self.error_here("unterminated object: `}` expected", "invalid-json")
                    );
                }
                Some(_) => {
                    return Err(self.error_here("a key in double quotes expected", "invalid-json"));
                }
            }
            let key = self.string()?;
            let key_span = self.finish(key_start);
            if let Some(first) = members.iter().find(|m| m.key == key) {
                return Err(SyntaxError {
                    message: format!(
                        "duplicate key `{key}` (first at {}): AWS keeps only one of them",
                        first.key_span
                    ),
                    span: key_span,
                    code: "duplicate-key",
                });
            }
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                return Err(self.error_here(
                    format!("`:` expected after the key `{key}`"),
                    "invalid-json",
                ));
            }
            self.pos += 1;
            self.skip_ws()?;
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.here();
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        return Err(SyntaxError {
                            message: "trailing comma before `}`: JSON allows no comma after the last member".into(),
                            span: comma,
                            code: "trailing-comma",
                        });
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json {
                        kind: JsonKind::Object(members),
                        span: self.finish(start),
                    });
                }
                None => {
                    return Err(
                        self.error_here("unterminated object: `}` expected", "invalid-json")
                    );
                }
                Some(_) => {
                    return Err(self.error_here(
                        "`,` or `}` expected after an object member (a comma may be missing)",
                        "invalid-json",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_comma_is_located_at_the_comma() {
        let text = "{\n  \"a\": [\n    \"x\",\n  ]\n}";
        let e = parse(text).expect_err("trailing comma");
        assert_eq!(e.code, "trailing-comma");
        assert_eq!((e.span.line, e.span.column), (3, 8));
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse("{\"a\": 1,\n \"a\": 2}").expect_err("dup");
        assert_eq!(e.code, "duplicate-key");
        assert_eq!((e.span.line, e.span.column), (2, 2));
    }

    #[test]
    fn depth_is_bounded() {
        let text = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&text).expect_err("deep").code, "too-deep");
    }

    #[test]
    fn values_and_escapes() {
        let v = parse(r#"{"s": "a\u00e9\ud83d\ude00\n", "n": -1.5e3, "b": [true, false, null]}"#)
            .expect("parse");
        let JsonKind::Object(m) = v.kind else {
            panic!("object")
        };
        assert_eq!(
            m[0].value.kind,
            JsonKind::String("a\u{e9}\u{1f600}\n".into())
        );
        assert_eq!(m[1].value.kind, JsonKind::Number("-1.5e3".into()));
    }

    #[test]
    fn columns_count_characters() {
        let e = parse("{\"é\": x}").expect_err("bad");
        assert_eq!(e.span.column, 7);
    }
}
