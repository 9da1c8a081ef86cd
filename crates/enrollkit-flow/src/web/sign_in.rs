//! Opening the portal and signing in at the IdP (awaiting_portal, awaiting_sign_in).

use super::*;

pub(super) fn open_portal(
    settings: &PortalSettings,
    at: Timestamp,
    platform: Platform,
    os_version: OsVersion,
    entry: Option<Entry>,
) -> Step {
    let device = PortalDevice {
        platform,
        os_version,
    };
    let ownership = settings.default_ownership;
    let entry = entry.unwrap_or(match settings.enrollment_type {
        EnrollmentType::AccountDriven => Entry::Settings,
        EnrollmentType::ProfileDriven => Entry::Safari,
    });
    match choose_enrollment(platform, os_version, ownership, settings.enrollment_type) {
        Err(refusal) => fail(None, at, refusal),
        Ok((enrollment, note)) => {
            let session = Session {
                device,
                ownership,
                enrollment,
                user: None,
                access_token: None,
                entry,
            };
            if entry == Entry::Safari && enrollment.is_account_driven() {
                // Account-driven enrollment only starts in Settings: the portal says where.
                let mut step = Transition::to(WebState::SentToSettings(SentToSettings { session }));
                if let Some(note) = note {
                    step = step.with_diagnostic(note);
                }
                return step.with_diagnostic(codes::SIGN_IN_UNDER_SETTINGS.diagnostic("entry"));
            }
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

impl AwaitingSignIn {
    pub(super) fn on(self, settings: &PortalSettings, at: Timestamp, event: WebEvent) -> Step {
        match event {
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
                download(
                    settings,
                    self.session,
                    at,
                    authorization.as_ref(),
                    |session| WebState::AwaitingSignIn(AwaitingSignIn { session }),
                )
            }
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
                actions.push(WebAction::CreateUser(NewUser {
                    key: key.clone(),
                    email: identity.email.clone(),
                    name: identity.name.clone(),
                    groups: identity.groups.clone(),
                }));
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
