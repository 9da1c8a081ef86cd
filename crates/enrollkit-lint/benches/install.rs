//! Install-check cost at 10, 1,000 and 100,000 installed payloads (100 payloads per profile,
//! or one profile for the smallest case). `index_and_check` builds the device index and checks
//! one new profile; `check` reuses a built index. After the criterion runs, a short table gives
//! the index-building cost per installed payload at each size. Run:
//! `cargo bench -p enrollkit-lint --bench install`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use enrollkit_lint::LintContext;
use enrollkit_lint::install::InstalledSet;

#[path = "../examples/support/install_fixture.rs"]
mod install_fixture;
use install_fixture::{installed, new_profile};

fn bench(c: &mut Criterion) {
    let ctx = LintContext::default();
    let new = new_profile();
    let mut group = c.benchmark_group("install_check");
    group.sample_size(20);
    for n in [10usize, 1_000, 100_000] {
        let profiles = installed(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("index_and_check", n), &profiles, |b, p| {
            b.iter_batched(
                || p.clone(),
                // Returning the set keeps its drop out of the timed region.
                |p| {
                    let set = InstalledSet::new(p);
                    let n = set.check(&new, &ctx).diagnostics.len();
                    (set, n)
                },
                criterion::BatchSize::LargeInput,
            )
        });
        let set = InstalledSet::new(profiles);
        group.bench_with_input(BenchmarkId::new("check", n), &set, |b, s| {
            b.iter(|| s.check(std::hint::black_box(&new), &ctx).diagnostics.len())
        });
    }
    group.finish();
    per_payload_report();
}

/// Prints the index-building cost per installed payload at each size, so linear growth (a
/// flat per-payload cost) is visible directly. Each build is timed on its own, on a freshly
/// cloned input (as criterion's `iter_batched` does); the median build is shown. Small sizes
/// get more builds so every size covers about 100,000 payloads.
fn per_payload_report() {
    println!("index build cost per installed payload (median build):");
    for n in [10usize, 1_000, 100_000] {
        let profiles = installed(n);
        let builds = (100_000 / n).clamp(15, 2_000);
        let mut per_payload: Vec<f64> = (0..builds)
            .map(|_| {
                let input = profiles.clone();
                let start = Instant::now();
                let set = InstalledSet::new(input);
                let elapsed = start.elapsed();
                std::hint::black_box(&set);
                elapsed.as_nanos() as f64 / n as f64
            })
            .collect();
        per_payload.sort_by(f64::total_cmp);
        let median = per_payload[builds / 2];
        println!(
            "  {n:>7} payloads: {median:7.1} ns per payload ({:.3} ms per index, {builds} builds)",
            median * n as f64 / 1e6
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
