//! Logging and monitoring: CloudTrail, CloudWatch Logs, CloudWatch alarms, SNS.

use std::sync::Arc;

use aws_config::SdkConfig;
use rampart_model::logging::{
    AdvancedEventSelector, Alarm, EventSelector, FieldSelector, LogGroup, MetricFilter, SnsTopic,
    Subscription, Trail,
};
use rampart_model::{Meta, Region, data};

use crate::ctx::{Ctx, origin, policy_doc};
use crate::svc::{client, tags, u32_of};

const TRAIL: &str = "CloudTrail";
const LOGS: &str = "CloudWatch Logs";
const CW: &str = "CloudWatch";
const SNS: &str = "SNS";

/// Whether this region's collector keeps a trail listed here, so that each trail is kept
/// once (deduplicated by ARN across regions) with its home region. `DescribeTrails` with shadow
/// trails lists a multi-region trail in every region, and lists an organization trail in the
/// member accounts only as a shadow trail; without shadow trails, member accounts do not see
/// the organization trail at all (CloudTrail API Reference, `DescribeTrails`,
/// `includeShadowTrails`). A trail is kept in its home region; when its home region is not one
/// of the regions scanned, in the first region scanned.
pub(crate) fn keep_trail(home: Option<&str>, here: &str, scanned: &[String]) -> bool {
    match home {
        None => true,
        Some(h) if h == here => true,
        Some(h) if scanned.iter().any(|r| r == h) => false,
        Some(_) => scanned.first().is_some_and(|first| first == here),
    }
}

/// Trails listed in this region (organization and shadow trails included) that this region
/// keeps (see [`keep_trail`]), with status, selectors and tags. `scanned`: the enabled regions
/// the collection covers, in order.
pub(crate) async fn cloudtrail(ctx: Ctx, config: SdkConfig, scanned: Arc<[String]>) -> Region {
    let c = client!(aws_sdk_cloudtrail, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(described) = ctx
        .get(
            data::CLOUDTRAIL,
            TRAIL,
            "DescribeTrails",
            c.describe_trails().include_shadow_trails(true).send(),
        )
        .await
    else {
        return region;
    };
    let list = described.trail_list.unwrap_or_default();
    let here = ctx.region_name().to_owned();
    let list: Vec<_> = list
        .into_iter()
        .filter(|t| keep_trail(t.home_region(), &here, &scanned))
        .collect();
    let ctx2 = ctx.clone();
    region.trails = ctx
        .map(list, move |t| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let name = t.name().unwrap_or_default().to_owned();
                let arn = t.trail_arn().map_or_else(
                    || ctx.arn("cloudtrail", &format!("trail/{name}")),
                    str::to_owned,
                );
                let (status, selectors, tag_out) = tokio::join!(
                    ctx.get_for(
                        data::CLOUDTRAIL_STATUS,
                        TRAIL,
                        "GetTrailStatus",
                        &arn,
                        c.get_trail_status().name(&arn).send()
                    ),
                    ctx.get_for(
                        data::CLOUDTRAIL_SELECTORS,
                        TRAIL,
                        "GetEventSelectors",
                        &arn,
                        c.get_event_selectors().trail_name(&arn).send()
                    ),
                    ctx.get_for(
                        data::CLOUDTRAIL,
                        TRAIL,
                        "ListTags",
                        &arn,
                        c.list_tags().resource_id_list(&arn).send()
                    ),
                );
                let mut trail = Trail {
                    meta: Meta::new(&arn, &name, origin(TRAIL, "DescribeTrails")),
                    home_region: t.home_region().unwrap_or(ctx.region_name()).to_owned(),
                    multi_region: t.is_multi_region_trail().unwrap_or(false),
                    organization_trail: t.is_organization_trail().unwrap_or(false),
                    include_global_service_events: t
                        .include_global_service_events()
                        .unwrap_or(false),
                    log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                    s3_bucket: t.s3_bucket_name().map(str::to_owned),
                    kms_key_id: t.kms_key_id().map(str::to_owned),
                    log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_owned),
                    is_logging: None,
                    event_selectors: Vec::new(),
                    advanced_event_selectors: Vec::new(),
                };
                trail.is_logging = status.map(|s| s.is_logging().unwrap_or(false));
                if let Some(s) = selectors {
                    trail.event_selectors = s
                        .event_selectors()
                        .iter()
                        .map(|e| EventSelector {
                            read_write_type: e
                                .read_write_type()
                                .map_or_else(|| "All".to_owned(), |r| r.as_str().to_owned()),
                            include_management_events: e
                                .include_management_events()
                                .unwrap_or(true),
                            data_resources: e
                                .data_resources()
                                .iter()
                                .map(|d| {
                                    (
                                        d.r#type().unwrap_or_default().to_owned(),
                                        d.values().to_vec(),
                                    )
                                })
                                .collect(),
                        })
                        .collect();
                    trail.advanced_event_selectors = s
                        .advanced_event_selectors()
                        .iter()
                        .map(|a| AdvancedEventSelector {
                            name: a.name().unwrap_or_default().to_owned(),
                            field_selectors: a
                                .field_selectors()
                                .iter()
                                .map(|f| FieldSelector {
                                    field: f.field().to_owned(),
                                    equals: f.equals().to_vec(),
                                    starts_with: f.starts_with().to_vec(),
                                    not_equals: f.not_equals().to_vec(),
                                    not_starts_with: f.not_starts_with().to_vec(),
                                })
                                .collect(),
                        })
                        .collect();
                }
                if let Some(o) = tag_out {
                    trail.meta.tags = tags(
                        o.resource_tag_list()
                            .iter()
                            .flat_map(|r| r.tags_list().iter())
                            .map(|t| (Some(t.key()), t.value())),
                    );
                }
                trail
            }
        })
        .await;
    region
}

