// The engine the request fuzzer drives: the settings of the exchange tests, throwaway keys.

use enrollkit_cms::{CmsSigner, KeyAlgorithm, SignOptions, ThrowawayCa, TrustAnchors};
use enrollkit_flow::clock::Timestamp;
use enrollkit_protocol::engine::{Engine, EngineKeys, EngineSettings};

pub fn engine(now: Timestamp, identity_ca: &ThrowawayCa, attestation_ca: &ThrowawayCa) -> Engine {
    let settings: EngineSettings = serde_json::from_value(serde_json::json!({
        "base_url": "https://enroll.example.com/",
        "profile": {"identifier": "com.example.enroll", "organization": "Example Corp",
            "topic": "com.apple.mgmt.External.1", "mdm_base_url": "https://enroll.example.com/mdm",
            "identity": {"kind": "scep", "url": "https://enroll.example.com/scep"}},
        "portal": {"ownership": "personal"},
        "oidc": {"issuer": "https://login.example.com", "client_id": "enrollkit",
            "authorization_endpoint": "https://login.example.com/authorize",
            "token_endpoint": "https://login.example.com/token",
            "redirect_uri": "https://enroll.example.com/oidc/callback"},
        "account_driven": {"domains": ["example.com"]},
        "secret_key": "fuzz-secret-key-0123456789abcdef0123",
        "encrypt_ota_profiles": true
    }))
    .expect("settings");
    let start = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(now.unix() as u64 - 3600);
    let signer = ThrowawayCa::new("Signer CA", "", start, std::time::Duration::from_secs(86_400), KeyAlgorithm::EcP256)
        .expect("ca")
        .issue("signer", "", KeyAlgorithm::EcP256)
        .expect("signer");
    Engine::new(
        settings,
        EngineKeys {
            signer: CmsSigner::new(signer, SignOptions::default()).expect("signer"),
            device_identity_anchors: TrustAnchors::new(vec![identity_ca.certificate().to_vec()]).expect("a"),
            attestation_anchors: TrustAnchors::new(vec![attestation_ca.certificate().to_vec()]).expect("a"),
        },
    )
    .expect("engine")
}
