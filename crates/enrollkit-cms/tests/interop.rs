//! Interop tests against the OpenSSL CLI and Python `cryptography` (real oracles).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use enrollkit_cms::*;

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    run(Command::new("openssl").current_dir(dir).args(args))
}

/// A profile-like XML plist of about 5 KB.
fn profile() -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>PayloadContent</key>\n\t<array>\n",
    );
    let mut i = 0;
    while s.len() < 5000 {
        s.push_str(&format!("\t\t<dict>\n\t\t\t<key>PayloadIdentifier</key>\n\t\t\t<string>com.example.payload.{i}</string>\n\t\t\t<key>PayloadType</key>\n\t\t\t<string>com.apple.wifi.managed</string>\n\t\t</dict>\n"));
        i += 1;
    }
    s.push_str("\t</array>\n\t<key>PayloadIdentifier</key>\n\t<string>com.example.profile</string>\n</dict>\n</plist>\n");
    s.into_bytes()
}

fn keygen_args(kind: &str) -> Vec<&'static str> {
    match kind {
        "p256" => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "p384" => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "rsa2048" => vec!["-newkey", "rsa:2048"],
        "rsa4096" => vec!["-newkey", "rsa:4096"],
        _ => panic!("kind"),
    }
}

/// Self-signed certificate + key (PEM) named `<name>.key` / `<name>.pem`.
fn self_signed(dir: &Path, name: &str, kind: &str) -> (PathBuf, PathBuf) {
    let key = format!("{name}.key");
    let cert = format!("{name}.pem");
    let mut args = vec!["req", "-x509", "-nodes", "-days", "30", "-subj"];
    let subj = format!("/CN={name}");
    args.push(&subj);
    args.extend(keygen_args(kind));
    args.extend(["-keyout", &key, "-out", &cert]);
    openssl(dir, &args);
    (dir.join(key), dir.join(cert))
}

struct Chain {
    root: PathBuf,
    inter: PathBuf,
    signer_key: PathBuf,
    signer: PathBuf,
}

fn chain(dir: &Path) -> Chain {
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
    self_signed(dir, "root", "p256");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-subj",
            "/CN=inter",
            "-keyout",
            "inter.key",
            "-out",
            "inter.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "inter.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ca.ext",
            "-out",
            "inter.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-subj",
            "/CN=signer",
            "-keyout",
            "signer.key",
            "-out",
            "signer.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "signer.csr",
            "-CA",
            "inter.pem",
            "-CAkey",
            "inter.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "leaf.ext",
            "-out",
            "signer.pem",
        ],
    );
    Chain {
        root: dir.join("root.pem"),
        inter: dir.join("inter.pem"),
        signer_key: dir.join("signer.key"),
        signer: dir.join("signer.pem"),
    }
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn anchors(pem: &Path) -> TrustAnchors {
    TrustAnchors::new(parse_certificates(&read(pem)).unwrap()).unwrap()
}

fn now() -> SystemTime {
    SystemTime::now()
}

fn openssl_verify(dir: &Path, signed: &[u8], ca: &Path, content: &[u8]) {
    std::fs::write(dir.join("signed.der"), signed).unwrap();
    openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "signed.der",
            "-CAfile",
            ca.to_str().unwrap(),
            "-purpose",
            "any",
            "-out",
            "verified.out",
        ],
    );
    assert_eq!(
        read(&dir.join("verified.out")),
        content,
        "openssl output differs from signed content"
    );
}

#[test]
fn our_signatures_pass_openssl_cms_verify() {
    let dir = tempfile::tempdir().unwrap();
    let content = profile();
    for kind in ["p256", "p384", "rsa2048", "rsa4096"] {
        let (key, cert) = self_signed(dir.path(), kind, kind);
        let id = SigningIdentity::from_pem_or_der(&read(&key), &read(&cert), &[]).unwrap();
        for digest in [
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            let signed = sign(
                &content,
                &id,
                SignOptions {
                    digest,
                    deterministic: false,
                },
                now(),
            )
            .unwrap();
            // Our output is strict DER: the der crate's DER decoder accepts it.
            use der::Decode;
            cms::content_info::ContentInfo::from_der(&signed).unwrap();
            openssl_verify(dir.path(), &signed, &cert, &content);
            let v = verify(&signed, &VerifyOptions::new(&anchors(&cert), now()));
            assert_eq!(v.verdict, Verdict::Verified, "{kind} {digest:?}");
            assert_eq!(v.content.as_deref(), Some(&content[..]));
        }
    }
}

