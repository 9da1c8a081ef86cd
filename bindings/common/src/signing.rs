//! Signing: identities, sign, verify with a verdict, encrypt and decrypt.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use enrollkit::cms;
pub use enrollkit::cms::{ExternalSigner, ExternalSignerError, SignatureAlgorithm};
use enrollkit::signing::VerdictKind as CoreVerdict;

use crate::error::{BindingError, parse_word};

/// Converts seconds since the Unix epoch to a `SystemTime`; `None` means now.
pub fn time_from_unix(seconds: Option<i64>) -> Result<SystemTime, BindingError> {
    let Some(s) = seconds else {
        return Ok(SystemTime::now());
    };
    let t = if s >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(s.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(s.unsigned_abs()))
    };
    t.ok_or_else(|| {
        BindingError::invalid_argument(
            format!("time {s} is out of range"),
            "Pass seconds since 1970-01-01T00:00:00Z",
        )
    })
}

/// Digest algorithm for signing: `sha256` (default), `sha384` or `sha512`.
pub fn parse_digest(word: &str) -> Result<cms::DigestAlgorithm, BindingError> {
    parse_word(
        "digest",
        word,
        &[
            ("sha256", cms::DigestAlgorithm::Sha256),
            ("sha384", cms::DigestAlgorithm::Sha384),
            ("sha512", cms::DigestAlgorithm::Sha512),
        ],
    )
}

/// Content encryption: `aes256-cbc` (default) or `des-ede3-cbc`.
pub fn parse_content_encryption(word: &str) -> Result<cms::ContentEncryption, BindingError> {
    parse_word(
        "content encryption",
        word,
        &[
            ("aes256-cbc", cms::ContentEncryption::Aes256Cbc),
            ("des-ede3-cbc", cms::ContentEncryption::DesEde3Cbc),
        ],
    )
}

/// The stable word for a signature algorithm handed to an external signer.
pub fn signature_algorithm_name(alg: SignatureAlgorithm) -> &'static str {
    match alg {
        SignatureAlgorithm::RsaPkcs1Sha256 => "rsa-pkcs1-sha256",
        SignatureAlgorithm::RsaPkcs1Sha384 => "rsa-pkcs1-sha384",
        SignatureAlgorithm::RsaPkcs1Sha512 => "rsa-pkcs1-sha512",
        SignatureAlgorithm::EcdsaSha256 => "ecdsa-sha256",
        SignatureAlgorithm::EcdsaSha384 => "ecdsa-sha384",
        SignatureAlgorithm::EcdsaSha512 => "ecdsa-sha512",
    }
}

/// A signing identity from a private key and certificates (each PEM or DER; `chain` may hold
/// intermediates).
pub fn identity_from_pem_or_der(
    key: &[u8],
    certificate: &[u8],
    chain: &[Vec<u8>],
) -> Result<cms::SigningIdentity, BindingError> {
    let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    Ok(cms::SigningIdentity::from_pem_or_der(
        key,
        certificate,
        &chain,
    )?)
}

/// A signing identity from a PKCS#12 file.
pub fn identity_from_pkcs12(
    bytes: &[u8],
    password: &str,
) -> Result<cms::SigningIdentity, BindingError> {
    Ok(cms::SigningIdentity::from_pkcs12(bytes, password)?)
}

/// A signing identity whose key lives elsewhere (HSM, KMS, a foreign-language callback).
pub fn identity_external(
    signer: Arc<dyn ExternalSigner>,
) -> Result<cms::SigningIdentity, BindingError> {
    Ok(cms::SigningIdentity::external(signer)?)
}

/// A readable name for the identity's key: `ec-p256`, `ec-p384` or `rsa-2048`.
pub fn key_algorithm_name(identity: &cms::SigningIdentity) -> String {
    match identity.key_algorithm() {
        cms::KeyAlgorithm::EcP256 => "ec-p256".into(),
        cms::KeyAlgorithm::EcP384 => "ec-p384".into(),
        cms::KeyAlgorithm::Rsa { bits } => format!("rsa-{bits}"),
    }
}

/// The RFC 4514 subject of a DER certificate.
pub fn certificate_subject(der: &[u8]) -> Option<String> {
    cms::certificate_subject(der)
}

