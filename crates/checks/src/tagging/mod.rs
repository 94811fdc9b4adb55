//! Checks of the tagging policy (GOV-1): every resource carries the required tags, security
//! groups above all.

use rampart_model::Tags;

use crate::check::Check;

mod resource_missing_required_tags;
mod resource_noncompliant_with_tag_policy;
mod security_group_missing_required_tags;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &resource_missing_required_tags::ResourceMissingRequiredTags,
    &security_group_missing_required_tags::SecurityGroupMissingRequiredTags,
    &resource_noncompliant_with_tag_policy::ResourceNoncompliantWithTagPolicy,
];

/// The required keys `tags` lacks, compared case-insensitively; a key with an empty value counts
/// as missing (it tells nobody anything).
pub(crate) fn missing_tags<'a>(tags: &Tags, required: &'a [String]) -> Vec<&'a str> {
    required
        .iter()
        .filter(|want| {
            !tags
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(want) && !v.trim().is_empty())
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_values_must_be_set() {
        let required = vec![
            "environment".to_owned(),
            "owner".to_owned(),
            "service".to_owned(),
        ];
        let mut tags = Tags::new();
        tags.insert("Environment".into(), "prod".into());
        tags.insert("OWNER".into(), " ".into());
        assert_eq!(missing_tags(&tags, &required), vec!["owner", "service"]);
    }

    #[test]
    fn unread_tags_are_not_missing_tags() {
        use rampart_model::Status;
        use serde_json::json;

        use crate::config::Config;
        use crate::iam::testing::{inventory, run, statuses};

        let mut inv = inventory(
            json!({"buckets": [
                {"meta": {"arn": "arn:aws:s3:::a", "name": "a"}, "region": "us-east-1"},
                {"meta": {"arn": "arn:aws:s3:::b", "name": "b"}, "region": "us-east-1"}
            ]}),
            None,
        );
        inv["gaps"] = json!([{"data": "s3.bucket.tags", "operation": "s3:GetBucketTagging", "reason": "access denied", "resource": "arn:aws:s3:::a"}]);
        let out = run(
            &resource_missing_required_tags::ResourceMissingRequiredTags,
            inv,
            &Config::default(),
        );
        assert_eq!(statuses(&out), vec![Status::Fail, Status::NotAssessed]);
        assert_eq!(out[0].resource, "arn:aws:s3:::b");
        assert_eq!(out[1].resource, "arn:aws:s3:::a");
    }
}
