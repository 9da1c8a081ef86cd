//! Profiles: build an enrollment profile, read, write and inspect.

use enrollkit::inspect::Inspection;
use enrollkit::profile as core;
use enrollkit::profile::{
    AccessRights, EnrollmentKind, EnrollmentMode, IdentitySource, KeyType, ServerCapability,
};

use crate::error::{BindingError, parse_word};

/// One attribute of an X.500 subject, e.g. `O` = `Example Corp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAttribute {
    /// Short name or dotted OID (`CN`, `O`, `2.5.4.3`).
    pub name: String,
    /// The value.
    pub value: String,
}

/// SCEP identity settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScepSpec {
    /// SCEP server URL.
    pub url: String,
    /// CA name (`Name`), when the server needs one.
    pub name: Option<String>,
    /// One-time challenge (a secret: never shown in Debug of the built profile).
    pub challenge: Option<String>,
    /// Certificate subject, one attribute per RDN.
    pub subject: Vec<SubjectAttribute>,
    /// RSA key size (1024, 2048, 4096).
    pub key_size: Option<i64>,
}

/// ACME identity settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcmeSpec {
    /// ACME directory URL.
    pub directory_url: String,
    /// Unique client identifier the server issued for this device.
    pub client_identifier: String,
    /// Key size (256 or 384 for EC, 2048-4096 for RSA).
    pub key_size: i64,
    /// `RSA` or `ECSECPrimeRandom`.
    pub key_type: String,
    /// Key generated in the Secure Enclave.
    pub hardware_bound: bool,
    /// Certificate subject, one attribute per RDN.
    pub subject: Vec<SubjectAttribute>,
    /// Request device attestation.
    pub attest: Option<bool>,
}

/// Where the device identity of an enrollment profile comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySpec {
    /// SCEP.
    Scep(ScepSpec),
    /// ACME.
    Acme(AcmeSpec),
    /// A PKCS#12 identity shipped inside the profile.
    Pkcs12 {
        /// The PKCS#12 bytes.
        data: Vec<u8>,
        /// Its password.
        password: Option<String>,
    },
}

/// Which kind of enrollment the profile is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollmentTypeSpec {
    /// Device enrollment (manual, web, Configurator, ADE).
    Device,
    /// Profile-driven User Enrollment (iOS 13.1-17).
    ProfileDrivenUser {
        /// The Managed Apple Account.
        managed_apple_id: String,
    },
    /// Account-driven enrollment.
    AccountDriven {
        /// `BYOD` or `ADDE`.
        mode: String,
        /// The Managed Apple Account the user must sign in with.
        assigned_managed_apple_id: String,
    },
}

/// Everything needed to build an enrollment profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentSpec {
    /// Top-level `PayloadIdentifier`.
    pub identifier: String,
    /// Organization; also seeds the deterministic UUIDs.
    pub organization: Option<String>,
    /// Name shown on the device.
    pub display_name: Option<String>,
    /// Description shown on the device.
    pub description: Option<String>,
    /// MDM `ServerURL` (https).
    pub server_url: String,
    /// MDM `CheckInURL`.
    pub check_in_url: Option<String>,
    /// APNs topic (`com.apple.mgmt.…`).
    pub topic: String,
    /// Device identity.
    pub identity: IdentitySpec,
    /// Kind of enrollment.
    pub enrollment: EnrollmentTypeSpec,
    /// `AccessRights` bit mask (default: all rights for device enrollment).
    pub access_rights: Option<u32>,
    /// `ServerCapabilities` strings (`com.apple.mdm.per-user-connections`, …).
    pub server_capabilities: Vec<String>,
    /// `SignMessage`.
    pub sign_message: Option<bool>,
    /// `CheckOutWhenRemoved`.
    pub check_out_when_removed: Option<bool>,
    /// DER trust-anchor certificates added as root payloads.
    pub anchor_certificates: Vec<Vec<u8>>,
    /// Pin the server URLs to the anchors.
    pub pin_to_anchors: bool,
}

impl EnrollmentSpec {
    /// A device-enrollment spec with the required fields and everything else unset.
    pub fn new(
        identifier: impl Into<String>,
        server_url: impl Into<String>,
        topic: impl Into<String>,
        identity: IdentitySpec,
    ) -> Self {
        EnrollmentSpec {
            identifier: identifier.into(),
            organization: None,
            display_name: None,
            description: None,
            server_url: server_url.into(),
            check_in_url: None,
            topic: topic.into(),
            identity,
            enrollment: EnrollmentTypeSpec::Device,
            access_rights: None,
            server_capabilities: Vec::new(),
            sign_message: None,
            check_out_when_removed: None,
            anchor_certificates: Vec::new(),
            pin_to_anchors: false,
        }
    }
}

fn subject_name(attrs: &[SubjectAttribute]) -> core::SubjectName {
    attrs
        .iter()
        .map(|a| vec![vec![a.name.clone(), a.value.clone()]])
        .collect()
}

