//! IAM-003 `password-policy-without-character-classes`: the password policy does not require
//! upper-case letters, lower-case letters, numbers and symbols.

use crate::prelude::*;

/// Character classes widen the alphabet a guesser has to try.
pub struct PasswordPolicyWithoutCharacterClasses;

static META: CheckMeta = CheckMeta {
    code: "IAM-003",
    name: "password-policy-without-character-classes",
    title: "The IAM password policy does not require every character class",
    severity: Severity::Low,
    controls: &["IAM-7"],
    inputs: Input::LSTC,
    compliance: &[
        fsbp("IAM.7"),
        fsbp("IAM.11"),
        fsbp("IAM.12"),
        fsbp("IAM.13"),
        fsbp("IAM.14"),
    ],
    needs: &[data::IAM_PASSWORD_POLICY],
    rationale: "Requiring upper-case and lower-case letters, digits and symbols stops the shortest \
                dictionary passwords and is what Security Hub's password controls expect. It adds \
                less than length does (NIST favours length over composition rules), which is why \
                this check is of low severity and separate from the length and reuse baseline.",
    remediation: RemediationText {
        text: "Require at least one upper-case letter, one lower-case letter, one number and one \
               symbol in the account password policy.",
        cli: Some(
            "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --allow-users-to-change-password",
        ),
        terraform: Some(
            "resource \"aws_iam_account_password_policy\" \"this\" {\n  minimum_password_length      = 14\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  require_numbers              = true\n  require_symbols              = true\n}",
        ),
    },
    manual: false,
};

impl Check for PasswordPolicyWithoutCharacterClasses {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let Some(p) = &account.iam.password_policy else {
                let resource = format!(
                    "arn:{}:iam::{}:account-password-policy",
                    account.partition, account.id
                );
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
                        "the account has no password policy: no character class is required",
                    )
                    .with(
                        "missing",
                        json!(["uppercase", "lowercase", "numbers", "symbols"]),
                    );
                }
                continue;
            };
            let missing: Vec<&str> = [
                ("uppercase", p.require_uppercase),
                ("lowercase", p.require_lowercase),
                ("numbers", p.require_numbers),
                ("symbols", p.require_symbols),
            ]
            .into_iter()
            .filter(|(_, required)| !required)
            .map(|(class, _)| class)
            .collect();
            let at = At::meta(&account.id, None, &p.meta);
            if missing.is_empty() {
                out.pass(at, "the password policy requires every character class");
            } else {
                out.fail(
                    at,
                    format!(
                        "the password policy does not require {}",
                        missing.join(", ")
                    ),
                )
                .with("missing", json!(missing));
            }
        }
    }
}
