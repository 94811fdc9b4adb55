//! Which data events a trail records, from its classic or advanced event selectors.

use rampart_model::logging::{AdvancedEventSelector, FieldSelector, Trail};

/// Whether read and write data events are recorded for one resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Read events (`GetObject`, `Invoke` has no read/write split and counts as both).
    pub read: bool,
    /// Write events (`PutObject`, `DeleteObject`).
    pub write: bool,
}

impl Coverage {
    /// Both read and write events.
    #[must_use]
    pub(crate) fn full(self) -> bool {
        self.read && self.write
    }

    fn add(&mut self, other: Coverage) {
        self.read |= other.read;
        self.write |= other.write;
    }
}

/// What the data events are about: the resource type and the string the selectors' ARNs are
/// compared with (`arn:aws:s3:::bucket/` for the objects of a bucket, a function ARN).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// `AWS::S3::Object` or `AWS::Lambda::Function`.
    pub resource_type: &'a str,
    /// The ARN prefix of the objects (S3: the bucket ARN followed by `/`), or the function ARN.
    pub arn: &'a str,
}

/// Whether `trail` records data events for `target`: a trail that is not logging records
/// nothing; a single-region trail only sees its home region.
#[must_use]
pub(crate) fn coverage(trail: &Trail, region: &str, target: Target<'_>) -> Coverage {
    if trail.is_logging == Some(false) || !(trail.multi_region || trail.home_region == region) {
        return Coverage::default();
    }
    let mut total = Coverage::default();
    for selector in &trail.event_selectors {
        let covered = selector
            .data_resources
            .iter()
            .filter(|(ty, _)| ty == target.resource_type)
            .any(|(_, values)| values.iter().any(|v| classic_value_covers(v, target)));
        if covered {
            total.add(match selector.read_write_type.as_str() {
                "ReadOnly" => Coverage {
                    read: true,
                    write: false,
                },
                "WriteOnly" => Coverage {
                    read: false,
                    write: true,
                },
                _ => Coverage {
                    read: true,
                    write: true,
                },
            });
        }
    }
    for selector in &trail.advanced_event_selectors {
        total.add(advanced_coverage(selector, target));
    }
    total
}

/// A classic data resource value covers everything of its type (`arn:aws:s3`, `arn:aws:s3:::`,
/// `arn:aws:lambda`) or exactly this bucket or function; a value with an object prefix covers
/// only part of the bucket and does not count.
fn classic_value_covers(value: &str, target: Target<'_>) -> bool {
    let parts: Vec<&str> = value.split(':').collect();
    let everything =
        parts.len() <= 3 || (parts.len() == 6 && parts[3..].iter().all(|p| p.is_empty()));
    if everything {
        return parts.first() == Some(&"arn");
    }
    match target.arn.strip_suffix('/') {
        // S3: `arn:aws:s3:::bucket/` or `arn:aws:s3:::bucket`.
        Some(bucket_arn) => value == target.arn || value == bucket_arn,
        None => value == target.arn,
    }
}

fn advanced_coverage(selector: &AdvancedEventSelector, target: Target<'_>) -> Coverage {
    let field = |name: &str| selector.field_selectors.iter().find(|f| f.field == name);
    let is_data = field("eventCategory").is_some_and(|f| f.equals.iter().any(|v| v == "Data"));
    let right_type =
        field("resources.type").is_some_and(|f| f.equals.iter().any(|v| v == target.resource_type));
    if !is_data || !right_type {
        return Coverage::default();
    }
    if let Some(arn) = field("resources.ARN")
        && !arn_selector_covers(arn, target.arn)
    {
        return Coverage::default();
    }
    // Any other field that narrows to listed values (eventName, userIdentity.arn…) or leaves
    // some out (`NotEquals: ["GetObject"]`) records only part of the events: every field
    // selector of an advanced selector must match for an event to be logged (CloudTrail API
    // Reference, "AdvancedFieldSelector").
    let narrowed = selector.field_selectors.iter().any(|f| {
        !matches!(
            f.field.as_str(),
            "eventCategory" | "resources.type" | "resources.ARN" | "readOnly"
        ) && (!f.equals.is_empty()
            || !f.starts_with.is_empty()
            || !f.not_equals.is_empty()
            || !f.not_starts_with.is_empty())
    });
    if narrowed {
        return Coverage::default();
    }
    match field("readOnly").map(|f| f.equals.as_slice()) {
        Some([v]) if v == "true" => Coverage {
            read: true,
            write: false,
        },
        Some([v]) if v == "false" => Coverage {
            read: false,
            write: true,
        },
        _ => Coverage {
            read: true,
            write: true,
        },
    }
}

