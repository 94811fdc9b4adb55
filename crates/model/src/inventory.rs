//! The Inventory: accounts, regions, and the resources in them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::compute::{
    AutoScalingGroup, EcsTaskDefinition, Instance, LambdaFunction, LoadBalancer, NetworkInterface,
};
use crate::gap::Gap;
use crate::iam::Iam;
use crate::logging::{Alarm, LogGroup, MetricFilter, SnsTopic, Trail};
use crate::network::{
    FlowLog, InternetGateway, NatGateway, NetworkAcl, RouteTable, SecurityGroup, Subnet, Vpc,
    VpcEndpoint,
};
use crate::security::{KmsKey, Secret, SsmParameter};
use crate::storage::{
    AccessPoint, AtRestStore, BackupPlan, BackupVault, Bucket, DbCluster, DbInstance, DynamoTable,
    PublicAccessBlock, RedshiftCluster, Volume,
};
use crate::time_util::Timestamp;

/// Resource tags, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// Where a resource (or a gap) came from: an API call for live data, a file position for IaC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The API call that returned it, as `service:Operation` (`s3:GetBucketEncryption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// The file that declares it (IaC, policy files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The IaC address (`aws_s3_bucket.logs`, `module.vpc.aws_vpc.this[0]`, a CloudFormation
    /// logical id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// For a declaration (IaC): the ARN the resource will have, when the declaration says it
    /// before apply (a bucket's name, an IAM path and name). The resource is identified by
    /// `FILE:ADDRESS` (two declarations never merge by name); this is how policies and other
    /// resources refer to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl Origin {
    /// An origin for data returned by an API call.
    #[must_use]
    pub fn api(call: &str) -> Self {
        Origin {
            api: Some(call.to_owned()),
            ..Origin::default()
        }
    }

    /// An origin for a declaration in a file.
    #[must_use]
    pub fn file(file: &str, line: u32, column: u32, address: &str) -> Self {
        Origin {
            file: Some(file.to_owned()),
            line: Some(line),
            column: Some(column),
            address: Some(address.to_owned()),
            ..Origin::default()
        }
    }
}

/// What every resource has: identity, tags and provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The ARN where one is known; for IaC resources whose ARN is not known before apply, the
    /// IaC address (`main.tf:aws_s3_bucket.logs`).
    pub arn: String,
    /// The resource's name or id as the console shows it.
    pub name: String,
    /// Tags as declared or read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
    /// Where this resource was read from.
    #[serde(default)]
    pub origin: Origin,
}

impl Meta {
    /// The ARN other resources and policies use for this resource: the cloud ARN when it is
    /// known (a live resource's identity, or the ARN an IaC declaration says it will have), else
    /// its identity.
    #[must_use]
    pub fn cloud_arn(&self) -> &str {
        self.origin.arn.as_deref().unwrap_or(&self.arn)
    }

    /// A `Meta` with no tags, read by `api`.
    #[must_use]
    pub fn new(arn: impl Into<String>, name: impl Into<String>, origin: Origin) -> Self {
        Meta {
            arn: arn.into(),
            name: name.into(),
            tags: Tags::new(),
            origin,
        }
    }
}

/// What kind of input was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum InputKind {
    /// A live account.
    #[serde(rename = "live")]
    Live,
    /// A saved snapshot.
    #[serde(rename = "snapshot")]
    Snapshot,
    /// A Terraform directory.
    #[serde(rename = "terraform")]
    Terraform,
    /// A Terraform plan in JSON.
    #[serde(rename = "terraform-plan")]
    TerraformPlan,
    /// A CloudFormation template.
    #[serde(rename = "cloudformation")]
    CloudFormation,
    /// A policy document on its own (`policy lint`).
    #[serde(rename = "policy")]
    Policy,
    /// A source tree (`secrets`).
    #[serde(rename = "tree")]
    Tree,
    /// A repository's git history (`secrets --history`).
    #[serde(rename = "git-history")]
    GitHistory,
}

impl InputKind {
    /// The name in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Live => "live",
            InputKind::Snapshot => "snapshot",
            InputKind::Terraform => "terraform",
            InputKind::TerraformPlan => "terraform-plan",
            InputKind::CloudFormation => "cloudformation",
            InputKind::Policy => "policy",
            InputKind::Tree => "tree",
            InputKind::GitHistory => "git-history",
        }
    }

    /// Infrastructure as code: what is declared, not what is deployed.
    #[must_use]
    pub fn is_iac(self) -> bool {
        matches!(
            self,
            InputKind::Terraform | InputKind::TerraformPlan | InputKind::CloudFormation
        )
    }
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for InputKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A description of one input that was read (for the report's `inputs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputInfo {
    /// What kind of input.
    pub kind: InputKind,
    /// A path, or a description such as `aws account 123456789012 (us-east-1, eu-west-1)`.
    pub source: String,
}

