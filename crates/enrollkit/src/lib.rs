//! enrollkit: the facade Rust users depend on, and the one place where the use cases are
//! composed — the CLI and every binding only translate arguments and results.
//!
//! Each concern lives in its own crate; this crate re-exports them under short names:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`diagnostic`] | `enrollkit-diagnostic` | the ground vocabulary: diagnostics, the code registry, secrets, platforms, OS versions |
//! | [`profile`] | `enrollkit-profile` | Apple configuration profiles: model, builders, XML/binary/signed read and write |
//! | [`cms`] | `enrollkit-cms` | CMS SignedData sign/verify, trust verdicts, EnvelopedData |
//! | [`lint`] | `enrollkit-lint` | lint profiles against Apple's schema for a target device; install-conflict and enrollment-update checks |
//! | [`flow`] | `enrollkit-flow` | sans-IO enrollment flows: web enrollment with JIT and the 8-minute window, login-window self-service provisioning |
//! | [`ppkg`] | `enrollkit-ppkg` | Windows provisioning answer files: model, parse, merge, validation, icd.exe build plan |
//! | [`protocol`] | `enrollkit-protocol` | the sans-IO engine of an enrollment server: check-ins, what devices sign, OpenID Connect sign-in, per-enrollment profiles, the exchanges as request handlers |
//!
//! The use cases:
//!
//! | module | what |
//! |---|---|
//! | [`load`] | read XML, binary or signed bytes, with the signer's certificates (read, not verified) |
//! | [`inspect`] | what a profile contains |
//! | [`check`] | lint for a device context; the install check against installed profiles and `ProfileList` answers, lint included, as one verdict |
//! | [`signing`] | sign, verify with a device's verdict, encrypt and decrypt profiles |
//! | [`package`] | Windows provisioning packages from a spec; answer-file checks |
//! | [`login_window`] | the macOS login-window policy as a profile: login-window text, Platform SSO for the first account |
//! | [`device`] | what devices send: check-ins read into typed fields, `Mdm-Signature` checked |
//!
//! Every failure is an [`Error`] whose [`Coded::code`] is a registry code.
//!
//! ```
//! use enrollkit::lint::{Enrollment, LintContext, Platform};
//!
//! let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
//! <plist version="1.0"><dict>
//!   <key>PayloadType</key><string>Configuration</string>
//!   <key>PayloadVersion</key><integer>1</integer>
//!   <key>PayloadIdentifier</key><string>com.example.empty</string>
//!   <key>PayloadUUID</key><string>6D1F9D5C-5B2A-4C55-9E0B-6F2D6C1A0E11</string>
//!   <key>PayloadContent</key><array/>
//! </dict></plist>"#;
//! let inspection = enrollkit::inspect::inspect(xml)?;
//! assert_eq!(inspection.identifier.as_deref(), Some("com.example.empty"));
//! let context = LintContext::new(Platform::Ios).with_enrollment(Enrollment::User);
//! let verdict = enrollkit::check::check_install(xml, Vec::new(), &context)?;
//! assert!(!verdict.rejected());
//! # Ok::<(), enrollkit::Error>(())
//! ```

pub use enrollkit_cms as cms;
pub use enrollkit_diagnostic as diagnostic;
pub use enrollkit_flow as flow;
pub use enrollkit_lint as lint;
pub use enrollkit_ppkg as ppkg;
pub use enrollkit_profile as profile;
pub use enrollkit_protocol as protocol;

pub use enrollkit_diagnostic::{
    Area, Code, Coded, Diagnostic, Location, OsVersion, Platform, Secret, Severity,
};

pub mod check;
pub mod device;
mod error;
pub mod inspect;
pub mod load;
pub mod login_window;
pub mod package;
pub mod signing;

pub use error::Error;
