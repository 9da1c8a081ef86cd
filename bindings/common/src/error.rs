//! The one error shape every binding raises.

use std::fmt;

/// An error from any enrollkit crate, flattened to what a foreign caller needs: a stable code,
/// a readable message and what to do about it.
///
/// `Display` is the message alone, so an exception built from it reads naturally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    /// Stable code from the crate that failed (for example `PROFILE_MALFORMED`, `cms.bad_key`).
    pub code: String,
    /// What went wrong, in one sentence.
    pub message: String,
    /// What to do about it, in one sentence.
    pub remediation: String,
}

impl BindingError {
    /// Builds an error.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Self {
        BindingError {
            code: code.into(),
            message: message.into(),
            remediation: remediation.into(),
        }
    }

    /// An argument the binding layer itself refused (unknown enum word, bad JSON, …).
    pub fn invalid_argument(message: impl Into<String>, remediation: impl Into<String>) -> Self {
        BindingError::new("INVALID_ARGUMENT", message, remediation)
    }
}

impl fmt::Display for BindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BindingError {}

impl From<enrollkit_profile::ProfileError> for BindingError {
    fn from(e: enrollkit_profile::ProfileError) -> Self {
        BindingError::new(e.code(), e.to_string(), e.remediation())
    }
}

impl From<enrollkit_cms::CmsError> for BindingError {
    fn from(e: enrollkit_cms::CmsError) -> Self {
        let remediation = cms_remediation(e.code());
        BindingError::new(e.code(), e.to_string(), remediation)
    }
}

/// Remediation for CMS error codes (the CMS crate reports code and message only).
fn cms_remediation(code: &str) -> &'static str {
    match code {
        "cms.malformed" | "cms.unexpected_content_type" | "cms.not_id_data" => {
            "Supply a DER or BER CMS SignedData message (a signed .mobileconfig)"
        }
        "cms.too_large" => {
            "Check that the input really is a signed profile; it is over the size limit"
        }
        "cms.detached" => "Re-sign with the content attached (openssl cms -sign -nodetach -binary)",
        "cms.bad_key" => {
            "Supply an unencrypted PKCS#8, PKCS#1 or SEC1 private key (PEM or DER), P-256, P-384 or RSA 2048-4096"
        }
        "cms.bad_certificate" => "Supply X.509 certificates in PEM or DER form",
        "cms.key_cert_mismatch" => "Use the certificate that belongs to the private key",
        "cms.pkcs12" => "Check the PKCS#12 file and its password",
        "cms.unsupported" => "Use RSA (2048-4096) or ECDSA P-256/P-384 with SHA-256/384/512",
        "cms.signing_failed" => "Check the signing key or external signer and try again",
        "cms.bad_time" => "Pass a signing time between 1950 and 9999",
        "cms.encryption_failed" => "Encrypt to an RSA recipient certificate",
        "cms.decryption_failed" => {
            "Decrypt with the private key of the certificate the profile was encrypted to"
        }
        _ => "See the enrollkit-cms documentation for this code",
    }
}

/// Parses a word from a fixed set, or says which words are accepted.
pub(crate) fn parse_word<T: Copy>(
    what: &str,
    word: &str,
    table: &[(&str, T)],
) -> Result<T, BindingError> {
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let accepted: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            BindingError::invalid_argument(
                format!("unknown {what} {word:?}"),
                format!("Use one of: {}", accepted.join(", ")),
            )
        })
}
