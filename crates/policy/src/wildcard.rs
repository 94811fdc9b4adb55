//! Wildcard patterns (`*` any run, `?` one character) as IAM uses them: matching a value,
//! deciding whether one pattern covers another, and whether two patterns can match a common value.

/// Whether `pattern` matches `text`; `fold` compares ASCII case-insensitively (actions).
#[must_use]
pub fn matches(pattern: &str, text: &str, fold: bool) -> bool {
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
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || eq(c, t[ti]) => {
                // `?` stands for one character: step over a whole UTF-8 sequence.
                if c == b'?' {
                    ti += utf8_len(t[ti]);
                } else {
                    ti += 1;
                }
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    let next = st + utf8_len(t[st]);
                    star = Some((sp, next));
                    pi = sp + 1;
                    ti = next;
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
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
/// one (a wildcard does not reach across them) and the rest as one; a pattern of `*` matches
/// anything. Case-sensitive, as AWS compares resources.
#[must_use]
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.starts_with("arn:") || !arn.starts_with("arn:") {
        return matches(pattern, arn, false);
    }
    let mut p = pattern.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(pp), Some(aa)) => {
                if !matches(pp, aa, false) {
                    return false;
                }
            }
            _ => return false,
        }
    }
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
        assert!(!arn_matches("arn:aws:iam::*", "arn:aws:iam::1:role/x"));
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
