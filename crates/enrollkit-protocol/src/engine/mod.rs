//! The exchanges as request handlers on the `http` crate's types.
//!
//! A server does four things per request, and nothing protocol-specific:
//!
//! 1. [`Engine::route`] names the exchange and how to find its enrollment ([`Lookup`]);
//! 2. it loads that enrollment (by ID or by an indexed [`LookupKey`]);
//! 3. [`Engine::handle`] answers with the [`Reply`], the enrollment to store, and the
//!    [`Effect`]s to carry out (index a key, create a user, arm the install-window timer);
//! 4. for the sign-in callback the reply is the token request to send to the identity
//!    provider; its answer goes to [`Engine::verify_sign_in`], the user lookup to
//!    [`Engine::complete_sign_in`].
//!
//! Bad input never changes the enrollment: the handler answers a coded 4xx (or Apple's error
//! body) and returns no enrollment to store. Time and randomness are inputs.
//!
//! ```
//! # use enrollkit_protocol::engine::*;
//! # fn demo(engine: &Engine) {
//! let request = http::Request::get("https://enroll.example.com/.well-known/com.apple.remotemanagement?user-identifier=dana%40example.com&model-family=iPhone")
//!     .body(Vec::new()).unwrap();
//! let routed = engine.route(&request).unwrap();
//! assert_eq!(routed.lookup, Lookup::None);
//! # }
//! ```

mod account;
mod ade;
mod checkin;
mod request;
mod state;
mod web;

use enrollkit_cms::{CmsSigner, TrustAnchors, Verifier};
use enrollkit_diagnostic::Diagnostic;
use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::identity::UserKey;
/// The user a [`Effect::CreateUser`] registers (the web flow's record, re-exported).
pub use enrollkit_flow::web::NewUser;
use enrollkit_flow::web::Ownership;
use serde::{Deserialize, Serialize};
use url::Url;

pub use state::{
    CheckinRecord, DeviceRecord, EnrolledUser, Enrollment, Exchange, ServedProfile, TokenRecord,
};
pub use web::PortalView;

use crate::build::ProfileSettings;
use crate::checkin::{CheckIn, CheckinLimits, CommandResponse, DeviceId};
use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::oidc::OidcSettings;
use crate::secret::{Secret, SecretDigest};

/// Who may enroll through the portal, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalPolicy {
    /// Require a second factor at the identity provider.
    #[serde(default)]
    pub require_mfa: bool,
    /// Create unknown users at their first sign-in (keyed by issuer + subject).
    #[serde(default = "yes")]
    pub jit_registration: bool,
    /// Who owns devices enrolled through the profile-driven portal: `personal` gives User
    /// Enrollment, `corporate` device enrollment.
    pub ownership: Ownership,
}

fn yes() -> bool {
    true
}

/// Account-driven enrollment (`.well-known` discovery).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDrivenSettings {
    /// The domains whose users enroll here (the part after `@` of the work address).
    pub domains: Vec<String>,
    /// Offer ADDE (account-driven device enrollment) instead of BYOD User Enrollment.
    #[serde(default)]
    pub device_enrollment: bool,
}

/// Automated Device Enrollment with web authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdeSettings {
    /// Require Platform SSO on Macs that can set it up during enrollment (macOS 26).
    #[serde(default)]
    pub require_platform_sso: bool,
    /// What the `com.apple.psso.required` answer points the Mac to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_sso: Option<PlatformSsoSettings>,
}

/// The `details` of a `com.apple.psso.required` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSsoSettings {
    /// A profile with the Extensible SSO payload for Platform SSO.
    pub profile_url: Url,
    /// The manifest of the package with the SSO app extension (https).
    pub package_manifest_url: Url,
    /// Where the Mac authenticates once the extension is installed.
    pub auth_url: Url,
}

