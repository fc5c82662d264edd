//! The progress of a run on stderr: a bar when stderr is a terminal, otherwise a line at each
//! tenth, so that logs and CI output stay readable. Apart because it is presentation only:
//! nothing it does changes what is written, and stdout is never touched.

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar when stderr is a terminal, a line every tenth otherwise.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
}

impl Progress {
    pub(super) fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} dossiers ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            started: Instant::now(),
        }
    }

    pub(super) fn advance(&mut self, by: u64) {
        let before = self.done;
        let after = before + by;
        self.done = after;
        match &self.bar {
            Some(bar) => bar.inc(by),
            None => {
                let step = (self.total / 10).max(1);
                if after / step != before / step || after == self.total {
                    let secs = self.started.elapsed().as_secs_f64();
                    eprintln!(
                        "seed: {after}/{} dossiers ({:.0}/s)",
                        self.total,
                        after as f64 / secs.max(1e-9)
                    );
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
