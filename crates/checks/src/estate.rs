//! One account's principals as the nodes of the privilege graph (`rampart_policy::escalate`):
//! users with their groups' policies, roles with their trust policies, groups, and stand-ins
//! for administrators not in the Inventory. Shared by IAM-109 and `rampart access`.

use std::sync::Arc;

use rampart_model::Account;
use rampart_policy::escalate::{Graph, Node, NodeKind};
use rampart_policy::eval::Named;
use rampart_policy::{Policy, PolicyKind};

use crate::iam_policy::common::{self, Principal};

/// The parsed policies of one account's principals, from which graphs are built.
pub struct Estate<'a> {
    account: &'a Account,
    pub(crate) principals: Vec<Principal<'a>>,
    groups: Vec<Vec<(String, Arc<Policy>)>>,
    /// Per group: the policies it holds that the Inventory lacks or that do not parse.
    group_missing: Vec<Vec<String>>,
    trusts: Vec<Option<Policy>>,
    arns: Vec<String>,
    probes: Vec<(NodeKind, String)>,
    probe_policy: String,
    scps: Vec<Vec<(String, Policy)>>,
    rcps: Vec<Vec<(String, Policy)>>,
    org_unknown: Option<String>,
    management: bool,
    /// An IaC managed policy's address → the ARN its declaration gives it: principals attach
    /// policies by address, statements name them by ARN (`iam:CreatePolicyVersion` on
    /// `aws_iam_policy.app.arn`).
    cloud: std::collections::HashMap<&'a str, &'a str>,
}

impl<'a> Estate<'a> {
    /// Reads every principal of `account`.
    #[must_use]
    pub fn new(account: &'a Account) -> Self {
        // One parse per managed policy, shared by every principal and group it is attached to.
        let mut managed = common::Managed::new(account);
        let principals = common::principals_with(account, &mut managed);
        let (groups, group_missing) = group_policies(account, &mut managed);
        let trusts: Vec<Option<Policy>> = principals
            .iter()
            .map(|p| {
                p.role.and_then(|r| {
                    rampart_policy::parse_document(
                        r.assume_role_policy.as_json(),
                        PolicyKind::Trust,
                    )
                    .policy
                })
            })
            .collect();
        // IaC principals carry their address until applied: the ARN they will have.
        let arn_of = |kind: &str, meta: &rampart_model::Meta| {
            if meta.arn.starts_with("arn:") {
                meta.arn.clone()
            } else {
                format!("arn:aws:iam::{}:{kind}/{}", account.id, meta.name)
            }
        };
        let arns: Vec<String> = principals
            .iter()
            .map(|p| arn_of(p.kind, p.meta))
            .chain(account.iam.groups.iter().map(|g| arn_of("group", &g.meta)))
            .collect();
        // Stand-ins for administrators not in the Inventory: a grant on every role, user,
        // group or customer policy of the account reaches them; a narrower grant does not.
        let probes = vec![
            (
                NodeKind::Role,
                format!("arn:aws:iam::{}:role/rampart-any-role", account.id),
            ),
            (
                NodeKind::User,
                format!("arn:aws:iam::{}:user/rampart-any-user", account.id),
            ),
            (
                NodeKind::Group,
                format!("arn:aws:iam::{}:group/rampart-any-group", account.id),
            ),
        ];
        let (scps, rcps, org_unknown) = org_levels(account);
        let cloud = account
            .iam
            .policies
            .iter()
            .filter(|p| p.meta.cloud_arn() != p.meta.arn)
            .map(|p| (p.meta.arn.as_str(), p.meta.cloud_arn()))
            .collect();
        Estate {
            cloud,
            account,
            management: account
                .org_policies
                .as_ref()
                .is_some_and(|o| o.management_account),
            scps,
            rcps,
            org_unknown,
            principals,
            groups,
            group_missing,
            trusts,
            arns,
            probes,
            probe_policy: format!("arn:aws:iam::{}:policy/rampart-any-policy", account.id),
        }
    }

