//! IAM: the authorization details (users, groups, roles, policies), password policy, root user
//! (credential report, account summary), and per-user MFA devices, login profiles and keys.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_iam::types::{PolicyDetail, StatusType, SummaryKeyType};
use rampart_model::iam::{
    AccessKey, Group, Iam, InlinePolicy, InstanceProfile, ManagedPolicy, MfaDevice, PasswordPolicy,
    Role, RootUser, User,
};
use rampart_model::{Gap, Meta, Timestamp, data};

use crate::ctx::{CallError, Ctx, origin, policy_doc, ts};
use crate::svc::{client, tags, u32_of};

const IAM: &str = "IAM";
const GAAD: &str = "GetAccountAuthorizationDetails";

use aws_sdk_iam::types::EntityType;

type Client = aws_sdk_iam::Client;

/// Reads IAM; returns it with the account aliases.
pub(crate) async fn collect(ctx: Ctx, config: SdkConfig) -> (Iam, Vec<String>) {
    let c = client!(aws_sdk_iam, ctx, &config);
    let mut iam = Iam::default();
    let (details, list_users, policy, aliases, root, profiles) = tokio::join!(
        ctx.paged(
            IAM,
            GAAD,
            |m| c
                .get_account_authorization_details()
                // Not AWS managed policies: an account sees all ~1,300 of them, and reading
                // their documents dominated the collector's memory and time. The few attached
                // here are read one by one below.
                .set_filter(Some(vec![
                    EntityType::User,
                    EntityType::Group,
                    EntityType::Role,
                    EntityType::LocalManagedPolicy,
                ]))
                .max_items(1000)
                .set_marker(m)
                .send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                // Each page becomes rampart's records at once: a page holds every policy
                // version's document, and keeping the raw pages dominated peak memory.
                (vec![digest(&o)], next)
            }
        ),
        ctx.list(
            data::IAM_USERS,
            IAM,
            "ListUsers",
            |m| c.list_users().set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.users, next)
            }
        ),
        // No password policy (`NoSuchEntity`): the account uses AWS's defaults, an answer.
        ctx.get_account_setting(
            data::IAM_PASSWORD_POLICY,
            IAM,
            "GetAccountPasswordPolicy",
            &["NoSuchEntity"],
            c.get_account_password_policy().send()
        ),
        ctx.list(
            data::IAM_ALIASES,
            IAM,
            "ListAccountAliases",
            |m| c.list_account_aliases().set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.account_aliases, next)
            }
        ),
        root_user(&ctx, &c),
        ctx.list(
            data::IAM_INSTANCE_PROFILES,
            IAM,
            "ListInstanceProfiles",
            |m| c.list_instance_profiles().set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.instance_profiles, next)
            }
        ),
    );

    iam.root = root;
    if let Some(Some(o)) = policy {
        iam.password_policy = o.password_policy().map(|p| PasswordPolicy {
            meta: Meta::new(
                format!(
                    "arn:{}:iam::{}:account-password-policy",
                    ctx.partition, ctx.account
                ),
                "password-policy",
                origin(IAM, "GetAccountPasswordPolicy"),
            ),
            minimum_length: u32_of(p.minimum_password_length().unwrap_or(6)),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase: p.require_uppercase_characters(),
            require_lowercase: p.require_lowercase_characters(),
            allow_users_to_change: p.allow_users_to_change_password(),
            max_age_days: p.max_password_age().filter(|d| *d > 0).map(u32_of),
            reuse_prevention: p.password_reuse_prevention().filter(|d| *d > 0).map(u32_of),
            hard_expiry: p.hard_expiry().unwrap_or(false),
        });
    }
    let aliases = aliases.unwrap_or_default();
    if let Some(list) = profiles {
        iam.instance_profiles = list
            .iter()
            .map(|p| InstanceProfile {
                meta: Meta {
                    arn: p.arn().to_owned(),
                    name: p.instance_profile_name().to_owned(),
                    tags: tags(p.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
                    origin: origin(IAM, "ListInstanceProfiles"),
                },
                roles: p.roles().iter().map(|r| r.arn().to_owned()).collect(),
            })
            .collect();
    }

    let pages = match details {
        Ok(p) => p,
        Err(e) => {
            for d in [
                data::IAM_USERS,
                data::IAM_GROUPS,
                data::IAM_ROLES,
                data::IAM_POLICIES,
            ] {
                ctx.gap(d, IAM, GAAD, &e);
            }
            return (iam, aliases);
        }
    };
    let password_last_used: BTreeMap<String, Timestamp> = list_users
        .unwrap_or_default()
        .iter()
        .filter_map(|u| Some((u.arn().to_owned(), ts(u.password_last_used())?)))
        .collect();

    let mut users = Vec::new();
    for d in pages {
        users.extend(d.users);
        iam.groups.extend(d.groups);
        iam.roles.extend(d.roles);
        iam.policies.extend(d.policies);
    }
    for u in &mut users {
        u.password_last_used = password_last_used.get(&u.meta.arn).copied();
    }

    // Attached managed policies and boundaries GetAccountAuthorizationDetails did not return
    // (AWS managed ones, left out of it above): read them one by one.
    let known: BTreeSet<String> = iam.policies.iter().map(|p| p.meta.arn.clone()).collect();
    let attached: BTreeSet<String> = users
        .iter()
        .flat_map(|u| u.attached_policies.iter().chain(&u.permissions_boundary))
        .chain(iam.groups.iter().flat_map(|g| g.attached_policies.iter()))
        .chain(
            iam.roles
                .iter()
                .flat_map(|r| r.attached_policies.iter().chain(&r.permissions_boundary)),
        )
        .filter(|a| !known.contains(*a))
        .cloned()
        .collect();
    let fetched = {
        let (c, ctx2) = (c.clone(), ctx.clone());
        ctx.map(attached.into_iter().collect(), move |arn: String| {
            let (c, ctx) = (c.clone(), ctx2.clone());
            async move { managed_policy(&ctx, &c, &arn).await }
        })
        .await
    };
    iam.policies.extend(fetched.into_iter().flatten());

    let details = {
        let (c, ctx2) = (c.clone(), ctx.clone());
        ctx.map(
            users
                .iter()
                .map(|u| (u.meta.name.clone(), u.meta.arn.clone()))
                .collect(),
            move |(name, arn)| {
                let (c, ctx) = (c.clone(), ctx2.clone());
                async move { user_credentials(&ctx, &c, &name, &arn).await }
            },
        )
        .await
    };
    for (u, (console, mfa, keys)) in users.iter_mut().zip(details) {
        u.console_password = console;
        u.mfa_devices = mfa;
        u.access_keys = keys;
    }
    iam.users = users;
    (iam, aliases)
}

