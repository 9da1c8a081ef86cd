//! The digests that flows keep instead of the secrets that travel as inputs (passwords, PINs,
//! access tokens). The [`Secret`] type itself is the ground crate's.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
pub use enrollkit_diagnostic::Secret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// SHA-256 of a [`Secret`], compared in constant time. Stored in flow state so that the state a
/// server persists never contains the secret itself. Serialized as standard base64.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    /// The SHA-256 digest of `secret`.
    pub fn of(secret: &Secret) -> SecretDigest {
        SecretDigest(Sha256::digest(secret.expose().as_bytes()).into())
    }

    /// True when `candidate` hashes to this digest (constant-time comparison).
    pub fn matches(&self, candidate: &Secret) -> bool {
        self.0.ct_eq(&SecretDigest::of(candidate).0).into()
    }
}

impl PartialEq for SecretDigest {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretDigest {}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest([redacted])")
    }
}

impl From<SecretDigest> for String {
    fn from(d: SecretDigest) -> String {
        BASE64.encode(d.0)
    }
}

impl TryFrom<String> for SecretDigest {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let bytes = BASE64.decode(text.as_bytes()).map_err(|e| e.to_string())?;
        let digest: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "a secret digest is 32 bytes".to_owned())?;
        Ok(SecretDigest(digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", SecretDigest::of(&s)).contains("hunter2"));
    }

    #[test]
    fn digest_matches_sha256_and_round_trips() {
        let d = SecretDigest::of(&Secret::new("abc"));
        // SHA-256("abc") from FIPS 180-2 appendix B.1.
        assert_eq!(
            String::from(d),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let json = serde_json::to_string(&d).unwrap();
        let back: SecretDigest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert!(d.matches(&Secret::new("abc")));
        assert!(!d.matches(&Secret::new("abd")));
        assert!(serde_json::from_str::<SecretDigest>("\"zz\"").is_err());
    }
}
