//! The identity an IdP asserts, and the key users are stored under.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable key of a user: OIDC `iss` + `sub` (or SAML entity ID + persistent NameID).
/// Users are created and found by this key, never by email alone: email and usernames can be
/// reassigned, which turns an email-keyed lookup into an account takeover.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UserKey {
    /// The IdP's issuer (OIDC `iss`, SAML entity ID).
    pub issuer: String,
    /// The user's subject at that issuer (OIDC `sub`, persistent NameID).
    pub subject: String,
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} | {}", self.issuer, self.subject)
    }
}

/// What an IdP asserted about the user who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Issuer (`iss`).
    pub issuer: String,
    /// Subject (`sub`).
    pub subject: String,
    /// Email claim, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Group memberships.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Any other claims (`preferred_username`, `upn`, `unique_name`, custom ones).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claims: BTreeMap<String, String>,
}

impl Identity {
    /// An identity with only issuer and subject.
    pub fn new(issuer: impl Into<String>, subject: impl Into<String>) -> Self {
        Identity {
            issuer: issuer.into(),
            subject: subject.into(),
            email: None,
            name: None,
            groups: Vec::new(),
            claims: BTreeMap::new(),
        }
    }

    /// The user key (issuer + subject).
    pub fn key(&self) -> UserKey {
        UserKey {
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
        }
    }

    /// A claim by its OIDC name: `iss`, `sub`, `email` and `name` read the typed fields,
    /// anything else reads [`Identity::claims`]. Empty values count as absent.
    pub fn claim(&self, name: &str) -> Option<&str> {
        let value = match name {
            "iss" => Some(self.issuer.as_str()),
            "sub" => Some(self.subject.as_str()),
            "email" => self.email.as_deref(),
            "name" => self.name.as_deref(),
            other => self.claims.get(other).map(String::as_str),
        };
        value.filter(|v| !v.trim().is_empty())
    }
}