/// The name, or the last segment of the ARN when the endpoint left the name out (moto's
/// GetAccountAuthorizationDetails does for managed policies).
fn name_or_arn<'a>(name: Option<&'a str>, arn: &'a str) -> &'a str {
    match name {
        Some(n) if !n.is_empty() => n,
        _ => arn.rsplit('/').next().unwrap_or(arn),
    }
}

fn inline(list: &[PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_owned(),
            document: p.policy_document().map(policy_doc).unwrap_or_default(),
            origin: origin(IAM, GAAD),
        })
        .collect()
}

async fn managed_policy(ctx: &Ctx, c: &Client, arn: &str) -> Option<ManagedPolicy> {
    let p = ctx
        .get_for(
            data::IAM_POLICIES,
            IAM,
            "GetPolicy",
            arn,
            c.get_policy().policy_arn(arn).send(),
        )
        .await?
        .policy?;
    let version = p.default_version_id().unwrap_or("v1").to_owned();
    let document = ctx
        .get_for(
            data::IAM_POLICIES,
            IAM,
            "GetPolicyVersion",
            arn,
            c.get_policy_version()
                .policy_arn(arn)
                .version_id(&version)
                .send(),
        )
        .await?
        .policy_version()
        .and_then(|v| v.document())
        .map(policy_doc)
        .unwrap_or_default();
    Some(ManagedPolicy {
        meta: Meta::new(
            arn,
            p.policy_name().unwrap_or_default(),
            origin(IAM, "GetPolicyVersion"),
        ),
        aws_managed: arn.contains(":iam::aws:policy/"),
        default_version: Some(version),
        document,
        attachment_count: u32_of(p.attachment_count().unwrap_or(0)),
    })
}

