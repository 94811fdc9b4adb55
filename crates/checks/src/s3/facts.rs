//! Facts about buckets that several checks share: which buckets hold backups, which receive
//! logs, and whether a bucket is open to the public through its ACL or policy.
//!
//! The public-exposure test here (public ACL grants, and policy statements the policy crate
//! finds open to everyone, each neutralized by the matching Block Public Access setting) is the
//! one S3-100 applies; S3-100 also judges Block Public Access settings that are merely off.

use std::collections::BTreeSet;

use rampart_model::Timestamp;
use rampart_model::storage::{Bucket, BucketEncryption, PublicAccessBlock};
use rampart_model::{Account, Gap, data};
use serde_json::Value;

use crate::context::Context;

/// Name words that mark a bucket as holding backups.
const BACKUP_WORDS: &[&str] = &["backup", "backups", "bak", "bkp", "snapshots", "dr"];

/// Why `bucket` is taken to hold backups (its name or a tag value says so), or `None`.
///
/// A tag *key* such as `backup=true` is not enough: that is how AWS Backup plans select resources
/// to protect, not a sign that the bucket stores backups.
#[must_use]
pub(crate) fn backup_reason(bucket: &Bucket) -> Option<String> {
    let words = |s: &str| -> bool {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| BACKUP_WORDS.contains(&w))
    };
    if words(&bucket.meta.name) {
        return Some(format!(
            "its name `{}` says it holds backups",
            bucket.meta.name
        ));
    }
    bucket
        .meta
        .tags
        .iter()
        .find(|(_, v)| words(v))
        .map(|(k, v)| format!("its tag `{k}={v}` says it holds backups"))
}

/// The names of the buckets that receive S3 server access logs in `ctx`.
#[must_use]
pub(crate) fn access_log_targets(ctx: &Context<'_>) -> BTreeSet<String> {
    ctx.accounts()
        .flat_map(|a| a.buckets.iter())
        .filter_map(|b| b.logging.as_ref().map(|l| l.target_bucket.clone()))
        .collect()
}

/// The names of the buckets that receive S3 server access logs or CloudTrail logs in `ctx`.
#[must_use]
pub(crate) fn log_destinations(ctx: &Context<'_>) -> BTreeSet<String> {
    let mut names = access_log_targets(ctx);
    names.extend(
        ctx.each(|r| &r.trails)
            .filter_map(|(_, _, t)| t.s3_bucket.clone()),
    );
    names
}

/// The bucket called `name`: in `account` first, then anywhere in the Inventory.
#[must_use]
pub(crate) fn find_bucket<'a>(
    ctx: &Context<'a>,
    account: &'a Account,
    name: &str,
) -> Option<(&'a Account, &'a Bucket)> {
    account
        .buckets
        .iter()
        .find(|b| b.meta.name == name)
        .map(|b| (account, b))
        .or_else(|| {
            ctx.accounts().find_map(|a| {
                a.buckets
                    .iter()
                    .find(|b| b.meta.name == name)
                    .map(|b| (a, b))
            })
        })
}

