#![allow(dead_code, clippy::unwrap_used, missing_docs)]
// Shared by the engine benches: an engine, and an enrolled device whose check-ins repeat.

use std::time::Duration;

use enrollkit_cms::{
    CmsSigner, KeyAlgorithm, SignOptions, TrustAnchors, generate_throwaway_identity,
};
use enrollkit_diagnostic::Platform;
use enrollkit_flow::clock::Timestamp;
use enrollkit_protocol::build::{BuildRequest, IdentityIssuer, ProfileFor, ProfileSettings};
use enrollkit_protocol::engine::{Engine, EngineKeys, EngineSettings, Enrollment, Routed};
use enrollkit_protocol::entropy::SeededEntropy;
use enrollkit_protocol::simulator::{
    IdpUser, InMemoryHost, SimulatedDevice, SimulatedIdp, throwaway_cas,
};

pub const NOW: i64 = 1_800_000_000;

pub fn now() -> Timestamp {
    Timestamp::from_unix(NOW).unwrap()
}

pub fn settings() -> EngineSettings {
    serde_json::from_value(serde_json::json!({
        "base_url": "https://enroll.example.com/",
        "profile": {"identifier": "com.example.enroll", "organization": "Example Corp",
            "topic": "com.apple.mgmt.External.4f1c", "mdm_base_url": "https://enroll.example.com/mdm",
            "identity": {"kind": "scep", "url": "https://enroll.example.com/scep"}},
        "portal": {"ownership": "personal"},
        "oidc": {"issuer": "https://login.example.com", "client_id": "enrollkit",
            "authorization_endpoint": "https://login.example.com/authorize",
            "token_endpoint": "https://login.example.com/token",
            "redirect_uri": "https://enroll.example.com/oidc/callback"},
        "account_driven": {"domains": ["example.com"]},
        "secret_key": "bench-secret-key-0123456789abcdef0123"
    }))
    .unwrap()
}

pub struct Bench {
    pub engine: Engine,
    pub signer: CmsSigner,
}

pub fn bench() -> (
    Bench,
    enrollkit_cms::ThrowawayCa,
    enrollkit_cms::ThrowawayCa,
) {
    let (identity_ca, attestation_ca) = throwaway_cas(now()).unwrap();
    let start = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(NOW as u64 - 3600);
    let signer = generate_throwaway_identity(
        "Signer",
        "Example Corp",
        start,
        Duration::from_secs(86_400),
        KeyAlgorithm::EcP256,
    )
    .unwrap();
    let signer = CmsSigner::new(signer.identity, SignOptions::default()).unwrap();
    let keys = EngineKeys {
        signer: CmsSigner::new(signer.identity().clone(), SignOptions::default()).unwrap(),
        device_identity_anchors: TrustAnchors::new(vec![identity_ca.certificate().to_vec()])
            .unwrap(),
        attestation_anchors: TrustAnchors::new(vec![attestation_ca.certificate().to_vec()])
            .unwrap(),
    };
    (
        Bench {
            engine: Engine::new(settings(), keys).unwrap(),
            signer,
        },
        identity_ca,
        attestation_ca,
    )
}

/// An enrolled profile-driven device (identity key `algorithm`), its stored enrollment, and
/// the TokenUpdate it sends again and again.
pub fn enrolled(
    b: &Bench,
    identity_ca: &enrollkit_cms::ThrowawayCa,
    attestation_ca: &enrollkit_cms::ThrowawayCa,
    algorithm: KeyAlgorithm,
) -> (Routed, http::Request<Vec<u8>>, Enrollment) {
    let idp = SimulatedIdp::new("https://login.example.com", "enrollkit").unwrap();
    let mut host = InMemoryHost::new(&b.engine, idp, Box::new(SeededEntropy::new("bench")));
    let mut seed = SeededEntropy::new("bench device");
    let mut device = SimulatedDevice::new(
        Platform::Ios,
        "17.4".parse().unwrap(),
        "iPhone15,2",
        attestation_ca,
        &mut seed,
    )
    .unwrap();
    let start = host.send(device.browse("https://enroll.example.com/portal"), now());
    device.keep_cookies(&start);
    let location = start.headers()["location"].to_str().unwrap().to_owned();
    let user = IdpUser {
        subject: "s".into(),
        email: "dana@example.com".into(),
        name: "Dana".into(),
        mfa: true,
    };
    let callback = host.idp.sign_in(&location, &user, now()).unwrap();
    host.send(device.browse(&callback), now());
    let profile = host.send(
        device.browse("https://enroll.example.com/enroll/profile"),
        now(),
    );
    device.install(profile.body()).unwrap();
    host.scep_enroll_with(&mut device, identity_ca, algorithm, now())
        .unwrap();
    assert_eq!(
        host.send(
            device
                .checkin_request(&device.authenticate(), now())
                .unwrap(),
            now()
        )
        .status(),
        200
    );
    assert_eq!(
        host.send(
            device
                .checkin_request(&device.token_update(), now())
                .unwrap(),
            now()
        )
        .status(),
        200
    );
    let enrollment = host.enrollments.values().next().unwrap().clone();
    assert!(enrollment.is_enrolled());
    let request = device
        .checkin_request(&device.token_update(), now())
        .unwrap();
    let routed = b.engine.route(&request).unwrap();
    (routed, request, enrollment)
}

/// What one per-enrollment profile build needs.
pub fn build_inputs() -> (ProfileSettings, ProfileFor) {
    let mut s = settings().profile;
    s.identity = IdentityIssuer::Scep {
        url: "https://enroll.example.com/scep".parse().unwrap(),
        name: None,
        key_size: 2048,
    };
    (
        s,
        ProfileFor::AccountDriven {
            device_enrollment: false,
            assigned_managed_apple_id: "dana@example.com".into(),
        },
    )
}

pub fn build_request<'a>(profile_for: &'a ProfileFor) -> BuildRequest<'a> {
    BuildRequest {
        enrollment: "5b8c2f0e-1d3a-4e6b-9c7d-8e9f0a1b2c3d",
        profile_for,
        context: enrollkit_lint::LintContext::new(Platform::Ios)
            .with_os_version("18.1".parse().unwrap())
            .with_enrollment(enrollkit_lint::Enrollment::User)
            .with_install(enrollkit_lint::InstallMethod::Manual),
        encrypt_to: None,
        now: now(),
    }
}