#[test]
fn chain_root_intermediate_signer() {
    let dir = tempfile::tempdir().unwrap();
    let c = chain(dir.path());
    let content = profile();
    let id = SigningIdentity::from_pem_or_der(
        &read(&c.signer_key),
        &read(&c.signer),
        &[&read(&c.inter)],
    )
    .unwrap();
    let signed = sign(&content, &id, SignOptions::default(), now()).unwrap();
    openssl_verify(dir.path(), &signed, &c.root, &content);
    let v = verify(&signed, &VerifyOptions::new(&anchors(&c.root), now()));
    assert_eq!(v.verdict, Verdict::Verified);
    assert_eq!(v.signer_chain.len(), 3, "signer, intermediate, root");
    // Wrong anchor: intact but untrusted.
    let (_, other) = self_signed(dir.path(), "other", "p256");
    let v = verify(&signed, &VerifyOptions::new(&anchors(&other), now()));
    assert_eq!(v.verdict.label(), "NotVerified", "{:?}", v.verdict);
    assert_eq!(v.verdict.reason().unwrap().code, "CMS114");
    // No anchors at all.
    let v = verify(
        &signed,
        &VerifyOptions::new(&TrustAnchors::default(), now()),
    );
    assert_eq!(v.verdict.label(), "NotVerified");
    // Expired at a later time, not yet valid before.
    let later = now() + Duration::from_secs(400 * 86400);
    let v = verify(&signed, &VerifyOptions::new(&anchors(&c.root), later));
    assert_eq!(v.verdict.reason().unwrap().code, "CMS111");
    let earlier = now() - Duration::from_secs(2 * 86400);
    let v = verify(&signed, &VerifyOptions::new(&anchors(&c.root), earlier));
    assert_eq!(v.verdict.reason().unwrap().code, "CMS112");
    // Chain length bound: 2 is too short for signer -> intermediate -> root.
    let a = anchors(&c.root);
    let mut opts = VerifyOptions::new(&a, now());
    opts.max_chain_len = 2;
    assert_eq!(verify(&signed, &opts).verdict.label(), "NotVerified");
}

