//! Install check: what a device does when a new profile arrives next to the installed ones.
//!
//! The installed profiles are [`ProfileSummary`] values, built from full profiles or from the
//! device's `ProfileList` answer ([`summaries_from_value`]). [`InstalledSet`] indexes them once
//! (hash maps by identifier, payload UUID, payload type and SSO claim), so a check costs time
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
use std::hash::{DefaultHasher, Hash, Hasher};

use enrollkit_diagnostic::{Diagnostic, Location, has_errors};
use plist::{Dictionary, Value};
use serde::{Deserialize, Serialize};

use crate::context::{InstallMethod, LintContext};
use crate::lint::normalize_sso_url;
use crate::rules;
use crate::schema;

/// A summary that could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallError {
    /// The profile (or ProfileList entry) has no PayloadIdentifier string.
    #[error("profile entry {0} has no PayloadIdentifier string")]
    MissingIdentifier(usize),
    /// The value is neither a profile, a ProfileList answer nor an array of entries.
    #[error("not a profile, a ProfileList answer or an array of ProfileList entries")]
    NotAProfileList,
}

impl InstallError {
    /// Stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            InstallError::MissingIdentifier(_) => "INSTALL001",
            InstallError::NotAProfileList => "INSTALL002",
        }
    }
}

/// The MDM keys that matter for updates of an enrollment profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MdmSettings {
    /// `Topic`.
    pub topic: Option<String>,
    /// `ServerURL`.
    pub server_url: Option<String>,
    /// `CheckInURL`.
    pub check_in_url: Option<String>,
    /// `AssignedManagedAppleID`.
    pub assigned_managed_apple_id: Option<String>,
    /// `EnrollmentMode`.
    pub enrollment_mode: Option<String>,
    /// `RequiredAppIDForMDM`.
    pub required_app_id: Option<i64>,
    /// `AccessRights`.
    pub access_rights: Option<i64>,
    /// Whether `ServerCapabilities` has `com.apple.mdm.per-user-connections`.
    pub per_user_connections: bool,
}

impl MdmSettings {
    fn from_payload(d: &Dictionary) -> Self {
        let s = |k: &str| d.get(k).and_then(Value::as_string).map(str::to_owned);
        let i = |k: &str| d.get(k).and_then(Value::as_signed_integer);
        MdmSettings {
            topic: s("Topic"),
            server_url: s("ServerURL"),
            check_in_url: s("CheckInURL"),
            assigned_managed_apple_id: s("AssignedManagedAppleID"),
            enrollment_mode: s("EnrollmentMode"),
            required_app_id: i("RequiredAppIDForMDM"),
            access_rights: i("AccessRights"),
            per_user_connections: d
                .get("ServerCapabilities")
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter()
                        .any(|c| c.as_string() == Some("com.apple.mdm.per-user-connections"))
                }),
        }
    }
}

/// One payload of a profile summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadSummary {
    /// `PayloadType` (empty if absent).
    pub payload_type: String,
    /// `PayloadIdentifier` (empty if absent).
    pub identifier: String,
    /// `PayloadUUID` (empty if absent).
    pub uuid: String,
    /// MDM keys, for `com.apple.mdm` payloads when known.
    pub mdm: Option<MdmSettings>,
    /// Extensible SSO `URLs`, normalised (scheme and host lowercased).
    pub sso_urls: Vec<String>,
    /// Extensible SSO `Hosts`, lowercased.
    pub sso_hosts: Vec<String>,
    /// Hash of the whole payload dictionary, when the full payload was known.
    pub fingerprint: Option<u64>,
}

/// A profile as the install check sees it: identity, payloads, signer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSummary {
    /// Top-level `PayloadIdentifier`.
    pub identifier: String,
    /// Top-level `PayloadUUID` (empty if absent).
    pub uuid: String,
    /// `PayloadDisplayName`, if any.
    pub display_name: Option<String>,
    /// The payloads, in order.
    pub payloads: Vec<PayloadSummary>,
    /// DER signer certificate first, then intermediates (as `ProfileList` reports
    /// `SignerCertificates`); empty when unsigned or unknown.
    pub signer_certificates: Vec<Vec<u8>>,
}

