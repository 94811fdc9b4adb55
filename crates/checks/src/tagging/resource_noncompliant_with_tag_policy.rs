//! TAG-003 `resource-noncompliant-with-tag-policy`: a resource's tags break the organization's
//! tag policy.

use rampart_model::Tags;
use serde_json::Value;

use super::resource_missing_required_tags::regional;
use crate::prelude::*;

/// A tag whose key the account's effective tag policy defines is on a resource with another
/// capitalization or a value the policy does not allow.
pub struct ResourceNoncompliantWithTagPolicy;

static META: CheckMeta = CheckMeta {
    code: "TAG-003",
    name: "resource-noncompliant-with-tag-policy",
    title: "A resource's tags do not comply with the organization's tag policy",
    severity: Severity::Low,
    controls: &["GOV-1"],
    inputs: &[Input::Live, Input::Snapshot],
    compliance: &[],
    needs: &[
        data::ORGANIZATIONS_TAG_POLICY,
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
    ],
    rationale: "An organization's tag policy is the agreed vocabulary of tags: the exact key \
                (`CostCenter`, not `costcenter`) and the values allowed. A tag that breaks it is \
                invisible to the cost reports, attribute-based access rules and automation that \
                rely on the agreed form, though the resource looks tagged. AWS reports such \
                resources as noncompliant (the key on the resource with another capitalization, \
                or a value outside the allowed list); a resource without the key is not \
                noncompliant unless the policy requires the key.",
    remediation: RemediationText {
        text: "Retag the resource with the key spelled as the tag policy defines it and one of \
               its allowed values; to stop new violations, turn on enforcement for the resource \
               type in the tag policy (`enforced_for`).",
        cli: Some(
            "aws resourcegroupstaggingapi tag-resources --resource-arn-list <arn> --tags CostCenter=100\naws resourcegroupstaggingapi untag-resources --resource-arn-list <arn> --tag-keys costcenter",
        ),
        terraform: Some(
            "resource \"aws_instance\" \"app\" {\n  # ...\n  tags = {\n    CostCenter = \"100\"\n  }\n}",
        ),
    },
    manual: false,
};

/// One key of an effective tag policy.
#[derive(Debug, PartialEq)]
pub(crate) struct PolicyKey {
    /// The key as the policy spells it (`tag_key`), or the policy's lower-case name.
    pub key: String,
    /// Allowed values (`tag_value`); empty: any value. A trailing `*` allows a prefix.
    pub values: Vec<String>,
}

/// The keys of an effective tag policy document. The effective policy has its inheritance
/// operators resolved, so each setting is one `@@assign` (a plain value is read too).
pub(crate) fn policy_keys(doc: &Value) -> Vec<PolicyKey> {
    let Some(tags) = doc.get("tags").and_then(Value::as_object) else {
        return Vec::new();
    };
    let assigned = |v: Option<&Value>| -> Option<Value> {
        let v = v?;
        Some(v.get("@@assign").cloned().unwrap_or_else(|| v.clone()))
    };
    tags.iter()
        .map(|(name, def)| {
            // Without a `tag_key`, the capitalization required is lowercase (Organizations
            // User Guide, "Tag policy syntax and examples": "If case treatment isn't defined,
            // lowercase is the default case treatment for tag keys").
            let key = assigned(def.get("tag_key"))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| name.to_lowercase());
            let values = match assigned(def.get("tag_value")) {
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                Some(Value::String(s)) => vec![s],
                _ => Vec::new(),
            };
            PolicyKey { key, values }
        })
        .collect()
}

fn value_allowed(allowed: &[String], value: &str) -> bool {
    allowed.is_empty()
        || allowed.iter().any(|a| match a.strip_suffix('*') {
            Some(prefix) => value.starts_with(prefix),
            None => a == value,
        })
}

