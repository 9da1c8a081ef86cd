//! Portal settings, the profile to issue and directory records.

use super::*;

mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&BASE64.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| {
                BASE64
                    .decode(t.as_bytes())
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// The profile to issue, opaque to this crate: an identifier plus either its bytes (base64 in
/// JSON) or a name the host resolves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    /// The profile's `PayloadIdentifier`.
    pub identifier: String,
    /// A name the host resolves to bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The profile bytes themselves.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "base64_bytes"
    )]
    pub bytes: Option<Vec<u8>>,
}

fn yes() -> bool {
    true
}

/// Enrollment portal settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// Users must authenticate at the IdP before a profile is served (default true).
    #[serde(default = "yes")]
    pub require_idp_auth: bool,
    /// The portal refuses assertions without completed MFA (default false).
    #[serde(default)]
    pub require_mfa: bool,
    /// Create unknown users on first sign-in (default true).
    #[serde(default = "yes")]
    pub jit_registration: bool,
    /// Ownership devices are tagged with.
    pub default_ownership: Ownership,
    /// Apple enrollment type.
    pub enrollment_type: EnrollmentType,
    /// Where the device authenticates in account-driven enrollment (https), for the 401 challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<Url>,
    /// The profile to issue.
    pub profile: ProfileRef,
}

impl PortalSettings {
    /// Checks the settings: a profile identifier and name or bytes; an https `auth_url` when
    /// account-driven; IdP authentication when JIT registration is on.
    pub fn validate(&self) -> Result<(), FlowError> {
        let bad = |m: &str| Err(FlowError::Configuration(m.to_owned()));
        if self.profile.identifier.trim().is_empty() {
            return bad("profile.identifier is empty");
        }
        if self.profile.name.is_none() && self.profile.bytes.is_none() {
            return bad("profile needs a name or bytes");
        }
        if let Some(url) = &self.auth_url {
            account_driven::www_authenticate_challenge(url)
                .map_err(|e| FlowError::Configuration(format!("auth_url: {e}")))?;
        } else if self.enrollment_type == EnrollmentType::AccountDriven {
            return bad("account-driven enrollment needs auth_url");
        }
        if self.jit_registration && !self.require_idp_auth {
            return bad("just-in-time registration needs IdP authentication");
        }
        Ok(())
    }
}

/// A user record as the directory returned it for the assertion's issuer + subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// The record's key.
    pub key: UserKey,
    /// The Managed Apple Account assigned to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_apple_account: Option<String>,
}