fn fingerprint(value: &Value, h: &mut DefaultHasher) {
    match value {
        Value::Array(a) => {
            0u8.hash(h);
            a.len().hash(h);
            a.iter().for_each(|v| fingerprint(v, h));
        }
        Value::Dictionary(d) => {
            1u8.hash(h);
            d.len().hash(h);
            for (k, v) in d {
                k.hash(h);
                fingerprint(v, h);
            }
        }
        Value::Boolean(b) => (2u8, b).hash(h),
        Value::Data(b) => (3u8, b).hash(h),
        Value::Date(d) => (4u8, d.to_xml_format()).hash(h),
        Value::Real(r) => (5u8, r.to_bits()).hash(h),
        Value::Integer(i) => (6u8, i.as_signed(), i.as_unsigned()).hash(h),
        Value::String(s) => (7u8, s).hash(h),
        Value::Uid(u) => (8u8, u.get()).hash(h),
        _ => 9u8.hash(h),
    }
}

impl PayloadSummary {
    /// Summarises one payload dictionary (full payload or ProfileList payload entry).
    pub fn from_dictionary(d: &Dictionary) -> Self {
        let s = |k: &str| {
            d.get(k)
                .and_then(Value::as_string)
                .unwrap_or_default()
                .to_owned()
        };
        let payload_type = s("PayloadType");
        let list = |k: &str| -> Vec<String> {
            d.get(k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_string)
                .map(str::to_owned)
                .collect()
        };
        let (sso_urls, sso_hosts) = if payload_type == "com.apple.extensiblesso" {
            (
                list("URLs").iter().map(|u| normalize_sso_url(u)).collect(),
                list("Hosts")
                    .iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let mdm = (payload_type == "com.apple.mdm").then(|| MdmSettings::from_payload(d));
        // A ProfileList entry carries only identity keys; hashing it would suggest content.
        let full = d.keys().any(|k| !k.starts_with("Payload") && k != "Type");
        let fingerprint = full.then(|| {
            let mut h = DefaultHasher::new();
            fingerprint(&Value::Dictionary(d.clone()), &mut h);
            h.finish()
        });
        PayloadSummary {
            identifier: s("PayloadIdentifier"),
            uuid: s("PayloadUUID"),
            payload_type,
            mdm,
            sso_urls,
            sso_hosts,
            fingerprint,
        }
    }
}

impl ProfileSummary {
    /// Summarises a full profile or one `ProfileList` entry (which has the same identity keys,
    /// a `PayloadContent` array of payload summaries and optionally `SignerCertificates`).
    pub fn from_dictionary(d: &Dictionary) -> Result<Self, InstallError> {
        Self::from_entry(0, d)
    }

    fn from_entry(index: usize, d: &Dictionary) -> Result<Self, InstallError> {
        let identifier = d
            .get("PayloadIdentifier")
            .and_then(Value::as_string)
            .ok_or(InstallError::MissingIdentifier(index))?
            .to_owned();
        let payloads = d
            .get("PayloadContent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_dictionary)
            .map(PayloadSummary::from_dictionary)
            .collect();
        let signer_certificates = d
            .get("SignerCertificates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_data)
            .map(<[u8]>::to_vec)
            .collect();
        Ok(ProfileSummary {
            identifier,
            uuid: d
                .get("PayloadUUID")
                .and_then(Value::as_string)
                .unwrap_or_default()
                .to_owned(),
            display_name: d
                .get("PayloadDisplayName")
                .and_then(Value::as_string)
                .map(str::to_owned),
            payloads,
            signer_certificates,
        })
    }

    /// Sets the signer chain (leaf first), for profiles read from a signed container.
    pub fn with_signer_certificates(mut self, certificates: Vec<Vec<u8>>) -> Self {
        self.signer_certificates = certificates;
        self
    }

    /// The MDM payload's settings, if the profile has an MDM payload.
    pub fn mdm(&self) -> Option<(usize, &MdmSettings)> {
        self.payloads
            .iter()
            .enumerate()
            .find_map(|(i, p)| p.mdm.as_ref().map(|m| (i, m)))
    }

    /// `"Display Name" (identifier)`, or just the identifier.
    pub fn label(&self) -> String {
        match &self.display_name {
            Some(name) => format!("\"{name}\" ({})", self.identifier),
            None => self.identifier.clone(),
        }
    }

    fn signer(&self) -> Option<&[u8]> {
        self.signer_certificates.first().map(Vec::as_slice)
    }
}

/// Reads installed-profile summaries from a plist value: a profile dictionary, a `ProfileList`
/// command answer (`{ProfileList: [...]}`), or an array of `ProfileList` entries.
pub fn summaries_from_value(value: &Value) -> Result<Vec<ProfileSummary>, InstallError> {
    let entries: &[Value] = match value {
        Value::Dictionary(d) => match d.get("ProfileList") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(InstallError::NotAProfileList),
            None => return Ok(vec![ProfileSummary::from_dictionary(d)?]),
        },
        Value::Array(list) => list,
        _ => return Err(InstallError::NotAProfileList),
    };
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.as_dictionary()
                .ok_or(InstallError::NotAProfileList)
                .and_then(|d| ProfileSummary::from_entry(i, d))
        })
        .collect()
}

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

/// Up to two distinct owning profiles: enough to find "another profile than the replaced one".
#[derive(Debug, Clone, Copy, Default)]
struct Owners([Option<usize>; 2]);

impl Owners {
    fn add(&mut self, profile: usize) {
        match self.0 {
            [Some(a), _] if a == profile => {}
            [Some(_), Some(b)] if b == profile => {}
            [None, _] => self.0[0] = Some(profile),
            [Some(_), None] => self.0[1] = Some(profile),
            _ => {}
        }
    }

