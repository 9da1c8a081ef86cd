//! What the install check knows of a profile: from a full profile or a `ProfileList` entry.

use super::*;

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

pub(super) fn fingerprint(value: &Value, h: &mut DefaultHasher) {
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

    pub(super) fn signer(&self) -> Option<&[u8]> {
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
