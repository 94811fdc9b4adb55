//! Data stores: S3, EBS, RDS, DynamoDB, Redshift, AWS Backup.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Meta;
use crate::time_util::Timestamp;

/// S3 Block Public Access (account or bucket level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// Reject new public bucket policies.
    pub block_public_policy: bool,
    /// Restrict access under existing public policies to AWS services and the owner.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on.
    #[must_use]
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// A bucket's default encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketEncryption {
    /// `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse`.
    pub algorithm: String,
    /// The KMS key for SSE-KMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// S3 Bucket Keys enabled.
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

/// Versioning status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VersioningStatus {
    /// Never enabled.
    #[default]
    Disabled,
    /// Enabled.
    Enabled,
    /// Was enabled, now suspended.
    Suspended,
}

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// `CanonicalUser`, `Group`, `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// The canonical id, group URI or e-mail.
    pub grantee: String,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`, `FULL_CONTROL`.
    pub permission: String,
}

impl Grant {
    /// Grants to everyone (AllUsers) or every AWS account (AuthenticatedUsers).
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.grantee.ends_with("/global/AllUsers")
            || self.grantee.ends_with("/global/AuthenticatedUsers")
    }
}

/// A lifecycle rule (the parts the checks judge).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    /// The rule id.
    #[serde(default)]
    pub id: String,
    /// Enabled.
    pub enabled: bool,
    /// Transitions of current versions: (days, storage class).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<(u32, String)>,
    /// Expiration of current versions, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_days: Option<u32>,
    /// Transitions of noncurrent versions: (days, storage class).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub noncurrent_transitions: Vec<(u32, String)>,
    /// Expiration of noncurrent versions, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_expiration_days: Option<u32>,
}

/// Server access logging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketLogging {
    /// Target bucket.
    pub target_bucket: String,
    /// Target prefix.
    #[serde(default)]
    pub target_prefix: String,
}

/// Object lock configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectLock {
    /// Object lock enabled on the bucket.
    pub enabled: bool,
    /// Default retention mode (`GOVERNANCE`, `COMPLIANCE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Default retention in days (years converted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// An S3 bucket. `None` on an optional setting means "not configured" unless a gap for that data
/// set says it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// ARN (`arn:aws:s3:::name`), name, tags, origin.
    pub meta: Meta,
    /// The bucket's region.
    pub region: String,
    /// Default encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<BucketEncryption>,
    /// Versioning.
    #[serde(default)]
    pub versioning: VersioningStatus,
    /// MFA delete.
    #[serde(default)]
    pub mfa_delete: bool,
    /// Bucket-level Block Public Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
    /// Bucket policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
    /// ACL grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acl: Vec<Grant>,
    /// Lifecycle rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Server access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<BucketLogging>,
    /// Object lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock: Option<ObjectLock>,
    /// Object Ownership (`BucketOwnerEnforced`: ACLs disabled, `BucketOwnerPreferred`,
    /// `ObjectWriter`); `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ownership: Option<String>,
    /// The settings ([`DEFAULT_PUBLIC_ACCESS_BLOCK`], [`DEFAULT_OBJECT_OWNERSHIP`]) that hold what
    /// S3 gives a new bucket by itself because the declaration (IaC) does not set them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aws_defaults: Vec<String>,
}

/// In [`Bucket::aws_defaults`]: the bucket-level Block Public Access is S3's default for a new
/// bucket, all four settings on (S3 User Guide, "Blocking public access to your Amazon S3
/// storage": since April 2023 new buckets have it enabled unless the request says otherwise).
pub const DEFAULT_PUBLIC_ACCESS_BLOCK: &str = "public_access_block";
/// In [`Bucket::aws_defaults`]: Object Ownership is S3's default for a new bucket,
/// `BucketOwnerEnforced` (ACLs disabled; S3 User Guide, "Controlling ownership of objects and
/// disabling ACLs for your bucket", default since April 2023).
pub const DEFAULT_OBJECT_OWNERSHIP: &str = "object_ownership";
/// Object Ownership with ACLs disabled: S3 rejects a request that sets an ACL granting access to
/// anyone but the bucket owner (error `AccessControlListNotSupported`).
pub const OWNER_ENFORCED: &str = "BucketOwnerEnforced";

impl Bucket {
    /// A bucket before any of its settings is read: what S3 creates when nothing else is said
    /// (versioning never enabled, no policy, no ACL grant beyond the owner's, no lifecycle,
    /// logging or object lock); encryption and Block Public Access are left to the reader.
    #[must_use]
    pub fn new(meta: Meta, region: impl Into<String>) -> Self {
        Bucket {
            meta,
            region: region.into(),
            encryption: None,
            versioning: VersioningStatus::Disabled,
            mfa_delete: false,
            public_access_block: None,
            policy: None,
            acl: Vec::new(),
            lifecycle_rules: Vec::new(),
            logging: None,
            object_lock: None,
            object_ownership: None,
            aws_defaults: Vec::new(),
        }
    }