#[test]
fn we_verify_openssl_and_cryptography_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let content = profile();
    std::fs::write(d.join("p.xml"), &content).unwrap();
    for kind in ["p256", "rsa2048"] {
        let (key, cert) = self_signed(d, kind, kind);
        let (k, c) = (key.to_str().unwrap(), cert.to_str().unwrap());
        let a = anchors(&cert);
        let cases: Vec<(&str, Vec<&str>)> = vec![
            (
                "smime",
                vec![
                    "smime",
                    "-sign",
                    "-nodetach",
                    "-binary",
                    "-outform",
                    "DER",
                    "-in",
                    "p.xml",
                    "-signer",
                    c,
                    "-inkey",
                    k,
                    "-out",
                    "o.der",
                ],
            ),
            (
                "cms-stream",
                vec![
                    "cms",
                    "-sign",
                    "-stream",
                    "-nodetach",
                    "-binary",
                    "-outform",
                    "DER",
                    "-in",
                    "p.xml",
                    "-signer",
                    c,
                    "-inkey",
                    k,
                    "-out",
                    "o.der",
                ],
            ),
            (
                "cms-keyid",
                vec![
                    "cms",
                    "-sign",
                    "-keyid",
                    "-nodetach",
                    "-binary",
                    "-outform",
                    "DER",
                    "-in",
                    "p.xml",
                    "-signer",
                    c,
                    "-inkey",
                    k,
                    "-out",
                    "o.der",
                ],
            ),
            (
                "cms",
                vec![
                    "cms",
                    "-sign",
                    "-nodetach",
                    "-binary",
                    "-outform",
                    "DER",
                    "-in",
                    "p.xml",
                    "-signer",
                    c,
                    "-inkey",
                    k,
                    "-out",
                    "o.der",
                ],
            ),
        ];
        for (name, args) in cases {
            openssl(d, &args);
            let signed = read(&d.join("o.der"));
            if name == "cms-stream" {
                assert_eq!(
                    &signed[..2],
                    &[0x30, 0x80],
                    "expected BER indefinite length"
                );
            }
            let v = verify(&signed, &VerifyOptions::new(&a, now()));
            assert_eq!(v.verdict, Verdict::Verified, "{kind} {name}");
            assert_eq!(v.content.unwrap(), content);
            assert_eq!(extract_signed_content(&signed).unwrap(), content);
            if name == "cms-keyid" {
                // The signer is named by subjectKeyIdentifier ([0] IMPLICIT, 20 bytes here):
                // another key identifier names no certificate in the message.
                let ext = signed
                    .windows(4)
                    .position(|w| w == [0x04, 0x16, 0x04, 0x14])
                    .expect("certificate subjectKeyIdentifier extension");
                let mut sid = vec![0x80, 0x14];
                sid.extend_from_slice(&signed[ext + 4..ext + 24]);
                // The last occurrence: the certificate's authorityKeyIdentifier carries the
                // same `80 14 <id>` (self-signed), the SignerInfo comes after the certificates.
                let at = signed
                    .windows(sid.len())
                    .rposition(|w| w == sid)
                    .expect("subjectKeyIdentifier signer");
                let mut other = signed.clone();
                other[at + 2] ^= 0x01;
                let v = verify(&other, &VerifyOptions::new(&a, now()));
                assert_eq!(
                    v.verdict.reason().map(|r| r.code.as_str()),
                    Some("CMS110"),
                    "{kind}"
                );
            }
        }
        let py = format!(
            "import sys\nfrom cryptography import x509\nfrom cryptography.hazmat.primitives import hashes, serialization\nfrom cryptography.hazmat.primitives.serialization import pkcs7\n\
cert = x509.load_pem_x509_certificate(open({c:?},'rb').read())\nkey = serialization.load_pem_private_key(open({k:?},'rb').read(), None)\n\
data = open('p.xml','rb').read()\nout = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256()).sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])\n\
open('py.der','wb').write(out)\n"
        );
        run(Command::new("python3").current_dir(d).args(["-c", &py]));
        let v = verify(&read(&d.join("py.der")), &VerifyOptions::new(&a, now()));
        assert_eq!(v.verdict, Verdict::Verified, "{kind} python cryptography");
    }
}

#[test]
fn tamper_sweep_is_never_verified() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let content = profile();
    let (key, cert) = self_signed(d, "p256", "p256");
    let id = SigningIdentity::from_pem_or_der(&read(&key), &read(&cert), &[]).unwrap();
    let a = anchors(&cert);
    let signed = sign(&content, &id, SignOptions::default(), now()).unwrap();
    std::fs::write(d.join("p.xml"), &content).unwrap();
    let (k, c) = (key.to_str().unwrap(), cert.to_str().unwrap());
    openssl(
        d,
        &[
            "cms",
            "-sign",
            "-stream",
            "-nodetach",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "p.xml",
            "-signer",
            c,
            "-inkey",
            k,
            "-out",
            "ber.der",
        ],
    );
    let ber = read(&d.join("ber.der"));
    // RSA: our DER, and OpenSSL's S/MIME DER (more signed attributes, in OpenSSL's order).
    let (rsa_key, rsa_cert) = self_signed(d, "rsa2048", "rsa2048");
    let rsa_id = SigningIdentity::from_pem_or_der(&read(&rsa_key), &read(&rsa_cert), &[]).unwrap();
    let rsa_anchors = anchors(&rsa_cert);
    let rsa_ours = sign(&content, &rsa_id, SignOptions::default(), now()).unwrap();
    let (rk, rc) = (rsa_key.to_str().unwrap(), rsa_cert.to_str().unwrap());
    openssl(
        d,
        &[
            "smime",
            "-sign",
            "-nodetach",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "p.xml",
            "-signer",
            rc,
            "-inkey",
            rk,
            "-out",
            "smime.der",
        ],
    );
    let rsa_smime = read(&d.join("smime.der"));
    // A throwaway root -> leaf chain: the Verifier's certificate-signature cache is in play.
    let t = generate_throwaway_identity(
        "sweep",
        "",
        now() - Duration::from_secs(60),
        Duration::from_secs(86_400),
        KeyAlgorithm::EcP256,
    )
    .unwrap();
    let chained = sign(&content, &t.identity, SignOptions::default(), now()).unwrap();
    let chain_anchors = TrustAnchors::new(vec![t.root_certificate.clone()]).unwrap();
    for (name, msg, a) in [
        ("ours", signed, &a),
        ("openssl-ber", ber, &a),
        ("ours-chain", chained, &chain_anchors),
        ("ours-rsa", rsa_ours, &rsa_anchors),
        ("openssl-smime-rsa", rsa_smime, &rsa_anchors),
    ] {
        let at = now();
        let opts = VerifyOptions::new(a, at);
        assert_eq!(verify(&msg, &opts).verdict, Verdict::Verified);
        // One Verifier for the whole sweep, its caches warmed by the genuine message: a cached
        // key or certificate must never let a modified message through.
        let verifier = Verifier::new(a.clone());
        assert_eq!(verifier.verify(&msg, now()).verdict, Verdict::Verified);
        // Every position in the non-content regions (headers, certificates, signer info) and
        // every 7th byte of the content; two different flips per position.
        let content_start = msg.windows(64).position(|w| w == &content[..64]).unwrap();
        let content_end = content_start + content.len();
        let mut checked = 0;
        for pos in 0..msg.len() {
            let in_content = (content_start..content_end).contains(&pos);
            if in_content && pos % 7 != 0 {
                continue;
            }
            for flip in [0x01u8, 0x80] {
                let mut t = msg.clone();
                t[pos] ^= flip;
                let v = verify(&t, &opts);
                assert_ne!(
                    v.verdict,
                    Verdict::Verified,
                    "{name}: flip {flip:#x} at {pos} (of {}) still Verified",
                    msg.len()
                );
                assert_eq!(
                    verifier.verify(&t, at).verdict,
                    v.verdict,
                    "{name}: Verifier and verify disagree at {pos}"
                );
                checked += 1;
            }
        }
        assert!(checked > 2 * (msg.len() - content.len()));
        assert_eq!(verifier.verify(&msg, at).verdict, Verdict::Verified);
    }
}

