//! Web-based Apple enrollment with just-in-time registration.
//!
//! ```text
//! awaiting_portal --portal_opened--> awaiting_sign_in --idp_assertion--> authenticated
//!   (OS too old: failed FLOW104)       (JIT off + unknown: failed FLOW102)    |
//!                                                                 profile_downloaded
//!                                                                             v
//!   failed <--(installed after 8 min: FLOW107)-- profile_pending <--profile_downloaded (replaces, FLOW108)
//!                                                     | profile_installed
//!                                                     v
//!   failed <--(personal FLOW109 / other account FLOW110)-- awaiting_apple_account
//!                                                     | apple_account_sign_in (assigned account)
//!                                                     v
//!                                         awaiting_check_in --check_in Authenticate, TokenUpdate--> enrolled
//! device_error from any state after the portal: failed (FLOW111..FLOW116)
//! portal_opened from failed (or any state before installation) starts a new session.
//! ```
//!
//! Corporate profile enrollment has no Managed Apple Account step. Account-driven enrollment
//! issues a bearer token at sign-in (the host passes it in, randomness is an input), answers with
//! the 308 callback, and serves the profile only to a request carrying that token; the 8-minute
//! window applies to profiles downloaded in Safari on iOS and iPadOS.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use enrollkit_diagnostic::Diagnostic;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::account_driven::{self, ASPEN_CONFIG_CONTENT_TYPE};
use crate::clock::{Clock, Timestamp};
use enrollkit_diagnostic::Code;

use crate::codes;
use crate::error::FlowError;
use crate::identity::{Identity, UserKey};
use crate::secret::{Secret, SecretDigest};
use crate::transition::{Timed, Transition, timed_step};
pub use enrollkit_diagnostic::{OsVersion, Platform};

/// iOS deletes a profile downloaded in Safari that is not installed within this many seconds.
pub const INSTALL_WINDOW_SECONDS: i64 = 8 * 60;
/// A device clock further than this from the host's time is treated as wrong.
pub const MAX_DEVICE_CLOCK_SKEW_SECONDS: i64 = 5 * 60;

/// Who owns the device; the device record is tagged with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// Personal (BYOD): User Enrollment.
    Personal,
    /// Corporate: device enrollment.
    Corporate,
}

/// The Apple enrollment type the portal is configured for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentType {
    /// A profile downloaded in Safari and installed in Settings.
    ProfileDriven,
    /// Sign-in under Settings > General > VPN & Device Management (`.well-known` discovery).
    AccountDriven,
}

/// The enrollment a device actually gets, chosen from ownership, configuration and OS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentKind {
    /// Profile-driven User Enrollment (`ManagedAppleID`): iOS 13.1–17.x, macOS 10.15–14.x.
    ProfileDrivenUserEnrollment,
    /// Account-driven User Enrollment (`EnrollmentMode` BYOD): iOS 15+, macOS 14+.
    AccountDrivenUserEnrollment,
    /// Account-driven Device Enrollment (`EnrollmentMode` ADDE): iOS 17+, macOS 14+.
    AccountDrivenDeviceEnrollment,
    /// Device enrollment with a profile downloaded from the portal.
    ProfileDeviceEnrollment,
}

impl EnrollmentKind {
    /// Whether the user signs in with a Managed Apple Account during enrollment.
    pub fn needs_managed_apple_account(self) -> bool {
        !matches!(self, EnrollmentKind::ProfileDeviceEnrollment)
    }

    /// Whether the profile is fetched through the account-driven protocol (bearer token).
    pub fn is_account_driven(self) -> bool {
        matches!(
            self,
            EnrollmentKind::AccountDrivenUserEnrollment
                | EnrollmentKind::AccountDrivenDeviceEnrollment
        )
    }
}

struct OsThresholds {
    user_enrollment: OsVersion,
    account_driven_user: OsVersion,
    account_driven_device: OsVersion,
    profile_driven_removed: OsVersion,
}

/// The version thresholds of a platform the portal serves (iPhone, iPad, Mac), or `None`.
fn thresholds(platform: Platform) -> Option<OsThresholds> {
    Some(match platform {
        Platform::Ios => OsThresholds {
            user_enrollment: OsVersion::new(13, 1, 0),
            account_driven_user: OsVersion::new(15, 0, 0),
            account_driven_device: OsVersion::new(17, 0, 0),
            profile_driven_removed: OsVersion::new(18, 0, 0),
        },
        Platform::MacOs => OsThresholds {
            user_enrollment: OsVersion::new(10, 15, 0),
            account_driven_user: OsVersion::new(14, 0, 0),
            account_driven_device: OsVersion::new(14, 0, 0),
            profile_driven_removed: OsVersion::new(15, 0, 0),
        },
        Platform::TvOs | Platform::VisionOs | Platform::WatchOs => return None,
    })
}

