//! Turns the paths given to `rampart scan` into one Inventory, detecting what each path is: a
//! snapshot (or a directory of snapshot parts), a Terraform directory or plan JSON, or a
//! CloudFormation template (or a directory of templates).
//!
//! A file that cannot be parsed is reported on standard error with its position and recorded as
//! a gap; the scan goes on and its exit code is 2 (the run is incomplete). Only when nothing at
//! all could be read does `load` fail. A path that is neither a regular file nor a directory
//! (a FIFO, a device) is refused before it is opened, so that rampart never blocks on it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use rampart_collect_iac::{InputKind, TfOptions};
use rampart_model::snapshot::{self, Limits};
use rampart_model::{InputInfo, Inventory};

/// What was read, and whether some named input could not be (the exit code is then 2).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Everything read, as one Inventory.
    pub inventory: Inventory,
    /// An input, or a file in one, could not be read.
    pub incomplete: bool,
}

/// Refuses what is neither a regular file nor a directory (opening a FIFO would block).
pub fn regular(path: &Path) -> anyhow::Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_file() && !meta.is_dir() {
        bail!(
            "`{}` is not a regular file or a directory; rampart does not read pipes or devices",
            path.display()
        );
    }
    Ok(())
}

/// Reads every path into one Inventory.
pub fn load(paths: &[String]) -> anyhow::Result<Loaded> {
    load_with(paths, &[])
}

/// Reads every path into one Inventory, with Terraform `-var-file`s (each must be a readable
/// regular file).
pub fn load_with(paths: &[String], var_files: &[PathBuf]) -> anyhow::Result<Loaded> {
    for v in var_files {
        regular(v).with_context(|| format!("--var-file `{}`", v.display()))?;
        if v.is_dir() {
            bail!("--var-file `{}` is a directory", v.display());
        }
    }
    let mut inventory = Inventory::default();
    let mut read_any = false;
    let mut incomplete = false;
    let mut failures = Vec::new();
    for p in paths {
        let path = Path::new(p);
        match load_one(path, var_files) {
            Ok((inv, ok, errors)) => {
                read_any |= ok;
                incomplete |= errors;
                inventory.merge(inv);
            }
            Err(e) => {
                if paths.len() > 1 {
                    eprintln!("rampart: error: {e:#}");
                }
                failures.push(format!("{e:#}"));
                incomplete = true;
            }
        }
    }
    if !read_any {
        match failures.len() {
            0 => bail!("nothing could be read from {}", paths.join(", ")),
            1 => bail!("{}", failures.remove(0)),
            n => bail!("none of the {n} inputs could be read"),
        }
    }
    Ok(Loaded {
        inventory,
        incomplete,
    })
}

/// One path: its Inventory, whether anything in it could be read, and whether something in it
/// could not.
fn load_one(path: &Path, var_files: &[PathBuf]) -> anyhow::Result<(Inventory, bool, bool)> {
    if !path.exists() {
        bail!("`{}` does not exist", path.display());
    }
    regular(path)?;
    if path.is_file() && is_snapshot(path)? {
        return Ok((read_snapshot(path)?, true, false));
    }
    if path.is_dir() {
        // A directory of snapshot parts (the bundled example account is one): every
        // `*.json`/`*.json.zst` snapshot in it, merged in name order.
        let mut parts = Vec::new();
        for entry in
            std::fs::read_dir(path).with_context(|| format!("cannot list `{}`", path.display()))?
        {
            let p = entry?.path();
            if p.is_file() && is_snapshot(&p)? {
                parts.push(p);
            }
        }
        parts.sort();
        if !parts.is_empty() {
            let mut inventory = Inventory::default();
            for p in parts {
                inventory.merge(read_snapshot(&p)?);
            }
            return Ok((inventory, true, false));
        }
    }
    let Some(kind) = rampart_collect_iac::detect(path) else {
        // A source tree (or a lock file): its lock files are audited by `scan` (DEPS-001).
        if !rampart_deps::lockfile::find(path).is_empty()
            || !rampart_deps::runtimes::find(path).is_empty()
        {
            return Ok((Inventory::default(), true, false));
        }
        bail!(
            "`{}` is not a rampart snapshot, a Terraform directory or plan, nor a CloudFormation template",
            path.display()
        );
    };
    let opts = TfOptions {
        var_files: var_files.to_vec(),
    };
    let loaded = rampart_collect_iac::load(path, kind, &opts);
    for e in &loaded.errors {
        eprintln!("rampart: error: {e}");
    }
    let ok = loaded.files_read > 0;
    if !ok && kind != InputKind::TerraformPlan && loaded.errors.is_empty() {
        eprintln!(
            "rampart: warning: `{}`: no file could be read",
            path.display()
        );
    }
    Ok((loaded.inventory, ok, !loaded.errors.is_empty()))
}

fn read_snapshot(path: &Path) -> anyhow::Result<Inventory> {
    let mut inv = snapshot::read(path, Limits::default())?;
    let source = path.display().to_string();
    inv.inputs
        .retain(|i| i.kind != rampart_model::InputKind::Snapshot);
    inv.inputs.insert(
        0,
        InputInfo {
            kind: rampart_model::InputKind::Snapshot,
            source,
        },
    );
    Ok(inv)
}

