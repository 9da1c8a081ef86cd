//! The FFI-shaped facade over the enrollkit core, shared by the uniffi (Swift, Kotlin) and
//! pyo3 (Python) bindings.
//!
//! Each binding crate is then a thin layer of type mirrors over this one, so a capability is
//! implemented once and the bindings cannot drift apart in behaviour. Everything here takes
//! and returns plain data (bytes, strings, small records), and every failure is one
//! [`BindingError`] with a stable code, a readable message and a remediation.
//!
//! ```
//! use enrollkit_bindings_common::profile::{
//!     EnrollmentSpec, IdentitySpec, ScepSpec, build_enrollment_profile, inspect, read_profile, to_xml,
//! };
//!
//! let spec = EnrollmentSpec::new(
//!     "com.example.enroll",
//!     "https://mdm.example.com/mdm",
//!     "com.apple.mgmt.External.1",
//!     IdentitySpec::Scep(ScepSpec {
//!         url: "https://mdm.example.com/scep".into(),
//!         name: None,
//!         challenge: Some("secret".into()),
//!         subject: vec![],
//!         key_size: Some(2048),
//!     }),
//! );
//! let profile = build_enrollment_profile(spec)?;
//! let again = read_profile(&to_xml(&profile)?)?;
//! assert_eq!(inspect(&again.profile).payloads.len(), 2);
//! # Ok::<(), enrollkit_bindings_common::BindingError>(())
//! ```

pub mod error;
pub mod finding;
pub mod flow;
pub mod lint;
pub mod ppkg;
pub mod profile;
pub mod protocol;
pub mod signing;

pub use enrollkit::cms::{CmsSigner, SigningIdentity, Verifier};
pub use enrollkit::profile::Profile;
pub use enrollkit::{Diagnostic, Location, Severity};
pub use error::BindingError;
pub use finding::Finding;
