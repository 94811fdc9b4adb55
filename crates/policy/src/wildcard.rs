//! Wildcard patterns (`*` any run, `?` one character) as IAM uses them: matching a value,
//! deciding whether one pattern covers another, and whether two patterns can match a common value.

/// Whether `pattern` matches `text`; `fold` compares ASCII case-insensitively (actions).
#[must_use]
pub fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    glob(pattern, text, fold, false)
}

/// [`matches`] for a pattern in which `\\` makes the next character literal: the form policy
/// variables are substituted into ([`crate::eval::substitute_pattern`]), where `${*}` and `${?}`
/// stand for a literal `*` and `?` ("IAM policy elements: Variables and tags", special
/// characters).
#[must_use]
pub fn matches_escaped(pattern: &str, text: &str, fold: bool) -> bool {
    glob(pattern, text, fold, true)
}

/// The pattern symbol at `pi`: `Some(None)` for `*`, `Some(Some((c, wild)))` for a character
/// (`wild`: it is `?`), with the width it takes in the pattern.
fn symbol(p: &[u8], pi: usize, esc: bool) -> Option<(Option<(u8, bool)>, usize)> {
    let c = *p.get(pi)?;
    Some(match c {
        b'\\' if esc && pi + 1 < p.len() => (Some((p[pi + 1], false)), 2),
        b'*' => (None, 1),
        b'?' => (Some((c, true)), 1),
        _ => (Some((c, false)), 1),
    })
}

fn glob(pattern: &str, text: &str, fold: bool, esc: bool) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let eq = |a: u8, b: u8| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match symbol(p, pi, esc) {
            Some((None, w)) => {
                star = Some((pi + w, ti));
                pi += w;
            }
            Some((Some((c, wild)), w)) if wild || eq(c, t[ti]) => {
                // `?` stands for one character: step over a whole UTF-8 sequence.
                ti += if wild { utf8_len(t[ti]) } else { 1 };
                pi += w;
            }
            _ => match star {
                Some((after, st)) => {
                    let next = st + utf8_len(t[st]);
                    star = Some((after, next));
                    pi = after;
                    ti = next;
                }
                None => return false,
            },
        }
    }
    // Only stars may remain.
    while let Some((None, w)) = symbol(p, pi, esc) {
        pi += w;
    }
    pi >= p.len()
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// Whether an ARN pattern matches an ARN: the first five `:`-separated parts are matched one by
/// one and the rest as one; a pattern of `*` matches anything. Case-sensitive, as AWS compares
/// resources. A `*` that ends one of the first five parts may also reach across colons ("IAM
/// JSON policy elements: Resource", wildcards in resource ARNs: "If the `*` wildcard is the
/// last character of a resource ARN segment, it can expand to match beyond the colon
/// boundaries"), so `arn:aws:ec2:*` matches every EC2 ARN of the partition.
#[must_use]
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    arn_glob(pattern, arn, false, true)
}

/// [`arn_matches`] for a pattern written as [`matches_escaped`] reads it.
#[must_use]
pub fn arn_matches_escaped(pattern: &str, arn: &str) -> bool {
    arn_glob(pattern, arn, true, true)
}

/// The test of the `Arn…` condition operators: "each of the six colon-delimited components of
/// the ARN is checked separately" ("IAM JSON policy elements: Condition operators", ARN
/// condition operators), so no star reaches across a colon of the first five parts.
/// `escaped`: the pattern is written as [`matches_escaped`] reads it.
#[must_use]
pub fn arn_like(pattern: &str, arn: &str, escaped: bool) -> bool {
    arn_glob(pattern, arn, escaped, false)
}

fn arn_glob(pattern: &str, arn: &str, esc: bool, across: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.starts_with("arn:") || !arn.starts_with("arn:") {
        return glob(pattern, arn, false, esc);
    }
    let mut p = pattern.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    let by_parts = loop {
        match (p.next(), a.next()) {
            (None, None) => break true,
            (Some(pp), Some(aa)) => {
                if !glob(pp, aa, false, esc) {
                    break false;
                }
            }
            _ => break false,
        }
    };
    // A star reaching across colons can only help when the ARN has colons the pattern lacks.
    by_parts
        || (across
            && arn.bytes().filter(|&b| b == b':').count()
                > pattern.bytes().filter(|&b| b == b':').count()
            && across_colons(pattern.as_bytes(), arn.as_bytes(), esc))
}

