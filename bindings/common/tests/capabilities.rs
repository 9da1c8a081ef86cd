//! One test per public capability of the binding facade (see bindings/capabilities.toml); the
//! Python, Kotlin and Swift suites test the same capabilities through their bindings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use enrollkit_bindings_common::flow;
use enrollkit_bindings_common::lint::{self, LintOptions};
use enrollkit_bindings_common::ppkg::{self, PackageFile};
use enrollkit_bindings_common::profile::{
    self, EnrollmentSpec, IdentitySpec, ProfileFormat, ScepSpec,
};
use enrollkit_bindings_common::signing::{
    self, ExternalSigner, ExternalSignerError, SignatureAlgorithm, VerdictKind,
};

/// The fixture certificates are valid from 2026-11-23 for 20 years.
const VERIFY_TIME: i64 = 1_893_456_000;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("bindings/fixtures").join(name)).unwrap()
}

fn spec() -> EnrollmentSpec {
    let mut spec = EnrollmentSpec::new(
        "com.example.enroll",
        "https://mdm.example.com/mdm",
        "com.apple.mgmt.External.2f9c1c7e",
        IdentitySpec::Scep(ScepSpec {
            url: "https://mdm.example.com/scep".into(),
            name: None,
            challenge: Some("one-time-challenge".into()),
            subject: vec![],
            key_size: Some(2048),
        }),
    );
    spec.organization = Some("Example Corp".into());
    spec
}

fn p256() -> enrollkit_bindings_common::SigningIdentity {
    signing::identity_from_pem_or_der(
        &fixture("signer-p256.key"),
        &fixture("signer-p256.pem"),
        &[],
    )
    .unwrap()
}

fn ca_verifier() -> enrollkit_bindings_common::Verifier {
    signing::verifier(signing::parse_certificates(&fixture("ca.pem")).unwrap()).unwrap()
}

#[test]
fn build_enrollment_profile() {
    let p = profile::build_enrollment_profile(spec()).unwrap();
    let xml = profile::to_xml(&p).unwrap();
    assert_eq!(
        xml,
        profile::to_xml(&profile::build_enrollment_profile(spec()).unwrap()).unwrap()
    );
    assert!(
        String::from_utf8(xml)
            .unwrap()
            .contains("<string>com.apple.mdm</string>")
    );
}

#[test]
fn read_and_write_profile() {
    let p = profile::build_enrollment_profile(spec()).unwrap();
    let binary = profile::to_binary(&p).unwrap();
    assert!(binary.starts_with(b"bplist00"));
    let loaded = profile::read_profile(&binary).unwrap();
    assert_eq!(loaded.format, ProfileFormat::Binary);
    assert_eq!(loaded.profile, p);
}

#[test]
fn inspect_profile() {
    let info = profile::inspect(&profile::build_enrollment_profile(spec()).unwrap());
    assert_eq!(info.payloads.len(), 2);
    let mdm = info.mdm.unwrap();
    assert_eq!(mdm.identity_certificate_uuid, info.payloads[0].uuid);
    assert_eq!(mdm.access_rights, Some(8191));
}

#[test]
fn errors_carry_code_and_remediation() {
    let e = profile::read_profile(b"not a plist").unwrap_err();
    assert_eq!(e.code, "PRF005");
    assert_eq!(e.to_string(), e.message);
    assert!(!e.remediation.is_empty());
    let e =
        signing::identity_from_pem_or_der(b"junk", &fixture("signer-p256.pem"), &[]).unwrap_err();
    assert_eq!(e.code, "CMS006");
}

#[test]
fn sign_and_verify() {
    let signer = signing::prepare_signer(p256(), "sha256", false).unwrap();
    let signed = signing::sign(&signer, b"<plist/>", Some(VERIFY_TIME)).unwrap();
    let v = signing::verify(&ca_verifier(), &signed, Some(VERIFY_TIME)).unwrap();
    assert_eq!(v.verdict, VerdictKind::Verified);
    assert_eq!(v.content.as_deref(), Some(&b"<plist/>"[..]));
    let other =
        signing::verifier(signing::parse_certificates(&fixture("other.pem")).unwrap()).unwrap();
    assert_eq!(
        signing::verify(&other, &signed, Some(VERIFY_TIME))
            .unwrap()
            .verdict,
        VerdictKind::NotVerified
    );
    assert_eq!(
        signing::verify(&other, b"<plist/>", None).unwrap().verdict,
        VerdictKind::Unsigned
    );
}

