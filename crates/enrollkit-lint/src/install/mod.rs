//! Install check: what a device does when a new profile arrives next to the installed ones.
//!
//! The installed profiles are [`ProfileSummary`] values, built from full profiles or from the
//! device's `ProfileList` answer ([`summaries_from_value`]). [`InstalledSet`] indexes them once
//! (hash tables by identifier, payload UUID, payload type and SSO claim), so a check costs time
//! proportional to the new profile, and building the index is linear in the installed payloads.
//!
//! ```
//! use enrollkit_lint::install::{InstalledSet, ProfileSummary};
//! use enrollkit_lint::LintContext;
//! use plist::{Dictionary, Value};
//!
//! fn profile(id: &str, uuid: &str, mdm_uuid: &str, server: &str) -> Dictionary {
//!     let mut mdm = Dictionary::new();
//!     mdm.insert("PayloadType".into(), "com.apple.mdm".into());
//!     mdm.insert("PayloadIdentifier".into(), format!("{id}.mdm").into());
//!     mdm.insert("PayloadUUID".into(), mdm_uuid.into());
//!     mdm.insert("Topic".into(), "com.apple.mgmt.External.1".into());
//!     mdm.insert("ServerURL".into(), server.into());
//!     let mut top = Dictionary::new();
//!     top.insert("PayloadType".into(), "Configuration".into());
//!     top.insert("PayloadIdentifier".into(), id.into());
//!     top.insert("PayloadUUID".into(), uuid.into());
//!     top.insert("PayloadDisplayName".into(), "Old MDM".into());
//!     top.insert("PayloadContent".into(), Value::Array(vec![Value::Dictionary(mdm)]));
//!     top
//! }
//!
//! let installed = ProfileSummary::from_dictionary(&profile("com.old", "U1", "U2", "https://old"))?;
//! let device = InstalledSet::new(vec![installed]);
//! let new = ProfileSummary::from_dictionary(&profile("com.new", "U3", "U4", "https://new"))?;
//! let report = device.check(&new, &LintContext::default());
//! assert!(report.rejected());
//! assert_eq!(report.diagnostics[0].code, "CHK002");
//! assert!(report.diagnostics[0].remediation.contains("Old MDM"));
//! # Ok::<(), enrollkit_lint::install::InstallError>(())
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher, RandomState};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use enrollkit_diagnostic::{Code, Coded, Diagnostic, Location, has_errors};
use plist::{Dictionary, Value};
use serde::{Deserialize, Serialize};

use crate::context::{InstallMethod, LintContext};
use crate::lint::normalize_sso_url;
use crate::rules;
use crate::schema;

mod check;
mod index;
mod report;
mod summary;
mod update;

pub use check::InstalledSet;
use index::{KeyIndex, KeyKind, KeyRef, Owners};
pub use report::{InstallOutcome, InstallReport, PayloadChange, PayloadPlan};
pub use summary::{
    InstallError, MdmSettings, PayloadSummary, ProfileSummary, summaries_from_value,
};
pub use update::check_enrollment_update;
use update::{payload_plan, update_findings};
