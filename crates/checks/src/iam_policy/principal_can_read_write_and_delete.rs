//! IAM-106 `principal-can-read-write-and-delete`: one application credential can both read or
//! write data and delete it.

use rampart_policy::wildcard;

use super::common;
use crate::prelude::*;

/// Separate credentials for reading/writing and for deleting mean a leaked application key
/// cannot wipe the data it serves.
pub struct PrincipalCanReadWriteAndDelete;

static META: CheckMeta = CheckMeta {
    code: "IAM-106",
    name: "principal-can-read-write-and-delete",
    title: "An application principal can both read/write and delete the same data",
    severity: Severity::Medium,
    controls: &["IAM-11"],
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
    rationale: "Most applications never delete what they store. When the credential that serves \
                traffic may also delete, any leak of it (or any bug) can erase data; a second, \
                rarely used credential for deletions keeps the everyday one harmless.",
    remediation: RemediationText {
        text: "Remove delete actions (`s3:DeleteObject`, `dynamodb:DeleteItem`) from the \
               application's policy and give them to a separate principal used only by the jobs \
               that must delete.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

/// (data actions, delete actions) per store.
const PAIRS: &[(&str, &[&str], &[&str])] = &[
    (
        "S3 objects",
        &["s3:GetObject", "s3:PutObject"],
        &["s3:DeleteObject", "s3:DeleteObjectVersion"],
    ),
    (
        "DynamoDB items",
        &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
        &["dynamodb:DeleteItem"],
    ),
];

impl Check for PrincipalCanReadWriteAndDelete {
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
                let mut overlaps = Vec::new();
                for (store, use_actions, delete_actions) in PAIRS {
                    for ua in *use_actions {
                        if !p.boundary_allows(ua) {
                            continue;
                        }
                        for da in *delete_actions {
                            if !p.boundary_allows(da) {
                                continue;
                            }
                            for g1 in e.grants_of(ua) {
                                for g2 in e.grants_of(da) {
                                    if wildcard::intersects(&g1.resource, &g2.resource, false) {
                                        overlaps.push(json!({"store": store, "use": ua, "delete": da, "resource": g2.resource}));
                                    }
                                }
                            }
                        }
                    }
                }
                overlaps.dedup();
                let at = p.at(&account.id);
                if overlaps.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "application {} `{}` cannot delete the data it reads or writes",
                            p.kind, p.meta.name
                        ),
                    );
                } else {
                    out.fail(at, format!("application {} `{}` can read or write data and delete it with the same credential", p.kind, p.meta.name))
                        .with("overlaps", serde_json::Value::Array(overlaps.into_iter().take(20).collect()));
                }
            }
        }
    }
}
