//! The crate's error type.

use enrollkit_diagnostic::codes::cms as codes;
use enrollkit_diagnostic::{Code, Coded};

/// Everything that can go wrong in this crate. Messages never contain key material or passwords.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CmsError {
    /// The input is not a CMS `ContentInfo` at all (or is truncated / malformed ASN.1).
    #[error("malformed CMS structure: {0}")]
    Malformed(String),
    /// The input is larger than the configured limit.
    #[error("input is {size} bytes, larger than the limit of {limit} bytes")]
    TooLarge {
        /// Input size in bytes.
        size: usize,
        /// Configured limit in bytes.
        limit: usize,
    },
    /// The `ContentInfo` holds something other than the expected content type.
    #[error("unexpected CMS content type {found}, expected {expected}")]
    UnexpectedContentType {
        /// OID that was expected.
        expected: &'static str,
        /// OID found in the input.
        found: String,
    },
    /// More certificates in one SignedData than [`crate::MAX_CERTIFICATES`].
    #[error("the message carries {count} certificates, more than the limit of {limit}")]
    TooManyCertificates {
        /// Certificates in the message.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More recipients in one EnvelopedData than [`crate::MAX_RECIPIENTS`].
    #[error("the message has {count} recipients, more than the limit of {limit}")]
    TooManyRecipients {
        /// Recipients in the message.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// SignedData without attached content (a detached signature): the profile bytes are missing.
    #[error(
        "SignedData has no attached content (detached signature); profiles must carry their content"
    )]
    Detached,
    /// The encapsulated content type is not id-data.
    #[error("encapsulated content type is {0}, expected id-data (1.2.840.113549.1.7.1)")]
    NotIdData(String),
    /// A key could not be read or is of an unsupported kind.
    #[error("bad private key: {0}")]
    BadKey(String),
    /// A certificate could not be read.
    #[error("bad certificate: {0}")]
    BadCertificate(String),
    /// The private key does not belong to the signer certificate.
    #[error("the private key does not match the signer certificate's public key")]
    KeyCertMismatch,
    /// A PKCS#12 file could not be opened (wrong password, unsupported algorithm, no key).
    #[error("PKCS#12: {0}")]
    Pkcs12(String),
    /// The algorithm or key size is not supported.
    #[error("unsupported algorithm: {0}")]
    Unsupported(String),
    /// The signing backend (local key or external signer) failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A time value is outside what CMS can encode.
    #[error("invalid time: {0}")]
    BadTime(String),
    /// Encrypting to a recipient failed.
    #[error("encryption failed: {0}")]
    Encryption(String),
    /// Decryption failed: wrong key, no matching recipient, or corrupted ciphertext.
    #[error("decryption failed: {0}")]
    Decryption(String),
    /// Encoding the output failed.
    #[error("DER encoding failed: {0}")]
    Encoding(String),
}

impl Coded for CmsError {
    fn code(&self) -> Code {
        match self {
            CmsError::Malformed(_) => codes::MALFORMED,
            CmsError::TooLarge { .. } => codes::TOO_LARGE,
            CmsError::UnexpectedContentType { .. } => codes::UNEXPECTED_CONTENT_TYPE,
            CmsError::Detached => codes::DETACHED,
            CmsError::TooManyCertificates { .. } => codes::TOO_MANY_CERTIFICATES,
            CmsError::TooManyRecipients { .. } => codes::TOO_MANY_RECIPIENTS,
            CmsError::NotIdData(_) => codes::NOT_ID_DATA,
            CmsError::BadKey(_) => codes::BAD_KEY,
            CmsError::BadCertificate(_) => codes::BAD_CERTIFICATE,
            CmsError::KeyCertMismatch => codes::KEY_CERT_MISMATCH,
            CmsError::Pkcs12(_) => codes::PKCS12,
            CmsError::Unsupported(_) => codes::UNSUPPORTED,
            CmsError::Signing(_) => codes::SIGNING_FAILED,
            CmsError::BadTime(_) => codes::BAD_TIME,
            CmsError::Encryption(_) => codes::ENCRYPTION_FAILED,
            CmsError::Decryption(_) => codes::DECRYPTION_FAILED,
            CmsError::Encoding(_) => codes::ENCODING_FAILED,
        }
    }
}

impl From<der::Error> for CmsError {
    fn from(e: der::Error) -> Self {
        CmsError::Malformed(e.to_string())
    }
}
