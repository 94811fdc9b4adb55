//! The catalogue holds itself to its examples: every positive example gives a finding of its
//! rule through the whole scanner (prefilter included), every negative example gives none.

use rampart_secrets::catalogue::{Catalogue, unsplit};
use rampart_secrets::{Scanner, redact};

fn scanner() -> Scanner {
    Scanner::builtin().expect("the built-in catalogue compiles")
}

#[test]
fn the_catalogue_is_large_and_well_formed() {
    let c = Catalogue::builtin().expect("builtin");
    assert!(
        c.reported_len() >= 150,
        "only {} patterns",
        c.reported_len()
    );
    for r in &c.rules {
        assert!(
            r.spec
                .id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{} is not kebab-case",
            r.spec.id
        );
        assert!(
            !r.spec.description.is_empty(),
            "{} has no description",
            r.spec.id
        );
    }
}

#[test]
fn every_positive_example_is_found() {
    let s = scanner();
    let mut failures = Vec::new();
    for rule in &s.catalogue().rules {
        for example in &rule.spec.examples {
            let text = unsplit(example);
            let ok = if rule.spec.hidden {
                s.rule_matches(&rule.spec.id, text.as_bytes()) > 0
            } else {
                s.scan(text.as_bytes(), Some(ext_for(rule)))
                    .iter()
                    .any(|m| m.rule == rule.spec.id)
            };
            if !ok {
                let got: Vec<String> = s
                    .scan(text.as_bytes(), Some(ext_for(rule)))
                    .into_iter()
                    .map(|m| m.rule)
                    .collect();
                failures.push(format!(
                    "{}: not found in {text:?} (found {got:?})",
                    rule.spec.id
                ));
            }
        }
    }
    for pair in &s.catalogue().pairs {
        for example in &pair.spec.examples {
            let text = unsplit(example);
            if !s
                .scan(text.as_bytes(), None)
                .iter()
                .any(|m| m.rule == pair.spec.id)
            {
                failures.push(format!("{}: pair not found in {text:?}", pair.spec.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_negative_example_is_found() {
    let s = scanner();
    let mut failures = Vec::new();
    for rule in &s.catalogue().rules {
        for example in &rule.spec.negative {
            let text = unsplit(example);
            let hit = if rule.spec.hidden {
                s.rule_matches(&rule.spec.id, text.as_bytes()) > 0
            } else {
                s.scan(text.as_bytes(), Some(ext_for(rule)))
                    .iter()
                    .any(|m| m.rule == rule.spec.id)
            };
            if hit {
                failures.push(format!("{}: wrongly found in {text:?}", rule.spec.id));
            }
        }
    }
    for pair in &s.catalogue().pairs {
        for example in &pair.spec.negative {
            let text = unsplit(example);
            if s.scan(text.as_bytes(), None)
                .iter()
                .any(|m| m.rule == pair.spec.id)
            {
                failures.push(format!("{}: pair wrongly found in {text:?}", pair.spec.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn ext_for(rule: &rampart_secrets::Rule) -> &str {
    rule.spec.extensions.first().map_or("txt", String::as_str)
}

#[test]
fn documentation_examples_are_not_findings() {
    let s = scanner();
    let text = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    assert!(s.scan(text.as_bytes(), None).is_empty());
}

#[test]
fn a_pair_replaces_its_parts_and_is_redacted() {
    let s = scanner();
    let id = ["AKIA", "Q2ZLMXN4R7TWB5YK"].concat();
    let secret = ["Zx9/4kQm", "Tr2+Lw8vNb5cPq7sHj3dFg6eKa1yUi0oWz4xRt7m"].concat();
    let secret = &secret[..40];
    let text = format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    let found = s.scan(text.as_bytes(), None);
    let rules: Vec<&str> = found.iter().map(|m| m.rule.as_str()).collect();
    assert_eq!(rules, ["aws-access-key-pair"], "{found:#?}");
    let m = &found[0];
    assert_eq!(m.line, 3);
    assert_eq!(m.column, 25);
    assert_eq!(m.redacted, "Zx9/…");
    assert_eq!(m.paired_with.as_deref(), Some("AKIA…"));
    let debug = format!("{found:?}");
    assert!(
        !debug.contains(secret) && !debug.contains(&id),
        "a secret leaked: {debug}"
    );
    assert_eq!(redact::fingerprint(secret.as_bytes()), m.fingerprint);
}

#[test]
fn inline_ignore_comments_silence_a_line() {
    let s = scanner();
    let token = ["ghp_", "Aq3ZxR8mWk2LpT5vNb7cYd9eHf4gJs6uQi1o"].concat();
    let plain = format!("token = \"{token}\"\n");
    assert_eq!(s.scan(plain.as_bytes(), None).len(), 1);
    let same_line = format!("token = \"{token}\"  # rampart:ignore test fixture\n");
    assert!(s.scan(same_line.as_bytes(), None).is_empty());
    let next_line =
        format!("# rampart:ignore-next-line\ntoken = \"{token}\"\nother = \"{token}\"\n");
    let found = s.scan(next_line.as_bytes(), None);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 3);
}

#[test]
fn a_specific_rule_wins_over_a_generic_one() {
    let s = scanner();
    let token = ["shpat_", "3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c2e"].concat();
    let text = format!("SHOPIFY_TOKEN = \"{token}\"\n");
    let rules: Vec<String> = s
        .scan(text.as_bytes(), None)
        .into_iter()
        .map(|m| m.rule)
        .collect();
    assert_eq!(rules, ["shopify-access-token"]);
}

#[test]
fn a_bad_catalogue_file_is_reported_with_its_position() {
    let err = Catalogue::from_sources(&[("bad.toml", "[[rule]]\nid = \"x\"\nregex = 12\n")])
        .expect_err("bad");
    let text = err.to_string();
    assert!(text.starts_with("bad.toml:3:"), "{text}");
    let no_group = "[[rule]]\nid = \"x\"\ndescription = \"d\"\nkeywords = [\"a\"]\nregex = 'a+'\nexamples = ['a']\nnegative = ['b']\n";
    let err = Catalogue::from_sources(&[("g.toml", no_group)]).expect_err("no group");
    assert!(
        err.to_string()
            .contains("g.toml:2:1: rule `x`: the regex has no capture group"),
        "{err}"
    );
}

#[test]
fn the_builtin_catalogue_compiled_for_a_few_rules_is_the_retained_whole() {
    let whole = Catalogue::builtin().expect("catalogue");
    let pair = whole.pairs.first().expect("a pair").spec.id.clone();
    let ids = vec![
        "stripe-secret-key".to_owned(),
        "github-personal-access-token".to_owned(),
        pair,
    ];
    let mut retained = whole.clone();
    retained.retain(&ids).expect("retain");
    let only = Catalogue::builtin_only(&ids).expect("only");
    let rule_ids = |c: &Catalogue| {
        c.rules
            .iter()
            .map(|r| r.spec.id.clone())
            .collect::<Vec<_>>()
    };
    let pair_ids = |c: &Catalogue| {
        c.pairs
            .iter()
            .map(|p| p.spec.id.clone())
            .collect::<Vec<_>>()
    };
    // The pair brings its two rules along.
    assert_eq!(rule_ids(&only).len(), 4, "{:?}", rule_ids(&only));
    assert_eq!(rule_ids(&only), rule_ids(&retained));
    assert_eq!(pair_ids(&only), pair_ids(&retained));
    // The same findings, the pair's included.
    let text = format!(
        "{}\nSTRIPE = \"{}\"\n",
        whole.pairs[0]
            .spec
            .examples
            .first()
            .map(String::as_str)
            .map(unsplit)
            .unwrap_or_default(),
        ["sk_live_", "51Hq8ZxT2mWk5NpR7cYd4eHf9gJs"].concat()
    );
    let found = |c: Catalogue| {
        Scanner::new(c)
            .expect("scanner")
            .scan(text.as_bytes(), Some("py"))
            .into_iter()
            .map(|m| (m.rule, m.line, m.fingerprint))
            .collect::<Vec<_>>()
    };
    let want = found(retained);
    assert!(want.len() >= 2, "{want:?}");
    assert_eq!(found(only), want);
    assert!(matches!(
        Catalogue::builtin_only(&["no-such-rule".to_owned()]),
        Err(rampart_secrets::CatalogueError::UnknownRule(id)) if id == "no-such-rule"
    ));
}
