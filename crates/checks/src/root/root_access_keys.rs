//! ROOT-001 `root-user-has-access-keys`: the root user has active access keys.

use crate::prelude::*;

/// Root access keys are unrestricted, cannot be limited by IAM policy, and are the most valuable
/// credential an attacker can find.
pub struct RootUserHasAccessKeys;

static META: CheckMeta = CheckMeta {
    code: "ROOT-001",
    name: "root-user-has-access-keys",
    title: "The root user has active access keys",
    severity: Severity::Critical,
    controls: &["ROOT-1"],
    inputs: Input::LS,
    compliance: &[cis3("1.4"), cis6("2.3"), fsbp("IAM.4")],
    needs: &[data::IAM_ROOT_CREDENTIALS],
    rationale: "The root user can do anything in the account, including closing it, and no IAM \
                policy or permissions boundary restricts it. An access key for root turns that \
                power into a string that can leak through code, logs or a laptop.",
    remediation: RemediationText {
        text: "Sign in as root, open Security credentials, and delete every root access key; use \
               IAM roles for automation instead.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

impl Check for RootUserHasAccessKeys {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let Some(root) = &account.iam.root else {
                continue;
            };
            let at = At::meta(&account.id, None, &root.meta);
            if root.active_access_keys > 0 {
                out.fail(
                    at,
                    format!(
                        "the root user has {} active access key(s)",
                        root.active_access_keys
                    ),
                )
                .with("active_access_keys", json!(root.active_access_keys))
                .with("access_key_last_used", json!(root.access_key_last_used));
            } else {
                out.pass(at, "the root user has no access keys");
            }
        }
    }
}
