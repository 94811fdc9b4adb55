//! Checks of the account root user and account settings.

use crate::check::Check;

mod account_without_alias;
mod root_access_keys;
mod root_user_used_recently;
mod root_user_without_hardware_mfa;
mod root_user_without_mfa;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &root_access_keys::RootUserHasAccessKeys,
    &root_user_without_mfa::RootUserWithoutMfa,
    &root_user_without_hardware_mfa::RootUserWithoutHardwareMfa,
    &root_user_used_recently::RootUserUsedRecently,
    &account_without_alias::AccountWithoutAlias,
];

/// Whether `account` is a real AWS account (a 12-digit id) rather than the pseudo-account of an
/// IaC input (`000000000000`, or a non-numeric placeholder): account settings an IaC input does
/// not declare are unknown, not absent.
pub(crate) fn is_aws_account(account: &rampart_model::Account) -> bool {
    account.id.len() == 12
        && account.id.bytes().all(|b| b.is_ascii_digit())
        && account.id != "000000000000"
}

/// Whether a gap hides `need` for this resource: an empty value (no alias, no password policy, no
/// MFA device, no tags) may then only mean "not read". Checks use it to withhold a failure that
/// would rest on unread data; the runner reports the gap itself as `not_assessed`.
pub(crate) fn unseen(
    ctx: &crate::context::Context<'_>,
    need: &str,
    account: &str,
    region: Option<&str>,
    resource: &str,
) -> bool {
    ctx.inventory.gaps.iter().any(|g| {
        g.touches(need)
            && g.applies_to(account, region)
            && g.resource.as_deref().is_none_or(|r| r == resource)
    })
}
