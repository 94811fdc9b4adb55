//! Progress reporting. The collector reports tasks started and finished; the CLI decides whether
//! to show them (a bar on stderr when it is a terminal).

use std::sync::Mutex;

/// Receives progress events. Implementations must be cheap: they are called from many tasks.
pub trait Progress: Send + Sync {
    /// `n` more tasks are known.
    fn add(&self, n: u64);
    /// A task (`account/region/service`) finished.
    fn done(&self, label: &str);
    /// Collection is over.
    fn finish(&self) {}
}

/// Shows nothing.
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn add(&self, _n: u64) {}
    fn done(&self, _label: &str) {}
}

/// An indicatif progress bar drawn on stderr.
#[derive(Debug)]
pub struct Bar {
    bar: indicatif::ProgressBar,
    total: Mutex<u64>,
}

impl Bar {
    /// A bar on stderr (indicatif hides it when stderr is not a terminal).
    #[must_use]
    pub fn stderr() -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(0),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} collecting [{bar:30}] {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar {
            bar,
            total: Mutex::new(0),
        }
    }
}

impl Progress for Bar {
    fn add(&self, n: u64) {
        let mut t = match self.total.lock() {
            Ok(t) => t,
            Err(p) => p.into_inner(),
        };
        *t += n;
        self.bar.set_length(*t);
    }

    fn done(&self, label: &str) {
        self.bar.set_message(label.to_owned());
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