    /// The SCP levels over the account's principals, root first, as the engine takes them.
    #[must_use]
    pub fn scp_levels(&self) -> Vec<Vec<Named<'_>>> {
        named_levels(&self.scps)
    }

    /// The RCP levels over the account's resources, root first.
    #[must_use]
    pub fn rcp_levels(&self) -> Vec<Vec<Named<'_>>> {
        named_levels(&self.rcps)
    }

    /// Why the organization's SCPs and RCPs are not applied, when they are not known (not read,
    /// or a document that does not parse): decisions are then made without them.
    #[must_use]
    pub fn org_unknown(&self) -> Option<&str> {
        self.org_unknown.as_deref()
    }

    /// The account is its organization's management account: no SCP or RCP applies to its
    /// principals or resources ("Service control policies", AWS Organizations User Guide).
    #[must_use]
    pub fn management_account(&self) -> bool {
        self.management
    }

    /// How many nodes are real principals (users, roles, then groups); stand-ins follow.
    #[must_use]
    pub fn real_nodes(&self) -> usize {
        self.principals.len() + self.groups.len()
    }

    /// The metadata of real node `i`.
    #[must_use]
    pub fn meta(&self, i: usize) -> Option<&'a rampart_model::Meta> {
        match self.principals.get(i) {
            Some(p) => Some(p.meta),
            None => self
                .account
                .iam
                .groups
                .get(i - self.principals.len())
                .map(|g| &g.meta),
        }
    }

    /// What real node `i` lacks in the Inventory (attached policies, groups, boundary).
    #[must_use]
    pub fn missing(&self, i: usize) -> &[String] {
        match self.principals.get(i) {
            Some(p) => p.missing.as_slice(),
            None => self
                .group_missing
                .get(i - self.principals.len())
                .map_or(&[], Vec::as_slice),
        }
    }

    /// The graph; with `admin` (an administrator policy), stand-ins for administrators not in
    /// the Inventory are added after the real nodes.
    #[must_use]
    pub fn graph<'s>(&'s self, admin: Option<&'s Policy>) -> Graph<'s> {
        let account = self.account;
        let principals = &self.principals;
        let groups = &self.groups;
        let trusts = &self.trusts;
        let arns = &self.arns;
        let cloud = |a: &'s String| -> &'s str { self.cloud.get(a.as_str()).copied().unwrap_or(a) };
        let group_index = |name: &str| {
            account
                .iam
                .groups
                .iter()
                .position(|g| g.meta.name == name)
                .map(|i| principals.len() + i)
        };
        // The roles in an instance profile, by name or ARN (a profile names its roles either
        // way: ARNs when read live, names or references in IaC).
        let profiled: std::collections::HashSet<&str> = account
            .iam
            .instance_profiles
            .iter()
            .flat_map(|ip| ip.roles.iter().map(String::as_str))
            .collect();
        let mut nodes: Vec<Node<'_>> = Vec::new();
        for (i, (p, trust)) in principals.iter().zip(trusts.iter()).enumerate() {
            nodes.push(Node {
                arn: &arns[i],
                account: &account.id,
                kind: if p.role.is_some() {
                    NodeKind::Role
                } else {
                    NodeKind::User
                },
                policies: p.named(),
                boundary: p.boundary.as_ref().map(|b| {
                    vec![Named {
                        name: "permissions boundary",
                        policy: b,
                    }]
                }),
                trust: trust.as_ref(),
                attached: p
                    .user
                    .map(|u| &u.attached_policies)
                    .or(p.role.map(|r| &r.attached_policies))
                    .map(|v| v.iter().map(cloud).collect())
                    .unwrap_or_default(),
                groups: p
                    .user
                    .map(|u| u.groups.iter().filter_map(|g| group_index(g)).collect())
                    .unwrap_or_default(),
                // A service-linked role: said by the collector, or by its path (IAM creates
                // them under `/aws-service-role/`, "Using service-linked roles").
                service_linked: p.role.is_some_and(|r| {
                    r.service_linked || r.meta.arn.contains(":role/aws-service-role/")
                }),
                hypothetical: false,
                instance_profile: p.role.is_some_and(|r| {
                    [
                        r.meta.name.as_str(),
                        r.meta.arn.as_str(),
                        r.meta.cloud_arn(),
                        arns[i].as_str(),
                    ]
                    .iter()
                    .any(|k| profiled.contains(k))
                }),
                tags: p
                    .meta
                    .tags
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            });
        }
        for (j, (g, policies)) in account.iam.groups.iter().zip(groups.iter()).enumerate() {
            nodes.push(Node {
                arn: &arns[principals.len() + j],
                account: &account.id,
                kind: NodeKind::Group,
                policies: policies
                    .iter()
                    .map(|(n, p)| Named { name: n, policy: p })
                    .collect(),
                boundary: None,
                trust: None,
                attached: g.attached_policies.iter().map(cloud).collect(),
                groups: Vec::new(),
                service_linked: false,
                hypothetical: false,
                instance_profile: false,
                tags: Vec::new(),
            });
        }
        if let Some(admin) = admin {
            for (kind, arn) in &self.probes {
                nodes.push(Node {
                    arn,
                    account: &account.id,
                    kind: *kind,
                    policies: vec![Named {
                        name: "an administrator policy",
                        policy: admin,
                    }],
                    boundary: None,
                    trust: None,
                    attached: vec![self.probe_policy.as_str()],
                    groups: Vec::new(),
                    service_linked: false,
                    hypothetical: true,
                    instance_profile: true,
                    tags: Vec::new(),
                });
            }
        }
        let mut graph = Graph::new(nodes);
        graph.scps = self.scp_levels();
        graph.rcps = self.rcp_levels();
        graph.management_account = self.management;
        graph
    }
}

