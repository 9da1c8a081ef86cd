//! The cross-surface check's Rust side (scripts/cross-surface.py drives it):
//!
//! - `cross_surface cases DIR` writes the inputs — a manual replacement signed by another
//!   identity, a ProfileList answer that already holds an MDM payload, a payload User
//!   Enrollment forbids, a tampered signed profile — and `DIR/cases.json` describing them;
//! - `cross_surface rust DIR` prints what the facade answers for each case, in the normalized
//!   JSON every surface (CLI, Python, Kotlin) must reproduce exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use enrollkit::cms::{SigningIdentity, TrustAnchors, Verifier};
use enrollkit::lint::install::InstallOutcome;
use enrollkit::lint::{Enrollment, InstallMethod, LintContext};
use enrollkit::profile::plist::{Dictionary, Value};
use enrollkit::profile::{
    EnrollmentProfileBuilder, IdentitySource, Profile, ScepContent, ServerCapability, xml_bytes,
};
use enrollkit::{Diagnostic, Platform};
use serde_json::{Value as Json, json};

/// The fixtures' certificates are valid from 2026-11-23 for 20 years.
const VERIFY_TIME: u64 = 1_893_456_000;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bindings/fixtures"
    ))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn identity(name: &str) -> SigningIdentity {
    SigningIdentity::from_pem_or_der(
        &fixture(&format!("{name}.key")),
        &fixture(&format!("{name}.pem")),
        &[],
    )
    .unwrap()
}

fn at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(VERIFY_TIME)
}

fn enrollment(identifier: &str, server: &str) -> Profile {
    EnrollmentProfileBuilder::new(identifier)
        .organization("Example Corp")
        .server_url(server)
        .topic("com.apple.mgmt.External.2f9c1c7e")
        .server_capability(ServerCapability::PerUserConnections)
        .identity(IdentitySource::Scep(
            ScepContent::default()
                .with_url("https://mdm.example.com/scep")
                .with_keysize(2048i64),
        ))
        .build()
        .unwrap()
}

fn sign(xml: &[u8], signer: &str) -> Vec<u8> {
    enrollkit::signing::sign(xml, identity(signer), true, at()).unwrap()
}

fn dict(entries: &[(&str, Value)]) -> Value {
    Value::Dictionary(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<Dictionary>(),
    )
}

fn write_cases(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let ours = enrollment("com.example.enroll", "https://mdm.example.com/mdm")
        .to_xml()
        .unwrap();

    // 1. A manual replacement of a signed enrollment profile, signed by another identity.
    write(
        "signer-change-installed.mobileconfig",
        &sign(&ours, "signer-p256"),
    );
    write("signer-change-new.mobileconfig", &sign(&ours, "signer-rsa"));

    // 2. A ProfileList answer whose entry already holds the device's MDM payload.
    let entry = dict(&[
        ("PayloadIdentifier", "com.othervendor.enroll".into()),
        ("PayloadUUID", "4F0B2C1E-1111-4A5B-9C3D-2E1F0A9B8C7D".into()),
        ("PayloadDisplayName", "Other Vendor MDM".into()),
        (
            "PayloadContent",
            Value::Array(vec![dict(&[
                ("PayloadType", "com.apple.mdm".into()),
                ("PayloadIdentifier", "com.othervendor.enroll.mdm".into()),
                ("PayloadUUID", "4F0B2C1E-2222-4A5B-9C3D-2E1F0A9B8C7D".into()),
            ])]),
        ),
    ]);
    let answer = dict(&[
        ("CommandUUID", "0D6AE9A4-5B1A-4C4E-8E0F-9B2B3B3F7A01".into()),
        ("Status", "Acknowledged".into()),
        ("UDID", "00008030-000A1B2C3D4E5F60".into()),
        ("ProfileList", Value::Array(vec![entry])),
    ]);
    write("profile-list-answer.plist", &xml_bytes(&answer).unwrap());
    write("profile-list-new.mobileconfig", &ours);

    // 3. A full-device VPN: User Enrollment forbids it, and iOS rejects the whole profile.
    let vpn = dict(&[
        ("PayloadType", "Configuration".into()),
        ("PayloadVersion", 1.into()),
        ("PayloadIdentifier", "com.example.vpn".into()),
        ("PayloadUUID", "6E0F1C9A-3B0B-4D46-9F0B-6C2B8C1F7A10".into()),
        (
            "PayloadContent",
            Value::Array(vec![dict(&[
                ("PayloadType", "com.apple.vpn.managed".into()),
                ("PayloadVersion", 1.into()),
                ("PayloadIdentifier", "com.example.vpn.1".into()),
                ("PayloadUUID", "0D3C5A52-6E43-4E4B-8F3C-2B7E7A4D9C11".into()),
                ("VPNType", "IKEv2".into()),
                ("UserDefinedName", "Corp".into()),
            ])]),
        ),
    ]);
    write("ue-forbidden.mobileconfig", &xml_bytes(&vpn).unwrap());

    // 4. A signed profile with one byte of its content changed.
    let mut tampered = sign(&ours, "signer-p256");
    let at = tampered
        .windows(b"mdm.example.com/mdm".len())
        .position(|w| w == b"mdm.example.com/mdm")
        .unwrap();
    tampered[at] ^= 0x20;
    write("tampered.mobileconfig", &tampered);

    let mac_manual = json!({"platform": "macos", "enrollment": "device", "manual_install": true});
    let mac = json!({"platform": "macos", "enrollment": "device", "manual_install": false});
    let ios_user = json!({"platform": "ios", "os_version": "17.4", "enrollment": "user", "manual_install": true});
    let cases = json!([
        {"name": "signer_change", "kind": "install", "new": "signer-change-new.mobileconfig",
         "installed": ["signer-change-installed.mobileconfig"], "context": mac_manual},
        {"name": "profile_list", "kind": "install", "new": "profile-list-new.mobileconfig",
         "installed": ["profile-list-answer.plist"], "context": mac},
        {"name": "ue_forbidden_lint", "kind": "lint", "new": "ue-forbidden.mobileconfig", "context": ios_user},
        {"name": "ue_forbidden_install", "kind": "install", "new": "ue-forbidden.mobileconfig",
         "installed": [], "context": ios_user},
        {"name": "tampered_verify", "kind": "verify", "new": "tampered.mobileconfig",
         "trust": "ca.pem", "time": VERIFY_TIME},
        {"name": "tampered_install", "kind": "install", "new": "tampered.mobileconfig",
         "installed": ["signer-change-installed.mobileconfig"], "context": mac_manual},
    ]);
    std::fs::write(dir.join("ca.pem"), fixture("ca.pem")).unwrap();
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_string_pretty(&cases).unwrap(),
    )
    .unwrap();
}