/// The statements of a policy document (a single statement object is allowed).
#[must_use]
pub(crate) fn statements(policy: &Value) -> Vec<&serde_json::Map<String, Value>> {
    match policy.get("Statement") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

/// A statement's value as a list of strings (a string or an array of strings).
#[must_use]
pub(crate) fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The principals of a statement: (`AWS`/`Service`/`Federated`/`CanonicalUser`/`*`, value).
#[must_use]
pub(crate) fn principals(statement: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    match statement.get("Principal") {
        Some(Value::String(s)) => vec![("*".to_owned(), s.clone())],
        Some(Value::Object(map)) => map
            .iter()
            .flat_map(|(kind, v)| {
                strings(Some(v))
                    .into_iter()
                    .map(move |s| (kind.clone(), s.to_owned()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The condition keys of a statement, lower-cased.
#[must_use]
pub(crate) fn condition_keys(statement: &serde_json::Map<String, Value>) -> Vec<String> {
    statement
        .get("Condition")
        .and_then(Value::as_object)
        .map(|ops| {
            ops.values()
                .filter_map(Value::as_object)
                .flat_map(|m| m.keys().map(|k| k.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default()
}

/// The effective Block Public Access: each setting on if it is on at the bucket or the account.
#[must_use]
pub(crate) fn effective_block(account: &Account, bucket: &Bucket) -> PublicAccessBlock {
    let a = account.s3_public_access_block.unwrap_or_default();
    let b = bucket.public_access_block.unwrap_or_default();
    PublicAccessBlock {
        block_public_acls: a.block_public_acls || b.block_public_acls,
        ignore_public_acls: a.ignore_public_acls || b.ignore_public_acls,
        block_public_policy: a.block_public_policy || b.block_public_policy,
        restrict_public_buckets: a.restrict_public_buckets || b.restrict_public_buckets,
    }
}

/// The day S3 began applying SSE-S3 as the base level of encryption to every bucket, new and
/// existing, with no way to turn it off (S3 User Guide, "Using server-side encryption with Amazon
/// S3 managed keys (SSE-S3)": "Starting January 5, 2023, all new object uploads to Amazon S3 are
/// automatically encrypted"; GetBucketEncryption: "By default, all buckets have a default
/// encryption configuration that uses SSE-S3").
pub(crate) const SSE_S3_BASELINE_SINCE: &str = "2023-01-05T00:00:00Z";

/// The encryption S3 applies to new objects of `bucket` at `now`: its configuration, or, with
/// none recorded (an IaC declaration without one, a bucket never configured), SSE-S3 from
/// 2023-01-05 on; `None` only before that day.
#[must_use]
pub(crate) fn effective_encryption(
    bucket: &Bucket,
    now: Timestamp,
) -> Option<std::borrow::Cow<'_, BucketEncryption>> {
    if let Some(e) = &bucket.encryption {
        return Some(std::borrow::Cow::Borrowed(e));
    }
    let since = Timestamp::parse(SSE_S3_BASELINE_SINCE).ok()?;
    (now >= since).then(|| {
        std::borrow::Cow::Owned(BucketEncryption {
            algorithm: "AES256".to_owned(),
            kms_key_id: None,
            bucket_key_enabled: false,
        })
    })
}

/// The four Block Public Access settings, as AWS names them.
pub(crate) const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// The four settings, in the order of [`FLAGS`].
pub(crate) fn flags(p: &PublicAccessBlock) -> [bool; 4] {
    [
        p.block_public_acls,
        p.ignore_public_acls,
        p.block_public_policy,
        p.restrict_public_buckets,
    ]
}

/// The settings of `effective` (in the order of [`FLAGS`]; `None`: not known) that are off, and
/// those that are not known (S3-100, S3-102).
pub(crate) fn off_and_unknown(
    effective: [Option<bool>; 4],
) -> (Vec<&'static str>, Vec<&'static str>) {
    let pick = |want: Option<bool>| -> Vec<&'static str> {
        FLAGS
            .iter()
            .zip(effective)
            .filter(|(_, on)| *on == want)
            .map(|(n, _)| *n)
            .collect()
    };
    (pick(Some(false)), pick(None))
}

/// What is known of the account-level Block Public Access (S3-100, CT-006).
pub(crate) enum AccountBlock<'a> {
    /// Read (or declared): `None` when the account has no configuration, that is all four off.
    Known(PublicAccessBlock),
    /// Outside this input (IaC: gap code `NotDeclared`): it may be set elsewhere.
    NotDeclared(&'a Gap),
    /// Could not be read (any other gap: `AccessDenied` on s3control:GetPublicAccessBlock, …).
    Unread(&'a Gap),
}

/// The account-level Block Public Access of `account`, or the gap that keeps it from being
/// known.
#[must_use]
pub(crate) fn account_block<'a>(ctx: &Context<'a>, account: &'a Account) -> AccountBlock<'a> {
    let gap = ctx.inventory.gaps.iter().find(|g| {
        g.touches(data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK)
            && g.resource.is_none()
            && g.applies_to(&account.id, None)
    });
    match gap {
        Some(g) if g.code.as_deref() == Some("NotDeclared") => AccountBlock::NotDeclared(g),
        Some(g) => AccountBlock::Unread(g),
        None => AccountBlock::Known(account.s3_public_access_block.unwrap_or_default()),
    }
}

/// Whether `bucket` is a declaration (an IaC input's, identified by its address) rather than a
/// bucket read from AWS: its ACL and policy are what the configuration asks for, judged as such
/// whatever Block Public Access would make of them once applied (S3-100).
#[must_use]
pub(crate) fn is_declaration(bucket: &Bucket) -> bool {
    bucket.meta.origin.address.is_some()
}

/// Why `bucket` is open to the public (empty: it is not, as far as ACL and policy show). A
/// declared bucket ([`is_declaration`]) is public when its declared ACL or policy asks for it.
#[must_use]
pub(crate) fn public_reasons(account: &Account, bucket: &Bucket) -> Vec<String> {
    let block = if is_declaration(bucket) {
        PublicAccessBlock::default()
    } else {
        effective_block(account, bucket)
    };
    let mut reasons = Vec::new();
    if !block.ignore_public_acls {
        for g in bucket.acl.iter().filter(|g| g.is_public()) {
            let who = g.grantee.rsplit('/').next().unwrap_or(&g.grantee);
            reasons.push(format!("its ACL grants {} to {who}", g.permission));
        }
    }
    // One notion of a public statement for every check (`rampart_policy::audit::public_access`,
    // as S3-100): a wildcard principal without a condition that really limits the caller to a
    // network, organization or account — an `IfExists` condition, a negated one, or a value
    // such as `*` or `0.0.0.0/0` does not.
    if !block.restrict_public_buckets
        && let Some(doc) = &bucket.policy
        && let Some(policy) =
            rampart_policy::parse_document(doc.as_json(), rampart_policy::PolicyKind::Resource)
                .policy
    {
        for issue in rampart_policy::audit::public_access(&policy, &account.id) {
            reasons.push(format!("its policy: {}", issue.message));
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use rampart_model::storage::Grant;
    use serde_json::json;

    use super::*;

    fn bucket(name: &str) -> Bucket {
        serde_json::from_value(json!({"meta": {"arn": format!("arn:aws:s3:::{name}"), "name": name}, "region": "us-east-1"}))
            .expect("bucket")
    }

    #[test]
    fn backup_buckets_by_name_and_tag_value() {
        assert!(backup_reason(&bucket("shop-db-backups")).is_some());
        assert!(backup_reason(&bucket("shop_dr_copy")).is_some());
        assert!(backup_reason(&bucket("bakery-assets")).is_none());
        let mut b = bucket("shop-archive");
        b.meta.tags.insert("backup".into(), "true".into());
        assert!(
            backup_reason(&b).is_none(),
            "a selection tag is not a backup bucket"
        );
        b.meta
            .tags
            .insert("purpose".into(), "nightly-backup".into());
        assert!(backup_reason(&b).is_some());
    }

    #[test]
    fn public_policy_and_acl_respect_block_public_access() {
        let mut account = Account::new("1");
        let mut b = bucket("x");
        b.policy = Some(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
        ]}).into());
        b.acl.push(Grant {
            grantee_type: "Group".into(),
            grantee: "http://acs.amazonaws.com/groups/global/AllUsers".into(),
            permission: "READ".into(),
        });
        assert_eq!(public_reasons(&account, &b).len(), 2);
        account.s3_public_access_block = Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        });
        assert!(public_reasons(&account, &b).is_empty());
    }
}
