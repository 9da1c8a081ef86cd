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
        c.bench_function(&format!("verify-oneshot/{name}"), |b| {
            b.iter(|| verify(&signed, &opts))
        });
        let verifier = Verifier::new(anchors.clone());
        assert_eq!(verifier.verify(&signed, t).verdict, Verdict::Verified);
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| verifier.verify(&signed, t))
        });
    }
}

/// The bare aws-lc-rs primitives on a 32-byte message, for comparison with `openssl speed`
/// (which signs/verifies a short pre-hashed buffer): shows what the CMS layer adds.
fn raw(c: &mut Criterion) {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{self as sig, KeyPair};
    let rng = SystemRandom::new();
    let msg = [0x5au8; 32];
    let pkcs8 = |name: &str| {
        der::pem::decode_vec(&read(&format!("{name}.key")))
            .unwrap()
            .1
    };

    let ec = sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, &pkcs8("p256"))
        .unwrap();
    let ec_sig = ec.sign(&rng, &msg).unwrap();
    let ec_pub = sig::UnparsedPublicKey::new(
        &sig::ECDSA_P256_SHA256_ASN1,
        ec.public_key().as_ref().to_vec(),
    );
    c.bench_function("raw/p256-sign", |b| b.iter(|| ec.sign(&rng, &msg).unwrap()));
    c.bench_function("raw/p256-verify", |b| {
        b.iter(|| ec_pub.verify(&msg, ec_sig.as_ref()).unwrap())
    });

    let rsa = sig::RsaKeyPair::from_pkcs8(&pkcs8("rsa2048")).unwrap();
    let mut rsa_sig = vec![0u8; rsa.public_modulus_len()];
    rsa.sign(&sig::RSA_PKCS1_SHA256, &rng, &msg, &mut rsa_sig)
        .unwrap();
    let rsa_pub = sig::UnparsedPublicKey::new(
        &sig::RSA_PKCS1_2048_8192_SHA256,
        rsa.public_key().as_ref().to_vec(),
    );
    c.bench_function("raw/rsa2048-sign", |b| {
        let mut out = vec![0u8; rsa.public_modulus_len()];
        b.iter(|| {
            rsa.sign(&sig::RSA_PKCS1_SHA256, &rng, &msg, &mut out)
                .unwrap()
        })
    });
    c.bench_function("raw/rsa2048-verify", |b| {
        b.iter(|| rsa_pub.verify(&msg, &rsa_sig).unwrap())
    });
}

criterion_group!(benches, bench, raw);
criterion_main!(benches);