    fn other_than(&self, replaced: Option<usize>) -> Option<usize> {
        self.0
            .iter()
            .flatten()
            .copied()
            .find(|p| Some(*p) != replaced)
    }
}

/// Records `profile` as an owner of `key`, allocating the key only the first time it is seen.
fn add_owner(map: &mut HashMap<String, Owners>, key: &str, profile: usize) {
    match map.get_mut(key) {
        Some(owners) => owners.add(profile),
        None => {
            let mut owners = Owners::default();
            owners.add(profile);
            map.insert(key.to_owned(), owners);
        }
    }
}

/// The installed profiles of one device, indexed for install checks.
#[derive(Debug, Clone, Default)]
pub struct InstalledSet {
    profiles: Vec<ProfileSummary>,
    by_identifier: HashMap<String, usize>,
    by_uuid: HashMap<String, Owners>,
    by_type: HashMap<String, Owners>,
    mdm: Owners,
    sso_urls: HashMap<String, Owners>,
    sso_hosts: HashMap<String, Owners>,
}

impl InstalledSet {
    /// Indexes `profiles` (linear in the number of installed payloads).
    pub fn new(profiles: Vec<ProfileSummary>) -> Self {
        let payload_count: usize = profiles.iter().map(|p| p.payloads.len()).sum();
        let mut set = InstalledSet {
            by_identifier: HashMap::with_capacity(profiles.len()),
            by_uuid: HashMap::with_capacity(profiles.len() + payload_count),
            ..InstalledSet::default()
        };
        for (i, p) in profiles.iter().enumerate() {
            set.by_identifier.entry(p.identifier.clone()).or_insert(i);
            if !p.uuid.is_empty() {
                set.by_uuid.entry(p.uuid.clone()).or_default().add(i);
            }
            for payload in &p.payloads {
                if !payload.uuid.is_empty() {
                    set.by_uuid.entry(payload.uuid.clone()).or_default().add(i);
                }
                add_owner(&mut set.by_type, &payload.payload_type, i);
                if payload.payload_type == "com.apple.mdm" {
                    set.mdm.add(i);
                }
                for u in &payload.sso_urls {
                    add_owner(&mut set.sso_urls, u, i);
                }
                for h in &payload.sso_hosts {
                    add_owner(&mut set.sso_hosts, h, i);
                }
            }
        }
        set.profiles = profiles;
        set
    }

    /// The installed profiles.
    pub fn profiles(&self) -> &[ProfileSummary] {
        &self.profiles
    }

    fn profile(&self, index: usize) -> Option<&ProfileSummary> {
        self.profiles.get(index)
    }

