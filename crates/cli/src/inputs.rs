//! Turns the paths given to `rampart scan` into one Inventory, detecting what each path is: a
//! snapshot (or a directory of snapshot parts), a Terraform directory or plan JSON, or a
//! CloudFormation template (or a directory of templates).
//!
//! A file that cannot be parsed is reported on standard error with its position and recorded as
//! a gap; the scan goes on. Only when nothing at all could be read does `load` fail.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use rampart_collect_iac::map::policy::UNKNOWN_MARK;
use rampart_collect_iac::{InputKind, TfOptions};
use rampart_model::snapshot::{self, Limits};
use rampart_model::{InputInfo, Inventory};

/// Reads every path into one Inventory.
pub fn load(paths: &[String]) -> anyhow::Result<Inventory> {
    load_with(paths, &[])
}

/// Reads every path into one Inventory, with Terraform `-var-file`s.
pub fn load_with(paths: &[String], var_files: &[PathBuf]) -> anyhow::Result<Inventory> {
    let mut inventory = Inventory::default();
    let mut read_any = false;
    let mut failures = Vec::new();
    for p in paths {
        let path = Path::new(p);
        match load_one(path, var_files) {
            Ok((inv, ok)) => {
                read_any |= ok;
                inventory.merge(inv);
            }
            Err(e) => {
                if paths.len() > 1 {
                    eprintln!("rampart: error: {e:#}");
                }
                failures.push(format!("{e:#}"));
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
    Ok(inventory)
}

/// One path: its Inventory and whether anything in it could be read.
fn load_one(path: &Path, var_files: &[PathBuf]) -> anyhow::Result<(Inventory, bool)> {
    if !path.exists() {
        bail!("`{}` does not exist", path.display());
    }
    if path.is_file() && is_snapshot(path)? {
        return Ok((read_snapshot(path)?, true));
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
            return Ok((inventory, true));
        }
    }
    let Some(kind) = rampart_collect_iac::detect(path) else {
        // A source tree (or a lock file): its lock files are audited by `scan` (DEPS-001).
        if !rampart_deps::lockfile::find(path).is_empty()
            || !rampart_deps::runtimes::find(path).is_empty()
        {
            return Ok((Inventory::default(), true));
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
    Ok((loaded.inventory, ok))
}

fn read_snapshot(path: &Path) -> anyhow::Result<Inventory> {
    let mut inv = snapshot::read(path, Limits::default())?;
    let source = path.display().to_string();
    inv.inputs.retain(|i| i.kind != "snapshot");
    inv.inputs.insert(
        0,
        InputInfo {
            kind: "snapshot".into(),
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

/// What IaC inputs change in the results: failures that rest on data the input never declares
/// are withheld (see [`withhold_undeclared`]), then inline waivers are applied.
pub fn apply_iac_rules(findings: &mut Vec<rampart_model::Finding>, inventory: &Inventory) {
    withhold_undeclared(findings, inventory);
    apply_inline_waivers(findings, inventory);
}

/// What an IaC input cannot say is not reported as a verdict:
/// - data it never declares (the account's trails, password policy or alias may be managed
///   elsewhere) is a `NotDeclared` gap, for which the runner already reports `not_assessed`; a
///   failure of a check that needs that data ("the account has no trail") would be a guess;
/// - a failure quoting a value unknown before apply is not known to be one;
/// - when every input is IaC, checks that cannot judge IaC (usage data, attachments made
///   outside the configuration) give neither pass nor failure.
pub fn withhold_undeclared(findings: &mut Vec<rampart_model::Finding>, inventory: &Inventory) {
    use rampart_checks::Input;
    use rampart_model::Status;
    let undeclared: Vec<&rampart_model::Gap> = inventory
        .gaps
        .iter()
        .filter(|g| g.code.as_deref() == Some("NotDeclared") && g.resource.is_none())
        .collect();
    let iac_kinds: Vec<Input> = inventory
        .inputs
        .iter()
        .filter_map(|i| match i.kind.as_str() {
            "terraform" | "terraform-plan" => Some(Input::Terraform),
            "cloudformation" => Some(Input::CloudFormation),
            _ => None,
        })
        .collect();
    let only_iac = !inventory.inputs.is_empty() && iac_kinds.len() == inventory.inputs.len();
    findings.retain(|f| {
        let Some(check) = rampart_checks::registry::by_code(&f.check) else {
            return true;
        };
        if only_iac
            && matches!(f.status, Status::Fail | Status::Pass)
            && !iac_kinds.iter().any(|k| check.meta().inputs.contains(k))
        {
            return false;
        }
        if f.status != Status::Fail {
            return true;
        }
        if f.message.contains(UNKNOWN_MARK)
            || f.evidence
                .values()
                .any(|v| v.to_string().contains(UNKNOWN_MARK))
        {
            return false;
        }
        let account = f.account.as_deref().unwrap_or_default();
        !undeclared.iter().any(|g| {
            g.applies_to(account, f.region.as_deref())
                && check.meta().needs.iter().any(|n| g.touches(n))
        })
    });
}

/// Applies the waivers written in the inputs (IaC `rampart:ignore` comments, CloudFormation
/// `Metadata.rampart.ignore`): a failure of a waived check on the waived resource becomes
/// `waived` with its reason. A waiver without a reason is not applied; it is reported on
/// standard error and in the finding's evidence.
pub fn apply_inline_waivers(findings: &mut [rampart_model::Finding], inventory: &Inventory) {
    use rampart_model::Status;
    if inventory.waivers.is_empty() {
        return;
    }
    for w in inventory.waivers.iter().filter(|w| w.reason.is_none()) {
        let at = match (&w.origin.file, w.origin.line) {
            (Some(f), Some(l)) => format!("{f}:{l}: "),
            _ => String::new(),
        };
        eprintln!(
            "rampart: warning: {at}inline waiver of {} on `{}` has no reason; it is not applied",
            w.check, w.resource
        );
    }
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let matching = inventory
            .waivers
            .iter()
            .filter(|w| w.resource == f.resource && w.check.eq_ignore_ascii_case(&f.check));
        for w in matching {
            match &w.reason {
                Some(reason) => {
                    f.status = Status::Waived;
                    f.waiver_reason = Some(format!("inline waiver: {reason}"));
                    break;
                }
                None => {
                    f.evidence.insert(
                        "inline_waiver_without_reason".to_owned(),
                        serde_json::json!({ "file": w.origin.file, "line": w.origin.line }),
                    );
                }
            }
        }
    }
}