fn named_levels(levels: &[Vec<(String, Policy)>]) -> Vec<Vec<Named<'_>>> {
    levels
        .iter()
        .map(|l| {
            l.iter()
                .map(|(name, policy)| Named { name, policy })
                .collect()
        })
        .collect()
}

type Levels = Vec<Vec<(String, Policy)>>;

/// The account's SCP and RCP levels, parsed, and why they are not known when they are not (the
/// Inventory holds none for this account, or a document does not parse: then neither is
/// applied, rather than a level missing its Allow or its Deny).
fn org_levels(account: &Account) -> (Levels, Levels, Option<String>) {
    let Some(org) = &account.org_policies else {
        return (
            Vec::new(),
            Vec::new(),
            Some("the Inventory does not hold the organization's SCPs and RCPs".into()),
        );
    };
    let parse = |levels: Vec<Vec<&rampart_model::org::OrgPolicy>>, kind: PolicyKind, what: &str| {
        let mut out = Vec::new();
        for level in levels {
            let mut parsed = Vec::new();
            for p in level {
                match rampart_policy::parse_document(p.document.as_json(), kind).policy {
                    Some(policy) => parsed.push((format!("{what} `{}`", p.name), policy)),
                    None => return Err(format!("{what} `{}` ({}) does not parse", p.name, p.id)),
                }
            }
            out.push(parsed);
        }
        Ok(out)
    };
    let scps = parse(org.scp_levels(), PolicyKind::Scp, "SCP");
    let rcps = parse(org.rcp_levels(), PolicyKind::Resource, "RCP");
    match (scps, rcps) {
        (Ok(s), Ok(r)) => (s, r, None),
        (Err(e), _) | (_, Err(e)) => (Vec::new(), Vec::new(), Some(e)),
    }
}

/// Policies with their labels.
type Labelled = Vec<(String, Arc<Policy>)>;

