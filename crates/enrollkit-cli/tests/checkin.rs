//! `enrollkit checkin parse` and `enrollkit checkin verify`, with openssl as the signer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../enrollkit-protocol/tests/fixtures/checkin")
        .join(name)
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn parse_prints_typed_fields_and_refuses_malformed_messages() {
    let path = fixture("tokenupdate.plist");
    let out = enrollkit(&["checkin", "parse", path.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["message_type"], "TokenUpdate");
    assert_eq!(json["device"]["kind"], "udid");
    assert_eq!(json["fields"]["NotInTheSchema"], "kept");
    assert_eq!(json["fields"]["Token"], "VG9rZW4="); // base64 of the fixture's data "Token"

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.plist");
    std::fs::write(
        &bad,
        b"<plist><dict><key>MessageType</key><string>Hello</string></dict></plist>",
    )
    .unwrap();
    let out = enrollkit(&["checkin", "parse", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[PROT003]"));
}

#[test]
fn verify_accepts_an_openssl_signature_only_over_the_exact_body_and_from_the_ca() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    for ca in ["ca", "other"] {
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-subj",
                &format!("/CN={ca}"),
                "-days",
                "2",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.pem"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        );
    }
    openssl(
        d,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-subj",
            "/CN=device",
            "-keyout",
            "dev.key",
            "-out",
            "dev.csr",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "dev.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "dev.pem",
        ],
    );
    std::fs::copy(fixture("authenticate.plist"), d.join("body.plist")).unwrap();
    openssl(
        d,
        &[
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "body.plist",
            "-signer",
            "dev.pem",
            "-inkey",
            "dev.key",
            "-out",
            "sig.der",
        ],
    );
    use base64::Engine as _;
    let header =
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(d.join("sig.der")).unwrap());
    std::fs::write(d.join("sig.txt"), header).unwrap();
    let p = |n: &str| d.join(n).to_str().unwrap().to_owned();

    let out = enrollkit(&[
        "checkin",
        "verify",
        &p("body.plist"),
        "--signature",
        &p("sig.txt"),
        "--trust",
        &p("ca.pem"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verified, signed by CN=device"));

    let mut body = std::fs::read(d.join("body.plist")).unwrap();
    let i = body.len() / 2;
    body[i] ^= 1;
    std::fs::write(d.join("tampered.plist"), body).unwrap();
    let out = enrollkit(&[
        "checkin",
        "verify",
        &p("tampered.plist"),
        "--signature",
        &p("sig.txt"),
        "--trust",
        &p("ca.pem"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[PROT007]"));

    let out = enrollkit(&[
        "checkin",
        "verify",
        &p("body.plist"),
        "--signature",
        &p("sig.txt"),
        "--trust",
        &p("other.pem"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[PROT008]"));
}

/// The README's demo enrolls through the engine: account-driven User Enrollment ends enrolled
/// for a user created just in time, with a profile built and linted for iOS User Enrollment,
/// and a profile-driven download runs out its 8-minute window.
#[test]
fn the_demo_enrolls_through_the_engine_and_shows_an_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let out = enrollkit(&["demo", "--out", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("401 WWW-Authenticate: Bearer method=\"apple-as-web\""),
        "{text}"
    );
    assert!(text.contains(
        "308 Location: apple-remotemanagement-user-login://authentication-results?access-token=…"
    ));
    assert!(text.contains(
        "EnrollmentMode BYOD, AssignedManagedAppleID dana.lee@example.com, AccessRights absent"
    ));
    assert!(text.contains("user created just in time: true; enrollment state: enrolled"));
    assert!(text.contains("9 minutes later: failed"));
    assert!(
        !text.contains("access-token=") || !text.contains("access-token=A"),
        "the token is never printed"
    );
    let profile = dir.path().join("account-driven-enrollment.mobileconfig");
    let lint = enrollkit(&[
        "lint",
        profile.to_str().unwrap(),
        "--platform",
        "ios",
        "--os-version",
        "18.1",
        "--enrollment",
        "user",
    ]);
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
}