/// A user's console password, MFA devices and access keys (with last use).
async fn user_credentials(
    ctx: &Ctx,
    c: &Client,
    name: &str,
    arn: &str,
) -> (bool, Vec<MfaDevice>, Vec<AccessKey>) {
    let (login, mfa, keys) = tokio::join!(
        // No console password: `NoSuchEntity`, an answer.
        ctx.get_setting(
            data::IAM_USERS,
            IAM,
            "GetLoginProfile",
            arn,
            &["NoSuchEntity"],
            c.get_login_profile().user_name(name).send()
        ),
        ctx.list_for(
            data::IAM_MFA,
            arn,
            IAM,
            "ListMFADevices",
            |m| c.list_mfa_devices().user_name(name).set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.mfa_devices, next)
            }
        ),
        ctx.list_for(
            data::IAM_ACCESS_KEYS,
            arn,
            IAM,
            "ListAccessKeys",
            |m| c.list_access_keys().user_name(name).set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.access_key_metadata, next)
            }
        ),
    );
    let console = login.is_some_and(|l| l.is_some());
    let mfa = mfa
        .unwrap_or_default()
        .iter()
        .map(|d| MfaDevice {
            serial: d.serial_number().to_owned(),
            is_virtual: d.serial_number().contains(":mfa/"),
            enabled_at: ts(Some(d.enable_date())),
        })
        .collect();
    let mut keys_out = Vec::new();
    for k in keys.unwrap_or_default() {
        let id = k.access_key_id().unwrap_or_default().to_owned();
        let mut key = AccessKey {
            id: id.clone(),
            active: k.status().is_some_and(|s| *s == StatusType::Active),
            created: ts(k.create_date()),
            last_used: None,
            last_used_service: None,
        };
        let used = ctx
            .get_for(
                data::IAM_ACCESS_KEYS,
                IAM,
                "GetAccessKeyLastUsed",
                arn,
                c.get_access_key_last_used().access_key_id(&id).send(),
            )
            .await;
        if let Some(u) = used.as_ref().and_then(|o| o.access_key_last_used()) {
            key.last_used = ts(u.last_used_date());
            let svc = u.service_name();
            if key.last_used.is_some() && !svc.is_empty() && svc != "N/A" {
                key.last_used_service = Some(svc.to_owned());
            }
        }
        keys_out.push(key);
    }
    (console, mfa, keys_out)
}

/// The root user: from the credential report's root row when there is one, else from the account
/// summary (MFA, keys) with a gap saying its usage is unknown.
async fn root_user(ctx: &Ctx, c: &Client) -> Option<RootUser> {
    let root_arn = format!("arn:{}:iam::{}:root", ctx.partition, ctx.account);
    let (report, summary, virtual_mfa) = tokio::join!(
        credential_report(ctx, c),
        ctx.get(
            data::IAM_ROOT_CREDENTIALS,
            IAM,
            "GetAccountSummary",
            c.get_account_summary().send()
        ),
        ctx.list(
            data::IAM_ROOT_MFA_DEVICE,
            IAM,
            "ListVirtualMFADevices",
            |m| c.list_virtual_mfa_devices().set_marker(m).send(),
            |o| {
                let next = if o.is_truncated {
                    o.marker.clone()
                } else {
                    None
                };
                (o.virtual_mfa_devices, next)
            }
        ),
    );
    let root_has_virtual = virtual_mfa.map(|list| {
        list.iter().any(|d| {
            d.user().is_some_and(|u| u.arn().ends_with(":root"))
                || d.serial_number().ends_with(":mfa/root-account-mfa-device")
        })
    });
    let summary_map = summary.map(|o| o.summary_map.unwrap_or_default());
    let row = match report {
        Ok(rows) => rows
            .into_iter()
            .find(|r| r.get("user").is_some_and(|u| u == "<root_account>")),
        Err((op, e)) => {
            ctx.gap(data::IAM_ROOT_USAGE, IAM, op, &e);
            None
        }
    };
    let meta = Meta::new(
        &root_arn,
        "root",
        origin(
            IAM,
            if row.is_some() {
                "GetCredentialReport"
            } else {
                "GetAccountSummary"
            },
        ),
    );
    let mut root = RootUser {
        meta,
        ..RootUser::default()
    };
    if let Some(row) = row {
        let flag = |k: &str| row.get(k).is_some_and(|v| v == "true");
        let time = |k: &str| row.get(k).and_then(|v| Timestamp::parse(v).ok());
        root.mfa_active = flag("mfa_active");
        root.active_access_keys =
            u32::from(flag("access_key_1_active")) + u32::from(flag("access_key_2_active"));
        root.password_last_used = time("password_last_used");
        root.access_key_last_used = [
            time("access_key_1_last_used_date"),
            time("access_key_2_last_used_date"),
        ]
        .into_iter()
        .flatten()
        .max();
    } else if let Some(map) = &summary_map {
        root.mfa_active = map
            .get(&SummaryKeyType::AccountMfaEnabled)
            .copied()
            .unwrap_or(0)
            > 0;
        root.active_access_keys = u32_of(
            map.get(&SummaryKeyType::AccountAccessKeysPresent)
                .copied()
                .unwrap_or(0),
        );
        ctx.push(
            Gap::new(
                data::IAM_ROOT_USAGE,
                "iam:GetCredentialReport",
                "the credential report has no row for the root user, so when root last signed in or used a key is unknown",
            )
            .in_account(&ctx.account)
            .with_code("NoRootRow"),
        );
    } else {
        return None;
    }
    root.hardware_mfa = root_has_virtual.map(|v| root.mfa_active && !v);
    Some(root)
}

