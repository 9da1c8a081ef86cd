//! The engine as an OpenID Connect relying party (authorization code flow with PKCE).
//!
//! Sign-in starts with a fresh `state`; the `nonce` and the PKCE `code_verifier` are derived
//! from it with HMAC under the engine's key, so the server stores only a digest of the state
//! and never a verifier. The callback is checked against that digest (single use, bounded
//! lifetime), the code is exchanged by the server (the engine builds the token request), and
//! the ID token is validated: signature against the JWKS the server passes in (JOSE through
//! `jsonwebtoken`), algorithm from an allow-list, `iss`, `aud`/`azp`, `exp`, `iat` and `nonce`
//! against the time the caller passes.

use std::collections::BTreeMap;

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as B64URL};
use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::identity::Identity;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use url::Url;

use crate::error::ProtocolError;
use crate::secret::{Secret, SecretDigest};

/// The provider's keys (JWKS), as `jsonwebtoken` reads them; deserialize it from the provider's
/// `jwks_uri` document.
pub use jsonwebtoken::jwk::{Jwk, JwkSet};

/// The relying party's settings: the provider's endpoints and this client's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OidcSettings {
    /// The provider's issuer identifier (the `iss` of its ID tokens).
    pub issuer: String,
    /// This client's ID (the `aud` of its ID tokens).
    pub client_id: String,
    /// The client secret, sent with HTTP Basic to the token endpoint; `None` for a public client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// The provider's authorization endpoint.
    pub authorization_endpoint: Url,
    /// The provider's token endpoint.
    pub token_endpoint: Url,
    /// Where the provider sends the browser back (the engine's callback route).
    pub redirect_uri: Url,
    /// Scopes requested (`openid` is always sent).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// ID-token signature algorithms accepted (default RS256, PS256, ES256).
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
    /// Clock skew tolerated for `exp` and `iat`, in seconds (default 60).
    #[serde(default = "default_skew")]
    pub clock_skew_seconds: i64,
    /// How long a started sign-in may take, in seconds (default 600).
    #[serde(default = "default_sign_in_lifetime")]
    pub sign_in_lifetime_seconds: i64,
    /// `amr` values that show a second factor (default `mfa`, `otp`, `hwk`, `swk`).
    #[serde(default = "default_mfa_amr")]
    pub mfa_amr_values: Vec<String>,
    /// `acr` values that show a second factor (empty by default).
    #[serde(default)]
    pub mfa_acr_values: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "email".into(), "profile".into()]
}
fn default_algorithms() -> Vec<String> {
    vec!["RS256".into(), "PS256".into(), "ES256".into()]
}
fn default_skew() -> i64 {
    60
}
fn default_sign_in_lifetime() -> i64 {
    600
}
fn default_mfa_amr() -> Vec<String> {
    ["mfa", "otp", "hwk", "swk"].map(String::from).to_vec()
}

impl OidcSettings {
    /// Settings with the defaults for everything optional.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        authorization_endpoint: Url,
        token_endpoint: Url,
        redirect_uri: Url,
    ) -> Self {
        OidcSettings {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            authorization_endpoint,
            token_endpoint,
            redirect_uri,
            scopes: default_scopes(),
            algorithms: default_algorithms(),
            clock_skew_seconds: default_skew(),
            sign_in_lifetime_seconds: default_sign_in_lifetime(),
            mfa_amr_values: default_mfa_amr(),
            mfa_acr_values: Vec::new(),
        }
    }

    fn allowed_algorithms(&self) -> Result<Vec<Algorithm>, ProtocolError> {
        self.algorithms
            .iter()
            .map(|a| {
                let alg: Algorithm = a.parse().map_err(|_| {
                    ProtocolError::new(
                        codes::CONFIGURATION,
                        format!("oidc.algorithms: {a:?} is not a JOSE signature algorithm"),
                    )
                })?;
                if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
                    return Err(ProtocolError::new(
                        codes::CONFIGURATION,
                        format!("oidc.algorithms: {a} is a shared-secret algorithm; ID tokens are verified with the provider's public keys"),
                    ));
                }
                Ok(alg)
            })
            .collect()
    }
}

