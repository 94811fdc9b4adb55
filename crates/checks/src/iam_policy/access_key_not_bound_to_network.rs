//! IAM-107 `access-key-not-bound-to-network`: a user with an active access key has no Deny that
//! limits its use to the workload's network.

use rampart_policy::analysis;
use rampart_policy::policy::{Effect, OperatorBase};

use super::common;
use crate::prelude::*;

/// A Deny of everything from outside the workload's addresses (or VPC endpoint) makes a leaked
/// key useless to whoever found it.
pub struct AccessKeyNotBoundToNetwork;

static META: CheckMeta = CheckMeta {
    code: "IAM-107",
    name: "access-key-not-bound-to-network",
    title: "A long-lived access key can be used from anywhere",
    severity: Severity::Medium,
    controls: &["IAM-12"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ACCESS_KEYS,
    ],
    rationale: "Access keys leak: in repositories, CI logs, backups, laptops. A key that only works \
                from the workload's egress addresses or through its VPC endpoint is worth nothing \
                to the finder. The usual form is a Deny of `*` with `NotIpAddress` on \
                `aws:SourceIp` (plus `aws:ViaAWSService` false so AWS services acting for the \
                user still work), or `StringNotEquals` on `aws:SourceVpce`; a user whose every \
                Allow carries an `IpAddress` or `aws:SourceVpce` condition (not `IfExists`) is \
                bound too, since nothing is allowed from elsewhere.",
    remediation: RemediationText {
        text: "Attach to every user with access keys a Deny of all actions unless the request \
               comes from the workload's addresses or VPC endpoint; better, replace the user by a \
               role the workload assumes.",
        cli: None,
        terraform: Some(
            "statement {\n  effect    = \"Deny\"\n  actions   = [\"*\"]\n  resources = [\"*\"]\n  condition {\n    test     = \"NotIpAddress\"\n    variable = \"aws:SourceIp\"\n    values   = [\"203.0.113.0/24\"]\n  }\n  condition {\n    test     = \"Bool\"\n    variable = \"aws:ViaAWSService\"\n    values   = [\"false\"]\n  }\n}",
        ),
    },
    manual: false,
};

fn network_condition(c: &rampart_policy::policy::Condition) -> bool {
    let key = c.key.value.to_ascii_lowercase();
    match key.as_str() {
        "aws:sourceip" | "aws:vpcsourceip" => c.operator.base == OperatorBase::NotIpAddress,
        "aws:sourcevpce" | "aws:sourcevpc" => matches!(
            c.operator.base,
            OperatorBase::StringNotEquals | OperatorBase::StringNotLike
        ),
        _ => false,
    }
}

/// Whether an Allow statement applies only from a network: a condition (not `IfExists`, whose
/// absent key would match anywhere) that the request come from given addresses or a given VPC
/// or endpoint. The statement's conditions must all match for it to apply (IAM User Guide,
/// "Condition element": several conditions are ANDed), so one such condition binds it.
fn allow_bound_to_network(s: &rampart_policy::policy::Statement) -> bool {
    s.conditions.iter().any(|c| {
        let key = c.key.value.to_ascii_lowercase();
        let narrow = !c.operator.if_exists
            && c.operator.set.is_none()
            && !c.values.is_empty()
            && c.values
                .iter()
                .all(|v| v != "*" && v != "0.0.0.0/0" && v != "::/0");
        narrow
            && match key.as_str() {
                "aws:sourceip" | "aws:vpcsourceip" => c.operator.base == OperatorBase::IpAddress,
                "aws:sourcevpce" | "aws:sourcevpc" => matches!(
                    c.operator.base,
                    OperatorBase::StringEquals | OperatorBase::StringLike
                ),
                _ => false,
            }
    })
}

impl Check for AccessKeyNotBoundToNetwork {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let catalogue = rampart_policy::catalogue::global();
        for account in ctx.accounts() {
            for p in common::principals(account) {
                if !p.has_active_key() || !p.complete(&account.id, out) {
                    continue;
                }
                let allowed = p.effective().allowed_actions();
                let mut binding = None;
                for (name, policy) in &p.policies {
                    for s in policy.statements_with(Effect::Deny) {
                        let everywhere = s
                            .resource
                            .as_ref()
                            .is_none_or(|r| !r.negated && r.items.iter().any(|x| x.value == "*"));
                        let covers = allowed
                            .minus(&analysis::statement_actions(catalogue, s))
                            .is_empty();
                        if everywhere && covers && s.conditions.iter().any(network_condition) {
                            binding = Some((name.clone(), s.to_json()));
                        }
                    }
                }
                // Or every Allow the user holds applies only from the workload's network: from
                // anywhere else nothing is allowed (an implicit deny).
                if binding.is_none() {
                    let allows: Vec<_> = p
                        .policies
                        .iter()
                        .flat_map(|(name, policy)| {
                            policy
                                .statements_with(Effect::Allow)
                                .map(move |s| (name, s))
                        })
                        .collect();
                    if !allows.is_empty() && allows.iter().all(|(_, s)| allow_bound_to_network(s)) {
                        binding = allows
                            .first()
                            .map(|(name, s)| ((*name).clone(), s.to_json()));
                    }
                }
                let at = p.at(&account.id);
                match binding {
                    Some((policy, statement)) => {
                        out.pass(at, format!("user `{}` has an access key bound to the workload's network by {policy}", p.meta.name))
                            .with("statement", statement);
                    }
                    None => {
                        out.fail(
                            at,
                            format!(
                                "user `{}` has an active access key usable from any network",
                                p.meta.name
                            ),
                        )
                        .with(
                            "access_keys",
                            json!(p.user.map(|u| {
                                u.access_keys
                                    .iter()
                                    .filter(|k| k.active)
                                    .map(|k| k.id.clone())
                                    .collect::<Vec<_>>()
                            })),
                        );
                    }
                }
            }
        }
    }
}
