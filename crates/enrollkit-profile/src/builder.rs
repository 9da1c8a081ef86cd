//! Builders: payloads and profiles that refuse to build without their required keys,
//! with deterministic UUIDs (v5 from a namespace and the `PayloadIdentifier`).

use std::collections::HashSet;

use uuid::Uuid;

use crate::payload::{Payload, PayloadKind, types};
use crate::payloads::*;
use crate::{Profile, ProfileError};
use enrollkit_diagnostic::Secret;

/// The namespace used for deterministic UUIDs when none is given.
pub const DEFAULT_NAMESPACE: Uuid = uuid::uuid!("5f0c7f8e-3d0a-5a43-9a51-7e6b1d0c2a11");

/// The deterministic `PayloadUUID` for `identifier`: UUIDv5 in `namespace`, upper case as Apple writes it.
///
/// ```
/// use enrollkit_profile::{deterministic_uuid, DEFAULT_NAMESPACE};
/// let a = deterministic_uuid(&DEFAULT_NAMESPACE, "com.example.mdm");
/// assert_eq!(a, deterministic_uuid(&DEFAULT_NAMESPACE, "com.example.mdm"));
/// assert_ne!(a, deterministic_uuid(&DEFAULT_NAMESPACE, "com.example.wifi"));
/// assert_eq!(&a[14..15], "5"); // version 5
/// ```
pub fn deterministic_uuid(namespace: &Uuid, identifier: &str) -> String {
    Uuid::new_v5(namespace, identifier.as_bytes())
        .hyphenated()
        .to_string()
        .to_ascii_uppercase()
}

/// The namespace for an organization: UUIDv5 of its name in [`DEFAULT_NAMESPACE`], so two
/// organizations using the same identifiers still get different UUIDs.
pub fn organization_namespace(organization: &str) -> Uuid {
    Uuid::new_v5(&DEFAULT_NAMESPACE, organization.as_bytes())
}

fn check_uuid(key: &str, uuid: &str) -> Result<(), ProfileError> {
    Uuid::parse_str(uuid)
        .map(|_| ())
        .map_err(|e| ProfileError::InvalidValue {
            key: key.to_owned(),
            reason: format!("{uuid:?} is not a UUID ({e})"),
        })
}

fn check_identifier(key: &str, identifier: &str) -> Result<(), ProfileError> {
    if identifier.trim().is_empty() {
        return Err(ProfileError::InvalidValue {
            key: key.to_owned(),
            reason: "must not be empty".into(),
        });
    }
    Ok(())
}

/// Builds a [`Payload`] from a typed payload: fills the common keys and refuses missing
/// required ones.
///
/// ```
/// use enrollkit_profile::{Coded, MdmPayload, PayloadBuilder};
/// let incomplete = MdmPayload::default().with_topic("com.apple.mgmt.x");
/// let err = PayloadBuilder::new("com.example.mdm").build(incomplete).unwrap_err();
/// assert_eq!(err.code(), "PRF010");
/// ```
#[derive(Debug, Clone)]
pub struct PayloadBuilder {
    identifier: String,
    uuid: Option<String>,
    namespace: Uuid,
    payload_type: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    organization: Option<String>,
}

impl PayloadBuilder {
    /// A builder for a payload with this `PayloadIdentifier`.
    pub fn new(identifier: impl Into<String>) -> Self {
        PayloadBuilder {
            identifier: identifier.into(),
            uuid: None,
            namespace: DEFAULT_NAMESPACE,
            payload_type: None,
            display_name: None,
            description: None,
            organization: None,
        }
    }

    /// Uses this exact `PayloadUUID` instead of the deterministic one.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Namespace for the deterministic UUID.
    pub fn namespace(mut self, namespace: Uuid) -> Self {
        self.namespace = namespace;
        self
    }

    /// `PayloadType`; needed for generic payloads and to pick `.pkcs1`/`.pem` certificates
    /// (certificate payloads default to `com.apple.security.root`).
    pub fn payload_type(mut self, payload_type: impl Into<String>) -> Self {
        self.payload_type = Some(payload_type.into());
        self
    }

    /// `PayloadDisplayName`.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// `PayloadDescription`.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// `PayloadOrganization`.
    pub fn organization(mut self, name: impl Into<String>) -> Self {
        self.organization = Some(name.into());
        self
    }

