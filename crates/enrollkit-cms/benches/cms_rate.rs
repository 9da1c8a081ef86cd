//! Throughput in operations per **CPU second** and per wall second, for `benches/cms_compare.py`.
//!
//! `openssl speed` divides by user CPU time unless given `-elapsed`, so on a shared, loaded
//! machine a wall-clock benchmark (criterion) is not comparable with it. This harness reads the
//! thread's on-CPU time from `/proc/thread-self/schedstat` (Linux, nanoseconds) and prints
//! `RATE <name> <ops per CPU second> <ops per wall second>` lines.
//! Run: `cargo bench -p enrollkit-cms --bench cms_rate -- --seconds 3 [filter]`
//! Instruction counts: `valgrind --tool=callgrind <bench binary> --iterations N [filter]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use enrollkit_cms::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{name}")).unwrap()
}

/// Nanoseconds this thread has spent on a CPU.
fn cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    s.split_whitespace().next().unwrap().parse().unwrap()
}

fn rate(name: &str, seconds: f64, filter: Option<&str>, mut op: impl FnMut()) {
    if filter.is_some_and(|f| !name.contains(f)) {
        return;
    }
    // `--seconds 0 --iterations N` (via ITERATIONS): exactly N calls, for instruction counting
    // under valgrind, where time means nothing.
    if let Some(n) = ITERATIONS.get().copied().flatten() {
        for _ in 0..n {
            op();
        }
        println!("ITERATIONS {name} {n}");
        return;
    }
    // Warm-up (caches, lazily built constants), then batches until the wall budget is spent.
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(300) {
        op();
    }
    let (wall0, cpu0) = (Instant::now(), cpu_ns());
    let mut n = 0u64;
    while wall0.elapsed().as_secs_f64() < seconds {
        for _ in 0..16 {
            op();
        }
        n += 16;
    }
    let cpu = (cpu_ns() - cpu0) as f64 / 1e9;
    let wall = wall0.elapsed().as_secs_f64();
    println!("RATE {name} {:.1} {:.1}", n as f64 / cpu, n as f64 / wall);
}

static ITERATIONS: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seconds = 3.0;
    let mut filter = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = it.next().unwrap().parse().unwrap(),
            "--iterations" => {
                ITERATIONS
                    .set(Some(it.next().unwrap().parse().unwrap()))
                    .unwrap();
            }
            "--bench" => {}
            f if !f.starts_with('-') => filter = Some(f.to_string()),
            _ => {}
        }
    }
    let filter = filter.as_deref();
    let content = read("profile-5k.xml");
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    for name in ["p256", "rsa2048"] {
        let key = read(&format!("{name}.key"));
        let cert = read(&format!("{name}.pem"));
        let id = SigningIdentity::from_pem_or_der(&key, &cert, &[]).unwrap();
        let signer = CmsSigner::new(id.clone(), SignOptions::default()).unwrap();
        rate(&format!("sign/{name}"), seconds, filter, || {
            black_box(signer.sign(&content, t).unwrap());
        });
        if name == "p256" {
            let opts = SignOptions {
                deterministic: true,
                ..Default::default()
            };
            let det = CmsSigner::new(id, opts).unwrap();
            rate("sign/p256-deterministic", seconds, filter, || {
                black_box(det.sign(&content, t).unwrap());
            });
        }
        let signed = signer.sign(&content, t).unwrap();
        // Decoding alone (what every verify pays before any cryptography).
        rate(&format!("parse/{name}"), seconds, filter, || {
            black_box(extract_signed_content(&signed).unwrap());
        });
        let anchors = TrustAnchors::new(parse_certificates(&cert).unwrap()).unwrap();
        let opts = VerifyOptions::new(&anchors, t);
        assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
        rate(&format!("verify-oneshot/{name}"), seconds, filter, || {
            black_box(verify(&signed, &opts));
        });
        let verifier = Verifier::new(anchors.clone());
        rate(&format!("verify/{name}"), seconds, filter, || {
            assert_eq!(verifier.verify(&signed, t).verdict, Verdict::Verified);
        });
    }
    // Signer issued by a root anchor: two signature checks per message (CMS + certificate).
    let chain = generate_throwaway_identity(
        "bench",
        "",
        t,
        Duration::from_secs(86_400),
        KeyAlgorithm::EcP256,
    )
    .unwrap();
    let signed = sign(&content, &chain.identity, SignOptions::default(), t).unwrap();
    let anchors = TrustAnchors::new(vec![chain.root_certificate.clone()]).unwrap();
    let opts = VerifyOptions::new(&anchors, t);
    rate("verify-oneshot/p256-chain", seconds, filter, || {
        assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
    });
    let verifier = Verifier::new(anchors.clone());
    rate("verify/p256-chain", seconds, filter, || {
        assert_eq!(verifier.verify(&signed, t).verdict, Verdict::Verified);
    });
    raw(seconds, filter);
}

/// The bare aws-lc-rs primitives on a 32-byte message (what `openssl speed` measures).
fn raw(seconds: f64, filter: Option<&str>) {
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
    let ec_pub =
        sig::ParsedPublicKey::new(&sig::ECDSA_P256_SHA256_ASN1, ec.public_key().as_ref()).unwrap();
    rate("raw/p256-sign", seconds, filter, || {
        black_box(ec.sign(&rng, &msg).unwrap());
    });
    rate("raw/p256-verify", seconds, filter, || {
        ec_pub.verify_sig(&msg, ec_sig.as_ref()).unwrap();
    });
    let rsa = sig::RsaKeyPair::from_pkcs8(&pkcs8("rsa2048")).unwrap();
    let mut rsa_sig = vec![0u8; rsa.public_modulus_len()];
    rsa.sign(&sig::RSA_PKCS1_SHA256, &rng, &msg, &mut rsa_sig)
        .unwrap();
    let rsa_pub =
        sig::ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, rsa.public_key().as_ref())
            .unwrap();
    let mut out = vec![0u8; rsa.public_modulus_len()];
    rate("raw/rsa2048-sign", seconds, filter, || {
        rsa.sign(&sig::RSA_PKCS1_SHA256, &rng, &msg, &mut out)
            .unwrap();
    });
    rate("raw/rsa2048-verify", seconds, filter, || {
        rsa_pub.verify_sig(&msg, &rsa_sig).unwrap();
    });
}
