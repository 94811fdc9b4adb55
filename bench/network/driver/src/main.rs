//! `rampart-netbench SNAPSHOT`: phase timings of the network analysis on one snapshot.

use std::time::Instant;

use rampart_checks::{Config, Context, registry, run};
use rampart_model::snapshot::{self, Limits};
use rampart_network::RegionNetwork;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: rampart-netbench SNAPSHOT")?;
    let t = Instant::now();
    let inventory = snapshot::read(std::path::Path::new(&path), Limits::default())?;
    let load = t.elapsed();

    let t = Instant::now();
    let mut targets = 0usize;
    let mut reachable = 0usize;
    let mut paths = 0usize;
    for account in &inventory.accounts {
        for region in &account.regions {
            let net = RegionNetwork::new(region);
            for target in net.targets() {
                let x = net.exposure(&target);
                targets += 1;
                reachable += usize::from(x.reachable());
                paths += x.exposures.len();
            }
        }
    }
    let reach = t.elapsed();

    let checks: Vec<_> = registry::all()
        .into_iter()
        .filter(|c| {
            let code = c.meta().code;
            code.strip_prefix("EC2-").or_else(|| code.strip_prefix("VPC-")).and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n < 50)
        })
        .collect();
    let config = Config::default();
    let now = inventory.collected_at.ok_or("snapshot without collected_at")?;
    let ctx = Context::new(&inventory, &config, now);
    let t = Instant::now();
    let out = run(&ctx, &checks);
    let all = t.elapsed();
    let fails = out.findings.iter().filter(|f| f.status == rampart_model::Status::Fail).count();
    println!(
        "load {:.3}s | reachability {:.3}s ({targets} targets, {reachable} reachable, {paths} paths) | {} network checks {:.3}s ({} results, {fails} failures)",
        load.as_secs_f64(),
        reach.as_secs_f64(),
        checks.len(),
        all.as_secs_f64(),
        out.findings.len(),
    );
    Ok(())
}
