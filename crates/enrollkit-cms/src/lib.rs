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
//! Errors ([`CmsError::code`]) and verdict reasons ([`VerdictReason::code`]) share one namespace:
//!
//! | code | meaning |
//! |---|---|
//! | `cms.malformed` | not parseable DER/BER CMS (also a verdict reason: `Invalid`) |
//! | `cms.too_large` | input over [`MAX_INPUT_BYTES`] |
//! | `cms.unexpected_content_type` | ContentInfo is not SignedData / EnvelopedData |
//! | `cms.detached` | SignedData without attached content |
//! | `cms.not_id_data` | eContentType is not id-data |
//! | `cms.bad_key` / `cms.bad_certificate` / `cms.key_cert_mismatch` | identity input problems |
//! | `cms.pkcs12` | PKCS#12 could not be opened (wrong password, unsupported algorithm, no key) |
//! | `cms.unsupported` | unsupported key, curve, size or structure |
//! | `cms.signing_failed` / `cms.bad_time` / `cms.encoding_failed` | signing problems |
//! | `cms.encryption_failed` / `cms.decryption_failed` | EnvelopedData problems |
//! | `cms.no_signer` / `cms.multiple_signers` | `Invalid`: zero or several SignerInfos |
//! | `cms.bad_version` / `cms.bad_digest_algorithms` / `cms.bad_attributes` | `Invalid`: fields inconsistent with RFC 5652 |
//! | `cms.unsupported_algorithm` | `Invalid`: digest/signature algorithm not accepted (SHA-1 is not) |
//! | `cms.content_type_mismatch` | `Invalid`: content-type attribute differs from eContentType |
//! | `cms.digest_mismatch` | `Invalid`: content was modified |
//! | `cms.bad_signature` | `Invalid`: signature does not verify |
//! | `cms.signer_certificate_missing` | `NotVerified`: signer certificate not in the message |
//! | `cms.expired` / `cms.not_yet_valid` | `NotVerified`: a chain certificate is outside its validity |
//! | `cms.key_usage` | `NotVerified`: signer key usage excludes digitalSignature/nonRepudiation |
//! | `cms.untrusted` | `NotVerified`: no chain to a trust anchor within the length bound |
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
pub use envelope::{ContentEncryption, decrypt, encrypt};
pub use error::CmsError;
pub use identity::{
    ExternalSigner, ExternalSignerError, KeyAlgorithm, PrivateKey, SignatureAlgorithm,
    SigningIdentity, certificate_subject, parse_certificates,
};
pub use parse::{MAX_INPUT_BYTES, extract_signed_content, looks_like_cms};
pub use sign::{CmsSigner, DigestAlgorithm, SignOptions, sign};
pub use throwaway::{ThrowawayIdentity, certificate_pem, generate_throwaway_identity};
pub use verify::{
    TrustAnchors, Verdict, VerdictReason, Verification, Verifier, VerifyOptions, verify,
};
