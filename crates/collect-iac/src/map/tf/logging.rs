//! Terraform: CloudTrail, CloudWatch logs, metric filters and alarms, SNS.

use rampart_model::data;
use rampart_model::logging::{
    AdvancedEventSelector, Alarm, EventSelector, FieldSelector, LogGroup, MetricFilter, SnsTopic,
    Subscription, Trail,
};

use super::{Index, b, opt_str, parent, s};
use crate::map::{Builder, file, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_cloudtrail`.
pub(super) fn cloudtrail(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
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
        include_global_service_events: b(a, "include_global_service_events").unwrap_or(true),
        log_file_validation: b(a, "enable_log_file_validation")
            .unwrap_or(a.get("enable_log_file_validation").is_unknown()),
        s3_bucket: s(a, "s3_bucket_name"),
        kms_key_id: opt_str(bld, raw, &arn, a, "kms_key_id", data::CLOUDTRAIL),
        log_group_arn: opt_str(
            bld,
            raw,
            &arn,
            a,
            "cloud_watch_logs_group_arn",
            data::CLOUDTRAIL,
        ),
        is_logging: Some(b(a, "enable_logging").unwrap_or(true)),
        event_selectors: a
            .get("event_selector")
            .items()
            .into_iter()
            .map(|e| EventSelector {
                read_write_type: s(e, "read_write_type").unwrap_or_else(|| "All".to_owned()),
                include_management_events: b(e, "include_management_events").unwrap_or(true),
                data_resources: e
                    .get("data_resource")
                    .items()
                    .into_iter()
                    .map(|d| (s(d, "type").unwrap_or_default(), d.get("values").strings()))
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

/// `aws_cloudwatch_log_group`.
pub(super) fn cloudwatch_log_group(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
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
    let kms_key_id = opt_str(bld, raw, &arn, a, "kms_key_id", data::LOGS_GROUPS);
    bld.region().log_groups.push(LogGroup {
        meta,
        retention_days: retention,
        kms_key_id,
    });
}

/// `aws_cloudwatch_log_metric_filter`.
pub(super) fn cloudwatch_log_metric_filter(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
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

/// `aws_cloudwatch_metric_alarm`.
pub(super) fn cloudwatch_metric_alarm(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "alarm_name"), a.get("tags"));
    bld.region().alarms.push(Alarm {
        meta,
        namespace: s(a, "namespace").unwrap_or_default(),
        metric_name: s(a, "metric_name").unwrap_or_default(),
        actions_enabled: b(a, "actions_enabled").unwrap_or(true),
        alarm_actions: a.get("alarm_actions").strings(),
    });
}

/// `aws_sns_topic`.
pub(super) fn sns_topic(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let arn = meta.arn.clone();
    let pol = policy_or_gap(bld, raw, &arn, a.get("policy"), data::SNS);
    ix.topics
        .insert(raw.id.clone(), bld.region().sns_topics.len());
    if let Some(x) = s(a, "arn") {
        ix.topics.insert(x, bld.region().sns_topics.len());
    }
    let kms_key_id = opt_str(bld, raw, &arn, a, "kms_master_key_id", data::SNS);
    bld.region().sns_topics.push(SnsTopic {
        meta,
        kms_key_id,
        policy: pol,
        subscriptions: Vec::new(),
    });
}

/// `aws_sns_topic_subscription`.
pub(super) fn sns_topic_subscription(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(bld, raw, &ix.topics, "topic_arn", data::SNS, "SNS topic") {
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

/// `aws_sns_topic_policy`.
pub(super) fn sns_topic_policy(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(bld, raw, &ix.topics, "arn", data::SNS, "SNS topic") {
        let arn = bld.region().sns_topics[x].meta.arn.clone();
        let p = policy_or_gap(bld, raw, &arn, a.get("policy"), data::SNS);
        bld.region().sns_topics[x].policy = p;
    }
}
