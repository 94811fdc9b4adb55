//! TAG-001 `resource-missing-required-tags`: a resource lacks tags the tagging policy requires.

use rampart_model::compute::Instance;
use rampart_model::security::KeyManager;

use super::missing_tags;
use crate::prelude::*;

/// Untagged resources have no known owner, environment or purpose.
pub struct ResourceMissingRequiredTags;

static META: CheckMeta = CheckMeta {
    code: "TAG-001",
    name: "resource-missing-required-tags",
    title: "A resource is missing tags required by the tagging policy",
    severity: Severity::Low,
    controls: &["GOV-1"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::IAM_USERS,
        data::IAM_ROLES,
        data::S3_BUCKET_TAGS,
        data::EC2_VPC,
        data::EC2_INSTANCES,
        data::EC2_VOLUMES,
        data::RDS,
        data::DYNAMODB,
        data::REDSHIFT,
        data::KMS_KEYS,
        data::SECRETS_MANAGER,
        data::SSM_PARAMETERS,
        data::LAMBDA,
        data::ECS,
        data::ELB,
        // Not `cloudtrail`: IaC inputs mark undeclared trails as a `NotDeclared` gap, which would
        // withhold every tagging failure of the input. A trail that was not read is simply not
        // judged here (nothing unseen is passed).
        data::LOGS_GROUPS,
        data::SNS,
        data::BACKUP_VAULTS,
    ],
    rationale: "Tags are how an incident responder finds who owns a resource, how a cost or \
                access review tells production from test, and how tag-based policies (ABAC, \
                backup selections, SCPs) decide what applies. A resource without the required \
                tags is invisible to those controls: nobody is paged for it, no backup plan \
                selects it, and nobody dares delete it. The required keys are \
                `tagging.required` in `rampart.toml`, compared case-insensitively.",
    remediation: RemediationText {
        text: "Add the missing tags, and make them impossible to forget: `default_tags` in the \
               Terraform AWS provider, a tag policy in AWS Organizations, and an SCP that denies \
               creating untagged resources.",
        cli: Some(
            "aws resourcegroupstaggingapi tag-resources --resource-arn-list <arn> --tags environment=prod,service=shop,owner=platform",
        ),
        terraform: Some(
            "provider \"aws\" {\n  default_tags {\n    tags = {\n      environment = \"prod\"\n      service     = \"shop\"\n      owner       = \"platform\"\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for ResourceMissingRequiredTags {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let required = &ctx.config.tagging.required;
        if required.is_empty() {
            return;
        }
        for account in ctx.accounts() {
            let users = account
                .iam
                .users
                .iter()
                .map(|u| ("IAM user", data::IAM_USERS, &u.meta));
            // Service-linked roles are created and tagged by AWS services, not by you.
            let roles = account
                .iam
                .roles
                .iter()
                .filter(|r| !r.service_linked)
                .map(|r| ("IAM role", data::IAM_ROLES, &r.meta));
            for (kind, need, meta) in users.chain(roles) {
                let judged = Judged {
                    kind,
                    need,
                    meta,
                    account: &account.id,
                    region: None,
                };
                judge(ctx, out, &judged, required);
            }
            for bucket in &account.buckets {
                let judged = Judged {
                    kind: "S3 bucket",
                    need: data::S3_BUCKET_TAGS,
                    meta: &bucket.meta,
                    account: &account.id,
                    region: Some(&bucket.region),
                };
                judge(ctx, out, &judged, required);
            }
            for region in &account.regions {
                for (kind, need, meta) in regional(region) {
                    let judged = Judged {
                        kind,
                        need,
                        meta,
                        account: &account.id,
                        region: Some(&region.name),
                    };
                    judge(ctx, out, &judged, required);
                }
            }
        }
    }
}

/// One resource to judge, with the data set its tags are read with.
struct Judged<'a> {
    kind: &'static str,
    need: &'static str,
    meta: &'a Meta,
    account: &'a str,
    region: Option<&'a str>,
}

