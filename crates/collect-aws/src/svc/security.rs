//! Keys and secrets: KMS, Secrets Manager (metadata only), SSM Parameter Store.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use rampart_model::security::{KeyManager, KmsKey, Secret, SsmParameter};
use rampart_model::{Meta, Region, data};

use crate::ctx::{Ctx, origin, policy_doc, ts};
use crate::svc::{client, tags, u32_of};

const KMS: &str = "KMS";
const SECRETS: &str = "Secrets Manager";
const SSM: &str = "SSM";

/// KMS keys with rotation status, policy, aliases and tags.
pub(crate) async fn kms(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_kms, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let (keys, aliases) = tokio::join!(
        ctx.list(
            data::KMS_KEYS,
            KMS,
            "ListKeys",
            |m| c.list_keys().set_marker(m).send(),
            |o| {
                let next = if o.truncated { o.next_marker } else { None };
                (o.keys.unwrap_or_default(), next)
            }
        ),
        ctx.list(
            data::KMS_KEYS,
            KMS,
            "ListAliases",
            |m| c.list_aliases().set_marker(m).send(),
            |o| {
                let next = if o.truncated { o.next_marker } else { None };
                (o.aliases.unwrap_or_default(), next)
            }
        ),
    );
    let Some(keys) = keys else {
        return region;
    };
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(list) = aliases {
        for a in list {
            if let (Some(name), Some(target)) = (a.alias_name(), a.target_key_id()) {
                by_key
                    .entry(target.to_owned())
                    .or_default()
                    .push(name.to_owned());
            }
        }
    }
    let ctx2 = ctx.clone();
    let items: Vec<(String, Vec<String>)> = keys
        .iter()
        .filter_map(|k| {
            k.key_id()
                .map(|id| (id.to_owned(), by_key.get(id).cloned().unwrap_or_default()))
        })
        .collect();
    region.kms_keys = ctx
        .map(items, move |(id, aliases)| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let md = ctx
                    .get_for(
                        data::KMS_KEYS,
                        KMS,
                        "DescribeKey",
                        &ctx.arn("kms", &format!("key/{id}")),
                        c.describe_key().key_id(&id).send(),
                    )
                    .await?
                    .key_metadata?;
                let arn = md
                    .arn()
                    .map_or_else(|| ctx.arn("kms", &format!("key/{id}")), str::to_owned);
                let manager = if md.key_manager().is_some_and(|m| m.as_str() == "AWS") {
                    KeyManager::Aws
                } else {
                    KeyManager::Customer
                };
                let state = md
                    .key_state()
                    .map_or_else(|| "Enabled".to_owned(), |s| s.as_str().to_owned());
                let spec = md
                    .key_spec()
                    .map_or_else(|| "SYMMETRIC_DEFAULT".to_owned(), |s| s.as_str().to_owned());
                let mut key = KmsKey {
                    meta: Meta::new(
                        &arn,
                        aliases.first().cloned().unwrap_or_else(|| id.clone()),
                        origin(KMS, "DescribeKey"),
                    ),
                    id: id.clone(),
                    manager,
                    state,
                    spec,
                    key_origin: md.origin().map(|o| o.as_str().to_owned()),
                    rotation_enabled: None,
                    policy: None,
                    aliases,
                };
                if manager == KeyManager::Aws || key.state == "PendingDeletion" {
                    return Some(key);
                }
                let (rotation, policy, tag_list) = tokio::join!(
                    async {
                        // Automatic rotation exists for symmetric keys only.
                        if key.spec == "SYMMETRIC_DEFAULT" {
                            ctx.get_for(
                                data::KMS_ROTATION,
                                KMS,
                                "GetKeyRotationStatus",
                                &arn,
                                c.get_key_rotation_status().key_id(&id).send(),
                            )
                            .await
                        } else {
                            None
                        }
                    },
                    ctx.get_for(
                        data::KMS_POLICIES,
                        KMS,
                        "GetKeyPolicy",
                        &arn,
                        c.get_key_policy().key_id(&id).policy_name("default").send()
                    ),
                    ctx.list_for(
                        data::KMS_KEYS,
                        &arn,
                        KMS,
                        "ListResourceTags",
                        |m| c.list_resource_tags().key_id(&id).set_marker(m).send(),
                        |o| {
                            let next = if o.truncated { o.next_marker } else { None };
                            (o.tags.unwrap_or_default(), next)
                        }
                    ),
                );
                if let Some(o) = rotation {
                    key.rotation_enabled = Some(o.key_rotation_enabled());
                }
                if let Some(o) = policy {
                    key.policy = o.policy().map(policy_doc);
                }
                if let Some(list) = tag_list {
                    key.meta.tags = tags(
                        list.iter()
                            .map(|t| (Some(t.tag_key()), Some(t.tag_value()))),
                    );
                }
                Some(key)
            }
        })
        .await
        .into_iter()
        .flatten()
        .collect();
    region
}

