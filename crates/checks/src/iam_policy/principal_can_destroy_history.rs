//! IAM-105 `principal-can-destroy-history`: an application principal can delete object
//! versions, suspend versioning, rewrite lifecycle, bucket policy or ACLs.

use rampart_policy::audit;

use super::common;
use crate::prelude::*;

/// Versioning only protects data if the credential that writes the data cannot also remove the
/// versions or switch versioning off.
pub struct PrincipalCanDestroyHistory;

static META: CheckMeta = CheckMeta {
    code: "IAM-105",
    name: "principal-can-destroy-history",
    title: "An application principal can destroy S3 history",
    severity: Severity::High,
    controls: &["IAM-10"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
        data::IAM_ACCESS_KEYS,
    ],
    rationale: "Attackers who steal an application's key delete the data and then its previous \
                versions, or suspend versioning first. An application needs Get/Put/List on its \
                objects, not `s3:DeleteObjectVersion`, `s3:PutBucketVersioning`, \
                `s3:PutLifecycleConfiguration`, `s3:PutBucketPolicy`, `s3:PutBucketAcl` or \
                `s3:DeleteBucket`.",
    remediation: RemediationText {
        text: "List the S3 actions the application uses instead of `s3:*`, or add the Deny block \
               of destructive actions (DeleteObjectVersion, PutBucketVersioning, \
               PutLifecycleConfiguration, PutBucketPolicy, PutBucketAcl, DeleteBucket…) on the \
               application's buckets.",
        cli: None,
        terraform: Some(
            "statement {\n  effect    = \"Deny\"\n  actions   = [\"s3:DeleteObjectVersion\", \"s3:PutBucketVersioning\", \"s3:PutLifecycleConfiguration\", \"s3:PutBucketPolicy\", \"s3:PutBucketAcl\", \"s3:DeleteBucket\"]\n  resources = [\"*\"]\n}",
        ),
    },
    manual: false,
};

impl Check for PrincipalCanDestroyHistory {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for p in common::principals(account) {
                if !p.is_application() || !p.complete(&account.id, out) {
                    continue;
                }
                let e = p.effective();
                let at = p.at(&account.id);
                let found: Vec<&str> = audit::history_destroying(&e)
                    .into_iter()
                    .filter(|a| p.boundary_allows(a))
                    .collect();
                if found.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "application {} `{}` cannot destroy S3 history",
                            p.kind, p.meta.name
                        ),
                    );
                } else {
                    let resources: Vec<String> = found
                        .iter()
                        .flat_map(|a| e.grants_of(a).map(|g| g.resource.clone()))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    out.fail(
                        at,
                        format!(
                            "application {} `{}` can destroy S3 history: {}",
                            p.kind,
                            p.meta.name,
                            found.join(", ")
                        ),
                    )
                    .with("actions", json!(found))
                    .with("resources", json!(resources));
                }
            }
        }
    }
}
