//! The enrollment profile, built for one enrollment.
//!
//! Everything that varies per enrollment is decided here: fresh PayloadUUIDs (from the
//! engine's entropy, so deterministic only when the entropy is), the MDM payload keys of the
//! enrollment kind (`ManagedAppleID` for profile-driven User Enrollment; `EnrollmentMode` and
//! `AssignedManagedAppleID` and no `AccessRights` for account-driven BYOD; `AccessRights` for
//! device enrollment), the URLs that name the enrollment, and a single-use identity challenge
//! (SCEP `Challenge` or ACME `ClientIdentifier`) that outlives the install window by a margin.
//! The profile is linted for the device's context before it is signed: one the device would
//! reject is never served (`PROT050`).

use std::time::{Duration, SystemTime};

use enrollkit_cms::CmsSigner;
use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_diagnostic::{Diagnostic, Severity};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::web::INSTALL_WINDOW_SECONDS;
use enrollkit_lint::LintContext;
use enrollkit_profile::{
    AccessRights, AcmePayload, EnrollmentKind, EnrollmentMode, EnrollmentProfileBuilder,
    IdentitySource, KeyType, Profile, ScepContent, ServerCapability,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::secret::{Secret, SecretDigest};

/// How the device gets its identity certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IdentityIssuer {
    /// SCEP: the challenge is the single-use `Challenge`.
    Scep {
        /// The SCEP server URL.
        url: Url,
        /// The CA instance name, when the server needs one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// RSA key size (default 2048).
        #[serde(default = "default_rsa_bits")]
        key_size: i64,
    },
    /// ACME (Apple's recommendation): the challenge is the single-use `ClientIdentifier`.
    Acme {
        /// The ACME directory URL.
        directory_url: Url,
        /// Keep the key in the Secure Enclave and ask for attestation.
        #[serde(default)]
        hardware_bound: bool,
    },
}

fn default_rsa_bits() -> i64 {
    2048
}

/// What every enrollment profile of this server shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    /// The top-level `PayloadIdentifier`, e.g. `com.example.enroll`. Keep it stable: a second
    /// enrollment profile with another identifier cannot replace the first.
    pub identifier: String,
    /// `PayloadOrganization`.
    pub organization: String,
    /// The `Topic` (the APNs push certificate's topic, `com.apple.mgmt.…`).
    pub topic: String,
    /// The MDM base URL; `ServerURL` is `{base}/connect/{enrollment}` and `CheckInURL`
    /// `{base}/checkin/{enrollment}`, so every check-in names its enrollment.
    pub mdm_base_url: Url,
    /// The device identity.
    pub identity: IdentityIssuer,
    /// DER certificates the device must trust for the MDM URLs (a private TLS root), each
    /// added as a `com.apple.security.root` payload.
    #[serde(default, with = "der_list", skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<Vec<u8>>,
    /// `SignMessage` (default true): every check-in then carries an `Mdm-Signature`.
    #[serde(default = "yes")]
    pub sign_message: bool,
    /// `AccessRights` for device enrollment (default: all, 8191).
    #[serde(default = "full_rights")]
    pub device_access_rights: u32,
    /// How long the identity challenge outlives the 8-minute install window, in seconds
    /// (default 1,320: a challenge lives 30 minutes).
    #[serde(default = "default_margin")]
    pub challenge_margin_seconds: i64,
}

fn yes() -> bool {
    true
}
fn full_rights() -> u32 {
    AccessRights::FULL.bits()
}
fn default_margin() -> i64 {
    30 * 60 - INSTALL_WINDOW_SECONDS
}

mod der_list {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(list: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|d| BASE64.encode(d)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|t| {
                BASE64
                    .decode(t.as_bytes())
                    .map_err(serde::de::Error::custom)
            })
            .collect()
    }
}

impl ProfileSettings {
    /// The URL a check-in of this enrollment arrives at.
    pub fn check_in_url(&self, enrollment: &str) -> String {
        format!(
            "{}/checkin/{enrollment}",
            self.mdm_base_url.as_str().trim_end_matches('/')
        )
    }

    /// The URL commands of this enrollment are fetched from.
    pub fn server_url(&self, enrollment: &str) -> String {
        format!(
            "{}/connect/{enrollment}",
            self.mdm_base_url.as_str().trim_end_matches('/')
        )
    }

    /// How long an identity challenge lives.
    pub fn challenge_lifetime_seconds(&self) -> i64 {
        INSTALL_WINDOW_SECONDS + self.challenge_margin_seconds.max(0)
    }

