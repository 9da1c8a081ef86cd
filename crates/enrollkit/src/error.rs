//! [`Error`]: every error a use case can end with, one type for the CLI and the bindings.

use enrollkit_diagnostic::{ArgumentError, Code, Coded};

/// Any failure of a use case. Each variant wraps the error of the crate that failed, and
/// [`Coded::code`] gives its registry code, so the CLI prints and every binding raises the same
/// code for the same input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading, building or writing a profile.
    #[error(transparent)]
    Profile(#[from] enrollkit_profile::ProfileError),
    /// Signing, verifying, encrypting or decrypting.
    #[error(transparent)]
    Cms(#[from] enrollkit_cms::CmsError),
    /// Encrypting or decrypting a profile's payloads.
    #[error(transparent)]
    ProfileCrypto(#[from] enrollkit_profile::crypto::ProfileCryptoError),
    /// A lint context that could not be parsed.
    #[error(transparent)]
    Context(#[from] enrollkit_lint::ContextError),
    /// A platform or OS version that could not be parsed.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// Installed-profile input the install check cannot use.
    #[error(transparent)]
    Install(#[from] enrollkit_lint::install::InstallError),
    /// A flow input (scenario, timestamp, settings).
    #[error(transparent)]
    Flow(#[from] enrollkit_flow::FlowError),
    /// A Windows package config.
    #[error(transparent)]
    PackageConfig(#[from] enrollkit_ppkg::ConfigError),
    /// A Windows answer file that could not be read.
    #[error(transparent)]
    PackageParse(#[from] enrollkit_ppkg::ParseError),
    /// A Windows answer file that could not be written.
    #[error(transparent)]
    PackageWrite(#[from] enrollkit_ppkg::WriteError),
    /// A device message or an engine request.
    #[error(transparent)]
    Protocol(#[from] enrollkit_protocol::ProtocolError),
    /// Input refused by the use case itself (for example two profiles where one is expected).
    #[error("{message}")]
    Invalid {
        /// The registry code.
        code: Code,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// An input the use case refuses, with its code.
    pub fn invalid(code: Code, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
        }
    }
}

impl Coded for Error {
    fn code(&self) -> Code {
        match self {
            Error::Profile(e) => e.code(),
            Error::Cms(e) => e.code(),
            Error::ProfileCrypto(e) => e.code(),
            Error::Context(e) => e.code(),
            Error::Argument(e) => e.code(),
            Error::Install(e) => e.code(),
            Error::Flow(e) => e.code(),
            Error::PackageConfig(e) => e.code(),
            Error::PackageParse(e) => e.code(),
            Error::PackageWrite(e) => e.code(),
            Error::Protocol(e) => e.code(),
            Error::Invalid { code, .. } => *code,
        }
    }
}