/// Chooses the enrollment for a device: User Enrollment for personal devices (profile-driven
/// 13.1–17.x, account-driven from 15 when configured and always from 18), device enrollment
/// for corporate ones (account-driven from iOS 17 when configured). A fallback comes with a
/// warning; a personal device below iOS 13.1 / macOS 10.15 is refused (`FLOW104`).
pub fn choose_enrollment(
    platform: Platform,
    version: OsVersion,
    ownership: Ownership,
    configured: EnrollmentType,
) -> Result<(EnrollmentKind, Option<Diagnostic>), Diagnostic> {
    let Some(t) = thresholds(platform) else {
        return Err(codes::PLATFORM_NOT_SERVED.at(
            "device.platform",
            format!("the enrollment portal serves iPhone, iPad and Mac, not {platform}"),
        ));
    };
    let path = "device.os_version";
    match (ownership, configured) {
        (Ownership::Personal, _) if version < t.user_enrollment => Err(codes::OS_TOO_OLD.at(
            path,
            format!(
                "User Enrollment needs {} or later; the device runs {version}",
                t.user_enrollment
            ),
        )),
        (Ownership::Personal, EnrollmentType::ProfileDriven)
            if version >= t.profile_driven_removed =>
        {
            Ok((
                EnrollmentKind::AccountDrivenUserEnrollment,
                Some(codes::PROFILE_DRIVEN_UNAVAILABLE.diagnostic(path)),
            ))
        }
        (Ownership::Personal, EnrollmentType::ProfileDriven) => {
            Ok((EnrollmentKind::ProfileDrivenUserEnrollment, None))
        }
        (Ownership::Personal, EnrollmentType::AccountDriven)
            if version >= t.account_driven_user =>
        {
            Ok((EnrollmentKind::AccountDrivenUserEnrollment, None))
        }
        (Ownership::Personal, EnrollmentType::AccountDriven) => Ok((
            EnrollmentKind::ProfileDrivenUserEnrollment,
            Some(codes::ACCOUNT_DRIVEN_UNAVAILABLE.diagnostic(path)),
        )),
        (Ownership::Corporate, EnrollmentType::AccountDriven)
            if version >= t.account_driven_device =>
        {
            Ok((EnrollmentKind::AccountDrivenDeviceEnrollment, None))
        }
        (Ownership::Corporate, EnrollmentType::AccountDriven) => Ok((
            EnrollmentKind::ProfileDeviceEnrollment,
            Some(codes::ACCOUNT_DRIVEN_UNAVAILABLE.diagnostic(path)),
        )),
        (Ownership::Corporate, EnrollmentType::ProfileDriven) => {
            Ok((EnrollmentKind::ProfileDeviceEnrollment, None))
        }
    }
}

mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&BASE64.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| {
                BASE64
                    .decode(t.as_bytes())
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// The profile to issue, opaque to this crate: an identifier plus either its bytes (base64 in
/// JSON) or a name the host resolves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    /// The profile's `PayloadIdentifier`.
    pub identifier: String,
    /// A name the host resolves to bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The profile bytes themselves.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "base64_bytes"
    )]
    pub bytes: Option<Vec<u8>>,
}

fn yes() -> bool {
    true
}

/// Enrollment portal settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// Users must authenticate at the IdP before a profile is served (default true).
    #[serde(default = "yes")]
    pub require_idp_auth: bool,
    /// The portal refuses assertions without completed MFA (default false).
    #[serde(default)]
    pub require_mfa: bool,
    /// Create unknown users on first sign-in (default true).
    #[serde(default = "yes")]
    pub jit_registration: bool,
    /// Ownership devices are tagged with.
    pub default_ownership: Ownership,
    /// Apple enrollment type.
    pub enrollment_type: EnrollmentType,
    /// Where the device authenticates in account-driven enrollment (https), for the 401 challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<Url>,
    /// The profile to issue.
    pub profile: ProfileRef,
}

impl PortalSettings {
    /// Checks the settings: a profile identifier and name or bytes; an https `auth_url` when
    /// account-driven; IdP authentication when JIT registration is on.
    pub fn validate(&self) -> Result<(), FlowError> {
        let bad = |m: &str| Err(FlowError::Configuration(m.to_owned()));
        if self.profile.identifier.trim().is_empty() {
            return bad("profile.identifier is empty");
        }
        if self.profile.name.is_none() && self.profile.bytes.is_none() {
            return bad("profile needs a name or bytes");
        }
        if let Some(url) = &self.auth_url {
            account_driven::www_authenticate_challenge(url)
                .map_err(|e| FlowError::Configuration(format!("auth_url: {e}")))?;
        } else if self.enrollment_type == EnrollmentType::AccountDriven {
            return bad("account-driven enrollment needs auth_url");
        }
        if self.jit_registration && !self.require_idp_auth {
            return bad("just-in-time registration needs IdP authentication");
        }
        Ok(())
    }
}

/// A user record as the directory returned it for the assertion's issuer + subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// The record's key.
    pub key: UserKey,
    /// The Managed Apple Account assigned to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_apple_account: Option<String>,
}

/// What an MDM check-in message was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckInMessage {
    /// `Authenticate`: the device starts enrollment.
    Authenticate,
    /// `TokenUpdate`: the device can be pushed to; enrollment is complete.
    TokenUpdate,
}

/// An error the device reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceError {
    /// "The new MDM payload does not match the old payload."
    PayloadMismatch,
    /// "A connection to the server could not be established." With what is known about the cause.
    ConnectionFailed {
        /// The device's clock when it failed, if reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device_clock: Option<Timestamp>,
        /// Whether APNs was reachable from the device's network, if probed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        apns_reachable: Option<bool>,
    },
    /// Any other message.
    Other {
        /// The device's message.
        message: String,
    },
}

impl DeviceError {
    /// Classifies a device message: the known texts become their variants, anything else is
    /// [`DeviceError::Other`].
    pub fn from_message(message: &str) -> DeviceError {
        let lower = message.to_lowercase();
        if lower.contains("does not match the old payload") {
            DeviceError::PayloadMismatch
        } else if lower.contains("connection to the server could not be established") {
            DeviceError::ConnectionFailed {
                device_clock: None,
                apns_reachable: None,
            }
        } else {
            DeviceError::Other {
                message: message.to_owned(),
            }
        }
    }

