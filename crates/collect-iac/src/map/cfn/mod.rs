//! CloudFormation resource types (and SAM's common ones) into the Inventory.
//!
//! One function per resource type, grouped by area as in `rampart_model` (`storage`, `network`,
//! `iam`, `compute`, `security`, `logging`), dispatched from [`TYPES`]. Resources that stand on
//! their own are mapped first ([`Phase::Own`]); resources that add to another one (a bucket
//! policy, an ingress rule, a NACL entry, a policy attached to roles) are mapped after every
//! template's own resources are known ([`Phase::Child`]), and find their parent through
//! [`Index`], within the same template only: a CloudFormation `Ref` never crosses stacks.

mod compute;
mod iam;
mod logging;
mod network;
mod security;
mod storage;

use std::collections::HashMap;

pub(super) use super::known_bool;
use super::{Builder, file};
use crate::raw::Raw;
use crate::value::Value;

pub(super) use super::u32_of as u;
pub(super) use super::{b, i, s};

/// The kinds of parent a child resource can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Bucket,
    SecurityGroup,
    Nacl,
    RouteTable,
    InternetGateway,
    Role,
    User,
    Group,
    Key,
    Secret,
    Topic,
    BackupPlan,
}

/// Where each declared parent sits in the Inventory's lists: by kind, template and the value a
/// `Ref` to it evaluates to.
#[derive(Debug, Default)]
pub(super) struct Index {
    at: HashMap<(Kind, String, String), Vec<usize>>,
}

impl Index {
    /// Records that `raw` (of `kind`) is at position `at` of its list.
    pub(super) fn remember(&mut self, kind: Kind, raw: &Raw, at: usize) {
        self.at
            .entry((kind, raw.scope.clone(), raw.id.clone()))
            .or_default()
            .push(at);
    }

    /// Remembers `raw` also under the expression of its property `key` when that is known only
    /// at deployment (see [`expr_key`]).
    pub(super) fn remember_expr(&mut self, kind: Kind, raw: &Raw, key: &str, at: usize) {
        if let Some(e) = expr_key(&raw.attrs, key) {
            self.at
                .entry((kind, raw.scope.clone(), e))
                .or_default()
                .push(at);
        }
    }

    /// The positions of the `kind` named `id` in the template of `child`.
    pub(super) fn find(&self, kind: Kind, child: &Raw, id: Option<&str>) -> Vec<usize> {
        id.and_then(|i| self.at.get(&(kind, child.scope.clone(), i.to_owned())))
            .cloned()
            .unwrap_or_default()
    }

    /// The positions of the `kind` named `id` in the template of `child`; when none is declared
    /// there, one standing for it, made by `outside` (and found again by the next child naming
    /// the same id).
    pub(super) fn find_or(
        &mut self,
        kind: Kind,
        child: &Raw,
        id: Option<String>,
        outside: impl FnOnce(Option<String>) -> usize,
    ) -> Vec<usize> {
        let found = self.find(kind, child, id.as_deref());
        if !found.is_empty() {
            return found;
        }
        let at = outside(id.clone());
        if let Some(i) = id {
            self.at
                .entry((kind, child.scope.clone(), i))
                .or_default()
                .push(at);
        }
        vec![at]
    }

    /// Whether a `kind` named `id` is declared in the template of `child`.
    pub(super) fn has(&self, kind: Kind, child: &Raw, id: &str) -> bool {
        self.at
            .contains_key(&(kind, child.scope.clone(), id.to_owned()))
    }
}

/// What a resource-type mapper works with.
pub(super) struct Cx<'a> {
    /// The Inventory being built.
    pub bld: &'a mut Builder,
    /// Parents declared so far.
    pub idx: Index,
    /// Each managed policy's identity (`FILE:LogicalId`, per branch), by template and the ARN
    /// its `Ref` gives.
    pub policies: HashMap<(String, String), Vec<String>>,
}

