//! The ground vocabulary of enrollkit, shared by every crate, the CLI and every binding.
//!
//! * [`Diagnostic`]: the one finding shape — a stable [`Code`], a [`Severity`], a [`Location`]
//!   (payload index and key path), a message and a remediation.
//! * [`Code`] and the registry [`codes`]: every code of every area (lint, install check, flows,
//!   Windows packages, CMS, profiles, arguments, I/O) is declared once with its severity, meaning,
//!   why and remediation; error types implement [`Coded`] and point into it. One grammar for
//!   all: a family of two to four capitals and three digits ([`Code::GRAMMAR`]); each family
//!   belongs to one [`Area`]. [`docs`] renders the registry for the documentation.
//! * [`Secret`]: passwords, tokens, challenges and keys — redacted in `Debug`, zeroized on drop,
//!   never echoed by a deserialization error.
//! * [`Platform`] and [`OsVersion`]: the Apple platforms and OS versions.
//!
//! ```
//! use enrollkit_diagnostic::{codes, Location, Severity};
//!
//! let finding = codes::lint::MDM003.at(Location::payload(1, "ServerURL"), "ServerURL must use https");
//! assert!(finding.is_error());
//! assert_eq!(finding.severity, Severity::Error);
//! assert_eq!(
//!     finding.to_string(),
//!     "error MDM003 PayloadContent[1].ServerURL: ServerURL must use https \
//!      (Serve the MDM endpoints over TLS and use https:// URLs.)"
//! );
//! ```

mod code;
pub mod codes;
mod diagnostic;
pub mod docs;
mod platform;
mod secret;

pub use code::{Area, Code, CodeInfo, Coded};
pub use diagnostic::{Diagnostic, Location, Severity, has_errors};
pub use platform::{ArgumentError, OsVersion, Platform};
pub use secret::{SECRET_NOT_A_STRING, Secret};

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_code_is_unique_well_formed_and_in_its_area() {
        let mut seen = BTreeSet::new();
        for code in Code::all() {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(Code::is_well_formed(code.as_str()), "{code}");
            assert_eq!(Area::of_family(code.family()), Some(code.area()), "{code}");
            assert!(
                !code.summary().is_empty() && !code.remediation().is_empty(),
                "{code}"
            );
            assert_eq!(Code::lookup(code.as_str()), Some(code));
        }
        assert!(seen.len() > 200, "{}", seen.len());
        assert_eq!(Code::lookup("STR999"), None);
        for bad in [
            "STR01",
            "S001",
            "STRUCT001",
            "str001",
            "XYZ001",
            "STR0001",
            "STR00a",
        ] {
            assert!(!Code::is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn renamed_codes_are_old_spellings_and_point_at_live_codes() {
        let mut old = BTreeSet::new();
        for (was, now) in codes::RENAMED {
            assert!(old.insert(*was), "renamed twice: {was}");
            assert!(Code::lookup(was).is_none(), "{was} is still a live code");
            assert_eq!(Code::lookup(now.as_str()), Some(*now));
        }
        assert_eq!(
            Code::renamed("PROFILE_MALFORMED"),
            Some(codes::profile::MALFORMED)
        );
        assert_eq!(
            Code::renamed("cms.bad_signature"),
            Some(codes::cms::BAD_SIGNATURE)
        );
    }

    #[test]
    fn codes_serialize_as_strings_and_refuse_unknown_ones() {
        let d = codes::lint::STR003.at(Location::top("PayloadVersion"), "m");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["code"], "STR003");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["location"]["payload_index"], serde_json::Value::Null);
        assert_eq!(json["location"]["key_path"], "PayloadVersion");
        let back: Diagnostic = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
        let err = serde_json::from_str::<Code>("\"NOPE001\"").unwrap_err();
        assert!(err.to_string().contains("unknown enrollkit code"));
    }

    #[test]
    fn diagnostics_take_severity_and_remediation_from_the_code() {
        let d = codes::lint::STR005.at("PayloadUUID", "not a UUID");
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.remediation, codes::lint::STR005.remediation());
        let d = d.with_remediation("do this");
        assert_eq!(d.remediation, "do this");
        assert_eq!(Location::payload(2, "").to_string(), "PayloadContent[2]");
        assert_eq!(Location::top("").to_string(), "<top>");
        assert!(!has_errors([&d]));
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }

    #[test]
    fn the_docs_table_is_the_registry() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("../../docs/codes.md")).unwrap();
        assert_eq!(
            text,
            docs::codes_markdown(),
            "docs/codes.md is out of date: run `enrollkit codes --markdown > docs/codes.md`"
        );
    }
}
