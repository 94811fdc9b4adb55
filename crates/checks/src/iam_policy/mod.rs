//! Checks of the `iam_policy` area: what IAM, bucket and key policies allow, judged by the
//! `rampart-policy` engine (parse, validate, evaluate, analyse).

mod access_key_not_bound_to_network;
mod administrator_has_access_keys;
mod application_without_deny_guardrails;
mod bucket_policy_allows_plain_http;
pub(crate) mod bucket_publicly_accessible;
pub(crate) mod common;
mod identity_reaches_other_environment;
mod key_policy_too_permissive;
mod policy_allow_cancelled_by_deny;
mod policy_allows_wildcard_resource;
mod policy_document_invalid;
mod policy_grants_full_service_access;
mod principal_can_destroy_history;
mod principal_can_escalate_privileges;
mod principal_can_read_write_and_delete;
mod principal_reaches_unexpected_service;
mod role_trusts_any_principal;
mod secret_read_not_scoped;

use crate::check::Check;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &policy_grants_full_service_access::PolicyGrantsFullServiceAccess,
    &policy_allows_wildcard_resource::PolicyAllowsWildcardResource,
    &policy_allow_cancelled_by_deny::PolicyAllowCancelledByDeny,
    &principal_reaches_unexpected_service::PrincipalReachesUnexpectedService,
    &administrator_has_access_keys::AdministratorHasAccessKeys,
    &principal_can_destroy_history::PrincipalCanDestroyHistory,
    &principal_can_read_write_and_delete::PrincipalCanReadWriteAndDelete,
    &access_key_not_bound_to_network::AccessKeyNotBoundToNetwork,
    &secret_read_not_scoped::SecretReadNotScoped,
    &principal_can_escalate_privileges::PrincipalCanEscalatePrivileges,
    &identity_reaches_other_environment::IdentityReachesOtherEnvironment,
    &policy_document_invalid::PolicyDocumentInvalid,
    &role_trusts_any_principal::RoleTrustsAnyPrincipal,
    &bucket_publicly_accessible::BucketPubliclyAccessible,
    &bucket_policy_allows_plain_http::BucketPolicyAllowsPlainHttp,
    &key_policy_too_permissive::KeyPolicyTooPermissive,
    &application_without_deny_guardrails::ApplicationWithoutDenyGuardrails,
];