    /// Builds the payload, or says which required key is missing.
    pub fn build(self, typed: impl Into<Payload>) -> Result<Payload, ProfileError> {
        check_identifier("PayloadIdentifier", &self.identifier)?;
        let mut payload = typed.into();
        let default_type = match &payload.kind {
            PayloadKind::Mdm(_) => Some(types::MDM),
            PayloadKind::Scep(_) => Some(types::SCEP),
            PayloadKind::Acme(_) => Some(types::ACME),
            PayloadKind::Pkcs12(_) => Some(types::PKCS12),
            PayloadKind::Certificate(_) => Some(types::ROOT),
            PayloadKind::ExtensibleSso(_) => Some(types::EXTENSIBLE_SSO),
            PayloadKind::LoginWindow(_) => Some(types::LOGIN_WINDOW),
            PayloadKind::Wifi(_) => Some(types::WIFI),
            PayloadKind::Generic(_) => None,
        };
        let uuid = match self.uuid {
            Some(u) => {
                check_uuid("PayloadUUID", &u)?;
                u
            }
            None => deterministic_uuid(&self.namespace, &self.identifier),
        };
        let common = payload.common_mut();
        if let Some(t) = self.payload_type {
            common.payload_type = Some(t);
        } else if common.payload_type.is_none() {
            common.payload_type = default_type.map(str::to_owned);
        }
        common.payload_version = Some(1);
        common.payload_identifier = Some(self.identifier);
        common.payload_uuid = Some(uuid);
        common.payload_display_name = self.display_name.or(common.payload_display_name.take());
        common.payload_description = self.description.or(common.payload_description.take());
        common.payload_organization = self.organization.or(common.payload_organization.take());
        let payload_type = common.payload_type.clone().unwrap_or_default();
        if let Some(key) = payload.missing_required().first() {
            return Err(ProfileError::MissingRequiredKey { payload_type, key });
        }
        if let PayloadKind::Scep(scep) = &payload.kind
            && let Some(key) = scep
                .content
                .as_ref()
                .and_then(|c| c.missing_required_fields().first().copied())
        {
            return Err(ProfileError::MissingRequiredKey { payload_type, key });
        }
        Ok(payload)
    }
}

/// Builds a [`Profile`]: `PayloadType` Configuration, `PayloadVersion` 1, deterministic UUID,
/// and payloads whose identifiers and UUIDs are unique.
///
/// ```
/// use enrollkit_profile::{LoginWindowPayload, PayloadBuilder, ProfileBuilder};
/// let text = PayloadBuilder::new("com.example.lw.text")
///     .build(LoginWindowPayload::default().with_loginwindow_text("Connect to Wi-Fi first"))
///     .unwrap();
/// let profile = ProfileBuilder::new("com.example.lw")
///     .display_name("Login window")
///     .payload(text)
///     .build()
///     .unwrap();
/// assert_eq!(profile.payloads().len(), 1);
/// assert_eq!(profile.payload_type.as_deref(), Some("Configuration"));
/// ```
#[derive(Debug, Clone)]
pub struct ProfileBuilder {
    profile: Profile,
    namespace: Uuid,
    uuid: Option<String>,
    payloads: Vec<Payload>,
}

impl ProfileBuilder {
    /// A builder for a profile with this top-level `PayloadIdentifier`.
    pub fn new(identifier: impl Into<String>) -> Self {
        ProfileBuilder {
            profile: Profile::default().with_identifier(identifier.into()),
            namespace: DEFAULT_NAMESPACE,
            uuid: None,
            payloads: Vec::new(),
        }
    }

    /// Namespace for the deterministic profile UUID.
    pub fn namespace(mut self, namespace: Uuid) -> Self {
        self.namespace = namespace;
        self
    }

