//! The one error shape every binding raises.

use std::fmt;

use enrollkit::diagnostic::codes;
use enrollkit::{Area, Code, Coded};

/// An error from any enrollkit crate, flattened to what a foreign caller needs: a registry
/// code (whose area picks the exception class), a readable message and what to do about it.
///
/// `Display` is the message alone, so an exception built from it reads naturally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    /// Registry code (for example `PRF006`, `CMS006`).
    pub code: Code,
    /// What went wrong, in one sentence.
    pub message: String,
    /// What to do about it, in one sentence.
    pub remediation: String,
}

impl BindingError {
    /// The error for any coded error of the core.
    pub fn coded(error: &(impl Coded + fmt::Display)) -> Self {
        BindingError {
            code: error.code(),
            message: error.to_string(),
            remediation: error.remediation().to_owned(),
        }
    }

    /// An argument the binding layer itself refused (unknown enum word, bad JSON, …).
    pub fn invalid_argument(message: impl Into<String>, remediation: impl Into<String>) -> Self {
        BindingError {
            code: codes::argument::INVALID_ARGUMENT,
            message: message.into(),
            remediation: remediation.into(),
        }
    }

    /// The area of the code: each binding raises one exception class per area.
    pub fn area(&self) -> Area {
        self.code.area()
    }
}

impl fmt::Display for BindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BindingError {}

macro_rules! from_coded {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for BindingError {
            fn from(e: $error) -> Self {
                BindingError::coded(&e)
            }
        })*
    };
}

from_coded!(
    enrollkit::Error,
    enrollkit::profile::ProfileError,
    enrollkit::cms::CmsError,
    enrollkit::diagnostic::ArgumentError,
    enrollkit::lint::ContextError,
    enrollkit::flow::FlowError,
    enrollkit::ppkg::ConfigError,
    enrollkit::ppkg::ParseError,
    enrollkit::protocol::ProtocolError,
);

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
