//! Install-check cost at 10, 1,000 and 100,000 installed payloads (100 payloads per profile,
//! or one profile for the smallest case). `index_and_check` builds the device index and checks
//! one new profile; `check` reuses a built index. Run:
//! `cargo bench -p enrollkit-lint --bench install`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use enrollkit_lint::LintContext;
use enrollkit_lint::install::{InstalledSet, MdmSettings, PayloadSummary, ProfileSummary};

fn installed(payloads: usize) -> Vec<ProfileSummary> {
    let per_profile = payloads.min(100);
    (0..payloads / per_profile)
        .map(|p| ProfileSummary {
            identifier: format!("com.example.p{p}"),
            uuid: format!("P-{p}"),
            display_name: Some(format!("Profile {p}")),
            payloads: (0..per_profile)
                .map(|i| PayloadSummary {
                    payload_type: if i % 10 == 0 {
                        "com.apple.extensiblesso".into()
                    } else {
                        "com.apple.wifi.managed".into()
                    },
                    identifier: format!("com.example.p{p}.{i}"),
                    uuid: format!("U-{p}-{i}"),
                    sso_hosts: if i % 10 == 0 {
                        vec![format!("h{p}-{i}.example.com")]
                    } else {
                        Vec::new()
                    },
                    ..PayloadSummary::default()
                })
                .collect(),
            signer_certificates: Vec::new(),
        })
        .collect()
}

fn new_profile() -> ProfileSummary {
    ProfileSummary {
        identifier: "com.example.new".into(),
        uuid: "NEW".into(),
        display_name: None,
        payloads: (0..20)
            .map(|i| PayloadSummary {
                payload_type: if i == 0 {
                    "com.apple.mdm".into()
                } else {
                    "com.apple.extensiblesso".into()
                },
                identifier: format!("com.example.new.{i}"),
                uuid: format!("N-{i}"),
                mdm: (i == 0).then(MdmSettings::default),
                sso_hosts: vec![format!("new{i}.example.com")],
                ..PayloadSummary::default()
            })
            .collect(),
        signer_certificates: Vec::new(),
    }
}

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
