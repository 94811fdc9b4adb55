//! CT-006 `trail-bucket-publicly-accessible`: anyone can read (or write) the audit logs.

use super::trail_buckets::judge_trail_buckets;
use crate::prelude::*;
use crate::s3::facts::{self, AccountBlock};

/// The bucket CloudTrail delivers to is open to the public through its ACL or policy.
pub struct TrailBucketPubliclyAccessible;

static META: CheckMeta = CheckMeta {
    code: "CT-006",
    name: "trail-bucket-publicly-accessible",
    title: "The CloudTrail bucket is publicly accessible",
    severity: Severity::Critical,
    controls: &["LOG-4"],
    inputs: Input::LSTC,
    compliance: &[fsbp("CloudTrail.6")],
    needs: &[
        data::CLOUDTRAIL,
        data::S3_BUCKET_POLICY,
        data::S3_BUCKET_ACL,
        data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    ],
    rationale: "The trail bucket holds a complete map of the account: every identity, resource, \
                source address and API parameter. Public read hands that map to anyone; public \
                write lets anyone plant or overwrite records. Block Public Access settings that \
                neutralize the ACL or policy are taken into account.",
    remediation: RemediationText {
        text: "Turn on all four Block Public Access settings for the bucket (and the account), \
               remove ACL grants to AllUsers/AuthenticatedUsers, and remove policy statements \
               that allow a wildcard principal without a condition on aws:SourceArn, \
               aws:SourceAccount or aws:PrincipalOrgID.",
        cli: Some(
            "aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ),
        terraform: Some(
            "resource \"aws_s3_bucket_public_access_block\" \"trail\" {\n  bucket                  = aws_s3_bucket.trail.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
        ),
    },
    manual: false,
};

impl Check for TrailBucketPubliclyAccessible {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    // The account-level Block Public Access is read too, but, as in S3-100, its gaps are judged
    // bucket by bucket (`facts::AccountBlock`): settings of the account can only add to the
    // bucket's own, so a bucket its own settings keep private passes whatever the account holds,
    // and a bucket open on its own settings is `not_assessed` when the account's settings could
    // not be read (they may neutralize the exposure).
    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        judge_trail_buckets(ctx, out, |owner, bucket, trails, at, out| {
            let reasons = facts::public_reasons(owner, bucket);
            let name = &bucket.meta.name;
            if reasons.is_empty() {
                out.pass(
                    at,
                    format!("trail bucket `{name}` (trail `{trails}`) is not public"),
                );
            } else if let AccountBlock::Unread(gap) = facts::account_block(ctx, owner) {
                let code = gap
                    .code
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                out.not_assessed(
                    at,
                    format!(
                        "not assessed: trail bucket `{name}` (trail `{trails}`) is public on its own \
                         settings ({}), but the account-level Block Public Access that could \
                         neutralize this could not be read by {}{code}: {}",
                        reasons.join("; "),
                        gap.operation,
                        gap.reason
                    ),
                )
                .with("reasons", json!(reasons))
                .with("gap", json!(gap));
            } else {
                out.fail(
                    at,
                    format!(
                        "trail bucket `{name}` (trail `{trails}`) is public: {}",
                        reasons.join("; ")
                    ),
                )
                .with("reasons", json!(reasons))
                .with(
                    "public_access_block",
                    json!(facts::effective_block(owner, bucket)),
                );
            }
        });
    }
}