    /// Uses this exact `PayloadUUID`.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// `PayloadDisplayName`.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.profile.display_name = Some(name.into());
        self
    }

    /// `PayloadOrganization`.
    pub fn organization(mut self, name: impl Into<String>) -> Self {
        self.profile.organization = Some(name.into());
        self
    }

    /// `PayloadDescription`.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.profile.description = Some(text.into());
        self
    }

    /// `PayloadScope` (macOS): `System` or `User`.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.profile.scope = Some(scope.into());
        self
    }

    /// `PayloadRemovalDisallowed`.
    pub fn removal_disallowed(mut self, disallowed: bool) -> Self {
        self.profile.removal_disallowed = Some(disallowed);
        self
    }

    /// `TargetDeviceType` (0 any, 1 iPhone/iPad, 2 Watch, 3 HomePod, 4 Apple TV, 5 Mac, 6 Vision Pro).
    pub fn target_device_type(mut self, device_type: i64) -> Self {
        self.profile.target_device_type = Some(device_type);
        self
    }

    /// Adds consent text for a language tag (`default`, `en`, …).
    pub fn consent_text(mut self, language: impl Into<String>, text: impl Into<String>) -> Self {
        self.profile
            .consent_text
            .get_or_insert_with(plist::Dictionary::new)
            .insert(language.into(), plist::Value::String(text.into()));
        self
    }

    /// Appends a payload.
    pub fn payload(mut self, payload: Payload) -> Self {
        self.payloads.push(payload);
        self
    }

    /// Builds the profile, refusing duplicate payload identifiers or UUIDs.
    pub fn build(self) -> Result<Profile, ProfileError> {
        let mut profile = self.profile;
        let identifier = profile.identifier.clone().unwrap_or_default();
        check_identifier("PayloadIdentifier", &identifier)?;
        let uuid = match self.uuid {
            Some(u) => {
                check_uuid("PayloadUUID", &u)?;
                u
            }
            None => deterministic_uuid(&self.namespace, &identifier),
        };
        let mut identifiers = HashSet::new();
        let mut uuids = HashSet::new();
        for payload in &self.payloads {
            if let Some(id) = payload.identifier()
                && !identifiers.insert(id.to_owned())
            {
                return Err(ProfileError::InvalidValue {
                    key: "PayloadContent".into(),
                    reason: format!("two payloads have PayloadIdentifier {id}"),
                });
            }
            if let Some(u) = payload.uuid()
                && (!uuids.insert(u.to_ascii_uppercase()) || u.eq_ignore_ascii_case(&uuid))
            {
                return Err(ProfileError::InvalidValue {
                    key: "PayloadContent".into(),
                    reason: format!("PayloadUUID {u} is used twice"),
                });
            }
        }
        profile.payload_type = Some("Configuration".into());
        profile.payload_version = Some(1);
        profile.uuid = Some(uuid);
        profile.payload_content = Some(self.payloads);
        Ok(profile)
    }
}

/// Where the device identity of an enrollment profile comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentitySource {
    /// SCEP: the device generates a key and requests a certificate.
    Scep(ScepContent),
    /// ACME: the device generates a key (optionally hardware-bound) and requests a certificate.
    Acme(AcmePayload),
    /// A PKCS#12 identity shipped in the profile.
    Pkcs12 {
        /// The PKCS#12 bytes.
        data: Vec<u8>,
        /// Its password.
        password: Option<Secret>,
    },
}

/// Which kind of enrollment the MDM payload is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollmentKind {
    /// Device enrollment (manual, web, Configurator, ADE).
    Device,
    /// Profile-driven User Enrollment (iOS 13.1–17, macOS 10.15–14).
    ProfileDrivenUser {
        /// The Managed Apple Account.
        managed_apple_id: String,
    },
    /// Account-driven enrollment (BYOD User Enrollment or ADDE).
    AccountDriven {
        /// `BYOD` or `ADDE`.
        mode: EnrollmentMode,
        /// The Managed Apple Account the user must sign in with.
        assigned_managed_apple_id: String,
    },
}