/// Everything the engine is configured with, as serde data (a server reads it from its
/// config file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineSettings {
    /// The public origin of the enrollment service (with a path prefix, if any), e.g.
    /// `https://enroll.example.com/`. The `.well-known` document is served at the root of the
    /// host whatever the prefix.
    pub base_url: Url,
    /// The enrollment profile.
    pub profile: ProfileSettings,
    /// The portal.
    pub portal: PortalPolicy,
    /// The identity provider.
    pub oidc: OidcSettings,
    /// Account-driven enrollment.
    pub account_driven: AccountDrivenSettings,
    /// Automated Device Enrollment.
    #[serde(default)]
    pub ade: AdeSettings,
    /// Size limits of device messages.
    #[serde(default)]
    pub limits: CheckinLimits,
    /// The key the sign-in nonce and PKCE verifier are derived with (at least 32 bytes of
    /// randomness, as text). Keep it secret and stable across restarts.
    pub secret_key: Secret,
    /// Encrypt OTA enrollment profiles to the device's signing certificate.
    #[serde(default)]
    pub encrypt_ota_profiles: bool,
}

/// What the engine needs besides its settings: the key it signs profiles with and the
/// anchors it checks device signatures against.
pub struct EngineKeys {
    /// Signs every profile served.
    pub signer: CmsSigner,
    /// The CA that issues device identities (the SCEP or ACME issuer): `Mdm-Signature` must
    /// chain to it.
    pub device_identity_anchors: TrustAnchors,
    /// The anchors of device attestation (Apple's device CAs in production): the OTA
    /// attributes, MachineInfo and account-driven enrollment requests must chain to them.
    pub attestation_anchors: TrustAnchors,
}

/// The engine: settings and keys, no state of its own. Share one per process.
pub struct Engine {
    settings: EngineSettings,
    signer: CmsSigner,
    device_identity: Verifier,
    attestation: Verifier,
    base_path: String,
    mdm_path: String,
}

/// A key the server indexes an enrollment under, besides its ID. Stored as its
/// [`LookupKey::to_key_string`] text; every key holds a digest, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "digest", rename_all = "snake_case")]
pub enum LookupKey {
    /// The `state` of a sign-in in progress.
    SignInState(SecretDigest),
    /// A browser session cookie.
    BrowserSession(SecretDigest),
    /// An account-driven access token.
    AccessToken(SecretDigest),
    /// An identity challenge (SCEP `Challenge`, ACME `ClientIdentifier`).
    IdentityChallenge(SecretDigest),
}

impl LookupKey {
    /// `kind:base64-digest`, for a key-value index.
    pub fn to_key_string(&self) -> String {
        let (kind, digest) = match self {
            LookupKey::SignInState(d) => ("sign_in_state", d),
            LookupKey::BrowserSession(d) => ("browser_session", d),
            LookupKey::AccessToken(d) => ("access_token", d),
            LookupKey::IdentityChallenge(d) => ("identity_challenge", d),
        };
        format!("{kind}:{}", String::from(*digest))
    }
}

/// How to find the enrollment a request belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The request needs no enrollment (`.well-known`, the first enrollment POST).
    None,
    /// The request starts a new enrollment.
    New,
    /// The enrollment with this ID.
    Enrollment(String),
    /// The enrollment indexed under this key.
    Key(LookupKey),
}

/// The exchange step a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /.well-known/com.apple.remotemanagement`.
    WellKnown,
    /// `GET {base}/portal`: profile-driven web enrollment starts.
    Portal,
    /// `GET {base}/ota`: OTA enrollment starts.
    Ota,
    /// `GET {base}/oidc/callback`: the identity provider sends the browser back.
    SignInCallback,
    /// `GET {base}/enroll`: where the enrollment stands (the portal page's data).
    Status,
    /// `GET {base}/enroll/profile`: the profile download (or the OTA Profile Service payload).
    Download,
    /// `POST {base}/ota/device/{id}`: the device's signed attributes.
    OtaDevice,
    /// `GET {base}/account/auth`: the account-driven web-authentication page.
    AccountAuth,
    /// `POST {base}/account/enroll`: the account-driven enrollment request.
    AccountEnroll,
    /// `GET {base}/ade/enroll` with `x-apple-aspen-deviceinfo`: ADE web authentication.
    AdeWeb,
    /// `PUT {mdm}/checkin/{id}`: a check-in message.
    CheckIn,
    /// `PUT {mdm}/connect/{id}`: a command response.
    Connect,
}

