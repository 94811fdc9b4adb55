//! The placeholder filter: one test, applied to the secret of every rule (code rules aside), that
//! tells a value someone typed to stand for a secret from a secret.
//!
//! A generated credential is a random draw from its alphabet; what people write in its place is
//! not. The filter looks for the marks of a hand-written value rather than for per-rule lists:
//!
//! - **filler**: most of the value is made of runs that carry no information: one character
//!   repeated (`aaaa`, `1111`), a short group repeated (`abc123abc123`, `abab`), or a sequence
//!   (`abcdefg`, `123456789`). Measured on the letters and digits of the whole value, so a real
//!   prefix (`sk-ant-api03-`, `xoxb-`, `glc_`, `AIza`) followed by filler is still filler;
//! - **low entropy**: a long value drawing on very few distinct characters (`aXaXbXbXaX…`);
//! - **template markers**: `<…>`, `${…}`, `{{…}}`, `%(…)s`, `#{…}`, `$NAME`, a run of `x`/`X`
//!   (`xxxx`, or `xxx` standing alone between separators), `****`;
//! - **documentation words**: `example`, `placeholder`, `changeme`, `dummy`, `redacted`,
//!   `sample`, `your_…`, `…_here`, `insert_…`, `fake`, `lorem`, `foobar`.
//!
//! The thresholds are chosen so that a random value of the alphabets credentials use (hex,
//! base32, base62, base64) is kept: filler runs must cover more than half of the value, and runs
//! count only from four characters (a group of p characters must be written twice in a row), which
//! a uniform draw produces rarely and never over half of a value. The filter's own tests draw random
//! values of each alphabet and check that none is taken for a placeholder.

use regex::bytes::{Regex, RegexBuilder};

/// Documentation words and template markers, matched against the secret (case-insensitive).
const MARKERS: &[&str] = &[
    r"(?i)example|placeholder|changeme|change_me|change-me|dummy|redacted|sample|lorem|foobar",
    r"(?i)fake[_-](?:key|token|secret|password|value|api)|^fake[_-]",
    r"(?i)^your[_-]|[_-]here$|^insert[_-]|^replace[_-]?me|^todo$",
    r"(?i)x{4,}|(?:^|[^A-Za-z0-9])xxx(?:[^A-Za-z0-9]|$)|\*{4,}",
    r"<[^<>\s]{1,64}>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)[sd]|#\{[^}]*\}|^\$[A-Za-z_][A-Za-z0-9_]*$",
];

/// The compiled filter.
#[derive(Debug, Clone)]
pub struct Placeholders {
    markers: Regex,
}

impl Placeholders {
    /// Compiles the filter.
    ///
    /// # Errors
    /// A marker regex does not compile (a test keeps this from happening).
    pub fn new() -> Result<Self, regex::Error> {
        let joined = MARKERS
            .iter()
            .map(|m| format!("(?:{m})"))
            .collect::<Vec<_>>()
            .join("|");
        let markers = RegexBuilder::new(&joined).unicode(false).build()?;
        Ok(Placeholders { markers })
    }

    /// Whether `secret` stands for a secret rather than being one (see the module docs).
    #[must_use]
    pub fn is_placeholder(&self, secret: &[u8]) -> bool {
        self.markers.is_match(secret) || is_filler(secret)
    }
}

/// Most of the letters and digits of `value` lie in filler runs, or the value is long and draws on
/// very few distinct characters.
#[must_use]
pub fn is_filler(value: &[u8]) -> bool {
    let s: Vec<u8> = value
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    if s.len() < 8 {
        return false;
    }
    let mut distinct = [false; 256];
    for &b in &s {
        distinct[usize::from(b)] = true;
    }
    let kinds = distinct.iter().filter(|&&d| d).count();
    // Sixteen characters or more from at most four distinct ones: no generated key looks so.
    if s.len() >= 16 && kinds <= 4 {
        return true;
    }
    let mut filler = vec![false; s.len()];
    mark_periodic(&s, &mut filler);
    mark_sequences(&s, &mut filler);
    let covered = filler.iter().filter(|&&f| f).count();
    covered * 2 > s.len()
}

/// Marks runs where the text repeats itself with a period of 1 to 8 characters: `aaaa` (period 1,
/// four characters at least), `ababab`, `abc123abc123` (a group of p characters written at least
/// twice, and over six characters in all).
fn mark_periodic(s: &[u8], filler: &mut [bool]) {
    for p in 1..=8usize {
        let need = p + if p == 1 { 3 } else { p.max(4) };
        let mut start = 0; // start of the current periodic stretch
        for i in p..=s.len() {
            let continues = i < s.len() && s[i] == s[i - p];
            if !continues {
                // Stretch [start, i) is p-periodic.
                if i - start >= need {
                    filler[start..i].iter_mut().for_each(|f| *f = true);
                }
                start = i + 1 - p;
            }
        }
    }
}

