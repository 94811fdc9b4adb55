//! BACKUP-001 `data-store-not-in-backup-plan`: a data store has no AWS Backup protection.

use std::collections::BTreeSet;

use rampart_model::storage::{BackupPlan, VersioningStatus};
use rampart_model::{Meta, Region, Tags};

use super::selection::{Candidate, selected_by};
use crate::prelude::*;
use crate::s3::facts;

/// An S3 bucket, DynamoDB table, RDS instance or cluster, or EBS volume that no backup plan in
/// its account and region selects.
pub struct DataStoreNotInBackupPlan;

static META: CheckMeta = CheckMeta {
    code: "BACKUP-001",
    name: "data-store-not-in-backup-plan",
    title: "Data store is not selected by any AWS Backup plan",
    severity: Severity::Medium,
    controls: &["DATA-4"],
    inputs: Input::LSTC,
    compliance: &[fsbp("DynamoDB.4"), fsbp("EC2.28"), fsbp("RDS.26")],
    needs: &[
        data::BACKUP_PLANS,
        data::S3_BUCKETS,
        data::S3_BUCKET_VERSIONING,
        data::DYNAMODB,
        data::RDS,
        data::EC2_VOLUMES,
        data::EC2_INSTANCES,
    ],
    rationale: "Service-level features (RDS automated backups, DynamoDB point-in-time recovery, \
                S3 versioning) live and die with the resource and the account: deleting the \
                database or a compromised administrator removes them too. An AWS Backup plan \
                takes scheduled copies into a vault with its own access policy, encryption and \
                lock, which is what makes recovery possible after ransomware or a malicious \
                deletion. The plan's selections are evaluated as AWS does: ARN patterns with \
                wildcards, exclusions, tag conditions; an EBS volume is also covered when its \
                instance is selected; S3 buckets must be versioned to be backed up. Log buckets \
                and buckets that hold backups are not judged here.",
    remediation: RemediationText {
        text: "Add the resource to a backup plan selection in its region, by ARN or (better) by \
               a tag such as `backup=daily` that the plan selects, with a rule whose retention \
               matches the recovery objectives.",
        cli: Some(
            "aws backup create-backup-selection --backup-plan-id <plan-id> --backup-selection '{\"SelectionName\":\"tagged\",\"IamRoleArn\":\"arn:aws:iam::<account-id>:role/service-role/AWSBackupDefaultServiceRole\",\"ListOfTags\":[{\"ConditionType\":\"STRINGEQUALS\",\"ConditionKey\":\"backup\",\"ConditionValue\":\"daily\"}]}'",
        ),
        terraform: Some(
            "resource \"aws_backup_selection\" \"tagged\" {\n  name         = \"tagged\"\n  plan_id      = aws_backup_plan.daily.id\n  iam_role_arn = aws_iam_role.backup.arn\n  selection_tag {\n    type  = \"STRINGEQUALS\"\n    key   = \"backup\"\n    value = \"daily\"\n  }\n}",
        ),
    },
    manual: false,
};

/// One data store to judge.
struct Store<'a> {
    kind: &'static str,
    meta: &'a Meta,
    region: &'a str,
    /// Instances a volume is attached to (their ARN and tags also select it).
    via: Vec<(&'a str, &'a Tags)>,
    /// Why a selected store is still not backed up.
    unsupported: Option<&'static str>,
}