/// A routed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// The step.
    pub route: Route,
    /// How to find its enrollment.
    pub lookup: Lookup,
}

/// What the server does with the request next.
#[derive(Debug)]
pub enum Reply {
    /// Send this response.
    Respond(http::Response<Vec<u8>>),
    /// Send this request to the identity provider's token endpoint, then pass its answer to
    /// [`Engine::verify_sign_in`].
    ExchangeCode(http::Request<Vec<u8>>),
    /// A message for the server's own MDM logic (commands, bootstrap tokens, declarative
    /// management): the engine checked its signature, device and enrollment.
    Delegate(Delegated),
}

/// A verified device message the engine leaves to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Delegated {
    /// A check-in message other than Authenticate, TokenUpdate, CheckOut, UserAuthenticate.
    CheckIn {
        /// The enrollment.
        enrollment: String,
        /// The message.
        message: Box<CheckIn>,
    },
    /// A command response (or an `Idle` asking for the next command).
    CommandResponse {
        /// The enrollment.
        enrollment: String,
        /// The envelope (typed results: re-read the body with
        /// [`crate::checkin::parse_command_response`] and the command's kind).
        response: Box<CommandResponse>,
        /// The exact body.
        body: Vec<u8>,
    },
}

/// Something the server carries out after storing the enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Index the enrollment under this key.
    Index {
        /// The key.
        key: LookupKey,
        /// The enrollment.
        enrollment: String,
    },
    /// Remove this key from the index.
    Unindex {
        /// The key.
        key: LookupKey,
    },
    /// Create the user (just-in-time registration), keyed by issuer + subject.
    CreateUser(NewUser),
    /// Call [`Engine::expire`] for this enrollment at this time (the install window closes).
    ScheduleExpiry {
        /// The enrollment.
        enrollment: String,
        /// When.
        at: Timestamp,
    },
    /// The device finished enrolling.
    RecordEnrollment {
        /// The enrollment.
        enrollment: String,
        /// The device.
        device: DeviceId,
        /// The user, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<UserKey>,
    },
    /// Keep the device's push token (from `TokenUpdate`) to wake it with APNs.
    StorePushToken {
        /// The enrollment.
        enrollment: String,
        /// The device.
        device: DeviceId,
        /// The APNs topic.
        topic: String,
        /// The push token.
        #[serde(with = "crate::serde_b64")]
        token: Vec<u8>,
        /// The `PushMagic` string to send with pushes.
        push_magic: String,
    },
    /// The device removed its enrollment profile (`CheckOut`).
    RecordCheckOut {
        /// The enrollment.
        enrollment: String,
        /// The device.
        device: DeviceId,
    },
}

/// What a handler returns.
#[derive(Debug)]
pub struct Handled {
    /// What to send (or do) next.
    pub reply: Reply,
    /// The enrollment to store, when it is new or changed; `None` leaves the stored one as it
    /// was (every refusal returns `None`).
    pub enrollment: Option<Enrollment>,
    /// Effects, in order, after storing the enrollment.
    pub effects: Vec<Effect>,
    /// Notes and failures of the flow (what the user is told).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the request was refused, when it was.
    pub refused: Option<ProtocolError>,
}

impl Handled {
    /// A refusal: the coded answer, nothing stored.
    pub fn refuse(error: ProtocolError) -> Handled {
        Handled {
            reply: Reply::Respond(error.to_response()),
            enrollment: None,
            effects: Vec::new(),
            diagnostics: vec![error.to_diagnostic()],
            refused: Some(error),
        }
    }

    /// An answer that stores `enrollment` (when given).
    pub(crate) fn respond(
        response: http::Response<Vec<u8>>,
        enrollment: Option<Enrollment>,
    ) -> Handled {
        Handled {
            reply: Reply::Respond(response),
            enrollment,
            effects: Vec::new(),
            diagnostics: Vec::new(),
            refused: None,
        }
    }

