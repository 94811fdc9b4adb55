//! Decides a batch file (`rampart policy eval --requests` format) and prints the time taken,
//! for profiling the decision path without the CLI:
//! `cargo run --release -p rampart-policy --example batch_timing -- FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: batch_timing FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = std::time::Instant::now();
    let mut out = Vec::new();
    let mut errors = 0usize;
    let n = rampart_policy::batch::decide_all(&bytes, &mut |_, id, r| {
        errors += usize::from(r.is_err());
        let _ = rampart_policy::batch::write_answer(&mut out, id, &r);
    });
    let took = start.elapsed();
    match n {
        Ok(n) => println!(
            "{n} requests ({errors} unreadable) in {took:?}: {:.0} decisions/s, {} bytes of answers",
            n as f64 / took.as_secs_f64(),
            out.len()
        ),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
