//! What the host feeds the flow (events) and what it carries out (actions).

use super::*;

/// What an MDM check-in message was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckInMessage {
    /// `Authenticate`: the device starts enrollment.
    Authenticate,
    /// `TokenUpdate`: the device can be pushed to; enrollment is complete.
    TokenUpdate,
}

/// Where the user opened the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// In Safari (or another browser): profile-driven enrollment downloads a profile there.
    Safari,
    /// In the web-authentication sheet Settings opens for account-driven enrollment.
    Settings,
    /// In Setup Assistant's web view (Automated Device Enrollment with web authentication):
    /// the profile is installed as it arrives, with no 8-minute window.
    SetupAssistant,
}

impl Entry {
    pub(crate) fn safari() -> Entry {
        Entry::Safari
    }

    pub(crate) fn is_safari(&self) -> bool {
        *self == Entry::Safari
    }
}

/// Events of the web enrollment flow. Most are what the server sees (a portal request, the
/// IdP's answer, the profile response, a check-in); the ones only the device knows
/// ([`WebEvent::ProfileInstalled`], [`WebEvent::AppleAccountSignIn`],
/// [`WebEvent::DeviceError`]) are marked by [`WebEvent::is_device_reported`].
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
        /// Where the portal was opened; by default Settings for a portal configured for
        /// account-driven enrollment, Safari otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry: Option<Entry>,
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
    /// The user installed the profile (device-reported; a server sees the `Authenticate`
    /// check-in instead).
    ProfileInstalled,
    /// The user signed in with an Apple Account during enrollment (device-reported).
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
    /// The host's timer for the install window fired: a profile still pending past its
    /// window fails with `FLOW107`; anything else is left as it is.
    ExpiryDue,
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
            WebEvent::ExpiryDue => "expiry_due",
        }
    }

    /// True for facts only the device knows: a server never sees them happen, so they come
    /// from a device report (an MDM command's error, a support log) and are marked as such.
    pub fn is_device_reported(&self) -> bool {
        matches!(
            self,
            WebEvent::ProfileInstalled
                | WebEvent::AppleAccountSignIn { .. }
                | WebEvent::DeviceError { .. }
        )
    }
}

/// A user to register just in time, from the identity provider's claims. One record for the
/// flow's action and the protocol engine's effect, so both carry the same fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The key: issuer + subject.
    pub key: UserKey,
    /// Email claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

/// Effects the host carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum WebAction {
    /// Send the browser to the IdP.
    RedirectToIdp,
    /// Create the user record (just-in-time registration), keyed by issuer + subject.
    CreateUser(NewUser),
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
