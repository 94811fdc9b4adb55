//! ROOT-002 `root-user-without-mfa`: the root user signs in with a password alone.

use crate::prelude::*;

/// Root without MFA is one phished or reused password away from losing the whole account.
pub struct RootUserWithoutMfa;

static META: CheckMeta = CheckMeta {
    code: "ROOT-002",
    name: "root-user-without-mfa",
    title: "The root user has no MFA device",
    severity: Severity::Critical,
    controls: &["ROOT-2"],
    inputs: Input::LS,
    compliance: &[cis3("1.5"), cis6("2.4"), fsbp("IAM.9")],
    needs: &[data::IAM_ROOT_CREDENTIALS],
    rationale: "The root user can change every setting, delete every resource and close the \
                account, and no policy can restrict it. Protected by a password alone, it falls to \
                one phishing page, one reused password or one password-reset e-mail to a \
                compromised mailbox. An MFA device makes the password insufficient on its own.",
    remediation: RemediationText {
        text: "Sign in as root, open Security credentials, and assign an MFA device — preferably a \
               hardware key (FIDO2 security key or hardware TOTP token) kept in a safe, with a \
               second device registered as a backup.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

impl Check for RootUserWithoutMfa {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let Some(root) = &account.iam.root else {
                continue;
            };
            let at = At::meta(&account.id, None, &root.meta);
            if root.mfa_active {
                let kind = match root.hardware_mfa {
                    Some(true) => "a hardware",
                    Some(false) => "a virtual",
                    None => "an",
                };
                out.pass(at, format!("the root user has {kind} MFA device"))
                    .with("hardware_mfa", json!(root.hardware_mfa));
            } else {
                out.fail(
                    at,
                    "the root user has no MFA device: its password alone opens the account",
                )
                .with("mfa_active", json!(false))
                .with("password_last_used", json!(root.password_last_used));
            }
        }
    }
}