    pub(crate) fn with_effects(mut self, effects: impl IntoIterator<Item = Effect>) -> Handled {
        self.effects.extend(effects);
        self
    }

    pub(crate) fn with_diagnostics(
        mut self,
        diagnostics: impl IntoIterator<Item = Diagnostic>,
    ) -> Handled {
        self.diagnostics.extend(diagnostics);
        self
    }

    /// The response, when the reply is one.
    pub fn response(&self) -> Option<&http::Response<Vec<u8>>> {
        match &self.reply {
            Reply::Respond(r) => Some(r),
            _ => None,
        }
    }
}

fn path_of(url: &Url) -> String {
    url.path().trim_end_matches('/').to_owned()
}

impl Engine {
    /// Checks the settings and prepares the verifiers.
    pub fn new(settings: EngineSettings, keys: EngineKeys) -> Result<Engine, ProtocolError> {
        settings.profile.validate()?;
        let bad = |m: &str| Err(ProtocolError::new(codes::CONFIGURATION, m.to_owned()));
        if settings.base_url.scheme() != "https" {
            return bad("base_url must be https");
        }
        if settings.secret_key.expose().len() < 32 {
            return bad("secret_key must be at least 32 characters of randomness");
        }
        if settings.account_driven.domains.is_empty() {
            return bad("account_driven.domains must name at least one domain");
        }
        if settings.ade.require_platform_sso && settings.ade.platform_sso.is_none() {
            return bad("ade.require_platform_sso needs ade.platform_sso");
        }
        let base_path = path_of(&settings.base_url);
        let mdm_path = path_of(&settings.profile.mdm_base_url);
        Ok(Engine {
            device_identity: Verifier::new(keys.device_identity_anchors),
            attestation: Verifier::new(keys.attestation_anchors),
            signer: keys.signer,
            settings,
            base_path,
            mdm_path,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// A URL under the service's base.
    pub(crate) fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.settings.base_url.as_str().trim_end_matches('/'),
            path
        )
    }

    /// The largest body a route reads; a server stops reading beyond it (and answers 413).
    pub fn max_body_bytes(&self, route: Route) -> usize {
        match route {
            Route::CheckIn | Route::Connect => self.settings.limits.max_body_bytes,
            Route::OtaDevice | Route::AccountEnroll => crate::signature::MAX_SIGNED_BODY_BYTES,
            _ => 0,
        }
    }

    /// Names the step a request is and how to find its enrollment. Unknown paths are
    /// `PROT015`, wrong methods `PROT016`.
    pub fn route<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Routed, ProtocolError> {
        let path = request.uri().path().trim_end_matches('/');
        let method = request.method();
        let routed = |route, lookup| Ok(Routed { route, lookup });
        let need = |m: &http::Method| {
            if method == m {
                Ok(())
            } else {
                Err(ProtocolError::new(
                    codes::METHOD_NOT_ALLOWED,
                    format!("{path} takes {m}, not {method}"),
                ))
            }
        };
        if path == enrollkit_flow::account_driven::WELL_KNOWN_PATH {
            need(&http::Method::GET)?;
            return routed(Route::WellKnown, Lookup::None);
        }
        if let Some(rest) = strip(path, &self.mdm_path) {
            let (route, id) = match rest.split_once('/') {
                Some(("checkin", id)) => (Route::CheckIn, id),
                Some(("connect", id)) => (Route::Connect, id),
                _ => return Err(not_found(path)),
            };
            need(&http::Method::PUT)?;
            return routed(route, Lookup::Enrollment(enrollment_id(id)?));
        }
        let Some(rest) = strip(path, &self.base_path) else {
            return Err(not_found(path));
        };
        match rest {
            "portal" => need(&http::Method::GET).and(routed(Route::Portal, Lookup::New)),
            "ota" => need(&http::Method::GET).and(routed(Route::Ota, Lookup::New)),
            "oidc/callback" => {
                need(&http::Method::GET)?;
                let state = request::query_param(request, "state").ok_or_else(|| {
                    ProtocolError::new(codes::BAD_REQUEST, "the callback has no state")
                })?;
                routed(
                    Route::SignInCallback,
                    Lookup::Key(LookupKey::SignInState(SecretDigest::of(&Secret::new(
                        state,
                    )))),
                )
            }
            "enroll" | "enroll/profile" => {
                need(&http::Method::GET)?;
                let session = request::session_cookie(request).ok_or_else(|| {
                    ProtocolError::new(
                        codes::SIGN_IN_STATE_MISMATCH,
                        "no enrollment session in this browser (the cookie is missing)",
                    )
                })?;
                let route = if rest == "enroll" {
                    Route::Status
                } else {
                    Route::Download
                };
                routed(
                    route,
                    Lookup::Key(LookupKey::BrowserSession(SecretDigest::of(&session))),
                )
            }
            "account/auth" => need(&http::Method::GET).and(routed(Route::AccountAuth, Lookup::New)),
            "account/enroll" => {
                need(&http::Method::POST)?;
                match request::bearer(request)? {
                    Some(token) => routed(
                        Route::AccountEnroll,
                        Lookup::Key(LookupKey::AccessToken(SecretDigest::of(&token))),
                    ),
                    None => routed(Route::AccountEnroll, Lookup::None),
                }
            }
            "ade/enroll" => need(&http::Method::GET).and(routed(Route::AdeWeb, Lookup::New)),
            other => match other.strip_prefix("ota/device/") {
                Some(id) => {
                    need(&http::Method::POST)?;
                    routed(Route::OtaDevice, Lookup::Enrollment(enrollment_id(id)?))
                }
                None => Err(not_found(path)),
            },
        }
    }

    /// Handles a routed request. `enrollment` is what the lookup found (`None` when it found
    /// nothing or the route needs none); `now` is the server's time; fresh secrets come from
    /// `entropy`.
    pub fn handle<B: AsRef<[u8]>>(
        &self,
        routed: &Routed,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Handled {
        let body = request.body().as_ref();
        // Routes that read no body still tolerate a small one (some clients send `{}`).
        let limit = match self.max_body_bytes(routed.route) {
            0 => 8 * 1024,
            n => n,
        };
        if body.len() > limit {
            return Handled::refuse(ProtocolError::new(
                codes::BODY_TOO_LARGE,
                format!(
                    "the body is {} bytes; this endpoint reads at most {limit}",
                    body.len()
                ),
            ));
        }
        let result = match routed.route {
            Route::WellKnown => self.well_known(request),
            Route::Portal => self.start_portal(request, Exchange::ProfileDriven, now, entropy),
            Route::Ota => self.start_portal(request, Exchange::Ota, now, entropy),
            Route::AccountAuth => self.start_account_auth(request, now, entropy),
            Route::AdeWeb => self.start_ade(request, now, entropy),
            Route::SignInCallback => self.callback(request, enrollment, now),
            Route::Status => self.status_page(enrollment, now),
            Route::Download => self.download(enrollment, now, entropy),
            Route::OtaDevice => self.ota_device(request, enrollment, now, entropy),
            Route::AccountEnroll => self.account_enroll(request, enrollment, now, entropy),
            Route::CheckIn => self.checkin(request, enrollment, now),
            Route::Connect => self.connect(request, enrollment, now),
        };
        result.unwrap_or_else(Handled::refuse)
    }
}

fn strip<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix)?.strip_prefix('/')
}

fn not_found(path: &str) -> ProtocolError {
    ProtocolError::new(codes::NOT_FOUND, format!("no endpoint at {path}"))
}

/// An enrollment ID from a path: a UUID, or the request names nothing the engine made.
fn enrollment_id(text: &str) -> Result<String, ProtocolError> {
    uuid::Uuid::parse_str(text)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            ProtocolError::new(
                codes::UNKNOWN_ENROLLMENT,
                "the URL names no enrollment (not an enrollment ID)",
            )
        })
}