    /// Checks the settings once, when the engine is made.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let bad = |m: String| Err(ProtocolError::new(codes::CONFIGURATION, m));
        if !self.topic.starts_with("com.apple.mgmt.") {
            return bad(format!(
                "profile.topic {:?} must start with com.apple.mgmt. (the APNs certificate topic)",
                self.topic
            ));
        }
        if self.mdm_base_url.scheme() != "https" {
            return bad("profile.mdm_base_url must be https".into());
        }
        if self.identifier.trim().is_empty() || self.organization.trim().is_empty() {
            return bad("profile.identifier and profile.organization must not be empty".into());
        }
        if AccessRights::from_bits(self.device_access_rights).is_none() {
            return bad(format!(
                "profile.device_access_rights {} has bits outside 1..=8191",
                self.device_access_rights
            ));
        }
        Ok(())
    }
}

/// Who the profile is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileFor {
    /// Device enrollment (web, OTA, ADE).
    Device,
    /// Profile-driven User Enrollment: `ManagedAppleID`.
    ProfileDrivenUser {
        /// The Managed Apple Account.
        managed_apple_id: String,
    },
    /// Account-driven enrollment: `EnrollmentMode` and `AssignedManagedAppleID`.
    AccountDriven {
        /// BYOD (User Enrollment) or ADDE (device enrollment).
        device_enrollment: bool,
        /// The Managed Apple Account.
        assigned_managed_apple_id: String,
    },
}

/// The identity challenge minted with a profile: the device presents it once to the SCEP or
/// ACME server, which redeems it through the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedChallenge {
    /// Its digest (the challenge itself is only in the profile).
    pub digest: SecretDigest,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
    /// When it was redeemed, once it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redeemed_at: Option<Timestamp>,
}

/// A profile built, linted and signed for one enrollment.
#[derive(Debug, Clone)]
pub struct BuiltProfile {
    /// What is served (`application/x-apple-aspen-config`): CMS-signed, and encrypted first
    /// when asked.
    pub bytes: Vec<u8>,
    /// The `PayloadUUID`s, top level first.
    pub payload_uuids: Vec<String>,
    /// The identity challenge.
    pub challenge: IssuedChallenge,
    /// The challenge itself, to hand to nobody but the device (it is inside `bytes`).
    pub challenge_secret: Secret,
    /// Lint findings below error severity (the device accepts the profile with them).
    pub findings: Vec<Diagnostic>,
}

/// Everything one build needs.
pub struct BuildRequest<'a> {
    /// The enrollment's ID (it names the check-in URLs).
    pub enrollment: &'a str,
    /// Who the profile is for.
    pub profile_for: &'a ProfileFor,
    /// The device's context: the profile is linted for it.
    pub context: LintContext,
    /// Encrypt `PayloadContent` to this certificate (DER): OTA enrollment with the device's
    /// identity.
    pub encrypt_to: Option<&'a [u8]>,
    /// The time (signing time, challenge expiry).
    pub now: Timestamp,
}

/// Builds, lints, signs (and, when asked, encrypts) the enrollment profile.
pub fn build_profile(
    settings: &ProfileSettings,
    request: BuildRequest<'_>,
    signer: &CmsSigner,
    entropy: &mut dyn Entropy,
) -> Result<BuiltProfile, ProtocolError> {
    let challenge_secret = entropy.token();
    let namespace = entropy.uuid();
    let mut profile = assemble(settings, &request, &challenge_secret, namespace)?;
    let mut value = profile.to_value();
    let findings = lint_for_device(&value, &request.context)?;
    if let Some(recipient) = request.encrypt_to {
        enrollkit_profile::crypto::encrypt_payload_content(
            &mut profile,
            recipient,
            enrollkit_cms::ContentEncryption::Aes256Cbc,
            &enrollkit_cms::SystemRandom::new(),
        )
        .map_err(|e| {
            ProtocolError::new(
                codes::SIGNING_FAILED,
                format!("encrypting the profile to the device: {e}"),
            )
        })?;
        value = profile.to_value();
    }
    // The value linted is the value signed (one conversion, one serialization).
    let xml = enrollkit_profile::xml_bytes(&value)
        .map_err(|e| ProtocolError::new(codes::SIGNING_FAILED, e.to_string()))?;
    let bytes = signer
        .sign(&xml, system_time(request.now))
        .map_err(|e| ProtocolError::new(codes::SIGNING_FAILED, e.to_string()))?;
    let mut payload_uuids: Vec<String> = profile.uuid.iter().cloned().collect();
    payload_uuids.extend(
        profile
            .payloads()
            .iter()
            .filter_map(|p| p.uuid().map(str::to_owned)),
    );
    Ok(BuiltProfile {
        bytes,
        payload_uuids,
        challenge: IssuedChallenge {
            digest: SecretDigest::of(&challenge_secret),
            expires_at: request
                .now
                .plus_seconds(settings.challenge_lifetime_seconds()),
            redeemed_at: None,
        },
        challenge_secret,
        findings,
    })
}

