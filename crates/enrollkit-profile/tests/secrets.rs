//! SCEP challenges, PKCS#12 and login passwords never appear in Debug output or error
//! messages, whether the profile was built or read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_profile::{ReadOptions, Secret, read_profile};

const CHALLENGE: &str = "ScepChallenge-7f3a91";
const P12_PASSWORD: &str = "P12-Passw0rd-42";

fn profile_xml(challenge: &str, password: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>PayloadType</key><string>Configuration</string>
<key>PayloadIdentifier</key><string>com.example.secrets</string>
<key>PayloadUUID</key><string>0E1D2C3B-4A59-4687-9A8B-7C6D5E4F3A2B</string>
<key>PayloadVersion</key><integer>1</integer>
<key>PayloadContent</key><array>
<dict>
<key>PayloadType</key><string>com.apple.security.scep</string>
<key>PayloadIdentifier</key><string>com.example.secrets.scep</string>
<key>PayloadUUID</key><string>1F2E3D4C-5B6A-4798-8B9C-0D1E2F3A4B5C</string>
<key>PayloadVersion</key><integer>1</integer>
<key>PayloadContent</key><dict>
<key>URL</key><string>https://mdm.example.com/scep</string>
<key>Challenge</key><string>{challenge}</string>
</dict>
</dict>
<dict>
<key>PayloadType</key><string>com.apple.security.pkcs12</string>
<key>PayloadIdentifier</key><string>com.example.secrets.p12</string>
<key>PayloadUUID</key><string>2A3B4C5D-6E7F-4081-9293-A4B5C6D7E8F9</string>
<key>PayloadVersion</key><integer>1</integer>
<key>Password</key><string>{password}</string>
<key>PayloadContent</key><data>AAECAw==</data>
</dict>
</array>
</dict></plist>"#
    )
}

#[test]
fn secrets_read_from_a_profile_stay_out_of_debug() {
    let xml = profile_xml(CHALLENGE, P12_PASSWORD);
    let loaded = read_profile(xml.as_bytes(), &ReadOptions::default()).unwrap();
    let payloads = loaded.profile.payload_content.as_ref().unwrap();
    let debug = format!("{loaded:?} {:#?} {payloads:?}", loaded.profile);
    for secret in [CHALLENGE, P12_PASSWORD] {
        assert!(!debug.contains(secret), "`{secret}` in Debug output");
    }
    // The values are really there: written back out, they survive (lossless model).
    let written = String::from_utf8(loaded.profile.to_xml().unwrap()).unwrap();
    assert!(written.contains(CHALLENGE) && written.contains(P12_PASSWORD));
}

#[test]
fn malformed_secret_values_are_not_echoed_in_errors() {
    // Hand-written profiles often carry an unescaped `&` or `<` inside a password.
    for (challenge, password) in [
        ("Scep&Challenge7f3a91", P12_PASSWORD),
        (CHALLENGE, "P12&Passw0rd42"),
        (CHALLENGE, "P12<Passw0rd42"),
    ] {
        let xml = profile_xml(challenge, password);
        let err = read_profile(xml.as_bytes(), &ReadOptions::default()).unwrap_err();
        let msg = format!("{err} {err:?}");
        for secret in [challenge, password] {
            // Any 6-character piece of the secret after the bad character would be a leak.
            let tail = secret.split(['&', '<']).next_back().unwrap();
            assert!(!msg.contains(tail), "`{tail}` echoed in: {msg}");
        }
    }
}

#[test]
fn secret_string_is_redacted() {
    let s = Secret::new(CHALLENGE);
    assert!(!format!("{s:?} {s:#?} {:?}", Some(s.clone())).contains(CHALLENGE));
    assert_eq!(s.expose(), CHALLENGE);
}