#[test]
fn deterministic_mode_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let content = profile();
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    for kind in ["p256", "rsa2048"] {
        let (key, cert) = self_signed(dir.path(), kind, kind);
        let id = SigningIdentity::from_pem_or_der(&read(&key), &read(&cert), &[]).unwrap();
        let opts = SignOptions {
            digest: DigestAlgorithm::Sha256,
            deterministic: true,
        };
        let a = sign(&content, &id, opts, t).unwrap();
        let b = sign(&content, &id, opts, t).unwrap();
        assert_eq!(a, b, "{kind}");
        openssl_verify(dir.path(), &a, &cert, &content);
        // The signing time is the one we gave (2027-01-15 08:00:00 UTC).
        std::fs::write(dir.path().join("d.der"), &a).unwrap();
        let out = openssl(
            dir.path(),
            &["cms", "-cmsout", "-print", "-inform", "DER", "-in", "d.der"],
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Jan 15 08:00:00 2027 GMT"));
    }
}

#[test]
fn pkcs12_modern_and_legacy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = chain(d);
    let content = profile();
    for legacy in [false, true] {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            "signer.key",
            "-in",
            "signer.pem",
            "-certfile",
            "inter.pem",
            "-passout",
            "pass:s3cret",
            "-out",
            "id.p12",
        ];
        if legacy {
            args.push("-legacy");
        }
        openssl(d, &args);
        let p12 = read(&d.join("id.p12"));
        assert!(matches!(
            SigningIdentity::from_pkcs12(&p12, "wrong"),
            Err(CmsError::Pkcs12(_))
        ));
        let id = SigningIdentity::from_pkcs12(&p12, "s3cret").unwrap();
        assert_eq!(
            id.certificate_chain().len(),
            2,
            "signer + intermediate from the file"
        );
        let signed = sign(&content, &id, SignOptions::default(), now()).unwrap();
        openssl_verify(d, &signed, &c.root, &content);
        assert_eq!(
            verify(&signed, &VerifyOptions::new(&anchors(&c.root), now())).verdict,
            Verdict::Verified,
            "legacy={legacy}"
        );
    }
    let _ = c.inter;
}

