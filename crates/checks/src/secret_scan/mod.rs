//! SEC-2: the secret scanner applied to the places in an account where secrets hide in plain
//! text — Lambda environments, EC2 user data, ECS task definitions, SSM `String` parameters and
//! IaC defaults. Evidence names the variable and the rule; a secret appears only as its first
//! characters and a fingerprint.

use rampart_secrets::{Match, Scanner};
use serde_json::{Value, json};

use crate::check::Check;

mod iac_default_holds_secret;
mod lambda_environment_holds_secret;
mod ssm_string_parameter_holds_secret;
mod task_definition_environment_holds_secret;
mod user_data_holds_secret;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &lambda_environment_holds_secret::LambdaEnvironmentHoldsSecret,
    &user_data_holds_secret::UserDataHoldsSecret,
    &task_definition_environment_holds_secret::TaskDefinitionEnvironmentHoldsSecret,
    &ssm_string_parameter_holds_secret::SsmStringParameterHoldsSecret,
    &iac_default_holds_secret::IacDefaultHoldsSecret,
];

/// The built-in scanner, compiled once per process (`None` if the catalogue failed to build,
/// which its own tests rule out; the checks then report `not_assessed`).
fn scanner() -> Option<&'static Scanner> {
    Scanner::builtin_shared()
}

/// A secret found under a name (an environment variable, a parameter).
struct Hit {
    name: String,
    found: Match,
}

/// Scans `name = "value"` pairs, so that both token formats and named assignments
/// (`DB_PASSWORD = "…"`) are recognised. Code rules (APP-3) do not apply here.
fn scan_named<'a>(
    scanner: &Scanner,
    vars: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (name, value) in vars {
        let text = format!("{name} = \"{value}\"\n");
        for found in scanner.scan(text.as_bytes(), None) {
            if found.control == "SEC-1" {
                hits.push(Hit {
                    name: name.to_owned(),
                    found,
                });
            }
        }
    }
    hits
}

/// Scans a whole text (user data, a script).
fn scan_text(scanner: &Scanner, name: &str, text: &str) -> Vec<Hit> {
    scanner
        .scan(text.as_bytes(), None)
        .into_iter()
        .filter(|m| m.control == "SEC-1")
        .map(|found| Hit {
            name: name.to_owned(),
            found,
        })
        .collect()
}

/// The redacted evidence of the hits.
fn evidence(hits: &[Hit]) -> Value {
    Value::Array(
        hits.iter()
            .map(|h| {
                let mut e = json!({
                    "name": h.name,
                    "rule": h.found.rule,
                    "secret": h.found.redacted,
                    "fingerprint": h.found.fingerprint,
                });
                if h.found.line > 1 {
                    e["line"] = json!(h.found.line);
                }
                e
            })
            .collect(),
    )
}

/// One sentence naming what was found.
fn summary(hits: &[Hit]) -> String {
    let mut kinds: Vec<&str> = hits.iter().map(|h| h.found.description.as_str()).collect();
    kinds.dedup();
    let names: Vec<String> = hits
        .iter()
        .map(|h| format!("`{}`", h.name))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    format!("{} ({})", kinds.join(", ").to_lowercase(), names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_values_are_scanned_and_redacted() {
        let s = scanner().expect("scanner");
        let token = ["sk_live_", "4kQm7Tr2Lw8vNb5cPq7sHj3d"].concat();
        let hits = scan_named(
            s,
            [
                ("STRIPE_KEY", token.as_str()),
                ("DB_PASSWORD", "Sh0p-Prod-2024!"),
                ("REGION", "eu-west-1"),
            ],
        );
        let rules: Vec<&str> = hits.iter().map(|h| h.found.rule.as_str()).collect();
        assert_eq!(rules, ["stripe-secret-key", "generic-password"]);
        let e = evidence(&hits).to_string();
        assert!(!e.contains(&token) && !e.contains("Sh0p-Prod"), "{e}");
    }
}
