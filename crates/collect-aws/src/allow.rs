//! The read-only allow-list: the only AWS operations rampart may send.
//!
//! Every SDK client the collector builds carries [`Guard`], an interceptor that runs before an
//! operation is serialized and refuses any operation not listed here. Nothing is sent for a
//! refused operation, so the collector is read-only by construction, whatever the code around it
//! asks for. The same list generates the minimal IAM policy (`docs/iam-policy.json`).

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::stats::Stats;

/// One allowed operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// The service as the SDK names it in its operation metadata (`EC2`, `CloudWatch Logs`).
    pub sdk_service: &'static str,
    /// The API operation (`DescribeVpcs`).
    pub operation: &'static str,
    /// The IAM action that authorizes it (`ec2:DescribeVpcs`; S3 names differ from operations).
    pub action: &'static str,
}

const fn op(sdk_service: &'static str, operation: &'static str, action: &'static str) -> Allowed {
    Allowed {
        sdk_service,
        operation,
        action,
    }
}

/// Every operation the collector may call.
pub const ALLOW_LIST: &[Allowed] = &[
    // Identity of the caller, and the org's member accounts.
    op("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
    op("STS", "AssumeRole", "sts:AssumeRole"),
    op(
        "Organizations",
        "DescribeOrganization",
        "organizations:DescribeOrganization",
    ),
    op(
        "Organizations",
        "ListAccounts",
        "organizations:ListAccounts",
    ),
    // The organization's authorization policies (SCPs, RCPs), the OU tree they are attached on,
    // and the account's effective tag policy.
    op("Organizations", "ListRoots", "organizations:ListRoots"),
    op(
        "Organizations",
        "ListOrganizationalUnitsForParent",
        "organizations:ListOrganizationalUnitsForParent",
    ),
    op(
        "Organizations",
        "ListAccountsForParent",
        "organizations:ListAccountsForParent",
    ),
    op(
        "Organizations",
        "ListPolicies",
        "organizations:ListPolicies",
    ),
    op(
        "Organizations",
        "ListTargetsForPolicy",
        "organizations:ListTargetsForPolicy",
    ),
    op(
        "Organizations",
        "DescribePolicy",
        "organizations:DescribePolicy",
    ),
    op(
        "Organizations",
        "DescribeEffectivePolicy",
        "organizations:DescribeEffectivePolicy",
    ),
    // IAM.
    op(
        "IAM",
        "GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
    ),
    op(
        "IAM",
        "GetAccountPasswordPolicy",
        "iam:GetAccountPasswordPolicy",
    ),
    op("IAM", "GetAccountSummary", "iam:GetAccountSummary"),
    op("IAM", "ListAccountAliases", "iam:ListAccountAliases"),
    op(
        "IAM",
        "GenerateCredentialReport",
        "iam:GenerateCredentialReport",
    ),
    op("IAM", "GetCredentialReport", "iam:GetCredentialReport"),
    op("IAM", "ListUsers", "iam:ListUsers"),
    op("IAM", "ListVirtualMFADevices", "iam:ListVirtualMFADevices"),
    op("IAM", "ListMFADevices", "iam:ListMFADevices"),
    op("IAM", "GetLoginProfile", "iam:GetLoginProfile"),
    op("IAM", "ListAccessKeys", "iam:ListAccessKeys"),
    op("IAM", "GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed"),
    op("IAM", "ListInstanceProfiles", "iam:ListInstanceProfiles"),
    op("IAM", "GetPolicy", "iam:GetPolicy"),
    op("IAM", "GetPolicyVersion", "iam:GetPolicyVersion"),
    // S3 (several IAM action names differ from the operation names).
    op("S3", "ListBuckets", "s3:ListAllMyBuckets"),
    op(
        "S3 Control",
        "GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
    ),
    // S3 access points, per region.
    op("S3 Control", "ListAccessPoints", "s3:ListAccessPoints"),
    op("S3 Control", "GetAccessPoint", "s3:GetAccessPoint"),
    op(
        "S3 Control",
        "GetAccessPointPolicy",
        "s3:GetAccessPointPolicy",
    ),
    op("S3", "GetBucketLocation", "s3:GetBucketLocation"),
    op("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    op("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
    op(
        "S3",
        "GetPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
    ),
    op("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    op("S3", "GetBucketAcl", "s3:GetBucketAcl"),
    op(
        "S3",
        "GetBucketLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ),
    op("S3", "GetBucketLogging", "s3:GetBucketLogging"),
    op(
        "S3",
        "GetObjectLockConfiguration",
        "s3:GetBucketObjectLockConfiguration",
    ),
    op("S3", "GetBucketTagging", "s3:GetBucketTagging"),
    // EC2 / VPC.
    op("EC2", "DescribeRegions", "ec2:DescribeRegions"),
    op("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
    op("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
    op("EC2", "DescribeRouteTables", "ec2:DescribeRouteTables"),
    op(
        "EC2",
        "DescribeInternetGateways",
        "ec2:DescribeInternetGateways",
    ),
    op(
        "EC2",
        "DescribeEgressOnlyInternetGateways",
        "ec2:DescribeEgressOnlyInternetGateways",
    ),
    op("EC2", "DescribeNatGateways", "ec2:DescribeNatGateways"),
    op("EC2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"),
    op("EC2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"),
    op(
        "EC2",
        "DescribeSecurityGroups",
        "ec2:DescribeSecurityGroups",
    ),
    op("EC2", "DescribeNetworkAcls", "ec2:DescribeNetworkAcls"),
    op("EC2", "DescribeInstances", "ec2:DescribeInstances"),
    op(
        "EC2",
        "DescribeInstanceAttribute",
        "ec2:DescribeInstanceAttribute",
    ),
    op(
        "EC2",
        "DescribeNetworkInterfaces",
        "ec2:DescribeNetworkInterfaces",
    ),
    op("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
    op(
        "EC2",
        "GetEbsEncryptionByDefault",
        "ec2:GetEbsEncryptionByDefault",
    ),
    op("EC2", "GetEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId"),
    op(
        "EC2",
        "DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplates",
    ),
    op(
        "EC2",
        "DescribeLaunchTemplateVersions",
        "ec2:DescribeLaunchTemplateVersions",
    ),
    // Databases.
    op("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
    op("RDS", "DescribeDBClusters", "rds:DescribeDBClusters"),
    op("DynamoDB", "ListTables", "dynamodb:ListTables"),
    op("DynamoDB", "DescribeTable", "dynamodb:DescribeTable"),
    op(
        "DynamoDB",
        "DescribeContinuousBackups",
        "dynamodb:DescribeContinuousBackups",
    ),
    op(
        "DynamoDB",
        "ListTagsOfResource",
        "dynamodb:ListTagsOfResource",
    ),
    op("Redshift", "DescribeClusters", "redshift:DescribeClusters"),
    // Keys and secrets.
    op("KMS", "ListKeys", "kms:ListKeys"),
    op("KMS", "DescribeKey", "kms:DescribeKey"),
    op("KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    op("KMS", "GetKeyPolicy", "kms:GetKeyPolicy"),
    op("KMS", "ListAliases", "kms:ListAliases"),
    op("KMS", "ListResourceTags", "kms:ListResourceTags"),
    op(
        "Secrets Manager",
        "ListSecrets",
        "secretsmanager:ListSecrets",
    ),
    op("SSM", "DescribeParameters", "ssm:DescribeParameters"),
    op("SSM", "GetParameters", "ssm:GetParameters"),
    // Logging and monitoring.
    op("CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"),
    op("CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"),
    op(
        "CloudTrail",
        "GetEventSelectors",
        "cloudtrail:GetEventSelectors",
    ),
    op("CloudTrail", "ListTags", "cloudtrail:ListTags"),
    op(
        "CloudWatch Logs",
        "DescribeLogGroups",
        "logs:DescribeLogGroups",
    ),
    op(
        "CloudWatch Logs",
        "DescribeMetricFilters",
        "logs:DescribeMetricFilters",
    ),
    op("CloudWatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
    op("SNS", "ListTopics", "sns:ListTopics"),
    op("SNS", "GetTopicAttributes", "sns:GetTopicAttributes"),
    op(
        "SNS",
        "ListSubscriptionsByTopic",
        "sns:ListSubscriptionsByTopic",
    ),
    op("SNS", "ListTagsForResource", "sns:ListTagsForResource"),
    // Compute.
    op("Lambda", "ListFunctions", "lambda:ListFunctions"),
    op("Lambda", "GetPolicy", "lambda:GetPolicy"),
    op("Lambda", "ListTags", "lambda:ListTags"),
    op("ECS", "ListTaskDefinitions", "ecs:ListTaskDefinitions"),
    op(
        "ECS",
        "DescribeTaskDefinition",
        "ecs:DescribeTaskDefinition",
    ),
    op(
        "Elastic Load Balancing v2",
        "DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    op(
        "Elastic Load Balancing v2",
        "DescribeListeners",
        "elasticloadbalancing:DescribeListeners",
    ),
    op(
        "Elastic Load Balancing v2",
        "DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ),
    op(
        "Elastic Load Balancing v2",
        "DescribeTags",
        "elasticloadbalancing:DescribeTags",
    ),
    // Classic load balancers: the same IAM actions, a different API.
    op(
        "Elastic Load Balancing",
        "DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    op(
        "Elastic Load Balancing",
        "DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ),
    op(
        "Elastic Load Balancing",
        "DescribeTags",
        "elasticloadbalancing:DescribeTags",
    ),
    // EC2 Auto Scaling: groups and launch configurations.
    op(
        "Auto Scaling",
        "DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingGroups",
    ),
    op(
        "Auto Scaling",
        "DescribeLaunchConfigurations",
        "autoscaling:DescribeLaunchConfigurations",
    ),
    // Data stores judged on encryption at rest.
    op(
        "EFS",
        "DescribeFileSystems",
        "elasticfilesystem:DescribeFileSystems",
    ),
    op(
        "ElastiCache",
        "DescribeReplicationGroups",
        "elasticache:DescribeReplicationGroups",
    ),
    op(
        "ElastiCache",
        "DescribeCacheClusters",
        "elasticache:DescribeCacheClusters",
    ),
    // OpenSearch Service's IAM actions keep the `es` prefix of its Elasticsearch days.
    op("OpenSearch", "ListDomainNames", "es:ListDomainNames"),
    op("OpenSearch", "DescribeDomains", "es:DescribeDomains"),
    // Backup.
    op("Backup", "ListBackupVaults", "backup:ListBackupVaults"),
    op(
        "Backup",
        "GetBackupVaultAccessPolicy",
        "backup:GetBackupVaultAccessPolicy",
    ),
    op("Backup", "ListBackupPlans", "backup:ListBackupPlans"),
    op("Backup", "GetBackupPlan", "backup:GetBackupPlan"),
    op(
        "Backup",
        "ListBackupSelections",
        "backup:ListBackupSelections",
    ),
    op("Backup", "GetBackupSelection", "backup:GetBackupSelection"),
    op("Backup", "ListTags", "backup:ListTags"),
];

/// The operations that are not a List/Get/Describe but are still needed: taking a role, and
/// asking IAM to build the credential report (it creates no resource and changes no setting).
pub const NON_READ_EXCEPTIONS: &[&str] = &["AssumeRole", "GenerateCredentialReport"];

/// Whether the SDK operation `operation` of service `sdk_service` is allowed.
#[must_use]
pub fn is_allowed(sdk_service: &str, operation: &str) -> bool {
    ALLOW_LIST
        .iter()
        .any(|a| a.sdk_service == sdk_service && a.operation == operation)
}

/// The IAM action of an allowed operation.
#[must_use]
pub fn action_of(sdk_service: &str, operation: &str) -> Option<&'static str> {
    ALLOW_LIST
        .iter()
        .find(|a| a.sdk_service == sdk_service && a.operation == operation)
        .map(|a| a.action)
}

/// The minimal IAM policy for the allow-list: every action, sorted and deduplicated.
#[must_use]
pub fn iam_policy() -> serde_json::Value {
    let mut actions: Vec<&str> = ALLOW_LIST.iter().map(|a| a.action).collect();
    actions.sort_unstable();
    actions.dedup();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "RampartReadOnlyAudit",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    })
}

/// The interceptor installed on every client: refuses operations off the allow-list before they
/// are serialized, and counts every attempt sent (retries included) per service.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    stats: Arc<Stats>,
}

impl Guard {
    pub(crate) fn new(stats: Arc<Stats>) -> Self {
        Guard { stats }
    }
}

impl Intercept for Guard {
    fn name(&self) -> &'static str {
        "rampart-read-only-guard"
    }

    // `read_before_execution` runs before the operation's configuration (and so its `Metadata`)
    // is in the bag for client-level interceptors; this hook runs after it, before anything is
    // serialized or sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err("rampart refuses an SDK call whose operation it cannot identify".into());
        };
        if is_allowed(meta.service(), meta.name()) {
            Ok(())
        } else {
            Err(format!(
                "rampart refuses to call {}:{}: it is not on the read-only allow-list",
                meta.service(),
                meta.name()
            )
            .into())
        }
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            self.stats.attempt(meta.service());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_a_read_or_a_listed_exception() {
        for a in ALLOW_LIST {
            let read = ["List", "Get", "Describe"]
                .iter()
                .any(|p| a.operation.starts_with(p));
            assert!(
                read || NON_READ_EXCEPTIONS.contains(&a.operation),
                "{}:{} is neither a read nor a listed exception",
                a.sdk_service,
                a.operation
            );
            let (prefix, name) = a
                .action
                .split_once(':')
                .expect("action has a service prefix");
            assert!(!prefix.is_empty() && !name.is_empty());
            assert!(
                ["List", "Get", "Describe"]
                    .iter()
                    .any(|p| name.starts_with(p))
                    || NON_READ_EXCEPTIONS.contains(&name),
                "{} is not a read action",
                a.action
            );
        }
    }

    #[test]
    fn no_duplicates() {
        for (i, a) in ALLOW_LIST.iter().enumerate() {
            assert!(
                !ALLOW_LIST[i + 1..]
                    .iter()
                    .any(|b| b.sdk_service == a.sdk_service && b.operation == a.operation),
                "{}:{} listed twice",
                a.sdk_service,
                a.operation
            );
        }
    }

    /// "Nothing more": every allowed operation is one the collector's code sends (by name, as
    /// every call through `Ctx` names it), except `AssumeRole`, which the SDK's credential
    /// provider sends for `--role-arn` and `--org`.
    #[test]
    fn every_entry_is_called() {
        let code = [
            include_str!("lib.rs"),
            include_str!("svc/autoscaling.rs"),
            include_str!("svc/compute.rs"),
            include_str!("svc/data.rs"),
            include_str!("svc/ec2.rs"),
            include_str!("svc/iam.rs"),
            include_str!("svc/logging.rs"),
            include_str!("svc/org.rs"),
            include_str!("svc/s3.rs"),
            include_str!("svc/security.rs"),
            include_str!("svc/stores.rs"),
        ]
        .concat();
        for a in ALLOW_LIST {
            if a.operation == "AssumeRole" {
                assert!(code.contains("AssumeRoleProvider"));
                continue;
            }
            assert!(
                code.contains(&format!("\"{}\"", a.operation)),
                "{}:{} is allowed but never called: remove it from the allow-list",
                a.sdk_service,
                a.operation
            );
        }
    }

    #[test]
    fn writes_are_refused() {
        assert!(is_allowed("EC2", "DescribeVpcs"));
        assert!(!is_allowed("EC2", "DeleteVpc"));
        assert!(!is_allowed("S3", "PutBucketPolicy"));
        assert!(!is_allowed("IAM", "CreateUser"));
        assert_eq!(action_of("S3", "ListBuckets"), Some("s3:ListAllMyBuckets"));
    }
}

#[cfg(test)]
mod guard_tests {
    use std::sync::Arc;

    use aws_config::{BehaviorVersion, Region};
    use aws_credential_types::Credentials;

    use super::Guard;
    use crate::stats::Stats;

    fn client(stats: &Arc<Stats>) -> aws_sdk_ec2::Client {
        // Port 9 on loopback: nothing listens; a request that got through would fail to connect.
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(Credentials::new("testing", "testing", None, None, "static"))
            .interceptor(Guard::new(Arc::clone(stats)))
            .build();
        aws_sdk_ec2::Client::from_conf(config)
    }

    #[tokio::test]
    async fn a_write_is_refused_before_it_is_sent() {
        let stats = Arc::new(Stats::default());
        let err = client(&stats)
            .delete_vpc()
            .vpc_id("vpc-1")
            .send()
            .await
            .expect_err("must be refused");
        let text = format!(
            "{}",
            aws_smithy_types::error::display::DisplayErrorContext(&err)
        );
        assert!(text.contains("not on the read-only allow-list"), "{text}");
        assert_eq!(stats.total_requests(), 0, "nothing may be sent");
    }

    #[tokio::test]
    async fn a_read_passes_the_guard_and_is_sent() {
        let stats = Arc::new(Stats::default());
        let err = client(&stats)
            .describe_vpcs()
            .send()
            .await
            .expect_err("nothing listens on port 9");
        let text = format!(
            "{}",
            aws_smithy_types::error::display::DisplayErrorContext(&err)
        );
        assert!(!text.contains("allow-list"), "{text}");
        assert!(stats.total_requests() >= 1, "the read was attempted");
    }
}
