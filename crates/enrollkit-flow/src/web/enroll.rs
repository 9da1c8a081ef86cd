//! After installation: the Managed Apple Account, the check-ins, enrolled and failed.

use super::*;

impl AwaitingAppleAccount {
    pub(super) fn on(self, at: Timestamp, event: WebEvent) -> Step {
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
            // Authenticate comes only after a successful Managed Apple Account sign-in.
            WebEvent::CheckIn {
                message: CheckInMessage::Authenticate,
            } => Transition::to(WebState::AwaitingCheckIn(AwaitingCheckIn {
                session: self.session,
                authenticated: true,
            })),
            other => reject(WebState::AwaitingAppleAccount(self), &other),
        }
    }
}

impl AwaitingCheckIn {
    pub(super) fn on(self, at: Timestamp, event: WebEvent) -> Step {
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
            other => reject(WebState::AwaitingCheckIn(self), &other),
        }
    }
}

impl Enrolled {
    pub(super) fn on(self, event: WebEvent) -> Step {
        match event {
            // Devices send TokenUpdate again whenever their push token changes.
            WebEvent::CheckIn {
                message: CheckInMessage::TokenUpdate,
            } => Transition::to(WebState::Enrolled(self)),
            other => reject(WebState::Enrolled(self), &other),
        }
    }
}
