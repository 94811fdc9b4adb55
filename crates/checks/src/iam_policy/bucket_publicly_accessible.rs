//! S3-100 `bucket-publicly-accessible`: a bucket's policy or ACL grants access to everyone, or
//! Block Public Access is not fully on for it.

use rampart_model::storage::Bucket;
use rampart_policy::PolicyKind;

use crate::prelude::*;
use crate::s3::facts::{self, AccountBlock, FLAGS, account_block, flags, off_and_unknown};

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
                or the bucket level, neutralizes both and stops new mistakes. A bucket declared \
                in Terraform or CloudFormation has S3's defaults for a new bucket unless it says \
                otherwise (since April 2023: Block Public Access all on, ACLs disabled); a \
                public ACL or policy it declares fails all the same, since the configuration \
                asks for a public bucket, and turning the bucket's settings off fails where no \
                declared account-level setting covers them.",
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

/// The statements of `bucket`'s policy open to everyone (`rampart_policy::audit::public_access`),
/// and each said as an exposure.
fn public_policy(account: &Account, bucket: &Bucket) -> (Vec<serde_json::Value>, Vec<String>) {
    let mut statements = Vec::new();
    let mut exposures = Vec::new();
    if let Some(doc) = &bucket.policy
        && let Some(policy) =
            rampart_policy::parse_document(doc.as_json(), PolicyKind::Resource).policy
    {
        for issue in rampart_policy::audit::public_access(&policy, &account.id) {
            statements.push(issue.evidence.get("statement").cloned().unwrap_or_default());
            exposures.push(format!("its policy: {}", issue.message));
        }
    }
    (statements, exposures)
}