/// Everything rampart knows about an estate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// When the data was collected; checks measure ages (key age, last rotation) from here so a
    /// re-audited snapshot gives the same findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<Timestamp>,
    /// What was read to build this Inventory.
    #[serde(default)]
    pub inputs: Vec<InputInfo>,
    /// The accounts.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// What could not be read, and why.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// Waivers declared in the inputs themselves (IaC `rampart:ignore` comments, CloudFormation
    /// `Metadata.rampart.ignore`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<InlineWaiver>,
}

/// A waiver written next to a resource in IaC: a finding of `check` on `resource` is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlineWaiver {
    /// The check code (`S3-003`).
    pub check: String,
    /// The resource it applies to (the `Meta::arn` of the resource it sits on).
    pub resource: String,
    /// Why the finding is accepted; a waiver without a reason is reported and not applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where the waiver is written.
    #[serde(default)]
    pub origin: Origin,
}

impl Inventory {
    /// Appends another Inventory (another input of the same scan): accounts with the same id are
    /// merged region by region.
    pub fn merge(&mut self, other: Inventory) {
        if self.collected_at.is_none() {
            self.collected_at = other.collected_at;
        }
        self.inputs.extend(other.inputs);
        self.gaps.extend(other.gaps);
        self.waivers.extend(other.waivers);
        for account in other.accounts {
            match self.accounts.iter_mut().find(|a| a.id == account.id) {
                Some(existing) => existing.merge(account),
                None => self.accounts.push(account),
            }
        }
    }

    /// The number of resources of every kind, over all accounts and regions.
    #[must_use]
    pub fn resource_count(&self) -> usize {
        self.accounts.iter().map(Account::resource_count).sum()
    }
}

/// One AWS account (for IaC, a pseudo-account named after the input).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id, or `iac` style placeholder for IaC inputs.
    pub id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    #[serde(default = "default_partition")]
    pub partition: String,
    /// Account aliases (IAM `ListAccountAliases`); empty means none.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Identity: root, password policy, users, groups, roles, policies.
    #[serde(default)]
    pub iam: Iam,
    /// The account-level S3 Block Public Access setting (`None`: not configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_public_access_block: Option<PublicAccessBlock>,
    /// S3 buckets (global namespace; each bucket records its region).
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// S3 access points (each records its region and bucket).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s3_access_points: Vec<AccessPoint>,
    /// Values declared as defaults in IaC (Terraform variable defaults, CloudFormation parameter
    /// defaults) that may hold secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declared_defaults: Vec<DeclaredDefault>,
    /// The regions that were read.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// The account's effective tag policy (AWS Organizations `DescribeEffectivePolicy` with
    /// `TAG_POLICY`), the document as AWS returns it: `{"tags": {"costcenter": {"tag_key":
    /// {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}}}}`. `None` when the
    /// account has none, or when it could not be read — then a gap on
    /// `organizations.tag_policy` says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_policy: Option<crate::PolicyDocument>,
    /// The Organizations SCPs and RCPs that reach this account, level by level from the root.
    /// `None` when they were not read (IaC, or a gap on `organizations.policies` says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_policies: Option<crate::org::OrgPolicies>,
}

fn default_partition() -> String {
    "aws".to_owned()
}

impl Account {
    /// An empty account with this id.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Account {
            id: id.into(),
            partition: default_partition(),
            ..Account::default()
        }
    }

    /// The region named `name`, created empty if it is not there yet.
    pub fn region_mut(&mut self, name: &str) -> &mut Region {
        let index = match self.regions.iter().position(|r| r.name == name) {
            Some(i) => i,
            None => {
                self.regions.push(Region::new(name));
                self.regions.len() - 1
            }
        };
        &mut self.regions[index]
    }

    fn merge(&mut self, other: Account) {
        self.aliases.extend(other.aliases);
        self.iam.merge(other.iam);
        if self.s3_public_access_block.is_none() {
            self.s3_public_access_block = other.s3_public_access_block;
        }
        if self.tag_policy.is_none() {
            self.tag_policy = other.tag_policy;
        }
        if self.org_policies.is_none() {
            self.org_policies = other.org_policies;
        }
        self.buckets.extend(other.buckets);
        self.s3_access_points.extend(other.s3_access_points);
        self.declared_defaults.extend(other.declared_defaults);
        for region in other.regions {
            let name = region.name.clone();
            self.region_mut(&name).merge(region);
        }
    }

    /// The number of resources in this account.
    #[must_use]
    pub fn resource_count(&self) -> usize {
        self.iam.resource_count()
            + self.buckets.len()
            + self.s3_access_points.len()
            + self
                .regions
                .iter()
                .map(Region::resource_count)
                .sum::<usize>()
    }
}

