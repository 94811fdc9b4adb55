//! CT-005 `lambda-invocations-not-recorded`: nobody can tell who invoked a function.

use rampart_model::logging::Trail;

use super::selectors::{self, Target};
use crate::prelude::*;

/// No logging trail records Lambda data events (invocations) for a function.
pub struct LambdaInvocationsNotRecorded;

static META: CheckMeta = CheckMeta {
    code: "CT-005",
    name: "lambda-invocations-not-recorded",
    title: "Lambda invocations are not recorded by CloudTrail data events",
    severity: Severity::Low,
    controls: &["LOG-3"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::CLOUDTRAIL,
        data::CLOUDTRAIL_STATUS,
        data::CLOUDTRAIL_SELECTORS,
        data::LAMBDA,
    ],
    rationale: "Invoking a function is a data event: management events show who deployed or \
                reconfigured it, never who called it. A function that touches data or holds a \
                privileged role can be abused by any principal allowed to invoke it, and without \
                data events there is no record of those calls.",
    remediation: RemediationText {
        text: "Add a selector to a logging trail that records data events for \
               `AWS::Lambda::Function` (all functions, or the sensitive ones).",
        cli: Some(
            "aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors '[{\"Name\":\"Lambda invocations\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::Lambda::Function\"]}]}]'",
        ),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  advanced_event_selector {\n    name = \"Lambda invocations\"\n    field_selector {\n      field  = \"eventCategory\"\n      equals = [\"Data\"]\n    }\n    field_selector {\n      field  = \"resources.type\"\n      equals = [\"AWS::Lambda::Function\"]\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for LambdaInvocationsNotRecorded {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            // Without every trail and selector, a missing record cannot be told from an unseen one.
            if super::gapped(
                ctx,
                account,
                &[
                    data::CLOUDTRAIL,
                    data::CLOUDTRAIL_SELECTORS,
                    data::CLOUDTRAIL_STATUS,
                ],
            ) {
                continue;
            }
            let trails: Vec<&Trail> = account
                .regions
                .iter()
                .flat_map(|r| r.trails.iter())
                .collect();
            for region in &account.regions {
                for function in &region.lambda_functions {
                    let at = At::meta(&account.id, Some(&region.name), &function.meta);
                    let target = Target {
                        resource_type: "AWS::Lambda::Function",
                        arn: &function.meta.arn,
                    };
                    let by: Vec<&str> = trails
                        .iter()
                        .filter(|t| {
                            let c = selectors::coverage(t, &region.name, target);
                            c.read || c.write
                        })
                        .map(|t| t.meta.name.as_str())
                        .collect();
                    if by.is_empty() {
                        out.fail(
                            at,
                            format!(
                                "no logging trail records invocations of function `{}`",
                                function.meta.name
                            ),
                        );
                    } else {
                        out.pass(
                            at,
                            format!(
                                "invocations of function `{}` are recorded by `{}`",
                                function.meta.name,
                                by.join("`, `")
                            ),
                        );
                    }
                }
            }
        }
    }
}
