//! Version orders of the package ecosystems, as each ecosystem defines them.
//!
//! - PyPI: PEP 440 (epochs, pre/post/dev releases, local versions), by `pep440_rs`.
//! - npm and crates.io: SemVer 2.0 (§11 precedence: a pre-release sorts before its release,
//!   dot-separated identifiers compare numerically when numeric; §10: build metadata is ignored).
//! - Go: module versions are SemVer with a `v` prefix; pseudo-versions
//!   (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and sort by their timestamp;
//!   `+incompatible` is build metadata and does not take part in the order.
//! - RubyGems: `Gem::Version` — segments of digits or letters; a letter makes a pre-release;
//!   trailing zero segments of the release and pre-release parts do not count (`1.0` = `1`);
//!   a string segment sorts before a numeric one; `-` reads as `.pre.`.
//! - Packagist: Composer's order (PHP `version_compare` on normalised versions): `dev` < `alpha`
//!   < `beta` < `RC` < a release < `patch`/`pl`; a leading `v` is dropped, missing numeric
//!   components are zeros (`1.0` = `1.0.0.0`, as Composer normalises).

use std::cmp::Ordering;
use std::str::FromStr;

/// A package ecosystem, named as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    /// Python packages (`PyPI`).
    PyPI,
    /// Node packages (`npm`).
    Npm,
    /// Ruby gems (`RubyGems`).
    RubyGems,
    /// Rust crates (`crates.io`).
    Crates,
    /// Go modules (`Go`).
    Go,
    /// PHP packages (`Packagist`).
    Packagist,
}

impl Ecosystem {
    /// Every ecosystem, with the directory name osv.dev's export uses.
    pub const ALL: [Ecosystem; 6] = [
        Ecosystem::PyPI,
        Ecosystem::Npm,
        Ecosystem::RubyGems,
        Ecosystem::Crates,
        Ecosystem::Go,
        Ecosystem::Packagist,
    ];

    /// The OSV name (`PyPI`, `npm`, `crates.io`…).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Crates => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::Packagist => "Packagist",
        }
    }

    /// The ecosystem an OSV `affected[].package.ecosystem` names (`Debian:11`-style suffixes
    /// are not ours: only the six ecosystems above are read).
    #[must_use]
    pub fn from_osv(name: &str) -> Option<Self> {
        Ecosystem::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// A package name as the ecosystem compares names: PyPI per PEP 503 (lower case, runs of
    /// `-`, `_`, `.` are one `-`), Packagist in lower case (Composer names are
    /// case-insensitive), the others as written.
    #[must_use]
    pub fn normalise_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.push(c.to_ascii_lowercase());
                    }
                }
                out
            }
            Ecosystem::Packagist => name.trim().to_ascii_lowercase(),
            _ => name.trim().to_owned(),
        }
    }

    /// Parses a version in this ecosystem's scheme.
    ///
    /// # Errors
    /// When the text is not a version of the scheme.
    pub fn parse(self, text: &str) -> Result<Version, String> {
        match self {
            Ecosystem::PyPI => parse_pep440(text),
            Ecosystem::Npm | Ecosystem::Crates => parse_semver(text),
            Ecosystem::Go => parse_semver(text.strip_prefix('v').unwrap_or(text)),
            Ecosystem::RubyGems => GemVersion::parse(text).map(Version::Gem),
            Ecosystem::Packagist => PhpVersion::parse(text).map(Version::Php),
        }
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed version of one scheme.
#[derive(Debug, Clone)]
pub enum Version {
    /// PEP 440.
    Pep(pep440_rs::Version),
    /// SemVer (build metadata removed).
    Sem(semver::Version),
    /// RubyGems.
    Gem(GemVersion),
    /// Composer.
    Php(PhpVersion),
}

impl Version {
    /// The order of two versions of one scheme (`None` across schemes).
    #[must_use]
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Pep(a), Version::Pep(b)) => Some(a.cmp(b)),
            (Version::Sem(a), Version::Sem(b)) => Some(a.cmp(b)),
            (Version::Gem(a), Version::Gem(b)) => Some(a.cmp(b)),
            (Version::Php(a), Version::Php(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

fn parse_pep440(text: &str) -> Result<Version, String> {
    pep440_rs::Version::from_str(text.trim())
        .map(Version::Pep)
        .map_err(|e| format!("`{text}` is not a PEP 440 version: {e}"))
}

/// SemVer, with the leniency npm's lock files need (a leading `v` or `=`), build metadata
/// dropped (SemVer §10: it does not take part in precedence).
///
/// # Errors
/// When the text is not a SemVer version.
pub fn parse_semver(text: &str) -> Result<Version, String> {
    let t = text.trim();
    let t = t.strip_prefix('=').unwrap_or(t);
    let t = t.strip_prefix('v').unwrap_or(t);
    let mut v =
        semver::Version::parse(t).map_err(|e| format!("`{text}` is not a SemVer version: {e}"))?;
    v.build = semver::BuildMetadata::EMPTY;
    Ok(Version::Sem(v))
}

/// A segment of a RubyGems version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GemSeg {
    Num(u64),
    Str(String),
}

/// A RubyGems version, as its canonical segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GemVersion {
    segments: Vec<GemSeg>,
}

impl GemVersion {
    /// Parses like `Gem::Version.new` (which accepts digits, letters, `.` and `-`).
    ///
    /// # Errors
    /// On anything else, or an empty version.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            || !t.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!("`{text}` is not a RubyGems version"));
        }
        let t = t.replace('-', ".pre.");
        let mut segs = Vec::new();
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let n = t[start..i]
                    .parse::<u64>()
                    .map_err(|_| format!("`{text}`: a number is too large"))?;
                segs.push(GemSeg::Num(n));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segs.push(GemSeg::Str(t[start..i].to_owned()));
            } else {
                i += 1;
            }
        }
        // Canonical: the numeric (release) part and the rest each lose trailing zeros.
        let split = segs
            .iter()
            .position(|s| matches!(s, GemSeg::Str(_)))
            .unwrap_or(segs.len());
        let mut rest = segs.split_off(split);
        while segs.last() == Some(&GemSeg::Num(0)) {
            segs.pop();
        }
        while rest.last() == Some(&GemSeg::Num(0)) {
            rest.pop();
        }
        segs.extend(rest);
        Ok(GemVersion { segments: segs })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        let zero = GemSeg::Num(0);
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (GemSeg::Num(x), GemSeg::Num(y)) => x.cmp(y),
                (GemSeg::Str(x), GemSeg::Str(y)) => x.cmp(y),
                (GemSeg::Str(_), GemSeg::Num(_)) => Ordering::Less,
                (GemSeg::Num(_), GemSeg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A part of a Composer version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PhpPart {
    Num(u64),
    /// A special form's rank: dev 0, alpha 1, beta 2, RC 3, patch/pl 5; unknown words -6
    /// (PHP's `version_compare` ranks; a number ranks 4).
    Word(i8),
}

/// A Composer (Packagist) version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhpVersion {
    parts: Vec<PhpPart>,
}

