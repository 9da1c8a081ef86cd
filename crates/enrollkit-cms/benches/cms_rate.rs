//! Throughput in operations per **CPU second** and per wall second, for `benches/cms_compare.py`.
//!
//! The harness (CPU-time rates, `RATE` lines) is the testkit's `rate` module.
//! Run: `cargo bench -p enrollkit-cms --bench cms_rate -- --seconds 3 [filter]`
//! Instruction counts: `valgrind --tool=callgrind <bench binary> --iterations N [filter]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use enrollkit_testkit::rate::Rates;

use enrollkit_cms::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{name}")).unwrap()
}

fn main() {
    let rates = Rates::from_args();
    let content = read("profile-5k.xml");
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    for name in ["p256", "rsa2048"] {
        let key = read(&format!("{name}.key"));
        let cert = read(&format!("{name}.pem"));
        let id = SigningIdentity::from_pem_or_der(&key, &cert, &[]).unwrap();
        let signer = CmsSigner::new(id.clone(), SignOptions::default()).unwrap();
        rates.run(&format!("sign/{name}"), || {
            black_box(signer.sign(&content, t).unwrap());
        });
        if name == "p256" {
            let opts = SignOptions {
                deterministic: true,
                ..Default::default()
            };
            let det = CmsSigner::new(id, opts).unwrap();
            rates.run("sign/p256-deterministic", || {
                black_box(det.sign(&content, t).unwrap());
            });
        }
        let signed = signer.sign(&content, t).unwrap();
        // Decoding alone (what every verify pays before any cryptography).
        rates.run(&format!("parse/{name}"), || {
            black_box(extract_signed_content(&signed).unwrap());
        });
        let anchors = TrustAnchors::new(parse_certificates(&cert).unwrap()).unwrap();
        let opts = VerifyOptions::new(&anchors, t);
        assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
        rates.run(&format!("verify-oneshot/{name}"), || {
            black_box(verify(&signed, &opts));
        });
        let verifier = Verifier::new(anchors.clone());
        rates.run(&format!("verify/{name}"), || {
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
    rates.run("verify-oneshot/p256-chain", || {
        assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
    });
    let verifier = Verifier::new(anchors.clone());
    rates.run("verify/p256-chain", || {
        assert_eq!(verifier.verify(&signed, t).verdict, Verdict::Verified);
    });
    raw(&rates);
}

/// The bare aws-lc-rs primitives on a 32-byte message (what `openssl speed` measures).
fn raw(rates: &Rates) {
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
    rates.run("raw/p256-sign", || {
        black_box(ec.sign(&rng, &msg).unwrap());
    });
    rates.run("raw/p256-verify", || {
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
    rates.run("raw/rsa2048-sign", || {
        rsa.sign(&sig::RSA_PKCS1_SHA256, &rng, &msg, &mut out)
            .unwrap();
    });
    rates.run("raw/rsa2048-verify", || {
        rsa_pub.verify_sig(&msg, &rsa_sig).unwrap();
    });
}
