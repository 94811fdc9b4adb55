//! Checks of KMS keys, and of which keys protect the data stores (ENC-4).

use crate::check::Check;

mod key_rotation_disabled;
pub(crate) mod keys;
mod store_uses_aws_managed_key;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &key_rotation_disabled::KeyRotationDisabled,
    &store_uses_aws_managed_key::StoreUsesAwsManagedKey,
];