/// Builds an enrollment profile: trust anchors, an identity payload and the MDM payload,
/// wired together by UUID.
///
/// ```
/// use enrollkit_profile::{EnrollmentProfileBuilder, IdentitySource, ScepContent};
/// let profile = EnrollmentProfileBuilder::new("com.example.enroll")
///     .organization("Example Corp")
///     .server_url("https://mdm.example.com/mdm")
///     .topic("com.apple.mgmt.External.7e2a")
///     .identity(IdentitySource::Scep(
///         ScepContent::default().with_url("https://mdm.example.com/scep").with_keysize(2048i64),
///     ))
///     .build()
///     .unwrap();
/// let mdm = profile.mdm().unwrap();
/// let identity = profile.payload_by_uuid(mdm.identity_certificate_uuid.as_deref().unwrap()).unwrap();
/// assert!(identity.is_identity());
/// ```
#[derive(Debug, Clone)]
pub struct EnrollmentProfileBuilder {
    identifier: String,
    display_name: Option<String>,
    organization: Option<String>,
    description: Option<String>,
    namespace: Option<Uuid>,
    server_url: Option<String>,
    check_in_url: Option<String>,
    topic: Option<String>,
    access_rights: Option<AccessRights>,
    server_capabilities: Vec<ServerCapability>,
    sign_message: Option<bool>,
    check_out_when_removed: Option<bool>,
    enrollment: EnrollmentKind,
    identity: Option<IdentitySource>,
    anchors: Vec<(String, Vec<u8>)>,
    pin_anchors: bool,
}

impl EnrollmentProfileBuilder {
    /// A builder for an enrollment profile with this top-level identifier.
    pub fn new(identifier: impl Into<String>) -> Self {
        EnrollmentProfileBuilder {
            identifier: identifier.into(),
            display_name: None,
            organization: None,
            description: None,
            namespace: None,
            server_url: None,
            check_in_url: None,
            topic: None,
            access_rights: None,
            server_capabilities: Vec::new(),
            sign_message: None,
            check_out_when_removed: None,
            enrollment: EnrollmentKind::Device,
            identity: None,
            anchors: Vec::new(),
            pin_anchors: false,
        }
    }

    /// Name shown on the device (defaults to "<organization> enrollment").
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Organization; also seeds the UUID namespace unless [`namespace`](Self::namespace) is set.
    pub fn organization(mut self, name: impl Into<String>) -> Self {
        self.organization = Some(name.into());
        self
    }

    /// Description shown on the device.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Namespace for deterministic UUIDs.
    pub fn namespace(mut self, namespace: Uuid) -> Self {
        self.namespace = Some(namespace);
        self
    }

