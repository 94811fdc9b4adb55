//! Terraform: S3 buckets and what configures them, block storage, databases and backups.

use rampart_model::data;
use rampart_model::storage::{
    AtRestStore, BackupPlan, BackupRule, BackupSelection, BackupVault, Bucket, BucketEncryption,
    BucketLogging, DbCluster, DbInstance, DynamoTable, Grant, LifecycleRule, ObjectLock,
    RedshiftCluster, TableKeyKind, VersioningStatus, Volume,
};

use super::{Index, b, i, known_bool, opt_str, parent, s, u32_of};
use crate::map::{Builder, file, policy, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_s3_bucket`.
pub(super) fn s3_bucket(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let name = s(a, "bucket").or_else(|| s(a, "bucket_prefix").map(|p| format!("{p}*")));
    let arn = s(a, "bucket").map(|n| format!("arn:aws:s3:::{n}"));
    let meta = bld.meta(
        raw,
        arn,
        name.clone().or_else(|| Some(raw.address.clone())),
        a.get("tags"),
    );
    // What S3 gives a new bucket unless the declaration says otherwise (Block Public Access on,
    // ACLs disabled): `aws_s3_bucket_public_access_block` / `aws_s3_bucket_ownership_controls`
    // replace it.
    let mut bucket = Bucket::declared(meta, bld.region.clone());
    let arn = bucket.meta.arn.clone();
    let fl = file(raw);
    if let Some(acl) = s(a, "acl") {
        bucket.acl = canned_acl(&acl);
    } else if a.get("acl").is_unknown() {
        bld.gap(
            data::S3_BUCKET_ACL,
            &arn,
            &fl,
            "the bucket ACL is not known before apply",
        );
    }
    bucket.acl.extend(grants_legacy(a.get("grant")));
    for v in a.get("versioning").items() {
        versioning(bld, &mut bucket, v.get("enabled"), v.get("mfa_delete"), &fl);
    }
    for c in a.get("server_side_encryption_configuration").items() {
        encryption(bld, &mut bucket, c, &fl);
    }
    for l in a.get("logging").items() {
        bucket.logging = Some(BucketLogging {
            target_bucket: s(l, "target_bucket").unwrap_or_default(),
            target_prefix: s(l, "target_prefix").unwrap_or_default(),
        });
    }
    bucket.lifecycle_rules.extend(
        a.get("lifecycle_rule")
            .items()
            .into_iter()
            .map(lifecycle_legacy),
    );
    bucket_policy(bld, &mut bucket, a.get("policy"), &fl);
    if b(a, "object_lock_enabled") == Some(true) {
        bucket.object_lock = Some(ObjectLock {
            enabled: true,
            mode: None,
            days: None,
        });
    }
    for o in a.get("object_lock_configuration").items() {
        let r = o.path(&["rule", "default_retention"]);
        bucket.object_lock = Some(ObjectLock {
            enabled: s(o, "object_lock_enabled").is_none_or(|x| x == "Enabled"),
            mode: s(r, "mode"),
            days: retention_days(r),
        });
    }
    ix.buckets.insert(raw.id.clone(), bld.account.buckets.len());
    if let Some(n) = s(a, "bucket") {
        ix.buckets.insert(n, bld.account.buckets.len());
    }
    bld.account.buckets.push(bucket);
}

/// `aws_s3_account_public_access_block`.
pub(super) fn s3_account_public_access_block(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let resource = raw.iac_arn();
    bld.account.s3_public_access_block = Some(crate::map::public_access_block(
        bld,
        raw,
        a,
        crate::map::TF_BLOCK_KEYS,
        false,
        (data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, &resource),
    ));
}

/// `aws_ebs_volume`.
pub(super) fn ebs_volume(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let arn = meta.arn.clone();
    let enc = match a.get("encrypted") {
        Value::Unknown => {
            bld.gap(
                data::EC2_VOLUMES,
                &arn,
                &file(raw),
                "whether the volume is encrypted is not known before apply",
            );
            true
        }
        // Not set: CreateVolume encrypts the volume when the account's EBS encryption by default
        // is on in the region (EC2 User Guide, "Amazon EBS encryption by default"), a setting
        // outside this resource: a gap and the value under which no check fails, as for
        // CloudFormation's `Encrypted` and an instance's implicit root volume.
        Value::Null => {
            bld.gap(
                data::EC2_VOLUMES,
                &arn,
                &file(raw),
                "`encrypted` is not set: the account's EBS encryption by default decides",
            );
            true
        }
        v => v.as_bool().unwrap_or(false),
    };
    let kms_key_id = opt_str(bld, raw, &arn, a, "kms_key_id", data::EC2_VOLUMES);
    bld.region().volumes.push(Volume {
        id: raw.id.clone(),
        encrypted: enc,
        kms_key_id,
        size_gib: u32_of(a, "size").unwrap_or(0),
        attached_to: Vec::new(),
        meta,
    });
}

/// `aws_ebs_encryption_by_default`.
pub(super) fn ebs_encryption_by_default(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let on = b(a, "enabled").unwrap_or(true);
    bld.region().ebs_encryption_by_default = Some(on);
}

/// `aws_db_instance`.
pub(super) fn db_instance(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "identifier"), a.get("tags"));
    let arn = meta.arn.clone();
    let enc = known_bool(bld, raw, &arn, a, "storage_encrypted", data::RDS, true).unwrap_or(false);
    let public =
        known_bool(bld, raw, &arn, a, "publicly_accessible", data::RDS, false).unwrap_or(false);
    let engine = s(a, "engine").unwrap_or_default();
    let db = DbInstance {
        id: s(a, "identifier").unwrap_or_else(|| raw.id.clone()),
        // Aurora instances inherit encryption from their cluster.
        storage_encrypted: enc || engine.starts_with("aurora"),
        engine,
        kms_key_id: opt_str(bld, raw, &arn, a, "kms_key_id", data::RDS),
        publicly_accessible: public,
        vpc_id: None,
        subnet_ids: Vec::new(),
        security_groups: a.get("vpc_security_group_ids").strings(),
        port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
        cluster_id: s(a, "cluster_identifier"),
        backup_retention_days: u32_of(a, "backup_retention_period").unwrap_or(0),
        deletion_protection: b(a, "deletion_protection").unwrap_or(false),
        meta,
    };
    bld.region().db_instances.push(db);
}

/// `aws_rds_cluster`.
pub(super) fn rds_cluster(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "cluster_identifier"), a.get("tags"));
    let arn = meta.arn.clone();
    let enc = known_bool(bld, raw, &arn, a, "storage_encrypted", data::RDS, true).unwrap_or(false);
    let c = DbCluster {
        id: s(a, "cluster_identifier").unwrap_or_else(|| raw.id.clone()),
        engine: s(a, "engine").unwrap_or_else(|| "aurora".to_owned()),
        storage_encrypted: enc,
        kms_key_id: opt_str(bld, raw, &arn, a, "kms_key_id", data::RDS),
        security_groups: a.get("vpc_security_group_ids").strings(),
        port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
        backup_retention_days: u32_of(a, "backup_retention_period").unwrap_or(1),
        deletion_protection: b(a, "deletion_protection").unwrap_or(false),
        meta,
    };
    bld.region().db_clusters.push(c);
}

/// `aws_dynamodb_table`.
pub(super) fn dynamodb_table(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let sse = a.get("server_side_encryption").first();
    let arn = meta.arn.clone();
    let key_arn = opt_str(bld, raw, &arn, sse, "kms_key_arn", data::DYNAMODB);
    let key_kind = match (b(sse, "enabled"), key_arn.clone()) {
        (Some(true), Some(k)) if !k.contains("alias/aws/") => TableKeyKind::CustomerManaged,
        (Some(true), _) => TableKeyKind::AwsManaged,
        _ => TableKeyKind::AwsOwned,
    };
    let t = DynamoTable {
        key_kind,
        kms_key_arn: key_arn,
        point_in_time_recovery: Some(
            b(a.get("point_in_time_recovery").first(), "enabled").unwrap_or(false),
        ),
        deletion_protection: b(a, "deletion_protection_enabled").unwrap_or(false),
        meta,
    };
    bld.region().dynamodb_tables.push(t);
}

/// `aws_redshift_cluster`.
pub(super) fn redshift_cluster(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "cluster_identifier"), a.get("tags"));
    let arn = meta.arn.clone();
    let enc = known_bool(bld, raw, &arn, a, "encrypted", data::REDSHIFT, true).unwrap_or(true);
    let public = known_bool(
        bld,
        raw,
        &arn,
        a,
        "publicly_accessible",
        data::REDSHIFT,
        false,
    )
    .unwrap_or(false);
    let r = RedshiftCluster {
        id: s(a, "cluster_identifier").unwrap_or_else(|| raw.id.clone()),
        encrypted: enc,
        kms_key_id: opt_str(bld, raw, &arn, a, "kms_key_id", data::REDSHIFT),
        publicly_accessible: public,
        vpc_id: None,
        security_groups: a.get("vpc_security_group_ids").strings(),
        port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
        meta,
    };
    bld.region().redshift_clusters.push(r);
}

/// `aws_backup_vault`.
pub(super) fn backup_vault(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    ix.vaults
        .insert(raw.id.clone(), bld.region().backup_vaults.len());
    if let Some(n) = s(a, "name") {
        ix.vaults.insert(n, bld.region().backup_vaults.len());
    }
    bld.region().backup_vaults.push(BackupVault {
        meta,
        encryption_key_arn: s(a, "kms_key_arn"),
        locked: false,
        lock_compliance_mode: false,
        lock_min_retention_days: None,
        access_policy: None,
    });
}

/// `aws_backup_plan`.
pub(super) fn backup_plan(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let rules = a
        .get("rule")
        .items()
        .into_iter()
        .map(|r| BackupRule {
            name: s(r, "rule_name").unwrap_or_default(),
            target_vault: s(r, "target_vault_name").unwrap_or_default(),
            schedule: s(r, "schedule"),
            delete_after_days: u32_of(r.get("lifecycle").first(), "delete_after"),
        })
        .collect();
    ix.plans
        .insert(raw.id.clone(), bld.region().backup_plans.len());
    bld.region().backup_plans.push(BackupPlan {
        meta,
        rules,
        selections: Vec::new(),
        last_execution: None,
    });
}

/// `aws_backup_vault_lock_configuration`.
pub(super) fn backup_vault_lock_configuration(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(
        bld,
        raw,
        &ix.vaults,
        "backup_vault_name",
        data::BACKUP_VAULT_LOCK,
        "backup vault",
    ) {
        let v = &mut bld.region().backup_vaults[x];
        v.locked = true;
        v.lock_compliance_mode = !a.get("changeable_for_days").is_null();
        v.lock_min_retention_days = u32_of(a, "min_retention_days");
    }
}

/// `aws_backup_selection`.
pub(super) fn backup_selection(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(
        bld,
        raw,
        &ix.plans,
        "plan_id",
        data::BACKUP_PLANS,
        "backup plan",
    ) {
        let sel = BackupSelection {
            name: s(a, "name").unwrap_or_default(),
            resources: a.get("resources").strings(),
            not_resources: a.get("not_resources").strings(),
            tags: a
                .get("selection_tag")
                .items()
                .into_iter()
                .filter_map(|t| Some((s(t, "key")?, s(t, "value")?)))
                .collect(),
        };
        bld.region().backup_plans[x].selections.push(sel);
    }
}

pub(super) fn bucket_data(kind: &str) -> &'static str {
    match kind {
        "aws_s3_bucket_versioning" => data::S3_BUCKET_VERSIONING,
        "aws_s3_bucket_server_side_encryption_configuration" => data::S3_BUCKET_ENCRYPTION,
        "aws_s3_bucket_public_access_block" => data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
        "aws_s3_bucket_policy" => data::S3_BUCKET_POLICY,
        "aws_s3_bucket_logging" => data::S3_BUCKET_LOGGING,
        "aws_s3_bucket_acl" => data::S3_BUCKET_ACL,
        "aws_s3_bucket_lifecycle_configuration" => data::S3_BUCKET_LIFECYCLE,
        "aws_s3_bucket_object_lock_configuration" => data::S3_BUCKET_OBJECT_LOCK,
        _ => data::S3_BUCKETS,
    }
}

/// The grants of an S3 canned ACL.
pub(super) fn canned_acl(acl: &str) -> Vec<Grant> {
    let all = "http://acs.amazonaws.com/groups/global/AllUsers";
    let auth = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    let g = |grantee: &str, permission: &str| Grant {
        grantee_type: "Group".to_owned(),
        grantee: grantee.to_owned(),
        permission: permission.to_owned(),
    };
    match acl {
        "public-read" => vec![g(all, "READ")],
        "public-read-write" => vec![g(all, "READ"), g(all, "WRITE")],
        "authenticated-read" => vec![g(auth, "READ")],
        "log-delivery-write" => vec![
            g("http://acs.amazonaws.com/groups/s3/LogDelivery", "WRITE"),
            g("http://acs.amazonaws.com/groups/s3/LogDelivery", "READ_ACP"),
        ],
        _ => Vec::new(),
    }
}

pub(super) fn grants_legacy(v: &Value) -> Vec<Grant> {
    v.items()
        .into_iter()
        .flat_map(|g| {
            let grantee = s(g, "uri").or_else(|| s(g, "id")).unwrap_or_default();
            let t = s(g, "type").unwrap_or_default();
            g.get("permissions")
                .strings()
                .into_iter()
                .map(move |p| Grant {
                    grantee_type: t.clone(),
                    grantee: grantee.clone(),
                    permission: p,
                })
        })
        .collect()
}

pub(super) fn versioning(
    bld: &mut Builder,
    bucket: &mut Bucket,
    enabled: &Value,
    mfa: &Value,
    fl: &str,
) {
    match enabled {
        Value::Unknown => {
            bld.gap(
                data::S3_BUCKET_VERSIONING,
                &bucket.meta.arn,
                fl,
                "whether versioning is enabled is not known before apply",
            );
            bucket.versioning = VersioningStatus::Enabled;
        }
        v => {
            bucket.versioning = if v.as_bool().unwrap_or(false) {
                VersioningStatus::Enabled
            } else {
                VersioningStatus::Disabled
            }
        }
    }
    bucket.mfa_delete = mfa.as_bool().unwrap_or(false) || mfa.as_str() == Some("Enabled");
}

pub(super) fn encryption(bld: &mut Builder, bucket: &mut Bucket, c: &Value, fl: &str) {
    let arn = bucket.meta.arn.clone();
    let rules = c.get("rule").items();
    let rules = rules
        .into_iter()
        .map(|r| (r, r.get("apply_server_side_encryption_by_default").first()));
    if let Some(e) = crate::map::bucket_encryption(
        bld,
        &arn,
        fl,
        rules,
        ["sse_algorithm", "kms_master_key_id", "bucket_key_enabled"],
    ) {
        bucket.encryption = Some(e);
    }
}

pub(super) fn bucket_policy(bld: &mut Builder, bucket: &mut Bucket, v: &Value, fl: &str) {
    match policy::parse(v) {
        Ok(Some(doc)) => {
            if policy::has_unknown(&doc) {
                bld.gap(
                    data::S3_BUCKET_POLICY,
                    &bucket.meta.arn,
                    fl,
                    "parts of the bucket policy are not known before apply",
                );
            }
            bucket.policy = Some(doc.into());
        }
        Ok(None) => {}
        Err(policy::NotKnown) => bld.gap(
            data::S3_BUCKET_POLICY,
            &bucket.meta.arn,
            fl,
            "the bucket policy is not known before apply",
        ),
    }
}

/// A lifecycle rule of the bucket's legacy inline `lifecycle_rule` block (`enabled`, noncurrent
/// versions counted in `days`).
pub(super) fn lifecycle_legacy(r: &Value) -> LifecycleRule {
    lifecycle_rule(r, b(r, "enabled").unwrap_or(false), "days")
}

/// A lifecycle rule, `enabled` as its block says it, with noncurrent versions counted in the
/// attribute `noncurrent_days` (`days` in the legacy block, `noncurrent_days` in
/// `aws_s3_bucket_lifecycle_configuration`).
fn lifecycle_rule(r: &Value, enabled: bool, noncurrent_days: &str) -> LifecycleRule {
    let steps = |block: &str, days: &str| -> Vec<(u32, String)> {
        r.get(block)
            .items()
            .into_iter()
            .map(|t| {
                (
                    u32_of(t, days).unwrap_or(0),
                    s(t, "storage_class").unwrap_or_default(),
                )
            })
            .collect()
    };
    LifecycleRule {
        id: s(r, "id").unwrap_or_default(),
        enabled,
        transitions: steps("transition", "days"),
        expiration_days: u32_of(r.get("expiration").first(), "days"),
        noncurrent_transitions: steps("noncurrent_version_transition", noncurrent_days),
        noncurrent_expiration_days: u32_of(
            r.get("noncurrent_version_expiration").first(),
            noncurrent_days,
        ),
    }
}

pub(super) fn retention_days(r: &Value) -> Option<u32> {
    u32_of(r, "days").or_else(|| u32_of(r, "years").map(|y| y * 365))
}

/// A resource that configures a bucket from outside it (`aws_s3_bucket_versioning`…).
type BucketPart = fn(&mut Builder, &mut Bucket, &Raw);

/// `aws_s3_bucket_*` resources that configure a bucket: found by the bucket's name or id.
pub(super) fn bucket_part(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let kind = raw.kind.as_str();
    let Some(part) = BUCKET_PARTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| *f)
    else {
        return;
    };
    let target = raw.attrs.get("bucket");
    // A literal name, or the id of the bucket declared here; anything else (a variable without
    // a value, a bucket of another configuration) is a bucket outside this input.
    let key = target.as_string().unwrap_or_else(|| raw.iac_arn());
    let idx = match ix.buckets.get(&key) {
        Some(&idx) => idx,
        None => {
            let idx = outside_bucket(bld, raw, target.as_string());
            ix.buckets.insert(key, idx);
            ix.outside_buckets.insert(idx, Vec::new());
            idx
        }
    };
    if let Some(declared) = ix.outside_buckets.get_mut(&idx) {
        declared.push(bucket_data(kind));
    }
    // Such a resource's `id` is its bucket's name (AWS provider: `aws_s3_bucket_policy`,
    // `aws_s3_bucket_public_access_block`, …): a later part may name the bucket through it
    // (`bucket = aws_s3_bucket_policy.this[0].id`, as terraform-aws-s3-bucket does to order
    // its calls).
    ix.buckets.entry(raw.id.clone()).or_insert(idx);
    let mut bucket = bld.account.buckets[idx].clone();
    part(bld, &mut bucket, raw);
    bld.account.buckets[idx] = bucket;
}

/// `aws_s3_bucket_versioning`.
fn part_versioning(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    let c = a.get("versioning_configuration").first();
    let st = c.get("status");
    let enabled = match st {
        Value::Unknown => Value::Unknown,
        v => Value::Bool(v.as_str() == Some("Enabled")),
    };
    versioning(bld, bucket, &enabled, c.get("mfa_delete"), &fl);
    if st.as_str() == Some("Suspended") {
        bucket.versioning = VersioningStatus::Suspended;
    }
}

/// `aws_s3_bucket_server_side_encryption_configuration`.
fn part_server_side_encryption_configuration(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    encryption(bld, bucket, a, &fl)
}

/// `aws_s3_bucket_public_access_block`.
fn part_public_access_block(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    bucket.public_access_block = Some(crate::map::public_access_block(
        bld,
        raw,
        a,
        crate::map::TF_BLOCK_KEYS,
        false,
        (data::S3_BUCKET_PUBLIC_ACCESS_BLOCK, &bucket.meta.arn),
    ));
    bucket.set_declared(rampart_model::storage::DEFAULT_PUBLIC_ACCESS_BLOCK);
}

/// `aws_s3_bucket_ownership_controls`: `rule.object_ownership` (`BucketOwnerEnforced`,
/// `BucketOwnerPreferred`, `ObjectWriter`).
///
/// Not known before apply: whether ACLs apply is not known, a gap on the bucket's ACL.
fn part_ownership_controls(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let rule = raw.attrs.get("rule");
    bucket.object_ownership = s(rule.first(), "object_ownership");
    if bucket.object_ownership.is_none() && (rule.has_unknown() || rule.is_unknown()) {
        bld.gap(
            data::S3_BUCKET_ACL,
            &bucket.meta.arn,
            &file(raw),
            format!(
                "the Object Ownership `{}` sets is not known before apply",
                raw.address
            ),
        );
    }
    bucket.set_declared(rampart_model::storage::DEFAULT_OBJECT_OWNERSHIP);
}

/// `aws_s3_bucket_policy`.
fn part_policy(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    bucket_policy(bld, bucket, a.get("policy"), &fl);
}

/// A bucket setting resource whose content is known only after apply: a gap on its data set
/// for the bucket, which keeps what it had.
fn part_unknown(bld: &mut Builder, bucket: &Bucket, raw: &Raw, keys: &[&str]) -> bool {
    let blocks = raw.attrs.get("@unknown_blocks").strings();
    let unknown = keys
        .iter()
        .any(|k| raw.attrs.get(k).has_unknown() || blocks.iter().any(|b| b == k));
    if unknown {
        bld.gap(
            bucket_data(&raw.kind),
            &bucket.meta.arn,
            &file(raw),
            format!("what `{}` sets is not known before apply", raw.address),
        );
    }
    unknown
}

/// `aws_s3_bucket_logging`.
fn part_logging(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    if part_unknown(bld, bucket, raw, &["target_bucket", "target_prefix"]) {
        return;
    }
    bucket.logging = Some(BucketLogging {
        target_bucket: s(a, "target_bucket").unwrap_or_default(),
        target_prefix: s(a, "target_prefix").unwrap_or_default(),
    });
}

/// `aws_s3_bucket_acl`.
fn part_acl(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    let fl = file(raw);
    if let Some(acl) = s(a, "acl") {
        bucket.acl = canned_acl(&acl);
    } else if a.get("acl").is_unknown() {
        bld.gap(
            data::S3_BUCKET_ACL,
            &bucket.meta.arn,
            &fl,
            "the bucket ACL is not known before apply",
        );
    }
    for g in a.get("access_control_policy").first().get("grant").items() {
        let ge = g.get("grantee").first();
        let grantee = s(ge, "uri")
            .or_else(|| s(ge, "id"))
            .or_else(|| s(ge, "email_address"))
            .unwrap_or_default();
        bucket.acl.push(Grant {
            grantee_type: s(ge, "type").unwrap_or_default(),
            grantee,
            permission: s(g, "permission").unwrap_or_default(),
        });
    }
}

/// `aws_s3_bucket_lifecycle_configuration`.
fn part_lifecycle_configuration(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    if part_unknown(bld, bucket, raw, &["rule"]) {
        return;
    }
    bucket.lifecycle_rules = a
        .get("rule")
        .items()
        .into_iter()
        .map(|r| {
            lifecycle_rule(
                r,
                s(r, "status").as_deref() == Some("Enabled"),
                "noncurrent_days",
            )
        })
        .collect();
}

/// `aws_s3_bucket_object_lock_configuration`.
fn part_object_lock_configuration(bld: &mut Builder, bucket: &mut Bucket, raw: &Raw) {
    let a = &raw.attrs;
    if part_unknown(bld, bucket, raw, &["rule", "object_lock_enabled"]) {
        return;
    }
    let r = a.path(&["rule", "default_retention"]);
    bucket.object_lock = Some(ObjectLock {
        enabled: true,
        mode: s(r, "mode"),
        days: retention_days(r),
    });
}

/// The resources that configure a bucket from outside it.
const BUCKET_PARTS: &[(&str, BucketPart)] = &[
    ("aws_s3_bucket_versioning", part_versioning),
    (
        "aws_s3_bucket_server_side_encryption_configuration",
        part_server_side_encryption_configuration,
    ),
    (
        "aws_s3_bucket_public_access_block",
        part_public_access_block,
    ),
    ("aws_s3_bucket_policy", part_policy),
    ("aws_s3_bucket_logging", part_logging),
    ("aws_s3_bucket_acl", part_acl),
    ("aws_s3_bucket_ownership_controls", part_ownership_controls),
    (
        "aws_s3_bucket_lifecycle_configuration",
        part_lifecycle_configuration,
    ),
    (
        "aws_s3_bucket_object_lock_configuration",
        part_object_lock_configuration,
    ),
];

/// A bucket configured here but declared elsewhere: what this input declares about it (an ACL,
/// a policy) is judged; the rest is outside this input, given the value under which no check
/// fails and a gap (see [`outside_bucket_gaps`]).
fn outside_bucket(bld: &mut Builder, raw: &Raw, name: Option<String>) -> usize {
    let cloud = name.as_ref().map(|n| format!("arn:aws:s3:::{n}"));
    let meta = bld.meta(raw, cloud, name, &Value::Null);
    bld.account.buckets.push(Bucket {
        meta,
        region: bld.region.clone(),
        // Every bucket is encrypted (SSE-S3 at least) since January 2023.
        encryption: Some(BucketEncryption {
            algorithm: "AES256".to_owned(),
            kms_key_id: None,
            bucket_key_enabled: false,
        }),
        versioning: VersioningStatus::Enabled,
        mfa_delete: false,
        public_access_block: None,
        policy: None,
        acl: Vec::new(),
        lifecycle_rules: Vec::new(),
        logging: Some(BucketLogging {
            target_bucket: "(outside this input)".to_owned(),
            target_prefix: String::new(),
        }),
        object_lock: None,
        // Outside this input: not known.
        object_ownership: None,
        aws_defaults: Vec::new(),
    });
    bld.account.buckets.len() - 1
}

/// Gaps for what the input does not declare about the buckets it configures from outside.
pub(super) fn outside_bucket_gaps(bld: &mut Builder, ix: &Index) {
    const PARTS: [&str; 8] = [
        data::S3_BUCKET_VERSIONING,
        data::S3_BUCKET_ENCRYPTION,
        data::S3_BUCKET_POLICY,
        data::S3_BUCKET_LOGGING,
        data::S3_BUCKET_ACL,
        data::S3_BUCKET_LIFECYCLE,
        data::S3_BUCKET_OBJECT_LOCK,
        // Its tags are set where it is declared.
        data::S3_BUCKET_TAGS,
    ];
    for (&idx, declared) in &ix.outside_buckets {
        let (arn, file) = {
            let b = &bld.account.buckets[idx];
            (
                b.meta.arn.clone(),
                b.meta.origin.file.clone().unwrap_or_default(),
            )
        };
        for d in PARTS.iter().filter(|d| !declared.contains(d)) {
            bld.parent_gap(
                d,
                &arn,
                &file,
                "the bucket is declared outside this input; only what this input sets on it is known",
            );
        }
    }
}

/// `aws_rds_cluster_instance`: an instance of an Aurora (or other) cluster. Its storage is the
/// cluster's, encrypted or not with it (RDS-002 judges the cluster); `publicly_accessible`
/// defaults to false.
pub(super) fn rds_cluster_instance(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "identifier"), a.get("tags"));
    let arn = meta.arn.clone();
    let public =
        known_bool(bld, raw, &arn, a, "publicly_accessible", data::RDS, false).unwrap_or(false);
    let db = DbInstance {
        id: s(a, "identifier").unwrap_or_else(|| raw.id.clone()),
        storage_encrypted: true,
        engine: s(a, "engine").unwrap_or_else(|| "aurora".to_owned()),
        kms_key_id: None,
        publicly_accessible: public,
        vpc_id: None,
        subnet_ids: Vec::new(),
        security_groups: Vec::new(),
        port: None,
        cluster_id: s(a, "cluster_identifier"),
        backup_retention_days: 0,
        deletion_protection: false,
        meta,
    };
    bld.region().db_instances.push(db);
}

/// `aws_docdb_cluster`, `aws_neptune_cluster`: database clusters whose `storage_encrypted`
/// defaults to false (provider documentation), judged with the RDS clusters.
pub(super) fn docdb_neptune_cluster(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "cluster_identifier"), a.get("tags"));
    let arn = meta.arn.clone();
    let enc = known_bool(bld, raw, &arn, a, "storage_encrypted", data::RDS, true).unwrap_or(false);
    let engine = if raw.kind == "aws_docdb_cluster" {
        "docdb"
    } else {
        "neptune"
    };
    let c = DbCluster {
        id: s(a, "cluster_identifier").unwrap_or_else(|| raw.id.clone()),
        engine: s(a, "engine").unwrap_or_else(|| engine.to_owned()),
        storage_encrypted: enc,
        kms_key_id: s(a, "kms_key_arn").or_else(|| s(a, "kms_key_id")),
        security_groups: a.get("vpc_security_group_ids").strings(),
        port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
        backup_retention_days: u32_of(a, "backup_retention_period").unwrap_or(1),
        deletion_protection: b(a, "deletion_protection").unwrap_or(false),
        meta,
    };
    bld.region().db_clusters.push(c);
}

/// `aws_efs_file_system` (`encrypted`), `aws_elasticache_replication_group`
/// (`at_rest_encryption_enabled`), `aws_opensearch_domain` and `aws_elasticsearch_domain`
/// (`encrypt_at_rest.enabled`): encryption at rest, off unless declared (the provider's
/// defaults; an ElastiCache group of the `valkey` engine is encrypted by default).
pub(super) fn at_rest_store(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let (service, id_key, holder, flag, key_key) = match raw.kind.as_str() {
        "aws_efs_file_system" => ("efs", "creation_token", a, "encrypted", "kms_key_id"),
        "aws_elasticache_replication_group" => (
            "elasticache",
            "replication_group_id",
            a,
            "at_rest_encryption_enabled",
            "kms_key_id",
        ),
        _ => (
            "opensearch",
            "domain_name",
            a.get("encrypt_at_rest").first(),
            "enabled",
            "kms_key_id",
        ),
    };
    let name = s(a, id_key);
    let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
    let arn = meta.arn.clone();
    let default = service == "elasticache" && s(a, "engine").as_deref() == Some("valkey");
    let encrypted =
        known_bool(bld, raw, &arn, holder, flag, data::AT_REST_STORES, true).unwrap_or(default);
    let kms_key_id = opt_str(bld, raw, &arn, holder, key_key, data::AT_REST_STORES);
    bld.region().at_rest_stores.push(AtRestStore {
        meta,
        service: service.to_owned(),
        id: name.unwrap_or_else(|| raw.id.clone()),
        encrypted,
        kms_key_id,
    });
}

/// `aws_s3_access_point`.
pub(super) fn s3_access_point(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let idx = crate::map::access_point(
        bld,
        raw,
        &crate::map::AccessPointDecl {
            bucket: a.get("bucket"),
            name: s(a, "name"),
            block: a.get("public_access_block_configuration").first(),
            block_keys: crate::map::TF_BLOCK_KEYS,
            vpc: a.get("vpc_configuration").first().get("vpc_id"),
            policy: a.get("policy"),
        },
    );
    for k in [raw.id.clone()].into_iter().chain(s(a, "arn")) {
        ix.access_points.insert(k, idx);
    }
}

/// `aws_s3control_access_point_policy`: the policy of an access point, set apart from it.
pub(super) fn s3control_access_point_policy(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(
        bld,
        raw,
        &ix.access_points,
        "access_point_arn",
        data::S3_ACCESS_POINTS,
        "access point",
    ) {
        let arn = bld.account.s3_access_points[x].meta.arn.clone();
        let p = policy_or_gap(bld, raw, &arn, a.get("policy"), data::S3_ACCESS_POINTS);
        bld.account.s3_access_points[x].policy = p;
    }
}
