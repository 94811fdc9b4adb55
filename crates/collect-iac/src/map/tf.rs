//! Terraform resource types (AWS provider) into the Inventory.
//!
//! Primary resources are mapped first; the resources that configure them from outside
//! (`aws_s3_bucket_versioning`, `aws_security_group_rule`, `aws_iam_role_policy_attachment`…)
//! are then attached to their target, found by the `id` or name the reference evaluated to.

use std::collections::HashMap;

use rampart_model::compute::{
    ContainerDefinition, EcsTaskDefinition, Instance, LambdaFunction, Listener, LoadBalancer,
    VpcConfig,
};
use rampart_model::data;
use rampart_model::iam::{
    AccessKey, Group, InstanceProfile, ManagedPolicy, PasswordPolicy, Role, User,
};
use rampart_model::logging::{
    AdvancedEventSelector, Alarm, EventSelector, FieldSelector, LogGroup, MetricFilter, SnsTopic,
    Subscription, Trail,
};
use rampart_model::network::{
    FlowLog, InternetGateway, NaclEntry, NatGateway, NetworkAcl, Route, RouteTable,
    RouteTargetKind, RuleAction, SecurityGroup, Subnet, Vpc, VpcEndpoint,
};
use rampart_model::security::{KmsKey, Secret, SsmParameter};
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
fn u32_of(v: &Value, k: &str) -> Option<u32> {
    i(v, k).and_then(|x| u32::try_from(x).ok())
}
/// Maps every resource of `raws` into `bld`.
#[allow(clippy::too_many_lines)]
pub fn map(bld: &mut Builder, raws: &[Raw]) {
    let mut buckets: HashMap<String, usize> = HashMap::new();
    let mut sgs: HashMap<String, usize> = HashMap::new();
    let mut nacls: HashMap<String, usize> = HashMap::new();
    let mut rtbs: HashMap<String, usize> = HashMap::new();
    let mut roles: HashMap<String, usize> = HashMap::new();
    let mut users: HashMap<String, usize> = HashMap::new();
    let mut groups: HashMap<String, usize> = HashMap::new();
    let mut topics: HashMap<String, usize> = HashMap::new();
    let mut secrets: HashMap<String, usize> = HashMap::new();
    let mut vaults: HashMap<String, usize> = HashMap::new();
    let mut plans: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut igws: HashMap<String, usize> = HashMap::new();
    let mut lbs: HashMap<String, usize> = HashMap::new();
    let mut policies: HashMap<String, String> = HashMap::new();

    // Pass 1: resources that stand on their own.
    for raw in raws {
        let a = &raw.attrs;
        match raw.kind.as_str() {
            "aws_s3_bucket" => {
                let name =
                    s(a, "bucket").or_else(|| s(a, "bucket_prefix").map(|p| format!("{p}*")));
                let arn = s(a, "bucket").map(|n| format!("arn:aws:s3:::{n}"));
                let meta = bld.meta(
                    raw,
                    arn,
                    name.clone().or_else(|| Some(raw.address.clone())),
                    a.get("tags"),
                );
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
                buckets.insert(raw.id.clone(), bld.account.buckets.len());
                if let Some(n) = s(a, "bucket") {
                    buckets.insert(n, bld.account.buckets.len());
                }
                bld.account.buckets.push(bucket);
            }
            "aws_s3_account_public_access_block" => {
                bld.account.s3_public_access_block = Some(pab(bld, raw, a, "account"));
            }
            "aws_security_group" | "aws_default_security_group" => {
                let default = raw.kind == "aws_default_security_group";
                let name = if default {
                    Some("default".to_owned())
                } else {
                    s(a, "name").or_else(|| s(a, "name_prefix"))
                };
                let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
                let mut sg = SecurityGroup {
                    id: raw.id.clone(),
                    group_name: name.unwrap_or_else(|| raw.address.clone()),
                    description: s(a, "description")
                        .unwrap_or_else(|| "Managed by Terraform".to_owned()),
                    vpc_id: s(a, "vpc_id"),
                    ingress: Vec::new(),
                    egress: Vec::new(),
                    meta,
                };
                let arn = sg.meta.arn.clone();
                for (key, egress) in [("ingress", false), ("egress", true)] {
                    for r in a.get(key).items() {
                        let rules = inline_sg_rule(bld, raw, &arn, r, &raw.id);
                        if egress {
                            sg.egress.extend(rules)
                        } else {
                            sg.ingress.extend(rules)
                        }
                    }
                }
                unknown_blocks(
                    bld,
                    raw,
                    &arn,
                    a,
                    &["ingress", "egress"],
                    data::EC2_SECURITY_GROUPS,
                );
                sgs.insert(raw.id.clone(), bld.region().security_groups.len());
                bld.region().security_groups.push(sg);
            }
            "aws_network_acl" | "aws_default_network_acl" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let mut acl = NetworkAcl {
                    id: raw.id.clone(),
                    vpc_id: s(a, "vpc_id").unwrap_or_default(),
                    is_default: raw.kind == "aws_default_network_acl",
                    subnet_ids: a.get("subnet_ids").strings(),
                    entries: Vec::new(),
                    meta,
                };
                let arn = acl.meta.arn.clone();
                for (key, egress) in [("ingress", false), ("egress", true)] {
                    for r in a.get(key).items() {
                        if r.has_unknown() {
                            bld.gap(
                                data::EC2_NETWORK_ACLS,
                                &arn,
                                &file(raw),
                                format!("a rule of `{}` is not known before apply", raw.address),
                            );
                            continue;
                        }
                        acl.entries.push(nacl_entry(
                            r,
                            egress,
                            s(r, "rule_no").as_deref(),
                            "action",
                            "protocol",
                            "cidr_block",
                            "ipv6_cidr_block",
                            nested_origin(raw, r),
                        ));
                    }
                }
                unknown_blocks(
                    bld,
                    raw,
                    &arn,
                    a,
                    &["ingress", "egress"],
                    data::EC2_NETWORK_ACLS,
                );
                nacls.insert(raw.id.clone(), bld.region().network_acls.len());
                bld.region().network_acls.push(acl);
            }
            "aws_vpc" | "aws_default_vpc" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let vpc = Vpc {
                    id: raw.id.clone(),
                    cidr_blocks: s(a, "cidr_block").into_iter().collect(),
                    ipv6_cidr_blocks: Vec::new(),
                    is_default: raw.kind == "aws_default_vpc",
                    meta,
                };
                bld.region().vpcs.push(vpc);
            }
            "aws_subnet" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let sn = Subnet {
                    id: raw.id.clone(),
                    vpc_id: s(a, "vpc_id").unwrap_or_default(),
                    cidr: s(a, "cidr_block"),
                    ipv6_cidr: s(a, "ipv6_cidr_block"),
                    availability_zone: s(a, "availability_zone"),
                    map_public_ip_on_launch: b(a, "map_public_ip_on_launch").unwrap_or(false),
                    meta,
                };
                bld.region().subnets.push(sn);
            }
            "aws_internet_gateway" | "aws_egress_only_internet_gateway" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let g = InternetGateway {
                    id: raw.id.clone(),
                    vpc_ids: s(a, "vpc_id").into_iter().collect(),
                    egress_only: raw.kind.starts_with("aws_egress"),
                    meta,
                };
                igws.insert(raw.id.clone(), bld.region().internet_gateways.len());
                bld.region().internet_gateways.push(g);
            }
            "aws_nat_gateway" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let n = NatGateway {
                    id: raw.id.clone(),
                    vpc_id: String::new(),
                    subnet_id: s(a, "subnet_id").unwrap_or_default(),
                    public: s(a, "connectivity_type").is_none_or(|c| c == "public"),
                    meta,
                };
                bld.region().nat_gateways.push(n);
            }
            "aws_route_table" | "aws_default_route_table" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let mut rt = RouteTable {
                    id: raw.id.clone(),
                    vpc_id: s(a, "vpc_id").unwrap_or_default(),
                    main: raw.kind == "aws_default_route_table",
                    subnet_ids: Vec::new(),
                    routes: Vec::new(),
                    meta,
                };
                for r in a.get("route").items() {
                    rt.routes.extend(route(r));
                }
                rtbs.insert(raw.id.clone(), bld.region().route_tables.len());
                bld.region().route_tables.push(rt);
            }
            "aws_vpc_endpoint" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let e = VpcEndpoint {
                    id: raw.id.clone(),
                    vpc_id: s(a, "vpc_id").unwrap_or_default(),
                    service_name: s(a, "service_name").unwrap_or_default(),
                    endpoint_type: s(a, "vpc_endpoint_type")
                        .unwrap_or_else(|| "Gateway".to_owned()),
                    policy: policy::parse(a.get("policy")).ok().flatten(),
                    route_table_ids: a.get("route_table_ids").strings(),
                    subnet_ids: a.get("subnet_ids").strings(),
                    meta,
                };
                bld.region().vpc_endpoints.push(e);
            }
            "aws_flow_log" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let arn = meta.arn.clone();
                let target = ["vpc_id", "subnet_id", "eni_id", "transit_gateway_id"]
                    .iter()
                    .find_map(|k| s(a, k))
                    .unwrap_or_default();
                let traffic = match a.get("traffic_type") {
                    Value::Unknown => {
                        bld.gap(
                            data::EC2_FLOW_LOGS,
                            &arn,
                            &file(raw),
                            "the flow log's traffic type is not known before apply",
                        );
                        "ALL".to_owned()
                    }
                    v => v.as_string().unwrap_or_else(|| "ALL".to_owned()),
                };
                let fl = FlowLog {
                    id: raw.id.clone(),
                    resource_id: target,
                    traffic_type: traffic,
                    destination_type: s(a, "log_destination_type")
                        .or(Some("cloud-watch-logs".to_owned())),
                    active: true,
                    meta,
                };
                bld.region().flow_logs.push(fl);
            }
            "aws_iam_role" => {
                let name = s(a, "name");
                let arn = s(a, "arn");
                let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
                let marn = meta.arn.clone();
                let trust = match policy::parse(a.get("assume_role_policy")) {
                    Ok(p) => p.unwrap_or(serde_json::Value::Null),
                    Err(policy::NotKnown) => {
                        bld.gap(
                            data::IAM_ROLES,
                            &marn,
                            &file(raw),
                            "the role's trust policy is not known before apply",
                        );
                        serde_json::Value::Null
                    }
                };
                let mut role = Role {
                    meta,
                    assume_role_policy: trust,
                    attached_policies: a.get("managed_policy_arns").strings(),
                    inline_policies: Vec::new(),
                    permissions_boundary: s(a, "permissions_boundary"),
                    last_used: None,
                    service_linked: false,
                };
                for p in a.get("inline_policy").items() {
                    if let Some(doc) =
                        policy_or_gap(bld, raw, &marn, p.get("policy"), data::IAM_ROLES)
                    {
                        role.inline_policies.push(inline(
                            &s(p, "name").unwrap_or_default(),
                            doc,
                            &nested_origin(raw, p),
                        ));
                    }
                }
                roles.insert(raw.id.clone(), bld.account.iam.roles.len());
                if let Some(arn) = arn {
                    roles.insert(arn, bld.account.iam.roles.len());
                }
                if let Some(n) = name {
                    roles.insert(n, bld.account.iam.roles.len());
                }
                bld.account.iam.roles.push(role);
            }
            "aws_iam_user" => {
                let name = s(a, "name");
                let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
                let user = User {
                    meta,
                    created: None,
                    console_password: false,
                    password_last_used: None,
                    mfa_devices: Vec::new(),
                    access_keys: Vec::new(),
                    groups: Vec::new(),
                    attached_policies: Vec::new(),
                    inline_policies: Vec::new(),
                    permissions_boundary: s(a, "permissions_boundary"),
                };
                users.insert(raw.id.clone(), bld.account.iam.users.len());
                if let Some(n) = name {
                    users.insert(n, bld.account.iam.users.len());
                }
                bld.account.iam.users.push(user);
            }
            "aws_iam_group" => {
                let name = s(a, "name");
                let meta = bld.meta(raw, None, name.clone(), &Value::Null);
                groups.insert(raw.id.clone(), bld.account.iam.groups.len());
                if let Some(n) = name {
                    groups.insert(n, bld.account.iam.groups.len());
                }
                bld.account.iam.groups.push(Group {
                    meta,
                    attached_policies: Vec::new(),
                    inline_policies: Vec::new(),
                });
            }
            "aws_iam_policy" => {
                let meta = bld.meta(raw, s(a, "arn"), s(a, "name"), a.get("tags"));
                let marn = meta.arn.clone();
                policies.insert(raw.id.clone(), marn.clone());
                if let Some(doc) =
                    policy_or_gap(bld, raw, &marn, a.get("policy"), data::IAM_POLICIES)
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
            "aws_iam_account_password_policy" => {
                let meta = bld.meta(raw, None, Some("password-policy".to_owned()), &Value::Null);
                bld.account.iam.password_policy = Some(PasswordPolicy {
                    meta,
                    minimum_length: u32_of(a, "minimum_password_length").unwrap_or(6),
                    require_symbols: b(a, "require_symbols").unwrap_or(false),
                    require_numbers: b(a, "require_numbers").unwrap_or(false),
                    require_uppercase: b(a, "require_uppercase_characters").unwrap_or(false),
                    require_lowercase: b(a, "require_lowercase_characters").unwrap_or(false),
                    allow_users_to_change: b(a, "allow_users_to_change_password").unwrap_or(true),
                    max_age_days: u32_of(a, "max_password_age").filter(|d| *d > 0),
                    reuse_prevention: u32_of(a, "password_reuse_prevention").filter(|d| *d > 0),
                    hard_expiry: b(a, "hard_expiry").unwrap_or(false),
                });
                let arn = raw.iac_arn();
                bld.unknowns(
                    raw,
                    &arn,
                    a,
                    &[
                        "minimum_password_length",
                        "password_reuse_prevention",
                        "max_password_age",
                    ],
                    data::IAM_PASSWORD_POLICY,
                );
            }
            "aws_iam_account_alias" => {
                if let Some(al) = s(a, "account_alias") {
                    bld.account.aliases.push(al);
                }
            }
            "aws_iam_instance_profile" => {
                let meta = bld.meta(raw, s(a, "arn"), s(a, "name"), &Value::Null);
                let roles_of: Vec<String> = a
                    .get("role")
                    .strings()
                    .into_iter()
                    .chain(a.get("roles").strings())
                    .collect();
                bld.account.iam.instance_profiles.push(InstanceProfile {
                    meta,
                    roles: roles_of,
                });
            }
            "aws_instance" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let marn = meta.arn.clone();
                let user_data = match a.get("user_data") {
                    Value::Unknown => {
                        bld.gap(
                            data::EC2_USER_DATA,
                            &marn,
                            &file(raw),
                            "the instance's user data is not known before apply",
                        );
                        None
                    }
                    v => v.as_string().or_else(|| {
                        s(a, "user_data_base64").and_then(|b64| {
                            use base64::Engine as _;
                            base64::engine::general_purpose::STANDARD
                                .decode(b64.trim())
                                .ok()
                                .and_then(|x| String::from_utf8(x).ok())
                        })
                    }),
                };
                let md = a.get("metadata_options").first();
                let inst = Instance {
                    id: raw.id.clone(),
                    state: "running".to_owned(),
                    vpc_id: None,
                    subnet_id: s(a, "subnet_id"),
                    public_ip: b(a, "associate_public_ip_address")
                        .filter(|x| *x)
                        .map(|_| "(assigned on launch)".to_owned()),
                    instance_profile: s(a, "iam_instance_profile"),
                    security_groups: a
                        .get("vpc_security_group_ids")
                        .strings()
                        .into_iter()
                        .chain(a.get("security_groups").strings())
                        .collect(),
                    network_interfaces: Vec::new(),
                    user_data,
                    imdsv2_required: Some(s(md, "http_tokens").as_deref() == Some("required")),
                    meta,
                };
                // Root and extra EBS volumes declared inline.
                for (k, is_root) in [("root_block_device", true), ("ebs_block_device", false)] {
                    for v in a.get(k).items() {
                        let mut vm = bld.meta(
                            raw,
                            None,
                            Some(format!("{} {k}", raw.address)),
                            a.get("tags"),
                        );
                        vm.arn = format!(
                            "{}#{k}{}",
                            raw.iac_arn(),
                            if is_root {
                                String::new()
                            } else {
                                s(v, "device_name").unwrap_or_default()
                            }
                        );
                        vm.origin = nested_origin(raw, v);
                        bld.region().volumes.push(Volume {
                            id: vm.arn.clone(),
                            encrypted: b(v, "encrypted").unwrap_or(false),
                            kms_key_id: s(v, "kms_key_id"),
                            size_gib: u32_of(v, "volume_size").unwrap_or(0),
                            attached_to: vec![raw.id.clone()],
                            meta: vm,
                        });
                    }
                }
                bld.region().instances.push(inst);
            }
            "aws_ebs_volume" => {
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
                    v => v.as_bool().unwrap_or(false),
                };
                bld.region().volumes.push(Volume {
                    id: raw.id.clone(),
                    encrypted: enc,
                    kms_key_id: s(a, "kms_key_id"),
                    size_gib: u32_of(a, "size").unwrap_or(0),
                    attached_to: Vec::new(),
                    meta,
                });
            }
            "aws_ebs_encryption_by_default" => {
                let on = b(a, "enabled").unwrap_or(true);
                bld.region().ebs_encryption_by_default = Some(on);
            }
            "aws_db_instance" => {
                let meta = bld.meta(raw, None, s(a, "identifier"), a.get("tags"));
                let arn = meta.arn.clone();
                let enc = known_bool(bld, raw, &arn, a, "storage_encrypted", data::RDS, true)
                    .unwrap_or(false);
                let public = known_bool(bld, raw, &arn, a, "publicly_accessible", data::RDS, false)
                    .unwrap_or(false);
                let engine = s(a, "engine").unwrap_or_default();
                let db = DbInstance {
                    id: s(a, "identifier").unwrap_or_else(|| raw.id.clone()),
                    // Aurora instances inherit encryption from their cluster.
                    storage_encrypted: enc || engine.starts_with("aurora"),
                    engine,
                    kms_key_id: s(a, "kms_key_id"),
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
            "aws_rds_cluster" => {
                let meta = bld.meta(raw, None, s(a, "cluster_identifier"), a.get("tags"));
                let arn = meta.arn.clone();
                let enc = known_bool(bld, raw, &arn, a, "storage_encrypted", data::RDS, true)
                    .unwrap_or(false);
                let c = DbCluster {
                    id: s(a, "cluster_identifier").unwrap_or_else(|| raw.id.clone()),
                    engine: s(a, "engine").unwrap_or_else(|| "aurora".to_owned()),
                    storage_encrypted: enc,
                    kms_key_id: s(a, "kms_key_id"),
                    security_groups: a.get("vpc_security_group_ids").strings(),
                    port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
                    backup_retention_days: u32_of(a, "backup_retention_period").unwrap_or(1),
                    deletion_protection: b(a, "deletion_protection").unwrap_or(false),
                    meta,
                };
                bld.region().db_clusters.push(c);
            }
            "aws_dynamodb_table" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let sse = a.get("server_side_encryption").first();
                let key_kind = match (b(sse, "enabled"), s(sse, "kms_key_arn")) {
                    (Some(true), Some(k)) if !k.contains("alias/aws/") => {
                        TableKeyKind::CustomerManaged
                    }
                    (Some(true), _) => TableKeyKind::AwsManaged,
                    _ => TableKeyKind::AwsOwned,
                };
                let t = DynamoTable {
                    key_kind,
                    kms_key_arn: s(sse, "kms_key_arn"),
                    point_in_time_recovery: Some(
                        b(a.get("point_in_time_recovery").first(), "enabled").unwrap_or(false),
                    ),
                    deletion_protection: b(a, "deletion_protection_enabled").unwrap_or(false),
                    meta,
                };
                bld.region().dynamodb_tables.push(t);
            }
            "aws_redshift_cluster" => {
                let meta = bld.meta(raw, None, s(a, "cluster_identifier"), a.get("tags"));
                let arn = meta.arn.clone();
                let enc = known_bool(bld, raw, &arn, a, "encrypted", data::REDSHIFT, true)
                    .unwrap_or(true);
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
                    kms_key_id: s(a, "kms_key_id"),
                    publicly_accessible: public,
                    vpc_id: None,
                    security_groups: a.get("vpc_security_group_ids").strings(),
                    port: i(a, "port").and_then(|p| u16::try_from(p).ok()),
                    meta,
                };
                bld.region().redshift_clusters.push(r);
            }
            "aws_kms_key" => {
                let meta = bld.meta(raw, None, None, a.get("tags"));
                let arn = meta.arn.clone();
                let spec = s(a, "customer_master_key_spec")
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned());
                let rotation = match a.get("enable_key_rotation") {
                    Value::Unknown => {
                        bld.gap(
                            data::KMS_ROTATION,
                            &arn,
                            &file(raw),
                            "whether key rotation is enabled is not known before apply",
                        );
                        Some(true)
                    }
                    v => Some(v.as_bool().unwrap_or(false)),
                };
                let pol = policy_or_gap(bld, raw, &arn, a.get("policy"), data::KMS_POLICIES);
                keys.insert(raw.id.clone(), bld.region().kms_keys.len());
                bld.region().kms_keys.push(KmsKey {
                    id: raw.id.clone(),
                    manager: rampart_model::security::KeyManager::Customer,
                    state: if b(a, "is_enabled") == Some(false) {
                        "Disabled".to_owned()
                    } else {
                        "Enabled".to_owned()
                    },
                    spec,
                    rotation_enabled: rotation,
                    policy: pol,
                    aliases: Vec::new(),
                    meta,
                });
            }
            "aws_secretsmanager_secret" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                secrets.insert(raw.id.clone(), bld.region().secrets.len());
                bld.region().secrets.push(Secret {
                    meta,
                    kms_key_id: s(a, "kms_key_id"),
                    rotation_enabled: false,
                    rotation_days: None,
                    last_rotated: None,
                    last_changed: None,
                    created: None,
                });
            }
            "aws_ssm_parameter" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let kind = s(a, "type").unwrap_or_else(|| "String".to_owned());
                let value = if kind == "SecureString" {
                    None
                } else {
                    s(a, "value").or_else(|| s(a, "insecure_value"))
                };
                bld.region().ssm_parameters.push(SsmParameter {
                    meta,
                    kind,
                    kms_key_id: s(a, "key_id"),
                    value,
                    last_modified: None,
                });
            }
            "aws_cloudtrail" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let arn = meta.arn.clone();
                bld.unknowns(
                    raw,
                    &arn,
                    a,
                    &[
                        "is_multi_region_trail",
                        "enable_log_file_validation",
                        "include_global_service_events",
                        "enable_logging",
                    ],
                    data::CLOUDTRAIL,
                );
                let t = Trail {
                    home_region: bld.region.clone(),
                    multi_region: b(a, "is_multi_region_trail")
                        .unwrap_or(a.get("is_multi_region_trail").is_unknown()),
                    organization_trail: b(a, "is_organization_trail").unwrap_or(false),
                    include_global_service_events: b(a, "include_global_service_events")
                        .unwrap_or(true),
                    log_file_validation: b(a, "enable_log_file_validation")
                        .unwrap_or(a.get("enable_log_file_validation").is_unknown()),
                    s3_bucket: s(a, "s3_bucket_name"),
                    kms_key_id: s(a, "kms_key_id"),
                    log_group_arn: s(a, "cloud_watch_logs_group_arn"),
                    is_logging: Some(b(a, "enable_logging").unwrap_or(true)),
                    event_selectors: a
                        .get("event_selector")
                        .items()
                        .into_iter()
                        .map(|e| EventSelector {
                            read_write_type: s(e, "read_write_type")
                                .unwrap_or_else(|| "All".to_owned()),
                            include_management_events: b(e, "include_management_events")
                                .unwrap_or(true),
                            data_resources: e
                                .get("data_resource")
                                .items()
                                .into_iter()
                                .map(|d| {
                                    (s(d, "type").unwrap_or_default(), d.get("values").strings())
                                })
                                .collect(),
                        })
                        .collect(),
                    advanced_event_selectors: a
                        .get("advanced_event_selector")
                        .items()
                        .into_iter()
                        .map(|e| AdvancedEventSelector {
                            name: s(e, "name").unwrap_or_default(),
                            field_selectors: e
                                .get("field_selector")
                                .items()
                                .into_iter()
                                .map(|f| FieldSelector {
                                    field: s(f, "field").unwrap_or_default(),
                                    equals: f.get("equals").strings(),
                                    starts_with: f.get("starts_with").strings(),
                                    not_equals: f.get("not_equals").strings(),
                                    not_starts_with: f.get("not_starts_with").strings(),
                                })
                                .collect(),
                        })
                        .collect(),
                    meta,
                };
                bld.region().trails.push(t);
            }
            "aws_cloudwatch_log_group" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let arn = meta.arn.clone();
                let retention = match a.get("retention_in_days") {
                    Value::Unknown => {
                        bld.gap(
                            data::LOGS_GROUPS,
                            &arn,
                            &file(raw),
                            "the retention is not known before apply",
                        );
                        Some(3653)
                    }
                    v => v
                        .as_i64()
                        .and_then(|d| u32::try_from(d).ok())
                        .filter(|d| *d > 0),
                };
                bld.region().log_groups.push(LogGroup {
                    meta,
                    retention_days: retention,
                    kms_key_id: s(a, "kms_key_id"),
                });
            }
            "aws_cloudwatch_log_metric_filter" => {
                let meta = bld.meta(raw, None, s(a, "name"), &Value::Null);
                let metrics = a
                    .get("metric_transformation")
                    .items()
                    .into_iter()
                    .map(|m| {
                        (
                            s(m, "namespace").unwrap_or_default(),
                            s(m, "name").unwrap_or_default(),
                        )
                    })
                    .collect();
                bld.region().metric_filters.push(MetricFilter {
                    meta,
                    log_group: s(a, "log_group_name").unwrap_or_default(),
                    pattern: s(a, "pattern").unwrap_or_default(),
                    metrics,
                });
            }
            "aws_cloudwatch_metric_alarm" => {
                let meta = bld.meta(raw, None, s(a, "alarm_name"), a.get("tags"));
                bld.region().alarms.push(Alarm {
                    meta,
                    namespace: s(a, "namespace").unwrap_or_default(),
                    metric_name: s(a, "metric_name").unwrap_or_default(),
                    actions_enabled: b(a, "actions_enabled").unwrap_or(true),
                    alarm_actions: a.get("alarm_actions").strings(),
                });
            }
            "aws_sns_topic" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let arn = meta.arn.clone();
                let pol = policy_or_gap(bld, raw, &arn, a.get("policy"), data::SNS);
                topics.insert(raw.id.clone(), bld.region().sns_topics.len());
                if let Some(x) = s(a, "arn") {
                    topics.insert(x, bld.region().sns_topics.len());
                }
                bld.region().sns_topics.push(SnsTopic {
                    meta,
                    kms_key_id: s(a, "kms_master_key_id"),
                    policy: pol,
                    subscriptions: Vec::new(),
                });
            }
            "aws_lambda_function" => {
                let meta = bld.meta(raw, None, s(a, "function_name"), a.get("tags"));
                let arn = meta.arn.clone();
                let env = a.get("environment").first().get("variables");
                if env.has_unknown() {
                    bld.gap(
                        data::LAMBDA,
                        &arn,
                        &file(raw),
                        "some environment variables are not known before apply",
                    );
                }
                let vpc = a.get("vpc_config").first();
                let f = LambdaFunction {
                    runtime: s(a, "runtime"),
                    role: s(a, "role").unwrap_or_default(),
                    environment: match env {
                        Value::Map(m) => m
                            .iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_string()?)))
                            .collect(),
                        _ => Default::default(),
                    },
                    kms_key_arn: s(a, "kms_key_arn"),
                    vpc: (!vpc.is_null()).then(|| VpcConfig {
                        vpc_id: String::new(),
                        subnet_ids: vpc.get("subnet_ids").strings(),
                        security_group_ids: vpc.get("security_group_ids").strings(),
                    }),
                    policy: None,
                    meta,
                };
                bld.region().lambda_functions.push(f);
            }
            "aws_ecs_task_definition" => {
                let meta = bld.meta(raw, None, s(a, "family"), a.get("tags"));
                let arn = meta.arn.clone();
                let defs = match a.get("container_definitions") {
                    Value::String(t) => serde_json::from_str::<serde_json::Value>(t).ok(),
                    Value::Unknown => {
                        bld.gap(
                            data::ECS,
                            &arn,
                            &file(raw),
                            "the container definitions are not known before apply",
                        );
                        None
                    }
                    _ => None,
                };
                let containers = defs
                    .as_ref()
                    .and_then(|d| d.as_array())
                    .map(|arr| arr.iter().map(container).collect())
                    .unwrap_or_default();
                bld.region().ecs_task_definitions.push(EcsTaskDefinition {
                    meta,
                    task_role: s(a, "task_role_arn"),
                    execution_role: s(a, "execution_role_arn"),
                    network_mode: s(a, "network_mode").unwrap_or_else(|| "bridge".to_owned()),
                    containers,
                });
            }
            "aws_lb" | "aws_alb" | "aws_elb" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                let classic = raw.kind == "aws_elb";
                let logs = a.get("access_logs").first();
                let lb = LoadBalancer {
                    kind: if classic {
                        "classic".to_owned()
                    } else {
                        s(a, "load_balancer_type").unwrap_or_else(|| "application".to_owned())
                    },
                    internet_facing: !b(a, "internal").unwrap_or(false),
                    vpc_id: None,
                    subnet_ids: a.get("subnets").strings(),
                    security_groups: a.get("security_groups").strings(),
                    access_logs: Some(!logs.is_null() && b(logs, "enabled").unwrap_or(classic)),
                    listeners: a
                        .get("listener")
                        .items()
                        .into_iter()
                        .filter_map(|l| {
                            Some(Listener {
                                port: u16::try_from(i(l, "lb_port")?).ok()?,
                                protocol: s(l, "lb_protocol")?.to_uppercase(),
                            })
                        })
                        .collect(),
                    meta,
                };
                lbs.insert(raw.id.clone(), bld.region().load_balancers.len());
                bld.region().load_balancers.push(lb);
            }
            "aws_backup_vault" => {
                let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
                vaults.insert(raw.id.clone(), bld.region().backup_vaults.len());
                if let Some(n) = s(a, "name") {
                    vaults.insert(n, bld.region().backup_vaults.len());
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
            "aws_backup_plan" => {
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
                plans.insert(raw.id.clone(), bld.region().backup_plans.len());
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

    // Pass 2: resources that configure others.
    for raw in raws {
        let a = &raw.attrs;
        let fl = file(raw);
        let kind = raw.kind.as_str();
        if kind.starts_with("aws_s3_bucket_") {
            let target = a.get("bucket");
            let idx = target.as_string().and_then(|t| buckets.get(&t).copied());
            let Some(idx) = idx else {
                if target.is_unknown() {
                    scope_gap(
                        bld,
                        raw,
                        bucket_data(kind),
                        |b| &b.account.buckets,
                        |x| x.meta.arn.clone(),
                        |x| x.meta.origin.address.clone(),
                    );
                }
                continue;
            };
            let mut bucket = bld.account.buckets[idx].clone();
            match kind {
                "aws_s3_bucket_versioning" => {
                    let c = a.get("versioning_configuration").first();
                    let st = c.get("status");
                    let enabled = match st {
                        Value::Unknown => Value::Unknown,
                        v => Value::Bool(v.as_str() == Some("Enabled")),
                    };
                    versioning(bld, &mut bucket, &enabled, c.get("mfa_delete"), &fl);
                    if st.as_str() == Some("Suspended") {
                        bucket.versioning = VersioningStatus::Suspended;
                    }
                }
                "aws_s3_bucket_server_side_encryption_configuration" => {
                    encryption(bld, &mut bucket, a, &fl)
                }
                "aws_s3_bucket_public_access_block" => {
                    bucket.public_access_block = Some(pab(bld, raw, a, &bucket.meta.arn));
                }
                "aws_s3_bucket_policy" => bucket_policy(bld, &mut bucket, a.get("policy"), &fl),
                "aws_s3_bucket_logging" => {
                    bucket.logging = Some(BucketLogging {
                        target_bucket: s(a, "target_bucket").unwrap_or_default(),
                        target_prefix: s(a, "target_prefix").unwrap_or_default(),
                    });
                }
                "aws_s3_bucket_acl" => {
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
                "aws_s3_bucket_lifecycle_configuration" => {
                    bucket.lifecycle_rules = a
                        .get("rule")
                        .items()
                        .into_iter()
                        .map(|r| LifecycleRule {
                            id: s(r, "id").unwrap_or_default(),
                            enabled: s(r, "status").as_deref() == Some("Enabled"),
                            transitions: r
                                .get("transition")
                                .items()
                                .into_iter()
                                .map(|t| {
                                    (
                                        u32_of(t, "days").unwrap_or(0),
                                        s(t, "storage_class").unwrap_or_default(),
                                    )
                                })
                                .collect(),
                            expiration_days: u32_of(r.get("expiration").first(), "days"),
                            noncurrent_transitions: r
                                .get("noncurrent_version_transition")
                                .items()
                                .into_iter()
                                .map(|t| {
                                    (
                                        u32_of(t, "noncurrent_days").unwrap_or(0),
                                        s(t, "storage_class").unwrap_or_default(),
                                    )
                                })
                                .collect(),
                            noncurrent_expiration_days: u32_of(
                                r.get("noncurrent_version_expiration").first(),
                                "noncurrent_days",
                            ),
                        })
                        .collect();
                }
                "aws_s3_bucket_object_lock_configuration" => {
                    let r = a.path(&["rule", "default_retention"]);
                    bucket.object_lock = Some(ObjectLock {
                        enabled: true,
                        mode: s(r, "mode"),
                        days: retention_days(r),
                    });
                }
                _ => {}
            }
            bld.account.buckets[idx] = bucket;
            continue;
        }
        match kind {
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                let target = a.get("security_group_id");
                let Some(idx) = target.as_string().and_then(|t| sgs.get(&t).copied()) else {
                    if target.is_unknown() {
                        scope_gap(
                            bld,
                            raw,
                            data::EC2_SECURITY_GROUPS,
                            |b| {
                                b.account
                                    .regions
                                    .iter()
                                    .find(|r| r.name == b.region)
                                    .map(|r| &r.security_groups)
                                    .expect("region exists")
                            },
                            |x| x.meta.arn.clone(),
                            |x| x.meta.origin.address.clone(),
                        );
                    }
                    continue;
                };
                let sg_arn = bld.region().security_groups[idx].meta.arn.clone();
                let egress = match kind {
                    "aws_security_group_rule" => s(a, "type").as_deref() == Some("egress"),
                    k => k.ends_with("egress_rule"),
                };
                let rules = if kind == "aws_security_group_rule" {
                    let mut r = a.clone();
                    if b(a, "self") == Some(true)
                        && let Value::Map(m) = &mut r
                    {
                        m.insert(
                            "security_groups".to_owned(),
                            Value::List(vec![Value::str(sg_id(bld, idx))]),
                        );
                    }
                    if let Value::Map(m) = &mut r {
                        if let Some(src) = m.remove("source_security_group_id") {
                            m.insert("security_groups".to_owned(), Value::List(vec![src]));
                        }
                        m.remove("self");
                    }
                    inline_sg_rule(bld, raw, &sg_arn, &r, "")
                } else {
                    if [
                        "ip_protocol",
                        "from_port",
                        "to_port",
                        "cidr_ipv4",
                        "cidr_ipv6",
                        "referenced_security_group_id",
                        "prefix_list_id",
                    ]
                    .iter()
                    .any(|k| a.get(k).has_unknown())
                    {
                        bld.gap(
                            data::EC2_SECURITY_GROUPS,
                            &sg_arn,
                            &fl,
                            format!("a rule of `{}` is not known before apply", raw.address),
                        );
                        continue;
                    }
                    sg_rules(
                        &s(a, "ip_protocol").unwrap_or_default(),
                        i(a, "from_port"),
                        i(a, "to_port"),
                        &a.get("cidr_ipv4").strings(),
                        &a.get("cidr_ipv6").strings(),
                        &a.get("prefix_list_id").strings(),
                        &a.get("referenced_security_group_id").strings(),
                        s(a, "description"),
                        &raw.origin,
                    )
                };
                let sg = &mut bld.region().security_groups[idx];
                if egress {
                    sg.egress.extend(rules)
                } else {
                    sg.ingress.extend(rules)
                }
            }
            "aws_network_acl_rule" => {
                let target = a.get("network_acl_id");
                let Some(idx) = target.as_string().and_then(|t| nacls.get(&t).copied()) else {
                    continue;
                };
                let arn = bld.region().network_acls[idx].meta.arn.clone();
                if a.has_unknown()
                    && [
                        "rule_number",
                        "egress",
                        "protocol",
                        "rule_action",
                        "cidr_block",
                        "ipv6_cidr_block",
                        "from_port",
                        "to_port",
                    ]
                    .iter()
                    .any(|k| a.get(k).has_unknown())
                {
                    bld.gap(
                        data::EC2_NETWORK_ACLS,
                        &arn,
                        &fl,
                        format!("`{}` is not known before apply", raw.address),
                    );
                    continue;
                }
                let e = nacl_entry(
                    a,
                    b(a, "egress").unwrap_or(false),
                    s(a, "rule_number").as_deref(),
                    "rule_action",
                    "protocol",
                    "cidr_block",
                    "ipv6_cidr_block",
                    raw.origin.clone(),
                );
                bld.region().network_acls[idx].entries.push(e);
            }
            "aws_network_acl_association" => {
                if let (Some(idx), Some(sn)) = (
                    s(a, "network_acl_id").and_then(|t| nacls.get(&t).copied()),
                    s(a, "subnet_id"),
                ) {
                    bld.region().network_acls[idx].subnet_ids.push(sn);
                }
            }
            "aws_route" => {
                if let Some(idx) = s(a, "route_table_id").and_then(|t| rtbs.get(&t).copied()) {
                    let r = route(a);
                    bld.region().route_tables[idx].routes.extend(r);
                }
            }
            "aws_route_table_association" => {
                if let (Some(idx), Some(sn)) = (
                    s(a, "route_table_id").and_then(|t| rtbs.get(&t).copied()),
                    s(a, "subnet_id"),
                ) {
                    bld.region().route_tables[idx].subnet_ids.push(sn);
                }
            }
            "aws_main_route_table_association" => {
                if let Some(idx) = s(a, "route_table_id").and_then(|t| rtbs.get(&t).copied()) {
                    bld.region().route_tables[idx].main = true;
                }
            }
            "aws_internet_gateway_attachment" => {
                if let (Some(idx), Some(v)) = (
                    s(a, "internet_gateway_id").and_then(|t| igws.get(&t).copied()),
                    s(a, "vpc_id"),
                ) {
                    bld.region().internet_gateways[idx].vpc_ids.push(v);
                }
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let owner_key = match kind {
                    "aws_iam_role_policy" => "role",
                    "aws_iam_user_policy" => "user",
                    _ => "group",
                };
                let owner = s(a, owner_key).unwrap_or_default();
                let data_set = match kind {
                    "aws_iam_role_policy" => data::IAM_ROLES,
                    "aws_iam_user_policy" => data::IAM_USERS,
                    _ => data::IAM_GROUPS,
                };
                let name = s(a, "name").unwrap_or_else(|| raw.address.clone());
                let target_arn = match kind {
                    "aws_iam_role_policy" => roles
                        .get(&owner)
                        .map(|&x| bld.account.iam.roles[x].meta.arn.clone()),
                    "aws_iam_user_policy" => users
                        .get(&owner)
                        .map(|&x| bld.account.iam.users[x].meta.arn.clone()),
                    _ => groups
                        .get(&owner)
                        .map(|&x| bld.account.iam.groups[x].meta.arn.clone()),
                };
                let Some(target_arn) = target_arn else {
                    continue;
                };
                let Some(doc) = policy_or_gap(bld, raw, &target_arn, a.get("policy"), data_set)
                else {
                    continue;
                };
                let p = inline(&name, doc, &raw.origin);
                match kind {
                    "aws_iam_role_policy" => {
                        bld.account.iam.roles[roles[&owner]].inline_policies.push(p)
                    }
                    "aws_iam_user_policy" => {
                        bld.account.iam.users[users[&owner]].inline_policies.push(p)
                    }
                    _ => bld.account.iam.groups[groups[&owner]]
                        .inline_policies
                        .push(p),
                }
            }
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_policy_attachment" => {
                let Some(parn) = s(a, "policy_arn") else {
                    continue;
                };
                let parn = policies.get(&parn).cloned().unwrap_or(parn);
                let mut attach = |list: Vec<String>, k: u8| {
                    for owner in list {
                        match k {
                            0 => {
                                if let Some(&x) = roles.get(&owner) {
                                    bld.account.iam.roles[x]
                                        .attached_policies
                                        .push(parn.clone())
                                }
                            }
                            1 => {
                                if let Some(&x) = users.get(&owner) {
                                    bld.account.iam.users[x]
                                        .attached_policies
                                        .push(parn.clone())
                                }
                            }
                            _ => {
                                if let Some(&x) = groups.get(&owner) {
                                    bld.account.iam.groups[x]
                                        .attached_policies
                                        .push(parn.clone())
                                }
                            }
                        }
                    }
                };
                match kind {
                    "aws_iam_role_policy_attachment" => attach(a.get("role").strings(), 0),
                    "aws_iam_user_policy_attachment" => attach(a.get("user").strings(), 1),
                    "aws_iam_group_policy_attachment" => attach(a.get("group").strings(), 2),
                    _ => {
                        attach(a.get("roles").strings(), 0);
                        attach(a.get("users").strings(), 1);
                        attach(a.get("groups").strings(), 2);
                    }
                }
            }
            "aws_iam_user_login_profile" => {
                if let Some(&x) = s(a, "user").and_then(|u| users.get(&u)) {
                    bld.account.iam.users[x].console_password = true;
                }
            }
            "aws_iam_access_key" => {
                if let Some(&x) = s(a, "user").and_then(|u| users.get(&u)) {
                    let active = s(a, "status").is_none_or(|st| st == "Active");
                    bld.account.iam.users[x].access_keys.push(AccessKey {
                        id: raw.address.clone(),
                        active,
                        created: None,
                        last_used: None,
                        last_used_service: None,
                    });
                }
            }
            "aws_iam_user_group_membership" => {
                if let Some(&x) = s(a, "user").and_then(|u| users.get(&u)) {
                    let gs = a.get("groups").strings();
                    bld.account.iam.users[x].groups.extend(gs);
                }
            }
            "aws_iam_group_membership" => {
                let g = s(a, "group").unwrap_or_default();
                for u in a.get("users").strings() {
                    if let Some(&x) = users.get(&u) {
                        bld.account.iam.users[x].groups.push(g.clone());
                    }
                }
            }
            "aws_iam_virtual_mfa_device" => {}
            "aws_kms_alias" => {
                if let (Some(&x), Some(n)) = (
                    s(a, "target_key_id").and_then(|k| keys.get(&k)),
                    s(a, "name"),
                ) {
                    bld.region().kms_keys[x].aliases.push(n);
                }
            }
            "aws_secretsmanager_secret_rotation" => {
                if let Some(&x) = s(a, "secret_id").and_then(|k| secrets.get(&k)) {
                    let days = u32_of(a.get("rotation_rules").first(), "automatically_after_days");
                    let sec = &mut bld.region().secrets[x];
                    sec.rotation_enabled = true;
                    sec.rotation_days = days;
                }
            }
            "aws_sns_topic_subscription" => {
                if let Some(&x) = s(a, "topic_arn").and_then(|k| topics.get(&k)) {
                    let protocol = s(a, "protocol").unwrap_or_default();
                    // E-mail subscriptions wait for the recipient's confirmation; the rest are
                    // confirmed by the provider on creation.
                    let confirmed = !matches!(protocol.as_str(), "email" | "email-json");
                    bld.region().sns_topics[x].subscriptions.push(Subscription {
                        protocol,
                        endpoint: s(a, "endpoint").unwrap_or_default(),
                        confirmed,
                    });
                }
            }
            "aws_sns_topic_policy" => {
                if let Some(&x) = s(a, "arn").and_then(|k| topics.get(&k)) {
                    let arn = bld.region().sns_topics[x].meta.arn.clone();
                    let p = policy_or_gap(bld, raw, &arn, a.get("policy"), data::SNS);
                    bld.region().sns_topics[x].policy = p;
                }
            }
            "aws_backup_vault_lock_configuration" => {
                if let Some(&x) = s(a, "backup_vault_name").and_then(|k| vaults.get(&k)) {
                    let v = &mut bld.region().backup_vaults[x];
                    v.locked = true;
                    v.lock_compliance_mode = !a.get("changeable_for_days").is_null();
                    v.lock_min_retention_days = u32_of(a, "min_retention_days");
                }
            }
            "aws_backup_selection" => {
                if let Some(&x) = s(a, "plan_id").and_then(|k| plans.get(&k)) {
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
            "aws_lb_listener" | "aws_alb_listener" => {
                if let Some(&x) = s(a, "load_balancer_arn").and_then(|k| lbs.get(&k))
                    && let Some(port) = i(a, "port").and_then(|p| u16::try_from(p).ok())
                {
                    let protocol = s(a, "protocol").unwrap_or_else(|| "HTTP".to_owned());
                    bld.region().load_balancers[x]
                        .listeners
                        .push(Listener { port, protocol });
                }
            }
            _ => {}
        }
    }
}

fn sg_id(bld: &mut Builder, idx: usize) -> String {
    bld.region().security_groups[idx].id.clone()
}

fn bucket_data(kind: &str) -> &'static str {
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

/// A configuration resource whose target is unknown: every resource of that kind in the same
/// module may be the one it configures, so each gets a gap.
fn scope_gap<T>(
    bld: &mut Builder,
    raw: &Raw,
    data_set: &str,
    list: impl Fn(&Builder) -> &Vec<T>,
    arn: impl Fn(&T) -> String,
    address: impl Fn(&T) -> Option<String>,
) {
    let targets: Vec<String> = list(bld)
        .iter()
        .filter(|x| address(x).is_some_and(|ad| scope_of(&ad) == raw.scope))
        .map(&arn)
        .collect();
    for t in targets {
        bld.gap(
            data_set,
            &t,
            &file(raw),
            format!(
                "`{}` configures a resource not known before apply",
                raw.address
            ),
        );
    }
}

fn scope_of(address: &str) -> String {
    // `module.a.module.b.aws_x.y[0]` → `module.a.module.b.`
    let mut out = String::new();
    let mut rest = address;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find('.').map_or(r.len(), |e| e + 1);
        out.push_str("module.");
        out.push_str(&r[..end]);
        rest = &r[end..];
    }
    out
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

fn unknown_blocks(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    a: &Value,
    which: &[&str],
    data_set: &str,
) {
    for label in a.get("@unknown_blocks").strings() {
        if which.contains(&label.as_str()) {
            bld.gap(
                data_set,
                arn,
                &file(raw),
                format!(
                    "the `{label}` blocks of `{}` come from a collection not known before apply",
                    raw.address
                ),
            );
        }
    }
    for w in which {
        if a.get(w).is_unknown() {
            bld.gap(
                data_set,
                arn,
                &file(raw),
                format!("`{w}` of `{}` is not known before apply", raw.address),
            );
        }
    }
}

fn inline_sg_rule(
    bld: &mut Builder,
    raw: &Raw,
    sg_arn: &str,
    r: &Value,
    self_id: &str,
) -> Vec<rampart_model::network::SgRule> {
    let keys = [
        "protocol",
        "from_port",
        "to_port",
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
        "self",
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
    let mut groups = r.get("security_groups").strings();
    if b(r, "self") == Some(true) && !self_id.is_empty() {
        groups.push(self_id.to_owned());
    }
    let origin = if r.line().is_some() {
        nested_origin(raw, r)
    } else {
        raw.origin.clone()
    };
    sg_rules(
        &s(r, "protocol").unwrap_or_default(),
        i(r, "from_port"),
        i(r, "to_port"),
        &r.get("cidr_blocks").strings(),
        &r.get("ipv6_cidr_blocks").strings(),
        &r.get("prefix_list_ids").strings(),
        &groups,
        s(r, "description"),
        &origin,
    )
}

#[allow(clippy::too_many_arguments)]
fn nacl_entry(
    r: &Value,
    egress: bool,
    number: Option<&str>,
    action: &str,
    proto: &str,
    cidr: &str,
    cidr6: &str,
    origin: rampart_model::Origin,
) -> NaclEntry {
    let p = super::protocol(&s(r, proto).unwrap_or_default());
    let num = |p: &str| match p {
        "tcp" => "6".to_owned(),
        "udp" => "17".to_owned(),
        "icmp" => "1".to_owned(),
        "icmpv6" => "58".to_owned(),
        o => o.to_owned(),
    };
    let all = p == "-1";
    NaclEntry {
        rule_number: number.and_then(|n| n.parse().ok()).unwrap_or(0),
        egress,
        protocol: num(&p),
        action: if s(r, action).is_some_and(|x| x.eq_ignore_ascii_case("deny")) {
            RuleAction::Deny
        } else {
            RuleAction::Allow
        },
        cidr: s(r, cidr),
        ipv6_cidr: s(r, cidr6),
        from_port: if all {
            None
        } else {
            i(r, "from_port").and_then(|x| i32::try_from(x).ok())
        },
        to_port: if all {
            None
        } else {
            i(r, "to_port").and_then(|x| i32::try_from(x).ok())
        },
        origin: Some(origin),
    }
}

fn route(r: &Value) -> Option<Route> {
    let dest = s(r, "cidr_block")
        .or_else(|| s(r, "destination_cidr_block"))
        .or_else(|| s(r, "ipv6_cidr_block"))
        .or_else(|| s(r, "destination_ipv6_cidr_block"))
        .or_else(|| s(r, "destination_prefix_list_id"))?;
    let targets = [
        ("gateway_id", RouteTargetKind::InternetGateway),
        (
            "egress_only_gateway_id",
            RouteTargetKind::EgressOnlyInternetGateway,
        ),
        ("nat_gateway_id", RouteTargetKind::NatGateway),
        ("vpc_peering_connection_id", RouteTargetKind::VpcPeering),
        ("transit_gateway_id", RouteTargetKind::TransitGateway),
        ("vpc_endpoint_id", RouteTargetKind::VpcEndpoint),
        ("network_interface_id", RouteTargetKind::NetworkInterface),
        ("instance_id", RouteTargetKind::NetworkInterface),
    ];
    let (target, mut kind) = targets
        .iter()
        .find_map(|(k, kind)| s(r, k).filter(|x| !x.is_empty()).map(|t| (t, *kind)))?;
    if kind == RouteTargetKind::InternetGateway {
        if target.starts_with("vgw-") || target.contains("aws_vpn_gateway") {
            kind = RouteTargetKind::VirtualPrivateGateway;
        } else if target == "local" {
            kind = RouteTargetKind::Local;
        }
    }
    Some(Route {
        destination: dest,
        target_kind: kind,
        target,
        blackhole: false,
    })
}

fn canned_acl(acl: &str) -> Vec<Grant> {
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

fn grants_legacy(v: &Value) -> Vec<Grant> {
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

fn versioning(bld: &mut Builder, bucket: &mut Bucket, enabled: &Value, mfa: &Value, fl: &str) {
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

fn encryption(bld: &mut Builder, bucket: &mut Bucket, c: &Value, fl: &str) {
    for rule in c.get("rule").items() {
        let d = rule.get("apply_server_side_encryption_by_default").first();
        let alg = d.get("sse_algorithm");
        let algorithm = match alg {
            Value::Unknown => {
                bld.gap(
                    data::S3_BUCKET_ENCRYPTION,
                    &bucket.meta.arn,
                    fl,
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
            kms_key_id: s(d, "kms_master_key_id"),
            bucket_key_enabled: b(rule, "bucket_key_enabled").unwrap_or(false),
        });
    }
}

fn bucket_policy(bld: &mut Builder, bucket: &mut Bucket, v: &Value, fl: &str) {
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
            bucket.policy = Some(doc);
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

fn pab(bld: &mut Builder, raw: &Raw, a: &Value, arn: &str) -> PublicAccessBlock {
    let keys = [
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    ];
    let data_set = if arn == "account" {
        data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK
    } else {
        data::S3_BUCKET_PUBLIC_ACCESS_BLOCK
    };
    let target = if arn == "account" {
        raw.iac_arn()
    } else {
        arn.to_owned()
    };
    let mut vals = [false; 4];
    for (slot, k) in vals.iter_mut().zip(keys) {
        *slot = match a.get(k) {
            Value::Unknown => {
                bld.gap(
                    data_set,
                    &target,
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

fn lifecycle_legacy(r: &Value) -> LifecycleRule {
    LifecycleRule {
        id: s(r, "id").unwrap_or_default(),
        enabled: b(r, "enabled").unwrap_or(false),
        transitions: r
            .get("transition")
            .items()
            .into_iter()
            .map(|t| {
                (
                    u32_of(t, "days").unwrap_or(0),
                    s(t, "storage_class").unwrap_or_default(),
                )
            })
            .collect(),
        expiration_days: u32_of(r.get("expiration").first(), "days"),
        noncurrent_transitions: r
            .get("noncurrent_version_transition")
            .items()
            .into_iter()
            .map(|t| {
                (
                    u32_of(t, "days").unwrap_or(0),
                    s(t, "storage_class").unwrap_or_default(),
                )
            })
            .collect(),
        noncurrent_expiration_days: u32_of(r.get("noncurrent_version_expiration").first(), "days"),
    }
}

fn retention_days(r: &Value) -> Option<u32> {
    u32_of(r, "days").or_else(|| u32_of(r, "years").map(|y| y * 365))
}

fn container(c: &serde_json::Value) -> ContainerDefinition {
    let str_of = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    ContainerDefinition {
        name: str_of(c, "name"),
        image: str_of(c, "image"),
        environment: c
            .get("environment")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .map(|kv| {
                        (
                            str_of(kv, "name"),
                            kv.get("value")
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        secrets: c
            .get("secrets")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .map(|kv| (str_of(kv, "name"), str_of(kv, "valueFrom")))
                    .collect()
            })
            .unwrap_or_default(),
        privileged: c
            .get("privileged")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    }
}