/// Secrets Manager secrets: metadata only; values are never requested.
pub(crate) async fn secrets(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_secretsmanager, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    if let Some(list) = ctx
        .list(
            data::SECRETS_MANAGER,
            SECRETS,
            "ListSecrets",
            |t| c.list_secrets().set_next_token(t).send(),
            |o| (o.secret_list.unwrap_or_default(), o.next_token),
        )
        .await
    {
        for s in list {
            let name = s.name().unwrap_or_default();
            region.secrets.push(Secret {
                meta: Meta {
                    arn: s.arn().map_or_else(
                        || ctx.arn("secretsmanager", &format!("secret:{name}")),
                        str::to_owned,
                    ),
                    name: name.to_owned(),
                    tags: tags(s.tags().iter().map(|t| (t.key(), t.value()))),
                    origin: origin(SECRETS, "ListSecrets"),
                },
                kms_key_id: s.kms_key_id().map(str::to_owned),
                rotation_enabled: s.rotation_enabled().unwrap_or(false),
                rotation_days: s
                    .rotation_rules()
                    .and_then(|r| r.automatically_after_days())
                    .map(u32_of),
                last_rotated: ts(s.last_rotated_date()),
                last_changed: ts(s.last_changed_date()),
                created: ts(s.created_date()),
            });
        }
    }
    region
}

/// SSM parameters; plain-text values (`String`, `StringList`) are read, SecureString values never.
pub(crate) async fn ssm(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_ssm, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(params) = ctx
        .list(
            data::SSM_PARAMETERS,
            SSM,
            "DescribeParameters",
            |t| c.describe_parameters().set_next_token(t).send(),
            |o| (o.parameters.unwrap_or_default(), o.next_token),
        )
        .await
    else {
        return region;
    };
    let plain: Vec<String> = params
        .iter()
        .filter(|p| p.r#type().is_some_and(|t| t.as_str() != "SecureString"))
        .filter_map(|p| p.name().map(str::to_owned))
        .collect();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for chunk in plain.chunks(10) {
        let Some(o) = ctx
            .get(
                data::SSM_PARAMETERS,
                SSM,
                "GetParameters",
                c.get_parameters()
                    .set_names(Some(chunk.to_vec()))
                    .with_decryption(false)
                    .send(),
            )
            .await
        else {
            continue;
        };
        for p in o.parameters() {
            if let (Some(n), Some(v)) = (p.name(), p.value()) {
                values.insert(n.to_owned(), v.to_owned());
            }
        }
    }
    for p in params {
        let name = p.name().unwrap_or_default();
        let arn = p.arn().map_or_else(
            || {
                ctx.arn(
                    "ssm",
                    &format!("parameter/{}", name.trim_start_matches('/')),
                )
            },
            str::to_owned,
        );
        region.ssm_parameters.push(SsmParameter {
            meta: Meta::new(arn, name, origin(SSM, "DescribeParameters")),
            kind: p
                .r#type()
                .map_or_else(|| "String".to_owned(), |t| t.as_str().to_owned()),
            kms_key_id: p.key_id().map(str::to_owned),
            value: values.remove(name),
            last_modified: ts(p.last_modified_date()),
        });
    }
    region
}
