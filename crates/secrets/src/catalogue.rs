//! The pattern catalogue: rules as data (`patterns/*.toml`), validated and compiled once.
//!
//! A rule names the secret with capture group 1 of its regex, lists the keywords the prefilter
//! looks for (a rule runs on a text only when one of its keywords occurs in it), and carries
//! positive and negative examples that the tests assert. Examples may contain the marker `{-}`,
//! removed before use: it splits token literals so that the repository itself holds no string a
//! push-protection scanner would take for a live credential.

use std::collections::HashSet;

use rampart_model::Severity;
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::error::CatalogueError;
use crate::placeholder::Placeholders;

/// The catalogue files built into rampart, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "patterns/cloud.toml",
        include_str!("../patterns/cloud.toml"),
    ),
    ("patterns/vcs.toml", include_str!("../patterns/vcs.toml")),
    ("patterns/keys.toml", include_str!("../patterns/keys.toml")),
    ("patterns/saas.toml", include_str!("../patterns/saas.toml")),
    (
        "patterns/generic.toml",
        include_str!("../patterns/generic.toml"),
    ),
    ("patterns/code.toml", include_str!("../patterns/code.toml")),
];

/// How far from a keyword a rule's match may lie, unless the rule says otherwise.
pub const DEFAULT_REACH: usize = 512;

/// The marker removed from examples (see the module docs).
pub const SPLIT_MARKER: &str = "{-}";

/// One rule as written in a catalogue file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case id (`github-personal-access-token`).
    pub id: String,
    /// What the secret is, in a few words.
    pub description: String,
    /// Severity of a finding (default `high`).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The CHECKLIST control served (default `SEC-1`).
    #[serde(default)]
    pub control: Option<String>,
    /// Keywords, matched ASCII-case-insensitively; the rule runs on a text only if one occurs.
    pub keywords: Vec<String>,
    /// The regex; capture group 1 is the secret.
    pub regex: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// The secret must mix character classes: at least one digit and one letter.
    #[serde(default)]
    pub mixed: bool,
    /// Regexes on the secret that mark it as not a secret (placeholders, documentation values).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Only files with these extensions (without the dot); empty: every file.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// A generic rule gives way to a specific one that matched the same secret.
    #[serde(default)]
    pub generic: bool,
    /// A helper rule: its matches are only used to pair (see [`PairSpec`]), never reported.
    #[serde(default)]
    pub hidden: bool,
    /// The finding is code, not a secret: its evidence shows the matched text.
    #[serde(default)]
    pub code: bool,
    /// How far (bytes) from an occurrence of one of its keywords a match may start: a match
    /// counts only inside those windows (widened to whole lines), and the regex runs only there.
    /// Default [`DEFAULT_REACH`]; key blocks that span many lines need more.
    #[serde(default)]
    pub reach: Option<usize>,
    /// Texts that must give a finding of this rule.
    pub examples: Vec<String>,
    /// Texts that must not.
    pub negative: Vec<String>,
}

/// Two rules whose matches close to each other form one finding (an AWS key id and its secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// The id of the paired finding.
    pub id: String,
    /// What the pair is.
    pub description: String,
    /// Severity of the pair.
    pub severity: Severity,
    /// The identifier rule (reported as `paired_with`).
    pub first: String,
    /// The secret rule (the pair's secret).
    pub second: String,
    /// How many bytes apart the two may be.
    pub window: usize,
    /// Texts that must give the pair.
    pub examples: Vec<String>,
    /// Texts that must not.
    pub negative: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<RuleSpec>,
    #[serde(default)]
    pair: Vec<PairSpec>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its declaration.
    pub spec: RuleSpec,
    /// Severity (resolved default).
    pub severity: Severity,
    /// Control (resolved default).
    pub control: String,
    pub(crate) regex: Regex,
    pub(crate) allow: Vec<Regex>,
}

/// A compiled pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Its declaration.
    pub spec: PairSpec,
    pub(crate) first: usize,
    pub(crate) second: usize,
}

/// The whole catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The pairs.
    pub pairs: Vec<Pair>,
    /// The placeholder filter every rule's secret goes through (code rules aside).
    pub(crate) placeholders: Placeholders,
}

fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    // Byte-oriented, no Unicode classes: `\w`, `\s`, `\b` are ASCII and `.` matches any byte.
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(1 << 24)
        .build()
}

