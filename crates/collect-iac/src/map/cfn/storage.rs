//! storage

use super::{Cx, Kind, b, i, known_bool, s, u};
use crate::map::{file, policy, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::data;
use rampart_model::storage::{
    AtRestStore, BackupPlan, BackupRule, BackupSelection, BackupVault, BucketLogging, DbCluster,
    DbInstance, DynamoTable, Grant, LifecycleRule, ObjectLock, RedshiftCluster, TableKeyKind,
    VersioningStatus, Volume,
};

/// `AWS::S3::Bucket`.
pub(super) fn bucket(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let fl = file(raw);
    // Identity is `FILE:LogicalId`, never the bucket name: two templates may declare the same
    // name (only one can be deployed). The ARN goes in the origin (evidence, and what policies
    // name): from `BucketName`, or for a generated name the stand-in `Fn::GetAtt …Arn` gives in
    // this template, so that the template's own policies match it.
    let name = s(p, "BucketName");
    let cloud = format!("arn:aws:s3:::{}", raw.id);
    let meta = cx.bld.meta(
        raw,
        Some(cloud),
        name.or_else(|| Some(raw.address.clone())),
        tags,
    );
    let marn = meta.arn.clone();
    // What S3 gives a new bucket unless the template says otherwise (Block Public Access on,
    // ACLs disabled): `PublicAccessBlockConfiguration` / `OwnershipControls` replace it.
    let mut bucket = rampart_model::storage::Bucket::declared(meta, cx.bld.region.clone());
    match p.path(&["VersioningConfiguration", "Status"]) {
        Value::Unknown => {
            cx.bld.gap(
                data::S3_BUCKET_VERSIONING,
                &marn,
                &fl,
                "the versioning status is not known before apply",
            );
            bucket.versioning = VersioningStatus::Enabled;
        }
        v => {
            bucket.versioning = match v.as_str() {
                Some("Enabled") => VersioningStatus::Enabled,
                Some("Suspended") => VersioningStatus::Suspended,
                _ => VersioningStatus::Disabled,
            };
        }
    }
    let rules = p
        .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
        .items();
    let rules = rules
        .into_iter()
        .map(|r| (r, r.get("ServerSideEncryptionByDefault")));
    if let Some(e) = crate::map::bucket_encryption(
        cx.bld,
        &marn,
        &fl,
        rules,
        ["SSEAlgorithm", "KMSMasterKeyID", "BucketKeyEnabled"],
    ) {
        bucket.encryption = Some(e);
    }
    let pabv = p.get("PublicAccessBlockConfiguration");
    if !pabv.is_null() {
        bucket.public_access_block = Some(crate::map::public_access_block(
            cx.bld,
            raw,
            pabv,
            crate::map::CFN_BLOCK_KEYS,
            false,
            (data::S3_BUCKET_PUBLIC_ACCESS_BLOCK, &marn),
        ));
        bucket.set_declared(rampart_model::storage::DEFAULT_PUBLIC_ACCESS_BLOCK);
    }
    // `OwnershipControls.Rules[0].ObjectOwnership` (AWS::S3::Bucket OwnershipControlsRule).
    let own = p.get("OwnershipControls");
    if !own.is_null() {
        let rule = own.get("Rules").items().into_iter().next();
        bucket.object_ownership = rule.and_then(|r| s(r, "ObjectOwnership"));
        if bucket.object_ownership.is_none() && own.has_unknown() {
            cx.bld.gap(
                data::S3_BUCKET_ACL,
                &marn,
                &fl,
                "the bucket's Object Ownership is not known before deployment",
            );
        }
        bucket.set_declared(rampart_model::storage::DEFAULT_OBJECT_OWNERSHIP);
    }
    if let Some(acl) = s(p, "AccessControl") {
        let all = "http://acs.amazonaws.com/groups/global/AllUsers";
        let auth = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
        let g = |who: &str, perm: &str| Grant {
            grantee_type: "Group".to_owned(),
            grantee: who.to_owned(),
            permission: perm.to_owned(),
        };
        bucket.acl = match acl.as_str() {
            "PublicRead" => vec![g(all, "READ")],
            "PublicReadWrite" => vec![g(all, "READ"), g(all, "WRITE")],
            "AuthenticatedRead" => vec![g(auth, "READ")],
            _ => Vec::new(),
        };
    } else if p.get("AccessControl").is_unknown() {
        cx.bld.gap(
            data::S3_BUCKET_ACL,
            &marn,
            &fl,
            "the bucket ACL is not known before apply",
        );
    }
    let lg = p.get("LoggingConfiguration");
    if !lg.is_null() {
        bucket.logging = Some(BucketLogging {
            target_bucket: s(lg, "DestinationBucketName").unwrap_or_default(),
            target_prefix: s(lg, "LogFilePrefix").unwrap_or_default(),
        });
    }
    bucket.lifecycle_rules = p
        .path(&["LifecycleConfiguration", "Rules"])
        .items()
        .into_iter()
        .map(|r| LifecycleRule {
            id: s(r, "Id").unwrap_or_default(),
            enabled: s(r, "Status").as_deref() == Some("Enabled"),
            transitions: r
                .get("Transitions")
                .items()
                .into_iter()
                .chain(r.get("Transition").items())
                .map(|t| {
                    (
                        u(t, "TransitionInDays").unwrap_or(0),
                        s(t, "StorageClass").unwrap_or_default(),
                    )
                })
                .collect(),
            expiration_days: u(r, "ExpirationInDays"),
            noncurrent_transitions: r
                .get("NoncurrentVersionTransitions")
                .items()
                .into_iter()
                .map(|t| {
                    (
                        u(t, "TransitionInDays").unwrap_or(0),
                        s(t, "StorageClass").unwrap_or_default(),
                    )
                })
                .collect(),
            noncurrent_expiration_days: u(r, "NoncurrentVersionExpirationInDays")
                .or_else(|| u(r.get("NoncurrentVersionExpiration"), "NoncurrentDays")),
        })
        .collect();
    if b(p, "ObjectLockEnabled") == Some(true) {
        let r = p.path(&["ObjectLockConfiguration", "Rule", "DefaultRetention"]);
        bucket.object_lock = Some(ObjectLock {
            enabled: true,
            mode: s(r, "Mode"),
            days: u(r, "Days").or_else(|| u(r, "Years").map(|y| y * 365)),
        });
    }
    cx.idx
        .remember(Kind::Bucket, raw, cx.bld.account.buckets.len());
    cx.idx.remember_expr(
        Kind::Bucket,
        raw,
        "BucketName",
        cx.bld.account.buckets.len(),
    );
    cx.bld.account.buckets.push(bucket);
}

/// `AWS::EC2::Volume`.
pub(super) fn volume(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    let encrypted = super::ebs_encrypted(cx, raw, &meta.arn, p);
    cx.bld.region().volumes.push(Volume {
        id: raw.id.clone(),
        encrypted,
        kms_key_id: s(p, "KmsKeyId"),
        size_gib: u(p, "Size").unwrap_or(0),
        attached_to: Vec::new(),
        meta,
    });
}

/// `AWS::RDS::DBInstance`.
pub(super) fn db_instance(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "DBInstanceIdentifier"), tags);
    let marn = meta.arn.clone();
    let engine = s(p, "Engine").unwrap_or_default();
    let enc =
        known_bool(cx.bld, raw, &marn, p, "StorageEncrypted", data::RDS, true).unwrap_or(false);
    let public = known_bool(
        cx.bld,
        raw,
        &marn,
        p,
        "PubliclyAccessible",
        data::RDS,
        false,
    )
    .unwrap_or(false);
    cx.bld.region().db_instances.push(DbInstance {
        id: s(p, "DBInstanceIdentifier").unwrap_or_else(|| raw.id.clone()),
        storage_encrypted: enc || engine.starts_with("aurora"),
        engine,
        kms_key_id: s(p, "KmsKeyId"),
        publicly_accessible: public,
        vpc_id: None,
        subnet_ids: Vec::new(),
        security_groups: p.get("VPCSecurityGroups").strings(),
        port: i(p, "Port").and_then(|x| u16::try_from(x).ok()),
        cluster_id: s(p, "DBClusterIdentifier"),
        backup_retention_days: u(p, "BackupRetentionPeriod").unwrap_or(1),
        deletion_protection: b(p, "DeletionProtection").unwrap_or(false),
        meta,
    });
}