fn context(c: &Json) -> LintContext {
    let mut ctx = LintContext::new(c["platform"].as_str().unwrap().parse::<Platform>().unwrap())
        .with_enrollment(
            c["enrollment"]
                .as_str()
                .unwrap()
                .parse::<Enrollment>()
                .unwrap(),
        );
    if let Some(v) = c["os_version"].as_str() {
        ctx = ctx.with_os_version(v.parse().unwrap());
    }
    if c["manual_install"].as_bool().unwrap() {
        ctx = ctx.with_install(InstallMethod::Manual);
    }
    ctx
}

/// `CODE:severity`, sorted: the normalized findings every surface reports.
fn codes<'a>(findings: impl Iterator<Item = &'a Diagnostic>) -> Vec<String> {
    let mut out: Vec<String> = findings
        .map(|d| format!("{}:{}", d.code, d.severity))
        .collect();
    out.sort();
    out
}

fn run_cases(dir: &Path) -> Json {
    let cases: Json =
        serde_json::from_slice(&std::fs::read(dir.join("cases.json")).unwrap()).unwrap();
    let mut results = serde_json::Map::new();
    for case in cases.as_array().unwrap() {
        let new = std::fs::read(dir.join(case["new"].as_str().unwrap())).unwrap();
        let result = match case["kind"].as_str().unwrap() {
            "lint" => {
                let findings = enrollkit::check::lint(&new, &context(&case["context"])).unwrap();
                json!({"codes": codes(findings.iter())})
            }
            "install" => {
                let mut installed = Vec::new();
                for file in case["installed"].as_array().unwrap() {
                    let bytes = std::fs::read(dir.join(file.as_str().unwrap())).unwrap();
                    installed.extend(enrollkit::check::installed_profiles(&bytes).unwrap());
                }
                let report =
                    enrollkit::check::check_install(&new, installed, &context(&case["context"]))
                        .unwrap();
                let outcome = match report.outcome {
                    InstallOutcome::Install => "install",
                    InstallOutcome::Replace { .. } => "replace",
                    InstallOutcome::Rejected => "rejected",
                };
                json!({"outcome": outcome, "codes": codes(report.lint.iter().chain(&report.diagnostics))})
            }
            "verify" => {
                let anchors = enrollkit::cms::parse_certificates(
                    &std::fs::read(dir.join(case["trust"].as_str().unwrap())).unwrap(),
                )
                .unwrap();
                let verifier = Verifier::new(TrustAnchors::new(anchors).unwrap());
                let time = UNIX_EPOCH + Duration::from_secs(case["time"].as_u64().unwrap());
                let report = enrollkit::signing::verify(&verifier, &new, time);
                json!({"verdict": report.verdict.label(),
                       "reason": report.reason.map(|r| r.code.to_string())})
            }
            other => panic!("unknown case kind {other}"),
        };
        results.insert(case["name"].as_str().unwrap().to_owned(), result);
    }
    Json::Object(results)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1..) {
        Some([cmd, dir]) if cmd == "cases" => write_cases(Path::new(dir)),
        Some([cmd, dir]) if cmd == "rust" => {
            println!(
                "{}",
                serde_json::to_string_pretty(&run_cases(Path::new(dir))).unwrap()
            )
        }
        _ => {
            eprintln!("usage: cross_surface cases|rust DIR");
            std::process::exit(2);
        }
    }
}
