//! S3-100 `bucket-publicly-accessible`: a bucket's policy or ACL grants access to everyone, or
//! Block Public Access is not fully on for it.

use rampart_model::storage::Bucket;
use rampart_policy::PolicyKind;

use crate::prelude::*;
use crate::s3::facts::{AccountBlock, account_block, flags, off_and_unknown};

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
    // The account-level Block Public Access (`data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK`) is read
    // too, but its gaps are judged here bucket by bucket (see `facts::AccountBlock`) rather than by the
    // runner: a bucket whose own settings decide the verdict is judged, the others are not
    // assessed, and an IaC input that does not declare it still judges its public buckets.
    needs: &[
        data::S3_BUCKET_POLICY,
        data::S3_BUCKET_ACL,
        data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
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

/// What a failure rests on (see [`Sink::fail_resting_on`]): a public ACL grant is public
/// whatever the policy says, and a public policy statement whatever the ACL says; both rest on
/// the Block Public Access settings that could neutralize them. A gap on the other data set
/// (a policy that could not be read, or that an IaC input leaves to the stack declaring the
/// bucket) does not withhold the failure.
fn resting_on(policy: bool, acl: bool) -> &'static [&'static str] {
    match (policy, acl) {
        (true, true) => META.needs,
        (true, false) => &[data::S3_BUCKET_POLICY, data::S3_BUCKET_PUBLIC_ACCESS_BLOCK],
        (false, true) => &[data::S3_BUCKET_ACL, data::S3_BUCKET_PUBLIC_ACCESS_BLOCK],
        (false, false) => &[data::S3_BUCKET_PUBLIC_ACCESS_BLOCK],
    }
}

impl Check for BucketPubliclyAccessible {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let acct = account_block(ctx, account);
            for bucket in &account.buckets {
                judge(account, &acct, bucket, out);
            }
        }
    }
}

/// One bucket. S3 applies the most restrictive combination of the account's and the bucket's
/// settings (S3 User Guide, "Blocking public access to your Amazon S3 storage"): a public
/// policy is ignored when RestrictPublicBuckets is on at either level, public ACL grants when
/// IgnorePublicAcls is.
fn judge(account: &Account, acct: &AccountBlock<'_>, bucket: &Bucket, out: &mut Sink) {
    let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
    let own = flags(&bucket.public_access_block.unwrap_or_default());
    // Each setting: Some(on) when known, None when it rests on an account setting not known.
    let effective: [Option<bool>; 4] = match acct {
        AccountBlock::Known(a) => {
            let a = flags(a);
            std::array::from_fn(|i| Some(a[i] || own[i]))
        }
        AccountBlock::NotDeclared(_) | AccountBlock::Unread(_) => {
            std::array::from_fn(|i| own[i].then_some(true))
        }
    };
    let mut public_statements = Vec::new();
    let mut exposures = Vec::new();
    if let Some(doc) = &bucket.policy
        && let Some(policy) =
            rampart_policy::parse_document(doc.as_json(), PolicyKind::Resource).policy
    {
        for issue in rampart_policy::audit::public_access(&policy, &account.id) {
            public_statements.push(issue.evidence.get("statement").cloned().unwrap_or_default());
            if effective[3] != Some(true) {
                exposures.push(format!("its policy: {}", issue.message));
            }
        }
    }
    let policy_exposures = exposures.len();
    let public_grants: Vec<_> = bucket.acl.iter().filter(|g| g.is_public()).collect();
    if effective[1] != Some(true) {
        for g in &public_grants {
            let who = g.grantee.rsplit('/').next().unwrap_or(&g.grantee);
            exposures.push(format!("its ACL grants {} to {who}", g.permission));
        }
    }
    let basis = resting_on(policy_exposures > 0, exposures.len() > policy_exposures);
    let (off, unknown) = off_and_unknown(effective);
    let name = &bucket.meta.name;
    match acct {
        AccountBlock::Known(_) => {
            let mut problems = exposures;
            if !off.is_empty() {
                problems.push(format!(
                    "Block Public Access is off for {} (neither account nor bucket sets it)",
                    off.join(", ")
                ));
            }
            if problems.is_empty() {
                let f = out.pass(
                    at,
                    format!("bucket `{name}` is not public and Block Public Access is fully on"),
                );
                if !public_statements.is_empty() || !public_grants.is_empty() {
                    f.with("neutralized_public_statements", json!(public_statements));
                }
            } else {
                out.fail_resting_on(
                    at,
                    basis,
                    format!("bucket `{name}`: {}", problems.join("; ")),
                )
                .with("public_statements", json!(public_statements))
                .with("public_acl_grants", json!(public_grants))
                .with("block_public_access_off", json!(off));
            }
        }
        // The bucket's own four settings are on: nothing at the account level can change that.
        _ if unknown.is_empty() => {
            let f = out.pass(
                at,
                format!("bucket `{name}` sets all four Block Public Access settings itself"),
            );
            if !public_statements.is_empty() || !public_grants.is_empty() {
                f.with("neutralized_public_statements", json!(public_statements));
            }
        }
        AccountBlock::NotDeclared(gap) => {
            let note = format!(
                "the account-level Block Public Access is not declared in this input ({}); \
                 if it is set elsewhere it could still override this",
                gap.operation
            );
            if exposures.is_empty() {
                out.pass(
                    at,
                    format!(
                        "bucket `{name}` is not public: no public policy statement or ACL grant"
                    ),
                )
                .with("account_public_access_block", json!(note))
                .with("block_public_access_not_set_on_bucket", json!(unknown));
            } else {
                out.fail_resting_on(
                    at,
                    basis,
                    format!("bucket `{name}` is public: {}", exposures.join("; ")),
                )
                .with("public_statements", json!(public_statements))
                .with("public_acl_grants", json!(public_grants))
                .with("block_public_access_not_set_on_bucket", json!(unknown))
                .with("account_public_access_block", json!(note));
            }
        }
        AccountBlock::Unread(gap) => {
            let code = gap
                .code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let what = if exposures.is_empty() {
                format!("whether bucket `{name}` can be made public")
            } else {
                format!(
                    "whether bucket `{name}` is public ({})",
                    exposures.join("; ")
                )
            };
            out.not_assessed(
                at,
                format!(
                    "not assessed: {what} depends on the account-level Block Public Access \
                     ({} not set on the bucket), which {} could not read{code}: {}",
                    unknown.join(", "),
                    gap.operation,
                    gap.reason
                ),
            )
            .with("public_statements", json!(public_statements))
            .with("public_acl_grants", json!(public_grants))
            .with("block_public_access_not_set_on_bucket", json!(unknown))
            .with("gap", json!(gap));
        }
    }
}