/// `AWS::RDS::DBCluster`.
pub(super) fn db_cluster(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "DBClusterIdentifier"), tags);
    let marn = meta.arn.clone();
    let enc =
        known_bool(cx.bld, raw, &marn, p, "StorageEncrypted", data::RDS, true).unwrap_or(false);
    cx.bld.region().db_clusters.push(DbCluster {
        id: s(p, "DBClusterIdentifier").unwrap_or_else(|| raw.id.clone()),
        engine: s(p, "Engine").unwrap_or_default(),
        storage_encrypted: enc,
        kms_key_id: s(p, "KmsKeyId"),
        security_groups: p.get("VpcSecurityGroupIds").strings(),
        port: i(p, "Port").and_then(|x| u16::try_from(x).ok()),
        backup_retention_days: u(p, "BackupRetentionPeriod").unwrap_or(1),
        deletion_protection: b(p, "DeletionProtection").unwrap_or(false),
        meta,
    });
}

/// `AWS::DocDB::DBCluster`, `AWS::Neptune::DBCluster`: clusters whose `StorageEncrypted`
/// defaults to false (CloudFormation resource reference of each), judged as database clusters.
pub(super) fn docdb_neptune_cluster(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx
        .bld
        .meta(raw, None, s(p, "DBClusterIdentifier"), p.get("Tags"));
    let marn = meta.arn.clone();
    let enc =
        known_bool(cx.bld, raw, &marn, p, "StorageEncrypted", data::RDS, true).unwrap_or(false);
    let engine = if raw.kind.starts_with("AWS::DocDB") {
        "docdb"
    } else {
        "neptune"
    };
    cx.bld.region().db_clusters.push(DbCluster {
        id: s(p, "DBClusterIdentifier").unwrap_or_else(|| raw.id.clone()),
        engine: engine.to_owned(),
        storage_encrypted: enc,
        kms_key_id: s(p, "KmsKeyId"),
        security_groups: p.get("VpcSecurityGroupIds").strings(),
        port: i(p, "Port").and_then(|x| u16::try_from(x).ok()),
        backup_retention_days: u(p, "BackupRetentionPeriod").unwrap_or(1),
        deletion_protection: b(p, "DeletionProtection").unwrap_or(false),
        meta,
    });
}

