//! CloudWatch Logs filter patterns: a parser and an evaluator, so that a metric filter is credited
//! only when its pattern really matches the events it is meant to catch.
//!
//! Two of the three pattern families are understood:
//! - JSON patterns `{ $.eventName = "ConsoleLogin" && ($.errorCode = "AccessDenied*" || … ) }`
//!   with `=`, `!=`, `<`, `<=`, `>`, `>=`, `*` wildcards in string values, `IS NULL`, `IS TRUE`,
//!   `IS FALSE`, `EXISTS`, `NOT EXISTS`, `&&` binding tighter than `||`, and parentheses;
//! - term patterns matched against the raw event text (`ConsoleLogin "Failed authentication"`,
//!   `?ERROR ?WARN`, `-Debug`); the empty pattern matches every event.
//!
//! Space-delimited patterns (`[ip, user, …]`) and regular expressions (`%…%`) are refused with a
//! [`PatternError`]: a check must not credit a filter it cannot evaluate.

use std::fmt;

use serde_json::Value;

/// Why a pattern could not be parsed (or uses syntax rampart does not evaluate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Byte offset in the pattern.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at offset {}: {}", self.offset, self.message)
    }
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// A JSON pattern.
    Json(Expr),
    /// A term pattern.
    Terms(Terms),
}

/// The terms of a term pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    /// Every one must appear.
    pub all: Vec<String>,
    /// At least one must appear (when there are any).
    pub any: Vec<String>,
    /// None may appear.
    pub none: Vec<String>,
}

/// A JSON pattern expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Both sides match.
    And(Box<Expr>, Box<Expr>),
    /// Either side matches.
    Or(Box<Expr>, Box<Expr>),
    /// One condition on one field.
    Cond(Cond),
}

/// A path into the event: `$.userIdentity.type`, `$.resources[0].ARN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// What a condition tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Compare with a value (string with `*` wildcards, or number).
    Compare(Op, String),
    /// `IS NULL`.
    IsNull,
    /// `IS TRUE` / `IS FALSE`.
    IsBool(bool),
    /// `EXISTS`.
    Exists,
    /// `NOT EXISTS`.
    NotExists,
}

/// One condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// The field path as written (`$.eventName`).
    pub selector: String,
    /// The path.
    pub path: Vec<Step>,
    /// The test.
    pub test: Test,
}

/// Parses a filter pattern.
///
/// # Errors
/// A [`PatternError`] when the pattern is malformed or uses syntax that is not evaluated here.
pub fn parse(pattern: &str) -> Result<Pattern, PatternError> {
    let trimmed_start = pattern.len() - pattern.trim_start().len();
    let body = pattern.trim();
    if body.starts_with('{') {
        let mut p = Parser {
            src: pattern,
            pos: trimmed_start + 1,
        };
        let expr = p.or()?;
        p.skip_ws();
        if !p.eat("}") {
            return Err(p.error("expected `}` to close the JSON pattern"));
        }
        p.skip_ws();
        if p.pos < pattern.len() {
            return Err(p.error("unexpected text after the JSON pattern"));
        }
        return Ok(Pattern::Json(expr));
    }
    if body.starts_with('[') {
        return Err(PatternError {
            offset: trimmed_start,
            message: "space-delimited patterns are not evaluated".to_owned(),
        });
    }
    parse_terms(pattern).map(Pattern::Terms)
}

impl Pattern {
    /// Whether the pattern matches a JSON log event (a CloudTrail record as delivered to
    /// CloudWatch Logs: one JSON object per log event).
    #[must_use]
    pub fn matches(&self, event: &Value) -> bool {
        match self {
            Pattern::Json(expr) => expr.matches(event),
            Pattern::Terms(terms) => terms.matches(&event.to_string()),
        }
    }
}

impl Terms {
    fn matches(&self, text: &str) -> bool {
        self.all.iter().all(|t| text.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| text.contains(t.as_str())))
            && !self.none.iter().any(|t| text.contains(t.as_str()))
    }
}

impl Expr {
    fn matches(&self, event: &Value) -> bool {
        match self {
            Expr::And(a, b) => a.matches(event) && b.matches(event),
            Expr::Or(a, b) => a.matches(event) || b.matches(event),
            Expr::Cond(c) => c.matches(event),
        }
    }
}

impl Cond {
    fn matches(&self, event: &Value) -> bool {
        let mut current = Some(event);
        for step in &self.path {
            current = current.and_then(|v| match step {
                Step::Key(k) => v.get(k.as_str()),
                Step::Index(i) => v.get(*i),
            });
        }
        match (&self.test, current) {
            (Test::NotExists, found) => found.is_none(),
            (Test::Exists, found) => found.is_some(),
            (Test::IsNull, found) => matches!(found, Some(Value::Null)),
            (Test::IsBool(b), found) => found == Some(&Value::Bool(*b)),
            // A comparison with a field that is absent never matches.
            (Test::Compare(..), None) => false,
            (Test::Compare(op, want), Some(have)) => compare(*op, want, have),
        }
    }
}

