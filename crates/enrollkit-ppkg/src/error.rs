//! Error types. Each has a stable `code()`; none carries a secret value.

use enrollkit_diagnostic::codes::package as codes;
use enrollkit_diagnostic::{Code, Coded};
use thiserror::Error;

/// Reading an answer file failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input exceeds [`crate::Limits::max_input_bytes`].
    #[error("answer file is {size} bytes, larger than the {limit}-byte limit")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Element nesting exceeds [`crate::Limits::max_depth`].
    #[error("elements nest deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The document has more nodes than [`crate::Limits::max_nodes`].
    #[error("more than {limit} XML nodes")]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// Not UTF-8.
    #[error("unsupported encoding: {0}")]
    Encoding(String),
    /// Not well-formed XML.
    #[error("XML is not well-formed at byte {offset}: {reason}")]
    Xml {
        /// Byte offset of the event that failed.
        offset: u64,
        /// What the XML reader reported.
        reason: String,
    },
    /// Well-formed, but not shaped like a document at all (no root, DOCTYPE, ...).
    #[error("{0}")]
    Structure(String),
    /// The root is not `WindowsCustomizations`, or a required part is missing.
    #[error("not a Windows provisioning answer file: {0}")]
    NotAnswerFile(String),
    /// A typed setting holds a value of the wrong kind (for example `Maybe` for a boolean).
    #[error("{path}: {reason}")]
    BadValue {
        /// Path of the setting.
        path: String,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
}

impl Coded for ParseError {
    fn code(&self) -> Code {
        match self {
            ParseError::TooLarge { .. } => codes::INPUT_TOO_LARGE,
            ParseError::TooDeep { .. } => codes::TOO_DEEP,
            ParseError::TooManyNodes { .. } => codes::TOO_MANY_NODES,
            ParseError::Encoding(_) => codes::ENCODING,
            ParseError::Xml { .. } => codes::XML_MALFORMED,
            ParseError::Structure(_) => codes::XML_STRUCTURE,
            ParseError::NotAnswerFile(_) => codes::NOT_ANSWER_FILE,
            ParseError::BadValue { .. } => codes::BAD_SETTING_VALUE,
        }
    }
}

/// Writing an answer file failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The XML writer failed.
    #[error("XML writer failed: {0}")]
    Io(#[from] std::io::Error),
    /// An element has an empty or unusable name.
    #[error("invalid element name `{0}`")]
    InvalidName(String),
    /// A comment contains `--` or ends with `-`, which XML forbids.
    #[error("a comment contains `--` or ends with `-`")]
    InvalidComment,
}

impl Coded for WriteError {
    fn code(&self) -> Code {
        match self {
            WriteError::Io(_) => codes::WRITE_FAILED,
            WriteError::InvalidName(_) => codes::INVALID_ELEMENT_NAME,
            WriteError::InvalidComment => codes::INVALID_COMMENT,
        }
    }
}

/// A value cannot be placed into a command line safely.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecipeError {
    /// A user name outside `^[A-Za-z0-9._-]{1,20}$`.
    #[error("user name `{0}` is not allowed in a command line (use 1-20 of A-Z a-z 0-9 . _ -)")]
    UnsafeUserName(String),
    /// A file name with characters `cmd.exe` would interpret, or a path separator.
    #[error(
        "file name `{0}` is not allowed in a command line (use 1-100 of A-Z a-z 0-9 . _ - and no leading dot)"
    )]
    UnsafeFileName(String),
    /// A secret token (connect key) with characters `cmd.exe` would interpret.
    #[error(
        "the connect key contains characters that are unsafe in a command line (allowed: A-Z a-z 0-9 . _ -), or is empty"
    )]
    UnsafeSecretToken,
    /// A literal installer argument with characters `cmd.exe` would interpret.
    #[error("argument `{0}` is not allowed in a command line (allowed: A-Z a-z 0-9 . _ - / : = +)")]
    UnsafeArgument(String),
}