/// `AWS::DynamoDB::Table | AWS::Serverless::SimpleTable`.
pub(super) fn dynamodb_table(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "TableName"), tags);
    let sse = p.get("SSESpecification");
    let key = s(sse, "KMSMasterKeyId");
    let key_kind = match (b(sse, "SSEEnabled"), &key) {
        (Some(true), Some(k)) if !k.contains("alias/aws/") => TableKeyKind::CustomerManaged,
        (Some(true), _) => TableKeyKind::AwsManaged,
        _ => TableKeyKind::AwsOwned,
    };
    cx.bld.region().dynamodb_tables.push(DynamoTable {
        key_kind,
        kms_key_arn: key,
        point_in_time_recovery: Some(
            b(
                p.get("PointInTimeRecoverySpecification"),
                "PointInTimeRecoveryEnabled",
            )
            .unwrap_or(false),
        ),
        deletion_protection: b(p, "DeletionProtectionEnabled").unwrap_or(false),
        meta,
    });
}

/// `AWS::Redshift::Cluster`.
pub(super) fn redshift_cluster(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "ClusterIdentifier"), tags);
    let marn = meta.arn.clone();
    let enc = known_bool(cx.bld, raw, &marn, p, "Encrypted", data::REDSHIFT, true).unwrap_or(false);
    let public = known_bool(
        cx.bld,
        raw,
        &marn,
        p,
        "PubliclyAccessible",
        data::REDSHIFT,
        false,
    )
    // Not set: private (Redshift API, CreateCluster `PubliclyAccessible`, "Default: false").
    .unwrap_or(false);
    cx.bld.region().redshift_clusters.push(RedshiftCluster {
        id: s(p, "ClusterIdentifier").unwrap_or_else(|| raw.id.clone()),
        encrypted: enc,
        kms_key_id: s(p, "KmsKeyId"),
        publicly_accessible: public,
        vpc_id: None,
        security_groups: p.get("VpcSecurityGroupIds").strings(),
        port: i(p, "Port").and_then(|x| u16::try_from(x).ok()),
        meta,
    });
}

