//! Throughput in operations per **CPU second** and per wall second, for the comparison
//! scripts in `benches/`.
//!
//! `openssl speed` divides by user CPU time unless given `-elapsed`, so on a shared, loaded
//! machine a wall-clock benchmark (criterion) is not comparable with it. [`Rates::run`] reads
//! the thread's on-CPU time from `/proc/thread-self/schedstat` (Linux, nanoseconds) and prints
//! `RATE <name> <ops per CPU second> <ops per wall second>` lines.

use std::time::{Duration, Instant};

/// Nanoseconds this thread has spent on a CPU.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A rate harness configured from the command line:
/// `--seconds S` (default 3), `--iterations N` (exactly N calls, for instruction counting
/// under valgrind, where time means nothing) and an optional name filter.
pub struct Rates {
    seconds: f64,
    iterations: Option<u64>,
    filter: Option<String>,
}

impl Rates {
    /// Reads the process arguments (cargo bench passes `--bench`, which is ignored).
    pub fn from_args() -> Rates {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut rates = Rates {
            seconds: 3.0,
            iterations: None,
            filter: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--seconds" => {
                    rates.seconds = it.next().and_then(|s| s.parse().ok()).unwrap_or(3.0)
                }
                "--iterations" => rates.iterations = it.next().and_then(|s| s.parse().ok()),
                f if !f.starts_with('-') => rates.filter = Some(f.to_owned()),
                _ => {}
            }
        }
        rates
    }

    /// Whether `name` passes the filter.
    pub fn wants(&self, name: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| name.contains(f))
    }

    /// Measures `op` (after a 300 ms warm-up) and prints its `RATE` line.
    pub fn run(&self, name: &str, mut op: impl FnMut()) {
        if !self.wants(name) {
            return;
        }
        if let Some(n) = self.iterations {
            for _ in 0..n {
                op();
            }
            println!("ITERATIONS {name} {n}");
            return;
        }
        let warm = Instant::now();
        while warm.elapsed() < Duration::from_millis(300) {
            op();
        }
        let (wall0, cpu0) = (Instant::now(), cpu_ns());
        let mut n = 0u64;
        while wall0.elapsed().as_secs_f64() < self.seconds {
            for _ in 0..16 {
                op();
            }
            n += 16;
        }
        let cpu = (cpu_ns().saturating_sub(cpu0)) as f64 / 1e9;
        let wall = wall0.elapsed().as_secs_f64();
        println!(
            "RATE {name} {:.1} {:.1}",
            n as f64 / cpu.max(1e-9),
            n as f64 / wall
        );
    }
}
