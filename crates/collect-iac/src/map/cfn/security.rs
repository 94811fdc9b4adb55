//! security

use super::{Cx, Kind, b, s, u};
use crate::map::{file, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::data;
use rampart_model::security::{KeyManager, KmsKey, Secret, SsmParameter};

/// `AWS::KMS::Key`.
pub(super) fn kms_key(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(
        raw,
        // The key ARN as `Fn::GetAtt Key.Arn` gives it in this template (the key id is AWS's).
        Some(format!(
            "arn:aws:kms:{}:{}:key/{}",
            crate::DEFAULT_REGION,
            crate::ACCOUNT_ID,
            raw.id
        )),
        None,
        tags,
    );
    let marn = meta.arn.clone();
    let rotation = match p.get("EnableKeyRotation") {
        Value::Unknown => {
            cx.bld.gap(
                data::KMS_ROTATION,
                &marn,
                &file(raw),
                "whether rotation is on is not known before apply",
            );
            Some(true)
        }
        v => Some(v.as_bool().unwrap_or(false)),
    };
    let pol = policy_or_gap(cx.bld, raw, &marn, p.get("KeyPolicy"), data::KMS_POLICIES);
    cx.idx
        .remember(Kind::Key, raw, cx.bld.region().kms_keys.len());
    cx.bld.region().kms_keys.push(KmsKey {
        id: raw.id.clone(),
        manager: KeyManager::Customer,
        state: if b(p, "Enabled") == Some(false) {
            "Disabled".to_owned()
        } else {
            "Enabled".to_owned()
        },
        spec: s(p, "KeySpec").unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
        // `Origin: EXTERNAL` makes a key for imported material (AWS::KMS::Key).
        key_origin: s(p, "Origin"),
        rotation_enabled: rotation,
        policy: pol,
        aliases: Vec::new(),
        meta,
    });
}

/// `AWS::SecretsManager::Secret`.
pub(super) fn secret(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "Name"), tags);
    cx.idx
        .remember(Kind::Secret, raw, cx.bld.region().secrets.len());
    cx.bld.region().secrets.push(Secret {
        meta,
        kms_key_id: s(p, "KmsKeyId"),
        rotation_enabled: false,
        rotation_days: None,
        last_rotated: None,
        last_changed: None,
        created: None,
    });
}

/// `AWS::SSM::Parameter`.
pub(super) fn ssm_parameter(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "Name"), tags);
    let kind = s(p, "Type").unwrap_or_else(|| "String".to_owned());
    cx.bld.region().ssm_parameters.push(SsmParameter {
        meta,
        value: if kind == "SecureString" {
            None
        } else {
            s(p, "Value")
        },
        kind,
        kms_key_id: None,
        last_modified: None,
    });
}

/// `AWS::KMS::Alias`.
pub(super) fn kms_alias(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let key = s(p, "TargetKeyId");
    for x in cx.parent(Kind::Key, raw, key.as_deref(), data::KMS_KEYS, "KMS key") {
        if let Some(n) = s(p, "AliasName") {
            cx.bld.region().kms_keys[x].aliases.push(n);
        }
    }
}

/// `AWS::SecretsManager::RotationSchedule`.
pub(super) fn rotation_schedule(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let secret = s(p, "SecretId");
    for x in cx.parent(
        Kind::Secret,
        raw,
        secret.as_deref(),
        data::SECRETS_MANAGER,
        "secret",
    ) {
        let days = u(p.get("RotationRules"), "AutomaticallyAfterDays");
        let sec = &mut cx.bld.region().secrets[x];
        sec.rotation_enabled = true;
        sec.rotation_days = days.or(Some(30));
    }
}
