//! CT-004 `bucket-object-events-not-recorded`: reads and writes of a bucket's objects leave no
//! trace.

use rampart_model::logging::Trail;

use super::selectors::{self, Coverage, Target};
use crate::prelude::*;
use crate::s3::facts;

/// No logging trail records S3 object-level (data) events, read and write, for a data bucket.
pub struct BucketObjectEventsNotRecorded;

static META: CheckMeta = CheckMeta {
    code: "CT-004",
    name: "bucket-object-events-not-recorded",
    title: "S3 object-level read and write events are not recorded for a data bucket",
    severity: Severity::Medium,
    controls: &["LOG-3"],
    inputs: Input::LSTC,
    compliance: &[cis3("3.8"), cis3("3.9"), cis6("4.8"), cis6("4.9")],
    needs: &[
        data::CLOUDTRAIL,
        data::CLOUDTRAIL_STATUS,
        data::CLOUDTRAIL_SELECTORS,
        data::S3_BUCKETS,
    ],
    rationale: "Management events record who changed a bucket, not who read or wrote its \
                objects. When data leaks from a bucket, the question is which objects were \
                downloaded, by whom, from where; only CloudTrail data events answer it. Buckets \
                that only receive logs (trail and access-log destinations) are not judged: \
                recording their objects would log the logs.",
    remediation: RemediationText {
        text: "Add an event selector to a logging trail (multi-region, or in the bucket's region) \
               that records read and write data events for `AWS::S3::Object` in the bucket, or in \
               all buckets. Advanced selectors can leave out noisy prefixes.",
        cli: Some(
            "aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors '[{\"Name\":\"S3 data events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"resources.ARN\",\"StartsWith\":[\"arn:aws:s3:::<bucket>/\"]}]}]'",
        ),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  advanced_event_selector {\n    name = \"S3 data events\"\n    field_selector {\n      field  = \"eventCategory\"\n      equals = [\"Data\"]\n    }\n    field_selector {\n      field  = \"resources.type\"\n      equals = [\"AWS::S3::Object\"]\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BucketObjectEventsNotRecorded {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let log_buckets = facts::log_destinations(ctx);
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
            for bucket in &account.buckets {
                if log_buckets.contains(&bucket.meta.name) {
                    continue;
                }
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let objects = format!("{}/", bucket.meta.cloud_arn());
                let target = Target {
                    resource_type: "AWS::S3::Object",
                    arn: &objects,
                };
                let mut total = Coverage::default();
                let mut by = Vec::new();
                for trail in &trails {
                    let c = selectors::coverage(trail, &bucket.region, target);
                    if c.read || c.write {
                        by.push(
                            json!({"trail": trail.meta.name, "read": c.read, "write": c.write}),
                        );
                    }
                    total.read |= c.read;
                    total.write |= c.write;
                }
                let name = &bucket.meta.name;
                if total.full() {
                    out.pass(
                        at,
                        format!("object reads and writes in bucket `{name}` are recorded"),
                    )
                    .with("trails", json!(by));
                    continue;
                }
                let missing = match (total.read, total.write) {
                    (true, _) => "writes",
                    (_, true) => "reads",
                    _ => "reads or writes",
                };
                out.fail(
                    at,
                    format!("no logging trail records object {missing} in bucket `{name}`"),
                )
                .with("read_events", json!(total.read))
                .with("write_events", json!(total.write))
                .with("trails", json!(by));
            }
        }
    }
}
