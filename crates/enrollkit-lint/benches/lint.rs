//! Lint throughput on ../shared/corpus, in bytes of profile XML per second:
//! `lint_parsed` lints already-parsed values; `read_and_lint` also parses the bytes with
//! `enrollkit_profile::read_value`. Run: `cargo bench -p enrollkit-lint --bench lint`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use enrollkit_lint::{LintContext, lint_value};
use enrollkit_profile::{ReadOptions, read_value};

fn corpus() -> Option<Vec<Vec<u8>>> {
    enrollkit_testkit::corpus_bytes()
}

fn bench(c: &mut Criterion) {
    let Some(files) = corpus() else { return };
    let bytes: usize = files.iter().map(Vec::len).sum();
    let options = ReadOptions::default();
    let values: Vec<plist::Value> = files
        .iter()
        .map(|b| read_value(b, &options).unwrap().value)
        .collect();
    let ctx = LintContext::default();

    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("lint_parsed", |b| {
        b.iter(|| {
            values
                .iter()
                .map(|v| lint_value(std::hint::black_box(v), &ctx).len())
                .sum::<usize>()
        })
    });
    group.bench_function("read_and_lint", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| {
                    let v = read_value(std::hint::black_box(f), &options).unwrap().value;
                    lint_value(&v, &ctx).len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("read_only", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| read_value(std::hint::black_box(f), &options).is_ok() as usize)
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