/// Splits PEM (one or more `CERTIFICATE` blocks) or a DER certificate into DER certificates.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, BindingError> {
    Ok(cms::parse_certificates(bytes)?)
}

/// A prepared signer: certificate encodings are computed once, so signing many profiles
/// with one identity is cheap. Safe to share across threads.
pub fn prepare_signer(
    identity: cms::SigningIdentity,
    digest: &str,
    deterministic: bool,
) -> Result<cms::CmsSigner, BindingError> {
    let options = cms::SignOptions {
        digest: parse_digest(digest)?,
        deterministic,
    };
    Ok(cms::CmsSigner::new(identity, options)?)
}

/// Signs `content` as attached CMS SignedData (DER). `signing_time` is seconds since the
/// epoch (`None`: now).
pub fn sign(
    signer: &cms::CmsSigner,
    content: &[u8],
    signing_time: Option<i64>,
) -> Result<Vec<u8>, BindingError> {
    Ok(signer.sign(content, time_from_unix(signing_time)?)?)
}

/// How a verification came out, in the words a device uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerdictKind {
    /// Intact and chains to a trusted anchor.
    Verified,
    /// Intact, but untrusted, expired or otherwise not acceptable.
    NotVerified,
    /// Tampered, bad signature or malformed.
    Invalid,
    /// Not signed at all.
    Unsigned,
}

/// The result of verifying a signed profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyResult {
    /// The verdict.
    pub verdict: VerdictKind,
    /// Stable reason code when not `Verified` (e.g. `CMS114`).
    pub reason_code: Option<String>,
    /// Readable reason when not `Verified`.
    pub reason_message: Option<String>,
    /// The signed content; trust it only when the verdict is `Verified`.
    pub content: Option<Vec<u8>>,
    /// DER certificates: the signer first, then the chain.
    pub signer_chain: Vec<Vec<u8>>,
}

/// A verifier over trust anchors parsed once (it caches verified chains), for verifying many
/// messages. `Send + Sync`.
pub fn verifier(anchors: Vec<Vec<u8>>) -> Result<cms::Verifier, BindingError> {
    Ok(cms::Verifier::new(cms::TrustAnchors::new(anchors)?))
}

/// Verifies a CMS-signed profile against `anchors` at `time` (seconds since the epoch; `None`:
/// now). Malformed input is an `Invalid` verdict, not an error.
pub fn verify(
    verifier: &cms::Verifier,
    bytes: &[u8],
    time: Option<i64>,
) -> Result<VerifyResult, BindingError> {
    let report = enrollkit::signing::verify(verifier, bytes, time_from_unix(time)?);
    Ok(VerifyResult {
        verdict: match report.verdict {
            CoreVerdict::Verified => VerdictKind::Verified,
            CoreVerdict::NotVerified => VerdictKind::NotVerified,
            CoreVerdict::Invalid => VerdictKind::Invalid,
            CoreVerdict::Unsigned => VerdictKind::Unsigned,
        },
        reason_code: report.reason.as_ref().map(|r| r.code.to_string()),
        reason_message: report.reason.map(|r| r.message),
        content: report.content,
        signer_chain: report.signer_chain,
    })
}

/// Encrypts `content` to an RSA recipient certificate (PEM or DER) as CMS EnvelopedData (DER).
pub fn encrypt(
    content: &[u8],
    recipient_certificate: &[u8],
    algorithm: &str,
) -> Result<Vec<u8>, BindingError> {
    let algorithm = parse_content_encryption(algorithm)?;
    let cert = enrollkit::signing::first_certificate(recipient_certificate)?;
    Ok(cms::encrypt(
        content,
        &cert,
        algorithm,
        &cms::SystemRandom::new(),
    )?)
}

/// Decrypts CMS EnvelopedData with the recipient's private key (PEM or DER).
pub fn decrypt(enveloped: &[u8], private_key: &[u8]) -> Result<Vec<u8>, BindingError> {
    let key = cms::PrivateKey::from_pem_or_der(private_key)?;
    Ok(cms::decrypt(enveloped, &key)?)
}
