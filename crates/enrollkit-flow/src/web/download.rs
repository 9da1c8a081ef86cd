//! Serving the profile and the pending download (authenticated, profile_pending).

use super::*;

pub(super) fn serve(
    settings: &PortalSettings,
    session: Session,
    at: Timestamp,
    authorization: Option<&Secret>,
) -> Result<Step, Box<(Session, Diagnostic, Option<WebAction>)>> {
    if session.enrollment.is_account_driven() {
        let checked = match &settings.auth_url {
            Some(url) => {
                account_driven::check_bearer(authorization, session.access_token.as_ref(), url)
            }
            None => Err(FlowError::Configuration(
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
    let safari_window = session.entry == Entry::Safari
        && !session.enrollment.is_account_driven()
        && session.device.platform == Platform::Ios;
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

/// The profile was not served: the request is refused and the state stays as it was, with the
/// 401 challenge to answer when the request carried no token.
pub(super) fn unserved(state: WebState, d: Diagnostic, action: Option<WebAction>) -> Step {
    let mut step = Transition::rejected(state, d);
    if let Some(a) = action {
        step = step.with_action(a);
    }
    step
}

/// Serves the profile from a state before any download; a refusal leaves that state as it
/// was (rebuilt from the session by `unchanged`).
pub(super) fn download(
    settings: &PortalSettings,
    session: Session,
    at: Timestamp,
    authorization: Option<&Secret>,
    unchanged: impl FnOnce(Session) -> WebState,
) -> Step {
    match serve(settings, session, at, authorization) {
        Ok(step) => step,
        Err(boxed) => {
            let (session, d, action) = *boxed;
            unserved(unchanged(session), d, action)
        }
    }
}

/// The profile pending since `downloaded_at` was installed (the device reported it, or its
/// `Authenticate` arrived) at `at`: too late after its window, else on to the next step.
fn installed(p: ProfilePending, at: Timestamp, observed_authenticate: bool) -> Step {
    match p.expires_at {
        Some(expires_at) if at > expires_at => {
            let late = at.seconds_since(expires_at);
            let d = codes::PROFILE_EXPIRED.at(
                "expires_at",
                format!(
                    "installed at {at}, {late} s after the 8-minute window closed at {expires_at}; iOS had deleted the profile"
                ),
            );
            let downloaded_at = p.downloaded_at;
            fail(Some(p.session), at, d)
                .with_action(WebAction::DiscardPendingProfile { downloaded_at })
        }
        // The device sends Authenticate only after the Managed Apple Account sign-in.
        _ if observed_authenticate => Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
            session: p.session,
            authenticated: true,
        })),
        _ if p.session.enrollment.needs_managed_apple_account() => {
            Transition::to(WebState::AwaitingAppleAccount(AwaitingAppleAccount {
                session: p.session,
            }))
        }
        _ => Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
            session: p.session,
            authenticated: false,
        })),
    }
}

impl Authenticated {
    pub(super) fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
            WebEvent::ProfileDownloaded { authorization } => download(
                settings,
                self.session,
                at,
                authorization.as_ref(),
                |session| WebState::Authenticated(Authenticated { session }),
            ),
            other => reject(WebState::Authenticated(self), &other),
        }
    }
}

impl ProfilePending {
    /// The install-window timer fired: past the window the profile is gone from the device.
    pub(super) fn on_expiry_due(self, at: Timestamp) -> Step {
        match self.expires_at {
            Some(expires_at) if at > expires_at => {
                let d = codes::PROFILE_EXPIRED.at(
                    "expires_at",
                    format!(
                        "no Authenticate arrived by {expires_at}, 8 minutes after the download at {}; iOS deleted the profile",
                        self.downloaded_at
                    ),
                );
                let downloaded_at = self.downloaded_at;
                fail(Some(self.session), at, d)
                    .with_action(WebAction::DiscardPendingProfile { downloaded_at })
            }
            _ => Transition::to(WebState::ProfilePending(self)),
        }
    }

    pub(super) fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
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
            WebEvent::ProfileInstalled => installed(self, at, false),
            WebEvent::CheckIn {
                message: CheckInMessage::Authenticate,
            } => installed(self, at, true),
            other => reject(WebState::ProfilePending(self), &other),
        }
    }
}