    /// The diagnosis: which code applies, given the host time `at`.
    pub fn diagnose(&self, at: Timestamp) -> Diagnostic {
        let path = "device_error";
        match self {
            DeviceError::PayloadMismatch => codes::PAYLOAD_MISMATCH.diagnostic(path),
            DeviceError::ConnectionFailed {
                device_clock,
                apns_reachable,
            } => {
                let skew = device_clock.map(|dc| dc.seconds_since(at).abs());
                match (skew, apns_reachable) {
                    (Some(skew), _) if skew > MAX_DEVICE_CLOCK_SKEW_SECONDS => codes::DEVICE_CLOCK_WRONG.at(
                        path,
                        format!(
                            "A connection to the server could not be established: the device clock is {skew} s off, so TLS validation fails."
                        ),
                    ),
                    (_, Some(false)) => codes::APNS_BLOCKED.diagnostic(path),
                    _ => codes::CONNECTION_FAILED.diagnostic(path),
                }
            }
            DeviceError::Other { message } => match DeviceError::from_message(message) {
                DeviceError::Other { .. } => {
                    codes::DEVICE_ERROR.at(path, format!("The device reported: {message}"))
                }
                known => known.diagnose(at),
            },
        }
    }
}

/// Events of the web enrollment flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "events are short-lived values moved once into a transition"
)]
pub enum WebEvent {
    /// The device opened the portal (platform and OS version, e.g. from the request).
    PortalOpened {
        /// Platform.
        platform: Platform,
        /// OS version.
        os_version: OsVersion,
    },
    /// The IdP asserted the user's identity.
    IdpAssertion {
        /// Issuer, subject and claims.
        identity: Identity,
        /// Whether MFA was completed.
        #[serde(default)]
        mfa_completed: bool,
        /// The directory record found by issuer + subject, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        directory_user: Option<DirectoryUser>,
        /// A fresh random access token (account-driven enrollment only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_token: Option<Secret>,
    },
    /// The device fetched the profile (Safari download, or the account-driven POST).
    ProfileDownloaded {
        /// The request's `Authorization` header (account-driven).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization: Option<Secret>,
    },
    /// The user installed the profile.
    ProfileInstalled,
    /// The user signed in with an Apple Account during enrollment.
    AppleAccountSignIn {
        /// The account.
        apple_account: String,
        /// Whether it is a Managed Apple Account.
        managed: bool,
    },
    /// An MDM check-in message arrived.
    CheckIn {
        /// Which message.
        message: CheckInMessage,
    },
    /// The device reported an error.
    DeviceError {
        /// The error.
        error: DeviceError,
    },
}

impl WebEvent {
    /// The event's `type` name.
    pub fn name(&self) -> &'static str {
        match self {
            WebEvent::PortalOpened { .. } => "portal_opened",
            WebEvent::IdpAssertion { .. } => "idp_assertion",
            WebEvent::ProfileDownloaded { .. } => "profile_downloaded",
            WebEvent::ProfileInstalled => "profile_installed",
            WebEvent::AppleAccountSignIn { .. } => "apple_account_sign_in",
            WebEvent::CheckIn { .. } => "check_in",
            WebEvent::DeviceError { .. } => "device_error",
        }
    }
}

/// Effects the host carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum WebAction {
    /// Send the browser to the IdP.
    RedirectToIdp,
    /// Create the user record (just-in-time registration), keyed by issuer + subject.
    CreateUser {
        /// The key.
        key: UserKey,
        /// Email claim.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        /// Display name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Groups.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<String>,
    },
    /// Tag the device record with its ownership and enrollment.
    TagDevice {
        /// Ownership.
        ownership: Ownership,
        /// Enrollment chosen.
        enrollment: EnrollmentKind,
    },
    /// Answer 308 with this `Location` (the account-driven callback carrying the token).
    CompleteAuthentication {
        /// The callback URL; it contains the access token.
        location: Secret,
    },
    /// Answer 401 with this `WWW-Authenticate` value.
    Challenge {
        /// Header value.
        www_authenticate: String,
    },
    /// Serve the profile.
    ServeProfile {
        /// The profile.
        profile: ProfileRef,
        /// `application/x-apple-aspen-config`.
        content_type: String,
        /// Enrollment chosen.
        enrollment: EnrollmentKind,
        /// The Managed Apple Account the profile assigns, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assigned_managed_apple_account: Option<String>,
        /// When iOS deletes the profile if it is not installed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        install_by: Option<Timestamp>,
    },
    /// Forget the profile that was pending (replaced or expired).
    DiscardPendingProfile {
        /// When it was downloaded.
        downloaded_at: Timestamp,
    },
    /// Record the device as enrolled.
    RecordEnrollment {
        /// The user, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<UserKey>,
        /// Ownership.
        ownership: Ownership,
        /// Enrollment.
        enrollment: EnrollmentKind,
    },
}

/// The device as the portal saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalDevice {
    /// Platform.
    pub platform: Platform,
    /// OS version.
    pub os_version: OsVersion,
}

/// The user behind a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Issuer + subject.
    pub key: UserKey,
    /// Created just in time during this session.
    pub created_just_in_time: bool,
    /// The Managed Apple Account assigned (AssignedManagedAppleID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_managed_apple_account: Option<String>,
}