/// Marks runs of at least four consecutive characters each one more (or one less) than the one
/// before: `abcd`, `6789`, `zyxw`; `9` followed by `0` continues a digit sequence (`1234567890`).
fn mark_sequences(s: &[u8], filler: &mut [bool]) {
    let step = |a: u8, b: u8| -> i8 {
        if b == a.wrapping_add(1) || (a == b'9' && b == b'0') {
            1
        } else if a == b.wrapping_add(1) {
            -1
        } else {
            0
        }
    };
    let mut start = 0;
    let mut dir = 0i8;
    for i in 1..=s.len() {
        let d = if i < s.len() { step(s[i - 1], s[i]) } else { 0 };
        if d != 0 && (dir == 0 || d == dir) {
            dir = d;
            continue;
        }
        if dir != 0 && i - start >= 4 {
            filler[start..i].iter_mut().for_each(|f| *f = true);
        }
        // A new run starts at i - 1 when the step changed direction, else at i.
        if d != 0 {
            start = i - 1;
            dir = d;
        } else {
            start = i;
            dir = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Placeholders {
        Placeholders::new().expect("markers compile")
    }

    #[test]
    fn repeated_characters_are_placeholders_even_behind_a_real_prefix() {
        let f = filter();
        for v in [
            "1111111111111111",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            // Anthropic, Slack, Grafana and Google prefixes followed by filler.
            &format!("sk-ant-api03-{}", "a".repeat(90)),
            "xoxb-1111111111-1111111111-aaaaaaaaaaaaaaaaaaaaaaaa",
            &format!("glc_{}", "abc123".repeat(8)),
            &format!("AIza{}", "A".repeat(35)),
            &format!("AIzaSy{}", "abc123".repeat(6)),
        ] {
            assert!(f.is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn sequences_and_repeated_groups_are_placeholders() {
        let f = filter();
        for v in [
            "abcdefghijklmnopqrstuvwxyz",
            "1234567890123456789012345678901234567890",
            "abc123abc123abc123abc123",
            "xoxb-1234567890-1234567890-abcdefghijklmnopqrstuvwx",
            "ABCDEFGHIJKLMNOP0123456789",
            "zyxwvutsrqponm",
            "abababababababab",
        ] {
            assert!(f.is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn template_markers_and_documentation_values_are_placeholders() {
        let f = filter();
        for v in [
            "<your-api-key>",
            "${STRIPE_SECRET}",
            "{{ vault_token }}",
            "%(password)s",
            "#{secret}",
            "$DB_PASSWORD",
            "sk_live_xxxxxxxxxxxxxxxxxxxx",
            "xxx",
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "AKIAIOSFODNN7EXAMPLE",
            "your_token_here",
            "my-placeholder-secret",
            "changeme",
            "fake_token_for_tests",
            "****************",
        ] {
            assert!(f.is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn real_looking_values_are_not_placeholders() {
        let f = filter();
        for v in [
            "Tr0ub4dor&3x",
            "hunter2-Prod",
            "nTtkJcsfBlrciE2gwm1WyOVDZUmOBwrV3dR0501K",
            "xoxb-879713398939-9551385638280-4ps7cUds7xAZFEdAeTNxzOSW",
            "3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c2e",
            "uf3totah3ep6moq5hyrqwen2roiwjecgsicqvwgiyylxkymjmsez",
            // An OpenSSH key body: runs of `A` from zero bytes, but a small share of the value.
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDh",
        ] {
            assert!(!f.is_placeholder(v.as_bytes()), "{v}");
        }
    }

    /// A uniform draw from the alphabets credentials use is never filler: 20,000 values of each
    /// alphabet, at the shortest lengths the catalogue accepts.
    #[test]
    fn random_values_of_credential_alphabets_are_kept() {
        let f = filter();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for (alphabet, len) in [
            (&b"0123456789abcdef"[..], 32),
            (&b"abcdefghijklmnopqrstuvwxyz234567"[..], 52),
            (
                &b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[..],
                20,
            ),
            (
                &b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[..],
                40,
            ),
            (&b"0123456789"[..], 20),
        ] {
            let mut dropped = Vec::new();
            for _ in 0..20_000 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        let i = usize::try_from(next() % alphabet.len() as u64).unwrap_or(0);
                        alphabet[i]
                    })
                    .collect();
                if f.is_placeholder(&v) {
                    dropped.push(String::from_utf8_lossy(&v).into_owned());
                }
            }
            assert!(
                dropped.is_empty(),
                "{} random values of {:?} taken for placeholders: {:?}",
                dropped.len(),
                String::from_utf8_lossy(alphabet),
                &dropped[..dropped.len().min(5)]
            );
        }
    }
}
