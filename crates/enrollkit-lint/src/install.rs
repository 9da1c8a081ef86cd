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

impl Coded for InstallError {
    fn code(&self) -> Code {
        match self {
            InstallError::MissingIdentifier(_) => rules::NO_IDENTIFIER,
            InstallError::NotAProfileList => rules::NOT_A_PROFILE_LIST,
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

/// A profile, payload or list position inside the index, kept to 32 bits so index entries stay
/// small and the index of 100,000 payloads stays cache-friendly. (Reaching 2^32 installed
/// profiles would take hundreds of gigabytes of summaries first.)
fn slot(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Up to two distinct owning profiles: enough to find "another profile than the replaced one".
#[derive(Debug, Clone, Copy, Default)]
struct Owners([Option<u32>; 2]);

impl Owners {
    fn add(&mut self, profile: usize) {
        let profile = slot(profile);
        match self.0 {
            [Some(a), _] if a == profile => {}
            [Some(_), Some(b)] if b == profile => {}
            [None, _] => self.0[0] = Some(profile),
            [Some(_), None] => self.0[1] = Some(profile),
            _ => {}
        }
    }

    fn first(self) -> Option<usize> {
        self.0[0].map(|p| p as usize)
    }

    fn other_than(&self, replaced: Option<usize>) -> Option<usize> {
        self.0
            .iter()
            .flatten()
            .map(|p| *p as usize)
            .find(|p| Some(*p) != replaced)
    }
}

/// Which string of the installed profiles a [`KeyIndex`] holds.
#[derive(Debug, Clone, Copy, Default)]
enum KeyKind {
    /// `profiles[p].identifier`.
    #[default]
    Identifier,
    /// `profiles[p].uuid` (`payload` is `u32::MAX`) or `profiles[p].payloads[i].uuid`.
    Uuid,
    /// `profiles[p].payloads[i].payload_type`.
    PayloadType,
    /// `profiles[p].payloads[i].sso_urls[j]`.
    SsoUrl,
    /// `profiles[p].payloads[i].sso_hosts[j]`.
    SsoHost,
}

/// Where an indexed string lives inside the installed profiles: the index stores these
/// positions instead of copies of the strings, so building it allocates nothing per payload.
#[derive(Debug, Clone, Copy)]
struct KeyRef {
    profile: u32,
    payload: u32,
    item: u32,
}

impl KeyRef {
    const PROFILE: u32 = u32::MAX;

    fn new(profile: usize, payload: usize, item: usize) -> Self {
        KeyRef {
            profile: slot(profile),
            payload: slot(payload),
            item: slot(item),
        }
    }

    fn profile(profile: usize) -> Self {
        KeyRef {
            profile: slot(profile),
            payload: Self::PROFILE,
            item: 0,
        }
    }

    fn resolve(self, kind: KeyKind, profiles: &[ProfileSummary]) -> &str {
        let profile = profiles.get(self.profile as usize);
        let payload = || profile.and_then(|p| p.payloads.get(self.payload as usize));
        let found = match kind {
            KeyKind::Identifier => profile.map(|p| &p.identifier),
            KeyKind::Uuid if self.payload == Self::PROFILE => profile.map(|p| &p.uuid),
            KeyKind::Uuid => payload().map(|x| &x.uuid),
            KeyKind::PayloadType => payload().map(|x| &x.payload_type),
            KeyKind::SsoUrl => payload().and_then(|x| x.sso_urls.get(self.item as usize)),
            KeyKind::SsoHost => payload().and_then(|x| x.sso_hosts.get(self.item as usize)),
        };
        found.map_or("", String::as_str)
    }
}

/// A string-keyed index of owning profiles whose keys point into the installed profiles.
#[derive(Debug, Clone, Default)]
struct KeyIndex {
    kind: KeyKind,
    table: HashTable<(KeyRef, Owners)>,
}

impl KeyIndex {
    fn with_capacity(kind: KeyKind, capacity: usize) -> Self {
        KeyIndex {
            kind,
            table: HashTable::with_capacity(capacity),
        }
    }

    /// Records `profile` as an owner of the string at `key`.
    fn add(
        &mut self,
        profiles: &[ProfileSummary],
        hasher: &RandomState,
        key: KeyRef,
        profile: usize,
    ) {
        let kind = self.kind;
        let name = key.resolve(kind, profiles);
        let entry = self.table.entry(
            hasher.hash_one(name),
            |(k, _)| k.resolve(kind, profiles) == name,
            |(k, _)| hasher.hash_one(k.resolve(kind, profiles)),
        );
        match entry {
            Entry::Occupied(mut found) => found.get_mut().1.add(profile),
            Entry::Vacant(slot) => {
                let mut owners = Owners::default();
                owners.add(profile);
                slot.insert((key, owners));
            }
        }
    }

    fn get(&self, profiles: &[ProfileSummary], hasher: &RandomState, name: &str) -> Option<Owners> {
        self.table
            .find(hasher.hash_one(name), |(k, _)| {
                k.resolve(self.kind, profiles) == name
            })
            .map(|(_, owners)| *owners)
    }
}

/// The installed profiles of one device, indexed for install checks.
#[derive(Debug, Clone, Default)]
pub struct InstalledSet {
    profiles: Vec<ProfileSummary>,
    hasher: RandomState,
    by_identifier: KeyIndex,
    by_uuid: KeyIndex,
    by_type: KeyIndex,
    mdm: Owners,
    sso_urls: KeyIndex,
    sso_hosts: KeyIndex,
}

impl InstalledSet {
    /// Indexes `profiles` (linear in the number of installed payloads; one hash-table insert
    /// per key and no allocation per payload).
    pub fn new(profiles: Vec<ProfileSummary>) -> Self {
        let (mut payload_count, mut url_count, mut host_count) = (0, 0, 0);
        for payload in profiles.iter().flat_map(|p| &p.payloads) {
            payload_count += 1;
            url_count += payload.sso_urls.len();
            host_count += payload.sso_hosts.len();
        }
        let hasher = RandomState::new();
        let mut by_identifier = KeyIndex::with_capacity(KeyKind::Identifier, profiles.len());
        let mut by_uuid = KeyIndex::with_capacity(KeyKind::Uuid, profiles.len() + payload_count);
        let mut by_type = KeyIndex::with_capacity(KeyKind::PayloadType, 0);
        let mut mdm = Owners::default();
        let mut sso_urls = KeyIndex::with_capacity(KeyKind::SsoUrl, url_count);
        let mut sso_hosts = KeyIndex::with_capacity(KeyKind::SsoHost, host_count);
        let all = profiles.as_slice();
        for (p, profile) in all.iter().enumerate() {
            // The first profile with an identifier owns it (the one a replacement targets).
            by_identifier.add(all, &hasher, KeyRef::profile(p), p);
            if !profile.uuid.is_empty() {
                by_uuid.add(all, &hasher, KeyRef::profile(p), p);
            }
            for (i, payload) in profile.payloads.iter().enumerate() {
                if !payload.uuid.is_empty() {
                    by_uuid.add(all, &hasher, KeyRef::new(p, i, 0), p);
                }
                by_type.add(all, &hasher, KeyRef::new(p, i, 0), p);
                if payload.payload_type == "com.apple.mdm" {
                    mdm.add(p);
                }
                for j in 0..payload.sso_urls.len() {
                    sso_urls.add(all, &hasher, KeyRef::new(p, i, j), p);
                }
                for j in 0..payload.sso_hosts.len() {
                    sso_hosts.add(all, &hasher, KeyRef::new(p, i, j), p);
                }
            }
        }
        InstalledSet {
            profiles,
            hasher,
            by_identifier,
            by_uuid,
            by_type,
            mdm,
            sso_urls,
            sso_hosts,
        }
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
        let replaced_index = self
            .by_identifier
            .get(&self.profiles, &self.hasher, &new.identifier)
            .and_then(Owners::first);
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
            out.push(
                rules::CHK002
                    .at(
                        Location::payload(index, ""),
                        format!(
                            "The new MDM payload does not match the old payload: {} already holds the device's MDM payload",
                            other.label()
                        ),
                    )
                    .with_remediation(format!(
                        "Remove the existing management profile {} (Settings > General > VPN & Device Management > Remove Management), then install this one",
                        other.label()
                    )),
            );
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
        index: &KeyIndex,
        key: &str,
        replaced: Option<usize>,
    ) -> Option<&ProfileSummary> {
        index
            .get(&self.profiles, &self.hasher, key)
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