/// The taggable resources of a region (security groups have their own check, TAG-002).
pub(super) fn regional(r: &Region) -> Vec<(&'static str, &'static str, &Meta)> {
    let mut v: Vec<(&'static str, &'static str, &Meta)> = Vec::new();
    v.extend(r.vpcs.iter().map(|x| ("VPC", data::EC2_VPC, &x.meta)));
    v.extend(r.subnets.iter().map(|x| ("subnet", data::EC2_VPC, &x.meta)));
    v.extend(
        r.instances
            .iter()
            // A launch configuration takes no tags (the Auto Scaling API has none for it).
            .filter(|i| i.state != "terminated" && i.state != Instance::LAUNCH_CONFIGURATION)
            .map(|x| {
                let kind = if x.is_launch_template() {
                    "launch template"
                } else {
                    "EC2 instance"
                };
                (kind, data::EC2_INSTANCES, &x.meta)
            }),
    );
    // A launch template's block device mapping is not a volume of its own: the template carries
    // the tags (judged above) and the volumes it launches are judged when they exist.
    v.extend(
        r.volumes
            .iter()
            .filter(|x| !rampart_model::compute::is_template_volume(x, &r.instances))
            .map(|x| ("EBS volume", data::EC2_VOLUMES, &x.meta)),
    );
    v.extend(
        r.db_instances
            .iter()
            .map(|x| ("RDS instance", data::RDS, &x.meta)),
    );
    v.extend(
        r.db_clusters
            .iter()
            .map(|x| ("RDS cluster", data::RDS, &x.meta)),
    );
    v.extend(
        r.dynamodb_tables
            .iter()
            .map(|x| ("DynamoDB table", data::DYNAMODB, &x.meta)),
    );
    v.extend(
        r.redshift_clusters
            .iter()
            .map(|x| ("Redshift cluster", data::REDSHIFT, &x.meta)),
    );
    // AWS managed keys cannot be tagged.
    v.extend(
        r.kms_keys
            .iter()
            .filter(|k| k.manager == KeyManager::Customer)
            .map(|x| ("KMS key", data::KMS_KEYS, &x.meta)),
    );
    v.extend(
        r.secrets
            .iter()
            .map(|x| ("secret", data::SECRETS_MANAGER, &x.meta)),
    );
    v.extend(
        r.ssm_parameters
            .iter()
            .map(|x| ("SSM parameter", data::SSM_PARAMETERS, &x.meta)),
    );
    v.extend(
        r.lambda_functions
            .iter()
            .map(|x| ("Lambda function", data::LAMBDA, &x.meta)),
    );
    v.extend(
        r.ecs_task_definitions
            .iter()
            .map(|x| ("ECS task definition", data::ECS, &x.meta)),
    );
    v.extend(
        r.load_balancers
            .iter()
            .map(|x| ("load balancer", data::ELB, &x.meta)),
    );
    v.extend(
        r.trails
            .iter()
            .map(|x| ("CloudTrail trail", data::CLOUDTRAIL, &x.meta)),
    );
    v.extend(
        r.log_groups
            .iter()
            .map(|x| ("log group", data::LOGS_GROUPS, &x.meta)),
    );
    v.extend(
        r.sns_topics
            .iter()
            .map(|x| ("SNS topic", data::SNS, &x.meta)),
    );
    v.extend(
        r.backup_vaults
            .iter()
            .map(|x| ("backup vault", data::BACKUP_VAULTS, &x.meta)),
    );
    v
}

fn judge(ctx: &Context<'_>, out: &mut Sink, r: &Judged<'_>, required: &[String]) {
    let at = At::meta(r.account, r.region, r.meta);
    let missing = missing_tags(&r.meta.tags, required);
    if missing.is_empty() {
        out.pass(
            at,
            format!("{} `{}` carries every required tag", r.kind, r.meta.name),
        );
    } else if crate::root::unseen(ctx, r.need, r.account, r.region, &r.meta.arn) {
        // The tags may exist but were not read: the runner reports the gap.
    } else {
        out.fail(
            at,
            format!(
                "{} `{}` is missing required tag(s) {}",
                r.kind,
                r.meta.name,
                missing.join(", ")
            ),
        )
        .with("resource_type", json!(r.kind))
        .with("missing", json!(missing))
        .with("tags", json!(r.meta.tags.keys().collect::<Vec<_>>()));
    }
}
