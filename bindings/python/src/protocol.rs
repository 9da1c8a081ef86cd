//! The protocol engine: check-ins read and verified, and the engine's request handlers for a
//! Python host (requests as method, URL, headers and body; enrollments as JSON).

use enrollkit_bindings_common as common;
use enrollkit_bindings_common::protocol::{HttpHeader, HttpRequest};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{PyBindingError, check};
use crate::flow::{Finding, findings, json_arg, json_loads};

/// A check-in message, read: its type, device, user channel and fields.
#[pyclass(frozen, get_all, module = "enrollkit")]
pub struct CheckinInfo {
    /// `MessageType`.
    message_type: String,
    /// `"udid"` (device enrollment) or `"enrollment_id"` (User Enrollment).
    device_kind: String,
    /// The device identifier.
    device_id: String,
    /// The user of a user-channel message, else None.
    user_id: Option<String>,
    /// Every key as JSON text (data as base64).
    fields_json: String,
}

#[pymethods]
impl CheckinInfo {
    /// The fields as a dict.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.fields_json)
    }

    fn __repr__(&self) -> String {
        format!(
            "CheckinInfo({} from {} {})",
            self.message_type, self.device_kind, self.device_id
        )
    }
}

/// Reads a check-in body (bytes). Raises ProtocolError (PROT*) on a malformed message.
#[pyfunction]
pub fn parse_checkin(body: &[u8]) -> Result<CheckinInfo, PyBindingError> {
    let c = check(common::protocol::parse_checkin(body))?;
    Ok(CheckinInfo {
        message_type: c.message_type,
        device_kind: c.device_kind,
        device_id: c.device_id,
        user_id: c.user_id,
        fields_json: c.fields_json,
    })
}

/// Verifies an `Mdm-Signature` header value over `body` against the device-identity CA
/// (PEM or DER bytes) at `at` (RFC 3339, default now); returns the signer's subject.
#[pyfunction]
#[pyo3(signature = (body, signature_header, anchors, at = None))]
pub fn verify_mdm_signature(
    body: &[u8],
    signature_header: &str,
    anchors: &[u8],
    at: Option<&str>,
) -> Result<String, PyBindingError> {
    check(common::protocol::verify_mdm_signature(
        body,
        signature_header,
        anchors,
        at,
    ))
}

/// What the host does next: `kind` is `respond`, `exchange_code` or `delegate`.
#[pyclass(frozen, module = "enrollkit")]
pub struct EngineReply {
    reply: common::protocol::EngineReply,
}

fn request_dict<'py>(py: Python<'py>, r: &HttpRequest) -> PyResult<Bound<'py, PyAny>> {
    let d = pyo3::types::PyDict::new(py);
    d.set_item("method", &r.method)?;
    d.set_item("url", &r.url)?;
    let headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    d.set_item("headers", headers)?;
    d.set_item("body", PyBytes::new(py, &r.body))?;
    Ok(d.into_any())
}

#[pymethods]
impl EngineReply {
    /// `respond`, `exchange_code` or `delegate`.
    #[getter]
    fn kind(&self) -> &str {
        &self.reply.kind
    }
    /// The response status.
    #[getter]
    fn status(&self) -> u16 {
        self.reply.status
    }
    /// Response headers as (name, value) pairs.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.reply
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect()
    }
    /// The first value of a response header, or None.
    fn header(&self, name: &str) -> Option<String> {
        self.reply
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.clone())
    }
    /// Response body.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.reply.body)
    }
    /// The token request to send to the identity provider (`exchange_code`), as a dict.
    #[getter]
    fn token_request<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.reply
            .token_request
            .as_ref()
            .map(|r| request_dict(py, r))
            .transpose()
    }
    /// The verified message for the host (`delegate`), as a dict.
    #[getter]
    fn delegated<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.reply
            .delegated_json
            .as_deref()
            .map(|j| json_loads(py, j))
            .transpose()
    }
    /// The enrollment to store (JSON text), when new or changed.
    #[getter]
    fn enrollment_json(&self) -> Option<&str> {
        self.reply.enrollment_json.as_deref()
    }
    /// The effects to carry out, as dicts with an `effect` key.
    #[getter]
    fn effects<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.reply
            .effects_json
            .iter()
            .map(|j| json_loads(py, j))
            .collect()
    }
    /// The code of a refusal, else None.
    #[getter]
    fn refused_code(&self) -> Option<&str> {
        self.reply.refused_code.as_deref()
    }
    /// Notes, failures and lint findings.
    #[getter]
    fn diagnostics(&self) -> Vec<Finding> {
        findings(self.reply.diagnostics.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "EngineReply(kind={:?}, status={}, refused_code={:?}, effects={})",
            self.reply.kind,
            self.reply.status,
            self.reply.refused_code,
            self.reply.effects_json.len()
        )
    }
}

