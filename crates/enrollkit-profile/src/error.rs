//! Typed errors of the profile crate.

/// Everything that can go wrong reading, building or writing a profile.
///
/// Each variant has a stable [`code`](ProfileError::code) so bindings and scripts can match on it.
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
    #[error("signed profile: {0}")]
    Signed(#[from] enrollkit_cms::CmsError),
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

impl ProfileError {
    /// A stable code for this error, the same in every binding.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::InputTooLarge { .. } => "PROFILE_INPUT_TOO_LARGE",
            ProfileError::TooDeep { .. } => "PROFILE_TOO_DEEP",
            ProfileError::TooBig { .. } => "PROFILE_TOO_BIG",
            ProfileError::TooManyPayloads { .. } => "PROFILE_TOO_MANY_PAYLOADS",
            ProfileError::UnknownFormat => "PROFILE_UNKNOWN_FORMAT",
            ProfileError::Malformed { .. } => "PROFILE_MALFORMED",
            ProfileError::NotADictionary { .. } => "PROFILE_NOT_A_DICTIONARY",
            ProfileError::Signed(_) => "PROFILE_SIGNED_CONTAINER",
            ProfileError::NestedSignature => "PROFILE_NESTED_SIGNATURE",
            ProfileError::MissingRequiredKey { .. } => "PROFILE_MISSING_REQUIRED_KEY",
            ProfileError::InvalidValue { .. } => "PROFILE_INVALID_VALUE",
            ProfileError::Write { .. } => "PROFILE_WRITE",
        }
    }

    /// What to do about it, in one sentence.
    pub fn remediation(&self) -> &'static str {
        match self {
            ProfileError::InputTooLarge { .. }
            | ProfileError::TooBig { .. }
            | ProfileError::TooManyPayloads { .. } => {
                "Check that this is really a configuration profile, or raise the limit in ReadOptions"
            }
            ProfileError::TooDeep { .. } => {
                "Flatten the structure, or raise Limits::max_depth if the nesting is legitimate"
            }
            ProfileError::UnknownFormat | ProfileError::Malformed { .. } => {
                "Supply an XML or binary property list, or a CMS-signed .mobileconfig"
            }
            ProfileError::NotADictionary { .. } => {
                "A configuration profile is a dictionary at the top level"
            }
            ProfileError::Signed(_) | ProfileError::NestedSignature => {
                "Re-sign the profile with attached content (openssl cms -sign -nodetach -binary)"
            }
            ProfileError::MissingRequiredKey { .. } | ProfileError::InvalidValue { .. } => {
                "Set the key on the builder before calling build()"
            }
            ProfileError::Write { .. } => "Remove values the target format cannot represent",
        }
    }
}
