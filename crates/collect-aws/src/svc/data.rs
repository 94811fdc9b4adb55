//! Data services: RDS, DynamoDB, Redshift, AWS Backup.

use aws_config::SdkConfig;
use rampart_model::storage::{
    BackupPlan, BackupRule, BackupSelection, BackupVault, DbCluster, DbInstance, DynamoTable,
    RedshiftCluster, TableKeyKind,
};
use rampart_model::{Meta, Region, Timestamp, data};

use crate::ctx::{Ctx, origin, policy_doc, ts};
use crate::svc::{client, tags, u32_of};

const RDS: &str = "RDS";
const DDB: &str = "DynamoDB";
const REDSHIFT: &str = "Redshift";
const BACKUP: &str = "Backup";
const KMS: &str = "KMS";

fn port(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok())
}

/// RDS instances and clusters.
pub(crate) async fn rds(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_rds, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let (instances, clusters) = tokio::join!(
        ctx.list(
            data::RDS,
            RDS,
            "DescribeDBInstances",
            |m| c.describe_db_instances().set_marker(m).send(),
            |o| (o.db_instances.unwrap_or_default(), o.marker)
        ),
        ctx.list(
            data::RDS,
            RDS,
            "DescribeDBClusters",
            |m| c.describe_db_clusters().set_marker(m).send(),
            |o| (o.db_clusters.unwrap_or_default(), o.marker)
        ),
    );
    if let Some(list) = instances {
        for d in list {
            let id = d.db_instance_identifier().unwrap_or_default();
            region.db_instances.push(DbInstance {
                meta: Meta {
                    arn: d
                        .db_instance_arn()
                        .map_or_else(|| ctx.arn("rds", &format!("db:{id}")), str::to_owned),
                    name: id.to_owned(),
                    tags: tags(d.tag_list().iter().map(|t| (t.key(), t.value()))),
                    origin: origin(RDS, "DescribeDBInstances"),
                },
                id: id.to_owned(),
                engine: d.engine().unwrap_or_default().to_owned(),
                storage_encrypted: d.storage_encrypted().unwrap_or(false),
                kms_key_id: d.kms_key_id().map(str::to_owned),
                publicly_accessible: d.publicly_accessible().unwrap_or(false),
                vpc_id: d
                    .db_subnet_group()
                    .and_then(|g| g.vpc_id())
                    .map(str::to_owned),
                subnet_ids: d
                    .db_subnet_group()
                    .map(|g| {
                        g.subnets()
                            .iter()
                            .filter_map(|s| s.subnet_identifier().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                security_groups: d
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                    .collect(),
                port: port(d.endpoint().and_then(|e| e.port()).or(d.db_instance_port())),
                cluster_id: d.db_cluster_identifier().map(str::to_owned),
                backup_retention_days: u32_of(d.backup_retention_period().unwrap_or(0)),
                deletion_protection: d.deletion_protection().unwrap_or(false),
            });
        }
    }
    if let Some(list) = clusters {
        for d in list {
            let id = d.db_cluster_identifier().unwrap_or_default();
            region.db_clusters.push(DbCluster {
                meta: Meta {
                    arn: d
                        .db_cluster_arn()
                        .map_or_else(|| ctx.arn("rds", &format!("cluster:{id}")), str::to_owned),
                    name: id.to_owned(),
                    tags: tags(d.tag_list().iter().map(|t| (t.key(), t.value()))),
                    origin: origin(RDS, "DescribeDBClusters"),
                },
                id: id.to_owned(),
                engine: d.engine().unwrap_or_default().to_owned(),
                storage_encrypted: d.storage_encrypted().unwrap_or(false),
                kms_key_id: d.kms_key_id().map(str::to_owned),
                security_groups: d
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                    .collect(),
                port: port(d.port()),
                backup_retention_days: u32_of(d.backup_retention_period().unwrap_or(0)),
                deletion_protection: d.deletion_protection().unwrap_or(false),
            });
        }
    }
    region
}

/// DynamoDB tables, with who manages their key (asked of KMS) and point-in-time recovery.
pub(crate) async fn dynamodb(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_dynamodb, ctx, &config);
    let kms = client!(aws_sdk_kms, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(names) = ctx
        .list(
            data::DYNAMODB,
            DDB,
            "ListTables",
            |t| c.list_tables().set_exclusive_start_table_name(t).send(),
            |o| {
                (
                    o.table_names.unwrap_or_default(),
                    o.last_evaluated_table_name,
                )
            },
        )
        .await
    else {
        return region;
    };
    let ctx2 = ctx.clone();
    let tables = ctx
        .map(names, move |name: String| {
            let (ctx, c, kms) = (ctx2.clone(), c.clone(), kms.clone());
            async move {
                let arn_guess = ctx.arn("dynamodb", &format!("table/{name}"));
                let t = ctx
                    .get_for(
                        data::DYNAMODB,
                        DDB,
                        "DescribeTable",
                        &arn_guess,
                        c.describe_table().table_name(&name).send(),
                    )
                    .await?
                    .table?;
                let arn = t.table_arn().unwrap_or(&arn_guess).to_owned();
                let sse = t.sse_description();
                let enabled_kms = sse.is_some_and(|s| {
                    s.status()
                        .is_some_and(|st| matches!(st.as_str(), "ENABLED" | "UPDATING"))
                        && s.sse_type().is_some_and(|ty| ty.as_str() == "KMS")
                });
                let kms_key_arn = sse.and_then(|s| s.kms_master_key_arn()).map(str::to_owned);
                let key_kind = match (&kms_key_arn, enabled_kms) {
                    (Some(key), true) => {
                        let described = ctx
                            .get_for(
                                data::DYNAMODB,
                                KMS,
                                "DescribeKey",
                                &arn,
                                kms.describe_key().key_id(key).send(),
                            )
                            .await;
                        if described
                            .as_ref()
                            .and_then(|o| o.key_metadata())
                            .and_then(|m| m.key_manager())
                            .is_some_and(|m| m.as_str() == "AWS")
                        {
                            TableKeyKind::AwsManaged
                        } else {
                            TableKeyKind::CustomerManaged
                        }
                    }
                    (None, true) => TableKeyKind::AwsManaged,
                    _ => TableKeyKind::AwsOwned,
                };
                let (pitr, tag_list) = tokio::join!(
                    ctx.get_for(
                        data::DYNAMODB,
                        DDB,
                        "DescribeContinuousBackups",
                        &arn,
                        c.describe_continuous_backups().table_name(&name).send()
                    ),
                    ctx.list_for(
                        data::DYNAMODB,
                        &arn,
                        DDB,
                        "ListTagsOfResource",
                        |t| c
                            .list_tags_of_resource()
                            .resource_arn(&arn)
                            .set_next_token(t)
                            .send(),
                        |o| (o.tags.unwrap_or_default(), o.next_token)
                    ),
                );
                let point_in_time_recovery = pitr.map(|o| {
                    o.continuous_backups_description()
                        .and_then(|d| d.point_in_time_recovery_description())
                        .and_then(|p| p.point_in_time_recovery_status())
                        .is_some_and(|s| s.as_str() == "ENABLED")
                });
                let tags = tag_list
                    .map(|list| tags(list.iter().map(|t| (Some(t.key()), Some(t.value())))))
                    .unwrap_or_default();
                Some(DynamoTable {
                    meta: Meta {
                        arn: arn.clone(),
                        name: name.clone(),
                        tags,
                        origin: origin(DDB, "DescribeTable"),
                    },
                    key_kind,
                    kms_key_arn,
                    point_in_time_recovery,
                    deletion_protection: t.deletion_protection_enabled().unwrap_or(false),
                })
            }
        })
        .await;
    region.dynamodb_tables = tables.into_iter().flatten().collect();
    region
}

/// Redshift clusters.
pub(crate) async fn redshift(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_redshift, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    if let Some(list) = ctx
        .list(
            data::REDSHIFT,
            REDSHIFT,
            "DescribeClusters",
            |m| c.describe_clusters().set_marker(m).send(),
            |o| (o.clusters.unwrap_or_default(), o.marker),
        )
        .await
    {
        for cl in list {
            let id = cl.cluster_identifier().unwrap_or_default();
            region.redshift_clusters.push(RedshiftCluster {
                meta: Meta {
                    arn: ctx.arn("redshift", &format!("cluster:{id}")),
                    name: id.to_owned(),
                    tags: tags(cl.tags().iter().map(|t| (t.key(), t.value()))),
                    origin: origin(REDSHIFT, "DescribeClusters"),
                },
                id: id.to_owned(),
                encrypted: cl.encrypted().unwrap_or(false),
                kms_key_id: cl.kms_key_id().map(str::to_owned),
                publicly_accessible: cl.publicly_accessible().unwrap_or(false),
                vpc_id: cl.vpc_id().map(str::to_owned),
                security_groups: cl
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                    .collect(),
                port: port(cl.endpoint().and_then(|e| e.port())),
            });
        }
    }
    region
}

/// AWS Backup vaults (with lock state and access policy) and plans (with rules and selections).
pub(crate) async fn backup(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_backup, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let (vaults, plans) = tokio::join!(
        ctx.list(
            data::BACKUP_VAULTS,
            BACKUP,
            "ListBackupVaults",
            |t| c.list_backup_vaults().set_next_token(t).send(),
            |o| (o.backup_vault_list.unwrap_or_default(), o.next_token)
        ),
        ctx.list(
            data::BACKUP_PLANS,
            BACKUP,
            "ListBackupPlans",
            |t| c.list_backup_plans().set_next_token(t).send(),
            |o| (o.backup_plans_list.unwrap_or_default(), o.next_token)
        ),
    );
    let now = Timestamp::now();
    if let Some(list) = vaults {
        let (ctx2, c2) = (ctx.clone(), c.clone());
        region.backup_vaults = ctx
            .map(list, move |v| {
                let (ctx, c) = (ctx2.clone(), c2.clone());
                async move {
                    let name = v.backup_vault_name().unwrap_or_default().to_owned();
                    let arn = v.backup_vault_arn().unwrap_or_default().to_owned();
                    let (policy, tag_map) = tokio::join!(
                        // No access policy: `ResourceNotFoundException`, an answer.
                        ctx.get_setting(
                            data::BACKUP_VAULT_POLICY,
                            BACKUP,
                            "GetBackupVaultAccessPolicy",
                            &arn,
                            &["ResourceNotFoundException"],
                            c.get_backup_vault_access_policy()
                                .backup_vault_name(&name)
                                .send()
                        ),
                        ctx.get_for(
                            data::BACKUP_VAULT_TAGS,
                            BACKUP,
                            "ListTags",
                            &arn,
                            c.list_tags().resource_arn(&arn).send()
                        ),
                    );
                    let access_policy = policy.flatten().and_then(|o| o.policy().map(policy_doc));
                    let tags = tag_map
                        .map(|o| o.tags.unwrap_or_default().into_iter().collect())
                        .unwrap_or_default();
                    let locked = v.locked().unwrap_or(false);
                    BackupVault {
                        meta: Meta {
                            arn,
                            name,
                            tags,
                            origin: origin(BACKUP, "ListBackupVaults"),
                        },
                        encryption_key_arn: v.encryption_key_arn().map(str::to_owned),
                        locked,
                        lock_compliance_mode: locked && ts(v.lock_date()).is_some_and(|d| d <= now),
                        lock_min_retention_days: v
                            .min_retention_days()
                            .and_then(|d| u32::try_from(d).ok()),
                        access_policy,
                    }
                }
            })
            .await;
    }
    if let Some(list) = plans {
        let (ctx2, c2) = (ctx.clone(), c.clone());
        region.backup_plans = ctx
            .map(list, move |p| {
                let (ctx, c) = (ctx2.clone(), c2.clone());
                async move { plan(&ctx, &c, p).await }
            })
            .await
            .into_iter()
            .flatten()
            .collect();
    }
    region
}

async fn plan(
    ctx: &Ctx,
    c: &aws_sdk_backup::Client,
    p: aws_sdk_backup::types::BackupPlansListMember,
) -> Option<BackupPlan> {
    let id = p.backup_plan_id()?.to_owned();
    let arn = p.backup_plan_arn().unwrap_or_default().to_owned();
    let (detail, selections, tag_map) = tokio::join!(
        ctx.get_for(
            data::BACKUP_PLANS,
            BACKUP,
            "GetBackupPlan",
            &arn,
            c.get_backup_plan().backup_plan_id(&id).send()
        ),
        ctx.list_for(
            data::BACKUP_PLANS,
            &arn,
            BACKUP,
            "ListBackupSelections",
            |t| c
                .list_backup_selections()
                .backup_plan_id(&id)
                .set_next_token(t)
                .send(),
            |o| (o.backup_selections_list.unwrap_or_default(), o.next_token)
        ),
        ctx.get_for(
            data::BACKUP_PLANS,
            BACKUP,
            "ListTags",
            &arn,
            c.list_tags().resource_arn(&arn).send()
        ),
    );
    let rules = detail?
        .backup_plan()
        .map(|bp| {
            bp.rules()
                .iter()
                .map(|r| BackupRule {
                    name: r.rule_name().to_owned(),
                    target_vault: r.target_backup_vault_name().to_owned(),
                    schedule: r.schedule_expression().map(str::to_owned),
                    delete_after_days: r
                        .lifecycle()
                        .and_then(|l| l.delete_after_days())
                        .and_then(|d| u32::try_from(d).ok()),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut sels = Vec::new();
    for s in selections.unwrap_or_default() {
        let Some(sid) = s.selection_id() else {
            continue;
        };
        let Some(o) = ctx
            .get_for(
                data::BACKUP_PLANS,
                BACKUP,
                "GetBackupSelection",
                &arn,
                c.get_backup_selection()
                    .backup_plan_id(&id)
                    .selection_id(sid)
                    .send(),
            )
            .await
        else {
            continue;
        };
        if let Some(sel) = o.backup_selection() {
            sels.push(BackupSelection {
                name: sel.selection_name().to_owned(),
                resources: sel.resources().to_vec(),
                not_resources: sel.not_resources().to_vec(),
                tags: sel
                    .list_of_tags()
                    .iter()
                    .map(|t| (t.condition_key().to_owned(), t.condition_value().to_owned()))
                    .collect(),
            });
        }
    }
    let tags = tag_map
        .map(|o| o.tags.unwrap_or_default().into_iter().collect())
        .unwrap_or_default();
    Some(BackupPlan {
        meta: Meta {
            arn,
            name: p.backup_plan_name().unwrap_or_default().to_owned(),
            tags,
            origin: origin(BACKUP, "ListBackupPlans"),
        },
        rules,
        selections: sels,
        last_execution: ts(p.last_execution_date()),
    })
}
