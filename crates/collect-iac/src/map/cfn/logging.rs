//! logging

use super::{Cx, Kind, b, s};
use crate::map::{file, policy};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::data;
use rampart_model::logging::{
    Alarm, EventSelector, LogGroup, MetricFilter, SnsTopic, Subscription, Trail,
};

/// `AWS::CloudTrail::Trail`.
pub(super) fn trail(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "TrailName"), tags);
    let marn = meta.arn.clone();
    cx.bld.unknowns(
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
    let home_region = cx.bld.region.clone();
    cx.bld.region().trails.push(Trail {
        home_region,
        multi_region: b(p, "IsMultiRegionTrail")
            .unwrap_or(p.get("IsMultiRegionTrail").is_unknown()),
        organization_trail: b(p, "IsOrganizationTrail").unwrap_or(false),
        include_global_service_events: b(p, "IncludeGlobalServiceEvents").unwrap_or(true),
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
                read_write_type: s(e, "ReadWriteType").unwrap_or_else(|| "All".to_owned()),
                include_management_events: b(e, "IncludeManagementEvents").unwrap_or(true),
                data_resources: e
                    .get("DataResources")
                    .items()
                    .into_iter()
                    .map(|d| (s(d, "Type").unwrap_or_default(), d.get("Values").strings()))
                    .collect(),
            })
            .collect(),
        advanced_event_selectors: Vec::new(),
        meta,
    });
}

/// `AWS::Logs::LogGroup`.
pub(super) fn log_group(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "LogGroupName"), tags);
    let marn = meta.arn.clone();
    let retention = match p.get("RetentionInDays") {
        Value::Unknown => {
            cx.bld.gap(
                data::LOGS_GROUPS,
                &marn,
                &file(raw),
                "the retention is not known before apply",
            );
            Some(3653)
        }
        v => v.as_i64().and_then(|d| u32::try_from(d).ok()),
    };
    cx.bld.region().log_groups.push(LogGroup {
        meta,
        retention_days: retention,
        kms_key_id: s(p, "KmsKeyId"),
    });
}

/// `AWS::Logs::MetricFilter`.
pub(super) fn metric_filter(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx.bld.meta(raw, None, s(p, "FilterName"), &Value::Null);
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
    cx.bld.region().metric_filters.push(MetricFilter {
        meta,
        log_group: s(p, "LogGroupName").unwrap_or_default(),
        pattern: s(p, "FilterPattern").unwrap_or_default(),
        metrics,
    });
}

/// `AWS::CloudWatch::Alarm`.
pub(super) fn alarm(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx.bld.meta(raw, None, s(p, "AlarmName"), &Value::Null);
    cx.bld.region().alarms.push(Alarm {
        meta,
        namespace: s(p, "Namespace").unwrap_or_default(),
        metric_name: s(p, "MetricName").unwrap_or_default(),
        actions_enabled: b(p, "ActionsEnabled").unwrap_or(true),
        alarm_actions: p.get("AlarmActions").strings(),
    });
}

/// `AWS::SNS::Topic`.
pub(super) fn sns_topic(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "TopicName"), tags);
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
    cx.idx
        .remember(Kind::Topic, raw, cx.bld.region().sns_topics.len());
    cx.bld.region().sns_topics.push(SnsTopic {
        meta,
        kms_key_id: s(p, "KmsMasterKeyId"),
        policy: None,
        subscriptions: subs,
    });
}

/// `AWS::SNS::Subscription`.
pub(super) fn sns_subscription(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let topic = s(p, "TopicArn");
    for x in cx.parent(Kind::Topic, raw, topic.as_deref(), data::SNS, "SNS topic") {
        let protocol = s(p, "Protocol").unwrap_or_default();
        cx.bld.region().sns_topics[x]
            .subscriptions
            .push(Subscription {
                confirmed: !protocol.starts_with("email"),
                protocol,
                endpoint: s(p, "Endpoint").unwrap_or_default(),
            });
    }
}

/// `AWS::SNS::TopicPolicy`.
pub(super) fn sns_topic_policy(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    for t in p.get("Topics").strings() {
        for x in cx.parent(Kind::Topic, raw, Some(&t), data::SNS, "SNS topic") {
            cx.bld.region().sns_topics[x].policy = policy::parse(p.get("PolicyDocument"))
                .ok()
                .flatten()
                .map(Into::into);
        }
    }
}
