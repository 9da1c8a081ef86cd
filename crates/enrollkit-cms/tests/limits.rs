//! CMS limits (docs/limits.md): certificate chain length, BER nesting depth and input size.
//! Each hostile input gives a clean verdict or error with its code, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_cms::Coded;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use enrollkit_cms::{
    CmsSigner, MAX_INPUT_BYTES, SignOptions, SigningIdentity, TrustAnchors, Verdict, VerifyOptions,
    extract_signed_content, parse_certificates, verify,
};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// root -> ca1 -> ... -> ca{intermediates} -> signer, all P-256, made by openssl.
fn long_chain(dir: &Path, intermediates: usize) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
    let mut args = vec!["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=root"];
    args.extend(ec);
    args.extend(["-keyout", "c0.key", "-out", "c0.pem"]);
    openssl(dir, &args);
    for i in 1..=intermediates + 1 {
        let (key, csr, pem) = (
            format!("c{i}.key"),
            format!("c{i}.csr"),
            format!("c{i}.pem"),
        );
        let (ca, ca_key) = (format!("c{}.pem", i - 1), format!("c{}.key", i - 1));
        let subj = format!("/CN=level {i}");
        let mut args = vec!["req", "-new", "-nodes", "-subj", &subj];
        args.extend(ec);
        args.extend(["-keyout", &key, "-out", &csr]);
        openssl(dir, &args);
        let ext = if i == intermediates + 1 {
            "leaf.ext"
        } else {
            "ca.ext"
        };
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &ca,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-days",
                "30",
                "-extfile",
                ext,
                "-out",
                &pem,
            ],
        );
    }
}

#[test]
fn chain_length_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let intermediates = 9;
    long_chain(dir.path(), intermediates);
    let read = |name: String| std::fs::read(dir.path().join(name)).unwrap();
    let chain: Vec<Vec<u8>> = (1..=intermediates)
        .rev()
        .map(|i| read(format!("c{i}.pem")))
        .collect();
    let chain_refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let leaf = intermediates + 1;
    let identity = SigningIdentity::from_pem_or_der(
        &read(format!("c{leaf}.key")),
        &read(format!("c{leaf}.pem")),
        &chain_refs,
    )
    .unwrap();
    let now = SystemTime::now();
    let signed = CmsSigner::new(identity, SignOptions::default())
        .unwrap()
        .sign(b"<plist><dict/></plist>", now)
        .unwrap();
    let anchors = TrustAnchors::new(parse_certificates(&read("c0.pem".into())).unwrap()).unwrap();

    // signer + 9 intermediates + root = 11 certificates, over the default bound of 8.
    let options = VerifyOptions::new(&anchors, now);
    assert_eq!(options.max_chain_len, 8);
    let result = verify(&signed, &options);
    assert_eq!(
        result.verdict.label(),
        "NotVerified",
        "{:?}",
        result.verdict
    );
    assert_eq!(result.verdict.reason().unwrap().code, "CMS114");

    // The same message with room for the whole chain verifies: the bound is what refused it.
    let roomy = VerifyOptions {
        max_chain_len: 11,
        ..VerifyOptions::new(&anchors, now)
    };
    assert_eq!(verify(&signed, &roomy).verdict, Verdict::Verified);
    let tight = VerifyOptions {
        max_chain_len: 10,
        ..VerifyOptions::new(&anchors, now)
    };
    assert_eq!(verify(&signed, &tight).verdict.label(), "NotVerified");
}

/// `ContentInfo { signedData, [0] <depth nested indefinite-length SEQUENCEs> }` in BER.
fn deep_ber(depth: usize, tag: u8) -> Vec<u8> {
    let mut out = vec![0x30, 0x80, 0x06, 0x09];
    out.extend_from_slice(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]);
    out.extend_from_slice(&[0xA0, 0x80]);
    for _ in 0..depth {
        out.extend_from_slice(&[tag, 0x80]);
    }
    out.extend(std::iter::repeat_n(0u8, 2 * depth + 4));
    out
}

#[test]
fn ber_nesting_depth_is_bounded() {
    let time = SystemTime::UNIX_EPOCH;
    let anchors = TrustAnchors::default();
    // SEQUENCEs and constructed OCTET STRINGs (the BER eContent segments), 10,000 deep.
    for tag in [0x30, 0x24] {
        let hostile = deep_ber(10_000, tag);
        let result = verify(&hostile, &VerifyOptions::new(&anchors, time));
        assert_eq!(result.verdict.label(), "Invalid", "{:?}", result.verdict);
        assert_eq!(result.verdict.reason().unwrap().code, "CMS001");
        let err = extract_signed_content(&hostile).unwrap_err();
        assert_eq!(err.code(), "CMS001", "{err}");
    }
}

#[test]
fn input_size_is_bounded() {
    let mut huge = deep_ber(1, 0x30);
    huge.resize(MAX_INPUT_BYTES + 1, 0);
    let err = extract_signed_content(&huge).unwrap_err();
    assert_eq!(err.code(), "CMS002", "{err}");
    let result = verify(
        &huge,
        &VerifyOptions::new(&TrustAnchors::default(), SystemTime::UNIX_EPOCH),
    );
    assert_eq!(result.verdict.label(), "Invalid");
    assert_eq!(result.verdict.reason().unwrap().code, "CMS002");
}

/// With the recipient's certificate, only recipients addressed to it are tried: a message for
/// another certificate is refused without an RSA operation, one for this certificate opens.
#[test]
fn recipients_are_matched_to_the_certificate() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let rsa_cert =
        enrollkit_cms::parse_certificates(&std::fs::read(data.join("rsa2048.pem")).unwrap())
            .unwrap()
            .remove(0);
    let other_cert =
        enrollkit_cms::parse_certificates(&std::fs::read(data.join("p256.pem")).unwrap())
            .unwrap()
            .remove(0);
    let key = enrollkit_cms::PrivateKey::from_pem_or_der(
        &std::fs::read(data.join("rsa2048.key")).unwrap(),
    )
    .unwrap();
    let sealed = enrollkit_cms::encrypt(
        b"<plist/>",
        &rsa_cert,
        enrollkit_cms::ContentEncryption::Aes256Cbc,
        &enrollkit_cms::SystemRandom::new(),
    )
    .unwrap();
    assert_eq!(
        enrollkit_cms::decrypt_for(&sealed, &key, &rsa_cert).unwrap(),
        b"<plist/>"
    );
    let err = enrollkit_cms::decrypt_for(&sealed, &key, &other_cert).unwrap_err();
    assert_eq!(err.code(), "CMS014");
    assert!(
        err.to_string().contains("addressed to this certificate"),
        "{err}"
    );
}