#[test]
fn key_formats_pkcs1_sec1_der() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (rk, rc) = self_signed(d, "rsa", "rsa2048");
    let (ek, ec) = self_signed(d, "ec", "p256");
    openssl(
        d,
        &[
            "rsa",
            "-in",
            rk.to_str().unwrap(),
            "-traditional",
            "-out",
            "rsa1.pem",
        ],
    );
    openssl(
        d,
        &[
            "rsa",
            "-in",
            rk.to_str().unwrap(),
            "-traditional",
            "-outform",
            "DER",
            "-out",
            "rsa1.der",
        ],
    );
    openssl(d, &["ec", "-in", ek.to_str().unwrap(), "-out", "sec1.pem"]);
    openssl(
        d,
        &[
            "ec",
            "-in",
            ek.to_str().unwrap(),
            "-outform",
            "DER",
            "-out",
            "sec1.der",
        ],
    );
    openssl(
        d,
        &[
            "pkey",
            "-in",
            ek.to_str().unwrap(),
            "-outform",
            "DER",
            "-out",
            "ec8.der",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-in",
            ec.to_str().unwrap(),
            "-outform",
            "DER",
            "-out",
            "ec.cer",
        ],
    );
    for (k, c) in [
        ("rsa1.pem", &rc),
        ("rsa1.der", &rc),
        ("sec1.pem", &ec),
        ("sec1.der", &ec),
        ("ec8.der", &d.join("ec.cer")),
    ] {
        let id = SigningIdentity::from_pem_or_der(&read(&d.join(k)), &read(c), &[])
            .unwrap_or_else(|e| panic!("{k}: {e}"));
        let signed = sign(b"<?xml?><plist/>", &id, SignOptions::default(), now()).unwrap();
        assert_eq!(
            verify(&signed, &VerifyOptions::new(&anchors(&rc), now()))
                .verdict
                .label()
                == "Verified",
            c == &rc
        );
    }
    // A key that does not match the certificate.
    assert_eq!(
        SigningIdentity::from_pem_or_der(&read(&rk), &read(&ec), &[]).unwrap_err(),
        CmsError::KeyCertMismatch
    );
}

/// Algorithm parameters sit outside the signed bytes (the SignerInfo's signatureAlgorithm and a
/// certificate's outer signatureAlgorithm): turning RSA's NULL into another type must not stay
/// Verified.
#[test]
fn rsa_algorithm_parameters_outside_the_signature_are_pinned() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (key, cert) = (
        read(&data.join("rsa2048.key")),
        read(&data.join("rsa2048.pem")),
    );
    let id = SigningIdentity::from_pem_or_der(&key, &cert, &[]).unwrap();
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let signed = sign(&profile(), &id, SignOptions::default(), t).unwrap();
    let anchors = TrustAnchors::new(parse_certificates(&cert).unwrap()).unwrap();
    let opts = VerifyOptions::new(&anchors, t);
    assert_eq!(verify(&signed, &opts).verdict, Verdict::Verified);
    // sha256WithRSAEncryption followed by NULL: in the certificate (signed, then outer) and in
    // the SignerInfo, in that order.
    let alg = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
    ];
    let at: Vec<usize> = signed
        .windows(alg.len())
        .enumerate()
        .filter(|(_, w)| *w == alg)
        .map(|(i, _)| i + alg.len() - 2)
        .collect();
    assert_eq!(at.len(), 3, "{at:?}");
    let with_octet_string = |pos: usize| {
        let mut m = signed.clone();
        m[pos] = 0x04; // NULL (05 00) becomes an empty OCTET STRING (04 00)
        verify(&m, &opts)
    };
    let v = with_octet_string(at[2]);
    assert_eq!(v.verdict.label(), "Invalid", "{:?}", v.verdict);
    assert_eq!(v.verdict.reason().unwrap().code, "CMS106");
    // The changed certificate is no longer the anchor, and an outer algorithm that differs from
    // the signed one does not chain (RFC 5280 §4.1.1.2).
    let v = with_octet_string(at[1]);
    assert_ne!(v.verdict, Verdict::Verified);
    assert_eq!(v.verdict.reason().unwrap().code, "CMS114");
}

#[test]
fn unsigned_and_garbage_inputs() {
    let a = TrustAnchors::default();
    let opts = VerifyOptions::new(&a, now());
    assert_eq!(verify(&profile(), &opts).verdict, Verdict::Unsigned);
    assert_eq!(verify(b"bplist00\x00", &opts).verdict, Verdict::Unsigned);
    assert_eq!(
        verify(b"\x30\x80\x00\x00", &opts).verdict.label(),
        "Invalid"
    );
    assert_eq!(verify(b"", &opts).verdict.label(), "Invalid");
}

