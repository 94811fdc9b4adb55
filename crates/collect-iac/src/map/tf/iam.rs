//! Terraform: IAM principals, policies and what attaches them.

use rampart_model::data;
use rampart_model::iam::{AccessKey, Group, InstanceProfile, ManagedPolicy, PasswordPolicy, Role};

use super::{Index, b, remember, s, u32_of};
use crate::map::{Builder, file, inline, nested_origin, policy, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_iam_role`.
pub(super) fn iam_role(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let name = s(a, "name");
    let arn = s(a, "arn");
    let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
    let marn = meta.arn.clone();
    let trust = match policy::parse(a.get("assume_role_policy")) {
        Ok(p) => p.map(Into::into).unwrap_or_default(),
        Err(policy::NotKnown) => {
            bld.gap(
                data::IAM_ROLES,
                &marn,
                &file(raw),
                "the role's trust policy is not known before apply",
            );
            rampart_model::PolicyDocument::null()
        }
    };
    let mut role = Role {
        meta,
        assume_role_policy: trust,
        attached_policies: a.get("managed_policy_arns").strings(),
        inline_policies: Vec::new(),
        permissions_boundary: s(a, "permissions_boundary"),
        last_used: None,
        service_linked: false,
    };
    for p in a.get("inline_policy").items() {
        if let Some(doc) = policy_or_gap(bld, raw, &marn, p.get("policy"), data::IAM_ROLES) {
            role.inline_policies.push(inline(
                &s(p, "name").unwrap_or_default(),
                doc,
                &nested_origin(raw, p),
            ));
        }
    }
    let at = bld.account.iam.roles.len();
    remember(&mut ix.roles, at, [Some(raw.id.clone()), arn, name]);
    bld.account.iam.roles.push(role);
}

/// `aws_iam_user`.
pub(super) fn iam_user(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let name = s(a, "name");
    let meta = bld.meta(raw, None, name.clone(), a.get("tags"));
    let user = crate::map::bare_user(meta, s(a, "permissions_boundary"));
    let at = bld.account.iam.users.len();
    remember(&mut ix.users, at, [Some(raw.id.clone()), name]);
    bld.account.iam.users.push(user);
}

/// `aws_iam_group`.
pub(super) fn iam_group(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let name = s(a, "name");
    let meta = bld.meta(raw, None, name.clone(), &Value::Null);
    let at = bld.account.iam.groups.len();
    remember(&mut ix.groups, at, [Some(raw.id.clone()), name]);
    bld.account.iam.groups.push(Group {
        meta,
        attached_policies: Vec::new(),
        inline_policies: Vec::new(),
    });
}

/// `aws_iam_policy`.
pub(super) fn iam_policy(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, s(a, "arn"), s(a, "name"), a.get("tags"));
    let marn = meta.arn.clone();
    ix.policies.insert(raw.id.clone(), marn.clone());
    if let Some(x) = s(a, "arn") {
        ix.policies.insert(x, marn.clone());
    }
    if let Some(doc) = policy_or_gap(bld, raw, &marn, a.get("policy"), data::IAM_POLICIES) {
        bld.account.iam.policies.push(ManagedPolicy {
            meta,
            aws_managed: false,
            default_version: Some("v1".to_owned()),
            document: doc,
            attachment_count: 0,
        });
    }
}

/// `aws_iam_account_password_policy`.
pub(super) fn iam_account_password_policy(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, Some("password-policy".to_owned()), &Value::Null);
    bld.account.iam.password_policy = Some(PasswordPolicy {
        meta,
        minimum_length: u32_of(a, "minimum_password_length").unwrap_or(6),
        require_symbols: b(a, "require_symbols").unwrap_or(false),
        require_numbers: b(a, "require_numbers").unwrap_or(false),
        require_uppercase: b(a, "require_uppercase_characters").unwrap_or(false),
        require_lowercase: b(a, "require_lowercase_characters").unwrap_or(false),
        allow_users_to_change: b(a, "allow_users_to_change_password").unwrap_or(true),
        max_age_days: u32_of(a, "max_password_age").filter(|d| *d > 0),
        reuse_prevention: u32_of(a, "password_reuse_prevention").filter(|d| *d > 0),
        hard_expiry: b(a, "hard_expiry").unwrap_or(false),
    });
    let arn = raw.iac_arn();
    bld.unknowns(
        raw,
        &arn,
        a,
        &[
            "minimum_password_length",
            "password_reuse_prevention",
            "max_password_age",
        ],
        data::IAM_PASSWORD_POLICY,
    );
}

/// `aws_iam_account_alias`.
pub(super) fn iam_account_alias(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(al) = s(a, "account_alias") {
        bld.account.aliases.push(al);
    }
}

/// `aws_iam_instance_profile`.
pub(super) fn iam_instance_profile(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, s(a, "arn"), s(a, "name"), &Value::Null);
    let roles_of: Vec<String> = a
        .get("role")
        .strings()
        .into_iter()
        .chain(a.get("roles").strings())
        .collect();
    bld.account.iam.instance_profiles.push(InstanceProfile {
        meta,
        roles: roles_of,
    });
}

/// `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`: an inline policy on
/// its principal. A principal not declared in this input (a role of another stack) becomes a
/// principal of its own, named by the policy's address, holding that policy alone: what the
/// policy grants is judged, whatever else the principal has.
pub(super) fn iam_role_policy(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let kind = raw.kind.as_str();
    let (owner_key, data_set) = match kind {
        "aws_iam_role_policy" => ("role", data::IAM_ROLES),
        "aws_iam_user_policy" => ("user", data::IAM_USERS),
        _ => ("group", data::IAM_GROUPS),
    };
    let owner = s(a, owner_key);
    let name = s(a, "name").unwrap_or_else(|| raw.address.clone());
    let idx = principal(bld, ix, raw, owner_key, owner.as_deref());
    let target_arn = match owner_key {
        "role" => bld.account.iam.roles[idx].meta.arn.clone(),
        "user" => bld.account.iam.users[idx].meta.arn.clone(),
        _ => bld.account.iam.groups[idx].meta.arn.clone(),
    };
    let Some(doc) = policy_or_gap(bld, raw, &target_arn, a.get("policy"), data_set) else {
        return;
    };
    let p = inline(&name, doc, &raw.origin);
    match owner_key {
        "role" => bld.account.iam.roles[idx].inline_policies.push(p),
        "user" => bld.account.iam.users[idx].inline_policies.push(p),
        _ => bld.account.iam.groups[idx].inline_policies.push(p),
    }
}

/// The principal (`role`, `user`, `group`) named `name`: the declared one, else one standing
/// for a principal outside this input, shared by every resource that names it (its inline
/// policies, attachments, keys, login profile are judged together).
fn principal(
    bld: &mut Builder,
    ix: &mut Index,
    raw: &Raw,
    kind: &str,
    name: Option<&str>,
) -> usize {
    let map = match kind {
        "role" => &mut ix.roles,
        "user" => &mut ix.users,
        _ => &mut ix.groups,
    };
    if let Some(&x) = name.and_then(|n| map.get(n)) {
        return x;
    }
    let x = outside_principal(bld, raw, kind, name);
    if let Some(n) = name {
        map.insert(n.to_owned(), x);
    }
    x
}

/// A principal that is not declared in this input, named by the address of the resource that
/// configures it; returns its position in its list.
fn outside_principal(bld: &mut Builder, raw: &Raw, kind: &str, name: Option<&str>) -> usize {
    let meta = bld.meta(
        raw,
        None,
        Some(name.map_or_else(|| raw.address.clone(), str::to_owned)),
        &Value::Null,
    );
    let iam = &mut bld.account.iam;
    match kind {
        "role" => {
            iam.roles.push(Role {
                meta,
                assume_role_policy: rampart_model::PolicyDocument::null(),
                attached_policies: Vec::new(),
                inline_policies: Vec::new(),
                permissions_boundary: None,
                last_used: None,
                service_linked: false,
            });
            iam.roles.len() - 1
        }
        "user" => {
            iam.users.push(crate::map::bare_user(meta, None));
            iam.users.len() - 1
        }
        _ => {
            iam.groups.push(Group {
                meta,
                attached_policies: Vec::new(),
                inline_policies: Vec::new(),
            });
            iam.groups.len() - 1
        }
    }
}

/// `aws_iam_role_policy_attachment`, `aws_iam_user_policy_attachment`, `aws_iam_group_policy_attachment`, `aws_iam_policy_attachment`.
pub(super) fn iam_role_policy_attachment(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let kind = raw.kind.as_str();
    let owners: Vec<(&str, Vec<String>, bool)> = match kind {
        "aws_iam_role_policy_attachment" => {
            vec![("role", a.get("role").strings(), a.get("role").has_unknown())]
        }
        "aws_iam_user_policy_attachment" => {
            vec![("user", a.get("user").strings(), a.get("user").has_unknown())]
        }
        "aws_iam_group_policy_attachment" => vec![(
            "group",
            a.get("group").strings(),
            a.get("group").has_unknown(),
        )],
        _ => ["roles", "users", "groups"]
            .iter()
            .map(|k| {
                (
                    &k[..k.len() - 1],
                    a.get(k).strings(),
                    a.get(k).has_unknown(),
                )
            })
            .collect(),
    };
    let parn = s(a, "policy_arn").map(|p| ix.policies.get(&p).cloned().unwrap_or(p));
    for (owner_kind, names, unknown) in owners {
        let data_set = principal_data(owner_kind);
        if unknown {
            bld.orphan(raw, data_set, owner_kind, None);
        }
        for owner in names {
            let x = principal(bld, ix, raw, owner_kind, Some(&owner));
            let Some(parn) = &parn else {
                // The policy is known only after apply: what the principal may do is not known.
                let target = principal_arn(bld, owner_kind, x);
                bld.gap(
                    data_set,
                    &target,
                    &file(raw),
                    format!(
                        "the policy `{}` attaches is not known before apply",
                        raw.address
                    ),
                );
                continue;
            };
            let iam = &mut bld.account.iam;
            let list = match owner_kind {
                "role" => &mut iam.roles[x].attached_policies,
                "user" => &mut iam.users[x].attached_policies,
                _ => &mut iam.groups[x].attached_policies,
            };
            if !list.contains(parn) {
                list.push(parn.clone());
            }
        }
    }
}

/// The data set of a principal kind.
fn principal_data(kind: &str) -> &'static str {
    match kind {
        "role" => data::IAM_ROLES,
        "user" => data::IAM_USERS,
        _ => data::IAM_GROUPS,
    }
}

/// The identity of the principal of `kind` at `x`.
fn principal_arn(bld: &Builder, kind: &str, x: usize) -> String {
    let iam = &bld.account.iam;
    match kind {
        "role" => iam.roles[x].meta.arn.clone(),
        "user" => iam.users[x].meta.arn.clone(),
        _ => iam.groups[x].meta.arn.clone(),
    }
}

/// A user named by `raw`'s `user`: the declared one, else one standing for a user outside this
/// input, whose MFA devices are then outside it too (a gap: "no MFA" is not known).
fn user_of(bld: &mut Builder, ix: &mut Index, raw: &Raw) -> usize {
    let name = s(&raw.attrs, "user");
    let declared = name.as_ref().is_some_and(|n| ix.users.contains_key(n));
    let x = principal(bld, ix, raw, "user", name.as_deref());
    if !declared {
        let arn = principal_arn(bld, "user", x);
        bld.parent_gap(
            data::IAM_MFA,
            &arn,
            &file(raw),
            format!(
                "the user `{}` is not declared in this input; its MFA devices are not known",
                name.as_deref().unwrap_or("(known only after apply)")
            ),
        );
    }
    x
}

/// `aws_iam_user_login_profile`.
pub(super) fn iam_user_login_profile(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let x = user_of(bld, ix, raw);
    bld.account.iam.users[x].console_password = true;
}

/// `aws_iam_access_key`.
pub(super) fn iam_access_key(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let x = user_of(bld, ix, raw);
    let active = s(a, "status").is_none_or(|st| st == "Active");
    bld.account.iam.users[x].access_keys.push(AccessKey {
        id: raw.address.clone(),
        active,
        created: None,
        last_used: None,
        last_used_service: None,
    });
}

/// `aws_iam_user_group_membership`: on a user not declared here, the membership is outside
/// what this input can judge (the user's other permissions are elsewhere).
pub(super) fn iam_user_group_membership(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let user = s(a, "user");
    match user.as_ref().and_then(|u| ix.users.get(u)) {
        Some(&x) => {
            let gs = a.get("groups").strings();
            bld.account.iam.users[x].groups.extend(gs);
        }
        None => bld.orphan(raw, data::IAM_USERS, "user", user.as_deref()),
    }
}

/// `aws_iam_group_membership`: users not declared here are outside what this input can judge.
pub(super) fn iam_group_membership(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let g = s(a, "group").unwrap_or_default();
    if a.get("users").has_unknown() {
        bld.orphan(raw, data::IAM_USERS, "user", None);
    }
    for u in a.get("users").strings() {
        match ix.users.get(&u) {
            Some(&x) => bld.account.iam.users[x].groups.push(g.clone()),
            None => bld.orphan(raw, data::IAM_USERS, "user", Some(&u)),
        }
    }
}

/// `aws_ssoadmin_permission_set_inline_policy`: the inline policy of an IAM Identity Center
/// permission set, an identity policy of every role the permission set provisions; judged as a
/// customer managed policy named by the permission set.
pub(super) fn ssoadmin_permission_set_inline_policy(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let name = s(a, "permission_set_arn").map(|p| format!("permission set {p}"));
    let meta = bld.meta(raw, None, name, &Value::Null);
    let arn = meta.arn.clone();
    if let Some(doc) = policy_or_gap(bld, raw, &arn, a.get("inline_policy"), data::IAM_POLICIES) {
        bld.account.iam.policies.push(ManagedPolicy {
            meta,
            aws_managed: false,
            default_version: Some("v1".to_owned()),
            document: doc,
            attachment_count: 1,
        });
    }
}
