//! Apple configuration profiles (`.mobileconfig`): a lossless model with typed
//! enrollment-critical payloads, builders, and XML / binary / signed reading and writing.
//!
//! # Reading
//! [`read_profile`] accepts XML, binary (`bplist00`) and CMS-signed profiles. A signed
//! profile is unwrapped but **not verified**: the raw container comes back in
//! [`LoadedProfile::signed`] for `enrollkit-cms` to judge. Input is bounded by [`Limits`]
//! (16 MiB, nesting depth 100, …) and every failure is a typed [`ProfileError`] with a
//! stable [`code`](ProfileError::code) — never a panic.
//!
//! # The model
//! [`Profile`] has a field for every top-level key Apple defines; each [`Payload`] is typed
//! when its `PayloadType` is one of MDM, SCEP, ACME, PKCS#12, certificate, Extensible SSO,
//! login window or Wi-Fi, and generic otherwise. Keys the model does not know — and known
//! keys whose value has an unexpected plist type — stay in `extra`, and the original key
//! order is kept, so read → write reproduces the input's values and order.
//!
//! # Building
//! [`EnrollmentProfileBuilder`] wires an identity payload and the MDM payload by UUID;
//! [`ProfileBuilder`] and [`PayloadBuilder`] build anything else. Builders refuse missing
//! required keys and derive UUIDs deterministically (UUIDv5 of the `PayloadIdentifier` in a
//! namespace), so generated profiles can be golden-tested and diffed.
//!
//! ```
//! use enrollkit_profile::*;
//!
//! let profile = EnrollmentProfileBuilder::new("com.example.enroll")
//!     .organization("Example Corp")
//!     .server_url("https://mdm.example.com/mdm")
//!     .check_in_url("https://mdm.example.com/checkin")
//!     .topic("com.apple.mgmt.External.2f9c1c7e")
//!     .server_capability(ServerCapability::PerUserConnections)
//!     .identity(IdentitySource::Scep(
//!         ScepContent::default()
//!             .with_url("https://mdm.example.com/scep")
//!             .with_challenge("one-time-challenge")
//!             .with_keysize(2048i64),
//!     ))
//!     .build()?;
//!
//! // Deterministic: the same input gives the same bytes.
//! let xml = profile.to_xml()?;
//! assert_eq!(xml, profile.clone().to_xml()?);
//!
//! // Lossless round trip through XML and binary.
//! let from_xml = read_profile(&xml, &ReadOptions::default())?;
//! let from_bin = read_profile(&profile.to_binary()?, &ReadOptions::default())?;
//! assert_eq!(from_xml.profile, profile);
//! assert_eq!(from_bin.format, SourceFormat::Binary);
//! assert_eq!(from_bin.profile, profile);
//!
//! // Secrets stay out of Debug output.
//! assert!(!format!("{profile:?}").contains("one-time-challenge"));
//! # Ok::<(), ProfileError>(())
//! ```

mod builder;
#[cfg(feature = "cms")]
pub mod crypto;
mod error;
mod field;
mod limits;
mod payload;
mod payloads;
mod profile;
mod read;
mod typed;
mod write;

pub use builder::{
    DEFAULT_NAMESPACE, EnrollmentKind, EnrollmentProfileBuilder, IdentitySource, PayloadBuilder,
    ProfileBuilder, deterministic_uuid, organization_namespace,
};
pub use enrollkit_diagnostic::{Code, Coded, Secret};
pub use error::ProfileError;
pub use field::PlistField;
pub use limits::{Limits, ReadOptions};
pub use payload::{Payload, PayloadKind, types};
pub use payloads::*;
pub use profile::Profile;
pub use read::{
    LoadedProfile, LoadedValue, SignedContainer, SourceFormat, kind_name, read_profile, read_value,
};
pub use typed::CommonKeys;
pub use write::{binary_bytes, xml_bytes};

/// `plist` re-exported, so users name the same `Value` and `Dictionary` types.
pub use plist;
