//! The exchanges that start from what a device signs: the OTA Profile Service (the device's
//! attribute POST) and Automated Device Enrollment with web authentication
//! (`x-apple-aspen-deviceinfo`, and the macOS 26 Platform SSO requirement).

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_diagnostic::{OsVersion, Platform};
use enrollkit_flow::account_driven::{ASPEN_CONFIG_CONTENT_TYPE, SIGNED_REQUEST_CONTENT_TYPE};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::web::{EnrollmentKind, Entry, WebEvent, WebState};
use enrollkit_profile::plist::{Dictionary, Value};
use http::StatusCode;

use super::request;
use super::state::DeviceRecord;
use super::web::Stepped;
use super::{Effect, Engine, Enrollment, Exchange, Handled};
use crate::build::{IssuedChallenge, system_time};
use crate::checkin::{
    PssoRequiredError, PssoRequiredErrorDetails, PssoRequiredErrorDetailsPackage, Record,
};
use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::http_util::response;
use crate::secret::SecretDigest;
use crate::signature::{OtaDeviceAttributes, verify_aspen_deviceinfo, verify_signed_body};

/// The attributes the Profile Service payload asks the device for.
pub const OTA_DEVICE_ATTRIBUTES: &[&str] = &[
    "UDID",
    "SERIAL",
    "PRODUCT",
    "VERSION",
    "IMEI",
    "MEID",
    "DEVICE_NAME",
];

impl Engine {
    /// Serves the OTA `Profile Service` payload: where to POST the device's attributes, which
    /// ones, and a single-use challenge.
    pub(crate) fn serve_profile_service(
        &self,
        mut enrollment: Enrollment,
        stepped: Stepped,
        install_by: Option<Timestamp>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let challenge = entropy.token();
        let org = &self.settings.profile.organization;
        let mut content = Dictionary::new();
        content.insert(
            "URL".into(),
            self.url(&format!("/ota/device/{}", enrollment.id)).into(),
        );
        content.insert(
            "DeviceAttributes".into(),
            Value::Array(OTA_DEVICE_ATTRIBUTES.iter().map(|a| (*a).into()).collect()),
        );
        content.insert("Challenge".into(), challenge.expose().into());
        let mut top = Dictionary::new();
        top.insert("PayloadContent".into(), Value::Dictionary(content));
        top.insert(
            "PayloadDescription".into(),
            format!("Sends this device's identity to {org} to enroll it").into(),
        );
        top.insert(
            "PayloadDisplayName".into(),
            format!("{org} device enrollment").into(),
        );
        top.insert(
            "PayloadIdentifier".into(),
            format!("{}.profile-service", self.settings.profile.identifier).into(),
        );
        top.insert("PayloadOrganization".into(), org.clone().into());
        top.insert("PayloadType".into(), "Profile Service".into());
        top.insert(
            "PayloadUUID".into(),
            entropy
                .uuid()
                .hyphenated()
                .to_string()
                .to_uppercase()
                .into(),
        );
        top.insert("PayloadVersion".into(), 1.into());
        let xml = enrollkit_profile::xml_bytes(&Value::Dictionary(top))
            .map_err(|e| ProtocolError::new(codes::SIGNING_FAILED, e.to_string()))?;
        let signed = self
            .signer
            .sign(&xml, system_time(now))
            .map_err(|e| ProtocolError::new(codes::SIGNING_FAILED, e.to_string()))?;
        enrollment.ota_challenge = Some(IssuedChallenge {
            digest: SecretDigest::of(&challenge),
            expires_at: now.plus_seconds(self.settings.profile.challenge_lifetime_seconds()),
            redeemed_at: None,
        });
        enrollment.flow = stepped.flow;
        let effects = install_by.map(|at| Effect::ScheduleExpiry {
            enrollment: enrollment.id.clone(),
            at: at.plus_seconds(1),
        });
        Ok(Handled::respond(
            response(StatusCode::OK, ASPEN_CONFIG_CONTENT_TYPE, signed),
            Some(enrollment),
        )
        .with_effects(effects)
        .with_diagnostics(stepped.diagnostics))
    }

