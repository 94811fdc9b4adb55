//! Times each stage of linting over a directory of policies (parse, validate, analyses), to see
//! where the time goes. `cargo run --release -p rampart-policy --example lint_timing -- DIR`

use std::time::{Duration, Instant};

use rampart_policy::audit;
use rampart_policy::{PolicyKind, parse_text, validate::validate};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/aws-managed-policies/policies".into());
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                texts.push(t);
            }
        }
    }
    let t = Instant::now();
    let _ = rampart_policy::catalogue::global();
    let catalogue = t.elapsed();
    let mut stages = [Duration::ZERO; 8];
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for text in &texts {
        let t = Instant::now();
        let Some(p) = parse_text(text, PolicyKind::Identity).policy else {
            continue;
        };
        stages[0] += t.elapsed();
        let t = Instant::now();
        let _ = validate(&p);
        stages[1] += t.elapsed();
        let t = Instant::now();
        let _ = audit::full_access(&p);
        stages[2] += t.elapsed();
        let t = Instant::now();
        let _ = audit::wildcard_resource(&p);
        stages[3] += t.elapsed();
        slowest.push((t.elapsed(), text.chars().take(120).collect()));
        let t = Instant::now();
        let _ = audit::cancelled_allows(&p);
        stages[4] += t.elapsed();
        let t = Instant::now();
        let _ = audit::secret_reads(&p);
        stages[5] += t.elapsed();
        let t = Instant::now();
        let _ = audit::escalation(&p);
        stages[6] += t.elapsed();
    }
    println!("{} policies; catalogue load {catalogue:?}", texts.len());
    slowest.sort_by_key(|x| std::cmp::Reverse(x.0));
    for (d, t) in slowest.iter().take(3) {
        println!("slow wildcard_resource {d:?}: {}", t.replace('\n', " "));
    }
    for (name, d) in [
        "parse",
        "validate",
        "full_access",
        "wildcard_resource",
        "cancelled_allows",
        "secret_reads",
        "escalation",
    ]
    .iter()
    .zip(stages)
    {
        println!("{name:20} {d:?}");
    }
}
