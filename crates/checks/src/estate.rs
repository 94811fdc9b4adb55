//! One account's principals as the nodes of the privilege graph (`rampart_policy::escalate`):
//! users with their groups' policies, roles with their trust policies, groups, and stand-ins
//! for administrators not in the Inventory. Shared by IAM-109 and `rampart access`.

use rampart_model::Account;
use rampart_policy::escalate::{Graph, Node, NodeKind};
use rampart_policy::eval::Named;
use rampart_policy::{Policy, PolicyKind};

use crate::iam_policy::common::{self, Principal};

/// The parsed policies of one account's principals, from which graphs are built.
pub struct Estate<'a> {
    account: &'a Account,
    pub(crate) principals: Vec<Principal<'a>>,
    groups: Vec<Vec<(String, Policy)>>,
    trusts: Vec<Option<Policy>>,
    arns: Vec<String>,
    probes: Vec<(NodeKind, String)>,
    probe_policy: String,
}

impl<'a> Estate<'a> {
    /// Reads every principal of `account`.
    #[must_use]
    pub fn new(account: &'a Account) -> Self {
        let principals = common::principals(account);
        let groups = group_policies(account);
        let trusts: Vec<Option<Policy>> = principals
            .iter()
            .map(|p| {
                p.role.and_then(|r| {
                    rampart_policy::parse_value(&r.assume_role_policy, PolicyKind::Trust).policy
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
        Estate {
            account,
            principals,
            groups,
            trusts,
            arns,
            probes,
            probe_policy: format!("arn:aws:iam::{}:policy/rampart-any-policy", account.id),
        }
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
        self.principals.get(i).map_or(&[], |p| p.missing.as_slice())
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
        let group_index = |name: &str| {
            account
                .iam
                .groups
                .iter()
                .position(|g| g.meta.name == name)
                .map(|i| principals.len() + i)
        };
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
                    .map(|v| v.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
                groups: p
                    .user
                    .map(|u| u.groups.iter().filter_map(|g| group_index(g)).collect())
                    .unwrap_or_default(),
                service_linked: p.role.is_some_and(|r| r.service_linked),
                hypothetical: false,
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
                attached: g.attached_policies.iter().map(String::as_str).collect(),
                groups: Vec::new(),
                service_linked: false,
                hypothetical: false,
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
                });
            }
        }
        Graph::new(nodes)
    }
}

/// Each group's own policies (inline and attached), readable ones.
fn group_policies(account: &rampart_model::Account) -> Vec<Vec<(String, Policy)>> {
    account
        .iam
        .groups
        .iter()
        .map(|g| {
            let mut v = Vec::new();
            for ip in &g.inline_policies {
                if let Some(p) =
                    rampart_policy::parse_value(&ip.document, PolicyKind::Identity).policy
                {
                    v.push((
                        format!("inline policy `{}` of group `{}`", ip.name, g.meta.name),
                        p,
                    ));
                }
            }
            for arn in &g.attached_policies {
                if let Some(p) = account.iam.policy(arn).and_then(|m| {
                    rampart_policy::parse_value(&m.document, PolicyKind::Identity).policy
                }) {
                    v.push((format!("managed policy `{arn}`"), p));
                }
            }
            v
        })
        .collect()
}
