//! [`FlowError`]: failures of pure functions and of input parsing (flow transitions report
//! failures as [`Diagnostic`]s instead).

use enrollkit_diagnostic::Diagnostic;
use thiserror::Error;

use crate::clock::Timestamp;
use crate::codes::FlowCode;

/// An error from a pure function of this crate. Every variant has a stable [`FlowError::code`]
/// from the crate's code table. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FlowError {
    /// An event or query time is earlier than the last recorded time.
    #[error("time {at} is earlier than the last recorded time {last}")]
    ClockWentBackwards {
        /// The rejected time.
        at: Timestamp,
        /// The time already recorded.
        last: Timestamp,
    },
    /// A timestamp could not be parsed.
    #[error("invalid timestamp {text:?}: {reason}")]
    Timestamp {
        /// The text as given.
        text: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An OS version could not be parsed.
    #[error("invalid OS version {0:?}: expected major.minor[.patch]")]
    OsVersion(String),
    /// Settings or policy are inconsistent.
    #[error("invalid configuration: {0}")]
    Configuration(String),
    /// A local account name breaks the platform rules.
    #[error("invalid account name {name:?}: {reason}")]
    AccountName {
        /// The name as given.
        name: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The `.well-known/com.apple.remotemanagement` document is malformed.
    #[error("invalid .well-known/com.apple.remotemanagement document: {0}")]
    WellKnown(String),
    /// The account-driven user identifier is malformed.
    #[error("invalid user identifier: {0}")]
    UserIdentifier(String),
    /// The `WWW-Authenticate` challenge is malformed.
    #[error("invalid WWW-Authenticate challenge: {0}")]
    Challenge(String),
    /// The 308 authentication callback is malformed.
    #[error("invalid authentication callback: {0}")]
    Callback(String),
    /// The enrollment-profile request is malformed (method, content type, body).
    #[error("invalid enrollment request: {0}")]
    EnrollmentRequest(String),
    /// The bearer access token is missing, malformed or not the one issued.
    #[error("bearer access token rejected: {0}")]
    BearerToken(String),
    /// A scenario file is not valid scenario JSON.
    #[error("invalid scenario: {0}")]
    Scenario(String),
}

impl FlowError {
    /// The entry of the code table this error belongs to.
    pub fn flow_code(&self) -> FlowCode {
        match self {
            FlowError::ClockWentBackwards { .. } => FlowCode::ClockWentBackwards,
            FlowError::Timestamp { .. } => FlowCode::InvalidTimestamp,
            FlowError::OsVersion(_) => FlowCode::InvalidOsVersion,
            FlowError::Configuration(_) => FlowCode::InvalidConfiguration,
            FlowError::AccountName { .. } => FlowCode::InvalidAccountName,
            FlowError::WellKnown(_) => FlowCode::WellKnownInvalid,
            FlowError::UserIdentifier(_) => FlowCode::UserIdentifierInvalid,
            FlowError::Challenge(_) => FlowCode::ChallengeInvalid,
            FlowError::Callback(_) => FlowCode::CallbackInvalid,
            FlowError::EnrollmentRequest(_) => FlowCode::EnrollmentRequestInvalid,
            FlowError::BearerToken(_) => FlowCode::BearerTokenRejected,
            FlowError::Scenario(_) => FlowCode::ScenarioInvalid,
        }
    }

    /// The stable code string, e.g. `FLOW001`.
    pub fn code(&self) -> &'static str {
        self.flow_code().as_str()
    }

    /// This error as a [`Diagnostic`] located at `key_path`.
    pub fn to_diagnostic(&self, key_path: &str) -> Diagnostic {
        self.flow_code().at(key_path, self.to_string())
    }
}
