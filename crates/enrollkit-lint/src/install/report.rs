//! The verdict of an install check and its per-payload plan.

use super::*;

/// What happens to one payload when the new profile is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadChange {
    /// New payload identifier: installed.
    Added,
    /// The replaced profile's payload is not in the new profile: removed.
    Removed,
    /// Same PayloadIdentifier, different PayloadUUID: the old payload is removed and the new
    /// one installed.
    Changed,
    /// Same PayloadIdentifier and PayloadUUID: the payload is updated in place.
    UpdatedInPlace,
}

/// One line of the per-payload plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadPlan {
    /// What happens.
    pub change: PayloadChange,
    /// The payload type.
    pub payload_type: String,
    /// The payload identifier.
    pub identifier: String,
    /// Index in the new profile's PayloadContent (None for removed payloads).
    pub new_index: Option<usize>,
    /// The installed payload's UUID, if there is one.
    pub old_uuid: Option<String>,
    /// The new payload's UUID, if there is one.
    pub new_uuid: Option<String>,
    /// For updated-in-place payloads with full content on both sides: whether the settings differ.
    pub content_changed: Option<bool>,
}

/// The overall verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InstallOutcome {
    /// Installed next to the others.
    Install,
    /// Replaces the installed profile with the same identifier.
    Replace {
        /// The replaced profile's identifier.
        identifier: String,
    },
    /// The device rejects the profile (see the error diagnostics).
    Rejected,
}

/// The result of an install check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallReport {
    /// The verdict.
    pub outcome: InstallOutcome,
    /// Per-payload plan (every payload of the new profile, plus removed ones on replacement).
    pub plan: Vec<PayloadPlan>,
    /// Findings (CHK codes); payload indices refer to the new profile.
    pub diagnostics: Vec<Diagnostic>,
}

impl InstallReport {
    /// True when the device would reject the new profile.
    pub fn rejected(&self) -> bool {
        self.outcome == InstallOutcome::Rejected
    }
}
