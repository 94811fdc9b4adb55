//! Names of the data sets that sources fill and checks need.
//!
//! A gap names one of these; a check declares the ones it reads. Names are dotted paths so that a
//! gap on a whole service (`s3`) covers every data set below it. Use these constants rather than
//! literals so a typo is a compile error.

/// The credential report's root row and the account summary.
pub const IAM_ROOT: &str = "iam.root";
/// Whether the root user has MFA and access keys (account summary or credential report).
pub const IAM_ROOT_CREDENTIALS: &str = "iam.root.credentials";
/// When the root user last signed in or used a key (credential report's root row).
pub const IAM_ROOT_USAGE: &str = "iam.root.usage";
/// The account password policy.
pub const IAM_PASSWORD_POLICY: &str = "iam.password_policy";
/// Account aliases.
pub const IAM_ALIASES: &str = "iam.aliases";
/// IAM users with their login profiles.
pub const IAM_USERS: &str = "iam.users";
/// MFA devices of users.
pub const IAM_MFA: &str = "iam.users.mfa";
/// The account's virtual MFA devices (whether the root user's MFA is a hardware device).
pub const IAM_ROOT_MFA_DEVICE: &str = "iam.root.mfa_device";
/// Access keys of users, with their last use.
pub const IAM_ACCESS_KEYS: &str = "iam.users.access_keys";
/// IAM groups.
pub const IAM_GROUPS: &str = "iam.groups";
/// IAM roles.
pub const IAM_ROLES: &str = "iam.roles";
/// Managed policies and their default versions.
pub const IAM_POLICIES: &str = "iam.policies";
/// Instance profiles.
pub const IAM_INSTANCE_PROFILES: &str = "iam.instance_profiles";

/// The account-level S3 Block Public Access setting.
pub const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "s3control.public_access_block";
/// The list of buckets.
pub const S3_BUCKETS: &str = "s3.bucket";
/// Bucket default encryption.
pub const S3_BUCKET_ENCRYPTION: &str = "s3.bucket.encryption";
/// Bucket versioning and MFA delete.
pub const S3_BUCKET_VERSIONING: &str = "s3.bucket.versioning";
/// Bucket-level Block Public Access.
pub const S3_BUCKET_PUBLIC_ACCESS_BLOCK: &str = "s3.bucket.public_access_block";
/// Bucket policy.
pub const S3_BUCKET_POLICY: &str = "s3.bucket.policy";
/// Bucket ACL.
pub const S3_BUCKET_ACL: &str = "s3.bucket.acl";
/// Bucket lifecycle rules.
pub const S3_BUCKET_LIFECYCLE: &str = "s3.bucket.lifecycle";
/// Bucket server access logging.
pub const S3_BUCKET_LOGGING: &str = "s3.bucket.logging";
/// Bucket object lock.
pub const S3_BUCKET_OBJECT_LOCK: &str = "s3.bucket.object_lock";
/// Bucket tags.
pub const S3_BUCKET_TAGS: &str = "s3.bucket.tags";

/// S3 access points: their Block Public Access settings and policies.
pub const S3_ACCESS_POINTS: &str = "s3control.access_points";

/// VPCs, subnets, gateways, route tables, endpoints.
pub const EC2_VPC: &str = "ec2.vpc";
/// Route tables.
pub const EC2_ROUTE_TABLES: &str = "ec2.vpc.route_tables";
/// VPC flow logs.
pub const EC2_FLOW_LOGS: &str = "ec2.flow_logs";
/// Security groups.
pub const EC2_SECURITY_GROUPS: &str = "ec2.security_groups";
/// Network ACLs.
pub const EC2_NETWORK_ACLS: &str = "ec2.network_acls";
/// Instances.
pub const EC2_INSTANCES: &str = "ec2.instances";
/// Instance user data.
pub const EC2_USER_DATA: &str = "ec2.instances.user_data";
/// Whether the instances a launch template or launch configuration starts get a public IPv4
/// address, when it leaves that to the subnets of the Auto Scaling groups that launch it.
pub const EC2_LAUNCH_PUBLIC_IP: &str = "ec2.instances.public_ip";
/// EC2 Auto Scaling groups: what they launch from, and into which subnets.
pub const AUTOSCALING_GROUPS: &str = "autoscaling.groups";
/// Network interfaces.
pub const EC2_NETWORK_INTERFACES: &str = "ec2.network_interfaces";
/// EBS volumes.
pub const EC2_VOLUMES: &str = "ec2.volumes";
/// EBS encryption by default.
pub const EC2_EBS_DEFAULT_ENCRYPTION: &str = "ec2.ebs_encryption_by_default";
/// The default KMS key for EBS encryption: a data set of its own, so that not knowing the key
/// does not hide whether encryption by default is on.
pub const EC2_EBS_DEFAULT_KMS_KEY: &str = "ec2.ebs_default_kms_key";

