//! IAM-110 `identity-reaches-other-environment`: a principal named or tagged for one environment
//! is granted resources named for another.

use std::collections::BTreeSet;

use super::common;
use crate::prelude::*;

/// One identity per application per environment only helps if the staging identity cannot touch
/// production resources.
pub struct IdentityReachesOtherEnvironment;

static META: CheckMeta = CheckMeta {
    code: "IAM-110",
    name: "identity-reaches-other-environment",
    title: "An identity of one environment is granted another environment's resources",
    severity: Severity::Medium,
    controls: &["IAM-15"],
    inputs: Input::LS,
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "Separate users per environment (`app-staging`, `app-production`) exist so that a \
                leaked staging key cannot reach production data. rampart reads the environment \
                from the principal's `environment`/`env` tag or its name, and the environments \
                named in the resources its Allows grant. Grants on wildcard resources cannot be \
                attributed to an environment: that part is reported as not assessed (and IAM-2 \
                reports the wildcard).",
    remediation: RemediationText {
        text: "Grant each environment's identity only that environment's resources; create a \
               separate identity where one is shared.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

fn environment(word: &str) -> Option<&'static str> {
    match word {
        "prod" | "production" | "prd" => Some("production"),
        "staging" | "stage" | "stg" => Some("staging"),
        "dev" | "development" => Some("development"),
        "test" | "testing" | "qa" => Some("test"),
        _ => None,
    }
}

fn environments_in(text: &str) -> BTreeSet<&'static str> {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(environment)
        .collect()
}

impl Check for IdentityReachesOtherEnvironment {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for p in common::principals(account) {
                let tagged = ["environment", "Environment", "env", "Env", "stage"]
                    .iter()
                    .find_map(|k| p.meta.tags.get(*k))
                    .and_then(|v| environment(&v.to_ascii_lowercase()));
                let own = match tagged {
                    Some(e) => e,
                    None => {
                        let named = environments_in(&p.meta.name);
                        match named.iter().next() {
                            Some(e) if named.len() == 1 => *e,
                            _ => continue,
                        }
                    }
                };
                if !p.complete(&account.id, out) {
                    continue;
                }
                let e = p.effective();
                let mut foreign = BTreeSet::new();
                let mut wildcard = false;
                for g in e.grants.iter().filter(|g| !g.actions.is_empty()) {
                    if g.not_resource || rampart_policy::analysis::is_wildcard_resource(&g.resource)
                    {
                        wildcard = true;
                        continue;
                    }
                    for env in environments_in(&g.resource) {
                        if env != own {
                            foreign.insert((env, g.resource.clone()));
                        }
                    }
                }
                let at = p.at(&account.id);
                if !foreign.is_empty() {
                    let list: Vec<serde_json::Value> = foreign
                        .iter()
                        .map(|(e, r)| json!({"environment": e, "resource": r}))
                        .collect();
                    out.fail(
                        at,
                        format!(
                            "{} `{}` ({own}) is granted resources of another environment",
                            p.kind, p.meta.name
                        ),
                    )
                    .with("foreign_resources", json!(list));
                } else if wildcard {
                    out.not_assessed(at, format!("{} `{}` ({own}) is granted wildcard resources, which cannot be attributed to an environment", p.kind, p.meta.name));
                } else {
                    out.pass(
                        at,
                        format!(
                            "{} `{}` ({own}) is granted only resources of its environment",
                            p.kind, p.meta.name
                        ),
                    );
                }
            }
        }
    }
}