    /// `POST {base}/ota/device/{id}`: the device's attributes, CMS-signed with its built-in
    /// identity. A verified body with this enrollment's unused challenge installs the
    /// Profile Service payload and gets the device enrollment profile (encrypted to the
    /// device when the settings ask for it).
    pub(crate) fn ota_device<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        request::require_content_type(request, &[SIGNED_REQUEST_CONTENT_TYPE])?;
        let mut enrollment = enrollment.ok_or_else(|| {
            ProtocolError::new(codes::UNKNOWN_ENROLLMENT, "no OTA enrollment with this ID")
        })?;
        let signed =
            verify_signed_body(request.body().as_ref(), &self.attestation, system_time(now))?;
        let attributes = OtaDeviceAttributes::from_dictionary(signed.fields)?;
        let refuse = |m: &str| Err(ProtocolError::new(codes::CHALLENGE_REJECTED, m.to_owned()));
        let Some(issued) = enrollment.ota_challenge.as_mut() else {
            return refuse("this enrollment served no Profile Service payload");
        };
        match &attributes.challenge {
            Some(c) if issued.digest.matches(c) => {}
            Some(_) => {
                return refuse("not the challenge of this enrollment's Profile Service payload");
            }
            None => return refuse("the device's attributes carry no CHALLENGE"),
        }
        if issued.redeemed_at.is_some() {
            return refuse("the Profile Service challenge was already used");
        }
        if now > issued.expires_at {
            return refuse("the Profile Service challenge expired");
        }
        issued.redeemed_at = Some(now);
        let udid = attributes.udid.clone().ok_or_else(|| {
            ProtocolError::new(codes::INVALID_FIELD, "OtaDeviceAttributes.UDID is required")
        })?;
        if let Some(platform) = attributes
            .product
            .as_deref()
            .and_then(request::platform_of_product)
            && platform != enrollment.device.platform
        {
            return Err(ProtocolError::new(
                codes::DEVICE_MISMATCH,
                format!(
                    "the signed PRODUCT is a {platform} device; the portal was opened on {}",
                    enrollment.device.platform
                ),
            ));
        }
        enrollment.device.udid = Some(udid);
        enrollment.device.serial = attributes.serial.clone();
        enrollment.device.product = attributes.product.clone();
        enrollment.device.attested_by = Some(signed.signer.fingerprint.clone());
        // The POST comes only once the user installed the Profile Service payload.
        let stepped = self.step(&enrollment, WebEvent::ProfileInstalled, now)?;
        let encrypt_to = self
            .settings
            .encrypt_ota_profiles
            .then_some(signed.signer.certificate.as_slice());
        self.serve_enrollment_profile(
            enrollment,
            stepped,
            (EnrollmentKind::ProfileDeviceEnrollment, None),
            encrypt_to,
            now,
            entropy,
        )
    }

    /// `GET {base}/ade/enroll` from Setup Assistant, with the signed `MachineInfo` in
    /// `x-apple-aspen-deviceinfo`: a Mac that can set up Platform SSO gets
    /// `403 com.apple.psso.required` when policy requires it; otherwise the sign-in starts.
    pub(crate) fn start_ade<B>(
        &self,
        request: &http::Request<B>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let header = request
            .headers()
            .get("x-apple-aspen-deviceinfo")
            .ok_or_else(|| {
                ProtocolError::new(
                    codes::BAD_REQUEST,
                    "the ADE enrollment page needs the device's x-apple-aspen-deviceinfo header",
                )
            })?;
        let (signer, info) =
            verify_aspen_deviceinfo(header.as_bytes(), &self.attestation, system_time(now))?;
        let platform = request::platform_of_product(&info.product).ok_or_else(|| {
            ProtocolError::new(
                codes::INVALID_FIELD,
                format!(
                    "MachineInfo.PRODUCT {:?} names no Apple platform",
                    info.product
                ),
            )
        })?;
        let os_version = info
            .os_version
            .as_deref()
            .and_then(|v| v.parse::<OsVersion>().ok());
        let psso_capable = platform == Platform::MacOs
            && os_version.is_some_and(|v| v >= OsVersion::new(26, 0, 0))
            && info.mdm_can_request_psso_config == Some(true);
        if psso_capable
            && self.settings.ade.require_platform_sso
            && let Some(psso) = &self.settings.ade.platform_sso
        {
            let body = PssoRequiredError {
                code: "com.apple.psso.required".into(),
                description: Some("Platform SSO is required before enrollment".into()),
                message: Some(format!(
                    "Sign in with your {} account to continue setting up this Mac.",
                    self.settings.profile.organization
                )),
                details: PssoRequiredErrorDetails {
                    profile_url: psso.profile_url.to_string(),
                    package: PssoRequiredErrorDetailsPackage {
                        manifest_url: psso.package_manifest_url.to_string(),
                        ..Default::default()
                    },
                    auth_url: psso.auth_url.to_string(),
                    ..Default::default()
                },
                ..Default::default()
            };
            let json = crate::checkin::plist_to_json(&Value::Dictionary(body.write()));
            let note = ProtocolError::new(
                codes::PSSO_REQUIRED,
                "the Mac can set up Platform SSO and policy requires it",
            );
            return Ok(Handled::respond(
                response(
                    StatusCode::FORBIDDEN,
                    "application/json",
                    serde_json::to_vec(&json).unwrap_or_default(),
                ),
                None,
            )
            .with_diagnostics([note.to_diagnostic()]));
        }
        let udid = info.udid.clone().ok_or_else(|| {
            ProtocolError::new(codes::INVALID_FIELD, "MachineInfo.UDID is required for ADE")
        })?;
        let device = DeviceRecord {
            platform,
            os_version,
            udid: Some(udid),
            serial: info.serial.clone(),
            product: Some(info.product.clone()),
            attested_by: Some(signer.fingerprint),
        };
        let (enrollment, stepped) = self.new_enrollment(
            Exchange::AdeWeb,
            device,
            Entry::SetupAssistant,
            now,
            entropy,
        )?;
        if !matches!(stepped.flow.state, WebState::AwaitingSignIn(_)) {
            return Err(ProtocolError::new(
                codes::WRONG_STATE,
                format!(
                    "ADE web enrollment cannot start on this device ({})",
                    stepped.flow.state.name()
                ),
            ));
        }
        Ok(self.redirect_to_sign_in(enrollment, stepped, None, now, entropy))
    }
}