/// The credential report as rows of column → value. Generating it is asynchronous on AWS's side:
/// poll a few times.
async fn credential_report(
    ctx: &Ctx,
    c: &Client,
) -> Result<Vec<BTreeMap<String, String>>, (&'static str, CallError)> {
    let mut last = None;
    for attempt in 0..10u32 {
        if let Err(e) = ctx
            .call(
                IAM,
                "GenerateCredentialReport",
                c.generate_credential_report().send(),
            )
            .await
        {
            return Err(("GenerateCredentialReport", e));
        }
        match ctx
            .call(IAM, "GetCredentialReport", c.get_credential_report().send())
            .await
        {
            Ok(o) => {
                let text = o
                    .content()
                    .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
                    .unwrap_or_default();
                return Ok(parse_report(&text));
            }
            Err(e) if e.is(&["ReportInProgress", "ReportNotPresent", "ReportExpired"]) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt + 1))).await;
            }
            Err(e) => return Err(("GetCredentialReport", e)),
        }
    }
    Err((
        "GetCredentialReport",
        last.unwrap_or(CallError {
            code: "ReportInProgress".into(),
            message: "report not ready".into(),
        }),
    ))
}

fn parse_report(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    lines
        .map(|l| {
            cols.iter()
                .zip(l.split(','))
                .map(|(k, v)| ((*k).to_owned(), v.trim().to_owned()))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credential_report() {
        let rows = parse_report(
            "user,arn,mfa_active,access_key_1_active\n<root_account>,arn:aws:iam::1:root,true,false\nbob,arn:aws:iam::1:user/bob,false,true\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["user"], "<root_account>");
        assert_eq!(rows[1]["access_key_1_active"], "true");
    }
}

/// The records of one GetAccountAuthorizationDetails page.
#[derive(Default)]
struct Digest {
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
}

/// Turns a GetAccountAuthorizationDetails page into rampart's records (users without their
/// password's last use, which ListUsers gives). AWS managed policies nothing is attached to are
/// left out.
fn digest(
    page: &aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput,
) -> Digest {
    let mut d = Digest::default();
    for u in page.user_detail_list() {
        let arn = u.arn().unwrap_or_default().to_owned();
        d.users.push(User {
            meta: Meta {
                arn: arn.clone(),
                name: u.user_name().unwrap_or_default().to_owned(),
                tags: tags(u.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
                origin: origin(IAM, GAAD),
            },
            created: ts(u.create_date()),
            console_password: false,
            password_last_used: None,
            mfa_devices: Vec::new(),
            access_keys: Vec::new(),
            groups: u.group_list().to_vec(),
            attached_policies: u
                .attached_managed_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect(),
            inline_policies: inline(u.user_policy_list()),
            permissions_boundary: u
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_owned),
        });
    }
    for g in page.group_detail_list() {
        d.groups.push(Group {
            meta: Meta::new(
                g.arn().unwrap_or_default(),
                g.group_name().unwrap_or_default(),
                origin(IAM, GAAD),
            ),
            attached_policies: g
                .attached_managed_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect(),
            inline_policies: inline(g.group_policy_list()),
        });
    }
    for r in page.role_detail_list() {
        d.roles.push(Role {
            meta: Meta {
                arn: r.arn().unwrap_or_default().to_owned(),
                name: r.role_name().unwrap_or_default().to_owned(),
                tags: tags(r.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
                origin: origin(IAM, GAAD),
            },
            assume_role_policy: r
                .assume_role_policy_document()
                .map(policy_doc)
                .unwrap_or_default(),
            attached_policies: r
                .attached_managed_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect(),
            inline_policies: inline(r.role_policy_list()),
            permissions_boundary: r
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_owned),
            last_used: r.role_last_used().and_then(|l| ts(l.last_used_date())),
            service_linked: r
                .path()
                .is_some_and(|p| p.starts_with("/aws-service-role/")),
        });
    }
    for p in page.policies() {
        let arn = p.arn().unwrap_or_default();
        let aws_managed = arn.contains(":iam::aws:policy/");
        let attachments = u32_of(p.attachment_count().unwrap_or(0));
        if aws_managed && attachments == 0 {
            continue;
        }
        let document = p
            .policy_version_list()
            .iter()
            .find(|v| v.is_default_version())
            .and_then(|v| v.document())
            .map(policy_doc)
            .unwrap_or_default();
        d.policies.push(ManagedPolicy {
            meta: Meta::new(arn, name_or_arn(p.policy_name(), arn), origin(IAM, GAAD)),
            aws_managed,
            default_version: p.default_version_id().map(str::to_owned),
            document,
            attachment_count: attachments,
        });
    }
    d
}
