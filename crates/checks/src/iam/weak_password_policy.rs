//! IAM-002 `weak-password-policy`: the account password policy is missing or below the baseline
//! (length, reuse prevention, expiry).

use rampart_model::iam::PasswordPolicy;

use crate::prelude::*;

/// Short, reusable passwords are what credential stuffing and guessing succeed against.
pub struct WeakPasswordPolicy;

static META: CheckMeta = CheckMeta {
    code: "IAM-002",
    name: "weak-password-policy",
    title: "The IAM password policy is missing or weaker than the baseline",
    severity: Severity::Medium,
    controls: &["IAM-7"],
    inputs: Input::LSTC,
    compliance: &[
        cis3("1.8"),
        cis3("1.9"),
        cis6("2.7"),
        cis6("2.8"),
        fsbp("IAM.7"),
        fsbp("IAM.10"),
        fsbp("IAM.15"),
        fsbp("IAM.16"),
        fsbp("IAM.17"),
    ],
    needs: &[data::IAM_PASSWORD_POLICY],
    rationale: "Length is what makes a password hard to guess, and reuse prevention stops a user \
                from cycling back to a password that already leaked. Without a policy, IAM accepts \
                any 8-character password and its reuse. Whether passwords must expire is a policy \
                choice (current NIST guidance advises against forced expiry); when the baseline \
                sets a maximum age, the policy must enforce it.",
    remediation: RemediationText {
        text: "Set an account password policy with a minimum length of at least 14 characters and \
               prevention of reuse of the last 24 passwords (the defaults of `rampart.toml`'s \
               thresholds), and a maximum age if your baseline requires one.",
        cli: Some(
            "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --allow-users-to-change-password",
        ),
        terraform: Some(
            "resource \"aws_iam_account_password_policy\" \"this\" {\n  minimum_password_length        = 14\n  password_reuse_prevention      = 24\n  allow_users_to_change_password = true\n}",
        ),
    },
    manual: false,
};

impl Check for WeakPasswordPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let Some(policy) = &account.iam.password_policy else {
                let resource = format!(
                    "arn:{}:iam::{}:account-password-policy",
                    account.partition, account.id
                );
                // An IaC input that declares no policy says nothing about the account's, and a
                // policy that could not be read may exist.
                if crate::root::is_aws_account(account)
                    && !crate::root::unseen(
                        ctx,
                        data::IAM_PASSWORD_POLICY,
                        &account.id,
                        None,
                        &resource,
                    )
                {
                    out.fail(
                        At::place(&account.id, None, &resource),
                        "the account has no password policy: IAM accepts any 8-character password and its reuse",
                    )
                    .with("password_policy", json!(null))
                    .with("baseline", baseline(ctx));
                }
                continue;
            };
            let at = At::meta(&account.id, None, &policy.meta);
            let shortfalls = shortfalls(policy, ctx);
            if shortfalls.is_empty() {
                out.pass(
                    at,
                    format!(
                        "the password policy meets the baseline (length {})",
                        policy.minimum_length
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "the password policy is weaker than the baseline: {}",
                        shortfalls.join("; ")
                    ),
                )
                .with("shortfalls", json!(shortfalls))
                .with("minimum_length", json!(policy.minimum_length))
                .with("reuse_prevention", json!(policy.reuse_prevention))
                .with("max_age_days", json!(policy.max_age_days))
                .with("baseline", baseline(ctx));
            }
        }
    }
}

fn baseline(ctx: &Context<'_>) -> serde_json::Value {
    let t = &ctx.config.thresholds;
    json!({
        "minimum_length": t.password_min_length,
        "reuse_prevention": t.password_reuse_prevention,
        "max_age_days": (t.password_max_age_days > 0).then_some(t.password_max_age_days),
    })
}

