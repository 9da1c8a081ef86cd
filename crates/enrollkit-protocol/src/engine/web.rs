//! The browser side shared by the exchanges: starting an enrollment, the sign-in, the portal
//! page's data, the download, the install-window timer.

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_diagnostic::{Code, Diagnostic, Platform};
use enrollkit_flow::account_driven::ASPEN_CONFIG_CONTENT_TYPE;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::transition::{Outcome, Timed, Transition};
use enrollkit_flow::web::{
    DirectoryUser, EnrollmentKind, EnrollmentType, Entry, InstallWindow, Ownership, PortalSettings,
    ProfileRef, WebAction, WebEnrollment, WebEvent, WebState,
};
use enrollkit_lint::{Enrollment as LintEnrollment, InstallMethod, LintContext};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::request::{self, session_cookie_header};
use super::{Effect, Engine, Enrollment, Exchange, Handled, LookupKey, Reply};
use crate::build::{BuildRequest, BuiltProfile, ProfileFor, build_profile};
use crate::engine::state::{DeviceRecord, EnrolledUser, ServedProfile};
use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::http_util::response;
use crate::oidc::{self, VerifiedSignIn};
use crate::secret::{Secret, SecretDigest};

/// What the portal page shows: where the enrollment stands and what the user does next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    /// The enrollment.
    pub enrollment: String,
    /// Its exchange.
    pub exchange: Exchange,
    /// The flow state.
    pub state: String,
    /// What to do next.
    pub next_step: String,
    /// The install window, while a Safari download waits for installation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_window: Option<InstallWindow>,
    /// Where to download the profile, when it can be downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// A failure as the portal shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The code.
    pub code: Code,
    /// What it means.
    pub summary: String,
    /// What to do.
    pub remediation: String,
}