fn http_request(
    method: &str,
    url: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> HttpRequest {
    HttpRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: headers
            .into_iter()
            .map(|(name, value)| HttpHeader { name, value })
            .collect(),
        body: body.to_vec(),
    }
}

fn optional_json(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    value.filter(|v| !v.is_none()).map(json_arg).transpose()
}

/// The enrollment engine. Settings are a dict or JSON text (docs/flows.md); keys and CAs are
/// PEM or DER bytes.
#[pyclass(frozen, module = "enrollkit")]
pub struct ProtocolEngine {
    engine: common::protocol::ProtocolEngine,
}

#[pymethods]
impl ProtocolEngine {
    #[new]
    fn new(
        settings: &Bound<'_, PyAny>,
        signer_key: &[u8],
        signer_certificate: &[u8],
        device_identity_ca: &[u8],
        attestation_ca: &[u8],
    ) -> PyResult<Self> {
        let settings = json_arg(settings)?;
        let engine = check(common::protocol::ProtocolEngine::new(
            &settings,
            signer_key,
            signer_certificate,
            device_identity_ca,
            attestation_ca,
        ))?;
        Ok(ProtocolEngine { engine })
    }

    /// The request's step and how to find its enrollment, as a dict.
    #[pyo3(signature = (method, url, headers = Vec::new(), body = b"".as_slice()))]
    fn route<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> PyResult<Bound<'py, PyAny>> {
        let r = check(self.engine.route(&http_request(method, url, headers, body)))?;
        let d = pyo3::types::PyDict::new(py);
        d.set_item("route", r.route)?;
        d.set_item("lookup", r.lookup)?;
        d.set_item("lookup_value", r.lookup_value)?;
        Ok(d.into_any())
    }

    /// Handles a request with the enrollment the lookup found (JSON text, dict or None) at
    /// `now` (RFC 3339). A refused request is a reply with its coded 4xx.
    #[pyo3(signature = (method, url, headers, body, enrollment, now))]
    #[allow(
        clippy::too_many_arguments,
        reason = "the Python signature: one argument per part of the request"
    )]
    fn handle(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
        enrollment: Option<&Bound<'_, PyAny>>,
        now: &str,
    ) -> PyResult<EngineReply> {
        let request = http_request(method, url, headers, body);
        let enrollment = optional_json(enrollment)?;
        let reply =
            py.detach(|| check(self.engine.handle(&request, enrollment.as_deref(), now)))?;
        Ok(EngineReply { reply })
    }

    /// Validates the identity provider's token response for the callback request; returns
    /// the verified sign-in as JSON text.
    #[pyo3(signature = (enrollment, callback_url, token_status, token_body, jwks, now))]
    fn verify_sign_in(
        &self,
        enrollment: &Bound<'_, PyAny>,
        callback_url: &str,
        token_status: u16,
        token_body: &[u8],
        jwks: &Bound<'_, PyAny>,
        now: &str,
    ) -> PyResult<String> {
        let callback = http_request("GET", callback_url, Vec::new(), b"");
        Ok(check(self.engine.verify_sign_in(
            &json_arg(enrollment)?,
            &callback,
            token_status,
            token_body,
            &json_arg(jwks)?,
            now,
        ))?)
    }

    /// Admits the verified user (`directory_user`: the host's record, or None to create the
    /// user just in time).
    #[pyo3(signature = (enrollment, verified, directory_user, now))]
    fn complete_sign_in(
        &self,
        enrollment: &Bound<'_, PyAny>,
        verified: &Bound<'_, PyAny>,
        directory_user: Option<&Bound<'_, PyAny>>,
        now: &str,
    ) -> PyResult<EngineReply> {
        let reply = check(self.engine.complete_sign_in(
            &json_arg(enrollment)?,
            &json_arg(verified)?,
            optional_json(directory_user)?.as_deref(),
            now,
        ))?;
        Ok(EngineReply { reply })
    }

    /// The install-window timer fired for this enrollment.
    fn expire(&self, enrollment: &Bound<'_, PyAny>, now: &str) -> PyResult<EngineReply> {
        let reply = check(self.engine.expire(&json_arg(enrollment)?, now))?;
        Ok(EngineReply { reply })
    }

    /// The portal page's data as a dict.
    fn portal_view<'py>(
        &self,
        py: Python<'py>,
        enrollment: &Bound<'_, PyAny>,
        now: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = check(self.engine.portal_view(&json_arg(enrollment)?, now))?;
        json_loads(py, &json)
    }

    /// Redeems a device's identity challenge; returns the enrollment JSON to store.
    fn redeem_identity_challenge(
        &self,
        enrollment: &Bound<'_, PyAny>,
        challenge: &str,
        now: &str,
    ) -> PyResult<String> {
        Ok(check(self.engine.redeem_identity_challenge(
            &json_arg(enrollment)?,
            challenge,
            now,
        ))?)
    }
}
