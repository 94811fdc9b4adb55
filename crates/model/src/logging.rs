//! Logging and monitoring: CloudTrail, CloudWatch Logs, metric filters, alarms, SNS.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Meta;

/// A classic event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSelector {
    /// `All`, `ReadOnly`, `WriteOnly`.
    pub read_write_type: String,
    /// Management events included.
    pub include_management_events: bool,
    /// Data resources: (type, values), e.g. (`AWS::S3::Object`, [`arn:aws:s3:::bucket/`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_resources: Vec<(String, Vec<String>)>,
}

/// One field selector of an advanced event selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `resources.ARN`, `readOnly`…
    pub field: String,
    /// Equals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    /// StartsWith.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    /// NotEquals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    /// NotStartsWith.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
}

/// An advanced event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Field selectors (all must match).
    pub field_selectors: Vec<FieldSelector>,
}

/// A CloudTrail trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// The trail's home region.
    pub home_region: String,
    /// Multi-region.
    pub multi_region: bool,
    /// An organization trail.
    #[serde(default)]
    pub organization_trail: bool,
    /// Records global service events (IAM, STS…).
    pub include_global_service_events: bool,
    /// Log file integrity validation.
    pub log_file_validation: bool,
    /// Destination bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket: Option<String>,
    /// KMS key for SSE-KMS of the log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// CloudWatch Logs log group ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_arn: Option<String>,
    /// Currently logging (`None`: not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_logging: Option<bool>,
    /// Classic event selectors (empty with no advanced selectors: management events only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

impl Trail {
    /// Whether the trail records management events (read and write).
    #[must_use]
    pub fn records_management_events(&self) -> bool {
        if self.event_selectors.is_empty() && self.advanced_event_selectors.is_empty() {
            // A trail with no selectors logs all management events by default.
            return true;
        }
        let classic = self
            .event_selectors
            .iter()
            .any(|s| s.include_management_events && s.read_write_type == "All");
        let advanced = self.advanced_event_selectors.iter().any(|a| {
            let management = a
                .field_selectors
                .iter()
                .any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management"));
            let read_only_filtered = a.field_selectors.iter().any(|f| f.field == "readOnly");
            management && !read_only_filtered
        });
        classic || advanced
    }
}

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// Retention in days (`None`: never expire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// A metric filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricFilter {
    /// ARN (synthesized), name, origin.
    pub meta: Meta,
    /// The log group it filters.
    pub log_group: String,
    /// The filter pattern.
    pub pattern: String,
    /// Metrics it publishes: (namespace, metric name).
    #[serde(default)]
    pub metrics: Vec<(String, String)>,
}

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// Metric namespace.
    #[serde(default)]
    pub namespace: String,
    /// Metric name.
    #[serde(default)]
    pub metric_name: String,
    /// Actions are enabled.
    #[serde(default = "yes")]
    pub actions_enabled: bool,
    /// ARNs notified when the alarm fires.
    #[serde(default)]
    pub alarm_actions: Vec<String>,
}

fn yes() -> bool {
    true
}

/// An SNS subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// `email`, `https`, `sqs`, `lambda`…
    pub protocol: String,
    /// Endpoint (an address or ARN).
    pub endpoint: String,
    /// Confirmed (not `PendingConfirmation`).
    pub confirmed: bool,
}

/// An SNS topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnsTopic {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The topic policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
    /// Subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
}
