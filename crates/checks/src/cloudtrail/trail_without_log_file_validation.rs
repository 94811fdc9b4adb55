//! CT-003 `trail-without-log-file-validation`: a trail's log files can be altered undetected.

use crate::prelude::*;

/// Log file integrity validation is off: nobody can prove the logs were not edited.
pub struct TrailWithoutLogFileValidation;

static META: CheckMeta = CheckMeta {
    code: "CT-003",
    name: "trail-without-log-file-validation",
    title: "CloudTrail log file validation is disabled",
    severity: Severity::Medium,
    controls: &["LOG-2"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.2"), cis6("4.2"), fsbp("CloudTrail.4")],
    needs: &[data::CLOUDTRAIL],
    rationale: "With validation on, CloudTrail writes an hourly digest file signed by AWS that \
                chains the hashes of every log file delivered. Without it, someone with write \
                access to the bucket can delete or rewrite log files and no one can show it \
                happened, which weakens the logs as evidence after an incident.",
    remediation: RemediationText {
        text: "Enable log file validation on the trail, and check the digests with `aws \
               cloudtrail validate-logs` when logs are used as evidence.",
        cli: Some("aws cloudtrail update-trail --name <trail> --enable-log-file-validation"),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  enable_log_file_validation = true\n}",
        ),
    },
    manual: false,
};

impl Check for TrailWithoutLogFileValidation {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, trail) in ctx.each(|r| &r.trails) {
            let at = At::meta(&account.id, Some(&region.name), &trail.meta);
            if trail.log_file_validation {
                out.pass(
                    at,
                    format!("trail `{}` validates its log files", trail.meta.name),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "trail `{}` has log file validation disabled",
                        trail.meta.name
                    ),
                )
                .with("log_file_validation", json!(false));
            }
        }
    }
}
