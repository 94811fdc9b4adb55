//! A secret is never printed or stored whole: its first characters and a fingerprint stand in
//! for it.

use sha2::{Digest, Sha256};

/// The first characters of `secret` followed by `…`: four at most, and never more than a quarter
/// of the secret, so a short password is not half shown.
#[must_use]
pub fn redact(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let total = text.chars().count();
    let shown = (total / 4).min(4);
    let mut out: String = text.chars().take(shown).collect();
    out.push('…');
    out
}

/// A stable fingerprint of the whole secret: the first 16 hex digits of its SHA-256. Two findings
/// with the same fingerprint are the same secret; the fingerprint does not reveal it.
#[must_use]
pub fn fingerprint(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_at_most_four_characters_and_a_quarter() {
        assert_eq!(redact(b"AKIAZZZZZZZZZZZZZZZZ"), "AKIA…");
        assert_eq!(redact(b"hunter22"), "hu…");
        assert_eq!(redact(b"abc"), "…");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(b"a"), fingerprint(b"a"));
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
        assert_eq!(fingerprint(b"abc"), "ba7816bf8f01cfea");
    }
}
