//! VPC-009 `private-bucket-without-vpc-endpoint-condition`: a private bucket's policy does not
//! tie access to the VPC endpoint.

use crate::prelude::*;
use crate::s3::facts::{log_destinations, public_reasons, statements};

/// For a bucket only the backend should use, the policy can say "only through our VPC endpoint";
/// then a leaked credential used from elsewhere gets nothing.
pub struct PrivateBucketWithoutVpcEndpointCondition;

static META: CheckMeta = CheckMeta {
    code: "VPC-009",
    name: "private-bucket-without-vpc-endpoint-condition",
    title: "Private bucket is not restricted to a VPC endpoint",
    severity: Severity::Low,
    controls: &["NET-12"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::S3_BUCKETS,
        data::S3_BUCKET_POLICY,
        data::S3_BUCKET_ACL,
    ],
    rationale: "Traffic from a VPC to S3 through a gateway endpoint never crosses the internet, and a \
                bucket policy that denies requests lacking `aws:SourceVpce` (or `aws:SourceVpc`) makes \
                the bucket unusable from anywhere else, even with valid stolen credentials. rampart \
                checks the bucket side (partial control): buckets that are not public and whose \
                policy names no VPC endpoint or VPC condition are reported. Whether every legitimate \
                reader really sits behind the endpoint is for the auditor to confirm.",
    remediation: RemediationText {
        text: "Add a Deny statement for requests whose `aws:SourceVpce` is not the backend VPC's S3 \
               endpoint (exempting the roles that administer the bucket), after creating the gateway \
               endpoint.",
        cli: Some(
            "aws s3api put-bucket-policy --bucket <bucket> --policy file://deny-outside-vpce.json",
        ),
        terraform: Some(
            "data \"aws_iam_policy_document\" \"vpce_only\" {\n  statement {\n    effect    = \"Deny\"\n    actions   = [\"s3:*\"]\n    resources = [aws_s3_bucket.data.arn, \"${aws_s3_bucket.data.arn}/*\"]\n    principals {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n    condition {\n      test     = \"StringNotEquals\"\n      variable = \"aws:SourceVpce\"\n      values   = [aws_vpc_endpoint.s3.id]\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for PrivateBucketWithoutVpcEndpointCondition {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let log_buckets = log_destinations(ctx);
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                if !public_reasons(account, bucket).is_empty() {
                    continue; // public on purpose or not: other checks judge that
                }
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                if log_buckets.contains(&bucket.meta.name) {
                    // CloudTrail and S3 server access logging deliver from AWS's own network, never
                    // through a VPC endpoint: the restriction does not apply to their targets.
                    out.pass(
                        at,
                        format!(
                            "bucket `{}` receives logs delivered by AWS services, which cannot come through a VPC endpoint",
                            bucket.meta.name
                        ),
                    );
                    continue;
                }
                // Only a Deny of requests whose endpoint or VPC is not the expected one restricts
                // the bucket (S3 User Guide, "Controlling access from VPC endpoints with bucket
                // policies": `Deny` with `StringNotEquals aws:SourceVpce`). An Allow conditioned
                // on the endpoint denies nobody: principals of the account keep what their own
                // IAM policies grant from anywhere.
                let keys: Vec<String> = bucket
                    .policy
                    .as_ref()
                    .map(|p| {
                        statements(&p.to_value())
                            .into_iter()
                            .filter(|s| {
                                s.get("Effect").and_then(serde_json::Value::as_str) == Some("Deny")
                            })
                            .flat_map(negated_condition_keys)
                            .collect()
                    })
                    .unwrap_or_default();
                let vpce: Vec<&String> = keys
                    .iter()
                    .filter(|k| *k == "aws:sourcevpce" || *k == "aws:sourcevpc")
                    .collect();
                if vpce.is_empty() {
                    let why = if bucket.policy.is_none() {
                        "has no bucket policy"
                    } else {
                        "has a policy that denies nothing outside an aws:SourceVpce or aws:SourceVpc"
                    };
                    out.fail(
                        at,
                        format!(
                            "private bucket `{}` {why}: it can be used from outside the VPC",
                            bucket.meta.name
                        ),
                    )
                    .with("deny_condition_keys", json!(keys));
                } else {
                    out.pass(
                        at,
                        format!(
                            "bucket `{}` restricts access with {}",
                            bucket.meta.name, vpce[0]
                        ),
                    );
                }
            }
        }
    }
}

/// The keys a statement's condition tests with a negated string operator (`StringNotEquals`,
/// `StringNotLike`, their `IfExists` forms, set-qualified or not), lower-cased: in a Deny, the
/// requests they leave out are the only ones allowed through.
fn negated_condition_keys(statement: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    statement
        .get("Condition")
        .and_then(serde_json::Value::as_object)
        .map(|ops| {
            ops.iter()
                .filter(|(op, _)| {
                    let base = op.rsplit(':').next().unwrap_or(op).to_ascii_lowercase();
                    base.starts_with("stringnot")
                })
                .filter_map(|(_, m)| m.as_object())
                .flat_map(|m| m.keys().map(|k| k.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default()
}
