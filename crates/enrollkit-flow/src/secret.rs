//! Secrets that travel as inputs (passwords, PINs, access tokens) and the digests that flows keep
//! instead of them.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A secret string supplied by the host: a password, a PIN or a bearer access token.
///
/// `Debug` prints `Secret([redacted])`; the value is zeroized on drop. It serializes as the plain
/// string because it is input data (a scenario file carries it); flows never store it in their
/// state — they keep a [`SecretDigest`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_any`: through `#[serde(flatten)]` buffering, `deserialize_string` would
        // report a wrong type itself, value included, without asking the visitor.
        deserializer.deserialize_any(SecretVisitor)
    }
}

/// Accepts only strings; any other type is refused without echoing the value, because
/// serde's default "invalid type: integer `284719`" message would put the secret in the error.
struct SecretVisitor;

impl<'de> serde::de::Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
        Ok(Secret::new(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
        Ok(Secret::new(v))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
}

const NOT_A_STRING: &str = "a secret must be a string (value not shown)";

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value; call only where the value is needed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 digest a flow stores instead of the value.
    pub fn digest(&self) -> SecretDigest {
        SecretDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// SHA-256 of a [`Secret`], compared in constant time. Stored in flow state so that the state a
/// server persists never contains the secret itself. Serialized as standard base64.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    /// True when `candidate` hashes to this digest (constant-time comparison).
    pub fn matches(&self, candidate: &Secret) -> bool {
        self.0.ct_eq(&candidate.digest().0).into()
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
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert!(!format!("{:?}", s.digest()).contains("hunter2"));
    }

    #[test]
    fn digest_matches_sha256_and_round_trips() {
        let d = Secret::new("abc").digest();
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
