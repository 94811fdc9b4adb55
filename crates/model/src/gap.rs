//! Gaps: what a source could not read.
//!
//! A gap names a *data set* (see [`crate::data`]) in a scope (account, region, resource). Checks
//! declare the data sets they need; the check runner turns every gap that touches a need into a
//! `not_assessed` result and withholds passes in its scope, so missing data is never a pass.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One thing that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Gap {
    /// The data set that is missing, as a dotted path from [`crate::data`] (`s3.bucket.policy`).
    /// A gap on `s3` covers every S3 data set; a gap on `s3.bucket.policy` only that one.
    pub data: String,
    /// The account it applies to (`None`: every account of the input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region it applies to (`None`: every region, or a global service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The one resource it applies to (an ARN or IaC address), when it is that narrow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The API call or file that failed (`s3:GetBucketPolicy`, `main.tf`).
    pub operation: String,
    /// The error code where there is one (`AccessDenied`, `Throttling`, `NotImplemented`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why, in words (`access denied by an SCP`, `not declared in this Terraform`).
    pub reason: String,
}

impl Gap {
    /// A gap on `data`, read by `operation`, for `reason`.
    #[must_use]
    pub fn new(data: &str, operation: &str, reason: impl Into<String>) -> Self {
        Gap {
            data: data.to_owned(),
            account: None,
            region: None,
            resource: None,
            operation: operation.to_owned(),
            code: None,
            reason: reason.into(),
        }
    }

    /// Scopes the gap to an account.
    #[must_use]
    pub fn in_account(mut self, account: &str) -> Self {
        self.account = Some(account.to_owned());
        self
    }

    /// Scopes the gap to a region.
    #[must_use]
    pub fn in_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    /// Scopes the gap to one resource.
    #[must_use]
    pub fn for_resource(mut self, resource: &str) -> Self {
        self.resource = Some(resource.to_owned());
        self
    }

    /// Sets the error code.
    #[must_use]
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }

    /// Whether this gap touches the data set `need`: one of the two is a dotted prefix of the
    /// other (a gap on `s3` touches `s3.bucket.policy`; a gap on `s3.bucket.policy` touches a
    /// check that needs all of `s3.bucket`).
    #[must_use]
    pub fn touches(&self, need: &str) -> bool {
        dotted_prefix(&self.data, need) || dotted_prefix(need, &self.data)
    }

    /// Whether this gap applies in the given account and region (`None` region: account-wide
    /// data such as IAM).
    #[must_use]
    pub fn applies_to(&self, account: &str, region: Option<&str>) -> bool {
        let account_ok = self.account.as_deref().is_none_or(|a| a == account);
        let region_ok = match (self.region.as_deref(), region) {
            (None, _) | (_, None) => true,
            (Some(g), Some(r)) => g == r,
        };
        account_ok && region_ok
    }
}

fn dotted_prefix(prefix: &str, path: &str) -> bool {
    path == prefix
        || (path.len() > prefix.len()
            && path.starts_with(prefix)
            && path.as_bytes().get(prefix.len()) == Some(&b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touches_is_dotted_prefix_both_ways() {
        let g = Gap::new("s3.bucket.policy", "s3:GetBucketPolicy", "denied");
        assert!(g.touches("s3.bucket.policy"));
        assert!(g.touches("s3.bucket"));
        assert!(g.touches("s3"));
        assert!(!g.touches("s3.bucket.policy_status"));
        assert!(!g.touches("s3.bucket.encryption"));
        assert!(!g.touches("iam"));
    }

    #[test]
    fn scope_matching() {
        let g = Gap::new("ec2", "ec2:DescribeSecurityGroups", "x")
            .in_account("1")
            .in_region("eu-west-1");
        assert!(g.applies_to("1", Some("eu-west-1")));
        assert!(!g.applies_to("1", Some("us-east-1")));
        assert!(!g.applies_to("2", Some("eu-west-1")));
        assert!(g.applies_to("1", None));
    }
}
