//! CMS (RFC 5652) for Apple configuration profiles: sign, verify, and encrypt.
//!
//! * **Sign** — [`CmsSigner`] produces attached `SignedData` in DER with the signed attributes
//!   content-type, message-digest and signing-time, the signer certificate and its chain.
//!   Keys: ECDSA P-256/P-384 and RSA 2048–4096 (PKCS#1 v1.5) from PEM/DER
//!   ([`SigningIdentity::from_pem_or_der`]), PKCS#12 ([`SigningIdentity::from_pkcs12`], modern
//!   AES and legacy 3DES/RC2 files), or any [`ExternalSigner`] (HSM, KMS, keychain, bindings).
//!   Private-key operations run in aws-lc-rs (constant-time). Time is an input; with
//!   [`SignOptions::deterministic`] the same input gives byte-identical output.
//! * **Verify** — [`verify`] accepts DER and BER (indefinite lengths, constructed OCTET STRINGs),
//!   checks the message digest, the content-type attribute against eContentType (RFC 5652 §11.1),
//!   the signature, the signer's validity and key usage at a given time, and builds a bounded chain
//!   to caller-supplied [`TrustAnchors`]. The [`Verdict`] uses the device's words.
//!   For many messages, a reusable [`Verifier`] caches parsed anchors, certificates and keys.
//! * **Encrypt** — [`encrypt`]/[`decrypt`] handle `EnvelopedData` with RSA key transport,
//!   AES-256-CBC (default) or 3DES-CBC, for `EncryptedPayloadContent`.
//! * **Throwaway identities** — [`generate_throwaway_identity`] makes a fresh root CA and a
//!   leaf signer for demos and tests (uses the system random generator).
//! * **Sniff/extract** — [`looks_like_cms`] and [`extract_signed_content`] read a signed profile's
//!   content without verifying it.
//!
//! No file, network or clock access: time and randomness are parameters (the one exception:
//! [`generate_throwaway_identity`] draws fresh keys from the system random generator).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use enrollkit_cms::*;
//!
//! # fn main() -> Result<(), CmsError> {
//! # let (key_pem, cert_pem) = (include_bytes!("../tests/data/p256.key"), include_bytes!("../tests/data/p256.pem"));
//! let identity = SigningIdentity::from_pem_or_der(key_pem, cert_pem, &[])?;
//! let signer = CmsSigner::new(identity, SignOptions { deterministic: true, ..Default::default() })?;
//! // The throwaway test certificate (tests/data) is valid for 100 years from 2026.
//! let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
//! let signed = signer.sign(b"<?xml version=\"1.0\"?><plist/>", t)?;
//! assert_eq!(signed, signer.sign(b"<?xml version=\"1.0\"?><plist/>", t)?); // deterministic
//! assert!(looks_like_cms(&signed));
//!
//! let anchors = TrustAnchors::new(parse_certificates(cert_pem)?)?;
//! let result = verify(&signed, &VerifyOptions::new(&anchors, t));
//! assert_eq!(result.verdict, Verdict::Verified);
//! assert_eq!(extract_signed_content(&signed)?, b"<?xml version=\"1.0\"?><plist/>");
//!
//! // Without the right anchor the same message is intact but untrusted.
//! let none = TrustAnchors::default();
//! assert_eq!(verify(&signed, &VerifyOptions::new(&none, t)).verdict.label(), "NotVerified");
//! # Ok(()) }
//! ```
//!
//! # Codes
//!
//! Errors ([`CmsError`], through [`Coded::code`]) and verdict reasons ([`VerdictReason::code`])
//! use the `CMS` family of the one registry in `enrollkit-diagnostic`: `CMS001`–`CMS015` for
//! errors (malformed input, identities, signing, encryption), `CMS101`–`CMS114` for the reasons
//! behind `Invalid` and `NotVerified`. The table with meaning and remediation is generated into
//! `docs/codes.md`; `enrollkit explain CMS109` prints one entry.
#![forbid(unsafe_code)]

mod derw;
mod envelope;
mod error;
mod identity;
mod oids;
mod parse;
mod sign;
mod throwaway;
mod verify;

pub use aws_lc_rs::rand::{SecureRandom, SystemRandom};
pub use enrollkit_diagnostic::{Code, Coded};
pub use envelope::MAX_RECIPIENTS;
pub use envelope::{ContentEncryption, DECRYPTION_FAILED, decrypt, decrypt_for, encrypt};
pub use error::CmsError;
pub use identity::{
    ExternalSigner, ExternalSignerError, KeyAlgorithm, PrivateKey, SignatureAlgorithm,
    SigningIdentity, certificate_common_names, certificate_signature_algorithm,
    certificate_subject, parse_certificates,
};
pub use parse::{MAX_CERTIFICATES, MAX_INPUT_BYTES, extract_signed_content, looks_like_cms};
pub use sign::{CmsSigner, DigestAlgorithm, SignOptions, sign};
pub use throwaway::{ThrowawayCa, ThrowawayIdentity, certificate_pem, generate_throwaway_identity};
pub use verify::{
    DEFAULT_CERT_CACHE_CAPACITY, Integrity, TrustAnchors, Verdict, VerdictReason, Verification,
    Verifier, VerifyOptions, check_integrity, signer_certificates, verify, verify_detached,
};