fn arn_selector_covers(f: &FieldSelector, arn: &str) -> bool {
    let included = if f.equals.is_empty() && f.starts_with.is_empty() {
        true
    } else {
        f.starts_with.iter().any(|p| arn.starts_with(p.as_str()))
            || f.equals.iter().any(|e| e == arn)
    };
    let excluded = f
        .not_starts_with
        .iter()
        .any(|p| arn.starts_with(p.as_str()) || p.starts_with(arn))
        || f.not_equals.iter().any(|e| e == arn);
    included && !excluded
}

#[cfg(test)]
mod tests {
    use rampart_model::logging::EventSelector;
    use serde_json::json;

    use super::*;

    fn trail() -> Trail {
        serde_json::from_value(json!({
            "meta": {"arn": "arn:aws:cloudtrail:us-east-1:1:trail/t", "name": "t"},
            "home_region": "us-east-1", "multi_region": false, "include_global_service_events": true,
            "log_file_validation": true, "is_logging": true
        }))
        .expect("trail")
    }

    const BUCKET: Target<'static> = Target {
        resource_type: "AWS::S3::Object",
        arn: "arn:aws:s3:::data/",
    };

    #[test]
    fn classic_selectors() {
        let mut t = trail();
        t.event_selectors.push(EventSelector {
            read_write_type: "WriteOnly".into(),
            include_management_events: true,
            data_resources: vec![("AWS::S3::Object".into(), vec!["arn:aws:s3".into()])],
        });
        assert_eq!(
            coverage(&t, "us-east-1", BUCKET),
            Coverage {
                read: false,
                write: true
            }
        );
        assert_eq!(
            coverage(&t, "eu-west-1", BUCKET),
            Coverage::default(),
            "single-region trail"
        );
        t.event_selectors.push(EventSelector {
            read_write_type: "All".into(),
            include_management_events: false,
            data_resources: vec![(
                "AWS::S3::Object".into(),
                vec!["arn:aws:s3:::data/reports/".into()],
            )],
        });
        assert!(
            !coverage(&t, "us-east-1", BUCKET).read,
            "a prefix covers part of the bucket only"
        );
        t.event_selectors[1].data_resources[0]
            .1
            .push("arn:aws:s3:::data/".into());
        assert!(coverage(&t, "us-east-1", BUCKET).full());
        t.is_logging = Some(false);
        assert_eq!(coverage(&t, "us-east-1", BUCKET), Coverage::default());
    }

    #[test]
    fn advanced_selectors() {
        let fs = |field: &str, equals: &[&str]| FieldSelector {
            field: field.into(),
            equals: equals.iter().map(|s| (*s).to_owned()).collect(),
            ..FieldSelector::default()
        };
        let mut t = trail();
        t.advanced_event_selectors.push(AdvancedEventSelector {
            name: "s3".into(),
            field_selectors: vec![
                fs("eventCategory", &["Data"]),
                fs("resources.type", &["AWS::S3::Object"]),
            ],
        });
        assert!(coverage(&t, "us-east-1", BUCKET).full());
        t.advanced_event_selectors[0]
            .field_selectors
            .push(FieldSelector {
                field: "resources.ARN".into(),
                not_starts_with: vec!["arn:aws:s3:::data/".into()],
                ..FieldSelector::default()
            });
        assert_eq!(
            coverage(&t, "us-east-1", BUCKET),
            Coverage::default(),
            "excluded bucket"
        );
        t.advanced_event_selectors[0].field_selectors.pop();
        t.advanced_event_selectors[0]
            .field_selectors
            .push(fs("readOnly", &["true"]));
        assert_eq!(
            coverage(&t, "us-east-1", BUCKET),
            Coverage {
                read: true,
                write: false
            }
        );
        t.advanced_event_selectors[0]
            .field_selectors
            .push(fs("eventName", &["GetObject"]));
        assert_eq!(
            coverage(&t, "us-east-1", BUCKET),
            Coverage::default(),
            "narrowed to one event"
        );
    }
}
