//! Terraform: KMS keys, secrets and parameters.

use rampart_model::data;
use rampart_model::security::{KmsKey, Secret, SsmParameter};

use super::{Index, b, opt_str, parent, s, u32_of};
use crate::map::{Builder, file, policy_or_gap};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_kms_key` and `aws_kms_external_key` (a key whose material is imported: AWS KMS cannot
/// rotate it, and the resource has no rotation argument).
pub(super) fn kms_key(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let arn = meta.arn.clone();
    let external = raw.kind == "aws_kms_external_key";
    let spec = s(a, "customer_master_key_spec").unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned());
    // `custom_key_store_id` puts the key in a custom key store: an external one when the key also
    // names its external key (`xks_key_id`), else a CloudHSM one (CreateKey's `Origin`).
    let key_origin = if external {
        Some("EXTERNAL")
    } else if a.get("custom_key_store_id").is_null() {
        None
    } else if a.get("xks_key_id").is_null() {
        Some("AWS_CLOUDHSM")
    } else {
        Some("EXTERNAL_KEY_STORE")
    };
    let rotation = match a.get("enable_key_rotation") {
        _ if external => None,
        Value::Unknown => {
            bld.gap(
                data::KMS_ROTATION,
                &arn,
                &file(raw),
                "whether key rotation is enabled is not known before apply",
            );
            Some(true)
        }
        v => Some(v.as_bool().unwrap_or(false)),
    };
    let pol = policy_or_gap(bld, raw, &arn, a.get("policy"), data::KMS_POLICIES);
    ix.keys.insert(raw.id.clone(), bld.region().kms_keys.len());
    bld.region().kms_keys.push(KmsKey {
        id: raw.id.clone(),
        manager: rampart_model::security::KeyManager::Customer,
        state: if b(a, if external { "enabled" } else { "is_enabled" }) == Some(false) {
            "Disabled".to_owned()
        } else {
            "Enabled".to_owned()
        },
        spec,
        key_origin: key_origin.map(str::to_owned),
        rotation_enabled: rotation,
        policy: pol,
        aliases: Vec::new(),
        meta,
    });
}

/// `aws_secretsmanager_secret`.
pub(super) fn secretsmanager_secret(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let arn = meta.arn.clone();
    let kms_key_id = opt_str(bld, raw, &arn, a, "kms_key_id", data::SECRETS_MANAGER);
    ix.secrets
        .insert(raw.id.clone(), bld.region().secrets.len());
    bld.region().secrets.push(Secret {
        meta,
        kms_key_id,
        rotation_enabled: false,
        rotation_days: None,
        last_rotated: None,
        last_changed: None,
        created: None,
    });
}

/// `aws_ssm_parameter`.
pub(super) fn ssm_parameter(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let kind = s(a, "type").unwrap_or_else(|| "String".to_owned());
    let value = if kind == "SecureString" {
        None
    } else {
        s(a, "value").or_else(|| s(a, "insecure_value"))
    };
    bld.region().ssm_parameters.push(SsmParameter {
        meta,
        kind,
        kms_key_id: s(a, "key_id"),
        value,
        last_modified: None,
    });
}

/// `aws_kms_alias`.
pub(super) fn kms_alias(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let key = parent(
        bld,
        raw,
        &ix.keys,
        "target_key_id",
        data::KMS_KEYS,
        "KMS key",
    );
    if let (Some(x), Some(n)) = (key, s(a, "name").or_else(|| s(a, "name_prefix"))) {
        bld.region().kms_keys[x].aliases.push(n);
    }
}

/// `aws_secretsmanager_secret_rotation`.
pub(super) fn secretsmanager_secret_rotation(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    if let Some(x) = parent(
        bld,
        raw,
        &ix.secrets,
        "secret_id",
        data::SECRETS_MANAGER,
        "secret",
    ) {
        let days = u32_of(a.get("rotation_rules").first(), "automatically_after_days");
        let sec = &mut bld.region().secrets[x];
        sec.rotation_enabled = true;
        sec.rotation_days = days;
    }
}

/// `aws_kms_key_policy`: the policy of a key, set apart from it. On a key not declared here, a
/// key of its own named by this resource's address, holding that policy.
pub(super) fn kms_key_policy(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let target = s(a, "key_id");
    let idx = match target.as_ref().and_then(|k| ix.keys.get(k)) {
        Some(&x) => x,
        None => {
            let meta = bld.meta(raw, None, target.clone(), &Value::Null);
            let r = bld.region();
            r.kms_keys.push(KmsKey {
                id: target.unwrap_or_else(|| raw.iac_arn()),
                manager: rampart_model::security::KeyManager::Customer,
                state: "Enabled".to_owned(),
                spec: "SYMMETRIC_DEFAULT".to_owned(),
                key_origin: None,
                rotation_enabled: None,
                policy: None,
                aliases: Vec::new(),
                meta,
            });
            r.kms_keys.len() - 1
        }
    };
    let arn = bld.region().kms_keys[idx].meta.arn.clone();
    let p = policy_or_gap(bld, raw, &arn, a.get("policy"), data::KMS_POLICIES);
    if p.is_some() {
        bld.region().kms_keys[idx].policy = p;
    }
}
