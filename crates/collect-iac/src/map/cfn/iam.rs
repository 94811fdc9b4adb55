//! iam

use super::{Cx, Kind, s};
use crate::map::{file, inline, nested_origin, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::data;
use rampart_model::iam::{AccessKey, Group, InstanceProfile, ManagedPolicy, Role};

/// The `Policies` of a role, user or group (each `PolicyName` and `PolicyDocument`); a document
/// known only after deployment is a gap on `data_set` for the principal.
fn inline_policies(
    cx: &mut Cx<'_>,
    raw: &Raw,
    principal: &str,
    data_set: &str,
) -> Vec<rampart_model::iam::InlinePolicy> {
    let mut out = Vec::new();
    for pol in raw.attrs.get("Policies").items() {
        if let Some(doc) =
            policy_or_gap(cx.bld, raw, principal, pol.get("PolicyDocument"), data_set)
        {
            out.push(inline(
                &s(pol, "PolicyName").unwrap_or_default(),
                doc,
                &nested_origin(raw, pol),
            ));
        }
    }
    out
}

/// `AWS::IAM::Role`.
pub(super) fn role(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "RoleName"), tags);
    let marn = meta.arn.clone();
    let trust = policy_or_gap(
        cx.bld,
        raw,
        &marn,
        p.get("AssumeRolePolicyDocument"),
        data::IAM_ROLES,
    )
    .unwrap_or_default();
    let mut role = Role {
        meta,
        assume_role_policy: trust,
        attached_policies: cx.attached(raw, p.get("ManagedPolicyArns").strings()),
        inline_policies: Vec::new(),
        permissions_boundary: s(p, "PermissionsBoundary"),
        last_used: None,
        service_linked: false,
    };
    role.inline_policies = inline_policies(cx, raw, &marn, data::IAM_ROLES);
    cx.idx
        .remember(Kind::Role, raw, cx.bld.account.iam.roles.len());
    cx.bld.account.iam.roles.push(role);
}

/// `AWS::IAM::User`.
pub(super) fn user(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "UserName"), tags);
    let marn = meta.arn.clone();
    let mut user = crate::map::bare_user(meta, s(p, "PermissionsBoundary"));
    user.console_password = !p.get("LoginProfile").is_null();
    user.groups = p.get("Groups").strings();
    user.attached_policies = cx.attached(raw, p.get("ManagedPolicyArns").strings());
    user.inline_policies = inline_policies(cx, raw, &marn, data::IAM_USERS);
    cx.idx
        .remember(Kind::User, raw, cx.bld.account.iam.users.len());
    cx.bld.account.iam.users.push(user);
}

/// `AWS::IAM::Group`.
pub(super) fn group(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx.bld.meta(raw, None, s(p, "GroupName"), &Value::Null);
    let marn = meta.arn.clone();
    let mut g = Group {
        meta,
        attached_policies: cx.attached(raw, p.get("ManagedPolicyArns").strings()),
        inline_policies: Vec::new(),
    };
    g.inline_policies = inline_policies(cx, raw, &marn, data::IAM_GROUPS);
    cx.idx
        .remember(Kind::Group, raw, cx.bld.account.iam.groups.len());
    cx.bld.account.iam.groups.push(g);
}

/// `AWS::IAM::ManagedPolicy`: the policy itself, named `FILE:LogicalId` (its ARN, what `Ref`
/// gives, is how the template's principals attach it; see [`Cx::policy_identity`]).
pub(super) fn managed_policy(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx.bld.meta(
        raw,
        None,
        s(p, "ManagedPolicyName").or_else(|| Some(raw.address.clone())),
        &Value::Null,
    );
    let marn = meta.arn.clone();
    if let Some(doc) = policy_or_gap(
        cx.bld,
        raw,
        &marn,
        p.get("PolicyDocument"),
        data::IAM_POLICIES,
    ) {
        let attached = ["Roles", "Users", "Groups"]
            .iter()
            .map(|k| p.get(k).strings().len())
            .sum::<usize>();
        cx.bld.account.iam.policies.push(ManagedPolicy {
            meta,
            aws_managed: false,
            default_version: Some("v1".to_owned()),
            document: doc,
            attachment_count: u32::try_from(attached).unwrap_or(u32::MAX),
        });
    }
}

/// `AWS::SSO::PermissionSet`: its `InlinePolicy` is an identity policy of every role the
/// permission set provisions in the accounts it is assigned to (Terraform declares the same with
/// `aws_ssoadmin_permission_set_inline_policy`); judged as a customer managed policy named by the
/// permission set. A permission set without one holds no policy text to judge.
pub(super) fn permission_set(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    if p.get("InlinePolicy").is_null() {
        return;
    }
    let name = s(p, "Name").map(|n| format!("permission set {n}"));
    let meta = cx.bld.meta(raw, None, name, &Value::Null);
    let marn = meta.arn.clone();
    if let Some(doc) = policy_or_gap(
        cx.bld,
        raw,
        &marn,
        p.get("InlinePolicy"),
        data::IAM_POLICIES,
    ) {
        cx.bld.account.iam.policies.push(ManagedPolicy {
            meta,
            aws_managed: false,
            default_version: Some("v1".to_owned()),
            document: doc,
            attachment_count: 1,
        });
    }
}

