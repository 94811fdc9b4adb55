//! S3-101 `bucket-policy-allows-plain-http`: a bucket policy does not deny requests made without
//! TLS.

use rampart_policy::PolicyKind;

use crate::prelude::*;

/// Without a Deny on `aws:SecureTransport` false, clients may talk to the bucket in clear text.
pub struct BucketPolicyAllowsPlainHttp;

static META: CheckMeta = CheckMeta {
    code: "S3-101",
    name: "bucket-policy-allows-plain-http",
    title: "An S3 bucket accepts requests without TLS",
    severity: Severity::Medium,
    controls: &["DATA-5"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[cis3("2.1.1"), cis6("3.1.1"), fsbp("S3.5")],
    needs: &[data::S3_BUCKET_POLICY],
    rationale: "S3 answers plain HTTP as well as HTTPS. A client misconfigured to use `http://` \
                sends credentials-signed requests and data in clear text across every network \
                in between. Only a bucket policy can refuse them: a Deny for every principal on \
                the bucket and its objects when `aws:SecureTransport` is false.",
    remediation: RemediationText {
        text: "Add a statement denying `s3:*` to `*` on the bucket and `bucket/*` when \
               `aws:SecureTransport` is `false`.",
        cli: Some("aws s3api put-bucket-policy --bucket <bucket> --policy file://deny-http.json"),
        terraform: Some(
            "statement {\n  effect    = \"Deny\"\n  actions   = [\"s3:*\"]\n  resources = [aws_s3_bucket.this.arn, \"${aws_s3_bucket.this.arn}/*\"]\n  principals {\n    type        = \"*\"\n    identifiers = [\"*\"]\n  }\n  condition {\n    test     = \"Bool\"\n    variable = \"aws:SecureTransport\"\n    values   = [\"false\"]\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for BucketPolicyAllowsPlainHttp {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for bucket in &account.buckets {
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let Some(doc) = &bucket.policy else {
                    out.fail(
                        at,
                        format!(
                            "bucket `{}` has no bucket policy, so nothing refuses plain HTTP",
                            bucket.meta.name
                        ),
                    );
                    continue;
                };
                let Some(policy) =
                    rampart_policy::parse_document(doc.as_json(), PolicyKind::Resource).policy
                else {
                    out.not_assessed(
                        at,
                        format!(
                            "the policy of bucket `{}` is not valid JSON (see IAM-16)",
                            bucket.meta.name
                        ),
                    );
                    continue;
                };
                if rampart_policy::audit::denies_plain_http(&policy, bucket.meta.cloud_arn()) {
                    out.pass(
                        at,
                        format!("bucket `{}` denies requests without TLS", bucket.meta.name),
                    );
                } else {
                    out.fail(at, format!("bucket `{}`'s policy does not deny requests without TLS (`aws:SecureTransport`)", bucket.meta.name))
                        .with("policy", doc.to_value());
                }
            }
        }
    }
}
