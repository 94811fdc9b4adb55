//! KMS-100 `key-policy-too-permissive`: a KMS key policy is open to everyone or gives `kms:*` to
//! principals that are not administrators.

use std::collections::BTreeSet;

use rampart_model::security::KeyManager;
use rampart_policy::PolicyKind;
use rampart_policy::policy::{Effect, PrincipalType};

use super::common;
use crate::prelude::*;

/// A key policy decides who can decrypt everything the key protects.
pub struct KeyPolicyTooPermissive;

static META: CheckMeta = CheckMeta {
    code: "KMS-100",
    name: "key-policy-too-permissive",
    title: "A KMS key policy is open to everyone or grants kms:* to non-administrators",
    severity: Severity::High,
    controls: &["ENC-5"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[fsbp("KMS.5")],
    needs: &[
        data::KMS_KEYS,
        data::KMS_POLICIES,
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "Encryption at rest is only as strong as the key policy. `Principal: \"*\"` without \
                a condition limiting callers to the account, organization or a service lets \
                anyone use or manage the key; `kms:*` given to an application role lets it \
                disable the key, schedule its deletion or rewrite its policy. The account root \
                statement of the default key policy (which delegates to IAM) is fine.",
    remediation: RemediationText {
        text: "Limit the key policy to the account root (delegation to IAM), named key \
               administrators with management actions, and key users with \
               `kms:Encrypt`/`kms:Decrypt`/`kms:GenerateDataKey*`; add `kms:CallerAccount` or \
               `aws:PrincipalOrgID` conditions to any statement for `*`.",
        cli: Some(
            "aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://key-policy.json",
        ),
        terraform: None,
    },
    manual: false,
};

impl Check for KeyPolicyTooPermissive {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let admins: BTreeSet<String> = common::principals(account)
                .iter()
                .filter(|p| p.missing.is_empty() && p.is_admin(&p.effective()))
                .map(|p| p.meta.arn.clone())
                .collect();
            let root = format!("arn:{}:iam::{}:root", account.partition, account.id);
            for region in &account.regions {
                for key in &region.kms_keys {
                    if key.manager == KeyManager::Aws {
                        continue;
                    }
                    let at = At::meta(&account.id, Some(&region.name), &key.meta);
                    let Some(doc) = &key.policy else {
                        out.not_assessed(
                            at,
                            format!("key `{}`: its key policy was not read", key.meta.name),
                        );
                        continue;
                    };
                    let Some(policy) =
                        rampart_policy::parse_document(doc.as_json(), PolicyKind::Key).policy
                    else {
                        out.not_assessed(
                            at,
                            format!(
                                "the policy of key `{}` is not valid JSON (see IAM-16)",
                                key.meta.name
                            ),
                        );
                        continue;
                    };
                    let mut problems: Vec<String> = Vec::new();
                    let mut statements = Vec::new();
                    for issue in rampart_policy::audit::public_access(&policy, &account.id) {
                        problems.push(issue.message.clone());
                        statements
                            .push(issue.evidence.get("statement").cloned().unwrap_or_default());
                    }
                    for s in policy.statements_with(Effect::Allow) {
                        let full = !s.action.negated
                            && s.action
                                .items
                                .iter()
                                .any(|a| a.value == "*" || a.value.eq_ignore_ascii_case("kms:*"));
                        let Some(pr) = &s.principal else { continue };
                        if !full || pr.is_everyone() {
                            continue;
                        }
                        let others: Vec<&str> = pr
                            .entries
                            .iter()
                            .filter(|(t, v)| {
                                *t == PrincipalType::Aws
                                    && v.value != root
                                    && v.value != account.id
                                    && !admins.contains(&v.value)
                            })
                            .map(|(_, v)| v.value.as_str())
                            .collect();
                        if !others.is_empty() {
                            problems.push(format!(
                                "statement {} gives `kms:*` to {}, which is not an administrator",
                                s.label(),
                                others.join(", ")
                            ));
                            statements.push(s.to_json());
                        }
                    }
                    if problems.is_empty() {
                        out.pass(
                            at,
                            format!("key `{}` has a restrictive key policy", key.meta.name),
                        );
                    } else {
                        out.fail(
                            at,
                            format!("key `{}`: {}", key.meta.name, problems.join("; ")),
                        )
                        .with("statements", json!(statements));
                    }
                }
            }
        }
    }
}
