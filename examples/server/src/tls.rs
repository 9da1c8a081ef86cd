//! TLS for enrollment endpoints, configured to Apple's current requirements: TLS 1.2 or 1.3,
//! ECDHE key exchange with AES-GCM only, the extended master secret required on TLS 1.2, and
//! a certificate chain signed with SHA-256 or stronger.

use std::sync::Arc;

use rustls::crypto::aws_lc_rs as provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::TlsFiles;

/// Signature algorithms of a certificate that Apple accepts (SHA-256 and up).
const STRONG_SIGNATURES: &[&str] = &[
    "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
    "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
    "1.2.840.113549.1.1.13", // sha512WithRSAEncryption
    "1.2.840.113549.1.1.10", // RSASSA-PSS (its hash is checked by the client)
    "1.2.840.10045.4.3.2",   // ecdsa-with-SHA256
    "1.2.840.10045.4.3.3",   // ecdsa-with-SHA384
    "1.2.840.10045.4.3.4",   // ecdsa-with-SHA512
];

/// The cipher suites offered: AES-GCM over ECDHE (TLS 1.2) and the TLS 1.3 AES-GCM suites.
pub fn cipher_suites() -> Vec<rustls::SupportedCipherSuite> {
    vec![
        provider::cipher_suite::TLS13_AES_256_GCM_SHA384,
        provider::cipher_suite::TLS13_AES_128_GCM_SHA256,
        provider::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        provider::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        provider::cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        provider::cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ]
}

/// The rustls server configuration for `files`; refuses a chain signed with SHA-1 or weaker.
pub fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, String> {
    let read = |p: &std::path::Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&read(&files.certificate)?)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", files.certificate.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", files.certificate.display()));
    }
    for cert in &chain {
        let alg =
            enrollkit::cms::certificate_signature_algorithm(cert.as_ref()).unwrap_or_default();
        if !STRONG_SIGNATURES.contains(&alg.as_str()) {
            return Err(format!(
                "{}: a certificate is signed with {alg}; Apple requires SHA-256 or stronger",
                files.certificate.display()
            ));
        }
    }
    let key = PrivateKeyDer::from_pem_slice(&read(&files.key)?)
        .map_err(|e| format!("{}: {e}", files.key.display()))?;
    let provider = rustls::crypto::CryptoProvider {
        cipher_suites: cipher_suites(),
        ..provider::default_provider()
    };
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("{}: {e}", files.key.display()))?;
    config.require_ems = true;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
