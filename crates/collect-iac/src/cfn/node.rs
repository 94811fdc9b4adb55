//! A CloudFormation template as a tree with positions, from JSON or YAML.
//!
//! YAML short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub …`) are rewritten to their long form
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`) so the evaluator sees one shape. Aliases are
//! expanded with a bound on the total size, so a "billion laughs" document is refused.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::raw::IacError;

/// A node of the template.
#[derive(Debug, Clone, PartialEq)]
pub enum N {
    /// Null.
    Null,
    /// Boolean.
    Bool(bool),
    /// Number.
    Num(f64),
    /// String.
    Str(String),
    /// Sequence.
    Seq(Vec<Node>),
    /// Mapping, in document order.
    Map(Vec<(String, Node)>),
}

/// A node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub n: N,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// `node` as text, without positions: two nodes written alike (in JSON or YAML, short or long
/// intrinsic form) have the same shape.
#[must_use]
pub fn shape(node: &Node) -> String {
    match &node.n {
        N::Null => "null".to_owned(),
        N::Bool(b) => b.to_string(),
        N::Num(x) => x.to_string(),
        N::Str(s) => format!("{s:?}"),
        N::Seq(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        N::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", shape(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

impl Node {
    /// The member `key` of a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.n {
            N::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a mapping (empty otherwise).
    #[must_use]
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.n {
            N::Map(m) => m,
            _ => &[],
        }
    }

    /// The string, if a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.n {
            N::Str(s) => Some(s),
            _ => None,
        }
    }
}

const MAX_NODES: usize = 2_000_000;
const MAX_DEPTH: usize = 200;

/// Parses a template: JSON when it starts with `{`, YAML otherwise.
///
/// # Errors
/// Syntax errors with their position.
pub fn parse(text: &str, file: &str) -> Result<Node, IacError> {
    let t = text.trim_start_matches('\u{feff}');
    if t.trim_start().starts_with('{') {
        Json {
            s: t.as_bytes(),
            pos: 0,
            line: 1,
            col: 1,
            file,
        }
        .document()
    } else {
        yaml(t, file)
    }
}

fn err(file: &str, line: u32, column: u32, message: impl Into<String>) -> IacError {
    IacError {
        file: file.to_owned(),
        line,
        column,
        message: message.into(),
    }
}

struct Json<'a> {
    s: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    file: &'a str,
}

impl Json<'_> {
    fn document(mut self) -> Result<Node, IacError> {
        let v = self.value(0)?;
        self.ws();
        if self.pos < self.s.len() {
            return Err(self.error("trailing characters after the template"));
        }
        Ok(v)
    }

    fn error(&self, m: &str) -> IacError {
        err(self.file, self.line, self.col, m)
    }

    fn bump(&mut self) -> Option<u8> {
        let c = *self.s.get(self.pos)?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            self.col += 1;
        }
        Some(c)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, IacError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.ws();
        let (line, column) = (self.line, self.col);
        let n =
            match self.peek() {
                Some(b'{') => {
                    self.bump();
                    let mut m = Vec::new();
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.bump();
                    } else {
                        loop {
                            self.ws();
                            if self.peek() != Some(b'"') {
                                return Err(self.error("expected a quoted key"));
                            }
                            let k = self.string()?;
                            self.ws();
                            if self.bump() != Some(b':') {
                                return Err(self.error("expected `:` after a key"));
                            }
                            let v = self.value(depth + 1)?;
                            m.push((k, v));
                            self.ws();
                            match self.bump() {
                                Some(b',') => {}
                                Some(b'}') => break,
                                _ => return Err(self.error("expected `,` or `}`")),
                            }
                        }
                    }
                    N::Map(m)
                }
                Some(b'[') => {
                    self.bump();
                    let mut items = Vec::new();
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.bump();
                    } else {
                        loop {
                            items.push(self.value(depth + 1)?);
                            self.ws();
                            match self.bump() {
                                Some(b',') => {}
                                Some(b']') => break,
                                _ => return Err(self.error("expected `,` or `]`")),
                            }
                        }
                    }
                    N::Seq(items)
                }
                Some(b'"') => N::Str(self.string()?),
                Some(b't') => self.word("true", N::Bool(true))?,
                Some(b'f') => self.word("false", N::Bool(false))?,
                Some(b'n') => self.word("null", N::Null)?,
                Some(c) if c == b'-' || c.is_ascii_digit() => {
                    let start = self.pos;
                    while matches!(
                        self.peek(),
                        Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    ) {
                        self.bump();
                    }
                    let t = std::str::from_utf8(self.s.get(start..self.pos).unwrap_or_default())
                        .unwrap_or_default();
                    N::Num(t.parse().map_err(|_| {
                        err(self.file, line, column, format!("invalid number `{t}`"))
                    })?)
                }
                Some(_) => return Err(self.error("unexpected character")),
                None => return Err(self.error("unexpected end of input")),
            };
        Ok(Node { n, line, column })
    }

    fn word(&mut self, w: &str, n: N) -> Result<N, IacError> {
        if self.s.get(self.pos..self.pos + w.len()) == Some(w.as_bytes()) {
            for _ in 0..w.len() {
                self.bump();
            }
            Ok(n)
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn string(&mut self) -> Result<String, IacError> {
        self.bump(); // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => match self.bump() {
                    Some(b'n') => out.push(b'\n'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b'b') => out.push(8),
                    Some(b'f') => out.push(12),
                    Some(b'u') => {
                        let hex: Vec<u8> = (0..4).filter_map(|_| self.bump()).collect();
                        let code = std::str::from_utf8(&hex)
                            .ok()
                            .and_then(|h| u32::from_str_radix(h, 16).ok());
                        let c = code.and_then(char::from_u32).unwrap_or('\u{fffd}');
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Some(c) => out.push(c),
                    None => return Err(self.error("unterminated string")),
                },
                Some(c) => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8 in a string"))
    }
}

/// Long-form name of a short-form tag.
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "FindInMap" => "Fn::FindInMap",
        "Base64" => "Fn::Base64",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Cidr" => "Fn::Cidr",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        "Transform" => "Fn::Transform",
        _ => return None,
    })
}

enum Frame {
    Seq(Vec<Node>, u32, u32, Option<String>, usize),
    Map(
        Vec<(String, Node)>,
        Option<String>,
        u32,
        u32,
        Option<String>,
        usize,
    ),
}

fn wrap_tag(tag: Option<String>, node: Node) -> Node {
    let Some(t) = tag else { return node };
    let Some(long) = long_form(&t) else {
        // A Rain directive (`!Rain::Module file`) stays visible as `{"Rain::Module": …}`, as in
        // JSON: the template is rewritten by `rain pkg` before CloudFormation reads it.
        if t.starts_with("Rain::") {
            let (line, column) = (node.line, node.column);
            return Node {
                n: N::Map(vec![(t, node)]),
                line,
                column,
            };
        }
        return node;
    };
    let (line, column) = (node.line, node.column);
    let inner = match (long, node.n) {
        ("Fn::GetAtt", N::Str(s)) => {
            let (a, b) = s.split_once('.').unwrap_or((s.as_str(), ""));
            let mk = |x: &str| Node {
                n: N::Str(x.to_owned()),
                line,
                column,
            };
            Node {
                n: N::Seq(vec![mk(a), mk(b)]),
                line,
                column,
            }
        }
        (_, n) => Node { n, line, column },
    };
    Node {
        n: N::Map(vec![(long.to_owned(), inner)]),
        line,
        column,
    }
}

fn scalar(v: &str, style: ScalarStyle) -> N {
    if style != ScalarStyle::Plain {
        return N::Str(v.to_owned());
    }
    match v {
        "~" | "null" | "Null" | "NULL" | "" => N::Null,
        "true" | "True" | "TRUE" => N::Bool(true),
        "false" | "False" | "FALSE" => N::Bool(false),
        _ => {
            let looks_numeric = v.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                && v.bytes().any(|b| b.is_ascii_digit())
                // Keep values such as `0123` or `1.2.3` as text: they are names, not numbers.
                && !(v.len() > 1 && v.starts_with('0') && !v.starts_with("0."));
            match v.parse::<f64>() {
                Ok(n) if looks_numeric => N::Num(n),
                _ => N::Str(v.to_owned()),
            }
        }
    }
}

fn yaml(text: &str, file: &str) -> Result<Node, IacError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    let mut parser = Parser::new_from_str(text);
    // Puts a finished node into its parent (or makes it the root).
    let place = |stack: &mut Vec<Frame>,
                 root: &mut Option<Node>,
                 anchors: &mut HashMap<usize, Node>,
                 node: Node,
                 anchor: usize|
     -> Result<(), IacError> {
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    *root = Some(node);
                }
            }
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, key, ..)) => match key.take() {
                None => {
                    let k = match &node.n {
                        N::Str(s) => s.clone(),
                        N::Num(n) => crate::value::format_number(*n),
                        N::Bool(b) => b.to_string(),
                        N::Null => String::new(),
                        _ => {
                            return Err(err(
                                file,
                                node.line,
                                node.column,
                                "a mapping key must be a scalar",
                            ));
                        }
                    };
                    *key = Some(k);
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    };
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| {
            err(
                file,
                u32::try_from(e.marker().line()).unwrap_or(0),
                u32::try_from(e.marker().col() + 1).unwrap_or(0),
                e.info().to_owned(),
            )
        })?;
        let line = u32::try_from(span.start.line()).unwrap_or(0);
        let column = u32::try_from(span.start.col() + 1).unwrap_or(0);
        count += 1;
        if count > MAX_NODES || stack.len() > MAX_DEPTH {
            return Err(err(
                file,
                line,
                column,
                "the document is too large or too deeply nested",
            ));
        }
        match ev {
            Event::StreamEnd => break,
            Event::DocumentEnd if root.is_some() => {
                break;
            }
            Event::Scalar(v, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix.clone());
                let node = wrap_tag(
                    tag,
                    Node {
                        n: scalar(&v, style),
                        line,
                        column,
                    },
                );
                place(&mut stack, &mut root, &mut anchors, node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => stack.push(Frame::Seq(
                Vec::new(),
                line,
                column,
                tag.map(|t| t.suffix.clone()),
                anchor,
            )),
            Event::MappingStart(anchor, tag) => stack.push(Frame::Map(
                Vec::new(),
                None,
                line,
                column,
                tag.map(|t| t.suffix.clone()),
                anchor,
            )),
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, l, c, tag, anchor)) = stack.pop() {
                    let node = wrap_tag(
                        tag,
                        Node {
                            n: N::Seq(items),
                            line: l,
                            column: c,
                        },
                    );
                    place(&mut stack, &mut root, &mut anchors, node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(entries, _, l, c, tag, anchor)) = stack.pop() {
                    let node = wrap_tag(
                        tag,
                        Node {
                            n: N::Map(entries),
                            line: l,
                            column: c,
                        },
                    );
                    place(&mut stack, &mut root, &mut anchors, node, anchor)?;
                }
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| err(file, line, column, "unknown alias"))?;
                count += size(&node);
                if count > MAX_NODES {
                    return Err(err(
                        file,
                        line,
                        column,
                        "aliases expand to too large a document",
                    ));
                }
                place(&mut stack, &mut root, &mut anchors, node, 0)?;
            }
            _ => {}
        }
    }
    root.ok_or_else(|| err(file, 1, 1, "the file is empty"))
}

fn size(n: &Node) -> usize {
    match &n.n {
        N::Seq(s) => 1 + s.iter().map(size).sum::<usize>(),
        N::Map(m) => 1 + m.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_short_forms_become_long_forms() {
        let n = parse("A:\n  B: !GetAtt Role.Arn\n  C: !Ref X\n", "t.yaml").expect("parses");
        let b = n.get("A").and_then(|a| a.get("B")).expect("B");
        assert_eq!(b.line, 2);
        assert!(b.get("Fn::GetAtt").is_some());
        let c = n
            .get("A")
            .and_then(|a| a.get("C"))
            .and_then(|c| c.get("Ref"))
            .and_then(Node::as_str);
        assert_eq!(c, Some("X"));
    }

    #[test]
    fn json_positions_and_errors() {
        let n = parse("{\n  \"A\": [1, \"x\"]\n}", "t.json").expect("parses");
        assert_eq!(n.get("A").map(|a| a.line), Some(2));
        let e = parse("{\n  \"A\": [1,, 2]\n}", "t.json").expect_err("bad");
        assert_eq!(e.line, 2);
    }
}
