//! The exception hierarchy: `EnrollkitError` and one subclass per area.

use enrollkit::Area;
use enrollkit_bindings_common::BindingError;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    enrollkit,
    EnrollkitError,
    PyException,
    "Base class of every enrollkit error. Attributes: code (registry code such as PRF006), area, message, remediation."
);
pyo3::create_exception!(
    enrollkit,
    ProfileError,
    EnrollkitError,
    "A profile could not be read, built or written (area profile, codes PRF*)."
);
pyo3::create_exception!(
    enrollkit,
    SigningError,
    EnrollkitError,
    "Signing, identity, encryption or decryption failed (area cms, codes CMS*)."
);
pyo3::create_exception!(
    enrollkit,
    LintError,
    EnrollkitError,
    "Linting or the install check could not run (areas lint and install)."
);
pyo3::create_exception!(
    enrollkit,
    FlowError,
    EnrollkitError,
    "An enrollment flow refused an input or its state could not be restored (area flow, codes FLOW*)."
);
pyo3::create_exception!(
    enrollkit,
    PackageError,
    EnrollkitError,
    "A Windows provisioning package could not be generated (area package, codes PPKG*)."
);
pyo3::create_exception!(
    enrollkit,
    ProtocolError,
    EnrollkitError,
    "The enrollment engine refused a request or could not build its answer (area protocol, codes PROT*)."
);
pyo3::create_exception!(
    enrollkit,
    InvalidArgumentError,
    EnrollkitError,
    "An argument was refused before any work was done (area argument, codes ARG*)."
);

/// Wraps a [`BindingError`] so `?` converts it into the right Python exception.
pub(crate) struct PyBindingError(pub BindingError);

impl From<BindingError> for PyBindingError {
    fn from(e: BindingError) -> Self {
        PyBindingError(e)
    }
}

impl From<PyBindingError> for PyErr {
    fn from(PyBindingError(e): PyBindingError) -> PyErr {
        let message = e.message.clone();
        // The class follows the code's area in the registry, never the code's spelling.
        let err = match e.area() {
            Area::Profile => ProfileError::new_err(message),
            Area::Cms => SigningError::new_err(message),
            Area::Lint | Area::Install => LintError::new_err(message),
            Area::Flow => FlowError::new_err(message),
            Area::Package => PackageError::new_err(message),
            Area::Protocol => ProtocolError::new_err(message),
            Area::Argument => InvalidArgumentError::new_err(message),
            Area::Io | Area::Internal => EnrollkitError::new_err(message),
        };
        Python::attach(|py| {
            let value = err.value(py);
            // setattr on a fresh exception instance cannot fail in practice; if it did, the
            // exception still carries its message.
            let _ = value.setattr("code", e.code.as_str());
            let _ = value.setattr("area", e.area().as_str());
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
