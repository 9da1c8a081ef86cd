//! Signing, verifying, encrypting and decrypting, composed once for the CLI and the bindings.

use std::time::SystemTime;

use enrollkit_cms::{
    CmsSigner, ContentEncryption, PrivateKey, SecureRandom, SignOptions, SigningIdentity, Verdict,
    Verifier,
};
use enrollkit_diagnostic::{Code, codes};
use enrollkit_profile::crypto::{decrypt_payload_content, encrypt_payload_content};
use serde::Serialize;

use crate::Error;
use crate::load::load;

/// How a verification came out, in the words a device uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

impl VerdictKind {
    /// `Verified`, `NotVerified`, `Invalid` or `Unsigned`.
    pub fn label(self) -> &'static str {
        match self {
            VerdictKind::Verified => "Verified",
            VerdictKind::NotVerified => "NotVerified",
            VerdictKind::Invalid => "Invalid",
            VerdictKind::Unsigned => "Unsigned",
        }
    }
}

/// The code and words behind a verdict that is not `Verified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Registry code (`CMS109`, ...).
    pub code: Code,
    /// What went wrong.
    pub message: String,
}

/// The outcome of verifying one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// The verdict.
    pub verdict: VerdictKind,
    /// Why, when not `Verified` (and not `Unsigned`).
    pub reason: Option<Reason>,
    /// The signed content (the whole input when unsigned); trust it only when `Verified`.
    #[serde(skip)]
    pub content: Option<Vec<u8>>,
    /// DER certificates: the signer first, then the chain (or the message's other certificates).
    #[serde(skip)]
    pub signer_chain: Vec<Vec<u8>>,
}

impl VerifyReport {
    /// True only for `Verified`.
    pub fn is_verified(&self) -> bool {
        self.verdict == VerdictKind::Verified
    }

    /// The subjects of [`VerifyReport::signer_chain`] in RFC 4514 form.
    pub fn signer_subjects(&self) -> Vec<String> {
        self.signer_chain
            .iter()
            .map(|der| {
                enrollkit_cms::certificate_subject(der)
                    .unwrap_or_else(|| "<unparsable certificate>".into())
            })
            .collect()
    }
}

/// Verifies a signed profile (or says `Unsigned`), judging validity at `at`. Malformed input is
/// an `Invalid` verdict, never an error.
pub fn verify(verifier: &Verifier, bytes: &[u8], at: SystemTime) -> VerifyReport {
    let v = verifier.verify(bytes, at);
    let verdict = match &v.verdict {
        Verdict::Verified => VerdictKind::Verified,
        Verdict::NotVerified { .. } => VerdictKind::NotVerified,
        Verdict::Invalid { .. } => VerdictKind::Invalid,
        Verdict::Unsigned => VerdictKind::Unsigned,
    };
    VerifyReport {
        verdict,
        reason: v.verdict.reason().map(|r| Reason {
            code: r.code,
            message: r.message.clone(),
        }),
        content: v.content,
        signer_chain: v.signer_chain,
    }
}

/// Signs `content` as attached CMS SignedData (DER). With `deterministic`, the same input and
/// time give the same bytes.
pub fn sign(
    content: &[u8],
    identity: SigningIdentity,
    deterministic: bool,
    at: SystemTime,
) -> Result<Vec<u8>, Error> {
    let signer = CmsSigner::new(
        identity,
        SignOptions {
            deterministic,
            ..SignOptions::default()
        },
    )?;
    Ok(signer.sign(content, at)?)
}

/// The first certificate in PEM or DER bytes, or `ARG001` when there is none.
pub fn first_certificate(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    enrollkit_cms::parse_certificates(bytes)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::invalid(
                codes::argument::INVALID_ARGUMENT,
                "no certificate found; pass the recipient's certificate in PEM or DER form",
            )
        })
}

/// Moves a profile's `PayloadContent` into `EncryptedPayloadContent` for the recipient's DER
/// certificate ([`first_certificate`] reads one from PEM); returns the profile as XML.
pub fn encrypt_profile(
    profile: &[u8],
    recipient_der: &[u8],
    algorithm: ContentEncryption,
    random: &dyn SecureRandom,
) -> Result<Vec<u8>, Error> {
    let mut model = load(profile)?.profile()?;
    encrypt_payload_content(&mut model, recipient_der, algorithm, random)?;
    Ok(model.to_xml()?)
}

/// Restores a profile's `PayloadContent` from `EncryptedPayloadContent` with the recipient's
/// private key (and, when given, its DER certificate, so only recipients addressed to it are
/// tried); returns the profile as XML.
pub fn decrypt_profile(
    profile: &[u8],
    key: &PrivateKey,
    certificate: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let mut model = load(profile)?.profile()?;
    decrypt_payload_content(&mut model, key, certificate)?;
    Ok(model.to_xml()?)
}