/// The profile model, before lint and signature.
fn assemble(
    settings: &ProfileSettings,
    request: &BuildRequest<'_>,
    challenge: &Secret,
    namespace: uuid::Uuid,
) -> Result<Profile, ProtocolError> {
    let identity = match &settings.identity {
        IdentityIssuer::Scep {
            url,
            name,
            key_size,
        } => {
            let mut content = ScepContent::default()
                .with_url(url.as_str())
                .with_keysize(*key_size)
                .with_key_usage(5i64)
                .with_challenge(challenge.clone())
                .with_subject(vec![
                    vec![vec!["O".to_owned(), settings.organization.clone()]],
                    vec![vec![
                        "CN".to_owned(),
                        format!("enrollment {}", request.enrollment),
                    ]],
                ]);
            content.name = name.clone();
            IdentitySource::Scep(content)
        }
        IdentityIssuer::Acme {
            directory_url,
            hardware_bound,
        } => {
            let mut acme = AcmePayload::default()
                .with_directory_url(directory_url.as_str())
                .with_client_identifier(challenge.expose())
                .with_key_type(KeyType::EcSecPrimeRandom)
                .with_key_size(if *hardware_bound { 256i64 } else { 384i64 })
                .with_hardware_bound(*hardware_bound)
                .with_subject(vec![vec![vec![
                    "CN".to_owned(),
                    format!("enrollment {}", request.enrollment),
                ]]]);
            if *hardware_bound {
                acme.attest = Some(true);
            }
            IdentitySource::Acme(acme)
        }
    };
    let kind = match request.profile_for {
        ProfileFor::Device => EnrollmentKind::Device,
        ProfileFor::ProfileDrivenUser { managed_apple_id } => EnrollmentKind::ProfileDrivenUser {
            managed_apple_id: managed_apple_id.clone(),
        },
        ProfileFor::AccountDriven {
            device_enrollment,
            assigned_managed_apple_id,
        } => EnrollmentKind::AccountDriven {
            mode: if *device_enrollment {
                EnrollmentMode::Adde
            } else {
                EnrollmentMode::Byod
            },
            assigned_managed_apple_id: assigned_managed_apple_id.clone(),
        },
    };
    let mut builder = EnrollmentProfileBuilder::new(settings.identifier.clone())
        .organization(settings.organization.clone())
        .namespace(namespace)
        .server_url(settings.server_url(request.enrollment))
        .check_in_url(settings.check_in_url(request.enrollment))
        .topic(settings.topic.clone())
        .sign_message(settings.sign_message)
        .check_out_when_removed(true)
        .identity(identity)
        .enrollment(kind);
    if request.context.platform == enrollkit_diagnostic::Platform::MacOs
        || request.profile_for == &ProfileFor::Device
    {
        builder = builder.server_capability(ServerCapability::PerUserConnections);
    }
    if request.profile_for == &ProfileFor::Device {
        builder = builder.access_rights(
            AccessRights::from_bits(settings.device_access_rights).unwrap_or(AccessRights::FULL),
        );
    }
    for (i, der) in settings.anchors.iter().enumerate() {
        builder = builder.anchor_certificate(format!("anchor-{i}.cer"), der.clone());
    }
    builder
        .build()
        .map_err(|e| ProtocolError::new(codes::CONFIGURATION, format!("building the profile: {e}")))
}

/// Lints the profile for the device; any finding of error severity means the device would
/// reject it, so it is refused here.
fn lint_for_device(
    value: &enrollkit_profile::plist::Value,
    context: &LintContext,
) -> Result<Vec<Diagnostic>, ProtocolError> {
    let findings = enrollkit_lint::lint_value(value, context);
    let (errors, rest): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if errors.is_empty() {
        return Ok(rest);
    }
    let listed: Vec<String> = errors
        .iter()
        .map(|d| format!("{} at {}: {}", d.code, d.location, d.message))
        .collect();
    Err(ProtocolError::new(
        codes::PROFILE_REJECTED,
        format!(
            "the profile built for {} {} would be rejected: {}",
            context.platform,
            context
                .os_version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(newest)".into()),
            listed.join("; ")
        ),
    ))
}

/// A `Timestamp` as `SystemTime` (timestamps are never before 1970).
pub(crate) fn system_time(t: Timestamp) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix()).unwrap_or(0))
}