impl Cx<'_> {
    /// What principals of `raw`'s template attach when they name `arn`: the identity of the
    /// managed policy declared there under that ARN, or the ARN itself (an AWS managed policy,
    /// a policy of another stack).
    pub(super) fn attached(&self, raw: &Raw, arns: Vec<String>) -> Vec<String> {
        arns.into_iter()
            .flat_map(|a| {
                self.policies
                    .get(&(raw.scope.clone(), a.clone()))
                    .cloned()
                    .unwrap_or_else(|| vec![a])
            })
            .collect()
    }

    /// The positions of the `kind` that `raw` names by `id` in its template; when none is
    /// declared there, `raw` is recorded as configuring a resource outside this input (see
    /// [`crate::map::Builder::orphan`]) and nothing is returned.
    pub(super) fn parent(
        &mut self,
        kind: Kind,
        raw: &Raw,
        id: Option<&str>,
        data: &str,
        what: &str,
    ) -> Vec<usize> {
        let found = self.idx.find(kind, raw, id);
        if found.is_empty() {
            self.bld.orphan(raw, data, what, id);
        }
        found
    }

    /// The identities a managed policy `raw` is attached as.
    pub(super) fn policy_identity(&self, raw: &Raw) -> Vec<String> {
        self.attached(raw, vec![raw.id.clone()])
    }
}

/// The key under which a property known only at deployment is matched: its expression, as the
/// reader kept it (`@expr:KEY`). Two resources of one template naming each other with the same
/// expression name the same thing.
pub(super) fn expr_key(attrs: &Value, key: &str) -> Option<String> {
    attrs
        .get(&format!("@expr:{key}"))
        .as_str()
        .map(|e| format!("@expr:{e}"))
}

/// When a resource type is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// A resource of its own.
    Own,
    /// Adds to a resource declared elsewhere in the template (or judged alone when that one is
    /// not declared here).
    Child,
}

