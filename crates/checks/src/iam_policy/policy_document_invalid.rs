//! IAM-111 `policy-document-invalid`: a policy does not parse or does not validate (syntax,
//! unknown services, actions or condition operators, malformed ARNs).

use rampart_policy::{Level, PolicyKind};
use serde_json::Value;

use super::common::{self, Doc};
use crate::prelude::*;

/// AWS rejects an invalid policy at deployment, and an unknown action silently grants nothing:
/// both hide a policy that does not do what its author believes.
pub struct PolicyDocumentInvalid;

static META: CheckMeta = CheckMeta {
    code: "IAM-111",
    name: "policy-document-invalid",
    title: "A policy document is invalid",
    severity: Severity::Medium,
    controls: &["IAM-16"],
    inputs: &[
        Input::Policy,
        Input::Terraform,
        Input::CloudFormation,
        Input::Live,
        Input::Snapshot,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
        data::S3_BUCKET_POLICY,
        data::KMS_POLICIES,
    ],
    rationale: "A policy with a syntax error (a trailing comma, a duplicate key) is rejected when \
                deployed, or worse, half-applied by tooling that is more lenient than IAM. A \
                misspelt action, an unknown condition operator or a malformed ARN is accepted or \
                rejected depending on where it is, but never grants or denies what was meant: a \
                Deny guardrail with a typo protects nothing.",
    remediation: RemediationText {
        text: "Fix the reported element at the given line and column; run `rampart policy lint` \
               on policy files in CI so that invalid policies never reach an account.",
        cli: Some("rampart policy lint policies/*.json"),
        terraform: Some(
            "# Build policies with aws_iam_policy_document rather than hand-written JSON strings:\ndata \"aws_iam_policy_document\" \"app\" { ... }",
        ),
    },
    manual: false,
};

fn judge(account: &str, label: &str, value: &Value, kind: PolicyKind, at: At<'_>, out: &mut Sink) {
    let (_, diags) = rampart_policy::lint_value(value, kind);
    let errors: Vec<_> = diags.iter().filter(|d| d.level == Level::Error).collect();
    let warnings: Vec<String> = diags
        .iter()
        .filter(|d| d.level == Level::Warning)
        .map(ToString::to_string)
        .collect();
    let _ = account;
    if errors.is_empty() {
        let f = out.pass(at, format!("{label} is valid"));
        if !warnings.is_empty() {
            f.with("warnings", json!(warnings));
        }
        return;
    }
    let first = errors[0];
    let place = if first.span.is_located() {
        format!(" at {}", first.span)
    } else {
        String::new()
    };
    let f = out.fail(at, format!("{label} is invalid{place}: {}", first.message));
    f.with(
        "errors",
        json!(errors.iter().map(ToString::to_string).collect::<Vec<_>>()),
    );
    if first.span.is_located() {
        f.with("document_line", json!(first.span.line))
            .with("document_column", json!(first.span.column));
    }
    if !warnings.is_empty() {
        f.with("warnings", json!(warnings));
    }
}

impl Check for PolicyDocumentInvalid {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for doc in common::identity_docs(account) {
                let Doc {
                    label, value, kind, ..
                } = &doc;
                judge(&account.id, label, value, *kind, doc.at(&account.id), out);
            }
            for role in &account.iam.roles {
                let label = format!("trust policy of role `{}`", role.meta.name);
                judge(
                    &account.id,
                    &label,
                    &role.assume_role_policy,
                    PolicyKind::Trust,
                    At::meta(&account.id, None, &role.meta),
                    out,
                );
            }
            for bucket in &account.buckets {
                if let Some(p) = &bucket.policy {
                    let label = format!("bucket policy of `{}`", bucket.meta.name);
                    judge(
                        &account.id,
                        &label,
                        p,
                        PolicyKind::Resource,
                        At::meta(&account.id, Some(&bucket.region), &bucket.meta),
                        out,
                    );
                }
            }
            for region in &account.regions {
                for key in &region.kms_keys {
                    if let Some(p) = &key.policy {
                        let label = format!("key policy of `{}`", key.meta.name);
                        judge(
                            &account.id,
                            &label,
                            p,
                            PolicyKind::Key,
                            At::meta(&account.id, Some(&region.name), &key.meta),
                            out,
                        );
                    }
                }
            }
        }
    }
}
