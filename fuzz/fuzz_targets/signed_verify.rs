//! Reads arbitrary bytes as a signed profile and verifies them against the test anchors.
//! `verify` must never panic; a `Verified` verdict must carry exactly the content that
//! `extract_signed_content` and `read_profile` see.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use enrollkit_cms::{
    TrustAnchors, Verdict, VerifyOptions, extract_signed_content, parse_certificates, verify,
};
use enrollkit_profile::{ReadOptions, read_profile};
use enrollkit_diagnostic::Area;
use libfuzzer_sys::fuzz_target;

fn anchors() -> &'static TrustAnchors {
    static ANCHORS: OnceLock<TrustAnchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut ders = parse_certificates(include_bytes!(
            "../../crates/enrollkit-cms/tests/data/p256.pem"
        ))
        .expect("test certificate");
        ders.extend(
            parse_certificates(include_bytes!(
                "../../crates/enrollkit-cms/tests/data/rsa2048.pem"
            ))
            .expect("test certificate"),
        );
        TrustAnchors::new(ders).expect("anchors")
    })
}

fuzz_target!(|data: &[u8]| {
    // Inside the test certificates' validity.
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let result = verify(data, &VerifyOptions::new(anchors(), time));
    let extracted = extract_signed_content(data);
    if result.verdict == Verdict::Verified {
        let content = result
            .content
            .as_deref()
            .expect("a verified message has content");
        assert_eq!(
            Some(content),
            extracted.as_deref().ok(),
            "verify and extract disagree"
        );
        assert!(
            !result.signer_chain.is_empty(),
            "verified without a signer chain"
        );
    }
    if let Some(reason) = result.verdict.reason() {
        assert!(
            matches!(reason.code.area(), Area::Cms | Area::Internal),
            "uncoded verdict reason {}",
            reason.code
        );
    }
    if let Ok(loaded) = read_profile(data, &ReadOptions::default()) {
        if let Some(signed) = loaded.signed {
            assert_eq!(
                Some(&signed.content),
                extracted.as_ref().ok(),
                "read_profile and extract disagree"
            );
        }
    }
});
