//! Reads IaC inputs and runs the whole check catalogue on them, as `rampart scan` does, and
//! prints the counts by status: the scan without the CLI's report rendering (and without the AWS
//! SDK the CLI links), for timing the IaC path (`bench/iac/run.sh` uses the CLI when built).
//!
//!     cargo run --release -p rampart-collect-iac --example scan_iac -- PATH...

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let mut inventory = rampart_model::Inventory::default();
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let Some(kind) = rampart_collect_iac::detect(path) else {
            eprintln!("scan_iac: `{arg}` is not IaC");
            std::process::exit(2);
        };
        let loaded =
            rampart_collect_iac::load(path, kind, &rampart_collect_iac::TfOptions::default());
        for e in &loaded.errors {
            eprintln!("scan_iac: error: {e}");
        }
        inventory.merge(loaded.inventory);
    }
    let config = rampart_checks::Config::default();
    let now = rampart_model::Timestamp::now();
    let ctx = rampart_checks::Context::new(&inventory, &config, now);
    let out = rampart_checks::run(&ctx, &rampart_checks::registry::all());
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &out.findings {
        *by.entry(f.status.as_str()).or_default() += 1;
    }
    println!(
        "{} resources, {} checks, {by:?}",
        inventory.resource_count(),
        out.checks_run
    );
}
