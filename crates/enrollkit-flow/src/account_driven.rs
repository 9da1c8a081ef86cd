//! Account-driven enrollment (User Enrollment iOS 15+/macOS 14+, ADDE iOS 17+/macOS 14+): the
//! server's side of the protocol as pure functions.
//!
//! 1. The device asks `https://<domain>/.well-known/com.apple.remotemanagement?user-identifier=…&model-family=…`:
//!    [`parse_well_known_request`], answered with [`well_known_document`].
//! 2. Its first POST to `BaseURL` carries no token: [`check_enrollment_request`] answers with a
//!    401 challenge whose header [`www_authenticate_challenge`] builds.
//! 3. After web authentication the server redirects (308) to [`authentication_callback`], which
//!    [`parse_authentication_callback`] reads back.
//! 4. The repeated POST carries `Authorization: Bearer <token>`; [`check_enrollment_request`]
//!    compares it (constant time, by digest) with the token issued and the profile is served as
//!    [`ASPEN_CONFIG_CONTENT_TYPE`].

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::FlowError;
use crate::secret::{Secret, SecretDigest};

/// Path of the discovery document.
pub const WELL_KNOWN_PATH: &str = "/.well-known/com.apple.remotemanagement";
/// Content type of configuration profiles (Safari and the account-driven 200 answer).
pub const ASPEN_CONFIG_CONTENT_TYPE: &str = "application/x-apple-aspen-config";
/// Content type of the device's CMS-signed enrollment request.
pub const SIGNED_REQUEST_CONTENT_TYPE: &str = "application/pkcs7-signature";
/// Scheme of the authentication callback.
pub const CALLBACK_SCHEME: &str = "apple-remotemanagement-user-login";
/// Host part of the authentication callback.
pub const CALLBACK_HOST: &str = "authentication-results";
/// Query parameter of the callback carrying the token.
pub const ACCESS_TOKEN_PARAM: &str = "access-token";

/// Which enrollment a `.well-known` server entry offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServerVersion {
    /// Account-driven User Enrollment (BYOD).
    #[serde(rename = "mdm-byod")]
    MdmByod,
    /// Account-driven Device Enrollment.
    #[serde(rename = "mdm-adde")]
    MdmAdde,
}

impl ServerVersion {
    /// The JSON string.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerVersion::MdmByod => "mdm-byod",
            ServerVersion::MdmAdde => "mdm-adde",
        }
    }
}

/// One entry of the discovery document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteManagementServer {
    /// Enrollment kind.
    #[serde(rename = "Version")]
    pub version: ServerVersion,
    /// Where the device POSTs its enrollment request (https).
    #[serde(rename = "BaseURL")]
    pub base_url: Url,
}

/// The `.well-known/com.apple.remotemanagement` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WellKnownDocument {
    /// Servers, in preference order.
    #[serde(rename = "Servers")]
    pub servers: Vec<RemoteManagementServer>,
}

fn require_https(url: &Url, what: &str) -> Result<(), String> {
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{what} must be an https URL with a host, got {url}"
        ));
    }
    Ok(())
}

/// Builds the discovery JSON: `{"Servers":[{"Version":"mdm-byod","BaseURL":"https://…"}]}`.
/// At least one server; every `BaseURL` https.
pub fn well_known_document(servers: &[RemoteManagementServer]) -> Result<String, FlowError> {
    if servers.is_empty() {
        return Err(FlowError::WellKnown(
            "at least one server is required".into(),
        ));
    }
    for server in servers {
        require_https(&server.base_url, "BaseURL").map_err(FlowError::WellKnown)?;
    }
    serde_json::to_string(&WellKnownDocument {
        servers: servers.to_vec(),
    })
    .map_err(|e| FlowError::WellKnown(e.to_string()))
}

/// Parses and checks a discovery document the way a device would: valid JSON, a `Servers`
/// array, known `Version` values, https `BaseURL`s.
pub fn parse_well_known_document(json: &str) -> Result<WellKnownDocument, FlowError> {
    let doc: WellKnownDocument =
        serde_json::from_str(json).map_err(|e| FlowError::WellKnown(e.to_string()))?;
    if doc.servers.is_empty() {
        return Err(FlowError::WellKnown("Servers is empty".into()));
    }
    for server in &doc.servers {
        require_https(&server.base_url, "BaseURL").map_err(FlowError::WellKnown)?;
    }
    Ok(doc)
}

