//! Shared helpers: read an input with the IaC readers and run the whole catalogue on it.

use std::path::Path;

use rampart_checks::{Config, Context, registry};
use rampart_collect_iac::{Loaded, TfOptions, detect, load};
use rampart_model::{Finding, Inventory, Status, Timestamp};

/// Reads `path` (kind detected) with `var_files`.
pub fn read(path: &Path, var_files: &[std::path::PathBuf]) -> Loaded {
    let kind = detect(path).unwrap_or_else(|| panic!("{} is not detected as IaC", path.display()));
    load(
        path,
        kind,
        &TfOptions {
            var_files: var_files.to_vec(),
        },
    )
}

/// Every result of every check on `inventory`.
pub fn audit(inventory: &Inventory) -> Vec<Finding> {
    let config = Config::default();
    let now = Timestamp::parse("2026-11-01T00:00:00Z").expect("a valid time");
    let ctx = Context::new(inventory, &config, now);
    rampart_checks::run(&ctx, &registry::all()).findings
}

/// The results of check `code` with status `status`.
#[allow(dead_code, reason = "not every test file uses it")]
pub fn of<'a>(findings: &'a [Finding], code: &str, status: Status) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.check == code && f.status == status)
        .collect()
}
