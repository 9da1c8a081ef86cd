//! Python bindings for enrollkit (pyo3), packaged by maturin as `enrollkit._native` and
//! re-exported by the pure-Python `enrollkit` package.
//!
//! The capability set lives in `enrollkit-bindings-common` (shared with the uniffi binding);
//! this crate gives it a Python shape: classes with properties, keyword arguments, `bytes`
//! in and out, and one exception hierarchy rooted at `enrollkit.EnrollkitError` whose
//! instances carry `.code`, `.message` and `.remediation`.
//!
//! Heavy operations (parsing, signing, verifying, encrypting, linting) run with the GIL
//! released (`py.detach`), and every class is immutable and `Send + Sync`, so objects can be
//! shared between threads.

// The pyo3 macros expand to `unsafe` FFI glue; no hand-written unsafe code lives here.
#![allow(unsafe_code)]

mod errors;
mod flow;
mod profile;
mod protocol;
mod signing;

/// The native part of the `enrollkit` package.
#[pyo3::pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::errors::{
        EnrollkitError, FlowError, InvalidArgumentError, LintError, PackageError, ProfileError,
        ProtocolError, SigningError,
    };
    #[pymodule_export]
    use crate::flow::{
        DerivedAccount, Finding, FlowStep, InstallCheck, WindowsPackage, check_install,
        derive_account_name, generate_windows_package, lint_profile, login_flow_handle,
        login_flow_new, login_flow_state, login_flow_view, validate_account_name,
        validate_answer_file, validate_pin, web_flow_handle, web_flow_new, web_flow_state,
        web_flow_status,
    };
    #[pymodule_export]
    use crate::profile::{
        AcmeIdentity, MdmInfo, PayloadInfo, Pkcs12Identity, Profile, ScepIdentity,
        build_enrollment_profile,
    };
    #[pymodule_export]
    use crate::protocol::{
        CheckinInfo, EngineReply, ProtocolEngine, parse_checkin, verify_mdm_signature,
    };
    #[pymodule_export]
    use crate::signing::{
        Identity, Signer, TrustStore, Verification, decrypt, encrypt, parse_certificates, sign,
        verify,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
