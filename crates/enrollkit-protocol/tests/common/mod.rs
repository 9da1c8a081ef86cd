//! The engine, its keys and a simulated world (device CAs, identity provider) for the
//! exchange tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use enrollkit_cms::{
    CmsSigner, KeyAlgorithm, SignOptions, ThrowawayCa, TrustAnchors, Verdict, VerifyOptions,
    generate_throwaway_identity,
};
use enrollkit_diagnostic::{OsVersion, Platform, Severity};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::web::Ownership;
use enrollkit_lint::{Enrollment as LintEnrollment, InstallMethod, LintContext};
use enrollkit_protocol::build::{IdentityIssuer, ProfileSettings};
use enrollkit_protocol::engine::*;
use enrollkit_protocol::entropy::SeededEntropy;
use enrollkit_protocol::oidc::OidcSettings;
use enrollkit_protocol::secret::Secret;
use enrollkit_protocol::simulator::{
    IdpUser, InMemoryHost, SimulatedDevice, SimulatedIdp, throwaway_cas,
};
use url::Url;

pub const TOPIC: &str = "com.apple.mgmt.External.4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
pub const BASE: &str = "https://enroll.example.com";

pub fn t0() -> Timestamp {
    Timestamp::parse_rfc3339("2026-12-02T09:00:00Z").unwrap()
}

pub fn at(seconds: i64) -> Timestamp {
    t0().plus_seconds(seconds)
}

pub fn settings() -> EngineSettings {
    let u = |s: &str| Url::parse(s).unwrap();
    EngineSettings {
        base_url: u(&format!("{BASE}/")),
        profile: ProfileSettings {
            identifier: "com.example.enroll".into(),
            organization: "Example Corp".into(),
            topic: TOPIC.into(),
            mdm_base_url: u(&format!("{BASE}/mdm")),
            identity: IdentityIssuer::Scep {
                url: u(&format!("{BASE}/scep")),
                name: None,
                key_size: 2048,
            },
            anchors: Vec::new(),
            sign_message: true,
            device_access_rights: 8191,
            challenge_margin_seconds: 22 * 60,
        },
        portal: PortalPolicy {
            require_mfa: false,
            jit_registration: true,
            ownership: Ownership::Personal,
        },
        oidc: OidcSettings::new(
            "https://login.example.com",
            "enrollkit-portal",
            u("https://login.example.com/authorize"),
            u("https://login.example.com/token"),
            u(&format!("{BASE}/oidc/callback")),
        ),
        account_driven: AccountDrivenSettings {
            domains: vec!["example.com".into()],
            device_enrollment: false,
        },
        ade: AdeSettings::default(),
        limits: Default::default(),
        secret_key: Secret::new("k".repeat(16) + "0123456789abcdef0123456789"),
        encrypt_ota_profiles: true,
    }
}

/// Everything a test needs: the engine, the server signer's root, the device CAs.
pub struct World {
    pub engine: Engine,
    pub server_root: Vec<u8>,
    pub identity_ca: ThrowawayCa,
    pub attestation_ca: ThrowawayCa,
}

pub fn world(settings: EngineSettings) -> World {
    let (identity_ca, attestation_ca) = throwaway_cas(t0()).unwrap();
    let start =
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs((t0().unix() - 86_400) as u64);
    let signer = generate_throwaway_identity(
        "Example Corp Profile Signer",
        "Example Corp",
        start,
        Duration::from_secs(3 * 86_400),
        KeyAlgorithm::EcP256,
    )
    .unwrap();
    let keys = EngineKeys {
        signer: CmsSigner::new(signer.identity.clone(), SignOptions::default()).unwrap(),
        device_identity_anchors: TrustAnchors::new(vec![identity_ca.certificate().to_vec()])
            .unwrap(),
        attestation_anchors: TrustAnchors::new(vec![attestation_ca.certificate().to_vec()])
            .unwrap(),
    };
    World {
        engine: Engine::new(settings, keys).unwrap(),
        server_root: signer.root_certificate,
        identity_ca,
        attestation_ca,
    }
}

pub fn host(world: &World) -> InMemoryHost<'_> {
    let idp = SimulatedIdp::new("https://login.example.com", "enrollkit-portal").unwrap();
    InMemoryHost::new(
        &world.engine,
        idp,
        Box::new(SeededEntropy::new("exchanges")),
    )
}

pub fn dana() -> IdpUser {
    IdpUser {
        subject: "00u8f3kq2".into(),
        email: "dana.lee@example.com".into(),
        name: "Dana Lee".into(),
        mfa: true,
    }
}

pub fn device(world: &World, platform: Platform, os: &str, product: &str) -> SimulatedDevice {
    let mut entropy = SeededEntropy::new(&format!("device {product} {os}"));
    SimulatedDevice::new(
        platform,
        os.parse().unwrap(),
        product,
        &world.attestation_ca,
        &mut entropy,
    )
    .unwrap()
}

pub fn header(r: &http::Response<Vec<u8>>, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn json(r: &http::Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(r.body()).unwrap_or(serde_json::Value::Null)
}

/// A browser round: follow the redirect to the provider, sign in, come back.
pub fn sign_in(
    host: &mut InMemoryHost<'_>,
    device: &mut SimulatedDevice,
    start: &http::Response<Vec<u8>>,
    now: Timestamp,
) -> http::Response<Vec<u8>> {
    assert_eq!(
        start.status(),
        302,
        "{}",
        String::from_utf8_lossy(start.body())
    );
    device.keep_cookies(start);
    let authorize = header(start, "location");
    let callback = host.idp.sign_in(&authorize, &dana(), now).unwrap();
    host.send(device.browse(&callback), now)
}

/// The served profile verifies against the server's signer and lints clean (no finding of
/// error severity) for the device's context.
pub fn assert_verifies_and_lints(
    world: &World,
    bytes: &[u8],
    platform: Platform,
    os: &str,
    enrollment: LintEnrollment,
) {
    let anchors = TrustAnchors::new(vec![world.server_root.clone()]).unwrap();
    let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(t0().unix() as u64);
    let v = enrollkit_cms::verify(bytes, &VerifyOptions::new(&anchors, now));
    assert_eq!(v.verdict, Verdict::Verified, "{:?}", v.verdict);
    let loaded = enrollkit_profile::read_profile(bytes, &Default::default()).unwrap();
    let context = LintContext {
        platform,
        os_version: Some(os.parse::<OsVersion>().unwrap()),
        enrollment,
        supervised: false,
        install: InstallMethod::Manual,
    };
    let errors: Vec<_> = enrollkit_lint::lint_value(&loaded.profile.to_value(), &context)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// The SCEP server's part, then Authenticate and TokenUpdate: the device ends enrolled.
pub fn check_in(
    host: &mut InMemoryHost<'_>,
    world: &World,
    device: &mut SimulatedDevice,
    now: Timestamp,
) -> String {
    host.scep_enroll(device, &world.identity_ca, now).unwrap();
    let r = host.send(
        device.checkin_request(&device.authenticate(), now).unwrap(),
        now,
    );
    assert_eq!(r.status(), 200, "{}", String::from_utf8_lossy(r.body()));
    let r = host.send(
        device
            .checkin_request(&device.token_update(), now.plus_seconds(2))
            .unwrap(),
        now.plus_seconds(2),
    );
    assert_eq!(r.status(), 200, "{}", String::from_utf8_lossy(r.body()));
    let url = device.installed.as_ref().unwrap().check_in_url.clone();
    url.rsplit('/').next().unwrap().to_owned()
}
