//! The top-level configuration profile.

use plist::{Date, Dictionary, Value};

use crate::payload::Payload;
use crate::typed::typed_dict;
use crate::{ProfileError, write};

typed_dict! {
    /// A configuration profile (`PayloadType` = `Configuration`), with every top-level key
    /// Apple defines. Unknown keys are kept in `extra`, and key order is preserved.
    ///
    /// ```
    /// use enrollkit_profile::{Profile, read_profile, ReadOptions};
    /// let profile = Profile::default()
    ///     .with_payload_type("Configuration")
    ///     .with_payload_version(1)
    ///     .with_identifier("com.example.p")
    ///     .with_uuid("0E6B0B3E-4A4E-4D0C-8C0A-2B0E5B6C7D8E")
    ///     .with_payload_content(vec![]);
    /// let xml = profile.to_xml().unwrap();
    /// assert!(xml.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"));
    /// let again = read_profile(&xml, &ReadOptions::default()).unwrap().profile;
    /// assert_eq!(again, profile);
    /// ```
    dict Profile {
        /// The payloads (absent when the profile is encrypted).
        payload_content, with_payload_content: Vec<Payload> = "PayloadContent", required;
        /// Name shown on the device.
        display_name, with_display_name: String = "PayloadDisplayName", optional;
        /// Reverse-DNS identifier; decides replacement of an installed profile.
        identifier, with_identifier: String = "PayloadIdentifier", required;
        /// Always `Configuration`.
        payload_type, with_payload_type: String = "PayloadType", required;
        /// Globally unique identifier of this version of the profile.
        uuid, with_uuid: String = "PayloadUUID", required;
        /// Always 1.
        payload_version, with_payload_version: i64 = "PayloadVersion", required;
        /// macOS: `System` or `User`.
        scope, with_scope: String = "PayloadScope", optional;
        /// Organization shown on the device.
        organization, with_organization: String = "PayloadOrganization", optional;
        /// Description shown on the device.
        description, with_description: String = "PayloadDescription", optional;
        /// The user cannot remove the profile (supervised iOS; manual installs on macOS).
        removal_disallowed, with_removal_disallowed: bool = "PayloadRemovalDisallowed", optional;
        /// Removed automatically at this date.
        removal_date, with_removal_date: Date = "RemovalDate", optional;
        /// Seconds until automatic removal.
        duration_until_removal, with_duration_until_removal: f64 = "DurationUntilRemoval", optional;
        /// Agreement text per language tag, accepted before install.
        consent_text, with_consent_text: Dictionary = "ConsentText", optional;
        /// Removal needs a passcode.
        has_removal_passcode, with_has_removal_passcode: bool = "HasRemovalPasscode", optional;
        /// Which device family the profile is for (0 any … 6 Vision Pro).
        target_device_type, with_target_device_type: i64 = "TargetDeviceType", optional;
        /// The profile is invalid after this date.
        expiration_date, with_expiration_date: Date = "PayloadExpirationDate", optional;
        /// `PayloadContent` is encrypted into `EncryptedPayloadContent`.
        is_encrypted, with_is_encrypted: bool = "IsEncrypted", optional;
        /// CMS EnvelopedData holding the payloads (DER).
        encrypted_payload_content, with_encrypted_payload_content: Vec<u8> = "EncryptedPayloadContent", optional;
    }
}

impl Profile {
    /// The profile as a plist value.
    pub fn to_value(&self) -> Value {
        Value::Dictionary(self.to_dictionary())
    }

    /// XML in Apple's layout: XML declaration, DOCTYPE, tab indentation, trailing newline.
    pub fn to_xml(&self) -> Result<Vec<u8>, ProfileError> {
        write::xml_bytes(&self.to_value())
    }

    /// Binary property list (`bplist00`).
    pub fn to_binary(&self) -> Result<Vec<u8>, ProfileError> {
        write::binary_bytes(&self.to_value())
    }

    /// The payloads, or an empty slice when there are none (or they are encrypted).
    pub fn payloads(&self) -> &[Payload] {
        self.payload_content.as_deref().unwrap_or(&[])
    }

    /// The first MDM payload, if any.
    pub fn mdm(&self) -> Option<&crate::MdmPayload> {
        self.payloads().iter().find_map(Payload::as_mdm)
    }

    /// The payload whose `PayloadUUID` is `uuid` (case-insensitive).
    pub fn payload_by_uuid(&self, uuid: &str) -> Option<&Payload> {
        self.payloads()
            .iter()
            .find(|p| p.uuid().is_some_and(|u| u.eq_ignore_ascii_case(uuid)))
    }
}
