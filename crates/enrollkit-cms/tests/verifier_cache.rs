//! The `Verifier`'s certificate cache under churn: many signers, a small capacity, evictions
//! between visits. Every verdict must equal the uncached `verify`, and a warm cache must never
//! let a modified message through.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use enrollkit_cms::{
    CmsSigner, KeyAlgorithm, SignOptions, ThrowawayCa, TrustAnchors, Verdict, Verifier,
    VerifyOptions, verify_detached,
};

fn at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

#[test]
fn verdicts_stay_exact_while_the_cache_evicts() {
    let ca = ThrowawayCa::new(
        "Device CA",
        "",
        at() - Duration::from_secs(3600),
        Duration::from_secs(86_400),
        KeyAlgorithm::EcP256,
    )
    .unwrap();
    let anchors = TrustAnchors::new(vec![ca.certificate().to_vec()]).unwrap();
    let body = b"<plist><dict/></plist>".to_vec();
    let signatures: Vec<Vec<u8>> = (0..5)
        .map(|i| {
            let device = ca
                .issue(&format!("device {i}"), "", KeyAlgorithm::EcP256)
                .unwrap();
            CmsSigner::new(device, SignOptions::default())
                .unwrap()
                .sign_detached(&body, at())
                .unwrap()
        })
        .collect();
    let mut tampered = body.clone();
    tampered[1] ^= 1;
    for capacity in [0, 1, 2, 4096] {
        let verifier = Verifier::new(anchors.clone()).with_cache_capacity(capacity);
        for round in 0..3 {
            for (i, signature) in signatures.iter().enumerate() {
                let uncached =
                    verify_detached(signature, &body, &VerifyOptions::new(&anchors, at()));
                let cached = verifier.verify_detached(signature, &body, at());
                assert_eq!(uncached.verdict, Verdict::Verified);
                assert_eq!(
                    cached.verdict, uncached.verdict,
                    "capacity {capacity}, round {round}, signer {i}"
                );
                assert_eq!(cached.signer_chain, uncached.signer_chain);
                let forged = verifier.verify_detached(signature, &tampered, at());
                assert_ne!(
                    forged.verdict,
                    Verdict::Verified,
                    "a warm cache let a modified body through (capacity {capacity})"
                );
            }
        }
    }
}
