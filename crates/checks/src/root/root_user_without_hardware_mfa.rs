//! ROOT-003 `root-user-without-hardware-mfa`: the root user's MFA is a virtual device (or none).

use crate::prelude::*;

/// A hardware device cannot be copied with the phone it lives on; a virtual one can.
pub struct RootUserWithoutHardwareMfa;

static META: CheckMeta = CheckMeta {
    code: "ROOT-003",
    name: "root-user-without-hardware-mfa",
    title: "The root user's MFA is not a hardware device",
    severity: Severity::Medium,
    controls: &["ROOT-2"],
    inputs: Input::LS,
    compliance: &[cis3("1.6"), cis6("2.5"), fsbp("IAM.6")],
    needs: &[data::IAM_ROOT_CREDENTIALS],
    rationale: "A virtual MFA seed lives on a phone that is also used for e-mail, chat and \
                backups: it can be synced to the cloud, restored onto another device, or read by \
                malware. A hardware security key or token keeps the secret in a device that is \
                kept in a safe and used for nothing else, and FIDO keys also resist phishing. \
                For the one credential that cannot be restricted, hardware MFA is the stronger \
                choice.",
    remediation: RemediationText {
        text: "Register a FIDO2 security key or a hardware TOTP token for the root user, keep it \
               (and a second one as backup) in a safe, then remove the virtual device.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

impl Check for RootUserWithoutHardwareMfa {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let Some(root) = &account.iam.root else {
                continue;
            };
            let at = At::meta(&account.id, None, &root.meta);
            match (root.mfa_active, root.hardware_mfa) {
                (true, Some(true)) => {
                    out.pass(at, "the root user has a hardware MFA device");
                }
                (true, Some(false)) => {
                    out.fail(
                        at,
                        "the root user's MFA is a virtual device, not a hardware one",
                    )
                    .with("hardware_mfa", json!(false));
                }
                (true, None) => {
                    out.not_assessed(
                        at,
                        "the root user has MFA, but whether it is a hardware device was not read",
                    );
                }
                (false, _) => {
                    out.fail(
                        at,
                        "the root user has no MFA device at all, hardware or virtual",
                    )
                    .with("mfa_active", json!(false));
                }
            }
        }
    }
}