fn is_snapshot(path: &Path) -> anyhow::Result<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .with_context(|| format!("cannot open `{}`", path.display()))?
        .take(4096)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(snapshot::looks_like_snapshot(&head))
}

/// The largest policy file read (IAM's own limits are a few KiB; a bucket policy is at most
/// 20 KiB): anything far larger is not a policy.
const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Reads a policy file as a one-document input: an Inventory holding the document where an
/// account holds one of its kind (`policy lint` runs the policy checks over it, through the
/// same runner as `scan`). The document is kept as the file's text, so that every check parses
/// it with the file's own lines and columns, and every finding names the file.
///
/// - an identity, boundary, session or control policy: a customer managed policy, attached to
///   one user named after the file (`admin.json`: `admin`) with an active access key, so that
///   the checks that judge what an application principal can do judge it;
/// - a resource policy: the policy of the bucket its ARNs name;
/// - a key policy: the policy of one KMS key;
/// - a trust policy: the trust policy of one role.
pub fn read_policy(
    path: &Path,
    kind: rampart_policy::PolicyKind,
    account: Option<&str>,
) -> anyhow::Result<Inventory> {
    use rampart_model::Origin;
    use rampart_policy::PolicyKind;
    regular(path)?;
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read `{file}`"))?
        .len();
    if size > MAX_POLICY_BYTES {
        bail!("`{file}` is larger than {MAX_POLICY_BYTES} bytes: not a policy document");
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{file}`"))?;
    let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("`{file}`: not UTF-8 text"))?;
    let (policy, _) = rampart_policy::lint_text(&text, kind);
    let resolved = policy.as_ref().map_or(kind, |p| p.kind);
    let owner = account
        .map(str::to_owned)
        .or_else(|| policy.as_ref().and_then(owner_of))
        .unwrap_or_else(|| "000000000000".to_owned());
    let origin = Origin {
        file: Some(file.clone()),
        line: Some(1),
        column: Some(1),
        ..Origin::default()
    };
    let name = path
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let meta = rampart_model::Meta::new(file.clone(), name.clone(), origin);
    let document = serde_json::Value::String(text);
    let mut acc = rampart_model::Account::new(owner);
    let region = "us-east-1";
    match resolved {
        PolicyKind::Resource => {
            let bucket = policy
                .as_ref()
                .and_then(bucket_of)
                .unwrap_or_else(|| name.clone());
            let mut m = meta.clone();
            m.name = bucket;
            acc.buckets.push(build(
                &file,
                serde_json::json!({
                    "meta": m, "region": region, "policy": document,
                }),
            )?);
            acc.region_mut(region);
        }
        PolicyKind::Key => {
            let key = build(
                &file,
                serde_json::json!({
                    "meta": meta, "id": name, "policy": document,
                }),
            )?;
            acc.region_mut(region).kms_keys.push(key);
        }
        PolicyKind::Trust => {
            acc.iam.roles.push(build(
                &file,
                serde_json::json!({
                    "meta": meta, "assume_role_policy": document,
                }),
            )?);
        }
        _ => {
            acc.iam.policies.push(build(
                &file,
                serde_json::json!({
                    "meta": meta, "aws_managed": false, "document": document, "attachment_count": 1,
                }),
            )?);
            // The holder is named after the file (`[expected_services]` in `rampart.toml`
            // declares what it is meant to use, IAM-103) and has an active access key: an
            // application principal, which the checks of what such a principal can do
            // (IAM-105, IAM-106, IAM-107, IAM-109) judge.
            let mut holder = meta.clone();
            holder.name = path
                .file_stem()
                .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
            acc.iam.users.push(build(
                &file,
                serde_json::json!({
                    "meta": holder, "console_password": false, "attached_policies": [file],
                    "access_keys": [{"id": "policy-lint-key", "active": true}],
                }),
            )?);
        }
    }
    let mut inventory = Inventory::default();
    inventory.inputs.push(InputInfo {
        kind: rampart_model::InputKind::Policy,
        source: file,
    });
    inventory.accounts.push(acc);
    Ok(inventory)
}

fn build<T: serde::de::DeserializeOwned>(file: &str, v: serde_json::Value) -> anyhow::Result<T> {
    serde_json::from_value(v).with_context(|| format!("`{file}`: cannot hold it as a resource"))
}

/// Every resource pattern the policy's statements name.
fn resources(policy: &rampart_policy::Policy) -> impl Iterator<Item = &str> {
    policy
        .statements
        .iter()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.items.iter()))
        .map(|r| r.value.as_str())
}

/// Which account a policy belongs to: the first account id in its resource ARNs.
fn owner_of(policy: &rampart_policy::Policy) -> Option<String> {
    resources(policy).find_map(|r| {
        rampart_policy::eval::account_of(r)
            .filter(|a| a.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    })
}

/// The bucket a resource policy's ARNs name.
fn bucket_of(policy: &rampart_policy::Policy) -> Option<String> {
    resources(policy).find_map(|r| {
        let name = r.strip_prefix("arn:aws:s3:::")?.split('/').next()?;
        (!name.is_empty() && !name.contains('*')).then(|| name.to_owned())
    })
}