/// What every state after the portal knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The device.
    pub device: PortalDevice,
    /// Ownership tag.
    pub ownership: Ownership,
    /// Enrollment chosen.
    pub enrollment: EnrollmentKind,
    /// The user, once authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SessionUser>,
    /// Digest of the access token issued (account-driven).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<SecretDigest>,
}

/// Start: nothing known yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingPortal {}

/// The portal is open; waiting for the IdP assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingSignIn {
    /// Session so far.
    pub session: Session,
}

/// The user is known; the profile can be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authenticated {
    /// Session.
    pub session: Session,
}

/// A profile was fetched and waits for installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePending {
    /// Session.
    pub session: Session,
    /// When it was fetched.
    pub downloaded_at: Timestamp,
    /// When iOS deletes it (Safari downloads on iOS/iPadOS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// Installed; waiting for the Managed Apple Account sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingAppleAccount {
    /// Session.
    pub session: Session,
}

/// Waiting for the MDM check-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingCheckIn {
    /// Session.
    pub session: Session,
    /// `Authenticate` received.
    pub authenticated: bool,
}

/// Enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolled {
    /// Session.
    pub session: Session,
    /// When `TokenUpdate` arrived.
    pub enrolled_at: Timestamp,
}

/// The enrollment failed; `portal_opened` starts again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// Session, if one had started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// The failure.
    pub failure: Code,
    /// When it failed.
    pub failed_at: Timestamp,
}

/// The states of the web enrollment flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WebState {
    /// See [`AwaitingPortal`].
    AwaitingPortal(AwaitingPortal),
    /// See [`AwaitingSignIn`].
    AwaitingSignIn(AwaitingSignIn),
    /// See [`Authenticated`].
    Authenticated(Authenticated),
    /// See [`ProfilePending`].
    ProfilePending(ProfilePending),
    /// See [`AwaitingAppleAccount`].
    AwaitingAppleAccount(AwaitingAppleAccount),
    /// See [`AwaitingCheckIn`].
    AwaitingCheckIn(AwaitingCheckIn),
    /// See [`Enrolled`].
    Enrolled(Enrolled),
    /// See [`Failed`].
    Failed(Failed),
}

type Step = Transition<WebState, WebAction>;

fn reject(state: WebState, event: &WebEvent) -> Step {
    let name = state.name();
    Transition::unexpected(state, name, event.name())
}

fn fail(session: Option<Session>, at: Timestamp, diagnostic: Diagnostic) -> Step {
    let failed = WebState::Failed(Failed {
        session,
        failure: diagnostic.code,
        failed_at: at,
    });
    Transition::failed(failed, diagnostic)
}

fn open_portal(
    settings: &PortalSettings,
    at: Timestamp,
    platform: Platform,
    os_version: OsVersion,
) -> Step {
    let device = PortalDevice {
        platform,
        os_version,
    };
    let ownership = settings.default_ownership;
    match choose_enrollment(platform, os_version, ownership, settings.enrollment_type) {
        Err(refusal) => fail(None, at, refusal),
        Ok((enrollment, note)) => {
            let session = Session {
                device,
                ownership,
                enrollment,
                user: None,
                access_token: None,
            };
            let mut step = Transition::to(WebState::AwaitingSignIn(AwaitingSignIn { session }));
            if let Some(note) = note {
                step = step.with_diagnostic(note);
            }
            if settings.require_idp_auth {
                step = step.with_action(WebAction::RedirectToIdp);
            }
            step
        }
    }
}

fn serve(
    settings: &PortalSettings,
    session: Session,
    at: Timestamp,
    authorization: Option<&Secret>,
) -> Result<Step, Box<(Session, Diagnostic, Option<WebAction>)>> {
    if session.enrollment.is_account_driven() {
        let auth_url = settings.auth_url.clone();
        let checked = match (&auth_url, authorization) {
            (Some(url), _) => account_driven::check_enrollment_request(
                &account_driven::EnrollmentRequest {
                    method: "POST",
                    content_type: Some(account_driven::SIGNED_REQUEST_CONTENT_TYPE),
                    authorization,
                    body_len: 1,
                },
                session.access_token.as_ref(),
                url,
            ),
            (None, _) => Err(FlowError::Configuration(
                "account-driven enrollment needs auth_url".into(),
            )),
        };
        match checked {
            Ok(account_driven::EnrollmentRequestCheck::Authorized) => {}
            Ok(account_driven::EnrollmentRequestCheck::Challenge { www_authenticate }) => {
                let d = codes::BEARER_TOKEN_REJECTED.at(
                    "event.authorization",
                    "The enrollment-profile request carries no bearer token; answered 401 with the apple-as-web challenge",
                );
                return Err(Box::new((
                    session,
                    d,
                    Some(WebAction::Challenge { www_authenticate }),
                )));
            }
            Err(e) => {
                return Err(Box::new((
                    session,
                    e.to_diagnostic("event.authorization"),
                    None,
                )));
            }
        }
    }
    let safari_window =
        !session.enrollment.is_account_driven() && session.device.platform == Platform::Ios;
    let expires_at = safari_window.then(|| at.plus_seconds(INSTALL_WINDOW_SECONDS));
    let action = WebAction::ServeProfile {
        profile: settings.profile.clone(),
        content_type: ASPEN_CONFIG_CONTENT_TYPE.to_owned(),
        enrollment: session.enrollment,
        assigned_managed_apple_account: session
            .user
            .as_ref()
            .and_then(|u| u.assigned_managed_apple_account.clone()),
        install_by: expires_at,
    };
    Ok(Transition::to(WebState::ProfilePending(ProfilePending {
        session,
        downloaded_at: at,
        expires_at,
    }))
    .with_action(action))
}