/// `user@domain` as typed by the user; split at the last `@`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdentifier {
    /// The part before the last `@`.
    pub user: String,
    /// The fully qualified domain the device queries.
    pub domain: String,
}

impl UserIdentifier {
    /// Splits at the last `@` and checks that the domain is a fully qualified domain name.
    pub fn parse(text: &str) -> Result<Self, FlowError> {
        let (user, domain) = text
            .rsplit_once('@')
            .ok_or_else(|| FlowError::UserIdentifier(format!("{text:?} has no '@'")))?;
        if user.is_empty() {
            return Err(FlowError::UserIdentifier(
                "the part before '@' is empty".into(),
            ));
        }
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(d)) if d.contains('.') && !d.ends_with('.') => {
                Ok(UserIdentifier {
                    user: user.to_owned(),
                    domain: d,
                })
            }
            _ => Err(FlowError::UserIdentifier(format!(
                "{domain:?} is not a fully qualified domain name"
            ))),
        }
    }
}

/// Device families the discovery request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelFamily {
    /// Mac.
    Mac,
    /// iPhone.
    #[serde(rename = "iPhone")]
    IPhone,
    /// iPad.
    #[serde(rename = "iPad")]
    IPad,
    /// Apple TV.
    AppleTV,
    /// Apple Watch.
    Watch,
    /// Apple Vision Pro.
    RealityDevice,
}

impl ModelFamily {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "Mac" => ModelFamily::Mac,
            "iPhone" => ModelFamily::IPhone,
            "iPad" => ModelFamily::IPad,
            "AppleTV" => ModelFamily::AppleTV,
            "Watch" => ModelFamily::Watch,
            "RealityDevice" => ModelFamily::RealityDevice,
            _ => return None,
        })
    }
}

/// What a discovery request asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WellKnownRequest {
    /// The typed user identifier.
    pub user_identifier: UserIdentifier,
    /// The device family, when given and known.
    pub model_family: Option<ModelFamily>,
}

/// Reads a discovery request URL: the path must be [`WELL_KNOWN_PATH`], `user-identifier` must be
/// `user@fqdn` and its domain must be the host asked.
pub fn parse_well_known_request(request_url: &str) -> Result<WellKnownRequest, FlowError> {
    let url = Url::parse(request_url).map_err(|e| FlowError::UserIdentifier(e.to_string()))?;
    if url.path() != WELL_KNOWN_PATH {
        return Err(FlowError::WellKnown(format!(
            "path {} is not {WELL_KNOWN_PATH}",
            url.path()
        )));
    }
    let mut user_identifier = None;
    let mut model_family = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "user-identifier" => user_identifier = Some(UserIdentifier::parse(&value)?),
            "model-family" => model_family = ModelFamily::parse(&value),
            _ => {}
        }
    }
    let user_identifier = user_identifier
        .ok_or_else(|| FlowError::UserIdentifier("user-identifier is missing".into()))?;
    let host = url.host_str().unwrap_or_default();
    if !host.eq_ignore_ascii_case(&user_identifier.domain) {
        return Err(FlowError::UserIdentifier(format!(
            "domain {} is not the host asked ({host})",
            user_identifier.domain
        )));
    }
    Ok(WellKnownRequest {
        user_identifier,
        model_family,
    })
}

/// The `WWW-Authenticate` value of the 401 answer:
/// `Bearer method="apple-as-web", url="https://…"`.
pub fn www_authenticate_challenge(auth_url: &Url) -> Result<String, FlowError> {
    require_https(auth_url, "the authentication URL").map_err(FlowError::Challenge)?;
    let url = auth_url.as_str();
    // The url crate percent-encodes quotes; a quote here would break the quoted-string.
    if url.contains(['"', '\\']) {
        return Err(FlowError::Challenge(
            "the URL contains a quote or backslash".into(),
        ));
    }
    Ok(format!("Bearer method=\"apple-as-web\", url=\"{url}\""))
}

