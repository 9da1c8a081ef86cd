//! CLI tests for sign / verify / unsign / encrypt / decrypt, with OpenSSL as the oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadIdentifier</key>
			<string>com.example.wifi</string>
			<key>PayloadType</key>
			<string>com.apple.wifi.managed</string>
			<key>PayloadUUID</key>
			<string>5E0AD3A4-7D0B-4A55-9E43-1B5A0C4C2F11</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
			<key>SSID_STR</key>
			<string>corp</string>
		</dict>
	</array>
	<key>PayloadIdentifier</key>
	<string>com.example.profile</string>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>0E6B0B3E-4A4E-4D0C-8C0A-2B0E5B6C7D8E</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
</dict>
</plist>
"#;

fn ek(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .current_dir(dir)
        .args(args)
        .env("P12PW", "pw")
        .output()
        .unwrap()
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

fn setup(dir: &Path) {
    std::fs::write(dir.join("p.mobileconfig"), PROFILE).unwrap();
    for name in ["a", "b"] {
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-nodes",
                "-days",
                "30",
                "-subj",
                &format!("/CN={name}"),
                "-newkey",
                "rsa:2048",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }
}

#[test]
fn sign_verify_unsign_roundtrip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    let out = ek(
        d,
        &[
            "sign",
            "p.mobileconfig",
            "-o",
            "s.der",
            "--key",
            "a.key",
            "--cert",
            "a.pem",
            "--signing-time",
            "2026-01-02T03:04:05Z",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Deterministic with a fixed time.
    assert!(
        ek(
            d,
            &[
                "sign",
                "p.mobileconfig",
                "-o",
                "s2.der",
                "--key",
                "a.key",
                "--cert",
                "a.pem",
                "--signing-time",
                "2026-01-02T03:04:05Z"
            ]
        )
        .status
        .success()
    );
    assert_eq!(
        std::fs::read(d.join("s.der")).unwrap(),
        std::fs::read(d.join("s2.der")).unwrap()
    );
    openssl(
        d,
        &[
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "s.der", "-CAfile", "a.pem",
            "-purpose", "any", "-out", "o.xml",
        ],
    );
    assert_eq!(std::fs::read(d.join("o.xml")).unwrap(), PROFILE.as_bytes());

    let out = ek(d, &["verify", "s.der", "--trust", "a.pem", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["verdict"], "Verified");
    assert_eq!(j["signer_chain"][0], "CN=a");

    let out = ek(d, &["verify", "s.der", "--trust", "b.pem"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NotVerified"));
    let out = ek(
        d,
        &[
            "verify",
            "s.der",
            "--trust",
            "a.pem",
            "--at",
            "2030-01-01T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = ek(d, &["verify", "p.mobileconfig"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Unsigned"));

    let mut bytes = std::fs::read(d.join("s.der")).unwrap();
    let mid = bytes.len() / 3;
    bytes[mid] ^= 0x20;
    std::fs::write(d.join("t.der"), &bytes).unwrap();
    let out = ek(d, &["verify", "t.der", "--trust", "a.pem", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(j["verdict"], "Verified");

    assert!(ek(d, &["unsign", "s.der", "-o", "u.xml"]).status.success());
    assert_eq!(std::fs::read(d.join("u.xml")).unwrap(), PROFILE.as_bytes());

    // Usage errors exit 2.
    assert_eq!(
        ek(d, &["sign", "p.mobileconfig", "-o", "x.der"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        ek(
            d,
            &[
                "sign",
                "p.mobileconfig",
                "-o",
                "x.der",
                "--key",
                "a.key",
                "--cert",
                "a.pem",
                "--signing-time",
                "yesterday"
            ]
        )
        .status
        .code(),
        Some(2)
    );
    // Missing file: exit 1, message names the file.
    let out = ek(d, &["verify", "missing.der"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.der"));
}

#[test]
fn sign_with_pkcs12() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    openssl(
        d,
        &[
            "pkcs12", "-export", "-inkey", "a.key", "-in", "a.pem", "-passout", "pass:pw", "-out",
            "a.p12",
        ],
    );
    let out = ek(
        d,
        &[
            "sign",
            "p.mobileconfig",
            "-o",
            "s.der",
            "--p12",
            "a.p12",
            "--password-env",
            "P12PW",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        ek(d, &["verify", "s.der", "--trust", "a.pem"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn encrypt_decrypt_profile() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    for cipher in ["aes256", "des3"] {
        let out = ek(
            d,
            &[
                "encrypt",
                "p.mobileconfig",
                "--recipient",
                "a.pem",
                "-o",
                "e.mobileconfig",
                "--cipher",
                cipher,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let enc = std::fs::read_to_string(d.join("e.mobileconfig")).unwrap();
        assert!(
            enc.contains("<key>EncryptedPayloadContent</key>")
                && enc.contains("<key>IsEncrypted</key>")
        );
        assert!(!enc.contains("SSID_STR"));
        let out = ek(
            d,
            &[
                "decrypt",
                "e.mobileconfig",
                "--key",
                "a.key",
                "-o",
                "d.mobileconfig",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Same plist as the input (plistlib as the oracle; key order may differ).
        let same = Command::new("python3")
            .current_dir(d)
            .args(["-c", "import plistlib; assert plistlib.load(open('p.mobileconfig','rb')) == plistlib.load(open('d.mobileconfig','rb'))"])
            .status()
            .unwrap();
        assert!(same.success());
        assert_eq!(
            ek(
                d,
                &[
                    "decrypt",
                    "e.mobileconfig",
                    "--key",
                    "b.key",
                    "-o",
                    "x.mobileconfig"
                ]
            )
            .status
            .code(),
            Some(1)
        );
    }
}