impl AwaitingPortal {
    fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::PortalOpened {
                platform,
                os_version,
            } => open_portal(settings, at, platform, os_version),
            other => reject(WebState::AwaitingPortal(self), &other),
        }
    }
}

impl AwaitingSignIn {
    fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::PortalOpened {
                platform,
                os_version,
            } => open_portal(settings, at, platform, os_version),
            WebEvent::IdpAssertion {
                identity,
                mfa_completed,
                directory_user,
                access_token,
            } => self.sign_in(
                settings,
                at,
                identity,
                mfa_completed,
                directory_user,
                access_token,
            ),
            WebEvent::ProfileDownloaded { authorization } => {
                if settings.require_idp_auth
                    || self.session.enrollment.needs_managed_apple_account()
                {
                    let d = codes::AUTHENTICATION_REQUIRED.diagnostic("event");
                    return Transition::rejected(WebState::AwaitingSignIn(self), d);
                }
                match serve(settings, self.session, at, authorization.as_ref()) {
                    Ok(step) => step,
                    Err(boxed) => {
                        let (session, d, action) = *boxed;
                        unserved(
                            WebState::AwaitingSignIn(AwaitingSignIn { session }),
                            d,
                            action,
                        )
                    }
                }
            }
            WebEvent::DeviceError { error } => fail(Some(self.session), at, error.diagnose(at)),
            other => reject(WebState::AwaitingSignIn(self), &other),
        }
    }

    fn sign_in(
        self,
        settings: &PortalSettings,
        at: Timestamp,
        identity: Identity,
        mfa_completed: bool,
        directory_user: Option<DirectoryUser>,
        access_token: Option<Secret>,
    ) -> Step {
        let key = identity.key();
        if settings.require_mfa && !mfa_completed {
            let d = codes::MFA_REQUIRED.diagnostic("event.mfa_completed");
            return Transition::rejected(WebState::AwaitingSignIn(self), d);
        }
        if let Some(found) = &directory_user
            && found.key != key
        {
            let d = codes::DIRECTORY_KEY_MISMATCH.at(
                "event.directory_user.key",
                format!(
                    "directory record {} is not the asserted user {key}",
                    found.key
                ),
            );
            return Transition::rejected(WebState::AwaitingSignIn(self), d);
        }
        let account_driven = self.session.enrollment.is_account_driven();
        if account_driven && access_token.as_ref().is_none_or(|t| t.expose().is_empty()) {
            let d = codes::UNEXPECTED_EVENT.at(
                "event.access_token",
                "account-driven enrollment needs a fresh access token with the IdP assertion",
            );
            return Transition::rejected(WebState::AwaitingSignIn(self), d);
        }
        let mut actions = Vec::new();
        let user = match directory_user {
            Some(found) => SessionUser {
                key,
                created_just_in_time: false,
                assigned_managed_apple_account: found.managed_apple_account,
            },
            None if settings.jit_registration => {
                actions.push(WebAction::CreateUser {
                    key: key.clone(),
                    email: identity.email.clone(),
                    name: identity.name.clone(),
                    groups: identity.groups.clone(),
                });
                // Federated Managed Apple Accounts use the IdP email.
                SessionUser {
                    key,
                    created_just_in_time: true,
                    assigned_managed_apple_account: identity.email.clone(),
                }
            }
            None => {
                let d = codes::USER_NOT_FOUND.at(
                    "event.identity",
                    format!("no user {key} in the directory and just-in-time registration is off"),
                );
                return fail(Some(self.session), at, d);
            }
        };
        let mut session = self.session;
        actions.push(WebAction::TagDevice {
            ownership: session.ownership,
            enrollment: session.enrollment,
        });
        if let (true, Some(token)) = (account_driven, &access_token) {
            match account_driven::authentication_callback(token) {
                Ok(location) => {
                    session.access_token = Some(SecretDigest::of(token));
                    actions.push(WebAction::CompleteAuthentication {
                        location: Secret::new(location.as_str()),
                    });
                }
                Err(e) => {
                    let unchanged = WebState::AwaitingSignIn(AwaitingSignIn { session });
                    return Transition::rejected(unchanged, e.to_diagnostic("event.access_token"));
                }
            }
        }
        session.user = Some(user);
        Transition {
            actions,
            ..Transition::to(WebState::Authenticated(Authenticated { session }))
        }
    }
}

/// The profile was not served: the request is refused and the state stays as it was, with the
/// 401 challenge to answer when the request carried no token.
fn unserved(state: WebState, d: Diagnostic, action: Option<WebAction>) -> Step {
    let mut step = Transition::rejected(state, d);
    if let Some(a) = action {
        step = step.with_action(a);
    }
    step
}

impl Authenticated {
    fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::PortalOpened {
                platform,
                os_version,
            } => open_portal(settings, at, platform, os_version),
            WebEvent::ProfileDownloaded { authorization } => {
                match serve(settings, self.session, at, authorization.as_ref()) {
                    Ok(step) => step,
                    Err(boxed) => {
                        let (session, d, action) = *boxed;
                        unserved(
                            WebState::Authenticated(Authenticated { session }),
                            d,
                            action,
                        )
                    }
                }
            }
            WebEvent::DeviceError { error } => fail(Some(self.session), at, error.diagnose(at)),
            other => reject(WebState::Authenticated(self), &other),
        }
    }
}