#[test]
fn pkcs12_identity() {
    let id = signing::identity_from_pkcs12(&fixture("signer-rsa.p12"), "secret").unwrap();
    assert_eq!(signing::key_algorithm_name(&id), "rsa-2048");
    let signer = signing::prepare_signer(id, "sha256", true).unwrap();
    let signed = signing::sign(&signer, b"payload", Some(VERIFY_TIME)).unwrap();
    assert_eq!(
        signing::verify(&ca_verifier(), &signed, Some(VERIFY_TIME))
            .unwrap()
            .verdict,
        VerdictKind::Verified
    );
    assert_eq!(
        signing::identity_from_pkcs12(&fixture("signer-rsa.p12"), "nope")
            .unwrap_err()
            .code,
        "CMS009"
    );
}

/// An external signer whose device is unreachable.
struct OfflineHsm(Vec<Vec<u8>>);

impl ExternalSigner for OfflineHsm {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.0.clone()
    }
    fn sign(
        &self,
        _message: Vec<u8>,
        _alg: SignatureAlgorithm,
    ) -> Result<Vec<u8>, ExternalSignerError> {
        Err(ExternalSignerError {
            message: "HSM offline".into(),
        })
    }
}

#[test]
fn external_signer() {
    let chain = signing::parse_certificates(&fixture("signer-p256.pem")).unwrap();
    let external = signing::identity_external(Arc::new(OfflineHsm(chain))).unwrap();
    assert_eq!(signing::key_algorithm_name(&external), "ec-p256");
    let signer = signing::prepare_signer(external, "sha256", false).unwrap();
    let e = signing::sign(&signer, b"x", None).unwrap_err();
    assert!(e.message.contains("HSM offline"), "{e:?}");
}

#[test]
fn sign_from_many_threads() {
    let signer = Arc::new(signing::prepare_signer(p256(), "sha256", false).unwrap());
    let verifier = Arc::new(ca_verifier());
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (signer, verifier) = (signer.clone(), verifier.clone());
            std::thread::spawn(move || {
                let content = format!("<plist><string>{i}</string></plist>").into_bytes();
                let signed = signing::sign(&signer, &content, Some(VERIFY_TIME)).unwrap();
                signing::verify(&verifier, &signed, Some(VERIFY_TIME))
                    .unwrap()
                    .content
                    == Some(content)
            })
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
}

#[test]
fn encrypt_and_decrypt() {
    let enveloped = signing::encrypt(b"secret", &fixture("signer-rsa.pem"), "aes256-cbc").unwrap();
    assert_eq!(
        signing::decrypt(&enveloped, &fixture("signer-rsa.key")).unwrap(),
        b"secret"
    );
    assert!(signing::decrypt(&enveloped, &fixture("other.key")).is_err());
    assert_eq!(
        signing::encrypt(b"x", &fixture("signer-rsa.pem"), "rot13")
            .unwrap_err()
            .code,
        "ARG001"
    );
}

const SETTINGS: &str = r#"{"require_idp_auth":true,"require_mfa":false,"jit_registration":true,
  "default_ownership":"personal","enrollment_type":"profile_driven","profile":{"identifier":"com.example.enroll","name":"byod"}}"#;

#[test]
fn web_flow() {
    let mut state = flow::web_flow_new().unwrap();
    for event in [
        r#"{"at":"2024-05-02T09:00:00Z","type":"portal_opened","platform":"ios","os_version":"17.4"}"#,
        r#"{"at":"2024-05-02T09:01:00Z","type":"idp_assertion","mfa_completed":true,"identity":{"issuer":"i","subject":"s","email":"dana.lee@example.com"}}"#,
        r#"{"at":"2024-05-02T09:02:00Z","type":"profile_downloaded"}"#,
    ] {
        state = flow::web_flow_handle(&state, SETTINGS, event)
            .unwrap()
            .state_json;
    }
    assert_eq!(flow::web_flow_state(&state).unwrap(), "profile_pending");
    assert!(
        flow::web_flow_status(&state, "2024-05-02T09:05:00Z")
            .unwrap()
            .contains("\"seconds_left\":300")
    );
    let late = flow::web_flow_handle(
        &state,
        SETTINGS,
        r#"{"at":"2024-05-02T09:11:00Z","type":"profile_installed"}"#,
    )
    .unwrap();
    assert_eq!(late.state, "failed");
    assert_eq!(late.diagnostics[0].code, "FLOW107");
    assert_eq!(
        flow::web_flow_handle(&state, SETTINGS, "{")
            .unwrap_err()
            .code,
        "ARG001"
    );
}

