//! What a profile contains, for a person reading it and for scripts: the one summary behind
//! `enrollkit inspect` and every binding's `inspect`.

use enrollkit_profile::{Profile, SourceFormat};
use serde::Serialize;

use crate::Error;
use crate::load::Loaded;

/// One payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadSummary {
    /// Position in `PayloadContent`.
    pub index: usize,
    /// `PayloadType`.
    pub payload_type: Option<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// SCEP, ACME or PKCS#12: a device identity.
    pub is_identity: bool,
}

/// The MDM payload's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MdmSummary {
    /// `ServerURL`.
    pub server_url: Option<String>,
    /// `CheckInURL`.
    pub check_in_url: Option<String>,
    /// `Topic`.
    pub topic: Option<String>,
    /// `IdentityCertificateUUID`.
    pub identity_certificate_uuid: Option<String>,
    /// `AccessRights` bit mask.
    pub access_rights: Option<u32>,
    /// `EnrollmentMode` (`BYOD`/`ADDE`).
    pub enrollment_mode: Option<String>,
    /// `ManagedAppleID` (profile-driven User Enrollment).
    pub managed_apple_id: Option<String>,
    /// `AssignedManagedAppleID` (account-driven enrollment).
    pub assigned_managed_apple_id: Option<String>,
}

/// What a profile contains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Wrapped in CMS SignedData (not verified by inspecting).
    pub signed: bool,
    /// `xml` or `binary` (of the inner plist when signed).
    pub format: SourceFormat,
    /// Top-level keys, in file order.
    pub top_level_keys: Vec<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// `PayloadOrganization`.
    pub organization: Option<String>,
    /// `PayloadType` (`Configuration` for a valid profile).
    pub payload_type: Option<String>,
    /// The payloads are encrypted (`EncryptedPayloadContent`).
    pub encrypted: bool,
    /// The payloads, in order.
    pub payloads: Vec<PayloadSummary>,
    /// The first MDM payload, if any.
    pub mdm: Option<MdmSummary>,
    /// Subjects of the container's certificates, signer first (read, not verified).
    pub signer: Vec<String>,
}

impl Inspection {
    /// Summarizes a profile read from bytes.
    pub fn of_loaded(loaded: &Loaded) -> Result<Inspection, Error> {
        let chain = loaded
            .signed
            .as_ref()
            .map(|s| s.signer_chain.as_slice())
            .unwrap_or_default();
        Ok(Inspection::of_profile(
            &loaded.profile()?,
            loaded.format,
            loaded.signed.is_some(),
            chain,
        ))
    }

    /// Summarizes a profile model.
    pub fn of_profile(
        profile: &Profile,
        format: SourceFormat,
        signed: bool,
        signer_chain: &[Vec<u8>],
    ) -> Inspection {
        Inspection {
            signed,
            format,
            top_level_keys: profile.to_dictionary().keys().cloned().collect(),
            identifier: profile.identifier.clone(),
            uuid: profile.uuid.clone(),
            display_name: profile.display_name.clone(),
            organization: profile.organization.clone(),
            payload_type: profile.payload_type.clone(),
            encrypted: profile.is_encrypted == Some(true)
                || profile.encrypted_payload_content.is_some(),
            payloads: profile
                .payloads()
                .iter()
                .enumerate()
                .map(|(index, p)| PayloadSummary {
                    index,
                    payload_type: p.payload_type().map(str::to_owned),
                    identifier: p.identifier().map(str::to_owned),
                    uuid: p.uuid().map(str::to_owned),
                    display_name: p.display_name().map(str::to_owned),
                    is_identity: p.is_identity(),
                })
                .collect(),
            mdm: profile.mdm().map(|m| MdmSummary {
                server_url: m.server_url.clone(),
                check_in_url: m.check_in_url.clone(),
                topic: m.topic.clone(),
                identity_certificate_uuid: m.identity_certificate_uuid.clone(),
                access_rights: m.access_rights.map(|r| r.bits()),
                enrollment_mode: m.enrollment_mode.as_ref().map(|e| e.as_str().to_owned()),
                managed_apple_id: m.managed_apple_id.clone(),
                assigned_managed_apple_id: m.assigned_managed_apple_id.clone(),
            }),
            signer: signer_chain
                .iter()
                .map(|der| {
                    enrollkit_cms::certificate_subject(der)
                        .unwrap_or_else(|| "<unparsable certificate>".into())
                })
                .collect(),
        }
    }
}

/// Reads and summarizes a profile.
pub fn inspect(bytes: &[u8]) -> Result<Inspection, Error> {
    Inspection::of_loaded(&crate::load::load(bytes)?)
}
