//! [`FlowError`]: failures of pure functions and of input parsing (flow transitions report
//! failures as [`Diagnostic`]s instead).

use enrollkit_diagnostic::{Code, Coded, Diagnostic};
use thiserror::Error;

use crate::clock::Timestamp;
use crate::codes;

/// An error from a pure function of this crate. Every variant has a stable code ([`Coded::code`])
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
    /// The registry entry this error belongs to.
    fn registry_code(&self) -> Code {
        match self {
            FlowError::ClockWentBackwards { .. } => codes::CLOCK_WENT_BACKWARDS,
            FlowError::Timestamp { .. } => codes::INVALID_TIMESTAMP,
            FlowError::Configuration(_) => codes::INVALID_CONFIGURATION,
            FlowError::AccountName { .. } => codes::INVALID_ACCOUNT_NAME,
            FlowError::WellKnown(_) => codes::WELL_KNOWN_INVALID,
            FlowError::UserIdentifier(_) => codes::USER_IDENTIFIER_INVALID,
            FlowError::Challenge(_) => codes::CHALLENGE_INVALID,
            FlowError::Callback(_) => codes::CALLBACK_INVALID,
            FlowError::EnrollmentRequest(_) => codes::ENROLLMENT_REQUEST_INVALID,
            FlowError::BearerToken(_) => codes::BEARER_TOKEN_REJECTED,
            FlowError::Scenario(_) => codes::SCENARIO_INVALID,
        }
    }

    /// This error as a [`Diagnostic`] located at `key_path`.
    pub fn to_diagnostic(&self, key_path: &str) -> Diagnostic {
        self.registry_code().at(key_path, self.to_string())
    }
}

impl Coded for FlowError {
    fn code(&self) -> Code {
        self.registry_code()
    }
}
