//! Keys and secrets: KMS, Secrets Manager, SSM Parameter Store.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Meta;
use crate::time_util::Timestamp;

/// Who manages a KMS key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeyManager {
    /// The customer.
    #[default]
    Customer,
    /// AWS (`aws/s3`, `aws/ebs`…).
    Aws,
}

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// ARN, name (first alias or id), tags, origin.
    pub meta: Meta,
    /// The key id.
    pub id: String,
    /// Customer or AWS managed.
    #[serde(default)]
    pub manager: KeyManager,
    /// `Enabled`, `Disabled`, `PendingDeletion`…
    #[serde(default = "enabled")]
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`…
    #[serde(default = "symmetric")]
    pub spec: String,
    /// Automatic rotation (`None`: not read, or not applicable to this key spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_enabled: Option<bool>,
    /// Where the key material comes from (`DescribeKey`'s `Origin`): `AWS_KMS` (or `None`: KMS
    /// made it), `EXTERNAL` (imported), `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE` (a custom key
    /// store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_origin: Option<String>,
    /// The key policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
    /// Aliases (`alias/app`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

fn enabled() -> String {
    "Enabled".to_owned()
}

fn symmetric() -> String {
    "SYMMETRIC_DEFAULT".to_owned()
}

impl KmsKey {
    /// Whether automatic rotation applies to this key. AWS KMS rotates only symmetric encryption
    /// keys whose material it made: "You cannot enable automatic rotation of asymmetric KMS keys,
    /// HMAC KMS keys, KMS keys with imported key material, or KMS keys in a custom key store"
    /// (KMS API reference, EnableKeyRotation).
    #[must_use]
    pub fn rotatable(&self) -> bool {
        self.spec == "SYMMETRIC_DEFAULT"
            && self.state != "PendingDeletion"
            && self.key_origin.as_deref().is_none_or(|o| o == "AWS_KMS")
    }
}

/// A Secrets Manager secret (metadata only: rampart never reads secret values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The KMS key (`None`: `aws/secretsmanager`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Rotation enabled.
    #[serde(default)]
    pub rotation_enabled: bool,
    /// Rotation interval, days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_days: Option<u32>,
    /// When it was last rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated: Option<Timestamp>,
    /// When it was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_changed: Option<Timestamp>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
}

/// An SSM parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsmParameter {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `String`, `StringList` or `SecureString`.
    pub kind: String,
    /// The KMS key (SecureString).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The value, for `String`/`StringList` parameters only (plain text already; SecureString
    /// values are never read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Last modified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<Timestamp>,
}