/// A resource-type mapper.
pub(super) type MapFn = fn(&mut Cx<'_>, &Raw);

/// Every CloudFormation resource type rampart reads, with its phase and mapper.
pub(super) static TYPES: &[(&str, Phase, MapFn)] = &[
    // storage
    ("AWS::S3::Bucket", Phase::Own, storage::bucket),
    ("AWS::S3::AccessPoint", Phase::Own, storage::access_point),
    (
        "AWS::S3::BucketPolicy",
        Phase::Child,
        storage::bucket_policy,
    ),
    ("AWS::EC2::Volume", Phase::Own, storage::volume),
    ("AWS::RDS::DBInstance", Phase::Own, storage::db_instance),
    ("AWS::RDS::DBCluster", Phase::Own, storage::db_cluster),
    ("AWS::DynamoDB::Table", Phase::Own, storage::dynamodb_table),
    (
        "AWS::Serverless::SimpleTable",
        Phase::Own,
        storage::dynamodb_table,
    ),
    (
        "AWS::Redshift::Cluster",
        Phase::Own,
        storage::redshift_cluster,
    ),
    (
        "AWS::Backup::BackupVault",
        Phase::Own,
        storage::backup_vault,
    ),
    ("AWS::Backup::BackupPlan", Phase::Own, storage::backup_plan),
    (
        "AWS::Backup::BackupSelection",
        Phase::Child,
        storage::backup_selection,
    ),
    // network
    (
        "AWS::EC2::SecurityGroup",
        Phase::Own,
        network::security_group,
    ),
    (
        "AWS::EC2::SecurityGroupIngress",
        Phase::Child,
        network::sg_rule_resource,
    ),
    (
        "AWS::EC2::SecurityGroupEgress",
        Phase::Child,
        network::sg_rule_resource,
    ),
    ("AWS::EC2::NetworkAcl", Phase::Own, network::network_acl),
    (
        "AWS::EC2::NetworkAclEntry",
        Phase::Child,
        network::nacl_entry,
    ),
    (
        "AWS::EC2::SubnetNetworkAclAssociation",
        Phase::Child,
        network::nacl_association,
    ),
    ("AWS::EC2::VPC", Phase::Own, network::vpc),
    ("AWS::EC2::Subnet", Phase::Own, network::subnet),
    ("AWS::EC2::RouteTable", Phase::Own, network::route_table),
    ("AWS::EC2::Route", Phase::Child, network::route),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        Phase::Child,
        network::route_table_association,
    ),
    (
        "AWS::EC2::InternetGateway",
        Phase::Own,
        network::internet_gateway,
    ),
    (
        "AWS::EC2::VPCGatewayAttachment",
        Phase::Child,
        network::gateway_attachment,
    ),
    ("AWS::EC2::NatGateway", Phase::Own, network::nat_gateway),
    ("AWS::EC2::FlowLog", Phase::Own, network::flow_log),
    ("AWS::EC2::VPCEndpoint", Phase::Own, network::vpc_endpoint),
    // iam
    ("AWS::IAM::Role", Phase::Own, iam::role),
    ("AWS::IAM::User", Phase::Own, iam::user),
    ("AWS::IAM::Group", Phase::Own, iam::group),
    ("AWS::IAM::ManagedPolicy", Phase::Own, iam::managed_policy),
    ("AWS::SSO::PermissionSet", Phase::Own, iam::permission_set),
    (
        "AWS::IAM::ManagedPolicy",
        Phase::Child,
        iam::policy_attachment,
    ),
    ("AWS::IAM::Policy", Phase::Child, iam::policy_attachment),
    (
        "AWS::IAM::InstanceProfile",
        Phase::Own,
        iam::instance_profile,
    ),
    ("AWS::IAM::AccessKey", Phase::Child, iam::access_key),
    (
        "AWS::IAM::UserToGroupAddition",
        Phase::Child,
        iam::user_to_group,
    ),
    // compute
    ("AWS::EC2::Instance", Phase::Own, compute::instance),
    ("AWS::Lambda::Function", Phase::Own, compute::function),
    ("AWS::Serverless::Function", Phase::Own, compute::function),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Phase::Own,
        compute::load_balancer,
    ),
    (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        Phase::Own,
        compute::load_balancer,
    ),
    (
        "AWS::ECS::TaskDefinition",
        Phase::Own,
        compute::task_definition,
    ),
    (
        "AWS::EC2::LaunchTemplate",
        Phase::Own,
        compute::launch_template,
    ),
    (
        "AWS::AutoScaling::LaunchConfiguration",
        Phase::Own,
        compute::launch_configuration,
    ),
    (
        "AWS::AutoScaling::AutoScalingGroup",
        Phase::Child,
        compute::autoscaling_group,
    ),
    (
        "AWS::DocDB::DBCluster",
        Phase::Own,
        storage::docdb_neptune_cluster,
    ),
    (
        "AWS::Neptune::DBCluster",
        Phase::Own,
        storage::docdb_neptune_cluster,
    ),
    ("AWS::EFS::FileSystem", Phase::Own, storage::at_rest_store),
    (
        "AWS::ElastiCache::ReplicationGroup",
        Phase::Own,
        storage::at_rest_store,
    ),
    (
        "AWS::OpenSearchService::Domain",
        Phase::Own,
        storage::at_rest_store,
    ),
    (
        "AWS::Elasticsearch::Domain",
        Phase::Own,
        storage::at_rest_store,
    ),
    // security
    ("AWS::KMS::Key", Phase::Own, security::kms_key),
    ("AWS::KMS::Alias", Phase::Child, security::kms_alias),
    ("AWS::SecretsManager::Secret", Phase::Own, security::secret),
    (
        "AWS::SecretsManager::RotationSchedule",
        Phase::Child,
        security::rotation_schedule,
    ),
    ("AWS::SSM::Parameter", Phase::Own, security::ssm_parameter),
    // logging
    ("AWS::CloudTrail::Trail", Phase::Own, logging::trail),
    ("AWS::Logs::LogGroup", Phase::Own, logging::log_group),
    (
        "AWS::Logs::MetricFilter",
        Phase::Own,
        logging::metric_filter,
    ),
    ("AWS::CloudWatch::Alarm", Phase::Own, logging::alarm),
    ("AWS::SNS::Topic", Phase::Own, logging::sns_topic),
    (
        "AWS::SNS::Subscription",
        Phase::Child,
        logging::sns_subscription,
    ),
    (
        "AWS::SNS::TopicPolicy",
        Phase::Child,
        logging::sns_topic_policy,
    ),
];