impl PhpVersion {
    /// Parses a Composer version (`v1.2.3`, `1.2.3-beta2`, `2.0.0-RC1`, `1.0.0-p1`).
    ///
    /// # Errors
    /// When it holds no digit or characters outside a version.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let t = t
            .strip_prefix('v')
            .or_else(|| t.strip_prefix('V'))
            .unwrap_or(t);
        if !t.starts_with(|c: char| c.is_ascii_digit())
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
        {
            return Err(format!("`{text}` is not a Composer version"));
        }
        let mut parts = Vec::new();
        let mut cur = String::new();
        let flush = |cur: &mut String, parts: &mut Vec<PhpPart>| -> Result<(), String> {
            if cur.is_empty() {
                return Ok(());
            }
            let p = if cur.as_bytes()[0].is_ascii_digit() {
                PhpPart::Num(
                    cur.parse()
                        .map_err(|_| format!("`{text}`: a number is too large"))?,
                )
            } else {
                PhpPart::Word(match cur.to_ascii_lowercase().as_str() {
                    "dev" => 0,
                    "alpha" | "a" => 1,
                    "beta" | "b" => 2,
                    "rc" => 3,
                    "patch" | "pl" | "p" => 5,
                    "stable" => 4,
                    _ => -6,
                })
            };
            parts.push(p);
            cur.clear();
            Ok(())
        };
        for c in t.chars() {
            if matches!(c, '.' | '-' | '_' | '+') {
                flush(&mut cur, &mut parts)?;
            } else {
                if let Some(last) = cur.chars().last()
                    && last.is_ascii_digit() != c.is_ascii_digit()
                {
                    flush(&mut cur, &mut parts)?;
                }
                cur.push(c);
            }
        }
        flush(&mut cur, &mut parts)?;
        // `stable` is a release: it adds nothing.
        parts.retain(|p| *p != PhpPart::Word(4));
        Ok(PhpVersion { parts })
    }
}

