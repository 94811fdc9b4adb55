//! Renders a synthetic report of N findings (default 100,000) in every format and prints the
//! time and size of each: `cargo run --release -p rampart-report --example render_bench -- [N] [DIR]`.
//! Used by `bench/report/run.sh`; exits 1 when a format takes 2 s or more, or the HTML file
//! reaches 30 MB.

#[allow(dead_code)]
#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use std::io::Write as _;
use std::time::{Duration, Instant};

use rampart_report::{Format, RenderOptions};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| {
        std::env::temp_dir()
            .join("rampart-render-bench")
            .display()
            .to_string()
    }));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return std::process::ExitCode::from(2);
    }
    let built = Instant::now();
    let doc = synthetic::document(n);
    println!(
        "{n} findings built in {:.0} ms",
        built.elapsed().as_secs_f64() * 1000.0
    );
    let mut ok = true;
    println!("{:<6} {:>10} {:>10}", "format", "best ms", "MB");
    for format in Format::ALL {
        let path = dir.join(format!("report.{}", format.as_str()));
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let file = match std::fs::File::create(&path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("cannot create {}: {e}", path.display());
                    return std::process::ExitCode::from(2);
                }
            };
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            if let Err(e) =
                rampart_report::render_document(&doc, format, RenderOptions::default(), &mut w)
                    .and_then(|()| w.flush())
            {
                eprintln!("{}: {e}", format.as_str());
                return std::process::ExitCode::from(2);
            }
            best = best.min(start.elapsed());
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        #[allow(clippy::cast_precision_loss)]
        let mb = size as f64 / 1e6;
        println!(
            "{:<6} {:>10.0} {:>10.1}",
            format.as_str(),
            best.as_secs_f64() * 1000.0,
            mb
        );
        if best >= Duration::from_secs(2) {
            println!("  FAIL: {} took 2 s or more", format.as_str());
            ok = false;
        }
        if format == Format::Html && size >= 30_000_000 {
            println!("  FAIL: the HTML report is 30 MB or more");
            ok = false;
        }
    }
    println!("outputs in {}", dir.display());
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    }
}