/// A sign-in in progress, as the enrollment state keeps it: a digest of the state, never the
/// state itself, and when it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// SHA-256 of the `state` parameter.
    pub state: SecretDigest,
    /// When the sign-in started.
    pub started_at: Timestamp,
}

/// What [`start_sign_in`] returns: the URL to send the browser to, the state (the server
/// indexes the enrollment by its digest), and what the enrollment keeps.
#[derive(Debug, Clone)]
pub struct SignInStart {
    /// The authorization URL with `state`, `nonce` and the PKCE challenge.
    pub authorization_url: Url,
    /// The state (the callback's lookup key; store only its digest).
    pub state: Secret,
    /// What the enrollment keeps.
    pub pending: PendingSignIn,
}

fn derive(key: &[u8], label: &str, state: &Secret) -> String {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&k);
    ctx.update(label.as_bytes());
    ctx.update(&[0]);
    ctx.update(state.expose().as_bytes());
    B64URL.encode(ctx.sign().as_ref())
}

/// The nonce of the sign-in with this state.
fn nonce_for(key: &[u8], state: &Secret) -> String {
    derive(key, "enrollkit oidc nonce", state)
}

/// The PKCE code verifier of the sign-in with this state (43 base64url characters).
fn verifier_for(key: &[u8], state: &Secret) -> String {
    derive(key, "enrollkit oidc pkce", state)
}

/// Starts a sign-in: a fresh state, and the authorization URL with the nonce and the S256
/// PKCE challenge derived from it. `login_hint` is passed on (the account-driven
/// `user-identifier`).
pub fn start_sign_in(
    settings: &OidcSettings,
    key: &[u8],
    state: Secret,
    login_hint: Option<&str>,
    now: Timestamp,
) -> SignInStart {
    let challenge = B64URL.encode(Sha256::digest(verifier_for(key, &state).as_bytes()));
    let mut url = settings.authorization_endpoint.clone();
    let mut scopes: Vec<&str> = vec!["openid"];
    scopes.extend(
        settings
            .scopes
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "openid"),
    );
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &settings.client_id)
            .append_pair("redirect_uri", settings.redirect_uri.as_str())
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", state.expose())
            .append_pair("nonce", &nonce_for(key, &state))
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(hint) = login_hint {
            q.append_pair("login_hint", hint);
        }
    }
    SignInStart {
        authorization_url: url,
        pending: PendingSignIn {
            state: SecretDigest::of(&state),
            started_at: now,
        },
        state,
    }
}

/// The parameters of the provider's redirect back to the callback.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The authorization code.
    pub code: Secret,
    /// The state.
    pub state: Secret,
}

/// Reads the callback's query. An `error` from the provider is `PROT021`; a missing `code`
/// or `state` is `PROT018`.
pub fn read_callback(query: &str) -> Result<Callback, ProtocolError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(Secret::new(v.into_owned())),
            "state" => state = Some(Secret::new(v.into_owned())),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if let Some(error) = error {
        let detail = description.map(|d| format!(": {d}")).unwrap_or_default();
        return Err(ProtocolError::new(
            codes::IDP_ERROR,
            format!("the identity provider answered {error}{detail}"),
        ));
    }
    match (code, state) {
        (Some(code), Some(state)) if !code.is_blank() && !state.is_blank() => {
            Ok(Callback { code, state })
        }
        _ => Err(ProtocolError::new(
            codes::BAD_REQUEST,
            "the sign-in callback needs code and state",
        )),
    }
}

/// Checks that the callback's state is the pending sign-in's, in time.
pub fn check_state(
    settings: &OidcSettings,
    pending: Option<&PendingSignIn>,
    state: &Secret,
    now: Timestamp,
) -> Result<(), ProtocolError> {
    let Some(pending) = pending else {
        return Err(ProtocolError::new(
            codes::SIGN_IN_STATE_MISMATCH,
            "no sign-in is pending for this enrollment (already completed or never started)",
        ));
    };
    if !pending.state.matches(state) {
        return Err(ProtocolError::new(
            codes::SIGN_IN_STATE_MISMATCH,
            "the callback's state is not the one this sign-in sent",
        ));
    }
    let age = now.seconds_since(pending.started_at);
    if age > settings.sign_in_lifetime_seconds {
        return Err(ProtocolError::new(
            codes::SIGN_IN_STATE_MISMATCH,
            format!(
                "the sign-in started {age} s ago; it may take {} s",
                settings.sign_in_lifetime_seconds
            ),
        ));
    }
    Ok(())
}