impl ProfilePending {
    fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::PortalOpened {
                platform,
                os_version,
            } => open_portal(settings, at, platform, os_version),
            WebEvent::ProfileDownloaded { authorization } => {
                let downloaded_at = self.downloaded_at;
                match serve(settings, self.session.clone(), at, authorization.as_ref()) {
                    Ok(step) => {
                        let d = codes::PENDING_PROFILE_REPLACED.at(
                            "downloaded_at",
                            format!("the profile downloaded at {downloaded_at} was replaced by a new download"),
                        );
                        let mut step = step.with_diagnostic(d);
                        step.actions
                            .insert(0, WebAction::DiscardPendingProfile { downloaded_at });
                        step
                    }
                    Err(boxed) => {
                        let (_, d, action) = *boxed;
                        unserved(WebState::ProfilePending(self), d, action)
                    }
                }
            }
            WebEvent::ProfileInstalled => match self.expires_at {
                Some(expires_at) if at > expires_at => {
                    let late = at.seconds_since(expires_at);
                    let d = codes::PROFILE_EXPIRED.at(
                        "expires_at",
                        format!(
                            "installed at {at}, {late} s after the 8-minute window closed at {expires_at}; iOS had deleted the profile"
                        ),
                    );
                    let downloaded_at = self.downloaded_at;
                    fail(Some(self.session), at, d)
                        .with_action(WebAction::DiscardPendingProfile { downloaded_at })
                }
                _ if self.session.enrollment.needs_managed_apple_account() => {
                    Transition::to(WebState::AwaitingAppleAccount(AwaitingAppleAccount {
                        session: self.session,
                    }))
                }
                _ => Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
                    session: self.session,
                    authenticated: false,
                })),
            },
            WebEvent::DeviceError { error } => fail(Some(self.session), at, error.diagnose(at)),
            other => reject(WebState::ProfilePending(self), &other),
        }
    }
}

impl AwaitingAppleAccount {
    fn on(self, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::AppleAccountSignIn {
                apple_account,
                managed,
            } => {
                if !managed {
                    let d = codes::PERSONAL_APPLE_ACCOUNT.at(
                        "event.apple_account",
                        format!("{apple_account} is a personal Apple Account; User Enrollment needs the Managed Apple Account"),
                    );
                    return fail(Some(self.session), at, d);
                }
                let assigned = self
                    .session
                    .user
                    .as_ref()
                    .and_then(|u| u.assigned_managed_apple_account.clone());
                match assigned {
                    Some(a) if a.eq_ignore_ascii_case(&apple_account) => {
                        Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
                            session: self.session,
                            authenticated: false,
                        }))
                    }
                    other => {
                        let expected = other.unwrap_or_else(|| "none".to_owned());
                        let d = codes::MANAGED_ACCOUNT_MISMATCH.at(
                            "event.apple_account",
                            format!(
                                "signed in as {apple_account}; AssignedManagedAppleID is {expected}"
                            ),
                        );
                        fail(Some(self.session), at, d)
                    }
                }
            }
            WebEvent::DeviceError { error } => fail(Some(self.session), at, error.diagnose(at)),
            other => reject(WebState::AwaitingAppleAccount(self), &other),
        }
    }
}

impl AwaitingCheckIn {
    fn on(self, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::CheckIn {
                message: CheckInMessage::Authenticate,
            } => Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
                authenticated: true,
                ..self
            })),
            WebEvent::CheckIn {
                message: CheckInMessage::TokenUpdate,
            } if self.authenticated => {
                let action = WebAction::RecordEnrollment {
                    user: self.session.user.as_ref().map(|u| u.key.clone()),
                    ownership: self.session.ownership,
                    enrollment: self.session.enrollment,
                };
                Transition::to(WebState::Enrolled(Enrolled {
                    session: self.session,
                    enrolled_at: at,
                }))
                .with_action(action)
            }
            WebEvent::DeviceError { error } => fail(Some(self.session), at, error.diagnose(at)),
            other => reject(WebState::AwaitingCheckIn(self), &other),
        }
    }
}

impl Enrolled {
    fn on(self, event: WebEvent) -> Step {
        match event {
            // Devices send TokenUpdate again whenever their push token changes.
            WebEvent::CheckIn {
                message: CheckInMessage::TokenUpdate,
            } => Transition::to(WebState::Enrolled(self)),
            other => reject(WebState::Enrolled(self), &other),
        }
    }
}

impl Failed {
    fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::PortalOpened {
                platform,
                os_version,
            } => open_portal(settings, at, platform, os_version),
            other => reject(WebState::Failed(self), &other),
        }
    }
}