/// Each group's own policies (inline and attached), and what it holds that cannot be read (a
/// managed policy the Inventory lacks, a document that does not parse): a group judged without
/// one of its policies would be judged wrong.
fn group_policies<'a>(
    account: &'a rampart_model::Account,
    managed: &mut common::Managed<'a>,
) -> (Vec<Labelled>, Vec<Vec<String>>) {
    account
        .iam
        .groups
        .iter()
        .map(|g| {
            let (mut v, mut missing) = (Vec::new(), Vec::new());
            for ip in &g.inline_policies {
                match rampart_policy::parse_document(ip.document.as_json(), PolicyKind::Identity)
                    .policy
                {
                    Some(p) => v.push((
                        format!("inline policy `{}` of group `{}`", ip.name, g.meta.name),
                        Arc::new(p),
                    )),
                    None => missing.push(format!(
                        "a readable inline policy `{}` (not valid JSON)",
                        ip.name
                    )),
                }
            }
            for arn in &g.attached_policies {
                match managed.get(arn, PolicyKind::Identity) {
                    Some((_, Some(p))) => v.push((format!("managed policy `{arn}`"), p)),
                    Some((_, None)) => missing.push(format!(
                        "a readable managed policy `{arn}` (not valid JSON)"
                    )),
                    None => match managed.published(arn, PolicyKind::Identity) {
                        Some(named) => v.push(named),
                        None => missing.push(format!("the attached policy `{arn}`")),
                    },
                }
            }
            (v, missing)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A user who may write its own inline policy (self-escalation), under the organization
    /// policies `org` (`None`: not read).
    fn account(org: Option<serde_json::Value>) -> Account {
        let mut a = json!({
            "id": "222222222222",
            "iam": {"users": [{
                "meta": {"arn": "arn:aws:iam::222222222222:user/u", "name": "u", "origin": {}},
                "console_password": false,
                "inline_policies": [{"name": "own", "origin": {}, "document": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]
                }}]
            }]}
        });
        if let Some(org) = org {
            a["org_policies"] = org;
        }
        serde_json::from_value(a).expect("account")
    }

    fn org(management: bool) -> serde_json::Value {
        let full = json!({"id": "p-FullAWSAccess", "name": "FullAWSAccess", "aws_managed": true,
            "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}});
        let deny = json!({"id": "p-1", "name": "no-iam-writes",
            "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:Put*", "Resource": "*"}]}});
        json!({"organization": "o-1", "management_account": management, "scps_enabled": true,
        "levels": [
            {"id": "r-1", "kind": "root", "scps": [full]},
            {"id": "ou-1", "kind": "organizational_unit", "scps": [full, deny]},
            {"id": "222222222222", "kind": "account", "scps": [full]}
        ]})
    }

    fn escalates(a: &Account) -> bool {
        let estate = Estate::new(a);
        let graph = estate.graph(None);
        graph.escalation(0).is_some()
    }

    #[test]
    fn an_scp_deny_removes_the_escalation_path() {
        assert!(
            escalates(&account(None)),
            "without SCPs, PutUserPolicy escalates"
        );
        let denied = account(Some(org(false)));
        assert!(!escalates(&denied), "the OU's SCP denies iam:Put*");
        assert_eq!(Estate::new(&denied).scp_levels().len(), 3);
        // SCPs do not apply to the management account.
        assert!(escalates(&account(Some(org(true)))));
    }

    /// The usual Region-restricting SCP (deny everything outside the listed Regions) leaves a
    /// way up for a caller who calls in a listed Region; without a Region in the request it
    /// would deny everything.
    #[test]
    fn a_region_restricting_scp_leaves_the_listed_regions() {
        let mut o = org(false);
        o["levels"][1]["scps"][1]["document"] = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]});
        assert!(escalates(&account(Some(o))));
    }

    #[test]
    fn unknown_or_unparseable_scps_are_said() {
        assert!(Estate::new(&account(None)).org_unknown().is_some());
        assert!(
            Estate::new(&account(Some(org(false))))
                .org_unknown()
                .is_none()
        );
        let mut bad = org(false);
        bad["levels"][1]["scps"][1]["document"] = json!("{not a policy");
        let e = Estate::new(&account(Some(bad)))
            .org_unknown()
            .map(str::to_owned);
        assert!(
            e.as_deref().is_some_and(|e| e.contains("no-iam-writes")),
            "{e:?}"
        );
    }
}
