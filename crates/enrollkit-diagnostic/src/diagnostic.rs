//! The one finding shape: code, severity, location, message, remediation.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Code;

/// How serious a finding is: what the device (or the flow) does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice: nothing breaks.
    Info,
    /// The device installs it, but something will not behave as written.
    Warning,
    /// The device (or the flow) refuses it, or it has no effect.
    Error,
}

impl Severity {
    /// The lowercase word used in human output and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding applies.
///
/// `payload_index` is the index into the profile's `PayloadContent` (absent for top-level
/// or non-profile findings); `key_path` is a dotted path such as `PayloadContent.URL` or
/// `ServerCapabilities[0]`, empty for the object as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Index into `PayloadContent`, if the finding is about one payload.
    pub payload_index: Option<usize>,
    /// Dotted key path inside the payload (or the top level, or the flow state).
    pub key_path: String,
}

impl Location {
    /// A location at the top level of the object, at `key_path`.
    pub fn top(key_path: impl Into<String>) -> Self {
        Location {
            payload_index: None,
            key_path: key_path.into(),
        }
    }

    /// A location inside payload `index`, at `key_path`.
    pub fn payload(index: usize, key_path: impl Into<String>) -> Self {
        Location {
            payload_index: Some(index),
            key_path: key_path.into(),
        }
    }
}

/// A key path at the top level.
impl From<&str> for Location {
    fn from(key_path: &str) -> Self {
        Location::top(key_path)
    }
}

/// A key path at the top level.
impl From<String> for Location {
    fn from(key_path: String) -> Self {
        Location::top(key_path)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.payload_index, self.key_path.is_empty()) {
            (Some(i), true) => write!(f, "PayloadContent[{i}]"),
            (Some(i), false) => write!(f, "PayloadContent[{i}].{}", self.key_path),
            (None, true) => f.write_str("<top>"),
            (None, false) => f.write_str(&self.key_path),
        }
    }
}

/// One finding: stable code, severity, location, message and remediation.
///
/// The severity is the code's; the remediation is the code's unless a check knows a more
/// specific one ([`Diagnostic::with_remediation`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable code from the registry (for example `MDM003`).
    pub code: Code,
    /// How serious the finding is.
    pub severity: Severity,
    /// Where it applies.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, in one sentence.
    pub remediation: String,
}

impl Diagnostic {
    /// A finding with `code`'s severity and remediation.
    pub fn new(code: Code, location: impl Into<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location: location.into(),
            message: message.into(),
            remediation: code.remediation().to_owned(),
        }
    }

    /// Replaces the remediation with one specific to this case.
    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = remediation.into();
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `SEVERITY CODE PATH: message (remediation)` — the CLI's one-line form.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}: {}",
            self.severity, self.code, self.location, self.message
        )?;
        if !self.remediation.is_empty() {
            write!(f, " ({})", self.remediation)?;
        }
        Ok(())
    }
}

/// True when any diagnostic in `diagnostics` is an error.
pub fn has_errors<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> bool {
    diagnostics.into_iter().any(Diagnostic::is_error)
}