impl WebState {
    /// The state's snake_case name (as in JSON and scenario `expect` blocks).
    pub fn name(&self) -> &'static str {
        match self {
            WebState::AwaitingPortal(_) => "awaiting_portal",
            WebState::AwaitingSignIn(_) => "awaiting_sign_in",
            WebState::Authenticated(_) => "authenticated",
            WebState::ProfilePending(_) => "profile_pending",
            WebState::AwaitingAppleAccount(_) => "awaiting_apple_account",
            WebState::AwaitingCheckIn(_) => "awaiting_check_in",
            WebState::Enrolled(_) => "enrolled",
            WebState::Failed(_) => "failed",
        }
    }

    /// The session, in every state after the portal was opened.
    pub fn session(&self) -> Option<&Session> {
        match self {
            WebState::AwaitingPortal(_) => None,
            WebState::AwaitingSignIn(s) => Some(&s.session),
            WebState::Authenticated(s) => Some(&s.session),
            WebState::ProfilePending(s) => Some(&s.session),
            WebState::AwaitingAppleAccount(s) => Some(&s.session),
            WebState::AwaitingCheckIn(s) => Some(&s.session),
            WebState::Enrolled(s) => Some(&s.session),
            WebState::Failed(s) => s.session.as_ref(),
        }
    }

    /// Consumes the state and the event; returns the next state with its actions.
    pub fn on_event(
        self,
        settings: &PortalSettings,
        at: Timestamp,
        event: WebEvent,
    ) -> Transition<WebState, WebAction> {
        match self {
            WebState::AwaitingPortal(s) => s.on(settings, at, event),
            WebState::AwaitingSignIn(s) => s.on(settings, at, event),
            WebState::Authenticated(s) => s.on(settings, at, event),
            WebState::ProfilePending(s) => s.on(settings, at, event),
            WebState::AwaitingAppleAccount(s) => s.on(at, event),
            WebState::AwaitingCheckIn(s) => s.on(at, event),
            WebState::Enrolled(s) => s.on(event),
            WebState::Failed(s) => s.on(settings, at, event),
        }
    }
}

/// The 8-minute install window as of a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallWindow {
    /// When the profile was downloaded.
    pub downloaded_at: Timestamp,
    /// When iOS deletes it.
    pub expires_at: Timestamp,
    /// Seconds left (0 once expired).
    pub seconds_left: i64,
    /// True once `now` is past `expires_at`.
    pub expired: bool,
}

/// Where a web enrollment stands at a given time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebStatus {
    /// State name.
    pub state: String,
    /// The install window, while a Safari download is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_window: Option<InstallWindow>,
    /// What the user should do next.
    pub next_step: String,
}

/// A web enrollment: the state plus the clock guard. Serde data, so a server can keep it
/// between HTTP requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebEnrollment {
    /// Time of the last accepted event.
    pub clock: Clock,
    /// Current state.
    pub state: WebState,
}

impl Default for WebState {
    fn default() -> Self {
        WebState::AwaitingPortal(AwaitingPortal {})
    }
}

impl WebEnrollment {
    /// A flow in `awaiting_portal`.
    pub fn new() -> Self {
        WebEnrollment::default()
    }

    /// Consumes the flow and one event. An event earlier than the last accepted one is
    /// rejected with `FLOW001` and changes nothing.
    pub fn handle(
        self,
        settings: &PortalSettings,
        event: Timed<WebEvent>,
    ) -> Transition<WebEnrollment, WebAction> {
        let Timed { at, event } = event;
        timed_step(
            self.clock,
            self.state,
            at,
            |state| state.on_event(settings, at, event),
            |clock, state| WebEnrollment { clock, state },
        )
    }

    /// Status at `now`, with the install window's time left. `now` earlier than the last
    /// accepted event is an error (`FLOW001`).
    pub fn status(&self, now: Timestamp) -> Result<WebStatus, FlowError> {
        self.clock.check(now)?;
        let (install_window, next_step) = match &self.state {
            WebState::AwaitingPortal(_) => {
                (None, "Open the enrollment portal in Safari.".to_owned())
            }
            WebState::AwaitingSignIn(_) => {
                (None, "Sign in with your organisation account.".to_owned())
            }
            WebState::Authenticated(s) if s.session.enrollment.is_account_driven() => (
                None,
                "Continue in Settings; the device fetches the enrollment profile.".to_owned(),
            ),
            WebState::Authenticated(_) => (None, "Download the enrollment profile.".to_owned()),
            WebState::ProfilePending(p) => match p.expires_at {
                Some(expires_at) => {
                    let left = expires_at.seconds_since(now).max(0);
                    let expired = now > expires_at;
                    let step = if expired {
                        codes::PROFILE_EXPIRED.remediation().to_owned()
                    } else {
                        format!(
                            "Install the profile in Settings within {}m{:02}s.",
                            left / 60,
                            left % 60
                        )
                    };
                    (
                        Some(InstallWindow {
                            downloaded_at: p.downloaded_at,
                            expires_at,
                            seconds_left: left,
                            expired,
                        }),
                        step,
                    )
                }
                None => (None, "Install the profile in Settings.".to_owned()),
            },
            WebState::AwaitingAppleAccount(s) => (
                None,
                match s
                    .session
                    .user
                    .as_ref()
                    .and_then(|u| u.assigned_managed_apple_account.as_deref())
                {
                    Some(account) => format!("Sign in with the Managed Apple Account {account}."),
                    None => "Sign in with your Managed Apple Account.".to_owned(),
                },
            ),
            WebState::AwaitingCheckIn(_) => (None, "Wait for the device to check in.".to_owned()),
            WebState::Enrolled(_) => (None, "Nothing: the device is enrolled.".to_owned()),
            WebState::Failed(f) => (None, f.failure.remediation().to_owned()),
        };
        Ok(WebStatus {
            state: self.state.name().to_owned(),
            install_window,
            next_step,
        })
    }

