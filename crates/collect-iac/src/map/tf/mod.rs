//! Terraform resource types (AWS provider) into the Inventory.
//!
//! One function per resource type, grouped by area like the model, dispatched from two tables:
//! [`PRIMARY`] resources stand on their own and are mapped first; [`CHILDREN`] configure one
//! from outside (`aws_s3_bucket_versioning`, `aws_security_group_rule`,
//! `aws_iam_role_policy_attachment`…) and are attached to their target, found in the [`Index`]
//! by the `id` or name the reference evaluated to.

mod compute;
mod iam;
mod logging;
mod network;
mod security;
mod storage;

use std::collections::HashMap;

use super::{Builder, file};
pub(super) use super::{b, i, known_bool, s, u32_of};
use crate::raw::Raw;
use crate::value::Value;

/// Where each mapped resource went, by every name other resources may use for it (its `id`,
/// name, ARN): the position in its list.
#[derive(Debug, Default)]
pub struct Index {
    buckets: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    rtbs: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    users: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    topics: HashMap<String, usize>,
    secrets: HashMap<String, usize>,
    vaults: HashMap<String, usize>,
    plans: HashMap<String, usize>,
    keys: HashMap<String, usize>,
    igws: HashMap<String, usize>,
    lbs: HashMap<String, usize>,
    access_points: HashMap<String, usize>,
    policies: HashMap<String, String>,
    /// Buckets configured here but declared elsewhere, with the data sets declared for them.
    outside_buckets: std::collections::BTreeMap<usize, Vec<&'static str>>,
}

/// Records in `map` that the resource at position `at` of its list is named by each of `keys`
/// (its `id`, name, ARN — whichever are known).
pub(super) fn remember(
    map: &mut HashMap<String, usize>,
    at: usize,
    keys: impl IntoIterator<Item = Option<String>>,
) {
    for k in keys.into_iter().flatten() {
        map.insert(k, at);
    }
}

/// Maps one resource of its type.
pub type Mapper = fn(&mut Builder, &mut Index, &Raw);

/// Resources that stand on their own.
pub const PRIMARY: &[(&str, Mapper)] = &[
    ("aws_s3_bucket", storage::s3_bucket),
    ("aws_s3_access_point", storage::s3_access_point),
    (
        "aws_s3_account_public_access_block",
        storage::s3_account_public_access_block,
    ),
    ("aws_security_group", network::security_group),
    ("aws_default_security_group", network::security_group),
    ("aws_network_acl", network::network_acl),
    ("aws_default_network_acl", network::network_acl),
    ("aws_vpc", network::vpc),
    ("aws_default_vpc", network::vpc),
    ("aws_subnet", network::subnet),
    ("aws_internet_gateway", network::internet_gateway),
    (
        "aws_egress_only_internet_gateway",
        network::internet_gateway,
    ),
    ("aws_nat_gateway", network::nat_gateway),
    ("aws_route_table", network::route_table),
    ("aws_default_route_table", network::route_table),
    ("aws_vpc_endpoint", network::vpc_endpoint),
    ("aws_flow_log", network::flow_log),
    ("aws_iam_role", iam::iam_role),
    ("aws_iam_user", iam::iam_user),
    ("aws_iam_group", iam::iam_group),
    ("aws_iam_policy", iam::iam_policy),
    (
        "aws_iam_account_password_policy",
        iam::iam_account_password_policy,
    ),
    ("aws_iam_account_alias", iam::iam_account_alias),
    ("aws_iam_instance_profile", iam::iam_instance_profile),
    ("aws_instance", compute::instance),
    ("aws_ebs_volume", storage::ebs_volume),
    (
        "aws_ebs_encryption_by_default",
        storage::ebs_encryption_by_default,
    ),
    ("aws_db_instance", storage::db_instance),
    ("aws_rds_cluster", storage::rds_cluster),
    ("aws_dynamodb_table", storage::dynamodb_table),
    ("aws_redshift_cluster", storage::redshift_cluster),
    ("aws_kms_key", security::kms_key),
    ("aws_kms_external_key", security::kms_key),
    ("aws_secretsmanager_secret", security::secretsmanager_secret),
    ("aws_ssm_parameter", security::ssm_parameter),
    ("aws_cloudtrail", logging::cloudtrail),
    ("aws_cloudwatch_log_group", logging::cloudwatch_log_group),
    (
        "aws_cloudwatch_log_metric_filter",
        logging::cloudwatch_log_metric_filter,
    ),
    (
        "aws_cloudwatch_metric_alarm",
        logging::cloudwatch_metric_alarm,
    ),
    ("aws_sns_topic", logging::sns_topic),
    ("aws_lambda_function", compute::lambda_function),
    ("aws_ecs_task_definition", compute::ecs_task_definition),
    ("aws_lb", compute::lb),
    ("aws_alb", compute::lb),
    ("aws_elb", compute::lb),
    ("aws_backup_vault", storage::backup_vault),
    ("aws_backup_plan", storage::backup_plan),
    ("aws_launch_template", compute::launch_template),
    ("aws_efs_file_system", storage::at_rest_store),
    ("aws_elasticache_replication_group", storage::at_rest_store),
    ("aws_opensearch_domain", storage::at_rest_store),
    ("aws_elasticsearch_domain", storage::at_rest_store),
    ("aws_launch_configuration", compute::launch_configuration),
    ("aws_rds_cluster_instance", storage::rds_cluster_instance),
    ("aws_docdb_cluster", storage::docdb_neptune_cluster),
    ("aws_neptune_cluster", storage::docdb_neptune_cluster),
    (
        "aws_ssoadmin_permission_set_inline_policy",
        iam::ssoadmin_permission_set_inline_policy,
    ),
];

