//! Typed errors of the profile crate.

use enrollkit_diagnostic::codes::profile as codes;
use enrollkit_diagnostic::{Code, Coded};

/// Everything that can go wrong reading, building or writing a profile.
///
/// Each variant has a stable code from the registry ([`Coded::code`]), so bindings and scripts
/// can match on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The input is larger than [`Limits::max_input_bytes`](crate::Limits::max_input_bytes).
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    InputTooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Collections nest deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("nesting deeper than {limit} levels at {at}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
        /// Where the limit was crossed (key path).
        at: String,
    },
    /// More values, or more decoded bytes, than the limits allow.
    #[error("property list expands beyond the limit of {limit} {what}")]
    TooBig {
        /// What ran over: "values" or "decoded bytes".
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
    /// More payloads than [`Limits::max_payloads`](crate::Limits::max_payloads).
    #[error("profile has {count} payloads, over the limit of {limit}")]
    TooManyPayloads {
        /// Number of payloads found.
        count: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The bytes are neither an XML plist, a binary plist nor a CMS-signed profile.
    #[error("not a property list: input is neither XML, binary (bplist00) nor CMS-signed")]
    UnknownFormat,
    /// The plist parser rejected the input.
    #[error("malformed {format} property list: {reason}")]
    Malformed {
        /// "XML" or "binary".
        format: &'static str,
        /// The parser's description, with position.
        reason: String,
    },
    /// The top-level object is not a dictionary.
    #[error("top-level object is {found}, expected a dictionary")]
    NotADictionary {
        /// What was found instead.
        found: &'static str,
    },
    /// The CMS container around a signed profile could not be unwrapped.
    #[cfg(feature = "cms")]
    #[error("signed profile: {0}")]
    Signed(#[from] enrollkit_cms::CmsError),
    /// A CMS-signed profile, in a build without the `cms` feature.
    #[cfg(not(feature = "cms"))]
    #[error(
        "the input is a CMS-signed profile, and this build of enrollkit-profile has no `cms` feature"
    )]
    SignedWithoutCms,
    /// A signed profile whose content is itself signed.
    #[error("signed profile contains another signed container; only one level is supported")]
    NestedSignature,
    /// A builder was asked to build a payload without one of its required keys.
    #[error("{payload_type} payload is missing required key {key}")]
    MissingRequiredKey {
        /// The payload type, e.g. `com.apple.mdm`.
        payload_type: String,
        /// The missing key.
        key: &'static str,
    },
    /// A value given to a builder is not acceptable.
    #[error("invalid value for {key}: {reason}")]
    InvalidValue {
        /// The key concerned.
        key: String,
        /// Why it was refused.
        reason: String,
    },
    /// Serialization failed (for example a value the format cannot carry).
    #[error("could not write {format} property list: {reason}")]
    Write {
        /// "XML" or "binary".
        format: &'static str,
        /// Why.
        reason: String,
    },
}

impl Coded for ProfileError {
    fn code(&self) -> Code {
        match self {
            ProfileError::InputTooLarge { .. } => codes::INPUT_TOO_LARGE,
            ProfileError::TooDeep { .. } => codes::TOO_DEEP,
            ProfileError::TooBig { .. } => codes::TOO_BIG,
            ProfileError::TooManyPayloads { .. } => codes::TOO_MANY_PAYLOADS,
            ProfileError::UnknownFormat => codes::UNKNOWN_FORMAT,
            ProfileError::Malformed { .. } => codes::MALFORMED,
            ProfileError::NotADictionary { .. } => codes::NOT_A_DICTIONARY,
            #[cfg(feature = "cms")]
            // The CMS reader knows why the container did not open; its code says so.
            ProfileError::Signed(e) => e.code(),
            #[cfg(not(feature = "cms"))]
            ProfileError::SignedWithoutCms => codes::SIGNED_WITHOUT_CMS,
            ProfileError::NestedSignature => codes::NESTED_SIGNATURE,
            ProfileError::MissingRequiredKey { .. } => codes::MISSING_REQUIRED_KEY,
            ProfileError::InvalidValue { .. } => codes::INVALID_VALUE,
            ProfileError::Write { .. } => codes::WRITE_FAILED,
        }
    }
}
