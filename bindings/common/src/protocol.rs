//! The protocol engine for foreign hosts: check-ins read and verified, and the engine's
//! request handlers on plain request and reply records, state as JSON.
//!
//! A host (a Python, Kotlin or Swift server) maps its HTTP request to [`HttpRequest`], calls
//! [`ProtocolEngine::route`] to learn how to find the enrollment, loads its JSON, calls
//! [`ProtocolEngine::handle`], stores `enrollment_json`, carries out `effects_json` and sends
//! the reply. Randomness comes from the operating system; time is an argument.

use enrollkit::cms::{SigningIdentity, TrustAnchors, parse_certificates};
use enrollkit::flow::clock::Timestamp;
use enrollkit::flow::web::DirectoryUser;
use enrollkit::protocol::engine::{
    Delegated, Engine, EngineKeys, EngineSettings, Enrollment, Handled, Lookup, Reply, Route,
};
use enrollkit::protocol::entropy::OsEntropy;
use enrollkit::protocol::oidc::VerifiedSignIn;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::BindingError;
use crate::finding::Finding;
use crate::flow::timestamp;

fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, BindingError> {
    serde_json::from_str(json).map_err(|e| {
        BindingError::invalid_argument(
            format!("invalid {what} JSON: {e}"),
            format!("Pass the {what} JSON the engine returned, unchanged (docs/flows.md)"),
        )
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Engine values are plain serde data; serializing them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// A check-in message, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinInfo {
    /// `MessageType`.
    pub message_type: String,
    /// `udid` (device enrollment) or `enrollment_id` (User Enrollment).
    pub device_kind: String,
    /// The identifier.
    pub device_id: String,
    /// The user channel's user, when the message came on one.
    pub user_id: Option<String>,
    /// Every key, typed, as JSON (data as base64).
    pub fields_json: String,
}

/// Reads a check-in body.
pub fn parse_checkin(body: &[u8]) -> Result<CheckinInfo, BindingError> {
    let c = enrollkit::device::read_checkin(body)?;
    let json = c.to_json();
    Ok(CheckinInfo {
        message_type: c.message.message_type().to_owned(),
        device_kind: if c.device.is_user_enrollment() {
            "enrollment_id".into()
        } else {
            "udid".into()
        },
        device_id: c.device.as_str().to_owned(),
        user_id: match &c.channel {
            enrollkit::protocol::checkin::Channel::User { user_id, .. } => Some(user_id.clone()),
            enrollkit::protocol::checkin::Channel::Device => None,
        },
        fields_json: json["fields"].to_string(),
    })
}

fn anchors(pem_or_der: &[u8]) -> Result<TrustAnchors, BindingError> {
    Ok(TrustAnchors::new(parse_certificates(pem_or_der)?)?)
}

/// Verifies an `Mdm-Signature` header value over `body` against the device-identity CA
/// (`anchors`, PEM or DER) at `at` (RFC 3339; now when `None`); returns the signer's subject.
pub fn verify_mdm_signature(
    body: &[u8],
    signature_header: &str,
    anchors_pem: &[u8],
    at: Option<&str>,
) -> Result<String, BindingError> {
    let at = crate::signing::time_from_unix(at.map(timestamp).transpose()?.map(Timestamp::unix))?;
    let signer = enrollkit::device::verify_checkin_signature(
        body,
        signature_header.as_bytes(),
        anchors(anchors_pem)?,
        at,
    )?;
    Ok(signer.subject())
}

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpHeader {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// An HTTP request, as the host received it (or as the engine asks the host to send it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PUT`.
    pub method: String,
    /// The full URL (scheme, host, path and query).
    pub url: String,
    /// Headers.
    pub headers: Vec<HttpHeader>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    fn to_http(&self) -> Result<http::Request<Vec<u8>>, BindingError> {
        let bad = |m: String| {
            BindingError::invalid_argument(m, "Pass the method, URL and headers as received")
        };
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(self.url.as_str());
        for h in &self.headers {
            builder = builder.header(h.name.as_str(), h.value.as_str());
        }
        builder
            .body(self.body.clone())
            .map_err(|e| bad(format!("not an HTTP request: {e}")))
    }

    fn from_http(r: &http::Request<Vec<u8>>) -> HttpRequest {
        HttpRequest {
            method: r.method().to_string(),
            url: r.uri().to_string(),
            headers: headers(r.headers()),
            body: r.body().clone(),
        }
    }
}

fn headers(map: &http::HeaderMap) -> Vec<HttpHeader> {
    map.iter()
        .map(|(k, v)| HttpHeader {
            name: k.as_str().to_owned(),
            value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
        })
        .collect()
}

/// How to find a request's enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The step, e.g. `check_in`, `account_enroll`, `sign_in_callback`.
    pub route: String,
    /// `none` (no enrollment needed), `new`, `enrollment` (by ID) or `key` (by index key).
    pub lookup: String,
    /// The enrollment ID or the index key (`kind:digest`).
    pub lookup_value: Option<String>,
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineReply {
    /// `respond`, `exchange_code` (send `token_request` to the provider, then call
    /// `verify_sign_in`) or `delegate` (the host's own MDM logic answers `delegated_json`).
    pub kind: String,
    /// The response status (when `respond`).
    pub status: u16,
    /// Response headers.
    pub headers: Vec<HttpHeader>,
    /// Response body.
    pub body: Vec<u8>,
    /// The token request (when `exchange_code`).
    pub token_request: Option<HttpRequest>,
    /// The verified message for the host (when `delegate`).
    pub delegated_json: Option<String>,
    /// The enrollment to store, when new or changed.
    pub enrollment_json: Option<String>,
    /// Effects, each a JSON object with an `effect` tag.
    pub effects_json: Vec<String>,
    /// The code of a refusal.
    pub refused_code: Option<String>,
    /// What the user is told: notes, failures, lint findings.
    pub diagnostics: Vec<Finding>,
}

fn reply(handled: Handled) -> EngineReply {
    let mut out = EngineReply {
        kind: String::new(),
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
        token_request: None,
        delegated_json: None,
        enrollment_json: handled.enrollment.as_ref().map(to_json),
        effects_json: handled.effects.iter().map(to_json).collect(),
        refused_code: handled.refused.as_ref().map(|e| {
            use enrollkit::Coded;
            e.code().to_string()
        }),
        diagnostics: handled.diagnostics.iter().map(Finding::from).collect(),
    };
    match handled.reply {
        Reply::Respond(r) => {
            out.kind = "respond".into();
            out.status = r.status().as_u16();
            out.headers = headers(r.headers());
            out.body = r.into_body();
        }
        Reply::ExchangeCode(request) => {
            out.kind = "exchange_code".into();
            out.token_request = Some(HttpRequest::from_http(&request));
        }
        Reply::Delegate(d) => {
            out.kind = "delegate".into();
            out.delegated_json = Some(match d {
                Delegated::CheckIn {
                    enrollment,
                    message,
                } => serde_json::json!({"enrollment": enrollment, "check_in": message.to_json()})
                    .to_string(),
                Delegated::CommandResponse {
                    enrollment,
                    response,
                    ..
                } => serde_json::json!({
                    "enrollment": enrollment,
                    "command_uuid": response.command_uuid,
                    "status": response.status.as_str(),
                })
                .to_string(),
            });
        }
    }
    out
}

fn route_name(route: Route) -> &'static str {
    match route {
        Route::WellKnown => "well_known",
        Route::Portal => "portal",
        Route::Ota => "ota",
        Route::SignInCallback => "sign_in_callback",
        Route::Status => "status",
        Route::Download => "download",
        Route::OtaDevice => "ota_device",
        Route::AccountAuth => "account_auth",
        Route::AccountEnroll => "account_enroll",
        Route::AdeWeb => "ade_web",
        Route::CheckIn => "check_in",
        Route::Connect => "connect",
    }
}

/// The engine, configured once per process.
pub struct ProtocolEngine {
    engine: Engine,
}

fn enrollment(json: &str) -> Result<Enrollment, BindingError> {
    from_json("enrollment", json)
}

impl ProtocolEngine {
    /// An engine from its settings (JSON, the `EngineSettings` serde format), the profile
    /// signer (key and certificate, PEM or DER), and the device-identity and attestation CAs
    /// (PEM or DER).
    pub fn new(
        settings_json: &str,
        signer_key: &[u8],
        signer_certificate: &[u8],
        device_identity_ca: &[u8],
        attestation_ca: &[u8],
    ) -> Result<ProtocolEngine, BindingError> {
        let settings: EngineSettings = from_json("engine settings", settings_json)?;
        let identity = SigningIdentity::from_pem_or_der(signer_key, signer_certificate, &[])?;
        let keys = EngineKeys {
            signer: enrollkit::cms::CmsSigner::new(identity, Default::default())?,
            device_identity_anchors: anchors(device_identity_ca)?,
            attestation_anchors: anchors(attestation_ca)?,
        };
        Ok(ProtocolEngine {
            engine: Engine::new(settings, keys).map_err(|e| BindingError::coded(&e))?,
        })
    }

    /// Names the request's step and how to find its enrollment.
    pub fn route(&self, request: &HttpRequest) -> Result<RouteInfo, BindingError> {
        let routed = self
            .engine
            .route(&request.to_http()?)
            .map_err(|e| BindingError::coded(&e))?;
        let (lookup, value) = match routed.lookup {
            Lookup::None => ("none", None),
            Lookup::New => ("new", None),
            Lookup::Enrollment(id) => ("enrollment", Some(id)),
            Lookup::Key(k) => ("key", Some(k.to_key_string())),
        };
        Ok(RouteInfo {
            route: route_name(routed.route).to_owned(),
            lookup: lookup.to_owned(),
            lookup_value: value,
        })
    }

    /// Handles a request with the enrollment the lookup found (JSON, or `None`) at `now`
    /// (RFC 3339). A refused request is a reply too (its coded 4xx), never an error; an
    /// error is an argument the binding could not use.
    pub fn handle(
        &self,
        request: &HttpRequest,
        enrollment_json: Option<&str>,
        now: &str,
    ) -> Result<EngineReply, BindingError> {
        let http = request.to_http()?;
        let found = enrollment_json.map(enrollment).transpose()?;
        let now = timestamp(now)?;
        let routed = match self.engine.route(&http) {
            Ok(r) => r,
            Err(e) => return Ok(reply(Handled::refuse(e))),
        };
        Ok(reply(self.engine.handle(
            &routed,
            &http,
            found,
            now,
            &mut OsEntropy,
        )))
    }

    /// Validates the provider's answer to the token request of a sign-in callback (status
    /// and body), against the provider's JWKS (JSON); returns the verified sign-in as JSON.
    pub fn verify_sign_in(
        &self,
        enrollment_json: &str,
        callback: &HttpRequest,
        token_status: u16,
        token_body: &[u8],
        jwks_json: &str,
        now: &str,
    ) -> Result<String, BindingError> {
        let e = enrollment(enrollment_json)?;
        let jwks = from_json("JWKS", jwks_json)?;
        let mut response = http::Response::new(token_body.to_vec());
        *response.status_mut() = http::StatusCode::from_u16(token_status).map_err(|_| {
            BindingError::invalid_argument(
                format!("{token_status} is not an HTTP status"),
                "Pass the token endpoint's status code",
            )
        })?;
        let verified = self
            .engine
            .verify_sign_in(&e, &callback.to_http()?, &response, &jwks, timestamp(now)?)
            .map_err(|e| BindingError::coded(&e))?;
        Ok(to_json(&verified))
    }

    /// Admits the verified user (`directory_user_json`: the host's record for
    /// `identity.issuer` + `identity.subject`, or `None` to create the user just in time).
    pub fn complete_sign_in(
        &self,
        enrollment_json: &str,
        verified_json: &str,
        directory_user_json: Option<&str>,
        now: &str,
    ) -> Result<EngineReply, BindingError> {
        let e = enrollment(enrollment_json)?;
        let verified: VerifiedSignIn = from_json("verified sign-in", verified_json)?;
        let directory: Option<DirectoryUser> = directory_user_json
            .map(|j| from_json("directory user", j))
            .transpose()?;
        Ok(reply(self.engine.complete_sign_in(
            e,
            verified,
            directory,
            timestamp(now)?,
            &mut OsEntropy,
        )))
    }

    /// The install-window timer fired for this enrollment.
    pub fn expire(&self, enrollment_json: &str, now: &str) -> Result<EngineReply, BindingError> {
        Ok(reply(
            self.engine
                .expire(enrollment(enrollment_json)?, timestamp(now)?),
        ))
    }

    /// The portal page's data (JSON): state, next step, install window, failure.
    pub fn portal_view(&self, enrollment_json: &str, now: &str) -> Result<String, BindingError> {
        let view = self
            .engine
            .portal_view(&enrollment(enrollment_json)?, timestamp(now)?)
            .map_err(|e| BindingError::coded(&e))?;
        Ok(to_json(&view))
    }

    /// The SCEP or ACME server redeems a device's identity challenge; returns the enrollment
    /// to store.
    pub fn redeem_identity_challenge(
        &self,
        enrollment_json: &str,
        challenge: &str,
        now: &str,
    ) -> Result<String, BindingError> {
        let e = self
            .engine
            .redeem_identity_challenge(
                enrollment(enrollment_json)?,
                &enrollkit::Secret::new(challenge),
                timestamp(now)?,
            )
            .map_err(|e| BindingError::coded(&e))?;
        Ok(to_json(&e))
    }
}