/// Log groups and metric filters.
pub(crate) async fn logs(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_cloudwatchlogs, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let (groups, filters) = tokio::join!(
        ctx.list(
            data::LOGS_GROUPS,
            LOGS,
            "DescribeLogGroups",
            |t| c.describe_log_groups().set_next_token(t).send(),
            |o| (o.log_groups.unwrap_or_default(), o.next_token)
        ),
        ctx.list(
            data::LOGS_METRIC_FILTERS,
            LOGS,
            "DescribeMetricFilters",
            |t| c.describe_metric_filters().set_next_token(t).send(),
            |o| (o.metric_filters.unwrap_or_default(), o.next_token)
        ),
    );
    if let Some(list) = groups {
        for g in list {
            let name = g.log_group_name().unwrap_or_default();
            let arn = g
                .log_group_arn()
                .map(str::to_owned)
                .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_owned()))
                .unwrap_or_else(|| ctx.arn("logs", &format!("log-group:{name}")));
            region.log_groups.push(LogGroup {
                meta: Meta::new(arn, name, origin(LOGS, "DescribeLogGroups")),
                retention_days: g.retention_in_days().map(u32_of),
                kms_key_id: g.kms_key_id().map(str::to_owned),
            });
        }
    }
    if let Some(list) = filters {
        for f in list {
            let name = f.filter_name().unwrap_or_default();
            let group = f.log_group_name().unwrap_or_default();
            region.metric_filters.push(MetricFilter {
                meta: Meta::new(
                    ctx.arn("logs", &format!("log-group:{group}:metric-filter:{name}")),
                    name,
                    origin(LOGS, "DescribeMetricFilters"),
                ),
                log_group: group.to_owned(),
                pattern: f.filter_pattern().unwrap_or_default().to_owned(),
                metrics: f
                    .metric_transformations()
                    .iter()
                    .map(|m| (m.metric_namespace().to_owned(), m.metric_name().to_owned()))
                    .collect(),
            });
        }
    }
    region
}

