//! CT-002 `trail-with-incomplete-coverage`: a trail misses regions, events, or is stopped.

use crate::prelude::*;

/// A trail that is single-region, stopped, or leaves out management or global service events.
pub struct TrailWithIncompleteCoverage;

static META: CheckMeta = CheckMeta {
    code: "CT-002",
    name: "trail-with-incomplete-coverage",
    title: "CloudTrail trail is single-region, stopped, or skips management or global events",
    severity: Severity::Medium,
    controls: &["LOG-1"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.1"), cis6("4.1"), fsbp("CloudTrail.1")],
    needs: &[
        data::CLOUDTRAIL,
        data::CLOUDTRAIL_STATUS,
        data::CLOUDTRAIL_SELECTORS,
    ],
    rationale: "Each trail is somebody's belief that activity is being recorded. A trail that \
                only covers its home region misses resources started elsewhere; one whose logging \
                was stopped records nothing; one that filters out write or read management events \
                or global service events (IAM, STS, CloudFront) misses exactly the identity \
                activity an investigation needs. Such a trail gives false comfort.",
    remediation: RemediationText {
        text: "Make the trail multi-region, include global service events, record all (read and \
               write) management events, and start logging; or delete it if another trail \
               already covers the account.",
        cli: Some(
            "aws cloudtrail update-trail --name <trail> --is-multi-region-trail --include-global-service-events\naws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'\naws cloudtrail start-logging --name <trail>",
        ),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  is_multi_region_trail         = true\n  include_global_service_events = true\n  enable_logging                = true\n  event_selector {\n    read_write_type           = \"All\"\n    include_management_events = true\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for TrailWithIncompleteCoverage {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, trail) in ctx.each(|r| &r.trails) {
            let at = At::meta(&account.id, Some(&region.name), &trail.meta);
            let mut problems = Vec::new();
            if !trail.multi_region {
                problems.push(format!(
                    "records only its home region {}",
                    trail.home_region
                ));
            }
            if trail.is_logging == Some(false) {
                problems.push("is not logging".to_owned());
            }
            if !trail.records_management_events() {
                problems.push("does not record all read and write management events".to_owned());
            }
            if !trail.include_global_service_events {
                problems.push("leaves out global service events (IAM, STS)".to_owned());
            }
            if problems.is_empty() {
                out.pass(
                    at,
                    format!(
                        "trail `{}` covers every region and all management events",
                        trail.meta.name
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!("trail `{}` {}", trail.meta.name, problems.join(", ")),
                )
                .with("multi_region", json!(trail.multi_region))
                .with("is_logging", json!(trail.is_logging))
                .with(
                    "management_events",
                    json!(trail.records_management_events()),
                )
                .with(
                    "include_global_service_events",
                    json!(trail.include_global_service_events),
                )
                .with("event_selectors", json!(trail.event_selectors))
                .with(
                    "advanced_event_selectors",
                    json!(trail.advanced_event_selectors),
                );
            }
        }
    }
}