/// `AWS::IAM::InstanceProfile`.
pub(super) fn instance_profile(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx
        .bld
        .meta(raw, None, s(p, "InstanceProfileName"), &Value::Null);
    cx.bld.account.iam.instance_profiles.push(InstanceProfile {
        meta,
        roles: p.get("Roles").strings(),
    });
}

/// `AWS::IAM::Policy` (an inline policy of the roles, users and groups it names) and the
/// `Roles`/`Users`/`Groups` of an `AWS::IAM::ManagedPolicy` (attachments).
///
/// A principal named here but declared in another stack is not in this input: an inline policy
/// none of whose principals is declared is judged on its own, as a policy of the account (its
/// statements are what they are, whoever holds them), never dropped.
pub(super) fn policy_attachment(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let fl = file(raw);
    let managed = raw.kind == "AWS::IAM::ManagedPolicy";
    let attach = cx.policy_identity(raw);
    let doc = if managed {
        None
    } else {
        policy_or_gap(
            cx.bld,
            raw,
            &raw.iac_arn(),
            p.get("PolicyDocument"),
            data::IAM_POLICIES,
        )
    };
    let name = s(p, "PolicyName").unwrap_or_else(|| raw.address.clone());
    let mut outside = Vec::new();
    for (key, kind, ds) in [
        ("Roles", Kind::Role, data::IAM_ROLES),
        ("Users", Kind::User, data::IAM_USERS),
        ("Groups", Kind::Group, data::IAM_GROUPS),
    ] {
        if p.get(key).has_unknown() {
            cx.bld.gap(
                ds,
                &raw.iac_arn(),
                &fl,
                format!(
                    "the {} `{}` applies to are not known before apply",
                    key.to_ascii_lowercase(),
                    raw.address
                ),
            );
        }
        for owner in p.get(key).strings() {
            let found = cx.idx.find(kind, raw, Some(&owner));
            if found.is_empty() {
                outside.push((key[..key.len() - 1].to_ascii_lowercase(), owner.clone()));
            }
            for x in found {
                let iam = &mut cx.bld.account.iam;
                let (attached, inlines, target) = match kind {
                    Kind::Role => {
                        let r = &mut iam.roles[x];
                        (
                            &mut r.attached_policies,
                            &mut r.inline_policies,
                            r.meta.arn.clone(),
                        )
                    }
                    Kind::User => {
                        let r = &mut iam.users[x];
                        (
                            &mut r.attached_policies,
                            &mut r.inline_policies,
                            r.meta.arn.clone(),
                        )
                    }
                    _ => {
                        let r = &mut iam.groups[x];
                        (
                            &mut r.attached_policies,
                            &mut r.inline_policies,
                            r.meta.arn.clone(),
                        )
                    }
                };
                if managed {
                    attached.extend(attach.iter().cloned());
                } else if let Some(d) = &doc {
                    inlines.push(inline(&name, d.clone(), &raw.origin));
                } else {
                    cx.bld.gap(
                        ds,
                        &target,
                        &fl,
                        format!("the policy `{}` is not known before apply", raw.address),
                    );
                }
            }
        }
    }
    let all_outside = !outside.is_empty()
        && outside.len()
            == ["Roles", "Users", "Groups"]
                .iter()
                .map(|k| p.get(k).strings().len())
                .sum::<usize>();
    if managed || !all_outside {
        // Principals of another stack named beside declared ones: what the policy gives them
        // lands outside this input.
        for (what, name) in &outside {
            cx.bld.orphan(raw, data::IAM_POLICIES, what, Some(name));
        }
    }
    if !managed
        && let Some(d) = doc
        && all_outside
    {
        let meta = cx.bld.meta(
            raw,
            None,
            Some(format!(
                "{name} (inline policy of {}, not declared in this template)",
                outside
                    .iter()
                    .map(|(what, name)| format!("{what} `{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            &Value::Null,
        );
        cx.bld.account.iam.policies.push(ManagedPolicy {
            meta,
            aws_managed: false,
            default_version: Some("v1".to_owned()),
            document: d,
            attachment_count: u32::try_from(outside.len()).unwrap_or(u32::MAX),
        });
    }
}

/// `AWS::IAM::AccessKey`.
pub(super) fn access_key(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let user = s(p, "UserName");
    for x in cx.parent(Kind::User, raw, user.as_deref(), data::IAM_USERS, "user") {
        let active = s(p, "Status").is_none_or(|st| st == "Active");
        cx.bld.account.iam.users[x].access_keys.push(AccessKey {
            id: raw.address.clone(),
            active,
            created: None,
            last_used: None,
            last_used_service: None,
        });
    }
}

/// `AWS::IAM::UserToGroupAddition`.
pub(super) fn user_to_group(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let g = s(p, "GroupName").unwrap_or_default();
    for user in p.get("Users").strings() {
        for x in cx.parent(Kind::User, raw, Some(&user), data::IAM_USERS, "user") {
            cx.bld.account.iam.users[x].groups.push(g.clone());
        }
    }
}
