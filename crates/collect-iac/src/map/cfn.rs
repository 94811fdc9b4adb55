//! CloudFormation resource types (and SAM's common ones) into the Inventory.

use std::collections::HashMap;

use rampart_model::compute::{Instance, LambdaFunction, LoadBalancer, VpcConfig};
use rampart_model::data;
use rampart_model::iam::{AccessKey, Group, InstanceProfile, ManagedPolicy, Role, User};
use rampart_model::logging::{
    Alarm, EventSelector, LogGroup, MetricFilter, SnsTopic, Subscription, Trail,
};
use rampart_model::network::{
    FlowLog, InternetGateway, NaclEntry, NatGateway, NetworkAcl, Route, RouteTable,
    RouteTargetKind, RuleAction, SecurityGroup, SgRule, Subnet, Vpc, VpcEndpoint,
};
use rampart_model::security::{KeyManager, KmsKey, Secret, SsmParameter};
use rampart_model::storage::{
    BackupPlan, BackupRule, BackupSelection, BackupVault, Bucket, BucketEncryption, BucketLogging,
    DbCluster, DbInstance, DynamoTable, Grant, LifecycleRule, ObjectLock, PublicAccessBlock,
    RedshiftCluster, TableKeyKind, VersioningStatus, Volume,
};

use super::{Builder, file, inline, nested_origin, policy, policy_or_gap, sg_rules};
use crate::raw::Raw;
use crate::value::Value;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).as_string()
}
fn b(v: &Value, k: &str) -> Option<bool> {
    v.get(k).as_bool()
}
fn i(v: &Value, k: &str) -> Option<i64> {
    v.get(k).as_i64()
}
fn u(v: &Value, k: &str) -> Option<u32> {
    i(v, k).and_then(|x| u32::try_from(x).ok())
}
/// Maps every resource of `raws` into `bld`.
#[allow(clippy::too_many_lines)]
pub fn map(bld: &mut Builder, raws: &[Raw]) {
    let mut idx: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut remember = |kind: &str, id: &str, at: usize| {
        idx.entry((kind.to_owned(), id.to_owned()))
            .or_default()
            .push(at)
    };

    for raw in raws {
        let p = &raw.attrs;
        let tags = p.get("Tags");
        match raw.kind.as_str() {
            "AWS::S3::Bucket" => {
                let name = s(p, "BucketName");
                let arn = name
                    .as_ref()
                    .filter(|_| raw.branch.is_empty())
                    .map(|n| format!("arn:aws:s3:::{n}"));
                let meta = bld.meta(raw, arn, name.or_else(|| Some(raw.address.clone())), tags);
                let marn = meta.arn.clone();
                let fl = file(raw);
                let mut bucket = Bucket {
                    meta,
                    region: bld.region.clone(),
                    encryption: None,
                    versioning: VersioningStatus::Disabled,
                    mfa_delete: false,
                    public_access_block: None,
                    policy: None,
                    acl: Vec::new(),
                    lifecycle_rules: Vec::new(),
                    logging: None,
                    object_lock: None,
                };
                match p.path(&["VersioningConfiguration", "Status"]) {
                    Value::Unknown => {
                        bld.gap(
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
                for rule in p
                    .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
                    .items()
                {
                    let d = rule.get("ServerSideEncryptionByDefault");
                    let algorithm = match d.get("SSEAlgorithm") {
                        Value::Unknown => {
                            bld.gap(
                                data::S3_BUCKET_ENCRYPTION,
                                &marn,
                                &fl,
                                "the encryption algorithm is not known before apply",
                            );
                            "aws:kms".to_owned()
                        }
                        v => match v.as_string() {
                            Some(a) => a,
                            None => continue,
                        },
                    };
                    bucket.encryption = Some(BucketEncryption {
                        algorithm,
                        kms_key_id: s(d, "KMSMasterKeyID"),
                        bucket_key_enabled: b(rule, "BucketKeyEnabled").unwrap_or(false),
                    });
                }
                let pabv = p.get("PublicAccessBlockConfiguration");
                if !pabv.is_null() {
                    bucket.public_access_block = Some(pab(
                        bld,
                        raw,
                        &marn,
                        pabv,
                        data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
                    ));
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
                    bld.gap(
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
                remember("bucket", &raw.id, bld.account.buckets.len());
                bld.account.buckets.push(bucket);
            }
            "AWS::EC2::SecurityGroup" => {
                let meta = bld.meta(raw, None, s(p, "GroupName"), tags);
                let marn = meta.arn.clone();
                let mut sg = SecurityGroup {
                    id: raw.id.clone(),
                    group_name: s(p, "GroupName").unwrap_or_else(|| raw.address.clone()),
                    description: s(p, "GroupDescription").unwrap_or_default(),
                    vpc_id: s(p, "VpcId"),
                    ingress: Vec::new(),
                    egress: Vec::new(),
                    meta,
                };
                for (key, egress) in [
                    ("SecurityGroupIngress", false),
                    ("SecurityGroupEgress", true),
                ] {
                    let v = p.get(key);
                    if v.is_unknown() {
                        bld.gap(
                            data::EC2_SECURITY_GROUPS,
                            &marn,
                            &file(raw),
                            format!("`{key}` is not known before apply"),
                        );
                    }
                    for r in v.items() {
                        let rules = cfn_sg_rule(bld, raw, &marn, r, egress, &nested_origin(raw, r));
                        if egress {
                            sg.egress.extend(rules)
                        } else {
                            sg.ingress.extend(rules)
                        }
                    }
                }
                // Without declared egress rules, AWS adds "all traffic to anywhere".
                if p.get("SecurityGroupEgress").is_null() {
                    sg.egress.extend(sg_rules(
                        "-1",
                        None,
                        None,
                        &["0.0.0.0/0".to_owned()],
                        &[],
                        &[],
                        &[],
                        None,
                        &raw.origin,
                    ));
                }
                remember("sg", &raw.id, bld.region().security_groups.len());
                bld.region().security_groups.push(sg);
            }
            "AWS::EC2::NetworkAcl" => {
                let meta = bld.meta(raw, None, None, tags);
                remember("nacl", &raw.id, bld.region().network_acls.len());
                bld.region().network_acls.push(NetworkAcl {
                    id: raw.id.clone(),
                    vpc_id: s(p, "VpcId").unwrap_or_default(),
                    is_default: false,
                    subnet_ids: Vec::new(),
                    entries: Vec::new(),
                    meta,
                });
            }
            "AWS::EC2::VPC" => {
                let meta = bld.meta(raw, None, None, tags);
                bld.region().vpcs.push(Vpc {
                    id: raw.id.clone(),
                    cidr_blocks: s(p, "CidrBlock").into_iter().collect(),
                    ipv6_cidr_blocks: Vec::new(),
                    is_default: false,
                    meta,
                });
            }
            "AWS::EC2::Subnet" => {
                let meta = bld.meta(raw, None, None, tags);
                bld.region().subnets.push(Subnet {
                    id: raw.id.clone(),
                    vpc_id: s(p, "VpcId").unwrap_or_default(),
                    cidr: s(p, "CidrBlock"),
                    ipv6_cidr: s(p, "Ipv6CidrBlock"),
                    availability_zone: s(p, "AvailabilityZone"),
                    map_public_ip_on_launch: b(p, "MapPublicIpOnLaunch").unwrap_or(false),
                    meta,
                });
            }
            "AWS::EC2::RouteTable" => {
                let meta = bld.meta(raw, None, None, tags);
                remember("rtb", &raw.id, bld.region().route_tables.len());
                bld.region().route_tables.push(RouteTable {
                    id: raw.id.clone(),
                    vpc_id: s(p, "VpcId").unwrap_or_default(),
                    main: false,
                    subnet_ids: Vec::new(),
                    routes: Vec::new(),
                    meta,
                });
            }
            "AWS::EC2::InternetGateway" => {
                let meta = bld.meta(raw, None, None, tags);
                remember("igw", &raw.id, bld.region().internet_gateways.len());
                bld.region().internet_gateways.push(InternetGateway {
                    id: raw.id.clone(),
                    vpc_ids: Vec::new(),
                    egress_only: false,
                    meta,
                });
            }
            "AWS::EC2::NatGateway" => {
                let meta = bld.meta(raw, None, None, tags);
                bld.region().nat_gateways.push(NatGateway {
                    id: raw.id.clone(),
                    vpc_id: String::new(),
                    subnet_id: s(p, "SubnetId").unwrap_or_default(),
                    public: s(p, "ConnectivityType").is_none_or(|c| c == "public"),
                    meta,
                });
            }
            "AWS::EC2::FlowLog" => {
                let meta = bld.meta(raw, None, None, tags);
                let marn = meta.arn.clone();
                let traffic = match p.get("TrafficType") {
                    Value::Unknown => {
                        bld.gap(
                            data::EC2_FLOW_LOGS,
                            &marn,
                            &file(raw),
                            "the traffic type is not known before apply",
                        );
                        "ALL".to_owned()
                    }
                    v => v.as_string().unwrap_or_else(|| "ALL".to_owned()),
                };
                bld.region().flow_logs.push(FlowLog {
                    id: raw.id.clone(),
                    resource_id: s(p, "ResourceId").unwrap_or_default(),
                    traffic_type: traffic,
                    destination_type: s(p, "LogDestinationType")
                        .or(Some("cloud-watch-logs".to_owned())),
                    active: true,
                    meta,
                });
            }
            "AWS::EC2::VPCEndpoint" => {
                let meta = bld.meta(raw, None, None, tags);
                bld.region().vpc_endpoints.push(VpcEndpoint {
                    id: raw.id.clone(),
                    vpc_id: s(p, "VpcId").unwrap_or_default(),
                    service_name: s(p, "ServiceName").unwrap_or_default(),
                    endpoint_type: s(p, "VpcEndpointType").unwrap_or_else(|| "Gateway".to_owned()),
                    policy: policy::parse(p.get("PolicyDocument")).ok().flatten(),
                    route_table_ids: p.get("RouteTableIds").strings(),
                    subnet_ids: p.get("SubnetIds").strings(),
                    meta,
                });
            }
            "AWS::EC2::Instance" => {
                let meta = bld.meta(raw, None, None, tags);
                let marn = meta.arn.clone();
                let user_data = match p.get("UserData") {
                    Value::Unknown => {
                        bld.gap(
                            data::EC2_USER_DATA,
                            &marn,
                            &file(raw),
                            "the user data is not known before apply",
                        );
                        None
                    }
                    v => v.as_string(),
                };
                let mut sgs = p.get("SecurityGroupIds").strings();
                sgs.extend(p.get("SecurityGroups").strings());
                for ni in p.get("NetworkInterfaces").items() {
                    sgs.extend(ni.get("GroupSet").strings());
                }
                for bd in p.get("BlockDeviceMappings").items() {
                    let ebs = bd.get("Ebs");
                    if ebs.is_null() {
                        continue;
                    }
                    let mut vm = bld.meta(
                        raw,
                        None,
                        Some(format!(
                            "{} {}",
                            raw.address,
                            s(bd, "DeviceName").unwrap_or_default()
                        )),
                        tags,
                    );
                    vm.arn = format!(
                        "{}#{}",
                        raw.iac_arn(),
                        s(bd, "DeviceName").unwrap_or_default()
                    );
                    vm.origin = nested_origin(raw, bd);
                    bld.region().volumes.push(Volume {
                        id: vm.arn.clone(),
                        encrypted: b(ebs, "Encrypted").unwrap_or(false),
                        kms_key_id: s(ebs, "KmsKeyId"),
                        size_gib: u(ebs, "VolumeSize").unwrap_or(0),
                        attached_to: vec![raw.id.clone()],
                        meta: vm,
                    });
                }
                let inst = Instance {
                    id: raw.id.clone(),
                    state: "running".to_owned(),
                    vpc_id: None,
                    subnet_id: s(p, "SubnetId"),
                    public_ip: None,
                    instance_profile: s(p, "IamInstanceProfile"),
                    security_groups: sgs,
                    network_interfaces: Vec::new(),
                    user_data,
                    imdsv2_required: Some(
                        s(p.get("MetadataOptions"), "HttpTokens").as_deref() == Some("required"),
                    ),
                    meta,
                };
                bld.region().instances.push(inst);
            }
            "AWS::EC2::Volume" => {
                let meta = bld.meta(raw, None, None, tags);
                bld.region().volumes.push(Volume {
                    id: raw.id.clone(),
                    encrypted: b(p, "Encrypted").unwrap_or(false),
                    kms_key_id: s(p, "KmsKeyId"),
                    size_gib: u(p, "Size").unwrap_or(0),
                    attached_to: Vec::new(),
                    meta,
                });
            }
            "AWS::IAM::Role" => {
                let meta = bld.meta(raw, None, s(p, "RoleName"), tags);
                let marn = meta.arn.clone();
                let trust = policy_or_gap(
                    bld,
                    raw,
                    &marn,
                    p.get("AssumeRolePolicyDocument"),
                    data::IAM_ROLES,
                )
                .unwrap_or(serde_json::Value::Null);
                let mut role = Role {
                    meta,
                    assume_role_policy: trust,
                    attached_policies: p.get("ManagedPolicyArns").strings(),
                    inline_policies: Vec::new(),
                    permissions_boundary: s(p, "PermissionsBoundary"),
                    last_used: None,
                    service_linked: false,
                };
                for pol in p.get("Policies").items() {
                    if let Some(doc) =
                        policy_or_gap(bld, raw, &marn, pol.get("PolicyDocument"), data::IAM_ROLES)
                    {
                        role.inline_policies.push(inline(
                            &s(pol, "PolicyName").unwrap_or_default(),
                            doc,
                            &nested_origin(raw, pol),
                        ));
                    }
                }
                remember("role", &raw.id, bld.account.iam.roles.len());
                bld.account.iam.roles.push(role);
            }
            "AWS::IAM::User" => {
                let meta = bld.meta(raw, None, s(p, "UserName"), tags);
                let marn = meta.arn.clone();
                let mut user = User {
                    meta,
                    created: None,
                    console_password: !p.get("LoginProfile").is_null(),
                    password_last_used: None,
                    mfa_devices: Vec::new(),
                    access_keys: Vec::new(),
                    groups: p.get("Groups").strings(),
                    attached_policies: p.get("ManagedPolicyArns").strings(),
                    inline_policies: Vec::new(),
                    permissions_boundary: s(p, "PermissionsBoundary"),
                };
                for pol in p.get("Policies").items() {
                    if let Some(doc) =
                        policy_or_gap(bld, raw, &marn, pol.get("PolicyDocument"), data::IAM_USERS)
                    {
                        user.inline_policies.push(inline(
                            &s(pol, "PolicyName").unwrap_or_default(),
                            doc,
                            &nested_origin(raw, pol),
                        ));
                    }
                }
                remember("user", &raw.id, bld.account.iam.users.len());
                bld.account.iam.users.push(user);
            }
            "AWS::IAM::Group" => {
                let meta = bld.meta(raw, None, s(p, "GroupName"), &Value::Null);
                let marn = meta.arn.clone();
                let mut g = Group {
                    meta,
                    attached_policies: p.get("ManagedPolicyArns").strings(),
                    inline_policies: Vec::new(),
                };
                for pol in p.get("Policies").items() {
                    if let Some(doc) =
                        policy_or_gap(bld, raw, &marn, pol.get("PolicyDocument"), data::IAM_GROUPS)
                    {
                        g.inline_policies.push(inline(
                            &s(pol, "PolicyName").unwrap_or_default(),
                            doc,
                            &nested_origin(raw, pol),
                        ));
                    }
                }
                remember("group", &raw.id, bld.account.iam.groups.len());
                bld.account.iam.groups.push(g);
            }
            "AWS::IAM::ManagedPolicy" => {
                let arn = format!(
                    "arn:aws:iam::{}:policy/{}",
                    crate::ACCOUNT_ID,
                    s(p, "ManagedPolicyName").unwrap_or_else(|| raw.id.clone())
                );
                let meta = bld.meta(
                    raw,
                    Some(arn.clone()),
                    s(p, "ManagedPolicyName"),
                    &Value::Null,
                );
                if let Some(doc) =
                    policy_or_gap(bld, raw, &arn, p.get("PolicyDocument"), data::IAM_POLICIES)
                {
                    bld.account.iam.policies.push(ManagedPolicy {
                        meta,
                        aws_managed: false,
                        default_version: Some("v1".to_owned()),
                        document: doc,
                        attachment_count: 0,
                    });
                }
            }
            "AWS::IAM::InstanceProfile" => {
                let meta = bld.meta(raw, None, s(p, "InstanceProfileName"), &Value::Null);
                bld.account.iam.instance_profiles.push(InstanceProfile {
                    meta,
                    roles: p.get("Roles").strings(),
                });
            }
            "AWS::RDS::DBInstance" => {
                let meta = bld.meta(raw, None, s(p, "DBInstanceIdentifier"), tags);
                let marn = meta.arn.clone();
                let engine = s(p, "Engine").unwrap_or_default();
                let enc = known_bool(bld, raw, &marn, p, "StorageEncrypted", data::RDS, true)
                    .unwrap_or(false);
                let public = known_bool(bld, raw, &marn, p, "PubliclyAccessible", data::RDS, false)
                    .unwrap_or(false);
                bld.region().db_instances.push(DbInstance {
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
            "AWS::RDS::DBCluster" => {
                let meta = bld.meta(raw, None, s(p, "DBClusterIdentifier"), tags);
                let marn = meta.arn.clone();
                let enc = known_bool(bld, raw, &marn, p, "StorageEncrypted", data::RDS, true)
                    .unwrap_or(false);
                bld.region().db_clusters.push(DbCluster {
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
            "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => {
                let meta = bld.meta(raw, None, s(p, "TableName"), tags);
                let sse = p.get("SSESpecification");
                let key = s(sse, "KMSMasterKeyId");
                let key_kind = match (b(sse, "SSEEnabled"), &key) {
                    (Some(true), Some(k)) if !k.contains("alias/aws/") => {
                        TableKeyKind::CustomerManaged
                    }
                    (Some(true), _) => TableKeyKind::AwsManaged,
                    _ => TableKeyKind::AwsOwned,
                };
                bld.region().dynamodb_tables.push(DynamoTable {
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
            "AWS::Redshift::Cluster" => {
                let meta = bld.meta(raw, None, s(p, "ClusterIdentifier"), tags);
                let marn = meta.arn.clone();
                let enc = known_bool(bld, raw, &marn, p, "Encrypted", data::REDSHIFT, true)
                    .unwrap_or(false);
                let public = known_bool(
                    bld,
                    raw,
                    &marn,
                    p,
                    "PubliclyAccessible",
                    data::REDSHIFT,
                    false,
                )
                .unwrap_or(true);
                bld.region().redshift_clusters.push(RedshiftCluster {
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
            "AWS::KMS::Key" => {
                let meta = bld.meta(raw, None, None, tags);
                let marn = meta.arn.clone();
                let rotation = match p.get("EnableKeyRotation") {
                    Value::Unknown => {
                        bld.gap(
                            data::KMS_ROTATION,
                            &marn,
                            &file(raw),
                            "whether rotation is on is not known before apply",
                        );
                        Some(true)
                    }
                    v => Some(v.as_bool().unwrap_or(false)),
                };
                let pol = policy_or_gap(bld, raw, &marn, p.get("KeyPolicy"), data::KMS_POLICIES);
                remember("key", &raw.id, bld.region().kms_keys.len());
                bld.region().kms_keys.push(KmsKey {
                    id: raw.id.clone(),
                    manager: KeyManager::Customer,
                    state: if b(p, "Enabled") == Some(false) {
                        "Disabled".to_owned()
                    } else {
                        "Enabled".to_owned()
                    },
                    spec: s(p, "KeySpec").unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
                    rotation_enabled: rotation,
                    policy: pol,
                    aliases: Vec::new(),
                    meta,
                });
            }
            "AWS::SecretsManager::Secret" => {
                let meta = bld.meta(raw, None, s(p, "Name"), tags);
                remember("secret", &raw.id, bld.region().secrets.len());
                bld.region().secrets.push(Secret {
                    meta,
                    kms_key_id: s(p, "KmsKeyId"),
                    rotation_enabled: false,
                    rotation_days: None,
                    last_rotated: None,
                    last_changed: None,
                    created: None,
                });
            }
            "AWS::SSM::Parameter" => {
                let meta = bld.meta(raw, None, s(p, "Name"), tags);
                let kind = s(p, "Type").unwrap_or_else(|| "String".to_owned());
                bld.region().ssm_parameters.push(SsmParameter {
                    meta,
                    value: if kind == "SecureString" {
                        None
                    } else {
                        s(p, "Value")
                    },
                    kind,
                    kms_key_id: None,
                    last_modified: None,
                });
            }
            "AWS::CloudTrail::Trail" => {
                let meta = bld.meta(raw, None, s(p, "TrailName"), tags);
                let marn = meta.arn.clone();
                bld.unknowns(
                    raw,
                    &marn,
                    p,
                    &[
                        "IsMultiRegionTrail",
                        "EnableLogFileValidation",
                        "IncludeGlobalServiceEvents",
                        "IsLogging",
                    ],
                    data::CLOUDTRAIL,
                );
                let home_region = bld.region.clone();
                bld.region().trails.push(Trail {
                    home_region,
                    multi_region: b(p, "IsMultiRegionTrail")
                        .unwrap_or(p.get("IsMultiRegionTrail").is_unknown()),
                    organization_trail: b(p, "IsOrganizationTrail").unwrap_or(false),
                    include_global_service_events: b(p, "IncludeGlobalServiceEvents")
                        .unwrap_or(true),
                    log_file_validation: b(p, "EnableLogFileValidation")
                        .unwrap_or(p.get("EnableLogFileValidation").is_unknown()),
                    s3_bucket: s(p, "S3BucketName"),
                    kms_key_id: s(p, "KMSKeyId"),
                    log_group_arn: s(p, "CloudWatchLogsLogGroupArn"),
                    is_logging: Some(b(p, "IsLogging").unwrap_or(true)),
                    event_selectors: p
                        .get("EventSelectors")
                        .items()
                        .into_iter()
                        .map(|e| EventSelector {
                            read_write_type: s(e, "ReadWriteType")
                                .unwrap_or_else(|| "All".to_owned()),
                            include_management_events: b(e, "IncludeManagementEvents")
                                .unwrap_or(true),
                            data_resources: e
                                .get("DataResources")
                                .items()
                                .into_iter()
                                .map(|d| {
                                    (s(d, "Type").unwrap_or_default(), d.get("Values").strings())
                                })
                                .collect(),
                        })
                        .collect(),
                    advanced_event_selectors: Vec::new(),
                    meta,
                });
            }
            "AWS::Logs::LogGroup" => {
                let meta = bld.meta(raw, None, s(p, "LogGroupName"), tags);
                let marn = meta.arn.clone();
                let retention = match p.get("RetentionInDays") {
                    Value::Unknown => {
                        bld.gap(
                            data::LOGS_GROUPS,
                            &marn,
                            &file(raw),
                            "the retention is not known before apply",
                        );
                        Some(3653)
                    }
                    v => v.as_i64().and_then(|d| u32::try_from(d).ok()),
                };
                bld.region().log_groups.push(LogGroup {
                    meta,
                    retention_days: retention,
                    kms_key_id: s(p, "KmsKeyId"),
                });
            }
            "AWS::Logs::MetricFilter" => {
                let meta = bld.meta(raw, None, s(p, "FilterName"), &Value::Null);
                let metrics = p
                    .get("MetricTransformations")
                    .items()
                    .into_iter()
                    .map(|m| {
                        (
                            s(m, "MetricNamespace").unwrap_or_default(),
                            s(m, "MetricName").unwrap_or_default(),
                        )
                    })
                    .collect();
                bld.region().metric_filters.push(MetricFilter {
                    meta,
                    log_group: s(p, "LogGroupName").unwrap_or_default(),
                    pattern: s(p, "FilterPattern").unwrap_or_default(),
                    metrics,
                });
            }
            "AWS::CloudWatch::Alarm" => {
                let meta = bld.meta(raw, None, s(p, "AlarmName"), &Value::Null);
                bld.region().alarms.push(Alarm {
                    meta,
                    namespace: s(p, "Namespace").unwrap_or_default(),
                    metric_name: s(p, "MetricName").unwrap_or_default(),
                    actions_enabled: b(p, "ActionsEnabled").unwrap_or(true),
                    alarm_actions: p.get("AlarmActions").strings(),
                });
            }
            "AWS::SNS::Topic" => {
                let meta = bld.meta(raw, None, s(p, "TopicName"), tags);
                let subs = p
                    .get("Subscription")
                    .items()
                    .into_iter()
                    .map(|x| {
                        let protocol = s(x, "Protocol").unwrap_or_default();
                        Subscription {
                            confirmed: !protocol.starts_with("email"),
                            protocol,
                            endpoint: s(x, "Endpoint").unwrap_or_default(),
                        }
                    })
                    .collect();
                remember("topic", &raw.id, bld.region().sns_topics.len());
                bld.region().sns_topics.push(SnsTopic {
                    meta,
                    kms_key_id: s(p, "KmsMasterKeyId"),
                    policy: None,
                    subscriptions: subs,
                });
            }
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                let meta = bld.meta(raw, None, s(p, "FunctionName"), tags);
                let marn = meta.arn.clone();
                let env = p.path(&["Environment", "Variables"]);
                if env.has_unknown() {
                    bld.gap(
                        data::LAMBDA,
                        &marn,
                        &file(raw),
                        "some environment variables are not known before apply",
                    );
                }
                let vpc = p.get("VpcConfig");
                let mut role = s(p, "Role").unwrap_or_default();
                if raw.kind == "AWS::Serverless::Function" && role.is_empty() {
                    role = sam_role(bld, raw, &marn, p);
                }
                bld.region().lambda_functions.push(LambdaFunction {
                    runtime: s(p, "Runtime"),
                    role,
                    environment: match env {
                        Value::Map(m) => m
                            .iter()
                            .filter(|(k, _)| !k.starts_with('@'))
                            .filter_map(|(k, v)| Some((k.clone(), v.as_string()?)))
                            .collect(),
                        _ => Default::default(),
                    },
                    kms_key_arn: s(p, "KmsKeyArn"),
                    vpc: (!vpc.is_null()).then(|| VpcConfig {
                        vpc_id: String::new(),
                        subnet_ids: vpc.get("SubnetIds").strings(),
                        security_group_ids: vpc.get("SecurityGroupIds").strings(),
                    }),
                    policy: None,
                    meta,
                });
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer"
            | "AWS::ElasticLoadBalancing::LoadBalancer" => {
                let meta = bld.meta(
                    raw,
                    None,
                    s(p, "Name").or_else(|| s(p, "LoadBalancerName")),
                    tags,
                );
                let classic = raw.kind.contains("Balancing::");
                let logs = if classic {
                    b(p.get("AccessLoggingPolicy"), "Enabled").unwrap_or(false)
                } else {
                    p.get("LoadBalancerAttributes")
                        .items()
                        .into_iter()
                        .any(|a| {
                            s(a, "Key").as_deref() == Some("access_logs.s3.enabled")
                                && s(a, "Value").as_deref() == Some("true")
                        })
                };
                bld.region().load_balancers.push(LoadBalancer {
                    kind: if classic {
                        "classic".to_owned()
                    } else {
                        s(p, "Type").unwrap_or_else(|| "application".to_owned())
                    },
                    internet_facing: s(p, "Scheme").as_deref() != Some("internal"),
                    vpc_id: None,
                    subnet_ids: p.get("Subnets").strings(),
                    security_groups: p.get("SecurityGroups").strings(),
                    access_logs: Some(logs),
                    listeners: Vec::new(),
                    meta,
                });
            }
            "AWS::Backup::BackupVault" => {
                let meta = bld.meta(raw, None, s(p, "BackupVaultName"), &Value::Null);
                let lock = p.get("LockConfiguration");
                bld.region().backup_vaults.push(BackupVault {
                    meta,
                    encryption_key_arn: s(p, "EncryptionKeyArn"),
                    locked: !lock.is_null(),
                    lock_compliance_mode: !lock.get("ChangeableForDays").is_null(),
                    lock_min_retention_days: u(lock, "MinRetentionDays"),
                    access_policy: policy::parse(p.get("AccessPolicy")).ok().flatten(),
                });
            }
            "AWS::Backup::BackupPlan" => {
                let plan = p.get("BackupPlan");
                let meta = bld.meta(raw, None, s(plan, "BackupPlanName"), &Value::Null);
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
                remember("plan", &raw.id, bld.region().backup_plans.len());
                bld.region().backup_plans.push(BackupPlan {
                    meta,
                    rules,
                    selections: Vec::new(),
                    last_execution: None,
                });
            }
            _ => {}
        }
    }

    super::implicit_default_groups(bld);

    let find = |idx: &HashMap<(String, String), Vec<usize>>,
                kind: &str,
                id: &Option<String>|
     -> Vec<usize> {
        id.as_ref()
            .and_then(|i| idx.get(&(kind.to_owned(), i.clone())))
            .cloned()
            .unwrap_or_default()
    };
    for raw in raws {
        let p = &raw.attrs;
        let fl = file(raw);
        match raw.kind.as_str() {
            "AWS::S3::BucketPolicy" => {
                for x in find(&idx, "bucket", &s(p, "Bucket")) {
                    let arn = bld.account.buckets[x].meta.arn.clone();
                    match policy::parse(p.get("PolicyDocument")) {
                        Ok(Some(doc)) => {
                            if policy::has_unknown(&doc) {
                                bld.gap(
                                    data::S3_BUCKET_POLICY,
                                    &arn,
                                    &fl,
                                    "parts of the bucket policy are not known before apply",
                                );
                            }
                            bld.account.buckets[x].policy = Some(doc);
                        }
                        Ok(None) => {}
                        Err(policy::NotKnown) => bld.gap(
                            data::S3_BUCKET_POLICY,
                            &arn,
                            &fl,
                            "the bucket policy is not known before apply",
                        ),
                    }
                }
            }
            "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                let egress = raw.kind.ends_with("Egress");
                let targets = find(&idx, "sg", &s(p, "GroupId"));
                if targets.is_empty() && p.get("GroupId").is_unknown() {
                    continue;
                }
                for x in targets {
                    let arn = bld.region().security_groups[x].meta.arn.clone();
                    let rules = cfn_sg_rule(bld, raw, &arn, p, egress, &raw.origin);
                    let sg = &mut bld.region().security_groups[x];
                    if egress {
                        sg.egress.extend(rules)
                    } else {
                        sg.ingress.extend(rules)
                    }
                }
            }
            "AWS::EC2::NetworkAclEntry" => {
                for x in find(&idx, "nacl", &s(p, "NetworkAclId")) {
                    let arn = bld.region().network_acls[x].meta.arn.clone();
                    if [
                        "RuleNumber",
                        "Protocol",
                        "RuleAction",
                        "CidrBlock",
                        "Ipv6CidrBlock",
                        "PortRange",
                        "Egress",
                    ]
                    .iter()
                    .any(|k| p.get(k).has_unknown())
                    {
                        bld.gap(
                            data::EC2_NETWORK_ACLS,
                            &arn,
                            &fl,
                            format!("`{}` is not known before apply", raw.address),
                        );
                        continue;
                    }
                    let proto = s(p, "Protocol").unwrap_or_else(|| "-1".to_owned());
                    let all = proto == "-1";
                    let pr = p.get("PortRange");
                    let e = NaclEntry {
                        rule_number: i(p, "RuleNumber")
                            .and_then(|n| i32::try_from(n).ok())
                            .unwrap_or(0),
                        egress: b(p, "Egress").unwrap_or(false),
                        protocol: proto,
                        action: if s(p, "RuleAction")
                            .is_some_and(|a| a.eq_ignore_ascii_case("deny"))
                        {
                            RuleAction::Deny
                        } else {
                            RuleAction::Allow
                        },
                        cidr: s(p, "CidrBlock"),
                        ipv6_cidr: s(p, "Ipv6CidrBlock"),
                        from_port: if all {
                            None
                        } else {
                            i(pr, "From").and_then(|x| i32::try_from(x).ok())
                        },
                        to_port: if all {
                            None
                        } else {
                            i(pr, "To").and_then(|x| i32::try_from(x).ok())
                        },
                        origin: Some(raw.origin.clone()),
                    };
                    bld.region().network_acls[x].entries.push(e);
                }
            }
            "AWS::EC2::SubnetNetworkAclAssociation" => {
                for x in find(&idx, "nacl", &s(p, "NetworkAclId")) {
                    if let Some(sn) = s(p, "SubnetId") {
                        bld.region().network_acls[x].subnet_ids.push(sn);
                    }
                }
            }
            "AWS::EC2::Route" => {
                for x in find(&idx, "rtb", &s(p, "RouteTableId")) {
                    let dest = s(p, "DestinationCidrBlock")
                        .or_else(|| s(p, "DestinationIpv6CidrBlock"))
                        .unwrap_or_default();
                    let target = [
                        ("GatewayId", RouteTargetKind::InternetGateway),
                        ("NatGatewayId", RouteTargetKind::NatGateway),
                        (
                            "EgressOnlyInternetGatewayId",
                            RouteTargetKind::EgressOnlyInternetGateway,
                        ),
                        ("VpcPeeringConnectionId", RouteTargetKind::VpcPeering),
                        ("TransitGatewayId", RouteTargetKind::TransitGateway),
                        ("InstanceId", RouteTargetKind::NetworkInterface),
                        ("NetworkInterfaceId", RouteTargetKind::NetworkInterface),
                        ("VpcEndpointId", RouteTargetKind::VpcEndpoint),
                    ]
                    .iter()
                    .find_map(|(k, kind)| s(p, k).map(|t| (t, *kind)));
                    if let Some((t, mut kind)) = target {
                        if kind == RouteTargetKind::InternetGateway
                            && !idx.contains_key(&("igw".to_owned(), t.clone()))
                            && !t.starts_with("igw-")
                        {
                            kind = RouteTargetKind::VirtualPrivateGateway;
                        }
                        bld.region().route_tables[x].routes.push(Route {
                            destination: dest.clone(),
                            target_kind: kind,
                            target: t,
                            blackhole: false,
                        });
                    }
                }
            }
            "AWS::EC2::SubnetRouteTableAssociation" => {
                for x in find(&idx, "rtb", &s(p, "RouteTableId")) {
                    if let Some(sn) = s(p, "SubnetId") {
                        bld.region().route_tables[x].subnet_ids.push(sn);
                    }
                }
            }
            "AWS::EC2::VPCGatewayAttachment" => {
                for x in find(&idx, "igw", &s(p, "InternetGatewayId")) {
                    if let Some(v) = s(p, "VpcId") {
                        bld.region().internet_gateways[x].vpc_ids.push(v);
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let managed = raw.kind == "AWS::IAM::ManagedPolicy";
                let arn = format!(
                    "arn:aws:iam::{}:policy/{}",
                    crate::ACCOUNT_ID,
                    s(p, "ManagedPolicyName").unwrap_or_else(|| raw.id.clone())
                );
                let doc = if managed {
                    None
                } else {
                    policy::parse(p.get("PolicyDocument")).ok().flatten()
                };
                let name = s(p, "PolicyName").unwrap_or_else(|| raw.address.clone());
                for (key, kind) in [("Roles", "role"), ("Users", "user"), ("Groups", "group")] {
                    for owner in p.get(key).strings() {
                        for x in find(&idx, kind, &Some(owner.clone())) {
                            let iam = &mut bld.account.iam;
                            match (kind, managed, &doc) {
                                ("role", true, _) => {
                                    iam.roles[x].attached_policies.push(arn.clone())
                                }
                                ("user", true, _) => {
                                    iam.users[x].attached_policies.push(arn.clone())
                                }
                                ("group", true, _) => {
                                    iam.groups[x].attached_policies.push(arn.clone())
                                }
                                ("role", false, Some(d)) => iam.roles[x]
                                    .inline_policies
                                    .push(inline(&name, d.clone(), &raw.origin)),
                                ("user", false, Some(d)) => iam.users[x]
                                    .inline_policies
                                    .push(inline(&name, d.clone(), &raw.origin)),
                                ("group", false, Some(d)) => iam.groups[x]
                                    .inline_policies
                                    .push(inline(&name, d.clone(), &raw.origin)),
                                _ => {
                                    let target = match kind {
                                        "role" => iam.roles[x].meta.arn.clone(),
                                        "user" => iam.users[x].meta.arn.clone(),
                                        _ => iam.groups[x].meta.arn.clone(),
                                    };
                                    let ds = match kind {
                                        "role" => data::IAM_ROLES,
                                        "user" => data::IAM_USERS,
                                        _ => data::IAM_GROUPS,
                                    };
                                    bld.gap(
                                        ds,
                                        &target,
                                        &fl,
                                        format!(
                                            "the policy `{}` is not known before apply",
                                            raw.address
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            "AWS::IAM::AccessKey" => {
                for x in find(&idx, "user", &s(p, "UserName")) {
                    let active = s(p, "Status").is_none_or(|st| st == "Active");
                    bld.account.iam.users[x].access_keys.push(AccessKey {
                        id: raw.address.clone(),
                        active,
                        created: None,
                        last_used: None,
                        last_used_service: None,
                    });
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let g = s(p, "GroupName").unwrap_or_default();
                for user in p.get("Users").strings() {
                    for x in find(&idx, "user", &Some(user)) {
                        bld.account.iam.users[x].groups.push(g.clone());
                    }
                }
            }
            "AWS::KMS::Alias" => {
                for x in find(&idx, "key", &s(p, "TargetKeyId")) {
                    if let Some(n) = s(p, "AliasName") {
                        bld.region().kms_keys[x].aliases.push(n);
                    }
                }
            }
            "AWS::SecretsManager::RotationSchedule" => {
                for x in find(&idx, "secret", &s(p, "SecretId")) {
                    let days = u(p.get("RotationRules"), "AutomaticallyAfterDays");
                    let sec = &mut bld.region().secrets[x];
                    sec.rotation_enabled = true;
                    sec.rotation_days = days.or(Some(30));
                }
            }
            "AWS::SNS::Subscription" => {
                for x in find(&idx, "topic", &s(p, "TopicArn")) {
                    let protocol = s(p, "Protocol").unwrap_or_default();
                    bld.region().sns_topics[x].subscriptions.push(Subscription {
                        confirmed: !protocol.starts_with("email"),
                        protocol,
                        endpoint: s(p, "Endpoint").unwrap_or_default(),
                    });
                }
            }
            "AWS::SNS::TopicPolicy" => {
                for t in p.get("Topics").strings() {
                    for x in find(&idx, "topic", &Some(t)) {
                        bld.region().sns_topics[x].policy =
                            policy::parse(p.get("PolicyDocument")).ok().flatten();
                    }
                }
            }
            "AWS::Backup::BackupSelection" => {
                for x in find(&idx, "plan", &s(p, "BackupPlanId")) {
                    let sel = p.get("BackupSelection");
                    bld.region().backup_plans[x]
                        .selections
                        .push(BackupSelection {
                            name: s(sel, "SelectionName").unwrap_or_default(),
                            resources: sel.get("Resources").strings(),
                            not_resources: sel.get("NotResources").strings(),
                            tags: sel
                                .get("ListOfTags")
                                .items()
                                .into_iter()
                                .filter_map(|t| {
                                    Some((s(t, "ConditionKey")?, s(t, "ConditionValue")?))
                                })
                                .collect(),
                        });
                }
            }
            _ => {}
        }
    }
}

/// A SAM function without `Role` gets one made by SAM: its `Policies` become that role's
/// policies (documents inline, names as AWS managed policies; SAM policy templates are
/// expanded by SAM and are not judged here).
fn sam_role(bld: &mut Builder, raw: &Raw, fn_arn: &str, p: &Value) -> String {
    let name = format!("{}Role", raw.address);
    let mut meta = bld.meta(raw, None, Some(name.clone()), &Value::Null);
    meta.arn = format!("{}Role", raw.iac_arn());
    let arn = format!("arn:aws:iam::{}:role/{name}", crate::ACCOUNT_ID);
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let mut role = Role {
        meta,
        assume_role_policy: trust,
        attached_policies: vec![
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_owned(),
        ],
        inline_policies: Vec::new(),
        permissions_boundary: s(p, "PermissionsBoundary"),
        last_used: None,
        service_linked: false,
    };
    let pols = p.get("Policies");
    if pols.is_unknown() {
        bld.gap(
            data::IAM_ROLES,
            &role.meta.arn,
            &file(raw),
            "the function's policies are not known before apply",
        );
    }
    for (n, pol) in pols.items().into_iter().enumerate() {
        match pol {
            Value::String(managed) => role.attached_policies.push(if managed.starts_with("arn:") {
                managed.clone()
            } else {
                format!("arn:aws:iam::aws:policy/{managed}")
            }),
            Value::Map(_) if !pol.get("Statement").is_null() => {
                role.inline_policies.push(inline(
                    &format!("{}Policy{n}", raw.address),
                    policy::to_json_marked(pol),
                    &nested_origin(raw, pol),
                ));
            }
            _ => {}
        }
    }
    let _ = fn_arn;
    bld.account.iam.roles.push(role);
    arn
}

fn cfn_sg_rule(
    bld: &mut Builder,
    raw: &Raw,
    sg_arn: &str,
    r: &Value,
    egress: bool,
    origin: &rampart_model::Origin,
) -> Vec<SgRule> {
    let keys = [
        "IpProtocol",
        "FromPort",
        "ToPort",
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
    ];
    if keys.iter().any(|k| r.get(k).has_unknown()) {
        bld.gap(
            data::EC2_SECURITY_GROUPS,
            sg_arn,
            &file(raw),
            format!("a rule of `{}` is not known before apply", raw.address),
        );
        return Vec::new();
    }
    let groups: Vec<String> = if egress {
        r.get("DestinationSecurityGroupId").strings()
    } else {
        r.get("SourceSecurityGroupId")
            .strings()
            .into_iter()
            .chain(r.get("SourceSecurityGroupName").strings())
            .collect()
    };
    let pls: Vec<String> = if egress {
        r.get("DestinationPrefixListId").strings()
    } else {
        r.get("SourcePrefixListId").strings()
    };
    sg_rules(
        &s(r, "IpProtocol").unwrap_or_default(),
        i(r, "FromPort"),
        i(r, "ToPort"),
        &r.get("CidrIp").strings(),
        &r.get("CidrIpv6").strings(),
        &pls,
        &groups,
        s(r, "Description"),
        origin,
    )
}

fn known_bool(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    a: &Value,
    key: &str,
    data_set: &str,
    benign: bool,
) -> Option<bool> {
    match a.get(key) {
        Value::Unknown => {
            bld.gap(
                data_set,
                arn,
                &file(raw),
                format!("`{key}` of `{}` is not known before apply", raw.address),
            );
            Some(benign)
        }
        v => v.as_bool(),
    }
}

fn pab(bld: &mut Builder, raw: &Raw, arn: &str, a: &Value, data_set: &str) -> PublicAccessBlock {
    let keys = [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ];
    let mut vals = [false; 4];
    for (slot, k) in vals.iter_mut().zip(keys) {
        *slot = match a.get(k) {
            Value::Unknown => {
                bld.gap(
                    data_set,
                    arn,
                    &file(raw),
                    format!("`{k}` is not known before apply"),
                );
                true
            }
            v => v.as_bool().unwrap_or(false),
        };
    }
    PublicAccessBlock {
        block_public_acls: vals[0],
        ignore_public_acls: vals[1],
        block_public_policy: vals[2],
        restrict_public_buckets: vals[3],
    }
}