/// Resources that configure another one, mapped once every primary resource is known.
pub const CHILDREN: &[(&str, Mapper)] = &[
    ("aws_s3_bucket_versioning", storage::bucket_part),
    (
        "aws_s3_bucket_server_side_encryption_configuration",
        storage::bucket_part,
    ),
    ("aws_s3_bucket_public_access_block", storage::bucket_part),
    ("aws_s3_bucket_policy", storage::bucket_part),
    ("aws_s3_bucket_logging", storage::bucket_part),
    ("aws_s3_bucket_acl", storage::bucket_part),
    ("aws_s3_bucket_ownership_controls", storage::bucket_part),
    (
        "aws_s3_bucket_lifecycle_configuration",
        storage::bucket_part,
    ),
    (
        "aws_s3_bucket_object_lock_configuration",
        storage::bucket_part,
    ),
    (
        "aws_s3control_access_point_policy",
        storage::s3control_access_point_policy,
    ),
    ("aws_security_group_rule", network::security_group_rule),
    (
        "aws_vpc_security_group_ingress_rule",
        network::security_group_rule,
    ),
    (
        "aws_vpc_security_group_egress_rule",
        network::security_group_rule,
    ),
    ("aws_network_acl_rule", network::network_acl_rule),
    (
        "aws_network_acl_association",
        network::network_acl_association,
    ),
    ("aws_route", network::route),
    (
        "aws_route_table_association",
        network::route_table_association,
    ),
    (
        "aws_main_route_table_association",
        network::main_route_table_association,
    ),
    (
        "aws_internet_gateway_attachment",
        network::internet_gateway_attachment,
    ),
    ("aws_iam_role_policy", iam::iam_role_policy),
    ("aws_iam_user_policy", iam::iam_role_policy),
    ("aws_iam_group_policy", iam::iam_role_policy),
    (
        "aws_iam_role_policy_attachment",
        iam::iam_role_policy_attachment,
    ),
    (
        "aws_iam_user_policy_attachment",
        iam::iam_role_policy_attachment,
    ),
    (
        "aws_iam_group_policy_attachment",
        iam::iam_role_policy_attachment,
    ),
    ("aws_iam_policy_attachment", iam::iam_role_policy_attachment),
    ("aws_iam_user_login_profile", iam::iam_user_login_profile),
    ("aws_iam_access_key", iam::iam_access_key),
    (
        "aws_iam_user_group_membership",
        iam::iam_user_group_membership,
    ),
    ("aws_iam_group_membership", iam::iam_group_membership),
    ("aws_kms_alias", security::kms_alias),
    ("aws_kms_key_policy", security::kms_key_policy),
    (
        "aws_secretsmanager_secret_rotation",
        security::secretsmanager_secret_rotation,
    ),
    (
        "aws_sns_topic_subscription",
        logging::sns_topic_subscription,
    ),
    ("aws_sns_topic_policy", logging::sns_topic_policy),
    (
        "aws_backup_vault_lock_configuration",
        storage::backup_vault_lock_configuration,
    ),
    ("aws_backup_selection", storage::backup_selection),
    ("aws_lb_listener", compute::lb_listener),
    ("aws_alb_listener", compute::lb_listener),
    ("aws_autoscaling_group", compute::autoscaling_group),
];