impl Catalogue {
    /// The catalogue built into rampart.
    ///
    /// # Errors
    /// A malformed built-in file (a test keeps this from happening).
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::from_sources(BUILTIN)
    }

    /// Parses and compiles catalogue files given as `(name, text)`.
    ///
    /// # Errors
    /// TOML syntax, unknown fields, duplicate ids, regexes that do not compile or lack a capture
    /// group, empty keyword or example lists; the error names the file, line and column.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Self, CatalogueError> {
        Self::from_sources_keeping(sources, None)
    }

    /// The built-in catalogue with only the rules (and pairs) listed, as [`Catalogue::retain`]
    /// leaves it, but without compiling the regexes of the others first (a scan with a few rules
    /// would spend most of its start compiling rules it does not run).
    ///
    /// # Errors
    /// An id that names no rule or pair.
    pub fn builtin_only(ids: &[String]) -> Result<Self, CatalogueError> {
        Self::from_sources_keeping(BUILTIN, Some(ids))
    }

    fn from_sources_keeping(
        sources: &[(&str, &str)],
        keep: Option<&[String]>,
    ) -> Result<Self, CatalogueError> {
        let mut specs = Vec::new();
        let mut pair_specs = Vec::new();
        for (name, text) in sources {
            let file: File = toml::from_str(text).map_err(|e| {
                let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
                CatalogueError::Parse {
                    file: (*name).to_owned(),
                    line,
                    column,
                    message: e.message().to_owned(),
                }
            })?;
            for rule in file.rule {
                let at = locate(text, &format!("id = \"{}\"", rule.id));
                specs.push(((*name).to_owned(), at, rule));
            }
            for pair in file.pair {
                let at = locate(text, &format!("id = \"{}\"", pair.id));
                pair_specs.push(((*name).to_owned(), at, pair));
            }
        }
        if let Some(ids) = keep {
            for id in ids {
                if !specs.iter().any(|(_, _, r)| &r.id == id)
                    && !pair_specs.iter().any(|(_, _, p)| &p.id == id)
                {
                    return Err(CatalogueError::UnknownRule(id.clone()));
                }
            }
            let listed: HashSet<&String> = ids.iter().collect();
            pair_specs.retain(|(_, _, p)| listed.contains(&p.id));
            let mut wanted: HashSet<String> = ids.iter().cloned().collect();
            for (_, _, p) in &pair_specs {
                wanted.insert(p.first.clone());
                wanted.insert(p.second.clone());
            }
            specs.retain(|(_, _, r)| wanted.contains(&r.id));
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(specs.len());
        for (file, (line, column), spec) in specs {
            let bad = |message: String| CatalogueError::Rule {
                file: file.clone(),
                line,
                column,
                id: spec.id.clone(),
                message,
            };
            if !seen.insert(spec.id.clone()) {
                return Err(bad("duplicate rule id".into()));
            }
            if spec.keywords.is_empty() || spec.keywords.iter().any(String::is_empty) {
                return Err(bad("a rule needs non-empty keywords".into()));
            }
            if spec.examples.is_empty() || spec.negative.is_empty() {
                return Err(bad("a rule needs positive and negative examples".into()));
            }
            let regex = compile(&spec.regex).map_err(|e| bad(format!("regex: {e}")))?;
            if regex.captures_len() < 2 {
                return Err(bad("the regex has no capture group for the secret".into()));
            }
            let allow = spec
                .allow
                .iter()
                .map(|a| compile(a).map_err(|e| bad(format!("allow `{a}`: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(Rule {
                severity: spec.severity.unwrap_or(Severity::High),
                control: spec.control.clone().unwrap_or_else(|| "SEC-1".to_owned()),
                regex,
                allow,
                spec,
            });
        }
        let mut pairs = Vec::new();
        for (file, (line, column), spec) in pair_specs {
            let find = |id: &str| {
                rules
                    .iter()
                    .position(|r| r.spec.id == id)
                    .ok_or_else(|| CatalogueError::Rule {
                        file: file.clone(),
                        line,
                        column,
                        id: spec.id.clone(),
                        message: format!("pair names unknown rule `{id}`"),
                    })
            };
            let (first, second) = (find(&spec.first)?, find(&spec.second)?);
            let reach = rules[second].spec.reach.unwrap_or(DEFAULT_REACH);
            if reach < spec.window {
                return Err(CatalogueError::Rule {
                    file,
                    line,
                    column,
                    id: spec.id,
                    message: format!(
                        "the window ({} bytes) exceeds the reach of `{}` ({reach} bytes): \
                         give that rule `reach = {}` or more",
                        spec.window, rules[second].spec.id, spec.window
                    ),
                });
            }
            if !seen.insert(spec.id.clone()) {
                return Err(CatalogueError::Rule {
                    file,
                    line,
                    column,
                    id: spec.id,
                    message: "duplicate id".into(),
                });
            }
            pairs.push(Pair {
                spec,
                first,
                second,
            });
        }
        let placeholders =
            Placeholders::new().map_err(|e| CatalogueError::Global(e.to_string()))?;
        Ok(Catalogue {
            rules,
            pairs,
            placeholders,
        })
    }

    /// Keeps only the rules (and pairs) whose ids are listed; the rules a kept pair needs stay.
    ///
    /// # Errors
    /// An id that names no rule or pair.
    pub fn retain(&mut self, ids: &[String]) -> Result<(), CatalogueError> {
        for id in ids {
            if !self.rules.iter().any(|r| &r.spec.id == id)
                && !self.pairs.iter().any(|p| &p.spec.id == id)
            {
                return Err(CatalogueError::UnknownRule(id.clone()));
            }
        }
        let mut keep: HashSet<String> = ids.iter().cloned().collect();
        for p in &self.pairs {
            if keep.contains(&p.spec.id) {
                keep.insert(p.spec.first.clone());
                keep.insert(p.spec.second.clone());
            }
        }
        let pair_specs: Vec<PairSpec> = self
            .pairs
            .iter()
            .filter(|p| keep.contains(&p.spec.id))
            .map(|p| p.spec.clone())
            .collect();
        self.rules.retain(|r| keep.contains(&r.spec.id));
        self.pairs = pair_specs
            .into_iter()
            .filter_map(|spec| {
                let first = self.rules.iter().position(|r| r.spec.id == spec.first)?;
                let second = self.rules.iter().position(|r| r.spec.id == spec.second)?;
                Some(Pair {
                    spec,
                    first,
                    second,
                })
            })
            .collect();
        Ok(())
    }

    /// The rule with this id.
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// How many patterns are reported (rules that are not helpers, plus pairs).
    #[must_use]
    pub fn reported_len(&self) -> usize {
        self.rules.iter().filter(|r| !r.spec.hidden).count() + self.pairs.len()
    }
}

/// Removes the split marker from an example.
#[must_use]
pub fn unsplit(example: &str) -> String {
    example.replace(SPLIT_MARKER, "")
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((0, 0), |at| line_col(text, at))
}
