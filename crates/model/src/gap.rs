//! Gaps: what a source could not read.
//!
//! A gap names a *data set* (see [`crate::data`]) in a scope (account, region, resource). Checks
//! declare the data sets they need; the check runner turns every gap that touches a need into a
//! `not_assessed` result and withholds passes in its scope, so missing data is never a pass.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How IaC readers spell a value known only after apply, where they must write one (a policy
/// document built from references). A failure quoting it is not known to be one.
pub const UNKNOWN_MARK: &str = "(known after apply)";

/// What kind of gap it is: what the missing data means for the results that need it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// The data exists but a call or a file failed (access denied, throttling, a parse error):
    /// every conclusion that needs it is `not_assessed`.
    #[default]
    Unreadable,
    /// IaC: one resource's value is known only after apply. The reader gives the unknown field
    /// the value under which no check fails, so failures left on the resource are real.
    UnknownBeforeApply,
    /// The input does not declare this account-level data (an IaC directory that holds no
    /// trail: the account's trails may be managed elsewhere). Listed once; it withholds only
    /// the conclusions that rest on that data, and gives no `not_assessed` per check.
    OutsideInput,
}

impl GapKind {
    /// The kind older snapshots and readers express with an error code (`NotDeclared`,
    /// `UnknownBeforeApply`); any other code is a failed read.
    #[must_use]
    pub fn from_code(code: Option<&str>) -> GapKind {
        match code {
            Some("NotDeclared") => GapKind::OutsideInput,
            Some("UnknownBeforeApply") => GapKind::UnknownBeforeApply,
            _ => GapKind::Unreadable,
        }
    }

    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::Unreadable => "unreadable",
            GapKind::UnknownBeforeApply => "unknown_before_apply",
            GapKind::OutsideInput => "outside_input",
        }
    }

    fn is_unreadable(&self) -> bool {
        *self == GapKind::Unreadable
    }
}

/// One thing that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
    /// What kind of gap (absent: `unreadable`, or the kind its `code` names in older
    /// snapshots; read it with [`Gap::kind`]).
    #[serde(default, skip_serializing_if = "GapKind::is_unreadable")]
    pub kind: GapKind,
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
            kind: GapKind::Unreadable,
        }
    }

    /// Sets the kind.
    #[must_use]
    pub fn of_kind(mut self, kind: GapKind) -> Self {
        self.kind = kind;
        self
    }

    /// The kind: the field when set, else what the error code says (snapshots written before
    /// the field existed carry `code: "NotDeclared"` or `"UnknownBeforeApply"`).
    #[must_use]
    pub fn kind(&self) -> GapKind {
        match self.kind {
            GapKind::Unreadable => GapKind::from_code(self.code.as_deref()),
            k => k,
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

    /// Sets the error code (the codes `NotDeclared` and `UnknownBeforeApply` also set the kind).
    #[must_use]
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        if self.kind == GapKind::Unreadable {
            self.kind = GapKind::from_code(Some(code));
        }
        self
    }

    /// Whether this gap covers the data set `data`: the gap is on `data` or on a set that holds
    /// it (a gap on `s3` covers `s3.bucket.policy`; a gap on `s3.bucket.versioning` does not
    /// cover `s3.bucket`, the list of buckets, which was read).
    #[must_use]
    pub fn covers(&self, data: &str) -> bool {
        dotted_prefix(&self.data, data)
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
    fn kind_from_old_codes_and_field() {
        let old: Gap = serde_json::from_str(
            r#"{"data":"cloudtrail","operation":"main.tf","code":"NotDeclared","reason":"r"}"#,
        )
        .expect("old gap");
        assert_eq!(old.kind(), GapKind::OutsideInput);
        let g = Gap::new("s3", "x", "r").of_kind(GapKind::UnknownBeforeApply);
        let text = serde_json::to_string(&g).expect("json");
        assert!(text.contains(r#""kind":"unknown_before_apply""#), "{text}");
        let back: Gap = serde_json::from_str(&text).expect("back");
        assert_eq!(back.kind(), GapKind::UnknownBeforeApply);
        assert_eq!(
            Gap::new("s3", "x", "r").with_code("AccessDenied").kind(),
            GapKind::Unreadable
        );
        assert!(
            serde_json::from_str::<Gap>(
                r#"{"data":"s3","operation":"o","reason":"r","resouce":"x"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn covers_is_one_way() {
        let g = Gap::new("s3.bucket.versioning", "s3:GetBucketVersioning", "denied");
        assert!(g.covers("s3.bucket.versioning"));
        assert!(!g.covers("s3.bucket"));
        assert!(Gap::new("s3", "o", "r").covers("s3.bucket.policy"));
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