/// The mapper of a resource type, and whether it is a child (mapped in the second pass).
#[must_use]
pub fn mapper(kind: &str) -> Option<(Mapper, bool)> {
    let find = |t: &[(&str, Mapper)]| t.iter().find(|(k, _)| *k == kind).map(|(_, f)| *f);
    find(PRIMARY)
        .map(|f| (f, false))
        .or_else(|| find(CHILDREN).map(|f| (f, true)))
}

/// Maps every resource of `raws` into `bld`.
pub fn map(bld: &mut Builder, raws: &[Raw]) {
    let table: HashMap<&str, (Mapper, bool)> = PRIMARY
        .iter()
        .map(|(k, f)| (*k, (*f, false)))
        .chain(CHILDREN.iter().map(|(k, f)| (*k, (*f, true))))
        .collect();
    let mut ix = Index::default();
    for child in [false, true] {
        if child {
            super::implicit_default_groups(bld);
        }
        for raw in raws {
            if let Some((f, c)) = table.get(raw.kind.as_str())
                && *c == child
            {
                match &raw.instances_unknown {
                    None => f(bld, &mut ix, raw),
                    Some(why) if !child => {
                        f(bld, &mut ix, raw);
                        for d in own_data(&raw.kind) {
                            bld.instances_gap(raw, d, why);
                        }
                    }
                    Some(_) => f(bld, &mut ix, &may_not_exist(raw)),
                }
            }
        }
    }
    storage::outside_bucket_gaps(bld, &ix);
    super::implicit_network_defaults(bld);
    public_ip_from_subnet(bld, raws);
}

/// The data sets a resource type's own verdicts rest on: where a resource whose instances are
/// not known before apply withholds them.
fn own_data(kind: &str) -> &'static [&'static str] {
    use rampart_model::data as d;
    let k = kind.trim_start_matches("aws_");
    match k {
        _ if k.starts_with("s3_account") => &[d::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK],
        "s3_access_point" => &[d::S3_ACCESS_POINTS],
        _ if k.starts_with("s3_") => &[d::S3_BUCKETS],
        "security_group" | "default_security_group" => &[d::EC2_SECURITY_GROUPS],
        "network_acl" | "default_network_acl" => &[d::EC2_NETWORK_ACLS],
        "flow_log" => &[d::EC2_FLOW_LOGS],
        "instance" | "launch_template" | "launch_configuration" | "autoscaling_group" => {
            &[d::EC2_INSTANCES]
        }
        "ebs_volume" => &[d::EC2_VOLUMES],
        "ebs_encryption_by_default" => &[d::EC2_EBS_DEFAULT_ENCRYPTION],
        _ if k.starts_with("vpc")
            || k.starts_with("default_vpc")
            || k.starts_with("subnet")
            || k.contains("gateway")
            || k.contains("route_table") =>
        {
            &[d::EC2_VPC]
        }
        "iam_role" => &[d::IAM_ROLES],
        "iam_user" => &[d::IAM_USERS],
        "iam_group" => &[d::IAM_GROUPS],
        "iam_policy" | "ssoadmin_permission_set_inline_policy" => &[d::IAM_POLICIES],
        "iam_instance_profile" => &[d::IAM_INSTANCE_PROFILES],
        "iam_account_password_policy" => &[d::IAM_PASSWORD_POLICY],
        "iam_account_alias" => &[d::IAM_ALIASES],
        _ if k.starts_with("db_")
            || k.starts_with("rds_")
            || k.starts_with("docdb")
            || k.starts_with("neptune") =>
        {
            &[d::RDS]
        }
        "dynamodb_table" => &[d::DYNAMODB],
        "redshift_cluster" => &[d::REDSHIFT],
        "kms_key" => &[d::KMS_KEYS],
        "secretsmanager_secret" => &[d::SECRETS_MANAGER],
        "ssm_parameter" => &[d::SSM_PARAMETERS],
        "cloudtrail" => &[d::CLOUDTRAIL],
        "cloudwatch_log_group" => &[d::LOGS_GROUPS],
        "cloudwatch_log_metric_filter" => &[d::LOGS_METRIC_FILTERS],
        "cloudwatch_metric_alarm" => &[d::CLOUDWATCH_ALARMS],
        "sns_topic" => &[d::SNS],
        "lambda_function" => &[d::LAMBDA],
        "ecs_task_definition" => &[d::ECS],
        "lb" | "alb" | "elb" => &[d::ELB],
        "backup_vault" => &[d::BACKUP_VAULTS],
        "backup_plan" => &[d::BACKUP_PLANS],
        _ => &[d::AT_REST_STORES],
    }
}