/// One bucket. S3 applies the most restrictive combination of the account's and the bucket's
/// settings (S3 User Guide, "Blocking public access to your Amazon S3 storage"): a public
/// policy is ignored when RestrictPublicBuckets is on at either level, public ACL grants when
/// IgnorePublicAcls is. A bucket an IaC input declares is judged on what it asks for instead
/// ([`judge_declared`]).
fn judge(account: &Account, acct: &AccountBlock<'_>, bucket: &Bucket, out: &mut Sink) {
    if facts::is_declaration(bucket) {
        judge_declared(account, acct, bucket, out);
        return;
    }
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
    let (public_statements, mut exposures) = public_policy(account, bucket);
    if effective[3] == Some(true) {
        exposures.clear();
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

/// A bucket an IaC input declares. A public ACL grant or public policy statement it declares
/// fails: the configuration asks for a public bucket, whatever would refuse or neutralize the
/// request once applied, which the evidence lists (the bucket's Block Public Access and Object
/// Ownership, S3's defaults for a new bucket unless declared, and the account level). A bucket
/// that declares bucket-level Block Public Access settings off fails too where no declared
/// account-level setting covers them: it gives up what S3 turns on for a new bucket (Security Hub
/// S3.8 judges the bucket level alone). A bucket outside this input (only a child resource
/// names it) has bucket-level settings not known: only what is declared on it is judged.
fn judge_declared(account: &Account, acct: &AccountBlock<'_>, bucket: &Bucket, out: &mut Sink) {
    use rampart_model::storage::{
        DEFAULT_OBJECT_OWNERSHIP, DEFAULT_PUBLIC_ACCESS_BLOCK, OWNER_ENFORCED,
    };
    let at = At::meta(&account.id, Some(&bucket.region), &bucket.meta);
    let name = &bucket.meta.name;
    let own = bucket.public_access_block.as_ref().map(flags);
    let how = |setting: &str| {
        if bucket.is_aws_default(setting) {
            "S3's default for a new bucket"
        } else {
            "declared"
        }
    };
    let account_flags = match acct {
        AccountBlock::Known(a) => Some(flags(a)),
        _ => None,
    };
    let account_note = match acct {
        // Said the same whatever path the input was given by (the gap names it).
        AccountBlock::NotDeclared(_) => Some(
            "the account-level Block Public Access is not declared in this input; if it is set \
             elsewhere it could still block public access"
                .to_owned(),
        ),
        AccountBlock::Unread(gap) => Some(format!(
            "the account-level Block Public Access could not be read ({}): {}",
            gap.operation, gap.reason
        )),
        AccountBlock::Known(_) => None,
    };
    let (public_statements, mut exposures) = public_policy(account, bucket);
    let public_grants: Vec<_> = bucket.acl.iter().filter(|g| g.is_public()).collect();
    for g in &public_grants {
        let who = g.grantee.rsplit('/').next().unwrap_or(&g.grantee);
        exposures.push(format!("its ACL grants {} to {who}", g.permission));
    }
    if !exposures.is_empty() {
        // What would refuse or neutralize the request once applied.
        let mut blockers = Vec::new();
        let on = |i: usize| own.is_some_and(|f| f[i]);
        let bpa = how(DEFAULT_PUBLIC_ACCESS_BLOCK);
        if !public_grants.is_empty() {
            if bucket.object_ownership.as_deref() == Some(OWNER_ENFORCED) {
                blockers.push(format!(
                    "Object Ownership BucketOwnerEnforced ({}): ACLs are disabled and S3 rejects \
                     an ACL that grants access to anyone but the bucket owner \
                     (AccessControlListNotSupported)",
                    how(DEFAULT_OBJECT_OWNERSHIP)
                ));
            }
            if on(0) {
                blockers.push(format!(
                    "the bucket's BlockPublicAcls ({bpa}): S3 rejects a public ACL"
                ));
            }
            if on(1) {
                blockers.push(format!(
                    "the bucket's IgnorePublicAcls ({bpa}): S3 ignores public ACL grants"
                ));
            }
        }
        if !public_statements.is_empty() {
            if on(2) {
                blockers.push(format!(
                    "the bucket's BlockPublicPolicy ({bpa}): S3 rejects a public bucket policy"
                ));
            }
            if on(3) {
                blockers.push(format!(
                    "the bucket's RestrictPublicBuckets ({bpa}): only AWS services and the bucket \
                     owner's account get in through a public policy"
                ));
            }
        }
        if let Some(a) = account_flags {
            let relevant = [
                !public_grants.is_empty(),
                !public_grants.is_empty(),
                !public_statements.is_empty(),
                !public_statements.is_empty(),
            ];
            for i in (0..4).filter(|&i| a[i] && relevant[i]) {
                blockers.push(format!(
                    "the account-level {} declared in this input",
                    FLAGS[i]
                ));
            }
        }
        if let Some(note) = &account_note {
            blockers.push(note.clone());
        }
        let mut message = format!(
            "bucket `{name}` is declared public: {}",
            exposures.join("; ")
        );
        if !blockers.is_empty() {
            message.push_str(&format!(
                " (the configuration asks for public access; once applied S3 would refuse or \
                 neutralize it through: {})",
                blockers.join("; ")
            ));
        }
        let basis: &'static [&'static str] =
            match (!public_statements.is_empty(), !public_grants.is_empty()) {
                (true, true) => &[data::S3_BUCKET_POLICY, data::S3_BUCKET_ACL],
                (true, false) => &[data::S3_BUCKET_POLICY],
                _ => &[data::S3_BUCKET_ACL],
            };
        out.fail_resting_on(at, basis, message)
            .with("public_statements", json!(public_statements))
            .with("public_acl_grants", json!(public_grants))
            .with("would_be_blocked_by", json!(blockers));
        return;
    }
    let Some(own) = own else {
        let f = out.pass(
            at,
            format!(
                "bucket `{name}` is not public: this input declares no public policy statement \
                 or ACL grant on it (its Block Public Access is set where it is declared, outside \
                 this input)"
            ),
        );
        if let Some(note) = &account_note {
            f.with("account_public_access_block", json!(note));
        }
        return;
    };
    // Declared off at the bucket level and not covered by a declared account-level setting.
    let off: Vec<&str> = (0..4)
        .filter(|&i| !own[i] && !account_flags.is_some_and(|a| a[i]))
        .map(|i| FLAGS[i])
        .collect();
    if off.is_empty() {
        let by = if own.iter().all(|&x| x) {
            format!(
                "its bucket-level Block Public Access is fully on ({})",
                how(DEFAULT_PUBLIC_ACCESS_BLOCK)
            )
        } else {
            "the settings it turns off are on at the account level, declared in this input"
                .to_owned()
        };
        out.pass(at, format!("bucket `{name}` is not public: {by}"))
            .with("aws_defaults", json!(bucket.aws_defaults));
        return;
    }
    let mut message = format!(
        "bucket `{name}` can be made public: it turns off Block Public Access {} at the bucket \
         level, which S3 turns on for a new bucket",
        off.join(", ")
    );
    if account_note.is_some() {
        message.push_str(
            "; an account-level Block Public Access outside this input could still block public access",
        );
    }
    let f = out
        .fail_resting_on(at, &[data::S3_BUCKET_PUBLIC_ACCESS_BLOCK], message)
        .with("block_public_access_off", json!(off));
    if let Some(note) = &account_note {
        f.with("account_public_access_block", json!(note));
    }
}
