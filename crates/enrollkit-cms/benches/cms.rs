//! Criterion benchmarks: sign and verify a ~5 KB profile with P-256 and RSA-2048.
//! Run: `cargo bench -p enrollkit-cms --bench cms -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use enrollkit_cms::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{name}")).unwrap()
}

fn bench(c: &mut Criterion) {
    let content = read("profile-5k.xml");
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    for name in ["p256", "rsa2048"] {
        let key = read(&format!("{name}.key"));
        let cert = read(&format!("{name}.pem"));
        let id = SigningIdentity::from_pem_or_der(&key, &cert, &[]).unwrap();
        let signer = CmsSigner::new(id.clone(), SignOptions::default()).unwrap();
        c.bench_function(&format!("sign/{name}"), |b| {
            b.iter(|| signer.sign(&content, t).unwrap())
        });
        if name == "p256" {
            let det = CmsSigner::new(
                id,
                SignOptions {
                    deterministic: true,
                    ..Default::default()
                },
            )
            .unwrap();
            c.bench_function("sign/p256-deterministic", |b| {
                b.iter(|| det.sign(&content, t).unwrap())
            });
        }
        let signed = signer.sign(&content, t).unwrap();
        let anchors = TrustAnchors::new(parse_certificates(&cert).unwrap()).unwrap();
        let opts = VerifyOptions::new(&anchors, t);
        assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| verify(&signed, &opts))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