/// The data stores of `account`. Buckets that receive logs (judged by the LOG-4 and LOG-10
/// checks) and buckets that themselves hold backups are left out.
fn stores<'a>(account: &'a Account, log_buckets: &BTreeSet<String>) -> Vec<Store<'a>> {
    let mut out = Vec::new();
    for b in &account.buckets {
        if log_buckets.contains(&b.meta.name) || facts::backup_reason(b).is_some() {
            continue;
        }
        let unsupported = (b.versioning != VersioningStatus::Enabled)
            .then_some("AWS Backup can only back up S3 buckets with versioning enabled");
        out.push(Store {
            kind: "S3 bucket",
            meta: &b.meta,
            region: &b.region,
            via: Vec::new(),
            unsupported,
        });
    }
    for r in &account.regions {
        let store = |kind, meta| Store {
            kind,
            meta,
            region: &r.name,
            via: Vec::new(),
            unsupported: None,
        };
        out.extend(
            r.dynamodb_tables
                .iter()
                .map(|t| store("DynamoDB table", &t.meta)),
        );
        out.extend(r.db_clusters.iter().map(|c| store("RDS cluster", &c.meta)));
        // Cluster members are backed up with their cluster.
        out.extend(
            r.db_instances
                .iter()
                .filter(|i| i.cluster_id.is_none())
                .map(|i| store("RDS instance", &i.meta)),
        );
        // A launch template's block device mapping is a blueprint, not a volume to back up.
        for v in r
            .volumes
            .iter()
            .filter(|v| !rampart_model::compute::is_template_volume(v, &r.instances))
        {
            let mut s = store("EBS volume", &v.meta);
            s.via = attached_instances(r, &v.attached_to);
            out.push(s);
        }
    }
    out
}

fn attached_instances<'a>(region: &'a Region, ids: &[String]) -> Vec<(&'a str, &'a Tags)> {
    region
        .instances
        .iter()
        .filter(|i| ids.contains(&i.id))
        .map(|i| (i.meta.cloud_arn(), &i.meta.tags))
        .collect()
}

/// What "not selected by any plan" is established from: the plans and the stores, not the
/// bucket versioning that only the "selected but not backed up" failure reads.
const NOT_SELECTED_RESTS_ON: &[&str] = &[
    data::BACKUP_PLANS,
    data::S3_BUCKETS,
    data::DYNAMODB,
    data::RDS,
    data::EC2_VOLUMES,
    data::EC2_INSTANCES,
];

impl Check for DataStoreNotInBackupPlan {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let log_buckets = facts::log_destinations(ctx);
        for account in ctx.accounts() {
            for store in stores(account, &log_buckets) {
                let plans: Vec<&BackupPlan> = account
                    .regions
                    .iter()
                    .filter(|r| r.name == store.region)
                    .flat_map(|r| r.backup_plans.iter())
                    .collect();
                let mut by = Vec::new();
                for plan in &plans {
                    let mut names = selected_by(
                        plan,
                        Candidate {
                            arn: store.meta.cloud_arn(),
                            tags: &store.meta.tags,
                        },
                    );
                    for (arn, tags) in &store.via {
                        names.extend(selected_by(plan, Candidate { arn, tags }));
                    }
                    if !names.is_empty() {
                        names.dedup();
                        by.push(format!("{} ({})", plan.meta.name, names.join(", ")));
                    }
                }
                let at = At::meta(&account.id, Some(store.region), store.meta);
                let name = &store.meta.name;
                match (by.is_empty(), store.unsupported) {
                    // "Selected by no plan" with the Region's plans unread is a guess (a plan
                    // protects only resources of its own Region): the runner reports the gap.
                    (true, _)
                        if crate::root::unseen(
                            ctx,
                            data::BACKUP_PLANS,
                            &account.id,
                            Some(store.region),
                            &store.meta.arn,
                        ) => {}
                    (true, _) => {
                        // Not selected: the store's versioning plays no part.
                        out.fail_resting_on(
                            at,
                            NOT_SELECTED_RESTS_ON,
                            format!("{} `{name}` is not selected by any backup plan", store.kind),
                        )
                        .with(
                            "plans_in_region",
                            json!(plans.iter().map(|p| &p.meta.name).collect::<Vec<_>>()),
                        );
                    }
                    (false, Some(why)) => {
                        out.fail(
                            at,
                            format!(
                                "{} `{name}` is selected by {} but is not backed up: {why}",
                                store.kind,
                                by.join("; ")
                            ),
                        )
                        .with("selected_by", json!(by));
                    }
                    (false, None) => {
                        out.pass(
                            at,
                            format!("{} `{name}` is backed up by {}", store.kind, by.join("; ")),
                        )
                        .with("selected_by", json!(by));
                    }
                }
            }
        }
    }
}