    /// Checks the state's internal consistency; used by tests and useful after loading state
    /// from storage. Returns what is wrong.
    pub fn check_invariants(&self) -> Result<(), String> {
        let last = self.clock.last();
        let not_after_clock = |t: Timestamp, what: &str| match last {
            Some(l) if t.cmp(&l) != Ordering::Greater => Ok(()),
            _ => Err(format!("{what} {t} is after the last event time {last:?}")),
        };
        if let Some(session) = self.state.session() {
            let chosen = choose_enrollment(
                session.device.platform,
                session.device.os_version,
                session.ownership,
                if session.enrollment.is_account_driven() {
                    EnrollmentType::AccountDriven
                } else {
                    EnrollmentType::ProfileDriven
                },
            );
            if !matches!(chosen, Ok((kind, _)) if kind == session.enrollment)
                && !matches!(chosen, Ok((_, Some(_))))
            {
                return Err(format!(
                    "enrollment {:?} does not fit the device",
                    session.enrollment
                ));
            }
            if session.enrollment.is_account_driven()
                && session.user.is_some()
                && session.access_token.is_none()
            {
                return Err("account-driven session with a user but no access token".into());
            }
        }
        let needs_user =
            |s: &Session| s.enrollment.needs_managed_apple_account() && s.user.is_none();
        match &self.state {
            WebState::AwaitingPortal(_) => {}
            WebState::AwaitingSignIn(s) if s.session.user.is_some() => {
                return Err("user before sign-in".into());
            }
            WebState::AwaitingSignIn(_) => {}
            WebState::Authenticated(s) if s.session.user.is_none() => {
                return Err("authenticated without a user".into());
            }
            WebState::Authenticated(_) => {}
            WebState::ProfilePending(p) => {
                if needs_user(&p.session) {
                    return Err("profile served for User Enrollment without a user".into());
                }
                not_after_clock(p.downloaded_at, "downloaded_at")?;
                let window = !p.session.enrollment.is_account_driven()
                    && p.session.device.platform != Platform::MacOs;
                if p.expires_at
                    != window.then(|| p.downloaded_at.plus_seconds(INSTALL_WINDOW_SECONDS))
                {
                    return Err(
                        "expires_at is not downloaded_at + 8 minutes for a Safari download".into(),
                    );
                }
            }
            WebState::AwaitingAppleAccount(s)
                if !s.session.enrollment.needs_managed_apple_account()
                    || s.session.user.is_none() =>
            {
                return Err("waiting for a Managed Apple Account without need or user".into());
            }
            WebState::AwaitingAppleAccount(_) => {}
            WebState::AwaitingCheckIn(s) if needs_user(&s.session) => {
                return Err("check-in without a user".into());
            }
            WebState::AwaitingCheckIn(_) => {}
            WebState::Enrolled(e) => {
                if needs_user(&e.session) {
                    return Err("enrolled without a user".into());
                }
                not_after_clock(e.enrolled_at, "enrolled_at")?;
            }
            WebState::Failed(f) => {
                if f.failure.severity() != enrollkit_diagnostic::Severity::Error {
                    return Err("failed with a non-error code".into());
                }
                not_after_clock(f.failed_at, "failed_at")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> OsVersion {
        s.parse().unwrap()
    }

    #[test]
    fn enrollment_by_os_version() {
        use EnrollmentKind::*;
        use EnrollmentType::*;
        use Ownership::*;
        use Platform::*;
        let kind = |p, ver: &str, o, t| {
            choose_enrollment(p, v(ver), o, t).map(|(k, d)| (k, d.map(|d| d.code.as_str())))
        };
        assert_eq!(
            kind(Ios, "13.0", Personal, ProfileDriven).unwrap_err().code,
            "FLOW104"
        );
        assert_eq!(
            kind(Ios, "13.1", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "17.7", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "18.0", Personal, ProfileDriven),
            Ok((AccountDrivenUserEnrollment, Some("FLOW105")))
        );
        assert_eq!(
            kind(Ios, "15.0", Personal, AccountDriven),
            Ok((AccountDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "14.8", Personal, AccountDriven),
            Ok((ProfileDrivenUserEnrollment, Some("FLOW106")))
        );
        assert_eq!(
            kind(Ios, "17.0", Corporate, AccountDriven),
            Ok((AccountDrivenDeviceEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "16.4", Corporate, AccountDriven),
            Ok((ProfileDeviceEnrollment, Some("FLOW106")))
        );
        assert_eq!(
            kind(Ios, "12.5", Corporate, ProfileDriven),
            Ok((ProfileDeviceEnrollment, None))
        );
        assert_eq!(
            kind(MacOs, "10.14", Personal, ProfileDriven)
                .unwrap_err()
                .code,
            "FLOW104"
        );
        assert_eq!(
            kind(MacOs, "14.6", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(MacOs, "15.0", Personal, ProfileDriven),
            Ok((AccountDrivenUserEnrollment, Some("FLOW105")))
        );
    }

    #[test]
    fn device_errors_are_diagnosed() {
        let at = Timestamp::from_unix(1_000_000).unwrap();
        let code = |e: DeviceError| e.diagnose(at).code;
        assert_eq!(
            code(DeviceError::from_message(
                "Profile Installation Failed. The new MDM payload does not match the old payload."
            )),
            "FLOW111"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: Some(at.plus_seconds(-86_400)),
                apns_reachable: Some(true)
            }),
            "FLOW113"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: Some(at.plus_seconds(30)),
                apns_reachable: Some(false)
            }),
            "FLOW112"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: None,
                apns_reachable: None
            }),
            "FLOW114"
        );
        assert_eq!(
            code(DeviceError::Other {
                message: "A connection to the server could not be established.".into()
            }),
            "FLOW114"
        );
        assert_eq!(
            code(DeviceError::Other {
                message: "boom".into()
            }),
            "FLOW116"
        );
    }
}
