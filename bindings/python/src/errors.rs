//! The exception hierarchy: `EnrollkitError` and one subclass per area.

use enrollkit_bindings_common::BindingError;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    enrollkit,
    EnrollkitError,
    PyException,
    "Base class of every enrollkit error. Attributes: code (stable string), message, remediation."
);
pyo3::create_exception!(
    enrollkit,
    ProfileError,
    EnrollkitError,
    "A profile could not be read, built or written (codes PROFILE_*)."
);
pyo3::create_exception!(
    enrollkit,
    SigningError,
    EnrollkitError,
    "Signing, identity, encryption or decryption failed (codes cms.*)."
);
pyo3::create_exception!(
    enrollkit,
    LintError,
    EnrollkitError,
    "Linting could not run (for example an invalid lint context)."
);
pyo3::create_exception!(
    enrollkit,
    FlowError,
    EnrollkitError,
    "An enrollment flow refused an event or its state could not be restored."
);
pyo3::create_exception!(
    enrollkit,
    PackageError,
    EnrollkitError,
    "A Windows provisioning package could not be generated."
);
pyo3::create_exception!(
    enrollkit,
    InvalidArgumentError,
    EnrollkitError,
    "An argument was refused before reaching the core (unknown word, out-of-range time, ...)."
);

/// Wraps a [`BindingError`] so `?` converts it into the right Python exception.
pub(crate) struct PyBindingError(pub BindingError);

impl From<BindingError> for PyBindingError {
    fn from(e: BindingError) -> Self {
        PyBindingError(e)
    }
}

/// Code prefixes of the lint, flow and package crates (see each crate's code table).
pub(crate) const LINT_PREFIXES: &[&str] = &["CTX", "INSTALL"];
/// Flow error code prefixes.
pub(crate) const FLOW_PREFIXES: &[&str] = &["FLOW"];
/// Package error code prefixes.
pub(crate) const PACKAGE_PREFIXES: &[&str] = &["PPKG"];

impl From<PyBindingError> for PyErr {
    fn from(PyBindingError(e): PyBindingError) -> PyErr {
        let message = e.message.clone();
        let code = e.code.as_str();
        let any = |prefixes: &[&str]| prefixes.iter().any(|p| code.starts_with(p));
        let err = if code.starts_with("PROFILE_") {
            ProfileError::new_err(message)
        } else if code.starts_with("cms.") {
            SigningError::new_err(message)
        } else if code == "INVALID_ARGUMENT" {
            InvalidArgumentError::new_err(message)
        } else if any(LINT_PREFIXES) {
            LintError::new_err(message)
        } else if any(FLOW_PREFIXES) {
            FlowError::new_err(message)
        } else if any(PACKAGE_PREFIXES) {
            PackageError::new_err(message)
        } else {
            EnrollkitError::new_err(message)
        };
        Python::attach(|py| {
            let value = err.value(py);
            // setattr on a fresh exception instance cannot fail in practice; if it did, the
            // exception still carries its message.
            let _ = value.setattr("code", e.code);
            let _ = value.setattr("message", e.message);
            let _ = value.setattr("remediation", e.remediation);
        });
        err
    }
}

/// Converts a common-crate result.
pub(crate) fn check<T>(r: Result<T, BindingError>) -> Result<T, PyBindingError> {
    r.map_err(PyBindingError::from)
}

/// `'text'` or `None`, for `__repr__`.
pub(crate) fn opt(value: &Option<String>) -> String {
    match value {
        Some(s) => format!("{s:?}"),
        None => "None".to_owned(),
    }
}