fn compare(op: Op, want: &str, have: &Value) -> bool {
    match have {
        Value::String(s) => match op {
            Op::Eq => glob(want, s),
            Op::Ne => !glob(want, s),
            _ => false,
        },
        Value::Number(n) => {
            let (Some(have), Ok(want)) = (n.as_f64(), want.parse::<f64>()) else {
                return op == Op::Ne;
            };
            match op {
                Op::Eq => (have - want).abs() < f64::EPSILON,
                Op::Ne => (have - want).abs() >= f64::EPSILON,
                Op::Lt => have < want,
                Op::Le => have <= want,
                Op::Gt => have > want,
                Op::Ge => have >= want,
            }
        }
        Value::Bool(b) => match op {
            Op::Eq => want == if *b { "true" } else { "false" },
            Op::Ne => want != if *b { "true" } else { "false" },
            _ => false,
        },
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
#[must_use]
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, rest) = parts.split_first().unwrap_or((&"", &[]));
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let (last, middle) = rest.split_last().unwrap_or((&"", &[]));
    for part in middle {
        match remaining.find(part) {
            Some(i) => remaining = &remaining[i + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn error(&self, message: &str) -> PatternError {
        PatternError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Eats a keyword (case-insensitive) followed by a non-identifier character.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let ok = rest.len() >= word.len()
            && rest
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
            && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            self.pos += word.len();
        }
        ok
    }

    fn or(&mut self) -> Result<Expr, PatternError> {
        let mut left = self.and()?;
        loop {
            self.skip_ws();
            if self.eat("||") {
                let right = self.and()?;
                left = Expr::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn and(&mut self) -> Result<Expr, PatternError> {
        let mut left = self.unary()?;
        loop {
            self.skip_ws();
            if self.eat("&&") {
                let right = self.unary()?;
                left = Expr::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, PatternError> {
        self.skip_ws();
        if self.eat("(") {
            let inner = self.or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(inner);
        }
        self.condition().map(Expr::Cond)
    }

    fn condition(&mut self) -> Result<Cond, PatternError> {
        let start = self.pos;
        if !self.eat("$") {
            return Err(self.error("expected a field selector such as `$.eventName`"));
        }
        let mut path = Vec::new();
        loop {
            if self.eat(".") {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | ':'))
                    })
                    .unwrap_or(rest.len());
                if len == 0 {
                    return Err(self.error("expected a field name after `.`"));
                }
                path.push(Step::Key(rest[..len].to_owned()));
                self.pos += len;
            } else if self.eat("[") {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                let index = rest[..len].parse::<usize>().map_err(|_| {
                    self.error("expected an array index (`[*]` wildcards are not evaluated)")
                })?;
                self.pos += len;
                if !self.eat("]") {
                    return Err(self.error("expected `]`"));
                }
                path.push(Step::Index(index));
            } else {
                break;
            }
        }
        if path.is_empty() {
            return Err(self.error("expected `.field` after `$`"));
        }
        let selector = self.src[start..self.pos].to_owned();
        self.skip_ws();
        let test = if self.eat_keyword("IS") {
            self.skip_ws();
            if self.eat_keyword("NULL") {
                Test::IsNull
            } else if self.eat_keyword("TRUE") {
                Test::IsBool(true)
            } else if self.eat_keyword("FALSE") {
                Test::IsBool(false)
            } else {
                return Err(self.error("expected NULL, TRUE or FALSE after IS"));
            }
        } else if self.eat_keyword("NOT") {
            self.skip_ws();
            if !self.eat_keyword("EXISTS") {
                return Err(self.error("expected EXISTS after NOT"));
            }
            Test::NotExists
        } else if self.eat_keyword("EXISTS") {
            Test::Exists
        } else {
            let op = if self.eat("!=") {
                Op::Ne
            } else if self.eat("<=") {
                Op::Le
            } else if self.eat(">=") {
                Op::Ge
            } else if self.eat("<") {
                Op::Lt
            } else if self.eat(">") {
                Op::Gt
            } else if self.eat("=") {
                Op::Eq
            } else {
                return Err(self.error("expected a comparison operator"));
            };
            self.skip_ws();
            Test::Compare(op, self.value()?)
        };
        Ok(Cond {
            selector,
            path,
            test,
        })
    }

    fn value(&mut self) -> Result<String, PatternError> {
        if self.rest().starts_with('%') {
            return Err(self.error("regular expressions in filter patterns are not evaluated"));
        }
        if self.eat("\"") {
            let mut out = String::new();
            let mut chars = self.rest().char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        self.pos += i + 1;
                        return Ok(out);
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => out.push(escaped),
                        None => break,
                    },
                    c => out.push(c),
                }
            }
            return Err(self.error("unterminated string"));
        }
        let rest = self.rest();
        let mut len = 0;
        for (i, c) in rest.char_indices() {
            let tail = &rest[i..];
            if c.is_whitespace()
                || c == ')'
                || c == '}'
                || tail.starts_with("&&")
                || tail.starts_with("||")
            {
                break;
            }
            len = i + c.len_utf8();
        }
        if len == 0 {
            return Err(self.error("expected a value"));
        }
        let value = rest[..len].to_owned();
        self.pos += len;
        Ok(value)
    }
}

fn parse_terms(pattern: &str) -> Result<Terms, PatternError> {
    let mut terms = Terms::default();
    let mut chars = pattern.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let kind = match c {
            '?' | '-' => {
                chars.next();
                c
            }
            _ => ' ',
        };
        let term = if chars.peek().is_some_and(|&(_, c)| c == '"') {
            chars.next();
            let mut term = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            term.push(e);
                        }
                    }
                    c => term.push(c),
                }
            }
            if !closed {
                return Err(PatternError {
                    offset: start,
                    message: "unterminated quoted term".to_owned(),
                });
            }
            term
        } else {
            let mut term = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                term.push(c);
                chars.next();
            }
            term
        };
        if term.is_empty() {
            continue;
        }
        match kind {
            '?' => terms.any.push(term),
            '-' => terms.none.push(term),
            _ => terms.all.push(term),
        }
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn m(pattern: &str, event: &Value) -> bool {
        parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .matches(event)
    }

    #[test]
    fn cis_unauthorized_pattern_and_precedence() {
        let p = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#;
        assert!(m(
            p,
            &json!({"errorCode": "Client.UnauthorizedOperation", "eventName": "RunInstances"})
        ));
        assert!(m(
            p,
            &json!({"errorCode": "AccessDenied", "sourceIPAddress": "1.2.3.4", "eventName": "GetObject"})
        ));
        assert!(!m(
            p,
            &json!({"errorCode": "AccessDenied", "sourceIPAddress": "1.2.3.4", "eventName": "HeadBucket"})
        ));
        assert!(!m(p, &json!({"eventName": "DescribeInstances"})));
    }

    #[test]
    fn unquoted_values_exists_and_nesting() {
        let p = "{$.userIdentity.type=Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent}";
        assert!(m(
            p,
            &json!({"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"})
        ));
        assert!(!m(
            p,
            &json!({"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}, "eventType": "AwsApiCall"})
        ));
        assert!(!m(
            p,
            &json!({"userIdentity": {"type": "IAMUser"}, "eventType": "AwsApiCall"})
        ));
    }

    #[test]
    fn numbers_nulls_booleans_and_indexes() {
        assert!(m("{ $.bytes > 1000 }", &json!({"bytes": 2048})));
        assert!(!m("{ $.bytes > 1000 }", &json!({"bytes": 10})));
        assert!(m("{ $.x IS NULL }", &json!({"x": null})));
        assert!(!m("{ $.x IS NULL }", &json!({})));
        assert!(m("{ $.ok IS TRUE }", &json!({"ok": true})));
        assert!(m(
            "{ $.resources[1].ARN = \"arn:*:b\" }",
            &json!({"resources": [{"ARN": "a"}, {"ARN": "arn:x:b"}]})
        ));
        assert!(!m("{ $.missing != \"x\" }", &json!({})));
    }

    #[test]
    fn term_patterns() {
        let e = json!({"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"});
        assert!(m("", &e));
        assert!(m("ConsoleLogin \"Failed authentication\"", &e));
        assert!(!m("ConsoleLogin -Failed", &e));
        assert!(m("?Nothing ?ConsoleLogin", &e));
        assert!(!m("?Nothing ?Else", &e));
    }

    #[test]
    fn glob_semantics() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abc"));
        assert!(glob("a*b*c", "a-b-c"));
        assert!(!glob("a*c", "ab"));
        assert!(!glob("ab*ba", "aba"));
        assert!(glob("Access", "Access"));
        assert!(!glob("Access", "AccessDenied"));
    }

    #[test]
    fn unsupported_and_malformed_patterns_are_errors() {
        assert!(parse("[ip, user]").is_err());
        assert!(parse("{ $.eventName = %Delete.*% }").is_err());
        assert!(parse("{ $.eventName = \"x\" ").is_err());
        assert!(parse("{ ($.eventName = x }").is_err());
        assert!(parse("{ eventName = x }").is_err());
        assert!(parse("{ $.a = x } trailing").is_err());
        let e = parse("{ $.a = x && }").expect_err("dangling &&");
        assert!(e.offset > 10, "{e}");
    }
}
