//! ROOT-005 `account-without-alias`: the account has no alias.

use crate::prelude::*;

/// An alias gives the account a recognisable sign-in URL and name in every console and report.
pub struct AccountWithoutAlias;

static META: CheckMeta = CheckMeta {
    code: "ROOT-005",
    name: "account-without-alias",
    title: "The account has no alias",
    severity: Severity::Low,
    controls: &["ROOT-4"],
    inputs: Input::LS,
    compliance: &[],
    needs: &[data::IAM_ALIASES],
    rationale: "Without an alias, the sign-in page and every console header show a 12-digit \
                number: people working across several accounts cannot see at a glance that they \
                are in production, and a look-alike sign-in URL in a phishing message is harder \
                to tell from the real one. The alias is also how auditors and incident responders \
                name the account.",
    remediation: RemediationText {
        text: "Create an account alias that names the organisation and environment \
               (`shop-prod`); IAM users then sign in at `https://shop-prod.signin.aws.amazon.com/console`.",
        cli: Some("aws iam create-account-alias --account-alias shop-prod"),
        terraform: Some(
            "resource \"aws_iam_account_alias\" \"this\" {\n  account_alias = \"shop-prod\"\n}",
        ),
    },
    manual: false,
};

impl Check for AccountWithoutAlias {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        // IaC pseudo-accounts: an alias not declared there may still exist in the account.
        for account in ctx.accounts().filter(|a| crate::root::is_aws_account(a)) {
            let resource = format!("arn:{}:iam::{}:root", account.partition, account.id);
            let at = At::place(&account.id, None, &resource);
            if account.aliases.is_empty()
                && crate::root::unseen(ctx, data::IAM_ALIASES, &account.id, None, &resource)
            {
                continue;
            }
            match account.aliases.first() {
                Some(alias) => {
                    out.pass(at, format!("the account has the alias `{alias}`"))
                        .with("aliases", json!(account.aliases));
                }
                None => {
                    out.fail(at, format!("account {} has no alias", account.id))
                        .with("aliases", json!([]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::AccountWithoutAlias;
    use crate::config::Config;
    use crate::iam::testing::run;

    #[test]
    fn iac_pseudo_accounts_are_not_judged() {
        for id in ["iac", "000000000000"] {
            let inv = json!({"accounts": [{"id": id}]});
            assert!(
                run(&AccountWithoutAlias, inv, &Config::default()).is_empty(),
                "{id}"
            );
        }
    }
}
