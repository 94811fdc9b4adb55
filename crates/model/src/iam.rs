//! IAM: the root user, password policy, users, groups, roles, policies.
//!
//! Policy documents are kept as JSON values exactly as AWS returns them (URL-decoded); the
//! `rampart-policy` crate parses and evaluates them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Meta;
use crate::time_util::Timestamp;

/// The identity part of an account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Iam {
    /// The root user (`None`: not read, see gaps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<RootUser>,
    /// The password policy. `None` with no gap means the account has none (AWS defaults apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicy>,
    /// Users.
    #[serde(default)]
    pub users: Vec<User>,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Managed policies: customer managed, and the AWS managed ones in use.
    #[serde(default)]
    pub policies: Vec<ManagedPolicy>,
    /// Instance profiles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_profiles: Vec<InstanceProfile>,
}

impl Iam {
    pub(crate) fn merge(&mut self, other: Iam) {
        if self.root.is_none() {
            self.root = other.root;
        }
        if self.password_policy.is_none() {
            self.password_policy = other.password_policy;
        }
        self.users.extend(other.users);
        self.groups.extend(other.groups);
        self.roles.extend(other.roles);
        self.policies.extend(other.policies);
        self.instance_profiles.extend(other.instance_profiles);
    }

    /// The number of IAM resources.
    #[must_use]
    pub fn resource_count(&self) -> usize {
        usize::from(self.root.is_some())
            + usize::from(self.password_policy.is_some())
            + self.users.len()
            + self.groups.len()
            + self.roles.len()
            + self.policies.len()
            + self.instance_profiles.len()
    }

    /// The managed policy with this ARN.
    #[must_use]
    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.meta.arn == arn)
    }

    /// The group with this name.
    #[must_use]
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.meta.name == name)
    }
}

/// The root user, from the credential report and account summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootUser {
    /// The root ARN (`arn:aws:iam::123456789012:root`).
    pub meta: Meta,
    /// Whether root has an MFA device.
    pub mfa_active: bool,
    /// Whether root's MFA is a hardware device (`None`: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_mfa: Option<bool>,
    /// Active root access keys (0, 1 or 2).
    pub active_access_keys: u32,
    /// When root last signed in with its password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<Timestamp>,
    /// When a root access key was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_last_used: Option<Timestamp>,
}

/// The account password policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Where it was read or declared.
    pub meta: Meta,
    /// Minimum password length.
    pub minimum_length: u32,
    /// Requires at least one symbol.
    pub require_symbols: bool,
    /// Requires at least one number.
    pub require_numbers: bool,
    /// Requires at least one uppercase letter.
    pub require_uppercase: bool,
    /// Requires at least one lowercase letter.
    pub require_lowercase: bool,
    /// Users may change their own password.
    pub allow_users_to_change: bool,
    /// Days before a password expires (`None`: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// Number of previous passwords that cannot be reused (`None`: no prevention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reuse_prevention: Option<u32>,
    /// Expired passwords need an administrator reset.
    #[serde(default)]
    pub hard_expiry: bool,
}

/// An inline policy of a user, group or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    /// The policy name.
    pub name: String,
    /// The document.
    pub document: crate::PolicyDocument,
    /// Where the inline policy is declared (IaC) or read.
    #[serde(default)]
    pub origin: crate::inventory::Origin,
}

/// An MFA device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaDevice {
    /// Serial number or ARN.
    pub serial: String,
    /// Virtual (authenticator app) rather than hardware or FIDO.
    pub is_virtual: bool,
    /// When it was enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_at: Option<Timestamp>,
}

/// An access key (the secret is never collected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// The access key id (`AKIA…`), which is not a secret.
    pub id: String,
    /// Active or not.
    pub active: bool,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// When it was last used (`None`: never, or unknown if a gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Timestamp>,
    /// The service it was last used with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_service: Option<String>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// When the user was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// Whether the user has a console password (a login profile).
    pub console_password: bool,
    /// When the password was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<Timestamp>,
    /// MFA devices.
    #[serde(default)]
    pub mfa_devices: Vec<MfaDevice>,
    /// Access keys.
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// Names of the groups the user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARN of the permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// ARN, name, origin.
    pub meta: Meta,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The trust policy.
    pub assume_role_policy: crate::PolicyDocument,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARN of the permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// When the role was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Timestamp>,
    /// A service-linked role (managed by an AWS service).
    #[serde(default)]
    pub service_linked: bool,
}

/// A managed policy and its default version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    /// ARN, name, origin.
    pub meta: Meta,
    /// An AWS managed policy (`arn:aws:iam::aws:policy/…`).
    pub aws_managed: bool,
    /// The default version id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
    /// The default version's document.
    pub document: crate::PolicyDocument,
    /// How many principals it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
}

/// An instance profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceProfile {
    /// ARN, name, origin.
    pub meta: Meta,
    /// ARNs of its roles.
    #[serde(default)]
    pub roles: Vec<String>,
}
