//! IAM-102 `policy-allow-cancelled-by-deny`: a Deny of a policy cancels that same policy's
//! Allows (seed 000's policy grants nothing).

use super::common;
use crate::prelude::*;

/// A guardrail Deny on `s3:*` for `*` also denies the bucket the policy meant to allow: an
/// explicit Deny always wins, so the Allow is dead and the policy may grant nothing at all.
pub struct PolicyAllowCancelledByDeny;

static META: CheckMeta = CheckMeta {
    code: "IAM-102",
    name: "policy-allow-cancelled-by-deny",
    title: "A policy's Deny cancels its own Allows",
    severity: Severity::Medium,
    controls: &["IAM-3"],
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
    ],
    rationale: "An explicit Deny overrides every Allow. A \"deny everything else\" guardrail written \
                as `Deny s3:*` on `*` denies the allowed bucket too, so the application fails \
                (or someone later deletes the guardrail, or widens it away). The guardrail has to \
                exclude what is allowed: `NotResource` with the allowed ARNs, or `NotAction` with \
                the allowed actions.",
    remediation: RemediationText {
        text: "Rewrite the Deny so that it excludes what the policy allows: `\"NotResource\": \
               [<the allowed ARNs>]` (deny the service everywhere else) or `\"NotAction\": [<the \
               allowed actions>]` (deny every other action), then check with `rampart policy eval`.",
        cli: Some(
            "rampart policy eval policy.json --action s3:GetObject --resource arn:aws:s3:::<bucket>/<key>",
        ),
        terraform: Some(
            "statement {\n  effect        = \"Deny\"\n  actions       = [\"s3:*\"]\n  not_resources = [aws_s3_bucket.app.arn, \"${aws_s3_bucket.app.arn}/*\"]\n}",
        ),
    },
    manual: false,
};

impl Check for PolicyAllowCancelledByDeny {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            common::judge_docs(
                account,
                out,
                "no Deny cancels the policy's own Allows",
                rampart_policy::audit::cancelled_allows,
            );
        }
    }
}
