//! Engine throughput per CPU second, for `benches/engine_compare.py` (next to `openssl speed`):
//! check-in handling (route, parse, `Mdm-Signature` verify with an RSA-2048 or P-256 device
//! key, the device and Topic checks, the state update) and the per-enrollment profile build
//! (build, lint for the device, sign).
//! Run: `cargo bench -p enrollkit-protocol --bench engine_rate -- --seconds 3 [filter]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use enrollkit_cms::KeyAlgorithm;
use enrollkit_protocol::build::build_profile;
use enrollkit_protocol::engine::Reply;
use enrollkit_protocol::entropy::SeededEntropy;
use enrollkit_testkit::rate::Rates;

mod support;

fn main() {
    let rates = Rates::from_args();
    let (b, identity_ca, attestation_ca) = support::bench();
    for (name, algorithm) in [
        ("rsa2048", KeyAlgorithm::Rsa { bits: 2048 }),
        ("p256", KeyAlgorithm::EcP256),
    ] {
        let label = format!("checkin/{name}");
        if !rates.wants(&format!("mdm-signature/{name}"))
            && !rates.wants(&format!("parse/{name}"))
            && !rates.wants(&label)
        {
            continue;
        }
        let (routed, request, enrollment) =
            support::enrolled(&b, &identity_ca, &attestation_ca, algorithm);
        let mut entropy = SeededEntropy::new("rate");
        // The parts: the signature alone, and the body's plist alone.
        let header = request.headers()["mdm-signature"].as_bytes().to_vec();
        let verifier = enrollkit_cms::Verifier::new(
            enrollkit_cms::TrustAnchors::new(vec![identity_ca.certificate().to_vec()]).unwrap(),
        );
        let at =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(support::NOW as u64);
        rates.run(&format!("mdm-signature/{name}"), || {
            black_box(
                enrollkit_protocol::signature::verify_mdm_signature(
                    &header,
                    request.body(),
                    &verifier,
                    at,
                )
                .unwrap(),
            );
        });
        rates.run(&format!("parse/{name}"), || {
            black_box(
                enrollkit_protocol::checkin::parse_checkin(request.body(), &Default::default())
                    .unwrap(),
            );
        });
        rates.run(&format!("plist-crate/{name}"), || {
            black_box(
                enrollkit_profile::plist::Value::from_reader_xml(request.body().as_slice())
                    .unwrap(),
            );
        });
        rates.run(&label, || {
            let routed_again = b.engine.route(&request).unwrap();
            debug_assert_eq!(routed_again, routed);
            let handled = b.engine.handle(
                &routed_again,
                &request,
                Some(enrollment.clone()),
                support::now(),
                &mut entropy,
            );
            assert!(matches!(&handled.reply, Reply::Respond(r) if r.status() == 200));
            black_box(handled);
        });
    }
    let (settings, profile_for) = support::build_inputs();
    // Where a build's time goes: the same profile's value, lint, XML and signature alone.
    let built = build_profile(
        &settings,
        support::build_request(&profile_for),
        &b.signer,
        &mut SeededEntropy::new("parts"),
    )
    .unwrap();
    let model = enrollkit_profile::read_profile(&built.bytes, &Default::default())
        .unwrap()
        .profile;
    let value = model.to_value();
    let context = support::build_request(&profile_for).context;
    let xml = enrollkit_profile::xml_bytes(&value).unwrap();
    let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(support::NOW as u64);
    rates.run("profile/part-to-value", || {
        black_box(model.to_value());
    });
    rates.run("profile/part-lint", || {
        black_box(enrollkit_lint::lint_value(&value, &context));
    });
    rates.run("profile/part-xml", || {
        black_box(enrollkit_profile::xml_bytes(&value).unwrap());
    });
    rates.run("profile/part-sign", || {
        black_box(b.signer.sign(&xml, t).unwrap());
    });
    let mut entropy = SeededEntropy::new("rate build");
    rates.run("profile/build-lint-sign", || {
        let built = build_profile(
            &settings,
            support::build_request(&profile_for),
            &b.signer,
            &mut entropy,
        )
        .unwrap();
        black_box(built);
    });
}