    /// `ServerURL` (required).
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.server_url = Some(url.into());
        self
    }

    /// `CheckInURL`.
    pub fn check_in_url(mut self, url: impl Into<String>) -> Self {
        self.check_in_url = Some(url.into());
        self
    }

    /// `Topic` (required): the APNs push certificate topic, `com.apple.mgmt.…`.
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(topic.into());
        self
    }

    /// `AccessRights`; device enrollment defaults to all rights, account-driven BYOD must have none.
    pub fn access_rights(mut self, rights: AccessRights) -> Self {
        self.access_rights = Some(rights);
        self
    }

    /// Adds a `ServerCapabilities` entry.
    pub fn server_capability(mut self, capability: ServerCapability) -> Self {
        if !self.server_capabilities.contains(&capability) {
            self.server_capabilities.push(capability);
        }
        self
    }

    /// `SignMessage`.
    pub fn sign_message(mut self, sign: bool) -> Self {
        self.sign_message = Some(sign);
        self
    }

    /// `CheckOutWhenRemoved`.
    pub fn check_out_when_removed(mut self, check_out: bool) -> Self {
        self.check_out_when_removed = Some(check_out);
        self
    }

    /// The kind of enrollment (default: device enrollment).
    pub fn enrollment(mut self, kind: EnrollmentKind) -> Self {
        self.enrollment = kind;
        self
    }

    /// The device identity (required).
    pub fn identity(mut self, identity: IdentitySource) -> Self {
        self.identity = Some(identity);
        self
    }

    /// Adds a trust anchor (DER certificate) as a `com.apple.security.root` payload.
    pub fn anchor_certificate(mut self, file_name: impl Into<String>, der: Vec<u8>) -> Self {
        self.anchors.push((file_name.into(), der));
        self
    }

    /// Pin `ServerURL` and `CheckInURL` trust to the anchor payloads.
    pub fn pin_to_anchors(mut self, pin: bool) -> Self {
        self.pin_anchors = pin;
        self
    }

    /// Builds the profile, or says what is missing or inconsistent.
    pub fn build(self) -> Result<Profile, ProfileError> {
        let missing = |key| ProfileError::MissingRequiredKey {
            payload_type: types::MDM.into(),
            key,
        };
        let server_url = self.server_url.ok_or_else(|| missing("ServerURL"))?;
        let topic = self.topic.ok_or_else(|| missing("Topic"))?;
        let identity = self
            .identity
            .ok_or_else(|| missing("IdentityCertificateUUID"))?;
        let namespace = self.namespace.unwrap_or_else(|| {
            self.organization
                .as_deref()
                .map_or(DEFAULT_NAMESPACE, organization_namespace)
        });
        let id = &self.identifier;
        let payload = |suffix: &str| {
            let mut b = PayloadBuilder::new(format!("{id}.{suffix}")).namespace(namespace);
            if let Some(org) = &self.organization {
                b = b.organization(org.clone());
            }
            b
        };

        let mut payloads = Vec::new();
        let mut anchor_uuids = Vec::new();
        for (index, (file_name, der)) in self.anchors.into_iter().enumerate() {
            let p = payload(&format!("anchor.{index}"))
                .display_name(file_name.clone())
                .build(
                    CertificatePayload::default()
                        .with_content(der)
                        .with_certificate_file_name(file_name),
                )?;
            anchor_uuids.extend(p.uuid().map(str::to_owned));
            payloads.push(p);
        }

        let identity_payload = match identity {
            IdentitySource::Scep(content) => payload("identity.scep")
                .display_name("Device identity (SCEP)")
                .build(ScepPayload::default().with_content(content))?,
            IdentitySource::Acme(acme) => payload("identity.acme")
                .display_name("Device identity (ACME)")
                .build(acme)?,
            IdentitySource::Pkcs12 { data, password } => {
                let mut p12 = Pkcs12Payload::default().with_content(data);
                p12.password = password;
                payload("identity.pkcs12")
                    .display_name("Device identity")
                    .build(p12)?
            }
        };
        let identity_uuid = identity_payload.uuid().unwrap_or_default().to_owned();
        payloads.push(identity_payload);

        let mut mdm = MdmPayload::default()
            .with_identity_certificate_uuid(identity_uuid)
            .with_topic(topic)
            .with_server_url(server_url);
        mdm.check_in_url = self.check_in_url;
        mdm.sign_message = self.sign_message;
        mdm.check_out_when_removed = self.check_out_when_removed;
        if !self.server_capabilities.is_empty() {
            mdm.server_capabilities = Some(self.server_capabilities);
        }
        if self.pin_anchors && !anchor_uuids.is_empty() {
            mdm.server_url_pinning_certificate_uuids = Some(anchor_uuids.clone());
            mdm.check_in_url_pinning_certificate_uuids = Some(anchor_uuids);
        }
        match self.enrollment {
            EnrollmentKind::Device => {
                mdm.access_rights = Some(self.access_rights.unwrap_or(AccessRights::FULL));
            }
            EnrollmentKind::ProfileDrivenUser { managed_apple_id } => {
                mdm.managed_apple_id = Some(managed_apple_id);
                mdm.access_rights = self.access_rights;
            }
            EnrollmentKind::AccountDriven {
                mode,
                assigned_managed_apple_id,
            } => {
                if mode == EnrollmentMode::Byod && self.access_rights.is_some() {
                    return Err(ProfileError::InvalidValue {
                        key: "AccessRights".into(),
                        reason: "account-driven User Enrollment (BYOD) must not carry AccessRights"
                            .into(),
                    });
                }
                mdm.access_rights = self.access_rights;
                mdm.enrollment_mode = Some(mode);
                mdm.assigned_managed_apple_id = Some(assigned_managed_apple_id);
            }
        }
        payloads.push(payload("mdm").display_name("MDM").build(mdm)?);

        let display_name = self
            .display_name
            .unwrap_or_else(|| match &self.organization {
                Some(org) => format!("{org} enrollment"),
                None => "Device enrollment".into(),
            });
        let mut builder = ProfileBuilder::new(id.clone())
            .namespace(namespace)
            .display_name(display_name);
        if let Some(org) = self.organization {
            builder = builder.organization(org);
        }
        if let Some(text) = self.description {
            builder = builder.description(text);
        }
        for p in payloads {
            builder = builder.payload(p);
        }
        builder.build()
    }
}
