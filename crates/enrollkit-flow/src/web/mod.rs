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
use enrollkit_diagnostic::{Code, Diagnostic};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::account_driven::{self, ASPEN_CONFIG_CONTENT_TYPE};
use crate::clock::{Clock, Timestamp};
use crate::codes;
use crate::error::FlowError;
use crate::identity::{Identity, UserKey};
use crate::secret::{Secret, SecretDigest};
use crate::transition::{Timed, Transition, timed_step};
pub use enrollkit_diagnostic::{OsVersion, Platform};

mod device_error;
mod download;
mod enroll;
mod enrollment;
mod events;
mod settings;
mod sign_in;
mod state;

pub use device_error::DeviceError;
use download::download;
pub use enrollment::{EnrollmentKind, EnrollmentType, Ownership, choose_enrollment};
pub use events::{CheckInMessage, Entry, NewUser, WebAction, WebEvent};
pub use settings::{DirectoryUser, PortalSettings, ProfileRef};
use sign_in::open_portal;
pub use state::{
    Authenticated, AwaitingAppleAccount, AwaitingCheckIn, AwaitingPortal, AwaitingSignIn, Enrolled,
    Failed, PortalDevice, ProfilePending, SentToSettings, Session, SessionUser, WebState,
};
use state::{Step, fail, reject};

/// iOS deletes a profile downloaded in Safari that is not installed within this many seconds.
pub const INSTALL_WINDOW_SECONDS: i64 = 8 * 60;
/// A device clock further than this from the host's time is treated as wrong.
pub const MAX_DEVICE_CLOCK_SKEW_SECONDS: i64 = 5 * 60;

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
            WebState::SentToSettings(_) => {
                (None, codes::SIGN_IN_UNDER_SETTINGS.remediation().to_owned())
            }
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
                let window = p.session.entry == Entry::Safari
                    && !p.session.enrollment.is_account_driven()
                    && p.session.device.platform == Platform::Ios;
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
            WebState::SentToSettings(s) if !s.session.enrollment.is_account_driven() => {
                return Err("sent to Settings for an enrollment that is not account-driven".into());
            }
            WebState::SentToSettings(_) => {}
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