/// Whether rampart reads resources of type `kind`.
#[must_use]
pub fn is_mapped(kind: &str) -> bool {
    TYPES.iter().any(|(k, _, _)| *k == kind)
}

fn run_phase(cx: &mut Cx<'_>, raws: &[Raw], phase: Phase) {
    for raw in raws {
        for (_, _, f) in TYPES
            .iter()
            .filter(|(k, ph, _)| *ph == phase && *k == raw.kind)
        {
            f(cx, raw);
        }
    }
}

/// Maps every resource of `raws` into `bld`.
pub fn map(bld: &mut Builder, raws: &[Raw]) {
    let mut policies: HashMap<(String, String), Vec<String>> = HashMap::new();
    for raw in raws.iter().filter(|r| r.kind == "AWS::IAM::ManagedPolicy") {
        policies
            .entry((raw.scope.clone(), raw.id.clone()))
            .or_default()
            .push(raw.iac_arn());
    }
    let mut cx = Cx {
        bld,
        idx: Index::default(),
        policies,
    };
    run_phase(&mut cx, raws, Phase::Own);
    super::implicit_default_groups(cx.bld);
    run_phase(&mut cx, raws, Phase::Child);
    // CloudFormation cannot take over a VPC's default network ACL or main route table (it only
    // reads them, `Fn::GetAtt Vpc.DefaultNetworkAcl`): every declared VPC has them as AWS
    // creates them, serving the subnets the template does not associate elsewhere.
    super::implicit_network_defaults(cx.bld);
    public_ip_from_subnet(cx.bld, raws);
    rds_public_by_default(cx.bld, raws);
    count_attachments(cx.bld);
}

/// A DB instance without `PubliclyAccessible` is not private by default: AWS makes it public
/// when the VPC of its DB subnet group (or, with none named, the default VPC) has an internet
/// gateway attached, private otherwise (RDS API, CreateDBInstance `PubliclyAccessible`). Decided
/// here when the template declares the subnet group, its subnets and their VPCs (the gateway
/// attachments are then the template's too); otherwise what AWS will choose lies outside this
/// input, which is recorded as a gap on the instance rather than read as `false`.
fn rds_public_by_default(bld: &mut Builder, raws: &[Raw]) {
    for raw in raws
        .iter()
        .filter(|r| r.kind == "AWS::RDS::DBInstance" && r.attrs.get("PubliclyAccessible").is_null())
    {
        let group = s(&raw.attrs, "DBSubnetGroupName").and_then(|name| {
            raws.iter().find(|g| {
                g.kind == "AWS::RDS::DBSubnetGroup" && g.scope == raw.scope && g.id == name
            })
        });
        let region = bld.region();
        let vpcs: Option<Vec<String>> = group.and_then(|g| {
            let ids = g.attrs.get("SubnetIds");
            let subnets: Vec<String> = ids.strings();
            if subnets.is_empty() || subnets.len() != ids.items().len() {
                return None;
            }
            subnets
                .iter()
                .map(|id| {
                    let vpc = &region.subnets.iter().find(|x| &x.id == id)?.vpc_id;
                    region
                        .vpcs
                        .iter()
                        .any(|v| &v.id == vpc)
                        .then(|| vpc.clone())
                })
                .collect()
        });
        let identity = raw.iac_arn();
        match vpcs {
            Some(vpcs) => {
                let public = region
                    .internet_gateways
                    .iter()
                    .filter(|g| !g.egress_only)
                    .any(|g| g.vpc_ids.iter().any(|v| vpcs.contains(v)));
                if let Some(db) = region
                    .db_instances
                    .iter_mut()
                    .find(|d| d.meta.arn == identity)
                {
                    db.publicly_accessible = public;
                }
            }
            None => {
                let why = if group.is_some() || s(&raw.attrs, "DBSubnetGroupName").is_some() {
                    "the VPC of its DB subnet group is not declared in this template"
                } else {
                    "no DB subnet group is named, so the default VPC decides"
                };
                bld.gap(
                    rampart_model::data::RDS,
                    &identity,
                    &file(raw),
                    format!(
                        "`PubliclyAccessible` of `{}` is not set and {why}: AWS makes the \
                         instance public when that VPC has an internet gateway attached",
                        raw.address
                    ),
                );
            }
        }
    }
}

