//! The one error of the engine: a registry code, a message, and the HTTP answer it becomes.

use enrollkit_diagnostic::{Code, Coded, Diagnostic, Location};
use http::StatusCode;
use serde::Serialize;

/// A request the engine refused, or an answer it could not build. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ProtocolError {
    code: Code,
    message: String,
    apple_error: Option<AppleError>,
}

/// An error body Apple defines (`mdm/errors`), sent instead of the engine's own JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppleError {
    /// The `code`, e.g. `com.apple.unrecognized.device`.
    pub code: String,
    /// A description for logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A message the device shows the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ProtocolError {
    /// An error with a registry code and a message naming what was wrong.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ProtocolError {
            code,
            message: message.into(),
            apple_error: None,
        }
    }

    /// Answers with Apple's error body instead of the engine's JSON.
    pub fn with_apple_error(mut self, code: &str, message: Option<String>) -> Self {
        self.apple_error = Some(AppleError {
            code: code.to_owned(),
            description: Some(self.message.clone()),
            message,
        });
        self
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Apple's error body, when one applies.
    pub fn apple_error(&self) -> Option<&AppleError> {
        self.apple_error.as_ref()
    }

    /// The HTTP status the engine answers with.
    pub fn status(&self) -> StatusCode {
        status_of(self.code)
    }

    /// The error as a diagnostic (for logs and the admin view).
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::new(self.code, Location::top("request"), self.message.clone())
    }

    /// The HTTP answer: Apple's error body where one applies, else
    /// `{"code", "message", "remediation"}` as JSON.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'a str,
            message: &'a str,
            remediation: &'a str,
        }
        let body = match &self.apple_error {
            Some(apple) => serde_json::to_vec(apple),
            None => serde_json::to_vec(&Body {
                code: self.code.as_str(),
                message: &self.message,
                remediation: self.code.remediation(),
            }),
        }
        .unwrap_or_default();
        let mut response = crate::http_util::response(self.status(), "application/json", body);
        // The code travels in a header too, so it survives an Apple-format error body.
        if let Ok(v) = http::HeaderValue::from_str(self.code.as_str()) {
            response.headers_mut().insert(CODE_HEADER, v);
        }
        response
    }
}

impl Coded for ProtocolError {
    fn code(&self) -> Code {
        self.code
    }
}

/// The response header every refusal carries its code in (`PROT012`, …), whatever its body.
pub const CODE_HEADER: &str = "enrollkit-code";

/// The HTTP status of a protocol code; codes of other areas (a lint finding, a flow refusal)
/// are refusals of the request (409) unless they are the server's own (5xx).
pub fn status_of(code: Code) -> StatusCode {
    match code.as_str() {
        "PROT001" => StatusCode::PAYLOAD_TOO_LARGE,
        "PROT002" | "PROT003" | "PROT004" | "PROT005" | "PROT018" | "PROT020" => {
            StatusCode::BAD_REQUEST
        }
        "PROT006" | "PROT007" | "PROT008" | "PROT009" | "PROT010" | "PROT011" | "PROT012"
        | "PROT030" | "PROT031" => StatusCode::FORBIDDEN,
        "PROT013" | "PROT021" | "PROT023" | "PROT024" => StatusCode::UNAUTHORIZED,
        "PROT014" => StatusCode::CONFLICT,
        "PROT019" => StatusCode::REQUEST_TIMEOUT,
        "PROT015" => StatusCode::NOT_FOUND,
        "PROT016" => StatusCode::METHOD_NOT_ALLOWED,
        "PROT017" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "PROT022" => StatusCode::BAD_GATEWAY,
        "PROT050" | "PROT051" | "PROT052" => StatusCode::INTERNAL_SERVER_ERROR,
        _ if code.area() == enrollkit_diagnostic::Area::Internal => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::CONFLICT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::codes::protocol;

    #[test]
    fn every_protocol_code_names_its_status() {
        for code in protocol::ALL {
            let status = status_of(*code);
            // 409 is the fallback for other areas; a protocol code says its status itself.
            let stated = code
                .summary()
                .contains(&format!("HTTP {}", status.as_u16()))
                || code.summary().contains("answered 403");
            assert!(stated, "{code}: {status} is not in {:?}", code.summary());
            assert!(!code.remediation().is_empty(), "{code}");
        }
    }

    #[test]
    fn apple_error_bodies_replace_the_engine_json() {
        let e = ProtocolError::new(protocol::UNKNOWN_ENROLLMENT, "gone")
            .with_apple_error("com.apple.unrecognized.device", None);
        let r = e.to_response();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = serde_json::from_slice(r.body()).unwrap_or_default();
        assert_eq!(body["code"], "com.apple.unrecognized.device");
        let plain = ProtocolError::new(protocol::BODY_TOO_LARGE, "big").to_response();
        let body: serde_json::Value = serde_json::from_slice(plain.body()).unwrap_or_default();
        assert_eq!(body["code"], "PROT001");
        assert_eq!(plain.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