    /// A bucket an IaC input declares: [`Bucket::new`] with what S3 gives a new bucket unless the
    /// request says otherwise, each marked in [`Bucket::aws_defaults`] until the declaration sets
    /// it: Block Public Access all on at the bucket level and ACLs disabled.
    #[must_use]
    pub fn declared(meta: Meta, region: impl Into<String>) -> Self {
        let mut b = Bucket::new(meta, region);
        b.public_access_block = Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        });
        b.object_ownership = Some(OWNER_ENFORCED.to_owned());
        b.aws_defaults = vec![
            DEFAULT_PUBLIC_ACCESS_BLOCK.to_owned(),
            DEFAULT_OBJECT_OWNERSHIP.to_owned(),
        ];
        b
    }

    /// Whether `setting` ([`DEFAULT_PUBLIC_ACCESS_BLOCK`], …) holds S3's default, not declared.
    #[must_use]
    pub fn is_aws_default(&self, setting: &str) -> bool {
        self.aws_defaults.iter().any(|d| d == setting)
    }

    /// Records that the declaration sets `setting` itself.
    pub fn set_declared(&mut self, setting: &str) {
        self.aws_defaults.retain(|d| d != setting);
    }
}

/// An S3 access point: a named endpoint to one bucket with its own policy and its own Block
/// Public Access settings. A request through it is refused when the access point's, the
/// bucket's or the account's Block Public Access blocks it (S3 User Guide, "Managing public
/// access to access points"); an access point with a VPC network origin is not reachable from
/// the internet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessPoint {
    /// ARN (or IaC `FILE:ADDRESS`), name, tags, origin.
    pub meta: Meta,
    /// The region it is in.
    pub region: String,
    /// The bucket it gives access to (its name).
    pub bucket: String,
    /// The VPC it is restricted to (`NetworkOrigin` `VPC`); `None`: `Internet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Its own Block Public Access settings (all four on unless turned off at creation; they
    /// cannot be changed afterwards).
    pub public_access_block: PublicAccessBlock,
    /// Its policy, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
}

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `vol-…`.
    pub id: String,
    /// Encrypted.
    pub encrypted: bool,
    /// The KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Size in GiB.
    #[serde(default)]
    pub size_gib: u32,
    /// Instances it is attached to.
    #[serde(default)]
    pub attached_to: Vec<String>,
}

/// An RDS DB instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The DB instance identifier.
    pub id: String,
    /// `postgres`, `mysql`, `aurora-postgresql`…
    pub engine: String,
    /// Storage encrypted.
    pub storage_encrypted: bool,
    /// The KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Publicly accessible (has a public DNS name/IP).
    pub publicly_accessible: bool,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Subnets of its DB subnet group.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// VPC security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Listening port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The Aurora cluster it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// Automated backup retention, days (0: off).
    #[serde(default)]
    pub backup_retention_days: u32,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
}

/// An RDS / Aurora cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The cluster identifier.
    pub id: String,
    /// Engine.
    pub engine: String,
    /// Storage encrypted.
    pub storage_encrypted: bool,
    /// The KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// VPC security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Automated backup retention, days.
    #[serde(default)]
    pub backup_retention_days: u32,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
}

/// Who manages the key that encrypts a DynamoDB table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableKeyKind {
    /// The default: a key owned by DynamoDB, invisible to the account.
    #[default]
    AwsOwned,
    /// The AWS managed key `aws/dynamodb`.
    AwsManaged,
    /// A customer managed KMS key.
    CustomerManaged,
}

/// A DynamoDB table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoTable {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// Who manages the encryption key.
    #[serde(default)]
    pub key_kind: TableKeyKind,
    /// The KMS key ARN (KMS kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// Point-in-time recovery (`None`: not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery: Option<bool>,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
}

/// A Redshift cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedshiftCluster {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The cluster identifier.
    pub id: String,
    /// Encrypted.
    pub encrypted: bool,
    /// The KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Publicly accessible.
    #[serde(default)]
    pub publicly_accessible: bool,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// VPC security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// An AWS Backup vault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupVault {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The KMS key that encrypts recovery points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
    /// Vault Lock is configured.
    #[serde(default)]
    pub locked: bool,
    /// Vault Lock in compliance mode (lock date passed): cannot be removed.
    #[serde(default)]
    pub lock_compliance_mode: bool,
    /// Minimum retention enforced by the lock, days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_min_retention_days: Option<u32>,
    /// The vault access policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policy: Option<crate::PolicyDocument>,
}

/// One rule of a backup plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRule {
    /// Rule name.
    pub name: String,
    /// Target vault name.
    pub target_vault: String,
    /// Schedule expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// Recovery points deleted after this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_after_days: Option<u32>,
}

/// A resource selection of a backup plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSelection {
    /// Selection name.
    pub name: String,
    /// Resource ARNs or ARN patterns (`arn:aws:dynamodb:*:*:table/*`, `*`).
    #[serde(default)]
    pub resources: Vec<String>,
    /// Excluded ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_resources: Vec<String>,
    /// Tag conditions (key, value): resources with a matching tag are selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
}

/// An AWS Backup plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupPlan {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// Rules.
    #[serde(default)]
    pub rules: Vec<BackupRule>,
    /// Selections.
    #[serde(default)]
    pub selections: Vec<BackupSelection>,
    /// When it last ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_execution: Option<Timestamp>,
}

/// A data store judged on its encryption at rest (ENC-3) and nothing else yet: an EFS file
/// system, an ElastiCache replication group or cluster, an OpenSearch (Elasticsearch) domain.
/// Read from IaC, snapshots and the live collector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AtRestStore {
    /// ARN (or IaC address), name, tags, origin.
    pub meta: Meta,
    /// `efs`, `elasticache` or `opensearch`.
    pub service: String,
    /// The file system id, replication group id or domain name.
    pub id: String,
    /// Whether the data is encrypted at rest.
    pub encrypted: bool,
    /// The KMS key, when one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}