/// The token request the server sends to the provider (`application/x-www-form-urlencoded`,
/// client secret as HTTP Basic when there is one).
pub fn token_request(
    settings: &OidcSettings,
    key: &[u8],
    callback: &Callback,
) -> http::Request<Vec<u8>> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "authorization_code")
        .append_pair("code", callback.code.expose())
        .append_pair("redirect_uri", settings.redirect_uri.as_str())
        .append_pair("code_verifier", &verifier_for(key, &callback.state));
    if settings.client_secret.is_none() {
        form.append_pair("client_id", &settings.client_id);
    }
    let body = form.finish().into_bytes();
    let mut builder = http::Request::post(settings.token_endpoint.as_str())
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::ACCEPT, "application/json");
    if let Some(secret) = &settings.client_secret {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", enc(&settings.client_id), enc(secret.expose()));
        builder = builder.header(
            http::header::AUTHORIZATION,
            format!("Basic {}", BASE64.encode(pair)),
        );
    }
    // The URL came from a parsed `Url` and the headers are ASCII, so the builder cannot fail;
    // an empty request would be refused by the provider, never trusted.
    builder.body(body).unwrap_or_default()
}

/// A user the provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedSignIn {
    /// Issuer, subject and claims.
    pub identity: Identity,
    /// Whether the token shows a second factor (`amr` or `acr`).
    pub mfa_completed: bool,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    token_type: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct IdTokenClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    azp: Option<String>,
    exp: Option<i64>,
    iat: Option<i64>,
    nonce: Option<String>,
    email: Option<String>,
    name: Option<String>,
    preferred_username: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    amr: Vec<String>,
    acr: Option<String>,
}

/// Largest token response accepted from the provider.
pub const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// Validates the provider's token response for the sign-in with this state, against the
/// provider's keys (`jwks`) at `now`.
pub fn validate_token_response(
    settings: &OidcSettings,
    key: &[u8],
    state: &Secret,
    response: &http::Response<Vec<u8>>,
    jwks: &JwkSet,
    now: Timestamp,
) -> Result<VerifiedSignIn, ProtocolError> {
    let bad = |m: String| ProtocolError::new(codes::TOKEN_RESPONSE_INVALID, m);
    if response.body().len() > MAX_TOKEN_RESPONSE_BYTES {
        return Err(bad(format!(
            "the token response is {} bytes; the limit is {MAX_TOKEN_RESPONSE_BYTES}",
            response.body().len()
        )));
    }
    let parsed: TokenResponse = serde_json::from_slice(response.body())
        .map_err(|e| bad(format!("the token response is not JSON: {e}")))?;
    if let Some(error) = parsed.error {
        let detail = parsed
            .error_description
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Err(bad(format!("the token endpoint answered {error}{detail}")));
    }
    if !response.status().is_success() {
        return Err(bad(format!(
            "the token endpoint answered HTTP {}",
            response.status()
        )));
    }
    if !parsed
        .token_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
    {
        return Err(bad("the token response's token_type is not Bearer".into()));
    }
    let id_token = parsed
        .id_token
        .ok_or_else(|| bad("the token response has no id_token".into()))?;
    validate_id_token(settings, key, state, &id_token, jwks, now)
}

