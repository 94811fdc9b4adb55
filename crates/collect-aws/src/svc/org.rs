//! AWS Organizations: the member accounts to read, the SCPs and RCPs that reach each account
//! (with the OU tree they are attached on), and each account's effective tag policy.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_organizations::types::{EffectivePolicyType, PolicyType, PolicyTypeStatus, TargetType};
use rampart_model::org::{OrgLevel, OrgLevelKind, OrgPolicies, OrgPolicy};

use crate::ctx::{CallError, Ctx, Shared};
use crate::svc::client;

const ORG: &str = "Organizations";

/// The configuration for Organizations, a global service served from us-east-1 in the
/// commercial partition (and from the configured region elsewhere).
fn org_config(config: &SdkConfig, partition: &str) -> SdkConfig {
    let home = if partition == "aws" {
        Region::new("us-east-1")
    } else {
        config.region().cloned().unwrap_or(Region::new("us-east-1"))
    };
    config.to_builder().region(home).build()
}

/// The active accounts of the caller's organization.
pub(crate) async fn member_accounts(
    shared: &Arc<Shared>,
    config: &SdkConfig,
    caller: &str,
    partition: &str,
) -> Result<Vec<String>, String> {
    let ctx = Ctx::new(Arc::clone(shared), caller, partition);
    let c = client!(aws_sdk_organizations, ctx, &org_config(config, partition));
    ctx.call(
        ORG,
        "DescribeOrganization",
        c.describe_organization().send(),
    )
    .await
    .map_err(|e| {
        format!(
            "organizations:DescribeOrganization: {}: {}",
            e.code, e.message
        )
    })?;
    let accounts = ctx
        .paged(
            ORG,
            "ListAccounts",
            |t| c.list_accounts().set_next_token(t).send(),
            |o| (o.accounts.unwrap_or_default(), o.next_token),
        )
        .await
        .map_err(|e| format!("organizations:ListAccounts: {}: {}", e.code, e.message))?;
    let mut ids: Vec<String> = accounts
        .into_iter()
        .filter(|a| {
            // `Status` is deprecated in favour of `State`; accept either saying active.
            #[allow(deprecated)]
            let status = a.status().map(|s| s.as_str().to_owned());
            let state = a.state().map(|s| s.as_str().to_owned());
            status.as_deref().is_none_or(|s| s == "ACTIVE")
                && state.as_deref().is_none_or(|s| s == "ACTIVE")
        })
        .filter_map(|a| a.id().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The organization as far as authorization goes: its tree and the SCPs/RCPs on each node.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgTree {
    pub id: String,
    pub management_account: String,
    pub scps_enabled: bool,
    pub rcps_enabled: bool,
    pub root: String,
    /// Child (OU or account id) → parent (root or OU id).
    pub parent: HashMap<String, String>,
    /// Node id → (name, kind).
    pub nodes: HashMap<String, (String, OrgLevelKind)>,
    /// Target id → SCPs attached to it.
    pub scps: HashMap<String, Vec<OrgPolicy>>,
    /// Target id → RCPs attached to it.
    pub rcps: HashMap<String, Vec<OrgPolicy>>,
}

/// What reading the organization's policies gave.
#[derive(Debug, Clone)]
pub(crate) enum OrgRead {
    /// The caller's account belongs to no organization: no SCP or RCP applies.
    NotInOrganization,
    /// The organization was read.
    Tree(Box<OrgTree>),
    /// A call failed (a member account is refused ListRoots and the policy listings): which.
    Failed(&'static str, CallError),
}

impl OrgTree {
    /// The policies that reach `account`, root first; `None` when the account is not in the
    /// tree (then the caller records a gap).
    pub(crate) fn for_account(&self, account: &str) -> Option<OrgPolicies> {
        let mut path = vec![account.to_owned()];
        let mut at = account;
        // A bound on depth guards against a malformed answer with a cycle (AWS allows five OU
        // levels under the root).
        while at != self.root {
            let up = self.parent.get(at)?;
            if path.len() > 16 {
                return None;
            }
            path.push(up.clone());
            at = up;
        }
        path.reverse();
        let levels = path
            .into_iter()
            .map(|id| {
                let (name, kind) = self.nodes.get(&id).cloned().unwrap_or_default();
                let kind = if id == account {
                    OrgLevelKind::Account
                } else {
                    kind
                };
                OrgLevel {
                    scps: self.scps.get(&id).cloned().unwrap_or_default(),
                    rcps: self.rcps.get(&id).cloned().unwrap_or_default(),
                    id,
                    name,
                    kind,
                }
            })
            .collect();
        Some(OrgPolicies {
            organization: Some(self.id.clone()),
            management_account: account == self.management_account,
            scps_enabled: self.scps_enabled,
            rcps_enabled: self.rcps_enabled,
            levels,
        })
    }
}

impl OrgRead {
    /// Sets `account`'s policies, or records why they are not known.
    pub(crate) fn apply(&self, account: &mut rampart_model::Account, ctx: &Ctx) {
        match self {
            OrgRead::NotInOrganization => account.org_policies = Some(OrgPolicies::default()),
            OrgRead::Tree(tree) => match tree.for_account(&account.id) {
                Some(p) => account.org_policies = Some(p),
                None => ctx.push(
                    rampart_model::Gap::new(
                        rampart_model::data::ORGANIZATIONS_POLICIES,
                        "organizations:ListAccountsForParent",
                        "the account is not in the organization tree read from the root",
                    )
                    .in_account(&account.id)
                    .with_code("NotInTree"),
                ),
            },
            OrgRead::Failed(op, err) => {
                let mut err = err.clone();
                err.message.push_str(
                    " (SCPs and RCPs can be read from the management account or a delegated administrator)",
                );
                ctx.gap(rampart_model::data::ORGANIZATIONS_POLICIES, ORG, op, &err);
            }
        }
    }
}

/// Reads the organization's tree, SCPs and RCPs with the caller's credentials.
pub(crate) async fn policies(ctx: Ctx, config: SdkConfig) -> OrgRead {
    let c = client!(
        aws_sdk_organizations,
        ctx,
        &org_config(&config, &ctx.partition)
    );
    let org = match ctx
        .call(
            ORG,
            "DescribeOrganization",
            c.describe_organization().send(),
        )
        .await
    {
        Ok(o) => o.organization,
        Err(e) if e.is(&["AWSOrganizationsNotInUseException"]) => {
            return OrgRead::NotInOrganization;
        }
        Err(e) => return OrgRead::Failed("DescribeOrganization", e),
    };
    let Some(org) = org else {
        return OrgRead::NotInOrganization;
    };
    let mut tree = OrgTree {
        id: org.id().unwrap_or_default().to_owned(),
        management_account: org.master_account_id().unwrap_or_default().to_owned(),
        ..OrgTree::default()
    };
    let roots = match ctx
        .paged(
            ORG,
            "ListRoots",
            |t| c.list_roots().set_next_token(t).send(),
            |o| (o.roots.unwrap_or_default(), o.next_token),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return OrgRead::Failed("ListRoots", e),
    };
    // An organization has exactly one root.
    let Some(root) = roots.into_iter().next() else {
        return OrgRead::Failed(
            "ListRoots",
            CallError {
                code: "NoRoot".into(),
                message: "ListRoots returned no root".into(),
            },
        );
    };
    tree.root = root.id().unwrap_or_default().to_owned();
    let enabled = |t: PolicyType| {
        root.policy_types()
            .iter()
            .any(|p| p.r#type() == Some(&t) && p.status() == Some(&PolicyTypeStatus::Enabled))
    };
    tree.scps_enabled = enabled(PolicyType::ServiceControlPolicy);
    tree.rcps_enabled = enabled(PolicyType::ResourceControlPolicy);
    tree.nodes.insert(
        tree.root.clone(),
        (
            root.name().unwrap_or_default().to_owned(),
            OrgLevelKind::Root,
        ),
    );
    if let Err((op, e)) = walk(&ctx, &c, &mut tree).await {
        return OrgRead::Failed(op, e);
    }
    for (kind, on) in [
        (PolicyType::ServiceControlPolicy, tree.scps_enabled),
        (PolicyType::ResourceControlPolicy, tree.rcps_enabled),
    ] {
        if !on {
            continue;
        }
        match attachments(&ctx, &c, kind.clone()).await {
            Ok(map) => {
                if kind == PolicyType::ServiceControlPolicy {
                    tree.scps = map;
                } else {
                    tree.rcps = map;
                }
            }
            Err((op, e)) => return OrgRead::Failed(op, e),
        }
    }
    OrgRead::Tree(Box::new(tree))
}

/// The OU tree under the root, breadth first: every OU's and account's parent.
async fn walk(
    ctx: &Ctx,
    c: &aws_sdk_organizations::Client,
    tree: &mut OrgTree,
) -> Result<(), (&'static str, CallError)> {
    let mut queue = vec![tree.root.clone()];
    while let Some(parent) = queue.pop() {
        let ous = ctx
            .paged(
                ORG,
                "ListOrganizationalUnitsForParent",
                |t| {
                    c.list_organizational_units_for_parent()
                        .parent_id(&parent)
                        .set_next_token(t)
                        .send()
                },
                |o| (o.organizational_units.unwrap_or_default(), o.next_token),
            )
            .await
            .map_err(|e| ("ListOrganizationalUnitsForParent", e))?;
        for ou in ous {
            let Some(id) = ou.id() else { continue };
            // A node seen twice would be a cycle in a malformed answer: read once.
            if tree.parent.contains_key(id) || tree.parent.len() > 100_000 {
                continue;
            }
            tree.parent.insert(id.to_owned(), parent.clone());
            tree.nodes.insert(
                id.to_owned(),
                (
                    ou.name().unwrap_or_default().to_owned(),
                    OrgLevelKind::OrganizationalUnit,
                ),
            );
            queue.push(id.to_owned());
        }
        let accounts = ctx
            .paged(
                ORG,
                "ListAccountsForParent",
                |t| {
                    c.list_accounts_for_parent()
                        .parent_id(&parent)
                        .set_next_token(t)
                        .send()
                },
                |o| (o.accounts.unwrap_or_default(), o.next_token),
            )
            .await
            .map_err(|e| ("ListAccountsForParent", e))?;
        for a in accounts {
            let Some(id) = a.id() else { continue };
            tree.parent.insert(id.to_owned(), parent.clone());
            tree.nodes.insert(
                id.to_owned(),
                (
                    a.name().unwrap_or_default().to_owned(),
                    OrgLevelKind::Account,
                ),
            );
        }
    }
    Ok(())
}

/// Every policy of `kind` with its document, by the targets (root, OU, account) it is attached to.
async fn attachments(
    ctx: &Ctx,
    c: &aws_sdk_organizations::Client,
    kind: PolicyType,
) -> Result<HashMap<String, Vec<OrgPolicy>>, (&'static str, CallError)> {
    let summaries = ctx
        .paged(
            ORG,
            "ListPolicies",
            |t| {
                c.list_policies()
                    .filter(kind.clone())
                    .set_next_token(t)
                    .send()
            },
            |o| (o.policies.unwrap_or_default(), o.next_token),
        )
        .await
        .map_err(|e| ("ListPolicies", e))?;
    let read = ctx
        .map(summaries, |s| {
            let (ctx, c) = (ctx.clone(), c.clone());
            async move {
                let id = s.id().unwrap_or_default().to_owned();
                let described = ctx
                    .call(
                        ORG,
                        "DescribePolicy",
                        c.describe_policy().policy_id(&id).send(),
                    )
                    .await
                    .map_err(|e| ("DescribePolicy", e))?;
                let targets = ctx
                    .paged(
                        ORG,
                        "ListTargetsForPolicy",
                        |t| {
                            c.list_targets_for_policy()
                                .policy_id(&id)
                                .set_next_token(t)
                                .send()
                        },
                        |o| (o.targets.unwrap_or_default(), o.next_token),
                    )
                    .await
                    .map_err(|e| ("ListTargetsForPolicy", e))?;
                let content = described
                    .policy
                    .as_ref()
                    .and_then(|p| p.content())
                    .unwrap_or_default();
                let policy = OrgPolicy {
                    id,
                    name: s.name().unwrap_or_default().to_owned(),
                    arn: s.arn().unwrap_or_default().to_owned(),
                    aws_managed: s.aws_managed(),
                    document: crate::ctx::policy_doc(content),
                };
                let targets: Vec<String> = targets
                    .iter()
                    .filter(|t| {
                        matches!(
                            t.r#type(),
                            Some(
                                TargetType::Root
                                    | TargetType::OrganizationalUnit
                                    | TargetType::Account
                            )
                        )
                    })
                    .filter_map(|t| t.target_id().map(str::to_owned))
                    .collect();
                Ok::<_, (&'static str, CallError)>((policy, targets))
            }
        })
        .await;
    let mut by_target: HashMap<String, Vec<OrgPolicy>> = HashMap::new();
    for r in read {
        let (policy, targets) = r?;
        for t in targets {
            by_target.entry(t).or_default().push(policy.clone());
        }
    }
    for list in by_target.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    }
    Ok(by_target)
}

/// The account's effective tag policy: `Ok(None)` when it has none (or belongs to no
/// organization), the document otherwise; a failed call is a gap on `organizations.tag_policy`.
pub(crate) async fn tag_policy(ctx: Ctx, config: SdkConfig) -> Option<serde_json::Value> {
    let c = client!(
        aws_sdk_organizations,
        ctx,
        &org_config(&config, &ctx.partition)
    );
    // No tag policy reaches the account, or the account is in no organization: the account has
    // no effective tag policy (an answer, not a gap).
    let answer = ctx
        .get_account_setting(
            rampart_model::data::ORGANIZATIONS_TAG_POLICY,
            ORG,
            "DescribeEffectivePolicy",
            &[
                "EffectivePolicyNotFoundException",
                "AWSOrganizationsNotInUseException",
            ],
            c.describe_effective_policy()
                .policy_type(EffectivePolicyType::TagPolicy)
                .send(),
        )
        .await??;
    match effective_document(
        answer
            .effective_policy
            .as_ref()
            .and_then(|p| p.policy_content()),
    ) {
        Ok(doc) => doc,
        Err(e) => {
            ctx.gap(
                rampart_model::data::ORGANIZATIONS_TAG_POLICY,
                ORG,
                "DescribeEffectivePolicy",
                &e,
            );
            None
        }
    }
}

/// The effective policy's content, a JSON document in a string: `None` when there is none, an
/// error when it is not a JSON object (a policy rampart would misread).
pub(crate) fn effective_document(
    content: Option<&str>,
) -> Result<Option<serde_json::Value>, CallError> {
    let Some(content) = content.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    match serde_json::from_str::<serde_json::Value>(content) {
        Ok(v) if v.is_object() => Ok(Some(v)),
        Ok(_) => Err(CallError {
            code: "UnparseableResponse".into(),
            message: "the effective tag policy is not a JSON object".into(),
        }),
        Err(e) => Err(CallError {
            code: "UnparseableResponse".into(),
            message: format!("the effective tag policy is not JSON: {e}"),
        }),
    }
}

#[cfg(test)]
#[path = "../../tests/common/fake_http.rs"]
#[allow(dead_code)]
mod fake_http;

#[cfg(test)]
mod tests {
    use std::net::TcpStream;

    use aws_config::BehaviorVersion;
    use aws_config::retry::RetryConfig;
    use aws_credential_types::Credentials;
    use rampart_model::Account;
    use serde_json::{Value, json};

    use super::fake_http::{self, Request};
    use super::*;
    use crate::ctx::Limiter;
    use crate::progress::Silent;
    use crate::stats::Stats;

    /// An Organizations endpoint answering `target` (the operation) and the request body with a
    /// status and a JSON body (awsJson 1.1, as the real service).
    fn endpoint(answer: impl Fn(&str, &Value) -> (u16, Value) + Send + Sync + 'static) -> String {
        let port = fake_http::serve(Arc::new(move |req: &Request, s: &mut TcpStream| {
            let op = req
                .header("X-Amz-Target")
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or_default()
                .to_owned();
            let body: Value = serde_json::from_str(&req.body).unwrap_or(Value::Null);
            let (status, out) = answer(&op, &body);
            let kind = out["__type"].as_str().unwrap_or_default().to_owned();
            let mut headers = vec![("Content-Type", "application/x-amz-json-1.1")];
            if status >= 400 {
                headers.push(("x-amzn-ErrorType", kind.as_str()));
            }
            fake_http::respond(s, status, &headers, &out.to_string());
        }));
        format!("http://127.0.0.1:{port}")
    }

    async fn setup(url: &str, account: &str) -> (Ctx, SdkConfig) {
        let shared = Arc::new(Shared {
            stats: Arc::new(Stats::default()),
            limiter: Limiter::new(0.0),
            progress: Arc::new(Silent),
            fan_out: 4,
        });
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(url)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "static"))
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .load()
            .await;
        (Ctx::new(shared, account, "aws"), config)
    }

    fn error(kind: &str) -> (u16, Value) {
        (
            400,
            json!({"__type": kind, "Message": format!("{kind} from the test endpoint")}),
        )
    }

    fn tag_endpoint(answer: (u16, Value)) -> String {
        endpoint(move |op, _| {
            assert_eq!(op, "DescribeEffectivePolicy", "only the tag policy is read");
            answer.clone()
        })
    }

    #[tokio::test]
    async fn effective_tag_policy_is_read() {
        let doc = json!({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}}}});
        let url = tag_endpoint((
            200,
            json!({"EffectivePolicy": {"PolicyContent": doc.to_string(), "PolicyType": "TAG_POLICY", "TargetId": "111122223333"}}),
        ));
        let (ctx, config) = setup(&url, "111122223333").await;
        assert_eq!(tag_policy(ctx.clone(), config).await, Some(doc));
        assert!(ctx.take_gaps().is_empty());
    }

    #[tokio::test]
    async fn no_tag_policy_is_a_fact_not_a_gap() {
        for kind in [
            "EffectivePolicyNotFoundException",
            "AWSOrganizationsNotInUseException",
        ] {
            let url = tag_endpoint(error(kind));
            let (ctx, config) = setup(&url, "111122223333").await;
            assert_eq!(tag_policy(ctx.clone(), config).await, None, "{kind}");
            assert!(ctx.take_gaps().is_empty(), "{kind}");
        }
    }

    #[tokio::test]
    async fn an_unreadable_tag_policy_is_a_gap() {
        for (answer, code) in [
            (error("AccessDeniedException"), "AccessDeniedException"),
            (
                (
                    200,
                    json!({"EffectivePolicy": {"PolicyContent": "{not json", "PolicyType": "TAG_POLICY"}}),
                ),
                "UnparseableResponse",
            ),
        ] {
            let url = tag_endpoint(answer);
            let (ctx, config) = setup(&url, "111122223333").await;
            assert_eq!(tag_policy(ctx.clone(), config).await, None);
            let gaps = ctx.take_gaps();
            assert_eq!(gaps.len(), 1, "{gaps:?}");
            assert_eq!(gaps[0].data, rampart_model::data::ORGANIZATIONS_TAG_POLICY);
            assert_eq!(gaps[0].operation, "organizations:DescribeEffectivePolicy");
            assert_eq!(gaps[0].code.as_deref(), Some(code));
            assert_eq!(gaps[0].account.as_deref(), Some("111122223333"));
        }
    }

    fn policy(id: &str, name: &str, managed: bool, doc: &Value) -> Value {
        json!({"Policy": {"PolicySummary": {"Id": id, "Arn": format!("arn:aws:organizations::111111111111:policy/o-1/{id}"), "Name": name, "AwsManaged": managed}, "Content": doc.to_string()}})
    }

    /// An organization: root r-1 (SCPs and RCPs enabled) holds the management account
    /// 111111111111 and OU ou-1, which holds 222222222222. FullAWSAccess and RCPFullAWSAccess
    /// are on every node (as AWS attaches them); `deny-leave` is on ou-1.
    fn organization(op: &str, body: &Value) -> (u16, Value) {
        let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        let rcp_allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
        let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoLeaving", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]});
        let every = json!([
            {"TargetId": "r-1", "Type": "ROOT", "Name": "Root"},
            {"TargetId": "ou-1", "Type": "ORGANIZATIONAL_UNIT", "Name": "workloads"},
            {"TargetId": "111111111111", "Type": "ACCOUNT", "Name": "management"},
            {"TargetId": "222222222222", "Type": "ACCOUNT", "Name": "app"}
        ]);
        let parent = body["ParentId"].as_str().unwrap_or_default();
        let id = body["PolicyId"].as_str().unwrap_or_default();
        match op {
            "DescribeOrganization" => (
                200,
                json!({"Organization": {"Id": "o-1", "MasterAccountId": "111111111111", "FeatureSet": "ALL"}}),
            ),
            "ListRoots" => (
                200,
                json!({"Roots": [{"Id": "r-1", "Name": "Root", "PolicyTypes": [
                    {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
                    {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"},
                    {"Type": "TAG_POLICY", "Status": "ENABLED"}]}]}),
            ),
            "ListOrganizationalUnitsForParent" if parent == "r-1" => (
                200,
                json!({"OrganizationalUnits": [{"Id": "ou-1", "Name": "workloads"}]}),
            ),
            "ListOrganizationalUnitsForParent" => (200, json!({"OrganizationalUnits": []})),
            "ListAccountsForParent" if parent == "r-1" => (
                200,
                json!({"Accounts": [{"Id": "111111111111", "Name": "management"}]}),
            ),
            "ListAccountsForParent" if parent == "ou-1" => (
                200,
                json!({"Accounts": [{"Id": "222222222222", "Name": "app"}]}),
            ),
            "ListAccountsForParent" => (200, json!({"Accounts": []})),
            "ListPolicies" if body["Filter"] == "SERVICE_CONTROL_POLICY" => (
                200,
                json!({"Policies": [
                    {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "AwsManaged": true},
                    {"Id": "p-deny", "Name": "deny-leave", "AwsManaged": false}]}),
            ),
            "ListPolicies" => (
                200,
                json!({"Policies": [{"Id": "p-RCPFullAWSAccess", "Name": "RCPFullAWSAccess", "AwsManaged": true}]}),
            ),
            "DescribePolicy" => match id {
                "p-FullAWSAccess" => (200, policy(id, "FullAWSAccess", true, &allow)),
                "p-deny" => (200, policy(id, "deny-leave", false, &deny)),
                _ => (200, policy(id, "RCPFullAWSAccess", true, &rcp_allow)),
            },
            "ListTargetsForPolicy" if id == "p-deny" => (
                200,
                json!({"Targets": [{"TargetId": "ou-1", "Type": "ORGANIZATIONAL_UNIT"}]}),
            ),
            "ListTargetsForPolicy" => (200, json!({"Targets": every})),
            _ => error("UnsupportedAPIEndpointException"),
        }
    }

    #[tokio::test]
    async fn scps_and_rcps_reach_each_account_level_by_level() {
        let url = endpoint(organization);
        let (ctx, config) = setup(&url, "111111111111").await;
        let read = policies(ctx.clone(), config).await;
        let mut member = Account::new("222222222222");
        let mut management = Account::new("111111111111");
        read.apply(&mut member, &ctx);
        read.apply(&mut management, &ctx);
        assert!(ctx.take_gaps().is_empty());

        let m = member.org_policies.expect("member policies");
        assert_eq!(m.organization.as_deref(), Some("o-1"));
        assert!(!m.management_account && m.scps_enabled && m.rcps_enabled);
        let levels: Vec<(&str, OrgLevelKind, Vec<&str>, Vec<&str>)> = m
            .levels
            .iter()
            .map(|l| {
                (
                    l.id.as_str(),
                    l.kind,
                    l.scps.iter().map(|p| p.name.as_str()).collect(),
                    l.rcps.iter().map(|p| p.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            levels,
            vec![
                (
                    "r-1",
                    OrgLevelKind::Root,
                    vec!["FullAWSAccess"],
                    vec!["RCPFullAWSAccess"]
                ),
                (
                    "ou-1",
                    OrgLevelKind::OrganizationalUnit,
                    vec!["FullAWSAccess", "deny-leave"],
                    vec!["RCPFullAWSAccess"]
                ),
                (
                    "222222222222",
                    OrgLevelKind::Account,
                    vec!["FullAWSAccess"],
                    vec!["RCPFullAWSAccess"]
                ),
            ]
        );
        assert_eq!(
            m.levels[1].scps[1].document.to_value()["Statement"][0]["Sid"],
            "NoLeaving"
        );
        assert!(m.levels[0].scps[0].aws_managed);
        assert_eq!(m.scp_levels().len(), 3);

        // SCPs and RCPs do not apply to the management account.
        let g = management.org_policies.expect("management policies");
        assert!(g.management_account);
        assert_eq!(g.levels.len(), 2);
        assert!(g.scp_levels().is_empty() && g.rcp_levels().is_empty());
    }

    #[tokio::test]
    async fn a_member_account_refused_the_tree_records_a_gap() {
        let url = endpoint(|op, body| match op {
            "DescribeOrganization" => organization(op, body),
            _ => error("AccessDeniedException"),
        });
        let (ctx, config) = setup(&url, "222222222222").await;
        let read = policies(ctx.clone(), config).await;
        let mut account = Account::new("222222222222");
        read.apply(&mut account, &ctx);
        assert_eq!(account.org_policies, None, "never a silent `no SCPs`");
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].data, rampart_model::data::ORGANIZATIONS_POLICIES);
        assert_eq!(gaps[0].operation, "organizations:ListRoots");
        assert_eq!(gaps[0].code.as_deref(), Some("AccessDeniedException"));
        assert!(
            gaps[0].reason.starts_with("access denied"),
            "{}",
            gaps[0].reason
        );
    }

    #[tokio::test]
    async fn an_account_outside_any_organization_has_no_scps() {
        let url = endpoint(|_, _| error("AWSOrganizationsNotInUseException"));
        let (ctx, config) = setup(&url, "333333333333").await;
        let read = policies(ctx.clone(), config).await;
        let mut account = Account::new("333333333333");
        read.apply(&mut account, &ctx);
        assert!(ctx.take_gaps().is_empty());
        let p = account.org_policies.expect("a fact: no organization");
        assert_eq!(p.organization, None);
        assert!(p.scp_levels().is_empty() && p.levels.is_empty());
    }

    #[test]
    fn tag_policy_content_must_be_a_json_object() {
        assert_eq!(effective_document(None).ok(), Some(None));
        assert_eq!(effective_document(Some("  ")).ok(), Some(None));
        assert!(effective_document(Some("[1]")).is_err());
        assert_eq!(
            effective_document(Some("{\"tags\": {}}")).ok(),
            Some(Some(json!({"tags": {}})))
        );
    }
}
