//! Turns the paths given to `rampart scan` into one Inventory, detecting what each path is.

use std::path::Path;

use anyhow::{Context as _, bail};
use rampart_model::snapshot::{self, Limits};
use rampart_model::{InputInfo, Inventory};

/// Reads every path into one Inventory.
pub fn load(paths: &[String]) -> anyhow::Result<Inventory> {
    let mut inventory = Inventory::default();
    for p in paths {
        let path = Path::new(p);
        let inv = load_one(path)?;
        inventory.merge(inv);
    }
    Ok(inventory)
}

fn load_one(path: &Path) -> anyhow::Result<Inventory> {
    if !path.exists() {
        bail!("`{}` does not exist", path.display());
    }
    if path.is_file() && is_snapshot(path)? {
        return read_snapshot(path);
    }
    if path.is_dir() {
        // A directory of snapshot parts (the bundled example account is one): every
        // `*.json`/`*.json.zst` snapshot in it, merged in name order.
        let mut parts = Vec::new();
        for entry in std::fs::read_dir(path).with_context(|| format!("cannot list `{}`", path.display()))? {
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
            return Ok(inventory);
        }
    }
    bail!(
        "`{}` is not a rampart snapshot, and no other input kind is supported yet",
        path.display()
    )
}

fn read_snapshot(path: &Path) -> anyhow::Result<Inventory> {
    let mut inv = snapshot::read(path, Limits::default())?;
    let source = path.display().to_string();
    inv.inputs.retain(|i| i.kind != "snapshot");
    inv.inputs.insert(0, InputInfo { kind: "snapshot".into(), source });
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
