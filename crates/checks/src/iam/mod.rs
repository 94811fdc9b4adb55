//! Checks of IAM users, their credentials, and the password policy.

use crate::check::Check;

mod access_key_not_rotated;
mod access_key_unused;
mod console_user_without_mfa;
pub(crate) mod credentials;
mod password_policy_without_character_classes;
#[cfg(test)]
pub(crate) mod testing;
mod user_with_multiple_active_keys;
mod weak_password_policy;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &console_user_without_mfa::ConsoleUserWithoutMfa,
    &weak_password_policy::WeakPasswordPolicy,
    &password_policy_without_character_classes::PasswordPolicyWithoutCharacterClasses,
    &access_key_unused::AccessKeyUnused,
    &access_key_not_rotated::AccessKeyNotRotated,
    &user_with_multiple_active_keys::UserWithMultipleActiveKeys,
];