/// A customer managed policy's attachment count: the declared principals that attach it (by
/// `ManagedPolicyArns` or the policy's own `Roles`/`Users`/`Groups`), at least the principals
/// it names outside this template.
fn count_attachments(bld: &mut Builder) {
    let iam = &mut bld.account.iam;
    let mut counts: HashMap<String, u32> = HashMap::new();
    let attached = iam
        .roles
        .iter()
        .map(|r| &r.attached_policies)
        .chain(iam.users.iter().map(|u| &u.attached_policies))
        .chain(iam.groups.iter().map(|g| &g.attached_policies));
    for list in attached {
        for a in list {
            *counts.entry(a.clone()).or_default() += 1;
        }
    }
    for p in iam.policies.iter_mut().filter(|p| !p.aws_managed) {
        let n = counts.get(&p.meta.arn).copied().unwrap_or(0);
        p.attachment_count = p.attachment_count.max(n);
    }
}

/// An instance gets a public IPv4 address when its first network interface asks for one
/// (`AssociatePublicIpAddress`), or, when that is not set, when its subnet sets
/// `MapPublicIpOnLaunch` (EC2 User Guide, "Public IPv4 addresses"): recorded as an address
/// assigned on launch, so that reachability from the internet is judged.
fn public_ip_from_subnet(bld: &mut Builder, raws: &[Raw]) {
    let region = bld.region();
    let public_subnets = super::public_subnets(region);
    for raw in raws.iter().filter(|r| r.kind == "AWS::EC2::Instance") {
        let p = &raw.attrs;
        let first = p
            .get("NetworkInterfaces")
            .items()
            .into_iter()
            .find(|n| i(n, "DeviceIndex").unwrap_or(0) == 0);
        let asked = first.and_then(|n| b(n, "AssociatePublicIpAddress"));
        let subnet = s(p, "SubnetId").or_else(|| first.and_then(|n| s(n, "SubnetId")));
        let public =
            asked.unwrap_or_else(|| subnet.as_ref().is_some_and(|x| public_subnets.contains(x)));
        let identity = raw.iac_arn();
        if let Some(inst) = region.instances.iter_mut().find(|x| x.meta.arn == identity) {
            if inst.subnet_id.is_none() {
                inst.subnet_id = subnet;
            }
            if public {
                inst.public_ip = Some("(assigned on launch)".to_owned());
            }
        }
    }
}

/// Whether an EBS volume (`AWS::EC2::Volume`, a block device mapping's `Ebs`) is encrypted.
/// `Encrypted` not set is not "unencrypted": the account's EBS encryption by default (outside a
/// template) decides ("Amazon EBS encryption by default", EC2 User Guide). That is a gap on the
/// volume and the value under which no check fails; an unknown `Encrypted` likewise.
pub(super) fn ebs_encrypted(cx: &mut Cx<'_>, raw: &Raw, volume: &str, ebs: &Value) -> bool {
    match ebs.get("Encrypted") {
        Value::Null | Value::Unknown => {
            let why = if ebs.get("Encrypted").is_null() {
                "`Encrypted` is not set: the account's EBS encryption by default, outside this input, decides"
            } else {
                "`Encrypted` is not known before apply"
            };
            cx.bld
                .gap(rampart_model::data::EC2_VOLUMES, volume, &file(raw), why);
            true
        }
        v => v.as_bool().unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_listed_once_per_phase() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, ph, _) in TYPES {
            assert!(seen.insert((*k, *ph == Phase::Own)), "{k} listed twice");
            assert!(k.starts_with("AWS::"), "{k}");
        }
    }
}
