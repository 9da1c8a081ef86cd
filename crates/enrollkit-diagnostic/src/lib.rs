//! The one diagnostic shape of enrollkit.
//!
//! Lint findings, install-check verdicts, enrollment-flow failures and Windows answer-file
//! findings all use [`Diagnostic`]: a stable code, a [`Severity`], a [`Location`] (payload
//! index and key path), a human message and a remediation. The same values reach Rust, the
//! CLI, Python, Kotlin and Swift, so a code means the same thing everywhere.
//!
//! ```
//! use enrollkit_diagnostic::{Diagnostic, Location, Severity};
//!
//! let finding = Diagnostic::new(
//!     "MDM003",
//!     Severity::Error,
//!     Location::payload(1, "ServerURL"),
//!     "ServerURL must use https",
//!     "Serve the MDM endpoint over TLS and use an https:// URL",
//! );
//! assert!(finding.is_error());
//! assert_eq!(
//!     finding.to_string(),
//!     "error MDM003 PayloadContent[1].ServerURL: ServerURL must use https \
//!      (Serve the MDM endpoint over TLS and use an https:// URL)"
//! );
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: nothing breaks, but the reader should know.
    Info,
    /// Something will probably not behave as intended.
    Warning,
    /// The device (or the flow) will reject this.
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable code, documented in the crate that emits it (for example `MDM003`).
    pub code: String,
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
    /// Builds a diagnostic.
    pub fn new(
        code: impl Into<String>,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            location,
            message: message.into(),
            remediation: remediation.into(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_stable() {
        let d = Diagnostic::new(
            "STR001",
            Severity::Warning,
            Location::top("PayloadVersion"),
            "m",
            "r",
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["severity"], "warning");
        assert_eq!(json["location"]["payload_index"], serde_json::Value::Null);
        assert_eq!(json["location"]["key_path"], "PayloadVersion");
        let back: Diagnostic = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn display_forms() {
        assert_eq!(Location::payload(2, "").to_string(), "PayloadContent[2]");
        assert_eq!(Location::top("").to_string(), "<top>");
        let d = Diagnostic::new("X1", Severity::Info, Location::top("A"), "msg", "");
        assert_eq!(d.to_string(), "info X1 A: msg");
        assert!(!has_errors([&d]));
    }

    #[test]
    fn severity_orders_by_seriousness() {
        assert!(Severity::Error > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
    }
}
