//! IAM-001 `console-user-without-mfa`: an IAM user can sign in to the console with a password
//! alone.

use crate::prelude::*;

/// A console password without MFA falls to phishing and password reuse.
pub struct ConsoleUserWithoutMfa;

static META: CheckMeta = CheckMeta {
    code: "IAM-001",
    name: "console-user-without-mfa",
    title: "An IAM user with a console password has no MFA device",
    severity: Severity::High,
    controls: &["IAM-6"],
    inputs: Input::LS,
    compliance: &[cis3("1.10"), cis6("2.9"), fsbp("IAM.5"), fsbp("IAM.19")],
    needs: &[data::IAM_USERS, data::IAM_MFA],
    rationale: "A console password is typed into web pages, reused across sites and phished at \
                scale. Without MFA, that password alone gives the user's full permissions in the \
                console, including creating access keys that outlive the password. MFA makes a \
                stolen password insufficient.",
    remediation: RemediationText {
        text: "Assign an MFA device to every user with a console password (a FIDO2 security key \
               resists phishing best), and enforce it with a policy that denies everything but \
               MFA self-service when `aws:MultiFactorAuthPresent` is false. Better still, move \
               people to IAM Identity Center and remove their IAM console passwords.",
        cli: Some(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG\naws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 <code1> --authentication-code2 <code2>",
        ),
        terraform: Some(
            "resource \"aws_iam_virtual_mfa_device\" \"alice\" {\n  virtual_mfa_device_name = \"alice\"\n}\n# then enable it for the user (it needs two codes from the device)",
        ),
    },
    manual: false,
};

impl Check for ConsoleUserWithoutMfa {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for user in account.iam.users.iter().filter(|u| u.console_password) {
                let at = At::meta(&account.id, None, &user.meta);
                if user.mfa_devices.is_empty()
                    && crate::root::unseen(ctx, data::IAM_MFA, &account.id, None, &user.meta.arn)
                {
                    // No device listed, but the devices were not read: the runner reports the gap.
                    continue;
                }
                if user.mfa_devices.is_empty() {
                    out.fail(
                        at,
                        format!(
                            "user `{}` has a console password and no MFA device",
                            user.meta.name
                        ),
                    )
                    .with("console_password", json!(true))
                    .with("password_last_used", json!(user.password_last_used))
                    .with("mfa_devices", json!(0));
                } else {
                    let hardware = user.mfa_devices.iter().any(|d| !d.is_virtual);
                    out.pass(
                        at,
                        format!(
                            "user `{}` has {} MFA device(s){}",
                            user.meta.name,
                            user.mfa_devices.len(),
                            if hardware {
                                ", including a hardware one"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
        }
    }
}
