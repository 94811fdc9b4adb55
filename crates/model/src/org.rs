//! AWS Organizations authorization policies as they reach one account: the service control
//! policies (SCPs) and resource control policies (RCPs) attached at each level of the path from
//! the organization root down to the account.
//!
//! AWS evaluates both kinds level by level: at the root, at every OU on the way down, and at the
//! account itself, each level must allow the request (an explicit Deny at any level denies), and
//! neither kind applies to the organization's management account or to service-linked roles
//! ("Service control policies (SCPs)", "Resource control policies (RCPs)", AWS Organizations User
//! Guide). A policy type that is not enabled on the root does not restrict anything.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The Organizations policies that apply to one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicies {
    /// The organization id (`o-…`); `None` when the account belongs to no organization, in which
    /// case no SCP or RCP applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The account is the organization's management account: SCPs and RCPs do not apply to it.
    #[serde(default)]
    pub management_account: bool,
    /// SCPs are enabled on the root (otherwise none applies).
    #[serde(default)]
    pub scps_enabled: bool,
    /// RCPs are enabled on the root (otherwise none applies).
    #[serde(default)]
    pub rcps_enabled: bool,
    /// The levels from the root down to the account itself: the root, each OU, the account.
    #[serde(default)]
    pub levels: Vec<OrgLevel>,
}

impl OrgPolicies {
    /// The SCP documents per level, root first, as the policy engine takes them (empty when SCPs
    /// do not apply: no organization, SCPs not enabled, or the management account).
    #[must_use]
    pub fn scp_levels(&self) -> Vec<Vec<&OrgPolicy>> {
        if self.organization.is_none() || !self.scps_enabled || self.management_account {
            return Vec::new();
        }
        self.levels
            .iter()
            .map(|l| l.scps.iter().collect())
            .collect()
    }

    /// The RCP documents per level, root first (empty when RCPs do not apply).
    #[must_use]
    pub fn rcp_levels(&self) -> Vec<Vec<&OrgPolicy>> {
        if self.organization.is_none() || !self.rcps_enabled || self.management_account {
            return Vec::new();
        }
        self.levels
            .iter()
            .map(|l| l.rcps.iter().collect())
            .collect()
    }
}

/// What kind of node of the organization tree a level is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgLevelKind {
    /// The organization root (`r-…`).
    #[default]
    Root,
    /// An organizational unit (`ou-…`).
    OrganizationalUnit,
    /// The account itself.
    Account,
}

/// One level of the path from the root to an account, with the policies attached to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgLevel {
    /// The root, OU or account id.
    pub id: String,
    /// Its name, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Root, OU or account.
    pub kind: OrgLevelKind,
    /// The SCPs attached to this node.
    #[serde(default)]
    pub scps: Vec<OrgPolicy>,
    /// The RCPs attached to this node.
    #[serde(default)]
    pub rcps: Vec<OrgPolicy>,
}

/// One SCP or RCP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// The policy id (`p-…`).
    pub id: String,
    /// Its name (`FullAWSAccess`).
    pub name: String,
    /// Its ARN.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arn: String,
    /// AWS manages it (`FullAWSAccess`, `RCPFullAWSAccess`).
    #[serde(default)]
    pub aws_managed: bool,
    /// The policy document.
    pub document: crate::PolicyDocument,
}