/// Validates an ID token for the sign-in with this state.
pub fn validate_id_token(
    settings: &OidcSettings,
    key: &[u8],
    state: &Secret,
    id_token: &str,
    jwks: &JwkSet,
    now: Timestamp,
) -> Result<VerifiedSignIn, ProtocolError> {
    let invalid = |m: String| ProtocolError::new(codes::ID_TOKEN_INVALID, m);
    let claims_err = |m: String| ProtocolError::new(codes::ID_TOKEN_CLAIMS, m);
    if id_token.len() > MAX_TOKEN_RESPONSE_BYTES {
        return Err(invalid("the ID token is too large".into()));
    }
    let allowed = settings.allowed_algorithms()?;
    let header = jsonwebtoken::decode_header(id_token)
        .map_err(|e| invalid(format!("the ID token's header is malformed: {e}")))?;
    if !allowed.contains(&header.alg) {
        return Err(invalid(format!(
            "the ID token is signed with {:?}; allowed: {}",
            header.alg,
            settings.algorithms.join(", ")
        )));
    }
    let jwk = match &header.kid {
        Some(kid) => jwks
            .find(kid)
            .ok_or_else(|| invalid(format!("no key {kid:?} in the provider's JWKS")))?,
        None => match jwks.keys.as_slice() {
            [only] => only,
            _ => {
                return Err(invalid(
                    "the ID token names no key (kid) and the JWKS has more than one".into(),
                ));
            }
        },
    };
    let decoding = DecodingKey::from_jwk(jwk)
        .map_err(|e| invalid(format!("the provider's key cannot be used: {e}")))?;
    // Signature and algorithm here; the claims below, against the caller's time.
    let mut validation = Validation::new(header.alg);
    validation.algorithms = vec![header.alg];
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<IdTokenClaims>(id_token, &decoding, &validation)
        .map_err(|e| invalid(format!("the ID token does not verify: {e}")))?;
    let c = data.claims;

    if c.iss.as_deref() != Some(settings.issuer.as_str()) {
        return Err(claims_err(format!(
            "iss is {:?}; this client trusts {:?}",
            c.iss, settings.issuer
        )));
    }
    let audiences = match c.aud {
        Some(Audience::One(a)) => vec![a],
        Some(Audience::Many(a)) => a,
        None => Vec::new(),
    };
    if !audiences.iter().any(|a| a == &settings.client_id) {
        return Err(claims_err(format!(
            "aud {audiences:?} does not name this client {:?}",
            settings.client_id
        )));
    }
    if (audiences.len() > 1 || c.azp.is_some())
        && c.azp.as_deref() != Some(settings.client_id.as_str())
    {
        return Err(claims_err(format!(
            "azp {:?} is not this client {:?}",
            c.azp, settings.client_id
        )));
    }
    let now_s = now.unix();
    let skew = settings.clock_skew_seconds;
    match c.exp {
        Some(exp) if exp + skew > now_s => {}
        Some(exp) => {
            return Err(claims_err(format!(
                "the ID token expired at {exp} (now {now_s})"
            )));
        }
        None => return Err(claims_err("the ID token has no exp".into())),
    }
    match c.iat {
        Some(iat) if iat <= now_s + skew => {}
        Some(iat) => {
            return Err(claims_err(format!(
                "the ID token was issued in the future ({iat}, now {now_s})"
            )));
        }
        None => return Err(claims_err("the ID token has no iat".into())),
    }
    let expected = nonce_for(key, state);
    let nonce_ok = c
        .nonce
        .as_deref()
        .is_some_and(|n| bool::from(n.as_bytes().ct_eq(expected.as_bytes())));
    if !nonce_ok {
        return Err(claims_err(
            "the ID token's nonce is not this sign-in's (a replayed or injected token)".into(),
        ));
    }
    let subject = c
        .sub
        .filter(|s| !s.is_empty())
        .ok_or_else(|| claims_err("the ID token has no sub".into()))?;
    let mfa_completed = c.amr.iter().any(|a| settings.mfa_amr_values.contains(a))
        || c.acr
            .as_ref()
            .is_some_and(|a| settings.mfa_acr_values.contains(a));
    let mut identity = Identity::new(settings.issuer.clone(), subject);
    identity.email = c.email;
    identity.name = c.name;
    identity.groups = c.groups;
    let mut claims = BTreeMap::new();
    if let Some(u) = c.preferred_username {
        claims.insert("preferred_username".to_owned(), u);
    }
    identity.claims = claims;
    Ok(VerifiedSignIn {
        identity,
        mfa_completed,
    })
}
