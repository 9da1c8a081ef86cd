//! Decrypts arbitrary bytes as CMS EnvelopedData with the test RSA key: errors, never panics.
//! Input byte 0 = 0 switches to a round trip: the rest is encrypted to the test certificate
//! (AES-256-CBC or 3DES by byte 1) and must decrypt to the same bytes.
#![no_main]

use std::sync::OnceLock;

use enrollkit_cms::{
    ContentEncryption, PrivateKey, SystemRandom, decrypt, encrypt, parse_certificates,
};
use enrollkit_diagnostic::{Area, Coded};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        PrivateKey::from_pem_or_der(include_bytes!(
            "../../crates/enrollkit-cms/tests/data/rsa2048.key"
        ))
        .expect("test key")
    })
}

fn cert() -> &'static [u8] {
    static CERT: OnceLock<Vec<u8>> = OnceLock::new();
    CERT.get_or_init(|| {
        parse_certificates(include_bytes!(
            "../../crates/enrollkit-cms/tests/data/rsa2048.pem"
        ))
        .expect("test certificate")
        .remove(0)
    })
}

fuzz_target!(|data: &[u8]| {
    match data {
        [0, alg, content @ ..] => {
            let algorithm = if alg % 2 == 0 {
                ContentEncryption::Aes256Cbc
            } else {
                ContentEncryption::DesEde3Cbc
            };
            let sealed =
                encrypt(content, cert(), algorithm, &SystemRandom::new()).expect("encrypt");
            let opened = decrypt(&sealed, key()).expect("our own EnvelopedData must decrypt");
            assert_eq!(opened, content, "round trip changed the content");
        }
        _ => {
            if let Err(e) = decrypt(data, key()) {
                assert_eq!(e.code().area(), Area::Cms, "uncoded error {}", e.code());
            }
        }
    }
});
