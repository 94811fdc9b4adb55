//! Checks of Secrets Manager secrets (`SM-`) and SSM parameters (`SSM-`).

use crate::check::Check;

mod parameter_secret_not_secure_string;
mod secret_bundles_unrelated_credentials;
mod secret_not_rotated_within_schedule;
mod secret_rotation_disabled;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &secret_rotation_disabled::SecretRotationDisabled,
    &secret_not_rotated_within_schedule::SecretNotRotatedWithinSchedule,
    &parameter_secret_not_secure_string::ParameterSecretNotSecureString,
    &secret_bundles_unrelated_credentials::SecretBundlesUnrelatedCredentials,
];