    /// What the device does with `new` (cost proportional to `new`, not to the installed set).
    pub fn check(&self, new: &ProfileSummary, ctx: &LintContext) -> InstallReport {
        let mut out = Vec::new();
        let replaced_index = self.by_identifier.get(&new.identifier).copied();
        let replaced = replaced_index.and_then(|i| self.profile(i));

        let plan = match replaced {
            Some(old) => {
                out.push(rules::CHK001.at(
                    Location::top("PayloadIdentifier"),
                    format!("replaces the installed profile {}", old.label()),
                ));
                if ctx.install == InstallMethod::Manual
                    && old.signer().is_some()
                    && old.signer() != new.signer()
                {
                    let how = if new.signer().is_some() {
                        "signed by a different identity"
                    } else {
                        "unsigned"
                    };
                    out.push(rules::CHK010.at(
                        Location::top(""),
                        format!(
                            "the installed profile {} is signed; the new one is {how}",
                            old.label()
                        ),
                    ));
                }
                match (old.mdm(), new.mdm()) {
                    (Some(_), None) => out.push(rules::CHK011.at(
                        Location::top("PayloadContent"),
                        format!("the replacement drops the MDM payload of {}", old.label()),
                    )),
                    (Some(_), Some(_)) => {
                        out.extend(update_findings(old, new, ctx.install == InstallMethod::Mdm));
                    }
                    _ => {}
                }
                payload_plan(old, new)
            }
            None => new
                .payloads
                .iter()
                .enumerate()
                .map(|(i, p)| PayloadPlan {
                    change: PayloadChange::Added,
                    payload_type: p.payload_type.clone(),
                    identifier: p.identifier.clone(),
                    new_index: Some(i),
                    old_uuid: None,
                    new_uuid: Some(p.uuid.clone()).filter(|u| !u.is_empty()),
                    content_changed: None,
                })
                .collect(),
        };

        if let Some((index, _)) = new.mdm()
            && let Some(other) = self
                .mdm
                .other_than(replaced_index)
                .and_then(|i| self.profile(i))
        {
            out.push(rules::CHK002.at_with(
                Location::payload(index, ""),
                format!(
                    "The new MDM payload does not match the old payload: {} already holds the device's MDM payload",
                    other.label()
                ),
                format!(
                    "Remove the existing management profile {} (Settings > General > VPN & Device Management > Remove Management), then install this one",
                    other.label()
                ),
            ));
        }

        if !new.uuid.is_empty()
            && let Some(other) = self.owner(&self.by_uuid, &new.uuid, replaced_index)
        {
            out.push(rules::CHK004.at(
                Location::top("PayloadUUID"),
                format!(
                    "PayloadUUID {:?} is already used by {}",
                    new.uuid,
                    other.label()
                ),
            ));
        }
        for (i, p) in new.payloads.iter().enumerate() {
            let single = schema::payload_schemas(&p.payload_type)
                .first()
                .is_some_and(|s| s.support(ctx.platform).multiple == Some(false));
            if single
                && p.payload_type != "com.apple.mdm"
                && let Some(other) = self.owner(&self.by_type, &p.payload_type, replaced_index)
            {
                out.push(rules::CHK003.at(
                    Location::payload(i, "PayloadType"),
                    format!(
                        "{} allows one payload per device and {} already has one",
                        p.payload_type,
                        other.label()
                    ),
                ));
            }
            if !p.uuid.is_empty()
                && let Some(other) = self.owner(&self.by_uuid, &p.uuid, replaced_index)
            {
                out.push(rules::CHK004.at(
                    Location::payload(i, "PayloadUUID"),
                    format!(
                        "PayloadUUID {:?} is already used by {}",
                        p.uuid,
                        other.label()
                    ),
                ));
            }
            for (j, url) in p.sso_urls.iter().enumerate() {
                if let Some(other) = self.owner(&self.sso_urls, url, replaced_index) {
                    out.push(rules::CHK005.at(
                        Location::payload(i, format!("URLs[{j}]")),
                        format!("SSO URL {url:?} is already claimed by {}", other.label()),
                    ));
                }
            }
            for (j, host) in p.sso_hosts.iter().enumerate() {
                if let Some(other) = self.owner(&self.sso_hosts, host, replaced_index) {
                    out.push(rules::CHK005.at(
                        Location::payload(i, format!("Hosts[{j}]")),
                        format!("SSO host {host:?} is already claimed by {}", other.label()),
                    ));
                }
            }
        }

        let outcome = if has_errors(&out) {
            InstallOutcome::Rejected
        } else if let Some(old) = replaced {
            InstallOutcome::Replace {
                identifier: old.identifier.clone(),
            }
        } else {
            InstallOutcome::Install
        };
        InstallReport {
            outcome,
            plan,
            diagnostics: out,
        }
    }

