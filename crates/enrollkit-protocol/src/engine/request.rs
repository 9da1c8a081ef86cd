//! Reading what the handlers need from a request: query parameters, the session cookie, the
//! bearer token, the device's platform.

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_diagnostic::{OsVersion, Platform};
use http::header;

use crate::error::ProtocolError;
use crate::secret::Secret;

/// The name of the browser session cookie.
pub const SESSION_COOKIE: &str = "enrollkit_session";

/// A query parameter, percent-decoded (the first one when repeated).
pub(crate) fn query_param<B>(request: &http::Request<B>, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A header as text; a header that is not visible ASCII counts as absent.
pub(crate) fn header_text<'a, B>(request: &'a http::Request<B>, name: &str) -> Option<&'a str> {
    request.headers().get(name)?.to_str().ok()
}

/// The session cookie's value.
pub(crate) fn session_cookie<B>(request: &http::Request<B>) -> Option<Secret> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == SESSION_COOKIE && !v.is_empty())
        .map(|(_, v)| Secret::new(v))
}

/// The `Set-Cookie` value that starts a browser session.
pub(crate) fn session_cookie_header(token: &Secret, path: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{SESSION_COOKIE}={}; Path={path}; Max-Age=3600; Secure; HttpOnly; SameSite=Lax",
        token.expose()
    )
}

/// The bearer token of `Authorization`, when there is one; a malformed one is `PROT013`.
pub(crate) fn bearer<B>(request: &http::Request<B>) -> Result<Option<Secret>, ProtocolError> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        ProtocolError::new(
            codes::TOKEN_REJECTED,
            "the Authorization header is not text",
        )
    })?;
    enrollkit_flow::account_driven::bearer_token(&Secret::new(text))
        .map(Some)
        .map_err(|e| ProtocolError::new(codes::TOKEN_REJECTED, e.to_string()))
}

/// Refuses a `Content-Type` other than `expected` (a missing one is accepted: some device
/// releases leave it out).
pub(crate) fn require_content_type<B>(
    request: &http::Request<B>,
    expected: &[&str],
) -> Result<(), ProtocolError> {
    let Some(value) = request.headers().get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if expected.iter().any(|e| media.eq_ignore_ascii_case(e)) {
        Ok(())
    } else {
        Err(ProtocolError::new(
            codes::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type {media:?} is not {}", expected.join(" or ")),
        ))
    }
}

/// The device's platform and OS version: the `platform` and `os` query parameters when
/// given, else the User-Agent. Macs freeze their User-Agent at 10.15.7, so a Mac's version
/// must come from `os`.
pub(crate) fn device_from_request<B>(
    request: &http::Request<B>,
) -> Result<(Platform, OsVersion), ProtocolError> {
    let bad = |m: String| ProtocolError::new(codes::BAD_REQUEST, m);
    let os_param = query_param(request, "os")
        .map(|v| v.parse::<OsVersion>().map_err(|e| bad(format!("os: {e}"))))
        .transpose()?;
    let platform_param = query_param(request, "platform")
        .map(|v| {
            v.parse::<Platform>()
                .map_err(|e| bad(format!("platform: {e}")))
        })
        .transpose()?;
    let from_agent = header_text(request, "user-agent").and_then(parse_user_agent);
    let platform = platform_param
        .or(from_agent.map(|(p, _)| p))
        .ok_or_else(|| bad("the device's platform is unknown: pass platform=ios|macos".into()))?;
    let version = match (os_param, from_agent) {
        (Some(v), _) => v,
        (None, Some((p, Some(v)))) if p == platform => v,
        _ if platform == Platform::MacOs => {
            return Err(bad(
                "a Mac's User-Agent does not tell its macOS version: pass os=<version>".into(),
            ));
        }
        _ => {
            return Err(bad(
                "the device's OS version is unknown: pass os=<version>".into()
            ));
        }
    };
    Ok((platform, version))
}

/// The device's platform, and its OS version when it can be told, for pages a device opens
/// itself (the account-driven sign-in sheet): `platform`/`os` parameters, else the User-Agent.
pub(crate) fn device_hint<B>(
    request: &http::Request<B>,
) -> Result<(Platform, Option<OsVersion>), ProtocolError> {
    match device_from_request(request) {
        Ok((p, v)) => Ok((p, Some(v))),
        Err(e) => {
            let platform = query_param(request, "platform")
                .and_then(|v| v.parse::<Platform>().ok())
                .or_else(|| {
                    header_text(request, "user-agent")
                        .and_then(parse_user_agent)
                        .map(|(p, _)| p)
                });
            platform.map(|p| (p, None)).ok_or(e)
        }
    }
}

/// The platform a signed `PRODUCT` names (`iPhone16,1`, `iPad13,4`, `Mac14,2`, `MacBookPro18,3`).
pub(crate) fn platform_of_product(product: &str) -> Option<Platform> {
    let p = product.trim();
    if p.starts_with("iPhone") || p.starts_with("iPad") || p.starts_with("iPod") {
        Some(Platform::Ios)
    } else if p.starts_with("Mac") || p.starts_with("iMac") || p.starts_with("VirtualMac") {
        Some(Platform::MacOs)
    } else if p.starts_with("AppleTV") {
        Some(Platform::TvOs)
    } else if p.starts_with("Watch") {
        Some(Platform::WatchOs)
    } else if p.starts_with("RealityDevice") {
        Some(Platform::VisionOs)
    } else {
        None
    }
}

/// Platform and version from a Safari User-Agent: `iPhone OS 17_4`, `CPU OS 17_4` (iPad);
/// Macs report a frozen `Mac OS X 10_15_7`, returned as an unknown version.
pub(crate) fn parse_user_agent(agent: &str) -> Option<(Platform, Option<OsVersion>)> {
    let version_after = |marker: &str| {
        let start = agent.find(marker)? + marker.len();
        let digits: String = agent[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '_' || *c == '.')
            .collect();
        digits.replace('_', ".").parse::<OsVersion>().ok()
    };
    if agent.contains("iPhone") || agent.contains("iPad") || agent.contains("iPod") {
        let v = version_after("iPhone OS ").or_else(|| version_after("CPU OS "));
        return Some((Platform::Ios, v));
    }
    if agent.contains("Macintosh") {
        let v = version_after("Mac OS X ").filter(|v| *v != OsVersion::new(10, 15, 7));
        return Some((Platform::MacOs, v));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents() {
        let ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
        assert_eq!(
            parse_user_agent(ios),
            Some((Platform::Ios, Some(OsVersion::new(17, 4, 1))))
        );
        let ipad = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15";
        assert_eq!(
            parse_user_agent(ipad),
            Some((Platform::Ios, Some(OsVersion::new(16, 6, 0))))
        );
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
        assert_eq!(parse_user_agent(mac), Some((Platform::MacOs, None)));
        assert_eq!(parse_user_agent("curl/8.5.0"), None);
    }
}