/// `AWS::Backup::BackupVault`.
pub(super) fn backup_vault(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx
        .bld
        .meta(raw, None, s(p, "BackupVaultName"), &Value::Null);
    let lock = p.get("LockConfiguration");
    cx.bld.region().backup_vaults.push(BackupVault {
        meta,
        encryption_key_arn: s(p, "EncryptionKeyArn"),
        locked: !lock.is_null(),
        lock_compliance_mode: !lock.get("ChangeableForDays").is_null(),
        lock_min_retention_days: u(lock, "MinRetentionDays"),
        access_policy: policy::parse(p.get("AccessPolicy"))
            .ok()
            .flatten()
            .map(Into::into),
    });
}

/// `AWS::Backup::BackupPlan`.
pub(super) fn backup_plan(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let plan = p.get("BackupPlan");
    let meta = cx
        .bld
        .meta(raw, None, s(plan, "BackupPlanName"), &Value::Null);
    let rules = plan
        .get("BackupPlanRule")
        .items()
        .into_iter()
        .map(|r| BackupRule {
            name: s(r, "RuleName").unwrap_or_default(),
            target_vault: s(r, "TargetBackupVault").unwrap_or_default(),
            schedule: s(r, "ScheduleExpression"),
            delete_after_days: u(r.get("Lifecycle"), "DeleteAfterDays"),
        })
        .collect();
    cx.idx
        .remember(Kind::BackupPlan, raw, cx.bld.region().backup_plans.len());
    cx.bld.region().backup_plans.push(BackupPlan {
        meta,
        rules,
        selections: Vec::new(),
        last_execution: None,
    });
}

/// `AWS::S3::BucketPolicy`: the policy of the bucket it names. On a bucket this template does
/// not declare (a literal name, an imported one), the policy is judged on its own: the bucket is
/// added as far as this input knows it (its policy), named `FILE:LogicalId` of the policy, and
/// everything else about it is recorded as outside this input.
pub(super) fn bucket_policy(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let mut targets = cx.idx.find(Kind::Bucket, raw, s(p, "Bucket").as_deref());
    if targets.is_empty() {
        // `Bucket` known only at deployment, written as the bucket's `BucketName` is.
        let e = super::expr_key(p, "Bucket");
        targets = cx.idx.find(Kind::Bucket, raw, e.as_deref());
    }
    if targets.is_empty() {
        targets.push(undeclared_bucket(cx, raw, p.get("Bucket")));
    }
    for x in targets {
        let arn = cx.bld.account.buckets[x].meta.arn.clone();
        if let Some(doc) = policy_or_gap(
            cx.bld,
            raw,
            &arn,
            p.get("PolicyDocument"),
            data::S3_BUCKET_POLICY,
        ) {
            cx.bld.account.buckets[x].policy = Some(doc);
        }
    }
}