/// Reads a `Bearer method="apple-as-web", url="…"` challenge back and returns the URL.
pub fn parse_www_authenticate_challenge(header: &str) -> Result<Url, FlowError> {
    let err = |m: &str| FlowError::Challenge(m.to_owned());
    let (scheme, params) = header
        .trim()
        .split_once(' ')
        .ok_or_else(|| err("no auth parameters"))?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(err("scheme is not Bearer"));
    }
    let mut method = None;
    let mut url = None;
    let mut rest = params.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .ok_or_else(|| err("parameter without '='"))?;
        let after = after.trim_start();
        let inner = after
            .strip_prefix('"')
            .ok_or_else(|| err("parameter value is not a quoted string"))?;
        let end = inner
            .find('"')
            .ok_or_else(|| err("unterminated quoted string"))?;
        let value = inner.get(..end).unwrap_or_default();
        if value.contains('\\') {
            return Err(err("escapes in parameter values are not supported"));
        }
        match key.trim().to_ascii_lowercase().as_str() {
            "method" => method = Some(value.to_owned()),
            "url" => url = Some(value.to_owned()),
            _ => {}
        }
        rest = inner.get(end + 1..).unwrap_or_default().trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    if method.as_deref() != Some("apple-as-web") {
        return Err(err("method is not \"apple-as-web\""));
    }
    let url = url.ok_or_else(|| err("url parameter missing"))?;
    let url = Url::parse(&url).map_err(|e| FlowError::Challenge(e.to_string()))?;
    require_https(&url, "url").map_err(FlowError::Challenge)?;
    Ok(url)
}

/// The 308 `Location` that ends web authentication:
/// `apple-remotemanagement-user-login://authentication-results?access-token=<token>`.
pub fn authentication_callback(token: &Secret) -> Result<Url, FlowError> {
    if token.expose().is_empty() {
        return Err(FlowError::Callback("the access token is empty".into()));
    }
    let mut url = Url::parse(&format!("{CALLBACK_SCHEME}://{CALLBACK_HOST}"))
        .map_err(|e| FlowError::Callback(e.to_string()))?;
    url.query_pairs_mut()
        .append_pair(ACCESS_TOKEN_PARAM, token.expose());
    Ok(url)
}

/// Reads the access token from a 308 callback `Location`. The scheme, host and a single
/// non-empty `access-token` are required.
pub fn parse_authentication_callback(location: &str) -> Result<Secret, FlowError> {
    let err = |m: &str| FlowError::Callback(m.to_owned());
    // Url errors can quote the input, which carries the token: keep them out of the message.
    let url = Url::parse(location).map_err(|_| err("not a URL"))?;
    if url.scheme() != CALLBACK_SCHEME {
        return Err(err("scheme is not apple-remotemanagement-user-login"));
    }
    if url.host_str() != Some(CALLBACK_HOST) {
        return Err(err("host is not authentication-results"));
    }
    if !matches!(url.path(), "" | "/") {
        return Err(err("unexpected path"));
    }
    let mut tokens = url
        .query_pairs()
        .filter(|(k, _)| k == ACCESS_TOKEN_PARAM)
        .map(|(_, v)| v.into_owned());
    let token = tokens
        .next()
        .ok_or_else(|| err("access-token is missing"))?;
    if tokens.next().is_some() {
        return Err(err("access-token appears more than once"));
    }
    if token.is_empty() {
        return Err(err("access-token is empty"));
    }
    Ok(Secret::new(token))
}

/// The parts of the device's enrollment-profile request the server checks.
#[derive(Debug, Clone, Copy)]
pub struct EnrollmentRequest<'a> {
    /// HTTP method (must be `POST`).
    pub method: &'a str,
    /// `Content-Type` header (must be `application/pkcs7-signature`).
    pub content_type: Option<&'a str>,
    /// `Authorization` header, absent on the first request.
    pub authorization: Option<&'a Secret>,
    /// Length of the CMS-signed body (must be non-zero).
    pub body_len: usize,
}

/// What to answer to an enrollment-profile request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollmentRequestCheck {
    /// The bearer token is the one issued: answer 200 with the profile.
    Authorized,
    /// No token yet: answer 401 with this `WWW-Authenticate` value.
    Challenge {
        /// The header value.
        www_authenticate: String,
    },
}

