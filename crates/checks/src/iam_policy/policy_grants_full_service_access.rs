//! IAM-100 `policy-grants-full-service-access`: an Allow grants every action, or every action
//! of a service, directly or through `NotAction`.

use super::common;
use crate::prelude::*;

/// `"Action": "*"`, `"s3:*"` or an Allow with `NotAction` hands out far more than any workload
/// uses, including actions added to the service later.
pub struct PolicyGrantsFullServiceAccess;

static META: CheckMeta = CheckMeta {
    code: "IAM-100",
    name: "policy-grants-full-service-access",
    title: "An IAM policy allows every action, or every action of a service",
    severity: Severity::High,
    controls: &["IAM-1"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[cis3("1.16"), cis6("2.15"), fsbp("IAM.1"), fsbp("IAM.21")],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "A wildcard action grants today's actions and every action the service adds \
                tomorrow, destructive and permission-changing ones included. `NotAction` with \
                `Allow` is worse than it looks: it allows everything that is not listed. A leaked \
                credential holding such a grant compromises the whole service (or account).",
    remediation: RemediationText {
        text: "Replace the wildcard with the actions the workload calls (CloudTrail or IAM Access \
               Analyzer's policy generation lists them) and replace `NotAction` allows with an \
               explicit action list.",
        cli: Some(
            "aws iam create-policy-version --policy-arn <arn> --policy-document file://least-privilege.json --set-as-default",
        ),
        terraform: Some(
            "data \"aws_iam_policy_document\" \"app\" {\n  statement {\n    actions   = [\"s3:GetObject\", \"s3:PutObject\"]\n    resources = [\"arn:aws:s3:::my-bucket/*\"]\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for PolicyGrantsFullServiceAccess {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            common::judge_docs(
                account,
                out,
                "no Allow grants every action or a whole service",
                rampart_policy::audit::full_access,
            );
        }
    }
}
