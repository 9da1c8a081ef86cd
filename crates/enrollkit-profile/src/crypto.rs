//! Profile-level signing and encryption on top of `enrollkit-cms`.
//!
//! Encrypted profiles follow Apple's procedure: `PayloadContent` is serialized on its own as a
//! plist whose top-level object is an array, CMS-encrypted (EnvelopedData, DER), stored as
//! `<data>` under `EncryptedPayloadContent`, and `IsEncrypted` is set. Encrypt first, then sign.
//!
//! ```no_run
//! # fn demo(profile: &mut enrollkit_profile::Profile, cert_der: &[u8], key: &enrollkit_cms::PrivateKey)
//! # -> Result<(), enrollkit_profile::crypto::ProfileCryptoError> {
//! use enrollkit_profile::crypto::{decrypt_payload_content, encrypt_payload_content};
//! let rng = enrollkit_cms::SystemRandom::new();
//! encrypt_payload_content(profile, cert_der, enrollkit_cms::ContentEncryption::Aes256Cbc, &rng)?;
//! decrypt_payload_content(profile, key, None)?;
//! # Ok(()) }
//! ```

use std::time::SystemTime;

use enrollkit_cms::{
    CmsError, CmsSigner, ContentEncryption, DECRYPTION_FAILED, PrivateKey, SecureRandom,
};
use enrollkit_diagnostic::{Code, Coded, codes};
use plist::Value;

use crate::{LoadedValue, Payload, Profile, ProfileError, ReadOptions, read_value, xml_bytes};

/// Errors of the profile-level crypto helpers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileCryptoError {
    /// The CMS layer failed (bad key, wrong recipient, malformed EnvelopedData, ...).
    #[error(transparent)]
    Cms(#[from] CmsError),
    /// Serializing or parsing the plist failed.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The profile has no `PayloadContent` to encrypt.
    #[error("profile has no PayloadContent to encrypt")]
    NothingToEncrypt,
    /// The profile has no `EncryptedPayloadContent` to decrypt.
    #[error("profile has no EncryptedPayloadContent to decrypt")]
    NotEncrypted,
}

impl Coded for ProfileCryptoError {
    fn code(&self) -> Code {
        match self {
            ProfileCryptoError::Cms(e) => e.code(),
            ProfileCryptoError::Profile(e) => e.code(),
            ProfileCryptoError::NothingToEncrypt => codes::profile::NOTHING_TO_ENCRYPT,
            ProfileCryptoError::NotEncrypted => codes::profile::NOT_ENCRYPTED,
        }
    }
}

/// Move `PayloadContent` into `EncryptedPayloadContent` (EnvelopedData to `recipient_cert`, DER).
pub fn encrypt_payload_content(
    profile: &mut Profile,
    recipient_cert: &[u8],
    algorithm: ContentEncryption,
    rng: &dyn SecureRandom,
) -> Result<(), ProfileCryptoError> {
    let payloads = profile
        .payload_content
        .as_ref()
        .ok_or(ProfileCryptoError::NothingToEncrypt)?;
    let array = Value::Array(
        payloads
            .iter()
            .map(|p| Value::Dictionary(p.to_dictionary()))
            .collect(),
    );
    let plain = xml_bytes(&array)?;
    let envelope = enrollkit_cms::encrypt(&plain, recipient_cert, algorithm, rng)?;
    profile.payload_content = None;
    profile.encrypted_payload_content = Some(envelope);
    profile.is_encrypted = Some(true);
    Ok(())
}

/// Decrypt `EncryptedPayloadContent` with the recipient key and put the payloads back into
/// `PayloadContent` (clearing `EncryptedPayloadContent` and `IsEncrypted`). With the
/// recipient's `certificate` (DER), only the recipients addressed to it are tried.
///
/// Every failure after the key operation — wrong key, bad padding, decrypted bytes that are not
/// an array of payload dictionaries — is the same `CMS014` error with the same message, so the
/// error cannot serve as a padding oracle.
pub fn decrypt_payload_content(
    profile: &mut Profile,
    key: &PrivateKey,
    certificate: Option<&[u8]>,
) -> Result<(), ProfileCryptoError> {
    let envelope = profile
        .encrypted_payload_content
        .as_ref()
        .ok_or(ProfileCryptoError::NotEncrypted)?;
    let plain = match certificate {
        Some(cert) => enrollkit_cms::decrypt_for(envelope, key, cert)?,
        None => enrollkit_cms::decrypt(envelope, key)?,
    };
    let failed = || ProfileCryptoError::Cms(CmsError::Decryption(DECRYPTION_FAILED.into()));
    let Ok(LoadedValue {
        value: Value::Array(items),
        ..
    }) = read_value(&plain, &ReadOptions::default())
    else {
        return Err(failed());
    };
    let mut payloads = Vec::with_capacity(items.len());
    for item in items {
        let Value::Dictionary(d) = item else {
            return Err(failed());
        };
        payloads.push(Payload::from_dictionary(d));
    }
    profile.payload_content = Some(payloads);
    profile.encrypted_payload_content = None;
    profile.is_encrypted = None;
    Ok(())
}

/// Sign a profile's Apple-layout XML as CMS SignedData (DER) with a prepared signer.
pub fn sign_profile(
    profile: &Profile,
    signer: &CmsSigner,
    signing_time: SystemTime,
) -> Result<Vec<u8>, ProfileCryptoError> {
    let xml = profile.to_xml()?;
    Ok(signer.sign(&xml, signing_time)?)
}
