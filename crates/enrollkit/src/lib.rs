//! enrollkit: the facade Rust users depend on.
//!
//! Each concern lives in its own crate; this crate re-exports them under short names:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`diagnostic`] | `enrollkit-diagnostic` | the one finding shape (code, severity, location, message, remediation) |
//! | [`profile`] | `enrollkit-profile` | Apple configuration profiles: model, builders, XML/binary/signed read and write |
//! | [`ppkg`] | `enrollkit-ppkg` | Windows provisioning answer files (`customizations.xml`): model, parse, merge, validation, icd.exe build plan |
//! | [`lint`] | `enrollkit-lint` | lint profiles against Apple's schema for a target device; install-conflict and enrollment-update checks |
//! | [`flow`] | `enrollkit-flow` | sans-IO enrollment flows: web enrollment with JIT and the 8-minute window, login-window self-service provisioning, identity → local account, scenarios |
//!
//! ```
//! use enrollkit::profile::{read_profile, ReadOptions};
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
//! let loaded = read_profile(xml, &ReadOptions::default()).unwrap();
//! assert_eq!(loaded.profile.identifier.as_deref(), Some("com.example.empty"));
//! ```

pub use enrollkit_diagnostic as diagnostic;
pub use enrollkit_flow as flow;
pub use enrollkit_lint as lint;
pub use enrollkit_ppkg as ppkg;
pub use enrollkit_profile as profile;