fn shortfalls(policy: &PasswordPolicy, ctx: &Context<'_>) -> Vec<String> {
    let t = &ctx.config.thresholds;
    let mut out = Vec::new();
    if policy.minimum_length < t.password_min_length {
        out.push(format!(
            "minimum length {} is below {}",
            policy.minimum_length, t.password_min_length
        ));
    }
    let reuse = policy.reuse_prevention.unwrap_or(0);
    if reuse < t.password_reuse_prevention {
        out.push(if reuse == 0 {
            format!(
                "password reuse is not prevented (baseline: last {})",
                t.password_reuse_prevention
            )
        } else {
            format!(
                "reuse prevention remembers {reuse} password(s), below {}",
                t.password_reuse_prevention
            )
        });
    }
    // 0 in the baseline: expiry is a policy choice, any setting is accepted.
    if t.password_max_age_days > 0 {
        match policy.max_age_days {
            None => out.push(format!(
                "passwords never expire (baseline: within {} days)",
                t.password_max_age_days
            )),
            Some(days) if days > t.password_max_age_days => {
                out.push(format!(
                    "passwords expire after {days} days, more than {}",
                    t.password_max_age_days
                ));
            }
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::WeakPasswordPolicy;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run, statuses};

    fn policy(extra: serde_json::Value) -> serde_json::Value {
        let mut p = json!({
            "meta": {"arn": "arn:aws:iam::111122223333:account-password-policy", "name": "password-policy"},
            "minimum_length": 14, "require_symbols": false, "require_numbers": false,
            "require_uppercase": false, "require_lowercase": false, "allow_users_to_change": true,
            "reuse_prevention": 24
        });
        if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        json!({"iam": {"password_policy": p}})
    }

    #[test]
    fn expiry_is_judged_only_when_the_baseline_sets_one() {
        let inv = inventory(policy(json!({})), None);
        assert_eq!(
            statuses(&run(&WeakPasswordPolicy, inv.clone(), &Config::default())),
            vec![Status::Pass]
        );
        let mut config = Config::default();
        config.thresholds.password_max_age_days = 90;
        let out = run(&WeakPasswordPolicy, inv, &config);
        assert_eq!(statuses(&out), vec![Status::Fail]);
        assert!(
            out[0].message.contains("never expire"),
            "{}",
            out[0].message
        );
        let inv = inventory(policy(json!({"max_age_days": 60})), None);
        assert_eq!(
            statuses(&run(&WeakPasswordPolicy, inv, &config)),
            vec![Status::Pass]
        );
    }

    #[test]
    fn every_shortfall_is_listed() {
        let inv = inventory(
            policy(json!({"minimum_length": 10, "reuse_prevention": 5})),
            None,
        );
        let out = run(&WeakPasswordPolicy, inv, &Config::default());
        assert_eq!(
            out[0].evidence["shortfalls"].as_array().map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn a_missing_policy_fails_in_an_account_but_not_in_an_iac_input() {
        let out = run(
            &WeakPasswordPolicy,
            inventory(json!({}), None),
            &Config::default(),
        );
        assert_eq!(statuses(&out), vec![Status::Fail]);
        let iac = json!({"accounts": [{"id": "iac"}]});
        assert!(run(&WeakPasswordPolicy, iac, &Config::default()).is_empty());
    }

    #[test]
    fn an_unreadable_policy_is_not_reported_missing() {
        let mut inv = inventory(json!({}), None);
        inv["gaps"] = json!([{"data": "iam.password_policy", "operation": "iam:GetAccountPasswordPolicy", "reason": "access denied"}]);
        let out = run(&WeakPasswordPolicy, inv, &Config::default());
        assert_eq!(statuses(&out), vec![Status::NotAssessed]);
    }

    #[test]
    fn a_gap_makes_it_not_assessed() {
        let mut inv = inventory(policy(json!({})), None);
        inv["gaps"] = json!([{"data": "iam.password_policy", "operation": "iam:GetAccountPasswordPolicy", "reason": "access denied"}]);
        let out = run(&WeakPasswordPolicy, inv, &Config::default());
        assert_eq!(statuses(&out), vec![Status::NotAssessed]);
    }
}
