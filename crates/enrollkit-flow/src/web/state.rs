//! The states, one struct each, and the session every state after the portal carries.

use super::*;

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
    /// Where the portal was opened (Safari unless recorded otherwise).
    #[serde(default = "Entry::safari", skip_serializing_if = "Entry::is_safari")]
    pub entry: Entry,
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

/// The portal told the user to enroll in Settings: the device is on a release (iOS 18,
/// macOS 15 or later) or a portal configuration where enrollment is account-driven, and
/// account-driven enrollment starts under Settings > General > VPN & Device Management >
/// Sign In to Work or School Account, never from a Safari download. This session ends here;
/// the enrollment the user starts in Settings is its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentToSettings {
    /// Session.
    pub session: Session,
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
    /// See [`SentToSettings`].
    SentToSettings(SentToSettings),
    /// See [`Enrolled`].
    Enrolled(Enrolled),
    /// See [`Failed`].
    Failed(Failed),
}

pub(super) type Step = Transition<WebState, WebAction>;

pub(super) fn reject(state: WebState, event: &WebEvent) -> Step {
    let name = state.name();
    Transition::unexpected(state, name, event.name())
}

pub(super) fn fail(session: Option<Session>, at: Timestamp, diagnostic: Diagnostic) -> Step {
    let failed = WebState::Failed(Failed {
        session,
        failure: diagnostic.code,
        failed_at: at,
    });
    Transition::failed(failed, diagnostic)
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
            WebState::SentToSettings(_) => "sent_to_settings",
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
            WebState::SentToSettings(s) => Some(&s.session),
            WebState::Enrolled(s) => Some(&s.session),
            WebState::Failed(s) => s.session.as_ref(),
        }
    }

    /// The session, taken out of the state.
    fn into_session(self) -> Option<Session> {
        match self {
            WebState::AwaitingPortal(_) => None,
            WebState::AwaitingSignIn(s) => Some(s.session),
            WebState::Authenticated(s) => Some(s.session),
            WebState::ProfilePending(s) => Some(s.session),
            WebState::AwaitingAppleAccount(s) => Some(s.session),
            WebState::AwaitingCheckIn(s) => Some(s.session),
            WebState::SentToSettings(s) => Some(s.session),
            WebState::Enrolled(s) => Some(s.session),
            WebState::Failed(s) => s.session,
        }
    }

    /// Opening the portal again starts a new session in every state before installation.
    fn restarts_on_portal(&self) -> bool {
        matches!(
            self,
            WebState::AwaitingPortal(_)
                | WebState::AwaitingSignIn(_)
                | WebState::Authenticated(_)
                | WebState::ProfilePending(_)
                | WebState::SentToSettings(_)
                | WebState::Failed(_)
        )
    }

    /// A device error fails every state of a session in progress.
    fn fails_on_device_error(&self) -> bool {
        matches!(
            self,
            WebState::AwaitingSignIn(_)
                | WebState::Authenticated(_)
                | WebState::ProfilePending(_)
                | WebState::AwaitingAppleAccount(_)
                | WebState::AwaitingCheckIn(_)
        )
    }

    /// Consumes the state and the event; returns the next state with its actions.
    pub fn on_event(
        self,
        settings: &PortalSettings,
        at: Timestamp,
        event: WebEvent,
    ) -> Transition<WebState, WebAction> {
        match (self, event) {
            (
                state,
                WebEvent::PortalOpened {
                    platform,
                    os_version,
                    entry,
                },
            ) if state.restarts_on_portal() => {
                open_portal(settings, at, platform, os_version, entry)
            }
            (state, WebEvent::DeviceError { error }) if state.fails_on_device_error() => {
                fail(state.into_session(), at, error.diagnose(at))
            }
            (WebState::ProfilePending(s), WebEvent::ExpiryDue) => s.on_expiry_due(at),
            // A timer for a download that was replaced or installed meanwhile: nothing to do.
            (state, WebEvent::ExpiryDue) => Transition::to(state),
            (WebState::AwaitingSignIn(s), event) => s.on(settings, at, event),
            (WebState::Authenticated(s), event) => s.on(settings, at, event),
            (WebState::ProfilePending(s), event) => s.on(settings, at, event),
            (WebState::AwaitingAppleAccount(s), event) => s.on(at, event),
            (WebState::AwaitingCheckIn(s), event) => s.on(at, event),
            (WebState::Enrolled(s), event) => s.on(event),
            (
                state @ (WebState::AwaitingPortal(_)
                | WebState::SentToSettings(_)
                | WebState::Failed(_)),
                event,
            ) => reject(state, &event),
        }
    }
}