#[test]
fn enveloped_data_interop_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let content = profile();
    std::fs::write(d.join("p.xml"), &content).unwrap();
    let (key, cert) = self_signed(d, "rcpt", "rsa2048");
    let cert_der = parse_certificates(&read(&cert)).unwrap().remove(0);
    let pk = PrivateKey::from_pem_or_der(&read(&key)).unwrap();
    let rng = aws_lc_rs::rand::SystemRandom::new();
    for (alg, cipher) in [
        (ContentEncryption::Aes256Cbc, "-aes-256-cbc"),
        (ContentEncryption::DesEde3Cbc, "-des3"),
    ] {
        // Ours -> openssl cms -decrypt.
        let env = encrypt(&content, &cert_der, alg, &rng).unwrap();
        std::fs::write(d.join("env.der"), &env).unwrap();
        openssl(
            d,
            &[
                "cms",
                "-decrypt",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "env.der",
                "-inkey",
                key.to_str().unwrap(),
                "-out",
                "dec.xml",
            ],
        );
        assert_eq!(read(&d.join("dec.xml")), content, "{alg:?}");
        assert_eq!(decrypt(&env, &pk).unwrap(), content);
        // openssl cms -encrypt -> ours (DER and streamed BER).
        for extra in [&[][..], &["-stream"][..]] {
            let mut args = vec![
                "cms", "-encrypt", "-binary", "-outform", "DER", "-in", "p.xml", "-out",
                "oenc.der", cipher,
            ];
            args.extend_from_slice(extra);
            args.push(cert.to_str().unwrap());
            openssl(d, &args);
            assert_eq!(
                decrypt(&read(&d.join("oenc.der")), &pk).unwrap(),
                content,
                "{cipher} {extra:?}"
            );
        }
    }
    // The wrong key fails cleanly.
    let (other_key, _) = self_signed(d, "other", "rsa2048");
    let other = PrivateKey::from_pem_or_der(&read(&other_key)).unwrap();
    let env = encrypt(&content, &cert_der, ContentEncryption::default(), &rng).unwrap();
    assert!(matches!(
        decrypt(&env, &other),
        Err(CmsError::Decryption(_))
    ));
}

struct TestExternal {
    key: PrivateKey,
    chain: Vec<Vec<u8>>,
    inner: CmsSigner,
}

impl ExternalSigner for TestExternal {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.chain.clone()
    }
    fn sign(
        &self,
        message: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, ExternalSignerError> {
        assert_eq!(algorithm, SignatureAlgorithm::EcdsaSha256);
        let _ = (&self.key, &self.inner);
        // Sign through the openssl CLI, as an HSM/KMS would outside our process.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("m"), &message).unwrap();
        std::fs::write(
            dir.path().join("k.pem"),
            KEY_PEM.with(|k| k.borrow().clone()),
        )
        .unwrap();
        let out = run(Command::new("openssl")
            .current_dir(dir.path())
            .args(["dgst", "-sha256", "-sign", "k.pem", "m"]));
        Ok(out.stdout)
    }
}

thread_local! {
    static KEY_PEM: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[test]
fn external_signer_produces_verifiable_cms() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = self_signed(dir.path(), "ext", "p256");
    KEY_PEM.with(|k| *k.borrow_mut() = read(&key));
    let chain = parse_certificates(&read(&cert)).unwrap();
    let local = SigningIdentity::from_pem_or_der(&read(&key), &read(&cert), &[]).unwrap();
    let ext = TestExternal {
        key: PrivateKey::from_pem_or_der(&read(&key)).unwrap(),
        chain: chain.clone(),
        inner: CmsSigner::new(local, SignOptions::default()).unwrap(),
    };
    let id = SigningIdentity::external(std::sync::Arc::new(ext)).unwrap();
    let content = profile();
    let signed = sign(&content, &id, SignOptions::default(), now()).unwrap();
    openssl_verify(dir.path(), &signed, &cert, &content);
    assert_eq!(
        verify(&signed, &VerifyOptions::new(&anchors(&cert), now())).verdict,
        Verdict::Verified
    );
}

