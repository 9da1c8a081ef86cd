//! Fixed, repeatable work for counting instructions, which stays comparable on a loaded
//! machine where wall time does not (see docs/lint-rules.md, "Benchmarks"):
//!
//! - `cost read|lint|read_and_lint ROUNDS`: ROUNDS passes over ../shared/corpus;
//! - `cost install N`: index N installed payloads (100 per profile) and check one new profile.
//!
//! Run under callgrind, collecting only inside the measured function:
//! `valgrind --tool=callgrind --toggle-collect='cost::measured_*' target/release/examples/cost lint 5`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use enrollkit_lint::install::{InstalledSet, ProfileSummary};
use enrollkit_lint::{LintContext, lint_value};
use enrollkit_profile::{ReadOptions, read_value};

fn corpus() -> Vec<Vec<u8>> {
    enrollkit_testkit::corpus_bytes().unwrap_or_default()
}

#[inline(never)]
fn measured_read(files: &[Vec<u8>], options: &ReadOptions) -> usize {
    files
        .iter()
        .map(|f| read_value(black_box(f), options).is_ok() as usize)
        .sum()
}

#[inline(never)]
fn measured_lint(values: &[plist::Value], ctx: &LintContext) -> usize {
    values
        .iter()
        .map(|v| lint_value(black_box(v), ctx).len())
        .sum()
}

#[inline(never)]
fn measured_read_and_lint(files: &[Vec<u8>], options: &ReadOptions, ctx: &LintContext) -> usize {
    files
        .iter()
        .map(|f| lint_value(&read_value(black_box(f), options).unwrap().value, ctx).len())
        .sum()
}

#[path = "support/install_fixture.rs"]
mod install_fixture;
use install_fixture::{installed, new_profile};

#[inline(never)]
fn measured_index(profiles: Vec<ProfileSummary>) -> InstalledSet {
    InstalledSet::new(profiles)
}

#[inline(never)]
fn measured_check(set: &InstalledSet, new: &ProfileSummary, ctx: &LintContext) -> usize {
    set.check(black_box(new), ctx).diagnostics.len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args
        .next()
        .expect("usage: cost read|lint|read_and_lint|install N");
    let n: usize = args.next().map_or(1, |n| n.parse().unwrap());
    let options = ReadOptions::default();
    let ctx = LintContext::default();
    let mut total = 0;
    match what.as_str() {
        "install" => {
            let profiles = installed(n);
            let set = measured_index(profiles);
            total += measured_check(&set, &new_profile(), &ctx);
        }
        mode => {
            let files = corpus();
            let values: Vec<plist::Value> = files
                .iter()
                .map(|b| read_value(b, &options).unwrap().value)
                .collect();
            let bytes: usize = files.iter().map(Vec::len).sum();
            for _ in 0..n {
                total += match mode {
                    "read" => measured_read(&files, &options),
                    "lint" => measured_lint(&values, &ctx),
                    "read_and_lint" => measured_read_and_lint(&files, &options, &ctx),
                    other => panic!("unknown mode {other}"),
                };
            }
            println!("{} files, {bytes} bytes per round", files.len());
        }
    }
    println!("{total}");
}