#[test]
fn login_window_flow() {
    let policy = r#"{"org_name":"Example","macos":{"enabled":true}}"#;
    let state = flow::login_flow_new(r#"{"os":"macos","accounts":[]}"#).unwrap();
    assert_eq!(flow::login_flow_state(&state).unwrap(), "idle");
    assert!(
        flow::login_flow_view(&state, policy)
            .unwrap()
            .contains("Sign in with Example")
    );
    let step = flow::login_flow_handle(
        &state,
        policy,
        r#"{"at":"2024-05-02T09:00:00Z","type":"sign_in_selected"}"#,
    )
    .unwrap();
    assert_eq!(step.state, "authenticating");
}

#[test]
fn derive_account_name_and_pin() {
    let identity = r#"{"issuer":"i","subject":"s","email":"Dana.Lee@example.com"}"#;
    let d = flow::derive_account_name("macos", identity, &["admin".into()], vec![], false).unwrap();
    assert_eq!(d.name, "dana.lee");
    let e = flow::derive_account_name("macos", identity, &["dana.lee".into()], vec![], false)
        .unwrap_err();
    assert_eq!(e.code, "FLOW204");
    assert_eq!(
        flow::validate_account_name("windows", "bad/name")
            .unwrap_err()
            .code,
        "FLOW211"
    );
    assert_eq!(flow::validate_pin("402913", 6, 127, true).unwrap(), None);
    assert_eq!(
        flow::validate_pin("123456", 6, 127, true)
            .unwrap()
            .unwrap()
            .code,
        "FLOW209"
    );
}

#[test]
fn windows_package() {
    let spec = std::fs::read_to_string(repo().join("examples/windows/onboarding.toml")).unwrap();
    let msi = std::fs::read(repo().join("examples/windows/assets/agent.msi")).unwrap();
    let secrets: std::collections::BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(repo().join("bindings/fixtures/package-secrets.json")).unwrap(),
    )
    .unwrap();
    let pkg = ppkg::generate_windows_package(
        &spec,
        &[PackageFile {
            path: "assets/agent.msi".into(),
            data: msi,
        }],
        None,
        secrets,
    )
    .unwrap();
    assert!(!pkg.diagnostics.iter().any(|d| d.is_error()));
    assert_eq!(pkg.icd_arguments[0], "/Build-ProvisioningPackage");
    let bad = std::fs::read(repo().join("examples/windows/bad-customizations.xml")).unwrap();
    assert!(
        ppkg::validate_answer_file(&bad)
            .unwrap()
            .iter()
            .any(|d| d.is_error())
    );
    assert_eq!(
        ppkg::generate_windows_package(&spec, &[], None, [])
            .unwrap_err()
            .code,
        "PPKG503"
    );
}

#[test]
fn lint_and_install_check() {
    let ios = LintOptions {
        platform: "ios".into(),
        ..LintOptions::default()
    };
    let mine = profile::to_xml(&profile::build_enrollment_profile(spec()).unwrap()).unwrap();
    assert_eq!(lint::lint_profile(&mine, &ios).unwrap(), vec![]);
    let mut other_spec = spec();
    other_spec.identifier = "com.other.enroll".into();
    let other = profile::to_xml(&profile::build_enrollment_profile(other_spec).unwrap()).unwrap();
    let check = lint::check_install(&other, std::slice::from_ref(&mine), &ios).unwrap();
    assert_eq!(check.outcome, "rejected");
    assert!(check.diagnostics[0].is_error());
    let check = lint::check_install(&mine, std::slice::from_ref(&mine), &ios).unwrap();
    assert_eq!(check.replaces.as_deref(), Some("com.example.enroll"));
    let bad = LintOptions {
        platform: "amiga".into(),
        ..LintOptions::default()
    };
    assert_eq!(lint::lint_profile(&mine, &bad).unwrap_err().code, "ARG002");
}

/// Engine settings for the binding tests: the fixture CA stands in for the device CAs.
fn engine_settings() -> String {
    serde_json::json!({
        "base_url": "https://enroll.example.com/",
        "profile": {
            "identifier": "com.example.enroll", "organization": "Example Corp",
            "topic": "com.apple.mgmt.External.2f9c1c7e", "mdm_base_url": "https://enroll.example.com/mdm",
            "identity": {"kind": "scep", "url": "https://enroll.example.com/scep"}
        },
        "portal": {"ownership": "personal"},
        "oidc": {
            "issuer": "https://login.example.com", "client_id": "enrollkit",
            "authorization_endpoint": "https://login.example.com/authorize",
            "token_endpoint": "https://login.example.com/token",
            "redirect_uri": "https://enroll.example.com/oidc/callback"
        },
        "account_driven": {"domains": ["example.com"]},
        "secret_key": "binding-tests-secret-key-0123456789abcdef"
    })
    .to_string()
}

fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> enrollkit_bindings_common::protocol::HttpRequest {
    use enrollkit_bindings_common::protocol::{HttpHeader, HttpRequest};
    HttpRequest {
        method: method.into(),
        url: url.into(),
        headers: headers
            .iter()
            .map(|(n, v)| HttpHeader {
                name: (*n).into(),
                value: (*v).into(),
            })
            .collect(),
        body,
    }
}

#[test]
fn parse_and_verify_checkins() {
    use enrollkit_bindings_common::protocol;
    let body = b"<plist><dict><key>MessageType</key><string>CheckOut</string><key>Topic</key><string>t</string><key>UDID</key><string>U-1</string></dict></plist>";
    let info = protocol::parse_checkin(body).unwrap();
    assert_eq!(
        (
            info.message_type.as_str(),
            info.device_kind.as_str(),
            info.device_id.as_str()
        ),
        ("CheckOut", "udid", "U-1")
    );
    let err = protocol::parse_checkin(b"nope").unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.area().as_str()),
        ("PROT002", "protocol")
    );
    // A detached signature over the body by the fixture signer, which the fixture CA issued.
    let detached = enrollkit::cms::CmsSigner::new(p256(), Default::default())
        .unwrap()
        .sign_detached(
            body,
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(VERIFY_TIME as u64),
        )
        .unwrap();
    use base64::Engine as _;
    let header = base64::engine::general_purpose::STANDARD.encode(detached);
    let at = Some("2030-01-01T00:00:00Z");
    let subject = protocol::verify_mdm_signature(body, &header, &fixture("ca.pem"), at).unwrap();
    assert!(subject.contains("CN="), "{subject}");
    let err =
        protocol::verify_mdm_signature(b"other body", &header, &fixture("ca.pem"), at).unwrap_err();
    assert_eq!(err.code.as_str(), "PROT007");
}

#[test]
fn protocol_engine_routes_and_handles() {
    use enrollkit_bindings_common::protocol::ProtocolEngine;
    let engine = ProtocolEngine::new(
        &engine_settings(),
        &fixture("signer-p256.key"),
        &fixture("signer-p256.pem"),
        &fixture("ca.pem"),
        &fixture("ca.pem"),
    )
    .unwrap();
    let now = "2030-01-01T00:00:00Z";
    let wk = request(
        "GET",
        "https://example.com/.well-known/com.apple.remotemanagement?user-identifier=dana%40example.com",
        &[],
        Vec::new(),
    );
    let route = engine.route(&wk).unwrap();
    assert_eq!(
        (route.route.as_str(), route.lookup.as_str()),
        ("well_known", "none")
    );
    let reply = engine.handle(&wk, None, now).unwrap();
    assert_eq!((reply.kind.as_str(), reply.status), ("respond", 200));
    let doc: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(
        doc["Servers"][0]["BaseURL"],
        "https://enroll.example.com/account/enroll"
    );

    // The account-driven enrollment request, signed by a certificate the attestation CA issued.
    let signer = enrollkit::cms::CmsSigner::new(p256(), Default::default()).unwrap();
    let signed = signing::sign(
        &signer,
        b"<plist><dict><key>PRODUCT</key><string>iPhone17,1</string></dict></plist>",
        Some(VERIFY_TIME),
    )
    .unwrap();
    let post = request(
        "POST",
        "https://enroll.example.com/account/enroll",
        &[("content-type", "application/pkcs7-signature")],
        signed,
    );
    let reply = engine.handle(&post, None, now).unwrap();
    assert_eq!(reply.status, 401);
    assert!(
        reply
            .headers
            .iter()
            .any(|h| h.name == "www-authenticate" && h.value.contains("apple-as-web"))
    );
    assert_eq!(
        reply.enrollment_json, None,
        "an unauthenticated request stores nothing"
    );

    let unknown = request(
        "PUT",
        "https://enroll.example.com/mdm/checkin/5b8c2f0e-1d3a-4e6b-9c7d-8e9f0a1b2c3d",
        &[],
        b"<plist/>".to_vec(),
    );
    let reply = engine.handle(&unknown, None, now).unwrap();
    assert_eq!(
        (reply.status, reply.refused_code.as_deref()),
        (403, Some("PROT009"))
    );
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["code"], "com.apple.unrecognized.device");
    // Arguments the binding cannot use are errors, not replies.
    assert_eq!(
        engine
            .handle(&unknown, Some("{not json"), now)
            .unwrap_err()
            .code
            .as_str(),
        "ARG001"
    );
}