/// CloudWatch metric alarms.
pub(crate) async fn alarms(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_cloudwatch, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    if let Some(list) = ctx
        .list(
            data::CLOUDWATCH_ALARMS,
            CW,
            "DescribeAlarms",
            |t| c.describe_alarms().set_next_token(t).send(),
            |o| (o.metric_alarms.unwrap_or_default(), o.next_token),
        )
        .await
    {
        for a in list {
            let name = a.alarm_name().unwrap_or_default();
            region.alarms.push(Alarm {
                meta: Meta::new(
                    a.alarm_arn().map_or_else(
                        || ctx.arn("cloudwatch", &format!("alarm:{name}")),
                        str::to_owned,
                    ),
                    name,
                    origin(CW, "DescribeAlarms"),
                ),
                namespace: a.namespace().unwrap_or_default().to_owned(),
                metric_name: a.metric_name().unwrap_or_default().to_owned(),
                actions_enabled: a.actions_enabled().unwrap_or(true),
                alarm_actions: a.alarm_actions().to_vec(),
            });
        }
    }
    region
}

/// SNS topics with attributes, subscriptions and tags.
pub(crate) async fn sns(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_sns, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(topics) = ctx
        .list(
            data::SNS,
            SNS,
            "ListTopics",
            |t| c.list_topics().set_next_token(t).send(),
            |o| (o.topics.unwrap_or_default(), o.next_token),
        )
        .await
    else {
        return region;
    };
    let arns: Vec<String> = topics
        .iter()
        .filter_map(|t| t.topic_arn().map(str::to_owned))
        .collect();
    let ctx2 = ctx.clone();
    region.sns_topics = ctx
        .map(arns, move |arn: String| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let name = arn.rsplit(':').next().unwrap_or_default().to_owned();
                let (attrs, subs, tag_out) = tokio::join!(
                    ctx.get_for(
                        data::SNS,
                        SNS,
                        "GetTopicAttributes",
                        &arn,
                        c.get_topic_attributes().topic_arn(&arn).send()
                    ),
                    ctx.list_for(
                        data::SNS,
                        &arn,
                        SNS,
                        "ListSubscriptionsByTopic",
                        |t| c
                            .list_subscriptions_by_topic()
                            .topic_arn(&arn)
                            .set_next_token(t)
                            .send(),
                        |o| (o.subscriptions.unwrap_or_default(), o.next_token)
                    ),
                    ctx.get_for(
                        data::SNS,
                        SNS,
                        "ListTagsForResource",
                        &arn,
                        c.list_tags_for_resource().resource_arn(&arn).send()
                    ),
                );
                let mut topic = SnsTopic {
                    meta: Meta::new(&arn, name, origin(SNS, "ListTopics")),
                    kms_key_id: None,
                    policy: None,
                    subscriptions: Vec::new(),
                };
                if let Some(o) = attrs {
                    let a = o.attributes.unwrap_or_default();
                    topic.kms_key_id = a.get("KmsMasterKeyId").filter(|k| !k.is_empty()).cloned();
                    topic.policy = a.get("Policy").map(|p| policy_doc(p));
                }
                if let Some(list) = subs {
                    topic.subscriptions = list
                        .iter()
                        .map(|s| Subscription {
                            protocol: s.protocol().unwrap_or_default().to_owned(),
                            endpoint: s.endpoint().unwrap_or_default().to_owned(),
                            confirmed: s.subscription_arn().is_some_and(|a| a.starts_with("arn:")),
                        })
                        .collect();
                }
                if let Some(o) = tag_out {
                    topic.meta.tags =
                        tags(o.tags().iter().map(|t| (Some(t.key()), Some(t.value()))))
                }
                topic
            }
        })
        .await;
    region
}

#[cfg(test)]
mod tests {
    use super::keep_trail;

    #[test]
    fn each_trail_is_kept_once_in_its_home_region_or_the_first_scanned() {
        let scanned: Vec<String> = ["us-east-1", "eu-west-1"].map(String::from).to_vec();
        // A multi-region trail of eu-west-1, listed in both regions: kept in eu-west-1 only.
        assert!(keep_trail(Some("eu-west-1"), "eu-west-1", &scanned));
        assert!(!keep_trail(Some("eu-west-1"), "us-east-1", &scanned));
        // An organization trail whose home region (ap-south-1) is not scanned: kept once, in
        // the first region scanned, with its home region recorded on the trail.
        assert!(keep_trail(Some("ap-south-1"), "us-east-1", &scanned));
        assert!(!keep_trail(Some("ap-south-1"), "eu-west-1", &scanned));
        // No home region in the answer: kept where listed.
        assert!(keep_trail(None, "eu-west-1", &scanned));
    }
}