/// Extracts the token of an `Authorization: Bearer <token>` value.
pub fn bearer_token(authorization: &Secret) -> Result<Secret, FlowError> {
    let value = authorization.expose().trim();
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        FlowError::BearerToken("the Authorization header is not 'Bearer <token>'".into())
    })?;
    let token = token.trim();
    let token68 = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    if !scheme.eq_ignore_ascii_case("Bearer") || token.is_empty() || !token.chars().all(token68) {
        return Err(FlowError::BearerToken(
            "the Authorization header is not 'Bearer <token>'".into(),
        ));
    }
    Ok(Secret::new(token))
}

/// Checks an enrollment-profile request: a POST of a signed body; without `Authorization` the
/// answer is the 401 challenge for `auth_url`; with it, the bearer token must match `issued`.
pub fn check_enrollment_request(
    request: &EnrollmentRequest<'_>,
    issued: Option<&SecretDigest>,
    auth_url: &Url,
) -> Result<EnrollmentRequestCheck, FlowError> {
    check_request_shape(request)?;
    check_bearer(request.authorization, issued, auth_url)
}

/// The shape of the enrollment-profile request: a POST of a non-empty CMS-signed body
/// (`application/pkcs7-signature`).
pub fn check_request_shape(request: &EnrollmentRequest<'_>) -> Result<(), FlowError> {
    if request.method != "POST" {
        return Err(FlowError::EnrollmentRequest(format!(
            "method {} is not POST",
            request.method
        )));
    }
    let media_type = request
        .content_type
        .and_then(|ct| ct.split(';').next())
        .map(str::trim);
    if !media_type.is_some_and(|m| m.eq_ignore_ascii_case(SIGNED_REQUEST_CONTENT_TYPE)) {
        return Err(FlowError::EnrollmentRequest(format!(
            "Content-Type is not {SIGNED_REQUEST_CONTENT_TYPE}"
        )));
    }
    if request.body_len == 0 {
        return Err(FlowError::EnrollmentRequest(
            "the signed body is empty".into(),
        ));
    }
    Ok(())
}

