//! The diagnostic shape in FFI-friendly types.

use enrollkit::{Diagnostic, Severity};

/// One finding: stable code, severity, location, message and remediation.
///
/// The same fields as `enrollkit_diagnostic::Diagnostic`, with the payload index as `u64`
/// and the severity as its lowercase word (`info`, `warning`, `error`), which every binding
/// can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Registry code (e.g. `MDM003`, `FLOW107`).
    pub code: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// Index into `PayloadContent`, when the finding is about one payload.
    pub payload_index: Option<u64>,
    /// Dotted key path (empty for the object as a whole).
    pub key_path: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub remediation: String,
}

impl Finding {
    /// True for error severity.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error.as_str()
    }
}

impl From<&Diagnostic> for Finding {
    fn from(d: &Diagnostic) -> Self {
        Finding {
            code: d.code.to_string(),
            severity: d.severity.as_str().to_owned(),
            payload_index: d.location.payload_index.map(|i| i as u64),
            key_path: d.location.key_path.clone(),
            message: d.message.clone(),
            remediation: d.remediation.clone(),
        }
    }
}