    fn owner(
        &self,
        map: &HashMap<String, Owners>,
        key: &str,
        replaced: Option<usize>,
    ) -> Option<&ProfileSummary> {
        map.get(key)
            .and_then(|o| o.other_than(replaced))
            .and_then(|i| self.profile(i))
    }
}

/// Compares an installed enrollment profile with its intended update. Errors for changes the
/// device rejects (immutable MDM keys, added access rights); warnings for a changed top-level
/// PayloadIdentifier or signer.
pub fn check_enrollment_update(old: &ProfileSummary, new: &ProfileSummary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if old.identifier != new.identifier {
        out.push(rules::CHK008.at(
            Location::top("PayloadIdentifier"),
            format!(
                "PayloadIdentifier changes from {:?} to {:?}: the device adds a second profile instead of replacing",
                old.identifier, new.identifier
            ),
        ));
    }
    out.extend(update_findings(old, new, true));
    out
}

fn update_findings(
    old: &ProfileSummary,
    new: &ProfileSummary,
    signer_warning: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if signer_warning && old.signer() != new.signer() {
        out.push(rules::CHK009.at(
            Location::top(""),
            "the update is signed by a different identity than the installed profile".to_owned(),
        ));
    }
    let (Some((_, a)), Some((index, b))) = (old.mdm(), new.mdm()) else {
        return out;
    };
    let fields: [(&str, Option<String>, Option<String>); 6] = [
        ("Topic", a.topic.clone(), b.topic.clone()),
        ("ServerURL", a.server_url.clone(), b.server_url.clone()),
        ("CheckInURL", a.check_in_url.clone(), b.check_in_url.clone()),
        (
            "AssignedManagedAppleID",
            a.assigned_managed_apple_id.clone(),
            b.assigned_managed_apple_id.clone(),
        ),
        (
            "EnrollmentMode",
            a.enrollment_mode.clone(),
            b.enrollment_mode.clone(),
        ),
        (
            "RequiredAppIDForMDM",
            a.required_app_id.map(|v| v.to_string()),
            b.required_app_id.map(|v| v.to_string()),
        ),
    ];
    for (key, before, after) in fields {
        if before != after {
            let show = |v: &Option<String>| {
                v.as_deref()
                    .map_or("absent".to_owned(), |s| format!("{s:?}"))
            };
            out.push(rules::CHK006.at(
                Location::payload(index, key),
                format!("{key} changes from {} to {}", show(&before), show(&after)),
            ));
        }
    }
    if a.per_user_connections != b.per_user_connections {
        let what = if b.per_user_connections {
            "added"
        } else {
            "removed"
        };
        out.push(rules::CHK006.at(
            Location::payload(index, "ServerCapabilities"),
            format!("com.apple.mdm.per-user-connections is {what}"),
        ));
    }
    // Compared only when both sides state AccessRights: the schema gives no default.
    if let (Some(before), Some(after)) = (a.access_rights, b.access_rights) {
        let gained = after & !before;
        if gained != 0 {
            out.push(rules::CHK007.at(
                Location::payload(index, "AccessRights"),
                format!("AccessRights gains bits {gained} ({before} -> {after})"),
            ));
        }
    }
    out
}

fn payload_plan(old: &ProfileSummary, new: &ProfileSummary) -> Vec<PayloadPlan> {
    let mut old_by_id: HashMap<&str, &PayloadSummary> = HashMap::new();
    for p in &old.payloads {
        old_by_id.entry(p.identifier.as_str()).or_insert(p);
    }
    let mut plan = Vec::new();
    let mut matched: HashMap<&str, ()> = HashMap::new();
    for (i, p) in new.payloads.iter().enumerate() {
        let new_uuid = Some(p.uuid.clone()).filter(|u| !u.is_empty());
        let (change, old_uuid, content_changed) = match old_by_id.get(p.identifier.as_str()) {
            Some(o) if matched.insert(p.identifier.as_str(), ()).is_none() => {
                let change = if o.uuid == p.uuid {
                    PayloadChange::UpdatedInPlace
                } else {
                    PayloadChange::Changed
                };
                let content = match (o.fingerprint, p.fingerprint) {
                    (Some(a), Some(b)) if change == PayloadChange::UpdatedInPlace => Some(a != b),
                    _ => None,
                };
                (change, Some(o.uuid.clone()), content)
            }
            _ => (PayloadChange::Added, None, None),
        };
        plan.push(PayloadPlan {
            change,
            payload_type: p.payload_type.clone(),
            identifier: p.identifier.clone(),
            new_index: Some(i),
            old_uuid,
            new_uuid,
            content_changed,
        });
    }
    for o in &old.payloads {
        if !matched.contains_key(o.identifier.as_str()) {
            plan.push(PayloadPlan {
                change: PayloadChange::Removed,
                payload_type: o.payload_type.clone(),
                identifier: o.identifier.clone(),
                new_index: None,
                old_uuid: Some(o.uuid.clone()),
                new_uuid: None,
                content_changed: None,
            });
        }
    }
    plan
}