/// The attributes by which a resource that configures another names it: kept as declared when
/// the resource may not exist, so that its target is still found.
const TARGET_KEYS: &[&str] = &[
    "security_group_id",
    "network_acl_id",
    "route_table_id",
    "internet_gateway_id",
    "bucket",
    "role",
    "user",
    "group",
    "roles",
    "users",
    "groups",
    "name",
    "type",
    "target_key_id",
    "key_id",
    "secret_id",
    "topic_arn",
    "arn",
    "backup_vault_name",
    "plan_id",
    "load_balancer_arn",
    "launch_configuration",
    "launch_template",
    "mixed_instances_policy",
];

/// A resource configuring another one whose instances are not known before apply (a rule, a
/// policy, a bucket setting behind `count = var.enabled ? 1 : 0`): it may or may not exist, so
/// what it sets is unknown. Every attribute but the ones naming its target becomes unknown, and
/// the mapper records what it would set as not known before apply on the target: the
/// target's passes are withdrawn (`not_assessed`), its other failures stand.
fn may_not_exist(raw: &Raw) -> Raw {
    let mut r = raw.clone();
    if let Value::Map(m) = &mut r.attrs {
        for (k, v) in m.iter_mut() {
            if !k.starts_with('@') && !v.is_null() && !TARGET_KEYS.contains(&k.as_str()) {
                *v = Value::Unknown;
            }
        }
    }
    r
}

/// An instance that does not set `associate_public_ip_address` gets a public address when its
/// subnet sets `map_public_ip_on_launch` (EC2's rule for the default network interface).
fn public_ip_from_subnet(bld: &mut Builder, raws: &[Raw]) {
    let region = bld.region();
    let public_subnets = super::public_subnets(region);
    for raw in raws.iter().filter(|r| r.kind == "aws_instance") {
        let a = &raw.attrs;
        if !a.get("associate_public_ip_address").is_null() {
            continue;
        }
        let Some(subnet) = s(a, "subnet_id") else {
            continue;
        };
        if public_subnets.contains(&subnet)
            && let Some(inst) = region.instances.iter_mut().find(|i| i.id == raw.id)
        {
            inst.public_ip = Some("(assigned on launch)".to_owned());
        }
    }
}

/// The position of the parent `raw` names in its attribute `key`, looked up in `map` (one of the
/// [`Index`]'s); when it is not declared in this input, `raw` is recorded as configuring a
/// resource outside it (see [`Builder::orphan`]) and `None` is returned.
pub(super) fn parent(
    bld: &mut Builder,
    raw: &Raw,
    map: &HashMap<String, usize>,
    key: &str,
    data_set: &str,
    what: &str,
) -> Option<usize> {
    let id = s(&raw.attrs, key);
    let found = id.as_ref().and_then(|k| map.get(k)).copied();
    if found.is_none() {
        bld.orphan(raw, data_set, what, id.as_deref());
    }
    found
}

pub(super) fn unknown_blocks(
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

/// An optional string argument: its value; `None` when it is not set; when it is known only
/// after apply, a gap on `data_set` for this resource and a placeholder value (so that no check
/// fails on it and its pass is withdrawn: `not_assessed` for this resource alone).
pub(super) fn opt_str(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    a: &Value,
    key: &str,
    data_set: &str,
) -> Option<String> {
    let v = a.get(key);
    if v.has_unknown() {
        bld.gap(
            data_set,
            arn,
            &file(raw),
            format!("`{key}` of `{}` is not known before apply", raw.address),
        );
        return Some(super::policy::UNKNOWN_MARK.to_owned());
    }
    v.as_string()
}