/// The bearer token of the enrollment-profile request: none yet is the normal first step
/// (answer the 401 challenge); otherwise it must be the token issued for this session.
pub fn check_bearer(
    authorization: Option<&Secret>,
    issued: Option<&SecretDigest>,
    auth_url: &Url,
) -> Result<EnrollmentRequestCheck, FlowError> {
    let Some(authorization) = authorization else {
        return Ok(EnrollmentRequestCheck::Challenge {
            www_authenticate: www_authenticate_challenge(auth_url)?,
        });
    };
    let token = bearer_token(authorization)?;
    match issued {
        Some(digest) if digest.matches(&token) => Ok(EnrollmentRequestCheck::Authorized),
        Some(_) => Err(FlowError::BearerToken(
            "not the token issued for this session".into(),
        )),
        None => Err(FlowError::BearerToken(
            "no token was issued for this session".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn well_known_round_trip_and_shape() {
        let json = well_known_document(&[RemoteManagementServer {
            version: ServerVersion::MdmByod,
            base_url: url("https://mdm.example.com/enroll"),
        }])
        .unwrap();
        assert_eq!(
            json,
            r#"{"Servers":[{"Version":"mdm-byod","BaseURL":"https://mdm.example.com/enroll"}]}"#
        );
        let doc = parse_well_known_document(&json).unwrap();
        assert_eq!(doc.servers[0].version, ServerVersion::MdmByod);
        for bad in [
            r#"{"Servers":[]}"#,
            r#"{"Servers":[{"Version":"mdm-v9","BaseURL":"https://a.example"}]}"#,
            r#"{"Servers":[{"Version":"mdm-adde","BaseURL":"http://a.example"}]}"#,
            "not json",
        ] {
            assert_eq!(
                parse_well_known_document(bad).unwrap_err().code(),
                "FLOW300",
                "{bad}"
            );
        }
        assert!(well_known_document(&[]).is_err());
    }

    #[test]
    fn well_known_request() {
        let req = parse_well_known_request(
            "https://example.com/.well-known/com.apple.remotemanagement?user-identifier=first.last%40sub%40example.com&model-family=iPhone",
        )
        .unwrap();
        assert_eq!(req.user_identifier.user, "first.last@sub");
        assert_eq!(req.user_identifier.domain, "example.com");
        assert_eq!(req.model_family, Some(ModelFamily::IPhone));
        assert_eq!(
            UserIdentifier::parse("a@localhost").unwrap_err().code(),
            "FLOW301"
        );
        assert!(UserIdentifier::parse("a@10.0.0.1").is_err());
        assert!(UserIdentifier::parse("nobody").is_err());
        assert!(parse_well_known_request("https://other.com/.well-known/com.apple.remotemanagement?user-identifier=a%40example.com").is_err());
    }

    #[test]
    fn challenge_header_round_trip() {
        let auth = url("https://login.example.com/enroll/auth?tenant=a b");
        let header = www_authenticate_challenge(&auth).unwrap();
        assert_eq!(
            header,
            "Bearer method=\"apple-as-web\", url=\"https://login.example.com/enroll/auth?tenant=a%20b\""
        );
        assert_eq!(parse_www_authenticate_challenge(&header).unwrap(), auth);
        assert!(www_authenticate_challenge(&url("http://login.example.com/")).is_err());
        for bad in [
            "Basic realm=\"x\"",
            "Bearer method=\"apple-oauth2\", url=\"https://a.example/\"",
            "Bearer method=\"apple-as-web\"",
            "Bearer method=apple-as-web, url=\"https://a.example/\"",
        ] {
            assert_eq!(
                parse_www_authenticate_challenge(bad).unwrap_err().code(),
                "FLOW302",
                "{bad}"
            );
        }
    }

    #[test]
    fn callback_round_trip() {
        let token = Secret::new("tok+/=abc 123");
        let location = authentication_callback(&token).unwrap();
        assert!(location.as_str().starts_with(
            "apple-remotemanagement-user-login://authentication-results?access-token="
        ));
        assert_eq!(
            parse_authentication_callback(location.as_str()).unwrap(),
            token
        );
        for bad in [
            "https://authentication-results?access-token=x",
            "apple-remotemanagement-user-login://other?access-token=x",
            "apple-remotemanagement-user-login://authentication-results",
            "apple-remotemanagement-user-login://authentication-results?access-token=",
            "apple-remotemanagement-user-login://authentication-results?access-token=a&access-token=b",
        ] {
            let err = parse_authentication_callback(bad).unwrap_err();
            assert_eq!(err.code(), "FLOW303");
            assert!(!err.to_string().contains("access-token=a"));
        }
    }

    #[test]
    fn enrollment_request_checks() {
        let auth = url("https://login.example.com/auth");
        let issued = SecretDigest::of(&Secret::new("tok-1"));
        let good = Secret::new("Bearer tok-1");
        let wrong = Secret::new("Bearer tok-2");
        let base = EnrollmentRequest {
            method: "POST",
            content_type: Some("application/pkcs7-signature"),
            authorization: None,
            body_len: 1200,
        };
        match check_enrollment_request(&base, Some(&issued), &auth).unwrap() {
            EnrollmentRequestCheck::Challenge { www_authenticate } => {
                assert_eq!(
                    parse_www_authenticate_challenge(&www_authenticate).unwrap(),
                    auth
                )
            }
            other => panic!("{other:?}"),
        }
        let with = |a| EnrollmentRequest {
            authorization: Some(a),
            ..base
        };
        assert_eq!(
            check_enrollment_request(&with(&good), Some(&issued), &auth).unwrap(),
            EnrollmentRequestCheck::Authorized
        );
        let err = check_enrollment_request(&with(&wrong), Some(&issued), &auth).unwrap_err();
        assert_eq!(err.code(), "FLOW115");
        assert!(!err.to_string().contains("tok-"));
        assert!(check_enrollment_request(&with(&good), None, &auth).is_err());
        let get = EnrollmentRequest {
            method: "GET",
            ..base
        };
        assert_eq!(
            check_enrollment_request(&get, Some(&issued), &auth)
                .unwrap_err()
                .code(),
            "FLOW304"
        );
        let json = EnrollmentRequest {
            content_type: Some("application/json"),
            ..base
        };
        assert!(check_enrollment_request(&json, Some(&issued), &auth).is_err());
        let empty = EnrollmentRequest {
            body_len: 0,
            ..base
        };
        assert!(check_enrollment_request(&empty, Some(&issued), &auth).is_err());
        assert!(bearer_token(&Secret::new("Bearer")).is_err());
        assert!(bearer_token(&Secret::new("Basic abc")).is_err());
    }
}
