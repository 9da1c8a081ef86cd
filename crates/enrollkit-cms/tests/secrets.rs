//! Private keys and PKCS#12 passwords never appear in Debug output or error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_cms::Coded;
use std::path::Path;
use std::process::Command;

use enrollkit_cms::{PrivateKey, SigningIdentity};

const KEY_PEM: &[u8] = include_bytes!("data/p256.key");
const CERT_PEM: &[u8] = include_bytes!("data/p256.pem");
const RSA_KEY_PEM: &[u8] = include_bytes!("data/rsa2048.key");

/// 16-character pieces of a PEM body: any of them in a message means key material leaked.
fn pem_chunks(pem: &[u8]) -> Vec<String> {
    let body: String = String::from_utf8_lossy(pem)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    body.as_bytes()
        .chunks(16)
        .filter(|c| c.len() == 16)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

fn assert_no_key_material(text: &str, pem: &[u8]) {
    for chunk in pem_chunks(pem) {
        assert!(!text.contains(&chunk), "key material `{chunk}` in: {text}");
    }
}

#[test]
fn private_keys_are_redacted_in_debug() {
    for pem in [KEY_PEM, RSA_KEY_PEM] {
        let key = PrivateKey::from_pem_or_der(pem).unwrap();
        let debug = format!("{key:?} {key:#?}");
        assert!(debug.contains("redacted"), "{debug}");
        assert_no_key_material(&debug, pem);
    }
    let identity = SigningIdentity::from_pem_or_der(KEY_PEM, CERT_PEM, &[]).unwrap();
    assert_no_key_material(&format!("{identity:?} {identity:#?}"), KEY_PEM);
}

#[test]
fn damaged_keys_give_errors_without_key_material() {
    let text = String::from_utf8_lossy(RSA_KEY_PEM).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    // Flip one base64 character in the middle of the body, and truncate the body.
    let middle = lines.len() / 2;
    let mut flipped = lines.clone();
    let damaged_line: String = flipped[middle]
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 10 {
                if c == 'A' { 'B' } else { 'A' }
            } else {
                c
            }
        })
        .collect();
    flipped[middle] = &damaged_line;
    let truncated: Vec<&str> = lines[..middle]
        .iter()
        .copied()
        .chain(lines.last().copied())
        .collect();
    for damaged in [flipped.join("\n"), truncated.join("\n")] {
        if let Err(err) = PrivateKey::from_pem_or_der(damaged.as_bytes()) {
            let msg = format!("{err} {err:?}");
            assert_no_key_material(&msg, RSA_KEY_PEM);
        }
    }
    // A key that does not match the certificate.
    let err = SigningIdentity::from_pem_or_der(RSA_KEY_PEM, CERT_PEM, &[]).unwrap_err();
    assert_no_key_material(&format!("{err} {err:?}"), RSA_KEY_PEM);
}

fn pkcs12(dir: &Path, password: &str, legacy: bool) -> Vec<u8> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let out = dir.join(if legacy { "legacy.p12" } else { "modern.p12" });
    let pass = format!("pass:{password}");
    let mut cmd = Command::new("openssl");
    cmd.args(["pkcs12", "-export", "-inkey"])
        .arg(data.join("p256.key"))
        .arg("-in")
        .arg(data.join("p256.pem"))
        .args(["-passout", &pass, "-out"])
        .arg(&out);
    if legacy {
        cmd.args(["-legacy"]);
    }
    let status = cmd.output().unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(out).unwrap()
}

#[test]
fn pkcs12_passwords_stay_out_of_errors_and_debug() {
    let dir = tempfile::tempdir().unwrap();
    let right = "Corr3ct-Horse-Battery";
    let wrong = "Wr0ng-Staple-Guess";
    for legacy in [false, true] {
        let p12 = pkcs12(dir.path(), right, legacy);
        let identity = SigningIdentity::from_pkcs12(&p12, right).unwrap();
        let debug = format!("{identity:?}");
        assert!(!debug.contains(right), "{debug}");
        assert_no_key_material(&debug, KEY_PEM);

        let err = SigningIdentity::from_pkcs12(&p12, wrong).unwrap_err();
        assert_eq!(err.code(), "CMS009");
        let msg = format!("{err} {err:?}");
        assert!(!msg.contains(wrong) && !msg.contains(right), "{msg}");
    }
}