impl Coded for RecipeError {
    fn code(&self) -> Code {
        match self {
            RecipeError::UnsafeUserName(_) => codes::UNSAFE_USER_NAME,
            RecipeError::UnsafeFileName(_) => codes::UNSAFE_FILE_NAME,
            RecipeError::UnsafeSecretToken => codes::UNSAFE_SECRET_TOKEN,
            RecipeError::UnsafeArgument(_) => codes::UNSAFE_ARGUMENT,
        }
    }
}

/// Building the plan or the package outputs failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The answer file references a file that no asset supplies.
    #[error("the answer file references `{0}` but no asset with that file name was supplied")]
    MissingAsset(String),
    /// An asset is supplied that nothing references.
    #[error("asset `{0}` is not referenced by any CommandFile or Dependency")]
    UnreferencedAsset(String),
    /// Two assets share a file name (Windows compares case-insensitively).
    #[error("two assets are named `{0}` (file names must be unique, ignoring case)")]
    DuplicateAsset(String),
    /// A build option is not usable.
    #[error("{0}")]
    BadOption(String),
    /// An asset named `.msi` does not start with the OLE compound-file signature.
    #[error(
        "asset `{name}` is not an MSI: a Windows Installer package is an OLE compound file, and this {size}-byte file does not start like one"
    )]
    NotAnMsi {
        /// The asset's file name.
        name: String,
        /// Its size in bytes.
        size: usize,
    },
    /// A value is unsafe for a command line.
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    /// The answer file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The manifest could not be serialized.
    #[error("manifest serialization failed: {0}")]
    Manifest(String),
}

impl Coded for BuildError {
    fn code(&self) -> Code {
        match self {
            BuildError::MissingAsset(_) => codes::MISSING_ASSET,
            BuildError::UnreferencedAsset(_) => codes::UNREFERENCED_ASSET,
            BuildError::DuplicateAsset(_) => codes::DUPLICATE_ASSET,
            BuildError::BadOption(_) => codes::BAD_BUILD_OPTION,
            BuildError::NotAnMsi { .. } => codes::NOT_AN_MSI,
            BuildError::Recipe(e) => e.code(),
            BuildError::Write(e) => e.code(),
            BuildError::Manifest(_) => codes::MANIFEST_FAILED,
        }
    }
}

/// The TOML package configuration is unusable.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// TOML syntax or shape error.
    #[error("config is not valid: {0}")]
    Toml(String),
    /// A value in the config is not acceptable.
    #[error("{field}: {reason}")]
    BadValue {
        /// Dotted config key.
        field: String,
        /// Why.
        reason: String,
    },
    /// An asset named by the config was not supplied by the caller.
    #[error("asset `{0}` named in the config was not supplied")]
    MissingAsset(String),
    /// The base answer file named in `[merge]` could not be parsed.
    #[error("base answer file: {0}")]
    Base(#[from] ParseError),
    /// The `[merge]` file and the config both set a once-only setting.
    #[error(
        "merging `{file}`: {conflict}; set [merge] precedence = \"ours\" or \"theirs\" to keep one"
    )]
    MergeConflict {
        /// The `[merge]` answer file, as the config names it.
        file: String,
        /// What both set.
        conflict: crate::merge::MergeConflict,
    },
    /// A secret names an environment variable the caller did not supply.
    #[error("{field}: the secret is read from `{variable}`, which is not set")]
    MissingSecret {
        /// Dotted config key.
        field: String,
        /// The variable name.
        variable: String,
    },
    /// Building the outputs failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A command line could not be formed safely.
    #[error(transparent)]
    Recipe(#[from] RecipeError),
}

impl Coded for ConfigError {
    fn code(&self) -> Code {
        match self {
            ConfigError::Toml(_) => codes::CONFIG_SYNTAX,
            ConfigError::BadValue { .. } => codes::CONFIG_VALUE,
            ConfigError::MergeConflict { .. } => codes::MERGE_CONFLICT,
            ConfigError::MissingAsset(_) => codes::CONFIG_MISSING_ASSET,
            ConfigError::MissingSecret { .. } => codes::CONFIG_MISSING_SECRET,
            ConfigError::Base(e) => e.code(),
            ConfigError::Build(e) => e.code(),
            ConfigError::Recipe(e) => e.code(),
        }
    }
}