/// One symbol of an ARN pattern for [`across_colons`].
#[derive(Clone, Copy)]
enum Sym {
    Lit(u8),
    /// `?`; whether it may stand for a colon (in the resource part).
    One(bool),
    /// `*`; whether it may take colons (ending a segment, or in the resource part).
    Star(bool),
}

/// The ARN match in which a `*` ending a segment may take colons: a small table over the
/// pattern's symbols and the ARN's bytes (only tried when matching part by part failed).
fn across_colons(p: &[u8], t: &[u8], esc: bool) -> bool {
    let mut syms: Vec<Sym> = Vec::with_capacity(p.len());
    let mut colons = 0;
    let mut pi = 0;
    while let Some((s, w)) = symbol(p, pi, esc) {
        let resource_part = colons >= 5;
        let next_is_boundary = matches!(
            symbol(p, pi + w, esc),
            None | Some((Some((b':', false)), _))
        );
        syms.push(match s {
            None => Sym::Star(resource_part || next_is_boundary),
            Some((_, true)) => Sym::One(resource_part),
            Some((c, false)) => {
                if c == b':' {
                    colons += 1;
                }
                Sym::Lit(c)
            }
        });
        pi += w;
    }
    // reach[j]: the symbols so far can match t[..j].
    let mut reach = vec![false; t.len() + 1];
    reach[0] = true;
    for s in syms {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            match s {
                Sym::Star(colon_ok) => {
                    // A star keeps every reachable end and extends it over what it may take.
                    if reach[j] || (j > 0 && next[j - 1] && (colon_ok || t[j - 1] != b':')) {
                        next[j] = true;
                    }
                }
                Sym::One(colon_ok) => {
                    if j > 0 && reach[j - 1] && (colon_ok || t[j - 1] != b':') {
                        next[j] = true;
                    }
                }
                Sym::Lit(c) => {
                    if j > 0 && reach[j - 1] && t[j - 1] == c {
                        next[j] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[t.len()]
}

/// Whether every value `inner` matches is also matched by `outer` (a sufficient test: patterns
/// are compared symbol by symbol, so it never claims coverage that does not hold).
#[must_use]
pub fn covers(outer: &str, inner: &str, fold: bool) -> bool {
    if outer == "*" {
        return true;
    }
    // Fast paths: a literal covers only itself; a pattern covers a literal it matches.
    if !has_wildcard(outer) {
        return if fold {
            outer.eq_ignore_ascii_case(inner)
        } else {
            outer == inner
        };
    }
    if !has_wildcard(inner) {
        return matches(outer, inner, fold);
    }
    // Necessary condition, cheap: every value of `inner` starts with its literal prefix only, so
    // `outer`'s literal prefix must be a prefix of it (most pairs of patterns fail here).
    let literal = |s: &str| s.find(['*', '?']).unwrap_or(s.len());
    let (lo, li) = (literal(outer), literal(inner));
    let same = |a: &[u8], b: &[u8]| {
        if fold {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    if lo > li || !same(&outer.as_bytes()[..lo], &inner.as_bytes()[..lo]) {
        return false;
    }
    let p: Vec<u8> = outer
        .bytes()
        .map(|b| if fold { b.to_ascii_lowercase() } else { b })
        .collect();
    let q: Vec<u8> = inner
        .bytes()
        .map(|b| if fold { b.to_ascii_lowercase() } else { b })
        .collect();
    // dp[i][j]: p[i..] covers q[j..]
    let (lp, lq) = (p.len(), q.len());
    let mut next = vec![false; lq + 1];
    let mut cur = vec![false; lq + 1];
    // Row lp: empty pattern covers only the empty rest.
    next[lq] = true;
    for i in (0..lp).rev() {
        for j in (0..=lq).rev() {
            cur[j] = if p[i] == b'*' {
                next[j] || (j < lq && cur[j + 1])
            } else if j < lq {
                match q[j] {
                    b'*' => false,
                    b'?' => p[i] == b'?' && next[j + 1],
                    c => (p[i] == b'?' || p[i] == c) && next[j + 1],
                }
            } else {
                false
            };
        }
        std::mem::swap(&mut cur, &mut next);
    }
    next[0]
}

/// Whether some value is matched by both patterns.
#[must_use]
pub fn intersects(a: &str, b: &str, fold: bool) -> bool {
    if a == "*" || b == "*" {
        return true;
    }
    match (has_wildcard(a), has_wildcard(b)) {
        (false, false) => {
            return if fold {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            };
        }
        (true, false) => return matches(a, b, fold),
        (false, true) => return matches(b, a, fold),
        (true, true) => {}
    }
    let a: Vec<u8> = a
        .bytes()
        .map(|x| if fold { x.to_ascii_lowercase() } else { x })
        .collect();
    let b: Vec<u8> = b
        .bytes()
        .map(|x| if fold { x.to_ascii_lowercase() } else { x })
        .collect();
    let (la, lb) = (a.len(), b.len());
    // reach[i][j]: state (i, j) reachable from (0, 0).
    let mut reach = vec![false; (la + 1) * (lb + 1)];
    let idx = |i: usize, j: usize| i * (lb + 1) + j;
    reach[0] = true;
    for i in 0..=la {
        for j in 0..=lb {
            if !reach[idx(i, j)] {
                continue;
            }
            if i == la && j == lb {
                return true;
            }
            let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
            if ca == Some(b'*') {
                reach[idx(i + 1, j)] = true;
                if j < lb {
                    reach[idx(i, j + 1)] = true;
                }
            }
            if cb == Some(b'*') {
                reach[idx(i, j + 1)] = true;
                if i < la {
                    reach[idx(i + 1, j)] = true;
                }
            }
            if let (Some(x), Some(y)) = (ca, cb)
                && x != b'*'
                && y != b'*'
                && (x == y || x == b'?' || y == b'?')
            {
                reach[idx(i + 1, j + 1)] = true;
            }
        }
    }
    reach[idx(la, lb)]
}

/// Whether the text has a wildcard.
#[must_use]
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(matches("s3:Get*", "s3:getobject", true));
        assert!(!matches("s3:Get*", "s3:getobject", false));
        assert!(matches("a?c", "abc", false));
        assert!(matches("*", "", false));
        assert!(!matches("a*b", "acbd", false));
        assert!(matches("a*b*", "acbd", false));
        assert!(matches("?", "é", false));
        // Escaped: `\\*` and `\\?` are literal.
        assert!(matches_escaped("a\\*", "a*", false));
        assert!(!matches_escaped("a\\*", "ab", false));
        assert!(!matches_escaped("a\\?", "ab", false));
        assert!(matches_escaped("a\\\\*", "a\\bc", false));
        assert!(matches_escaped("a*\\?", "abc?", false));
    }

    #[test]
    fn arn_parts() {
        assert!(arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b"
        ));
        assert!(!arn_matches("arn:aws:s3:::bucket*", "arn:aws:s3:::other"));
        assert!(arn_matches(
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::123456789012:role/x"
        ));
        // A `*` ending a segment reaches across colons (IAM User Guide, "IAM JSON policy
        // elements: Resource"); one inside a segment does not.
        assert!(arn_matches("arn:aws:iam::*", "arn:aws:iam::1:role/x"));
        assert!(arn_matches(
            "arn:aws:sqs:eu-west-1:1*",
            "arn:aws:sqs:eu-west-1:1:q"
        ));
        assert!(!arn_matches("arn:aws:iam::1*2", "arn:aws:iam::1:role/2"));
        assert!(!arn_matches(
            "arn:aws:sqs:eu-west-1",
            "arn:aws:sqs:eu-west-1:1:q"
        ));
        assert!(arn_matches("arn:aws:iam::*:*", "arn:aws:iam::1:role/x"));
    }

    #[test]
    fn coverage() {
        assert!(covers("*", "arn:aws:s3:::b/*", false));
        assert!(covers("arn:aws:s3:::b*", "arn:aws:s3:::b/*", false));
        assert!(!covers("arn:aws:s3:::b/*", "arn:aws:s3:::b*", false));
        assert!(covers("s3:*", "s3:get*", true));
        assert!(!covers("s3:get?", "s3:get*", true));
        assert!(covers("a?c", "a?c", false));
    }

    #[test]
    fn intersection() {
        assert!(intersects("arn:aws:s3:::b/*", "arn:*:s3:::*/*", false));
        assert!(!intersects("arn:aws:s3:::b", "arn:*:s3:::*/*", false));
        assert!(intersects("s3:Get*", "*Object", true));
        assert!(!intersects("s3:Get*", "ec2:*", true));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// `covers` is sound: whatever the inner pattern matches, the outer one matches too.
        #[test]
        fn covers_is_sound(
            outer in "[ab*?]{0,5}",
            inner in "[ab*?]{0,5}",
            texts in proptest::collection::vec("[ab]{0,6}", 0..24),
            fold: bool,
        ) {
            if covers(&outer, &inner, fold) {
                for t in &texts {
                    if matches(&inner, t, fold) {
                        proptest::prop_assert!(matches(&outer, t, fold), "{outer} covers {inner} but not {t}");
                    }
                }
            }
        }
    }
}
