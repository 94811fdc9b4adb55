//! Finding long-lived AWS credentials in text (user data, environment variables).
//!
//! Shared by the IAM-9 checks on EC2 user data, Lambda environments and ECS task definitions.
//! Two shapes are recognised: an access key id (`AKIA…` for a user key, `ASIA…` for a session
//! key: four letters and sixteen upper-case letters or digits, standing alone), and an assignment
//! of a secret access key (`aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY: …`) whose value
//! is forty base64 characters. A reference such as `$AWS_SECRET_ACCESS_KEY` or `${secret}` is not
//! a value and is not reported. Values are only ever returned redacted.

use serde_json::{Value, json};

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyHit {
    /// `access-key-id` or `secret-access-key`.
    pub kind: &'static str,
    /// The value, redacted: never the whole secret.
    pub redacted: String,
    /// 1-based line of the text it was found on.
    pub line: usize,
}

impl KeyHit {
    /// The hit as evidence.
    pub fn to_json(&self) -> Value {
        json!({"kind": self.kind, "value": self.redacted, "line": self.line})
    }
}

const ID_PREFIXES: [&[u8; 4]; 2] = [b"AKIA", b"ASIA"];
const SECRET_NAME: &[u8] = b"aws_secret_access_key";
const SECRET_LEN: usize = 40;

/// Every AWS access key id and secret access key assignment in `text`.
pub(crate) fn find_aws_keys(text: &str) -> Vec<KeyHit> {
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts_word && let Some(end) = access_key_id_at(bytes, i) {
            let id = &text[i..end];
            hits.push(KeyHit {
                kind: "access-key-id",
                redacted: redact_id(id),
                line,
            });
            i = end;
            continue;
        }
        if starts_word
            && (b == b'a' || b == b'A')
            && let Some((len, end)) = secret_assignment_at(bytes, i)
        {
            hits.push(KeyHit {
                kind: "secret-access-key",
                redacted: format!("[{len} characters redacted]"),
                line,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    hits
}

/// Every credential in a set of environment variables, each hit naming its variable.
pub(crate) fn find_in_environment<'a>(
    vars: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<(String, KeyHit)> {
    let mut hits = Vec::new();
    for (name, value) in vars {
        // The variable name is part of the assignment: `AWS_SECRET_ACCESS_KEY=<40 chars>`.
        for hit in find_aws_keys(&format!("{name}={value}")) {
            hits.push((name.clone(), hit));
        }
    }
    hits
}

/// The end of an access key id starting at `i`, if one does.
fn access_key_id_at(bytes: &[u8], i: usize) -> Option<usize> {
    let end = i + 20;
    let candidate = bytes.get(i..end)?;
    if !ID_PREFIXES.iter().any(|p| candidate.starts_with(*p)) {
        return None;
    }
    if !candidate[4..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(end)
}

/// `aws_secret_access_key` (any case) followed by `=` or `:` and a 40-character value: the value's
/// length and the end of the match.
fn secret_assignment_at(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let name = bytes.get(i..i + SECRET_NAME.len())?;
    if !name.eq_ignore_ascii_case(SECRET_NAME) {
        return None;
    }
    let mut j = i + SECRET_NAME.len();
    // Closing quote of a quoted key (`"aws_secret_access_key": "…"`), spaces, then `=` or `:`.
    while bytes
        .get(j)
        .is_some_and(|c| matches!(c, b'"' | b'\'' | b' ' | b'\t'))
    {
        j += 1;
    }
    if !bytes.get(j).is_some_and(|c| matches!(c, b'=' | b':')) {
        return None;
    }
    j += 1;
    while bytes
        .get(j)
        .is_some_and(|c| matches!(c, b'"' | b'\'' | b' ' | b'\t'))
    {
        j += 1;
    }
    let start = j;
    while bytes
        .get(j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+' | b'='))
    {
        j += 1;
    }
    let len = j - start;
    // An AWS secret key is exactly 40 characters; a longer run is something else.
    (len == SECRET_LEN).then_some((len, j))
}

/// `AKIA…WXYZ`: the prefix says what kind of key it is, the last four identify it.
fn redact_id(id: &str) -> String {
    let prefix = id.get(..4).unwrap_or_default();
    let suffix = id.get(id.len().saturating_sub(4)..).unwrap_or_default();
    format!("{prefix}…{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_and_secret_assignments() {
        let text = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIA4SHOPDEPLOY7Q2XZ\nexport AWS_SECRET_ACCESS_KEY=\"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\"\n";
        let hits = find_aws_keys(text);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].kind, "access-key-id");
        assert_eq!(hits[0].redacted, "AKIA…Q2XZ");
        assert_eq!(hits[0].line, 2);
        assert_eq!(hits[1].kind, "secret-access-key");
        assert_eq!(hits[1].line, 3);
        assert!(!hits[1].redacted.contains("q8Rk"));
    }

    #[test]
    fn finds_config_file_and_json_forms() {
        assert_eq!(
            find_aws_keys("aws_secret_access_key = q8Rk2vLm9XwZ4tPbN7sYc1HdJf6GeUa3Ko5Vi0Br").len(),
            1
        );
        assert_eq!(
            find_aws_keys(
                "{\"aws_secret_access_key\": \"q8Rk2vLm9XwZ4tPbN7sYc1HdJf6GeUa3Ko5Vi0Br\"}"
            )
            .len(),
            1
        );
        assert_eq!(find_aws_keys("token=ASIAZ3EXAMPLE0SESS1X").len(), 1);
    }

    #[test]
    fn ignores_references_and_lookalikes() {
        assert!(find_aws_keys("AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY").is_empty());
        assert!(find_aws_keys("aws_secret_access_key = ${var.secret}").is_empty());
        assert!(find_aws_keys("XAKIA4SHOPDEPLOY7Q2XZ").is_empty());
        assert!(find_aws_keys("AKIA4SHOPDEPLOY7Q2XZ9").is_empty());
        assert!(find_aws_keys("AKIA4shopdeploy7q2xz").is_empty());
        assert!(find_aws_keys("aws_secret_access_key=short").is_empty());
        assert!(find_aws_keys("").is_empty());
    }

    #[test]
    fn environment_names_make_the_assignment() {
        let vars = [
            (
                "AWS_SECRET_ACCESS_KEY".to_owned(),
                "q8Rk2vLm9XwZ4tPbN7sYc1HdJf6GeUa3Ko5Vi0Br".to_owned(),
            ),
            ("LOG_LEVEL".to_owned(), "info".to_owned()),
        ];
        let hits = find_in_environment(vars.iter().map(|(k, v)| (k, v)));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, "AWS_SECRET_ACCESS_KEY");
    }

    #[test]
    fn multibyte_text_does_not_panic() {
        assert!(find_aws_keys("é aws_secret_access_key: ü AKIA€").is_empty());
    }
}