/// A value declared as a default in IaC (Terraform variable default, CloudFormation parameter
/// default), kept so the secret scanner can look at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredDefault {
    /// `terraform-variable` or `cloudformation-parameter`.
    pub kind: String,
    /// The variable or parameter name.
    pub name: String,
    /// The default value as text.
    pub value: String,
    /// Terraform `sensitive = true` or CloudFormation `NoEcho: true`.
    #[serde(default)]
    pub marked_sensitive: bool,
    /// Where it is declared.
    pub origin: Origin,
}

macro_rules! region_lists {
    ($( $(#[$doc:meta])* $field:ident : $ty:ty ),* $(,)?) => {
        /// The regional resources of one account.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Region {
            /// The region name (`us-east-1`); `global` for IaC inputs that name none.
            pub name: String,
            /// EBS encryption by default (`None`: not read, see gaps).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub ebs_encryption_by_default: Option<bool>,
            /// The default KMS key for EBS encryption.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub ebs_default_kms_key: Option<String>,
            $( $(#[$doc])* #[serde(default, skip_serializing_if = "Vec::is_empty")] pub $field: Vec<$ty>, )*
        }

        impl Region {
            /// An empty region.
            #[must_use]
            pub fn new(name: impl Into<String>) -> Self {
                Region { name: name.into(), ..Region::default() }
            }

            fn merge(&mut self, other: Region) {
                if self.ebs_encryption_by_default.is_none() {
                    self.ebs_encryption_by_default = other.ebs_encryption_by_default;
                }
                if self.ebs_default_kms_key.is_none() {
                    self.ebs_default_kms_key = other.ebs_default_kms_key;
                }
                $( self.$field.extend(other.$field); )*
            }

            /// The number of resources in this region.
            #[must_use]
            pub fn resource_count(&self) -> usize {
                0 $( + self.$field.len() )*
            }
        }
    };
}

region_lists! {
    /// VPCs.
    vpcs: Vpc,
    /// Subnets.
    subnets: Subnet,
    /// Route tables with their routes and associations.
    route_tables: RouteTable,
    /// Internet gateways (and egress-only internet gateways).
    internet_gateways: InternetGateway,
    /// NAT gateways.
    nat_gateways: NatGateway,
    /// VPC endpoints.
    vpc_endpoints: VpcEndpoint,
    /// VPC flow logs.
    flow_logs: FlowLog,
    /// Security groups with their rules.
    security_groups: SecurityGroup,
    /// Network ACLs with their entries.
    network_acls: NetworkAcl,
    /// EC2 instances.
    instances: Instance,
    /// Elastic network interfaces.
    network_interfaces: NetworkInterface,
    /// EC2 Auto Scaling groups.
    autoscaling_groups: AutoScalingGroup,
    /// EBS volumes.
    volumes: Volume,
    /// RDS DB instances.
    db_instances: DbInstance,
    /// RDS / Aurora clusters.
    db_clusters: DbCluster,
    /// DynamoDB tables.
    dynamodb_tables: DynamoTable,
    /// EFS file systems, ElastiCache groups and OpenSearch domains, judged on encryption at
    /// rest.
    at_rest_stores: AtRestStore,
    /// Redshift clusters.
    redshift_clusters: RedshiftCluster,
    /// KMS keys.
    kms_keys: KmsKey,
    /// Secrets Manager secrets (metadata only, never values).
    secrets: Secret,
    /// SSM parameters.
    ssm_parameters: SsmParameter,
    /// CloudTrail trails (a multi-region trail is listed in its home region).
    trails: Trail,
    /// CloudWatch Logs log groups.
    log_groups: LogGroup,
    /// CloudWatch Logs metric filters.
    metric_filters: MetricFilter,
    /// CloudWatch alarms.
    alarms: Alarm,
    /// SNS topics with their subscriptions.
    sns_topics: SnsTopic,
    /// Lambda functions.
    lambda_functions: LambdaFunction,
    /// ECS task definitions (active revisions).
    ecs_task_definitions: EcsTaskDefinition,
    /// Elastic Load Balancing load balancers (v2 and classic).
    load_balancers: LoadBalancer,
    /// AWS Backup vaults.
    backup_vaults: BackupVault,
    /// AWS Backup plans with their selections.
    backup_plans: BackupPlan,
}