/// What is wrong with `tags` under `keys`, one sentence per problem.
pub(crate) fn violations(keys: &[PolicyKey], tags: &Tags) -> Vec<String> {
    let mut out = Vec::new();
    for pk in keys {
        for (k, v) in tags.iter().filter(|(k, _)| k.eq_ignore_ascii_case(&pk.key)) {
            if k != &pk.key {
                out.push(format!("tag key `{k}` should be spelled `{}`", pk.key));
            }
            if !value_allowed(&pk.values, v) {
                out.push(format!(
                    "tag `{k}` has value `{v}`, not one of {}",
                    pk.values
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    out
}

impl Check for ResourceNoncompliantWithTagPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            // No effective tag policy: nothing to comply with (a policy that could not be read
            // is a gap, and the runner reports it not assessed).
            let Some(doc) = &account.tag_policy else {
                continue;
            };
            let keys = policy_keys(&doc.to_value());
            if keys.is_empty() {
                continue;
            }
            let mut judged: Vec<(&'static str, &Meta, Option<&str>)> = Vec::new();
            judged.extend(
                account
                    .iam
                    .users
                    .iter()
                    .map(|u| ("IAM user", &u.meta, None)),
            );
            judged.extend(
                account
                    .iam
                    .roles
                    .iter()
                    .filter(|r| !r.service_linked)
                    .map(|r| ("IAM role", &r.meta, None)),
            );
            judged.extend(
                account
                    .buckets
                    .iter()
                    .map(|b| ("S3 bucket", &b.meta, Some(b.region.as_str()))),
            );
            for region in &account.regions {
                judged.extend(
                    regional(region)
                        .into_iter()
                        .map(|(kind, _, meta)| (kind, meta, Some(region.name.as_str()))),
                );
                judged.extend(
                    region
                        .security_groups
                        .iter()
                        .map(|g| ("security group", &g.meta, Some(region.name.as_str()))),
                );
            }
            for (kind, meta, region) in judged {
                let at = At::meta(&account.id, region, meta);
                let problems = violations(&keys, &meta.tags);
                if problems.is_empty() {
                    out.pass(
                        at,
                        format!("{kind} `{}` complies with the tag policy", meta.name),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "{kind} `{}` does not comply with the tag policy: {}",
                            meta.name,
                            problems.join("; ")
                        ),
                    )
                    .with("violations", json!(problems));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::*;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run};

    fn policy() -> Value {
        json!({"tags": {
            "costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}},
            "project": {"tag_key": {"@@assign": "Project"}, "tag_value": {"@@assign": ["shop-*"]}}
        }})
    }

    #[test]
    fn wrong_case_and_disallowed_values_fail_absent_keys_do_not() {
        let mut inv = inventory(
            json!({"buckets": [
                {"meta": {"arn": "arn:aws:s3:::ok", "name": "ok", "tags": {"CostCenter": "100", "Project": "shop-web"}}, "region": "us-east-1"},
                {"meta": {"arn": "arn:aws:s3:::case", "name": "case", "tags": {"costcenter": "100"}}, "region": "us-east-1"},
                {"meta": {"arn": "arn:aws:s3:::value", "name": "value", "tags": {"Project": "blog"}}, "region": "us-east-1"},
                {"meta": {"arn": "arn:aws:s3:::bare", "name": "bare"}, "region": "us-east-1"}
            ]}),
            None,
        );
        inv["accounts"][0]["tag_policy"] = policy();
        let out = run(&ResourceNoncompliantWithTagPolicy, inv, &Config::default());
        let verdicts: Vec<(&str, Status)> = out
            .iter()
            .map(|f| (f.resource.as_str(), f.status))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                ("arn:aws:s3:::ok", Status::Pass),
                ("arn:aws:s3:::case", Status::Fail),
                ("arn:aws:s3:::value", Status::Fail),
                ("arn:aws:s3:::bare", Status::Pass),
            ]
        );
        assert!(
            out[1]
                .message
                .contains("`costcenter` should be spelled `CostCenter`")
        );
    }

    #[test]
    fn an_unread_tag_policy_is_not_assessed() {
        let mut inv = inventory(
            json!({"buckets": [
                {"meta": {"arn": "arn:aws:s3:::value", "name": "value", "tags": {"Project": "blog"}}, "region": "us-east-1"}
            ]}),
            None,
        );
        inv["gaps"] = json!([{"data": "organizations.tag_policy", "operation": "organizations:DescribeEffectivePolicy", "reason": "not collected", "account": "111122223333"}]);
        let out = run(&ResourceNoncompliantWithTagPolicy, inv, &Config::default());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::NotAssessed);
    }
}
