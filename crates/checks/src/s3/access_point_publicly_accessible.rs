//! S3-102 `access-point-publicly-accessible`: an S3 access point lets anyone on the internet
//! reach its bucket, or can be made to.

use rampart_model::storage::{AccessPoint, Bucket};
use rampart_policy::PolicyKind;

use crate::prelude::*;
use crate::s3::facts;
use crate::s3::facts::{AccountBlock, account_block, flags, off_and_unknown};

/// An access point is a second door to a bucket, with its own policy and its own Block Public
/// Access settings: a bucket locked at its own level can still be opened through one.
pub struct AccessPointPubliclyAccessible;

static META: CheckMeta = CheckMeta {
    code: "S3-102",
    name: "access-point-publicly-accessible",
    title: "An S3 access point is or can be made public",
    severity: Severity::Critical,
    controls: &["DATA-1"],
    inputs: Input::LSTC,
    compliance: &[fsbp("S3.19")],
    // The bucket's and the account's Block Public Access are read too; their gaps are judged
    // here, access point by access point (as S3-100 judges buckets).
    needs: &[data::S3_ACCESS_POINTS],
    rationale: "For a request through an access point, S3 checks the Block Public Access settings \
                of the access point, of its bucket and of the account, and refuses the request \
                when any of them blocks it. An access point whose settings are off, on a bucket \
                and in an account that do not block either, serves whatever its policy grants to \
                everyone — provided the bucket's policy grants it too, directly or by delegating \
                access control to the account's access points. An access point restricted to a \
                VPC is not reachable from the internet.",
    remediation: RemediationText {
        text: "Access point Block Public Access settings cannot be changed after creation: \
               replace the access point with one that keeps all four settings on (the default), \
               or restrict it to a VPC, and turn Block Public Access on for the account.",
        cli: Some(
            "aws s3control create-access-point --account-id <account> --name <name> --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ),
        terraform: Some(
            "resource \"aws_s3_access_point\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  name   = \"reports\"\n  # all four public_access_block_configuration settings default to true\n  vpc_configuration {\n    vpc_id = aws_vpc.main.id\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for AccessPointPubliclyAccessible {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let acct = account_block(ctx, account);
            for ap in &account.s3_access_points {
                let bucket = facts::find_bucket(ctx, account, &ap.bucket).map(|(_, b)| b);
                judge(account, &acct, ap, bucket, out);
            }
        }
    }
}

/// Whether the bucket's policy lets requests through access points be granted by theirs: a
/// statement allowing anyone (the same notion of public as S3-100's,
/// `rampart_policy::audit::public_access`), or an Allow delegating to access points (S3 User
/// Guide, "Configuring IAM policies for using access points": a condition on
/// `s3:DataAccessPointAccount` or `s3:DataAccessPointArn`).
fn bucket_delegates(owner: &str, bucket: &Bucket) -> bool {
    bucket.policy.as_ref().is_some_and(|doc| {
        let public =
            rampart_policy::parse_document(doc.as_json(), rampart_policy::PolicyKind::Resource)
                .policy
                .is_some_and(|p| !rampart_policy::audit::public_access(&p, owner).is_empty());
        public
            || facts::statements(&doc.to_value()).iter().any(|st| {
                st.get("Effect").and_then(|e| e.as_str()) == Some("Allow")
                    && facts::condition_keys(st)
                        .iter()
                        .any(|k| k == "s3:dataaccesspointaccount" || k == "s3:dataaccesspointarn")
            })
    })
}

fn judge(
    account: &Account,
    acct: &AccountBlock<'_>,
    ap: &AccessPoint,
    bucket: Option<&Bucket>,
    out: &mut Sink,
) {
    let at = At::meta(&account.id, Some(&ap.region), &ap.meta);
    let name = &ap.meta.name;
    if let Some(vpc) = &ap.vpc_id {
        out.pass(
            at,
            format!(
                "access point `{name}` has a VPC network origin: not reachable from the internet"
            ),
        )
        .with("vpc_id", json!(vpc));
        return;
    }
    // Each setting: Some(on) when known at every level or on at one; None when it rests on a
    // level not known (a bucket outside the input, an account setting not declared or read).
    let own = flags(&ap.public_access_block);
    let of_bucket = bucket.map(|b| flags(&b.public_access_block.unwrap_or_default()));
    let of_account = match acct {
        AccountBlock::Known(a) => Some(flags(a)),
        _ => None,
    };
    let effective: [Option<bool>; 4] = std::array::from_fn(|i| {
        let levels = [
            Some(own[i]),
            of_bucket.map(|f| f[i]),
            of_account.map(|f| f[i]),
        ];
        if levels.contains(&Some(true)) {
            Some(true)
        } else if levels.iter().all(Option::is_some) {
            Some(false)
        } else {
            None
        }
    });
    let mut public_statements = Vec::new();
    if let Some(doc) = &ap.policy
        && let Some(policy) =
            rampart_policy::parse_document(doc.as_json(), PolicyKind::Resource).policy
    {
        for issue in rampart_policy::audit::public_access(&policy, &account.id) {
            public_statements.push(issue.evidence.get("statement").cloned().unwrap_or_default());
        }
    }
    // A public policy is set aside when RestrictPublicBuckets is on at any level, and could not
    // have been attached with the access point's own BlockPublicPolicy on.
    // An access point an IaC input declares is judged on what it asks for, as S3-100 judges a
    // declared bucket: a public policy fails, with what would neutralize it once applied.
    let declared = ap.meta.origin.address.is_some();
    let neutralized = !declared && (effective[3] == Some(true) || own[2]);
    let mut blockers = Vec::new();
    if declared {
        if own[2] {
            blockers.push(
                "the access point's BlockPublicPolicy: S3 rejects a public access point policy"
                    .to_owned(),
            );
        }
        for (level, f) in [
            ("access point", Some(own)),
            ("bucket", of_bucket),
            ("account", of_account),
        ] {
            if f.is_some_and(|f| f[3]) {
                let how = match (level, bucket) {
                    ("bucket", Some(b))
                        if b.is_aws_default(
                            rampart_model::storage::DEFAULT_PUBLIC_ACCESS_BLOCK,
                        ) =>
                    {
                        " (S3's default for a new bucket)"
                    }
                    _ => "",
                };
                blockers.push(format!("RestrictPublicBuckets at the {level} level{how}"));
            }
        }
    }
    let (off, unknown) = off_and_unknown(effective);
    let mut not_granted_by_bucket = false;
    if !public_statements.is_empty() && !neutralized {
        match bucket {
            None => {
                out.not_assessed(
                    at,
                    format!(
                        "not assessed: access point `{name}` grants public access, but its bucket \
                         `{}` is not in this input: whether the bucket's policy grants the same \
                         (both must) is not known",
                        ap.bucket
                    ),
                )
                .with("public_statements", json!(public_statements));
                return;
            }
            // What only the access point grants, S3 refuses.
            Some(b) if !bucket_delegates(&account.id, b) => not_granted_by_bucket = true,
            Some(_) => {}
        }
    }
    if !public_statements.is_empty() && !neutralized && !not_granted_by_bucket {
        let mut f_msg =
            format!("access point `{name}` is public: its policy grants access to anyone");
        match acct {
            AccountBlock::Unread(gap) => {
                out.not_assessed(
                    at,
                    format!(
                        "not assessed: whether access point `{name}` is public depends on the \
                         account-level Block Public Access, which {} could not read: {}",
                        gap.operation, gap.reason
                    ),
                )
                .with("public_statements", json!(public_statements));
                return;
            }
            AccountBlock::NotDeclared(gap) => {
                f_msg.push_str(&format!(
                    " (the account-level Block Public Access is not declared in this input, {}; \
                     if it is set elsewhere it could still override this)",
                    gap.operation
                ));
            }
            AccountBlock::Known(_) => {}
        }
        if !blockers.is_empty() {
            f_msg.push_str(&format!(
                "; the configuration asks for public access, which once applied S3 would refuse \
                 or neutralize through: {}",
                blockers.join("; ")
            ));
        }
        out.fail(at, f_msg)
            .with("would_be_blocked_by", json!(blockers))
            .with("public_statements", json!(public_statements))
            .with("block_public_access_off", json!(off))
            .with("block_public_access_unknown", json!(unknown));
        return;
    }
    if !off.is_empty() {
        out.fail(
            at,
            format!(
                "access point `{name}` can be made public: Block Public Access is off for {} \
                 (neither the access point, its bucket nor the account sets it)",
                off.join(", ")
            ),
        )
        .with("block_public_access_off", json!(off));
        return;
    }
    if !unknown.is_empty()
        && let AccountBlock::Unread(gap) = acct
    {
        out.not_assessed(
            at,
            format!(
                "not assessed: whether access point `{name}` can be made public depends on the \
                 account-level Block Public Access ({} not set on the access point), which {} \
                 could not read: {}",
                unknown.join(", "),
                gap.operation,
                gap.reason
            ),
        );
        return;
    }
    let f = out.pass(
        at,
        format!("access point `{name}` is not public: no public grant takes effect through it"),
    );
    if not_granted_by_bucket {
        f.with(
            "bucket_does_not_delegate",
            json!(format!(
                "bucket `{}`'s policy neither allows anyone nor delegates to access points",
                ap.bucket
            )),
        );
    }
    if !public_statements.is_empty() {
        f.with("neutralized_public_statements", json!(public_statements));
    }
    if !unknown.is_empty() {
        f.with("block_public_access_unknown", json!(unknown));
    }
}
