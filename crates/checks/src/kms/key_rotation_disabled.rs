//! KMS-001 `key-rotation-disabled`: a customer managed symmetric key is never rotated.

use rampart_model::security::KeyManager;

use crate::prelude::*;

/// Automatic rotation limits how much data one key version protects and how long a copied key
/// stays useful.
pub struct KeyRotationDisabled;

static META: CheckMeta = CheckMeta {
    code: "KMS-001",
    name: "key-rotation-disabled",
    title: "A customer managed KMS key does not rotate automatically",
    severity: Severity::Medium,
    controls: &["ENC-4"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.6"), cis6("4.6"), fsbp("KMS.4")],
    needs: &[data::KMS_KEYS, data::KMS_ROTATION],
    rationale: "With automatic rotation KMS creates new key material every year (or on the period \
                you set) while old ciphertext stays readable, so a key version that leaked or was \
                broken protects a bounded amount of data. Without it, one key version encrypts \
                everything for the key's whole life. AWS managed keys rotate by themselves; \
                customer managed keys only when asked.",
    remediation: RemediationText {
        text: "Turn on automatic rotation for every enabled customer managed symmetric key \
               (asymmetric and HMAC keys cannot rotate automatically: replace them on a schedule).",
        cli: Some("aws kms enable-key-rotation --key-id <key-id> --rotation-period-in-days 365"),
        terraform: Some(
            "resource \"aws_kms_key\" \"this\" {\n  description         = \"shop data\"\n  enable_key_rotation = true\n}",
        ),
    },
    manual: false,
};

impl Check for KeyRotationDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, key) in ctx.each(|r| &r.kms_keys) {
            // AWS managed keys rotate on AWS's schedule; disabled or asymmetric keys cannot.
            if key.manager != KeyManager::Customer || !key.rotatable() || key.state != "Enabled" {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &key.meta);
            match key.rotation_enabled {
                Some(true) => {
                    out.pass(
                        at,
                        format!("KMS key `{}` rotates automatically", key.meta.name),
                    );
                }
                Some(false) => {
                    out.fail(
                        at,
                        format!(
                            "KMS key `{}` has automatic rotation turned off",
                            key.meta.name
                        ),
                    )
                    .with("key_id", json!(key.id))
                    .with("aliases", json!(key.aliases))
                    .with("rotation_enabled", json!(false));
                }
                None => {
                    out.not_assessed(
                        at,
                        format!(
                            "the rotation status of KMS key `{}` is unknown",
                            key.meta.name
                        ),
                    )
                    .with("key_id", json!(key.id));
                }
            }
        }
    }
}