/// RDS instances and clusters.
pub const RDS: &str = "rds";
/// DynamoDB tables.
pub const DYNAMODB: &str = "dynamodb";
/// Redshift clusters.
pub const REDSHIFT: &str = "redshift";
/// The account's effective Organizations tag policy.
pub const ORGANIZATIONS_TAG_POLICY: &str = "organizations.tag_policy";
/// The Organizations SCPs and RCPs that apply to the account, and the OU path they are attached on.
pub const ORGANIZATIONS_POLICIES: &str = "organizations.policies";
/// EFS file systems, ElastiCache groups, OpenSearch domains (encryption at rest).
pub const AT_REST_STORES: &str = "stores.at_rest";
/// KMS keys.
pub const KMS_KEYS: &str = "kms.keys";
/// KMS key rotation status.
pub const KMS_ROTATION: &str = "kms.keys.rotation";
/// KMS key policies.
pub const KMS_POLICIES: &str = "kms.keys.policy";
/// Secrets Manager.
pub const SECRETS_MANAGER: &str = "secretsmanager";
/// SSM parameters.
pub const SSM_PARAMETERS: &str = "ssm.parameters";
/// CloudTrail trails.
pub const CLOUDTRAIL: &str = "cloudtrail";
/// CloudTrail trail status (`IsLogging`).
pub const CLOUDTRAIL_STATUS: &str = "cloudtrail.status";
/// CloudTrail event selectors.
pub const CLOUDTRAIL_SELECTORS: &str = "cloudtrail.selectors";
/// CloudWatch Logs log groups.
pub const LOGS_GROUPS: &str = "logs.groups";
/// CloudWatch Logs metric filters.
pub const LOGS_METRIC_FILTERS: &str = "logs.metric_filters";
/// CloudWatch alarms.
pub const CLOUDWATCH_ALARMS: &str = "cloudwatch.alarms";
/// SNS topics and subscriptions.
pub const SNS: &str = "sns";
/// Lambda functions.
pub const LAMBDA: &str = "lambda";
/// ECS task definitions.
pub const ECS: &str = "ecs";
/// Load balancers.
pub const ELB: &str = "elb";
/// Load balancer attributes (access logs).
pub const ELB_ATTRIBUTES: &str = "elb.attributes";
/// AWS Backup vaults.
pub const BACKUP_VAULTS: &str = "backup.vaults";
/// AWS Backup plans and selections.
pub const BACKUP_PLANS: &str = "backup.plans";
/// Values declared as defaults in IaC (Terraform variable defaults, CloudFormation parameter
/// defaults): `Account.declared_defaults`.
pub const IAC_DECLARED_DEFAULTS: &str = "iac.declared_defaults";
/// A vault's lock settings (returned by `ListBackupVaults` itself).
pub const BACKUP_VAULT_LOCK: &str = "backup.vaults.lock";
/// A vault's encryption key (returned by `ListBackupVaults` itself).
pub const BACKUP_VAULT_ENCRYPTION: &str = "backup.vaults.encryption";
/// A vault's access policy (`GetBackupVaultAccessPolicy`).
pub const BACKUP_VAULT_POLICY: &str = "backup.vaults.access_policy";
/// A vault's tags (`ListTags`).
pub const BACKUP_VAULT_TAGS: &str = "backup.vaults.tags";
