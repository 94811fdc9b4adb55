//! S3-100 `bucket-publicly-accessible`: a bucket's policy or ACL grants access to everyone, or
//! Block Public Access is not fully on for it.

use rampart_policy::PolicyKind;

use crate::prelude::*;

/// Block Public Access is the safety net: with all four settings on (account or bucket level)
/// no policy or ACL mistake can make the bucket public.
pub struct BucketPubliclyAccessible;

static META: CheckMeta = CheckMeta {
    code: "S3-100",
    name: "bucket-publicly-accessible",
    title: "An S3 bucket is or can be made public",
    severity: Severity::Critical,
    controls: &["DATA-1"],
    inputs: Input::LSTC,
    compliance: &[
        cis3("2.1.4"),
        cis6("3.1.4"),
        fsbp("S3.1"),
        fsbp("S3.2"),
        fsbp("S3.3"),
        fsbp("S3.8"),
    ],
    needs: &[
        data::S3_BUCKET_POLICY,
        data::S3_BUCKET_ACL,
        data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
        data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    ],
    rationale: "Public buckets are the most common cloud data leak. A bucket is public when its \
                policy allows `*` without a condition that limits callers to a VPC endpoint, an \
                organization or an account, or when its ACL grants AllUsers or \
                AuthenticatedUsers (every AWS customer). Block Public Access, on at the account \
                or the bucket level, neutralizes both and stops new mistakes.",
    remediation: RemediationText {
        text: "Turn on all four Block Public Access settings for the account (or the bucket), \
               remove public statements and ACL grants, and serve public content through \
               CloudFront with origin access control instead.",
        cli: Some(
            "aws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ),
        terraform: Some(
            "resource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
        ),
    },
    manual: false,
};

impl Check for BucketPubliclyAccessible {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let acct = account.s3_public_access_block.unwrap_or_default();
            for bucket in &account.buckets {
                let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
                let b = bucket.public_access_block.unwrap_or_default();
                let flags = [
                    (
                        "BlockPublicAcls",
                        acct.block_public_acls || b.block_public_acls,
                    ),
                    (
                        "IgnorePublicAcls",
                        acct.ignore_public_acls || b.ignore_public_acls,
                    ),
                    (
                        "BlockPublicPolicy",
                        acct.block_public_policy || b.block_public_policy,
                    ),
                    (
                        "RestrictPublicBuckets",
                        acct.restrict_public_buckets || b.restrict_public_buckets,
                    ),
                ];
                let off: Vec<&str> = flags
                    .iter()
                    .filter(|(_, on)| !on)
                    .map(|(n, _)| *n)
                    .collect();
                let mut problems = Vec::new();
                let mut public_statements = Vec::new();
                if let Some(doc) = &bucket.policy
                    && let Some(policy) =
                        rampart_policy::parse_value(doc, PolicyKind::Resource).policy
                {
                    for issue in rampart_policy::audit::public_access(&policy, &account.id) {
                        public_statements
                            .push(issue.evidence.get("statement").cloned().unwrap_or_default());
                        if !flags[3].1 {
                            problems.push(format!("its policy: {}", issue.message));
                        }
                    }
                }
                let public_grants: Vec<_> = bucket.acl.iter().filter(|g| g.is_public()).collect();
                if !public_grants.is_empty() && !flags[1].1 {
                    for g in &public_grants {
                        let who = g.grantee.rsplit('/').next().unwrap_or(&g.grantee);
                        problems.push(format!("its ACL grants {} to {who}", g.permission));
                    }
                }
                if !off.is_empty() {
                    problems.push(format!(
                        "Block Public Access is off for {} (neither account nor bucket sets it)",
                        off.join(", ")
                    ));
                }
                if problems.is_empty() {
                    let f = out.pass(
                        at,
                        format!(
                            "bucket `{}` is not public and Block Public Access is fully on",
                            bucket.meta.name
                        ),
                    );
                    if !public_statements.is_empty() || !public_grants.is_empty() {
                        f.with("neutralized_public_statements", json!(public_statements));
                    }
                } else {
                    out.fail(
                        at,
                        format!("bucket `{}`: {}", bucket.meta.name, problems.join("; ")),
                    )
                    .with("public_statements", json!(public_statements))
                    .with("public_acl_grants", json!(public_grants))
                    .with("block_public_access_off", json!(off));
                }
            }
        }
    }
}