/// Builds an enrollment profile (identity payload + MDM payload, wired by UUID).
pub fn build_enrollment_profile(spec: EnrollmentSpec) -> Result<core::Profile, BindingError> {
    let mut b = core::EnrollmentProfileBuilder::new(spec.identifier)
        .server_url(spec.server_url)
        .topic(spec.topic);
    if let Some(v) = spec.organization {
        b = b.organization(v);
    }
    if let Some(v) = spec.display_name {
        b = b.display_name(v);
    }
    if let Some(v) = spec.description {
        b = b.description(v);
    }
    if let Some(v) = spec.check_in_url {
        b = b.check_in_url(v);
    }
    if let Some(bits) = spec.access_rights {
        b = b.access_rights(AccessRights::from_bits_retain(bits));
    }
    for cap in &spec.server_capabilities {
        b = b.server_capability(ServerCapability::from(cap.as_str()));
    }
    if let Some(v) = spec.sign_message {
        b = b.sign_message(v);
    }
    if let Some(v) = spec.check_out_when_removed {
        b = b.check_out_when_removed(v);
    }
    for (i, der) in spec.anchor_certificates.into_iter().enumerate() {
        b = b.anchor_certificate(format!("anchor-{i}.cer"), der);
    }
    b = b.pin_to_anchors(spec.pin_to_anchors);
    b = b.enrollment(match spec.enrollment {
        EnrollmentTypeSpec::Device => EnrollmentKind::Device,
        EnrollmentTypeSpec::ProfileDrivenUser { managed_apple_id } => {
            EnrollmentKind::ProfileDrivenUser { managed_apple_id }
        }
        EnrollmentTypeSpec::AccountDriven {
            mode,
            assigned_managed_apple_id,
        } => EnrollmentKind::AccountDriven {
            mode: parse_word("enrollment mode", &mode, &[("BYOD", 0u8), ("ADDE", 1u8)]).map(
                |m| {
                    if m == 0 {
                        EnrollmentMode::Byod
                    } else {
                        EnrollmentMode::Adde
                    }
                },
            )?,
            assigned_managed_apple_id,
        },
    });
    let identity = match spec.identity {
        IdentitySpec::Scep(s) => {
            let mut c = core::ScepContent::default().with_url(s.url);
            c.name = s.name;
            c.challenge = s.challenge.map(enrollkit::Secret::new);
            if !s.subject.is_empty() {
                c.subject = Some(subject_name(&s.subject));
            }
            c.keysize = s.key_size;
            IdentitySource::Scep(c)
        }
        IdentitySpec::Acme(a) => {
            let mut p = core::AcmePayload::default()
                .with_directory_url(a.directory_url)
                .with_client_identifier(a.client_identifier)
                .with_key_size(a.key_size)
                .with_key_type(KeyType::from(a.key_type.as_str()))
                .with_hardware_bound(a.hardware_bound)
                .with_subject(subject_name(&a.subject));
            p.attest = a.attest;
            IdentitySource::Acme(p)
        }
        IdentitySpec::Pkcs12 { data, password } => IdentitySource::Pkcs12 {
            data,
            password: password.map(enrollkit::Secret::new),
        },
    };
    Ok(b.identity(identity).build()?)
}

/// The encoding a profile was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileFormat {
    /// XML property list.
    Xml,
    /// Binary property list.
    Binary,
}

/// A profile read from bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProfile {
    /// The profile.
    pub profile: core::Profile,
    /// Encoding of the (inner) property list.
    pub format: ProfileFormat,
    /// The raw CMS container, when the input was signed (not verified by reading).
    pub signed_container: Option<Vec<u8>>,
}

/// Reads an XML, binary or CMS-signed profile (the signature is not verified here).
pub fn read_profile(bytes: &[u8]) -> Result<LoadedProfile, BindingError> {
    let loaded = enrollkit::load::load(bytes)?;
    Ok(LoadedProfile {
        profile: loaded.profile()?,
        format: match loaded.format {
            core::SourceFormat::Xml => ProfileFormat::Xml,
            core::SourceFormat::Binary => ProfileFormat::Binary,
        },
        signed_container: loaded.signed.map(|s| s.container),
    })
}

/// The profile as an Apple-layout XML property list.
pub fn to_xml(profile: &core::Profile) -> Result<Vec<u8>, BindingError> {
    Ok(profile.to_xml()?)
}

/// The profile as a binary property list.
pub fn to_binary(profile: &core::Profile) -> Result<Vec<u8>, BindingError> {
    Ok(profile.to_binary()?)
}

/// Summary of one payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadInfo {
    /// `PayloadType`.
    pub payload_type: Option<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// True for SCEP, ACME and PKCS#12 payloads.
    pub is_identity: bool,
}

/// The MDM payload's key settings: the facade's summary, the same record in every binding.
pub use enrollkit::inspect::MdmSummary as MdmInfo;

/// What a profile contains, for display and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// `PayloadOrganization`.
    pub organization: Option<String>,
    /// `PayloadType` (always `Configuration` for a valid profile).
    pub payload_type: Option<String>,
    /// True when the payloads are encrypted.
    pub is_encrypted: bool,
    /// The payloads in order.
    pub payloads: Vec<PayloadInfo>,
    /// The first MDM payload, if any.
    pub mdm: Option<MdmInfo>,
}

/// Summarizes a profile (the facade's inspection, as FFI records).
pub fn inspect(profile: &core::Profile) -> ProfileInfo {
    let i = Inspection::of_profile(profile, core::SourceFormat::Xml, false, &[]);
    ProfileInfo {
        identifier: i.identifier,
        uuid: i.uuid,
        display_name: i.display_name,
        organization: i.organization,
        payload_type: i.payload_type,
        is_encrypted: i.encrypted,
        payloads: i
            .payloads
            .into_iter()
            .map(|p| PayloadInfo {
                payload_type: p.payload_type,
                identifier: p.identifier,
                uuid: p.uuid,
                display_name: p.display_name,
                is_identity: p.is_identity,
            })
            .collect(),
        mdm: i.mdm,
    }
}