#[test]
fn throwaway_identity_passes_openssl_verify_and_cms_verify() {
    let content = profile();
    for alg in [KeyAlgorithm::EcP256, KeyAlgorithm::Rsa { bits: 2048 }] {
        let dir = tempfile::tempdir().unwrap();
        let not_before = now() - Duration::from_secs(3600);
        let t = generate_throwaway_identity(
            "enrollkit demo signer",
            "enrollkit",
            not_before,
            Duration::from_secs(86_400),
            alg,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("root.pem"),
            t.root_certificate_pem().unwrap(),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("leaf.pem"),
            certificate_pem(t.leaf_certificate()).unwrap(),
        )
        .unwrap();
        // The chain itself, with OpenSSL's S/MIME signing purpose checks (CA flags, key usage).
        let out = openssl(
            dir.path(),
            &[
                "verify",
                "-purpose",
                "smimesign",
                "-CAfile",
                "root.pem",
                "leaf.pem",
            ],
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "leaf.pem: OK");
        // A profile signed with it: `openssl cms -verify` with the default (S/MIME) purpose.
        let signed = sign(&content, &t.identity, SignOptions::default(), now()).unwrap();
        std::fs::write(dir.path().join("signed.der"), &signed).unwrap();
        openssl(
            dir.path(),
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "signed.der",
                "-CAfile",
                "root.pem",
                "-out",
                "verified.out",
            ],
        );
        assert_eq!(read(&dir.path().join("verified.out")), content, "{alg:?}");
        // Our verifier, with the root as the only anchor.
        let anchors = TrustAnchors::new(vec![t.root_certificate.clone()]).unwrap();
        let v = verify(&signed, &VerifyOptions::new(&anchors, now()));
        assert_eq!(v.verdict, Verdict::Verified, "{alg:?}");
        assert_eq!(v.signer_chain.len(), 2);
        // And OpenSSL refuses it against an unrelated root.
        let other =
            generate_throwaway_identity("x", "", not_before, Duration::from_secs(86_400), alg)
                .unwrap();
        std::fs::write(
            dir.path().join("other.pem"),
            other.root_certificate_pem().unwrap(),
        )
        .unwrap();
        let refused = Command::new("openssl")
            .current_dir(dir.path())
            .args(["verify", "-CAfile", "other.pem", "leaf.pem"])
            .output()
            .unwrap();
        assert!(!refused.status.success());
    }
}

/// Detached signatures (the `Mdm-Signature` shape) both ways: openssl's verify with ours, ours
/// verify with openssl's, and one flipped content byte is never verified.
#[test]
fn detached_signatures_interoperate_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = chain(d);
    let body = profile();
    std::fs::write(d.join("body.plist"), &body).unwrap();
    let ca = anchors(&c.root);
    let options = VerifyOptions::new(&ca, now());

    // openssl -> enrollkit (RSA-2048 signer under an intermediate).
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
            c.signer.to_str().unwrap(),
            "-inkey",
            c.signer_key.to_str().unwrap(),
            "-certfile",
            c.inter.to_str().unwrap(),
            "-out",
            "detached.der",
        ],
    );
    let sig = read(&d.join("detached.der"));
    let v = verify_detached(&sig, &body, &options);
    assert_eq!(v.verdict, Verdict::Verified, "{:?}", v.verdict);
    let mut tampered = body.clone();
    tampered[body.len() / 2] ^= 1;
    let v = verify_detached(&sig, &tampered, &options);
    assert_eq!(v.verdict.label(), "Invalid");
    assert_eq!(v.verdict.reason().unwrap().code, "CMS108");
    // Without the content it is a detached signature, not a signed profile.
    assert_eq!(
        verify(&sig, &options).verdict.reason().unwrap().code,
        "CMS004"
    );

    // enrollkit -> openssl.
    let identity = SigningIdentity::from_pem_or_der(
        &read(&c.signer_key),
        &read(&c.signer),
        &[&read(&c.inter)],
    )
    .unwrap();
    let ours = CmsSigner::new(identity, SignOptions::default())
        .unwrap()
        .sign_detached(&body, now())
        .unwrap();
    std::fs::write(d.join("ours.der"), &ours).unwrap();
    openssl(
        d,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "ours.der",
            "-content",
            "body.plist",
            "-CAfile",
            c.root.to_str().unwrap(),
            "-purpose",
            "any",
            "-out",
            "verified.out",
        ],
    );
    assert_eq!(read(&d.join("verified.out")), body);
}