/// A bucket a child resource names but this input does not declare: added with what the child
/// says, the rest recorded as not declared for it alone.
fn undeclared_bucket(cx: &mut Cx<'_>, raw: &Raw, name: &Value) -> usize {
    let label = name
        .as_string()
        .unwrap_or_else(|| "(a bucket known only after deployment)".to_owned());
    let mut meta = cx.bld.meta(raw, None, Some(label.clone()), &Value::Null);
    meta.name = label.clone();
    let arn = meta.arn.clone();
    // Its ACL too: set where the bucket is declared (`AccessControl`, ownership controls).
    for ds in [
        data::S3_BUCKET_ENCRYPTION,
        data::S3_BUCKET_VERSIONING,
        data::S3_BUCKET_LOGGING,
        data::S3_BUCKET_LIFECYCLE,
        data::S3_BUCKET_OBJECT_LOCK,
        data::S3_BUCKET_TAGS,
        data::S3_BUCKET_ACL,
    ] {
        cx.bld.parent_gap(
            ds,
            &arn,
            &file(raw),
            format!(
                "the bucket `{label}` is not declared in this input (only `{}`, which names it)",
                raw.address
            ),
        );
    }
    let bucket = rampart_model::storage::Bucket::new(meta, cx.bld.region.clone());
    cx.bld.account.buckets.push(bucket);
    cx.bld.account.buckets.len() - 1
}

/// `AWS::Backup::BackupSelection`.
pub(super) fn backup_selection(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let plan = s(p, "BackupPlanId");
    for x in cx.parent(
        Kind::BackupPlan,
        raw,
        plan.as_deref(),
        data::BACKUP_PLANS,
        "backup plan",
    ) {
        let sel = p.get("BackupSelection");
        cx.bld.region().backup_plans[x]
            .selections
            .push(BackupSelection {
                name: s(sel, "SelectionName").unwrap_or_default(),
                resources: sel.get("Resources").strings(),
                not_resources: sel.get("NotResources").strings(),
                tags: sel
                    .get("ListOfTags")
                    .items()
                    .into_iter()
                    .filter_map(|t| Some((s(t, "ConditionKey")?, s(t, "ConditionValue")?)))
                    .collect(),
            });
    }
}

/// `AWS::EFS::FileSystem` (`Encrypted`), `AWS::ElastiCache::ReplicationGroup`
/// (`AtRestEncryptionEnabled`), `AWS::OpenSearchService::Domain` and `AWS::Elasticsearch::Domain`
/// (`EncryptionAtRestOptions.Enabled`): encryption at rest, off unless declared (each resource's
/// reference gives false as the default; a replication group of the `valkey` engine is
/// encrypted by default), as lane i13 reads the Terraform equivalents.
pub(super) fn at_rest_store(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let (service, id_key, holder, flag) = match raw.kind.as_str() {
        // A file system has no name property: its logical id names it.
        "AWS::EFS::FileSystem" => ("efs", "", p, "Encrypted"),
        "AWS::ElastiCache::ReplicationGroup" => (
            "elasticache",
            "ReplicationGroupId",
            p,
            "AtRestEncryptionEnabled",
        ),
        _ => (
            "opensearch",
            "DomainName",
            p.get("EncryptionAtRestOptions"),
            "Enabled",
        ),
    };
    let name = s(p, id_key);
    let tags = if raw.kind == "AWS::EFS::FileSystem" {
        p.get("FileSystemTags")
    } else {
        p.get("Tags")
    };
    let meta = cx.bld.meta(raw, None, name.clone(), tags);
    let marn = meta.arn.clone();
    let default = service == "elasticache"
        && s(p, "Engine").is_some_and(|e| e.eq_ignore_ascii_case("valkey"));
    let encrypted =
        known_bool(cx.bld, raw, &marn, holder, flag, data::AT_REST_STORES, true).unwrap_or(default);
    cx.bld.region().at_rest_stores.push(AtRestStore {
        meta,
        service: service.to_owned(),
        id: name.unwrap_or_else(|| raw.id.clone()),
        encrypted,
        kms_key_id: s(holder, "KmsKeyId"),
    });
}

/// `AWS::S3::AccessPoint`.
pub(super) fn access_point(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    crate::map::access_point(
        cx.bld,
        raw,
        &crate::map::AccessPointDecl {
            bucket: p.get("Bucket"),
            name: s(p, "Name"),
            block: p.get("PublicAccessBlockConfiguration"),
            block_keys: crate::map::CFN_BLOCK_KEYS,
            vpc: p.get("VpcConfiguration").get("VpcId"),
            policy: p.get("Policy"),
        },
    );
}
