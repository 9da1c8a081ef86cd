//! Criterion benchmarks of the engine: check-in handling with an RSA-2048 and a P-256 device
//! key, and the per-enrollment profile (build, lint, sign). The comparison with `openssl speed`
//! is `benches/engine_compare.py`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use enrollkit_cms::KeyAlgorithm;
use enrollkit_protocol::build::build_profile;
use enrollkit_protocol::checkin::{CheckinLimits, parse_checkin};
use enrollkit_protocol::entropy::SeededEntropy;

mod support;

fn benches(c: &mut Criterion) {
    let (b, identity_ca, attestation_ca) = support::bench();
    let mut group = c.benchmark_group("checkin");
    group.throughput(Throughput::Elements(1));
    for (name, algorithm) in [
        ("rsa2048", KeyAlgorithm::Rsa { bits: 2048 }),
        ("p256", KeyAlgorithm::EcP256),
    ] {
        let (routed, request, enrollment) =
            support::enrolled(&b, &identity_ca, &attestation_ca, algorithm);
        let mut entropy = SeededEntropy::new("criterion");
        group.bench_function(format!("handle/{name}"), |bench| {
            bench.iter(|| {
                black_box(b.engine.handle(
                    &routed,
                    &request,
                    Some(enrollment.clone()),
                    support::now(),
                    &mut entropy,
                ))
            })
        });
        if name == "p256" {
            group.bench_function("parse", |bench| {
                bench.iter(|| {
                    black_box(parse_checkin(request.body(), &CheckinLimits::default()).unwrap())
                })
            });
        }
    }
    group.finish();
    let (settings, profile_for) = support::build_inputs();
    let mut entropy = SeededEntropy::new("criterion build");
    c.bench_function("profile/build-lint-sign", |bench| {
        bench.iter(|| {
            black_box(
                build_profile(
                    &settings,
                    support::build_request(&profile_for),
                    &b.signer,
                    &mut entropy,
                )
                .unwrap(),
            )
        })
    });
}

criterion_group!(engine, benches);
criterion_main!(engine);
