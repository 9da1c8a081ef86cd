//! Arbitrary bytes as what devices sign: an Mdm-Signature header over a body, a CMS-signed
//! device body, MachineInfo (attached and as the x-apple-aspen-deviceinfo header). Nothing
//! panics, every refusal is a protocol code, and a body with a flipped byte never verifies.
//!
//! Byte 0 picks the mode; mode 4 starts from a real signature made once at start-up and
//! flips one byte of it or of its body, at a position taken from the input.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use enrollkit_cms::{CmsSigner, KeyAlgorithm, SignOptions, ThrowawayCa, TrustAnchors, Verifier};
use enrollkit_diagnostic::{Area, Coded};
use enrollkit_protocol::signature::{
    verify_aspen_deviceinfo, verify_machine_info, verify_mdm_signature, verify_signed_body,
};
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

struct World {
    verifier: Verifier,
    body: Vec<u8>,
    detached: Vec<u8>,
    attached: Vec<u8>,
    now: SystemTime,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let ca = ThrowawayCa::new("Fuzz CA", "", now - Duration::from_secs(3600), Duration::from_secs(86_400), KeyAlgorithm::EcP256)
            .expect("ca");
        let device = ca.issue("device", "", KeyAlgorithm::EcP256).expect("device");
        let signer = CmsSigner::new(device, SignOptions::default()).expect("signer");
        let body = b"<plist version=\"1.0\"><dict><key>UDID</key><string>U</string><key>SERIAL</key><string>S</string><key>PRODUCT</key><string>iPhone16,1</string><key>VERSION</key><string>21E</string><key>OS_VERSION</key><string>17.4</string></dict></plist>".to_vec();
        World {
            verifier: Verifier::new(TrustAnchors::new(vec![ca.certificate().to_vec()]).expect("anchors")),
            detached: signer.sign_detached(&body, now).expect("sign"),
            attached: signer.sign(&body, now).expect("sign"),
            body,
            now,
        }
    })
}

fn protocol_code(e: &enrollkit_protocol::ProtocolError) {
    assert_eq!(e.code().area(), Area::Protocol, "{e}");
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 5 {
        0 => {
            let (header, body) = rest.split_at(rest.len() / 2);
            if let Err(e) = verify_mdm_signature(header, body, &w.verifier, w.now) { protocol_code(&e) }
        }
        1 => match verify_signed_body(rest, &w.verifier, w.now) {
            Ok(_) => {}
            Err(e) => protocol_code(&e),
        },
        2 => if let Err(e) = verify_machine_info(rest, &w.verifier, w.now) { protocol_code(&e) },
        3 => if let Err(e) = verify_aspen_deviceinfo(rest, &w.verifier, w.now) { protocol_code(&e) },
        _ => {
            use enrollkit_protocol::signature::verify_mdm_signature as v;
            let at = rest.iter().fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(*b as usize));
            let flip = rest.first().copied().unwrap_or(1) | 1;
            let header = base64::engine::general_purpose::STANDARD.encode(&w.detached);
            assert!(v(header.as_bytes(), &w.body, &w.verifier, w.now).is_ok());
            let mut body = w.body.clone();
            let i = at % body.len();
            body[i] ^= flip;
            assert!(v(header.as_bytes(), &body, &w.verifier, w.now).is_err(), "a flipped body byte verified");
            let mut attached = w.attached.clone();
            let j = at % attached.len();
            attached[j] ^= flip;
            if let Ok(signed) = verify_signed_body(&attached, &w.verifier, w.now) {
                // A flip outside what is signed (an unsigned field) may still verify, but the
                // content must then be the original.
                let original = verify_signed_body(&w.attached, &w.verifier, w.now).expect("original");
                assert_eq!(signed.fields, original.fields);
            }
        }
    }
});