/// The flow's answer to one event, unpacked for a handler.
pub(crate) struct Stepped {
    pub(crate) flow: WebEnrollment,
    pub(crate) actions: Vec<WebAction>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Engine {
    /// The portal settings the flow of an exchange runs with.
    pub(crate) fn portal_settings(&self, exchange: Exchange) -> PortalSettings {
        let (ownership, enrollment_type) = match exchange {
            Exchange::ProfileDriven => (
                self.settings.portal.ownership,
                EnrollmentType::ProfileDriven,
            ),
            Exchange::Ota | Exchange::AdeWeb => {
                (Ownership::Corporate, EnrollmentType::ProfileDriven)
            }
            Exchange::AccountDriven if self.settings.account_driven.device_enrollment => {
                (Ownership::Corporate, EnrollmentType::AccountDriven)
            }
            Exchange::AccountDriven => (Ownership::Personal, EnrollmentType::AccountDriven),
        };
        PortalSettings {
            require_idp_auth: true,
            require_mfa: self.settings.portal.require_mfa,
            jit_registration: self.settings.portal.jit_registration,
            default_ownership: ownership,
            enrollment_type,
            auth_url: url::Url::parse(&self.url("/account/auth")).ok(),
            profile: ProfileRef {
                identifier: self.settings.profile.identifier.clone(),
                name: Some(exchange.as_str().to_owned()),
                bytes: None,
            },
        }
    }

    /// Feeds one event to the enrollment's flow. A rejected event is refused with its flow
    /// code in the message (`PROT014`); the enrollment is unchanged.
    pub(crate) fn step(
        &self,
        enrollment: &Enrollment,
        event: WebEvent,
        now: Timestamp,
    ) -> Result<Stepped, ProtocolError> {
        let settings = self.portal_settings(enrollment.exchange);
        let Transition {
            flow,
            outcome,
            actions,
            diagnostics,
        } = enrollment
            .flow
            .clone()
            .handle(&settings, Timed::new(now, event));
        if let Outcome::Rejected { code } = outcome {
            let why = diagnostics
                .iter()
                .find(|d| d.code == code)
                .map_or_else(String::new, |d| format!(": {}", d.message));
            return Err(ProtocolError::new(
                codes::WRONG_STATE,
                format!("{code} in state {}{why}", enrollment.flow.state.name()),
            ));
        }
        Ok(Stepped {
            flow,
            actions,
            diagnostics,
        })
    }

    /// A new enrollment for a device, its flow at the opened portal.
    pub(crate) fn new_enrollment(
        &self,
        exchange: Exchange,
        device: DeviceRecord,
        entry: Entry,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<(Enrollment, Stepped), ProtocolError> {
        let enrollment = Enrollment {
            id: entropy.uuid().hyphenated().to_string(),
            exchange,
            created_at: now,
            flow: WebEnrollment::new(),
            sign_in: None,
            browser_session: None,
            user: None,
            device: device.clone(),
            served: None,
            access_token: None,
            ota_challenge: None,
            checkin: None,
        };
        // An unknown version (a Mac with a frozen User-Agent) is linted as the newest
        // release; the flow needs one to choose the enrollment, so the floor of the exchange.
        let os_version = device.os_version.unwrap_or(match device.platform {
            Platform::MacOs => enrollkit_diagnostic::OsVersion::new(14, 0, 0),
            _ => enrollkit_diagnostic::OsVersion::new(17, 0, 0),
        });
        let opened = WebEvent::PortalOpened {
            platform: device.platform,
            os_version,
            entry: Some(entry),
        };
        let stepped = self.step(&enrollment, opened, now)?;
        Ok((enrollment, stepped))
    }

    /// Starts the sign-in of a new enrollment: the redirect to the identity provider with a
    /// fresh state, a browser session cookie, and the keys to index.
    pub(crate) fn redirect_to_sign_in(
        &self,
        mut enrollment: Enrollment,
        stepped: Stepped,
        login_hint: Option<&str>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Handled {
        let start = oidc::start_sign_in(
            &self.settings.oidc,
            self.settings.secret_key.expose().as_bytes(),
            entropy.token(),
            login_hint,
            now,
        );
        let session = entropy.token();
        let session_digest = SecretDigest::of(&session);
        enrollment.flow = stepped.flow;
        enrollment.sign_in = Some(start.pending.clone());
        enrollment.browser_session = Some(session_digest);
        let mut r = response(StatusCode::FOUND, "text/plain; charset=utf-8", Vec::new());
        if let Ok(v) = HeaderValue::from_str(start.authorization_url.as_str()) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        if let Ok(v) = HeaderValue::from_str(&session_cookie_header(
            &session,
            self.settings.base_url.path().trim_end_matches('/'),
        )) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        let id = enrollment.id.clone();
        Handled::respond(r, Some(enrollment))
            .with_effects([
                Effect::Index {
                    key: LookupKey::SignInState(start.pending.state),
                    enrollment: id.clone(),
                },
                Effect::Index {
                    key: LookupKey::BrowserSession(session_digest),
                    enrollment: id,
                },
            ])
            .with_diagnostics(stepped.diagnostics)
    }

    /// `GET {base}/portal` and `GET {base}/ota`: a new enrollment for the device in Safari.
    pub(crate) fn start_portal<B>(
        &self,
        request: &http::Request<B>,
        exchange: Exchange,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let (platform, os_version) = request::device_from_request(request)?;
        let device = DeviceRecord {
            platform,
            os_version: Some(os_version),
            udid: None,
            serial: None,
            product: None,
            attested_by: None,
        };
        let (mut enrollment, stepped) =
            self.new_enrollment(exchange, device, Entry::Safari, now, entropy)?;
        match &stepped.flow.state {
            WebState::AwaitingSignIn(_) => {
                Ok(self.redirect_to_sign_in(enrollment, stepped, None, now, entropy))
            }
            // Sent to Settings (iOS 18+), or refused (OS too old, platform not served): the
            // portal page says what to do; nothing is stored.
            _ => {
                enrollment.flow = stepped.flow;
                let view = self.portal_view(&enrollment, now)?;
                Ok(Handled::respond(json_response(StatusCode::OK, &view), None)
                    .with_diagnostics(stepped.diagnostics))
            }
        }
    }

    /// The callback's query, once its state matches the enrollment's pending sign-in.
    fn checked_callback<B>(
        &self,
        enrollment: &Enrollment,
        request: &http::Request<B>,
        now: Timestamp,
    ) -> Result<oidc::Callback, ProtocolError> {
        let callback = oidc::read_callback(request.uri().query().unwrap_or_default())?;
        oidc::check_state(
            &self.settings.oidc,
            enrollment.sign_in.as_ref(),
            &callback.state,
            now,
        )?;
        Ok(callback)
    }

    /// `GET {base}/oidc/callback`: checks the state and asks the server to exchange the code.
    pub(crate) fn callback<B>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
    ) -> Result<Handled, ProtocolError> {
        let enrollment = enrollment.ok_or_else(|| {
            ProtocolError::new(
                codes::SIGN_IN_STATE_MISMATCH,
                "no sign-in is pending under this state (already used, or never started here)",
            )
        })?;
        let callback = self.checked_callback(&enrollment, request, now)?;
        let token_request = oidc::token_request(
            &self.settings.oidc,
            self.settings.secret_key.expose().as_bytes(),
            &callback,
        );
        Ok(Handled {
            reply: Reply::ExchangeCode(token_request),
            enrollment: None,
            effects: Vec::new(),
            diagnostics: Vec::new(),
            refused: None,
        })
    }

    /// Validates the identity provider's token response for the callback's sign-in, against
    /// the provider's keys. Changes nothing; the server then looks the user up by
    /// `identity.key()` and calls [`Engine::complete_sign_in`].
    pub fn verify_sign_in<B>(
        &self,
        enrollment: &Enrollment,
        callback_request: &http::Request<B>,
        token_response: &http::Response<Vec<u8>>,
        jwks: &jsonwebtoken::jwk::JwkSet,
        now: Timestamp,
    ) -> Result<VerifiedSignIn, ProtocolError> {
        let callback = self.checked_callback(enrollment, callback_request, now)?;
        oidc::validate_token_response(
            &self.settings.oidc,
            self.settings.secret_key.expose().as_bytes(),
            &callback.state,
            token_response,
            jwks,
            now,
        )
    }

    /// Admits the verified user: just-in-time creation when `directory_user` is `None` (and
    /// the policy allows it), then the next page: the portal (303), or for account-driven
    /// enrollment the 308 to `apple-remotemanagement-user-login://` with a fresh access token.
    pub fn complete_sign_in(
        &self,
        mut enrollment: Enrollment,
        verified: VerifiedSignIn,
        directory_user: Option<DirectoryUser>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Handled {
        let result = (|| {
            let Some(pending) = enrollment.sign_in.take() else {
                return Err(ProtocolError::new(
                    codes::SIGN_IN_STATE_MISMATCH,
                    "no sign-in is pending for this enrollment",
                ));
            };
            let account_driven = enrollment.exchange == Exchange::AccountDriven;
            let access_token = account_driven.then(|| entropy.token());
            let event = WebEvent::IdpAssertion {
                identity: verified.identity.clone(),
                mfa_completed: verified.mfa_completed,
                directory_user,
                access_token: access_token.clone(),
            };
            let stepped = self.step(&enrollment, event, now)?;
            let mut effects = vec![Effect::Unindex {
                key: LookupKey::SignInState(pending.state),
            }];
            let mut location = None;
            for action in &stepped.actions {
                match action {
                    WebAction::CreateUser(user) => effects.push(Effect::CreateUser(user.clone())),
                    WebAction::CompleteAuthentication { location: l } => {
                        location = Some(l.clone());
                    }
                    _ => {}
                }
            }
            let session_user = stepped.flow.state.session().and_then(|s| s.user.clone());
            if let Some(u) = session_user {
                enrollment.user = Some(EnrolledUser {
                    key: u.key,
                    managed_apple_id: u.assigned_managed_apple_account,
                    created_just_in_time: u.created_just_in_time,
                });
            }
            if let Some(token) = &access_token {
                let digest = SecretDigest::of(token);
                enrollment.access_token = Some(super::TokenRecord {
                    digest,
                    issued_at: now,
                    profile_fetched_at: None,
                });
                effects.push(Effect::Index {
                    key: LookupKey::AccessToken(digest),
                    enrollment: enrollment.id.clone(),
                });
            }
            let failed = matches!(stepped.flow.state, WebState::Failed(_));
            enrollment.flow = stepped.flow;
            let r = match (location, failed) {
                (Some(location), false) => redirect(StatusCode::PERMANENT_REDIRECT, &location),
                // Setup Assistant installs what the page answers: go straight to the profile.
                (None, false) if enrollment.exchange == Exchange::AdeWeb => redirect(
                    StatusCode::SEE_OTHER,
                    &Secret::new(self.url("/enroll/profile")),
                ),
                _ => redirect(StatusCode::SEE_OTHER, &Secret::new(self.url("/enroll"))),
            };
            Ok(Handled::respond(r, Some(enrollment))
                .with_effects(effects)
                .with_diagnostics(stepped.diagnostics))
        })();
        result.unwrap_or_else(Handled::refuse)
    }

    /// `GET {base}/enroll`: the portal page's data.
    pub(crate) fn status_page(
        &self,
        enrollment: Option<Enrollment>,
        now: Timestamp,
    ) -> Result<Handled, ProtocolError> {
        let enrollment = enrollment.ok_or_else(no_session)?;
        let view = self.portal_view(&enrollment, now)?;
        Ok(Handled::respond(json_response(StatusCode::OK, &view), None))
    }

    /// Where an enrollment stands at `now`, for the portal page.
    pub fn portal_view(
        &self,
        enrollment: &Enrollment,
        now: Timestamp,
    ) -> Result<PortalView, ProtocolError> {
        let status = enrollment
            .flow
            .status(now)
            .map_err(|e| ProtocolError::new(codes::WRONG_STATE, e.to_string()))?;
        let download_url = matches!(
            enrollment.flow.state,
            WebState::Authenticated(_) | WebState::ProfilePending(_)
        )
        .then(|| self.url("/enroll/profile"))
        .filter(|_| enrollment.exchange != Exchange::AccountDriven);
        let failure = match &enrollment.flow.state {
            WebState::Failed(f) => Some(Failure {
                code: f.failure,
                summary: f.failure.summary().to_owned(),
                remediation: f.failure.remediation().to_owned(),
            }),
            _ => None,
        };
        Ok(PortalView {
            enrollment: enrollment.id.clone(),
            exchange: enrollment.exchange,
            state: status.state,
            next_step: status.next_step,
            install_window: status.install_window,
            download_url,
            failure,
        })
    }

    /// `GET {base}/enroll/profile`: the profile built for this enrollment (for OTA, the
    /// Profile Service payload that asks for the device's attributes).
    pub(crate) fn download(
        &self,
        enrollment: Option<Enrollment>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let enrollment = enrollment.ok_or_else(no_session)?;
        if enrollment.exchange == Exchange::AccountDriven {
            return Err(ProtocolError::new(
                codes::WRONG_STATE,
                "account-driven enrollment fetches its profile through the enrollment request, not the portal",
            ));
        }
        let stepped = self.step(
            &enrollment,
            WebEvent::ProfileDownloaded {
                authorization: None,
            },
            now,
        )?;
        let served = Self::served_kind(&stepped)?;
        if enrollment.exchange == Exchange::Ota {
            return self.serve_profile_service(enrollment, stepped, served.1, now, entropy);
        }
        self.serve_enrollment_profile(enrollment, stepped, served, None, now, entropy)
    }

    /// The `ServeProfile` action of a download step: the enrollment kind and the end of the
    /// install window.
    pub(crate) fn served_kind(
        stepped: &Stepped,
    ) -> Result<(EnrollmentKind, Option<Timestamp>), ProtocolError> {
        stepped
            .actions
            .iter()
            .find_map(|a| match a {
                WebAction::ServeProfile {
                    enrollment,
                    install_by,
                    ..
                } => Some((*enrollment, *install_by)),
                _ => None,
            })
            .ok_or_else(|| {
                ProtocolError::new(
                    codes::WRONG_STATE,
                    format!("no profile to serve in state {}", stepped.flow.state.name()),
                )
            })
    }

    /// Builds and serves the enrollment profile of `kind`; a profile the device would reject
    /// is refused (`PROT050`) and nothing changes.
    pub(crate) fn serve_enrollment_profile(
        &self,
        mut enrollment: Enrollment,
        stepped: Stepped,
        served: (EnrollmentKind, Option<Timestamp>),
        encrypt_to: Option<&[u8]>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let (kind, install_by) = served;
        let profile_for = self.profile_for(&enrollment, kind)?;
        let context = self.lint_context(&enrollment, kind);
        let built = build_profile(
            &self.settings.profile,
            BuildRequest {
                enrollment: &enrollment.id,
                profile_for: &profile_for,
                context,
                encrypt_to,
                now,
            },
            &self.signer,
            entropy,
        )?;
        let mut effects = Vec::new();
        if let Some(old) = &enrollment.served {
            // A second download replaces the pending one: its challenge is no longer good.
            effects.push(Effect::Unindex {
                key: LookupKey::IdentityChallenge(old.challenge.digest),
            });
        }
        effects.push(Effect::Index {
            key: LookupKey::IdentityChallenge(built.challenge.digest),
            enrollment: enrollment.id.clone(),
        });
        if let Some(at) = install_by {
            effects.push(Effect::ScheduleExpiry {
                enrollment: enrollment.id.clone(),
                at: at.plus_seconds(1),
            });
        }
        let BuiltProfile {
            bytes,
            payload_uuids,
            challenge,
            findings,
            ..
        } = built;
        enrollment.served = Some(ServedProfile {
            served_at: now,
            profile_for,
            payload_uuids,
            topic: self.settings.profile.topic.clone(),
            sign_message: self.settings.profile.sign_message,
            challenge,
        });
        enrollment.flow = stepped.flow;
        let mut r = response(StatusCode::OK, ASPEN_CONFIG_CONTENT_TYPE, bytes);
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"enroll.mobileconfig\""),
        );
        Ok(Handled::respond(r, Some(enrollment))
            .with_effects(effects)
            .with_diagnostics(stepped.diagnostics)
            .with_diagnostics(findings))
    }

    /// What the profile says about the user, from the flow's enrollment kind.
    fn profile_for(
        &self,
        enrollment: &Enrollment,
        kind: EnrollmentKind,
    ) -> Result<ProfileFor, ProtocolError> {
        let account = || {
            enrollment
                .user
                .as_ref()
                .and_then(|u| u.managed_apple_id.clone())
                .ok_or_else(|| {
                    ProtocolError::new(
                        codes::PROFILE_REJECTED,
                        "User Enrollment needs the user's Managed Apple Account, and the directory and the ID token name none",
                    )
                })
        };
        Ok(match kind {
            EnrollmentKind::ProfileDeviceEnrollment => ProfileFor::Device,
            EnrollmentKind::ProfileDrivenUserEnrollment => ProfileFor::ProfileDrivenUser {
                managed_apple_id: account()?,
            },
            EnrollmentKind::AccountDrivenUserEnrollment => ProfileFor::AccountDriven {
                device_enrollment: false,
                assigned_managed_apple_id: account()?,
            },
            EnrollmentKind::AccountDrivenDeviceEnrollment => ProfileFor::AccountDriven {
                device_enrollment: true,
                assigned_managed_apple_id: account()?,
            },
        })
    }

    /// The context the profile is linted for: the device, the enrollment type, the install path.
    fn lint_context(&self, enrollment: &Enrollment, kind: EnrollmentKind) -> LintContext {
        let lint_enrollment = match (enrollment.exchange, kind) {
            (Exchange::AdeWeb, _) => LintEnrollment::Ade,
            (
                _,
                EnrollmentKind::ProfileDrivenUserEnrollment
                | EnrollmentKind::AccountDrivenUserEnrollment,
            ) => LintEnrollment::User,
            _ => LintEnrollment::Device,
        };
        let install = match enrollment.exchange {
            Exchange::AdeWeb => InstallMethod::Mdm,
            _ => InstallMethod::Manual,
        };
        LintContext {
            platform: enrollment.device.platform,
            os_version: enrollment.device.os_version,
            enrollment: lint_enrollment,
            supervised: false,
            install,
        }
    }

    /// The install-window timer fired ([`Effect::ScheduleExpiry`]): a profile still waiting
    /// past its window fails with `FLOW107`, and its identity challenge stops being accepted.
    pub fn expire(&self, enrollment: Enrollment, now: Timestamp) -> Handled {
        let result = (|| {
            let stepped = self.step(&enrollment, WebEvent::ExpiryDue, now)?;
            let expired = matches!(stepped.flow.state, WebState::Failed(_))
                && !matches!(enrollment.flow.state, WebState::Failed(_));
            let mut enrollment = enrollment;
            let mut effects = Vec::new();
            if expired && let Some(served) = &enrollment.served {
                effects.push(Effect::Unindex {
                    key: LookupKey::IdentityChallenge(served.challenge.digest),
                });
            }
            enrollment.flow = stepped.flow;
            let view = self.portal_view(&enrollment, now)?;
            Ok(
                Handled::respond(json_response(StatusCode::OK, &view), Some(enrollment))
                    .with_effects(effects)
                    .with_diagnostics(stepped.diagnostics),
            )
        })();
        result.unwrap_or_else(Handled::refuse)
    }

    /// The SCEP or ACME server redeems the identity challenge a device presents (found by
    /// [`LookupKey::IdentityChallenge`]): once only, only the challenge of the profile last
    /// served, only before it expires. Returns the enrollment to store; a refusal is
    /// `PROT012` and changes nothing.
    pub fn redeem_identity_challenge(
        &self,
        mut enrollment: Enrollment,
        presented: &Secret,
        now: Timestamp,
    ) -> Result<Enrollment, ProtocolError> {
        let refuse = |m: &str| Err(ProtocolError::new(codes::CHALLENGE_REJECTED, m.to_owned()));
        let Some(served) = enrollment.served.as_mut() else {
            return refuse("no profile was served for this enrollment");
        };
        let challenge = &mut served.challenge;
        if !challenge.digest.matches(presented) {
            return refuse("not the challenge of the profile served last (a replaced download?)");
        }
        if challenge.redeemed_at.is_some() {
            return refuse("the challenge was already used");
        }
        if now > challenge.expires_at {
            return refuse("the challenge expired");
        }
        if matches!(enrollment.flow.state, WebState::Failed(_)) {
            return refuse("the enrollment failed; start again");
        }
        challenge.redeemed_at = Some(now);
        Ok(enrollment)
    }
}

pub(crate) fn no_session() -> ProtocolError {
    ProtocolError::new(
        codes::SIGN_IN_STATE_MISMATCH,
        "this browser's enrollment session is unknown or over; open the portal again",
    )
}

pub(crate) fn json_response(status: StatusCode, value: &impl Serialize) -> http::Response<Vec<u8>> {
    response(
        status,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

pub(crate) fn redirect(status: StatusCode, location: &Secret) -> http::Response<Vec<u8>> {
    let mut r = response(status, "text/plain; charset=utf-8", Vec::new());
    if let Ok(v) = HeaderValue::from_str(location.expose()) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