impl Ord for PhpVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        for i in 0..n {
            let o = match (self.parts.get(i), other.parts.get(i)) {
                (Some(PhpPart::Num(a)), Some(PhpPart::Num(b))) => a.cmp(b),
                (Some(PhpPart::Word(a)), Some(PhpPart::Word(b))) => a.cmp(b),
                (Some(PhpPart::Num(_)), Some(PhpPart::Word(w))) => 4.cmp(w),
                (Some(PhpPart::Word(w)), Some(PhpPart::Num(_))) => w.cmp(&4),
                // A missing part is a zero next to a number (Composer pads to four
                // components), and a release next to a word (`1.0` > `1.0-beta`).
                (None, Some(PhpPart::Num(b))) => 0.cmp(b),
                (Some(PhpPart::Num(a)), None) => a.cmp(&0),
                (None, Some(PhpPart::Word(w))) => 4.cmp(w),
                (Some(PhpPart::Word(w)), None) => w.cmp(&4),
                (None, None) => Ordering::Equal,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for PhpVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(eco: Ecosystem, list: &[&str]) {
        let parsed: Vec<Version> = list
            .iter()
            .map(|v| eco.parse(v).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        for (i, a) in parsed.iter().enumerate() {
            for (j, b) in parsed.iter().enumerate() {
                assert_eq!(
                    a.compare(b),
                    Some(i.cmp(&j)),
                    "{eco}: {} vs {}",
                    list[i],
                    list[j]
                );
            }
        }
    }

    /// The order given as an example in PEP 440 ("Summary of permitted suffixes and relative
    /// ordering"), plus epochs and local versions.
    #[test]
    fn pep440_order_of_the_specification() {
        ordered(
            Ecosystem::PyPI,
            &[
                "1.dev0",
                "1.0.dev456",
                "1.0a1",
                "1.0a2.dev456",
                "1.0a12.dev456",
                "1.0a12",
                "1.0b1.dev456",
                "1.0b2",
                "1.0b2.post345.dev456",
                "1.0b2.post345",
                "1.0rc1.dev456",
                "1.0rc1",
                "1.0",
                "1.0+abc.5",
                "1.0+abc.7",
                "1.0+5",
                "1.0.post456.dev34",
                "1.0.post456",
                "1.0.15",
                "1.1.dev1",
                "1!0.1",
            ],
        );
        let a = Ecosystem::PyPI
            .parse("1.0")
            .unwrap_or_else(|e| panic!("{e}"));
        let b = Ecosystem::PyPI
            .parse("1.0.0")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
    }

    /// SemVer 2.0 §11's example order.
    #[test]
    fn semver_precedence_of_the_specification() {
        ordered(
            Ecosystem::Npm,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "2.0.0",
                "2.1.0",
                "2.1.1",
            ],
        );
        let a = Ecosystem::Crates
            .parse("1.0.0+build.1")
            .unwrap_or_else(|e| panic!("{e}"));
        let b = Ecosystem::Crates
            .parse("1.0.0")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
    }

    /// Go: pseudo-versions are pre-releases of the next patch and sort by time.
    #[test]
    fn go_pseudo_versions() {
        ordered(
            Ecosystem::Go,
            &[
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-aaaaaaaaaaaa",
                "v0.1.0",
                "v1.2.3-pre",
                "v1.2.3",
                "v1.2.4-0.20200101000000-abcdefabcdef",
                "v1.2.4",
                "v2.0.0+incompatible",
                "v2.0.1",
            ],
        );
    }

    /// RubyGems: pre-releases (a letter) before the release; `1.0` = `1`; `-` is `.pre.`.
    #[test]
    fn rubygems_order() {
        ordered(
            Ecosystem::RubyGems,
            &[
                "0.9", "1.0.a", "1.0.a.2", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1", "1.10",
            ],
        );
        let a = Ecosystem::RubyGems
            .parse("1.0.0")
            .unwrap_or_else(|e| panic!("{e}"));
        let b = Ecosystem::RubyGems
            .parse("1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
        let pre = Ecosystem::RubyGems
            .parse("1.2.3-1")
            .unwrap_or_else(|e| panic!("{e}"));
        let rel = Ecosystem::RubyGems
            .parse("1.2.3")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pre.compare(&rel), Some(Ordering::Less));
    }

    #[test]
    fn composer_order() {
        ordered(
            Ecosystem::Packagist,
            &[
                "1.0.0-dev",
                "1.0.0-alpha1",
                "1.0.0-beta2",
                "1.0.0-RC1",
                "v1.0.0",
                "1.0.0-p1",
                "1.0.1",
                "1.10.0",
            ],
        );
        let a = Ecosystem::Packagist
            .parse("1.0")
            .unwrap_or_else(|e| panic!("{e}"));
        let b = Ecosystem::Packagist
            .parse("1.0.0.0")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
    }

    /// PEP 503: `PyYAML`, `pyyaml`, `py_yaml`… name one project when separators agree.
    #[test]
    fn pep503_names() {
        let n = |s| Ecosystem::PyPI.normalise_name(s);
        assert_eq!(n("PyYAML"), "pyyaml");
        assert_eq!(n("Flask_Caching"), "flask-caching");
        assert_eq!(n("zope.interface"), "zope-interface");
        assert_eq!(n("a-_.b"), "a-b");
        assert_eq!(Ecosystem::Npm.normalise_name("@Scope/x"), "@Scope/x");
    }
}
