//! IAM-101 `policy-allows-wildcard-resource`: an Allow uses a wildcard resource for actions that
//! support resource-level permissions.

use super::common;
use crate::prelude::*;

/// `"Resource": "*"` is only needed for actions that cannot be scoped (`s3:ListAllMyBuckets`);
/// anywhere else it widens a grant to every bucket, table or key in the account.
pub struct PolicyAllowsWildcardResource;

static META: CheckMeta = CheckMeta {
    code: "IAM-101",
    name: "policy-allows-wildcard-resource",
    title: "An IAM policy allows scopable actions on every resource",
    severity: Severity::Medium,
    controls: &["IAM-2"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[fsbp("KMS.1"), fsbp("KMS.2")],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "When an action supports resource-level permissions, a wildcard resource grants it \
                on every present and future resource of that type: the application meant to read \
                one bucket can read them all. Only actions that support no resource type need \
                `\"Resource\": \"*\"`; the action catalogue tells which.",
    remediation: RemediationText {
        text: "Name the buckets, tables, queues or keys the workload uses (ARNs, or ARN prefixes \
               such as `arn:aws:s3:::my-bucket/*`), and keep `*` only for statements whose \
               actions support no resource-level permissions.",
        cli: None,
        terraform: Some(
            "statement {\n  actions   = [\"dynamodb:GetItem\", \"dynamodb:Query\"]\n  resources = [aws_dynamodb_table.app.arn]\n}",
        ),
    },
    manual: false,
};

impl Check for PolicyAllowsWildcardResource {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            common::judge_docs(
                account,
                out,
                "scopable actions are limited to named resources",
                rampart_policy::audit::wildcard_resource,
            );
        }
    }
}
