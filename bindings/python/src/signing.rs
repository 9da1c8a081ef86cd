//! Signing: identities, sign, verify with a verdict, encrypt and decrypt.

use std::sync::Arc;

use enrollkit_bindings_common as common;
use enrollkit_bindings_common::signing::{
    ExternalSigner, ExternalSignerError, SignatureAlgorithm, VerdictKind,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{PyBindingError, check, opt};

/// A time argument: seconds since the epoch (int or float) or a timezone-aware `datetime`.
fn unix_time(time: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(t) = time else { return Ok(None) };
    if t.is_none() {
        return Ok(None);
    }
    if let Ok(seconds) = t.extract::<i64>() {
        return Ok(Some(seconds));
    }
    // datetime (naive datetimes are taken as local time by Python's timestamp()), or float.
    let seconds: f64 = if t.hasattr("timestamp")? {
        t.call_method0("timestamp")?.extract()?
    } else {
        t.extract()?
    };
    if !seconds.is_finite() || seconds.abs() > 1e15 {
        return Err(pyo3::exceptions::PyValueError::new_err("time out of range"));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(Some(seconds.floor() as i64))
}

/// Calls a Python object with `certificate_chain()` and `sign(message, algorithm)` methods.
struct PyExternalSigner {
    obj: Py<PyAny>,
}

impl ExternalSigner for PyExternalSigner {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        Python::attach(|py| {
            self.obj
                .bind(py)
                .call_method0("certificate_chain")
                .and_then(|c| c.extract::<Vec<Vec<u8>>>())
                // An empty chain makes Identity.external fail with a clear message.
                .unwrap_or_default()
        })
    }

    fn sign(
        &self,
        message: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, ExternalSignerError> {
        Python::attach(|py| {
            let name = common::signing::signature_algorithm_name(algorithm);
            self.obj
                .bind(py)
                .call_method1("sign", (PyBytes::new(py, &message), name))
                .and_then(|s| s.extract::<Vec<u8>>())
                .map_err(|e| ExternalSignerError {
                    message: format!("external signer failed: {e}"),
                })
        })
    }
}

/// A signing identity: a private key (or an external signer) and its certificate chain.
#[pyclass(frozen, module = "enrollkit")]
pub struct Identity {
    identity: common::SigningIdentity,
}

#[pymethods]
impl Identity {
    /// From a private key and a certificate (each PEM or DER), plus intermediates.
    #[staticmethod]
    #[pyo3(signature = (key, certificate, chain=Vec::new()))]
    fn from_pem(
        py: Python<'_>,
        key: &[u8],
        certificate: &[u8],
        chain: Vec<Vec<u8>>,
    ) -> Result<Identity, PyBindingError> {
        let identity = py.detach(|| {
            check(common::signing::identity_from_pem_or_der(
                key,
                certificate,
                &chain,
            ))
        })?;
        Ok(Identity { identity })
    }

    /// Same as `from_pem`: PEM and DER are both accepted.
    #[staticmethod]
    #[pyo3(signature = (key, certificate, chain=Vec::new()))]
    fn from_der(
        py: Python<'_>,
        key: &[u8],
        certificate: &[u8],
        chain: Vec<Vec<u8>>,
    ) -> Result<Identity, PyBindingError> {
        Identity::from_pem(py, key, certificate, chain)
    }

    /// From a PKCS#12 (`.p12`/`.pfx`) file and its password.
    #[staticmethod]
    fn from_pkcs12(
        py: Python<'_>,
        data: &[u8],
        password: &str,
    ) -> Result<Identity, PyBindingError> {
        let identity =
            py.detach(|| check(common::signing::identity_from_pkcs12(data, password)))?;
        Ok(Identity { identity })
    }

    /// From an external signer: any object with `certificate_chain() -> list[bytes]` (DER,
    /// signer first) and `sign(message: bytes, algorithm: str) -> bytes`, where algorithm is
    /// one of `rsa-pkcs1-sha256|384|512`, `ecdsa-sha256|384|512` and the signer hashes
    /// `message` itself.
    #[staticmethod]
    fn external(signer: Py<PyAny>) -> Result<Identity, PyBindingError> {
        let identity = check(common::signing::identity_external(Arc::new(
            PyExternalSigner { obj: signer },
        )))?;
        Ok(Identity { identity })
    }

    /// `"ec-p256"`, `"ec-p384"` or `"rsa-<bits>"`.
    #[getter]
    fn key_algorithm(&self) -> String {
        common::signing::key_algorithm_name(&self.identity)
    }

    /// DER certificates, signer first.
    #[getter]
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.identity.certificate_chain().to_vec()
    }

    /// The signer certificate's subject (RFC 4514), or None.
    #[getter]
    fn subject(&self) -> Option<String> {
        self.identity
            .certificate_chain()
            .first()
            .and_then(|c| common::signing::certificate_subject(c))
    }

    fn __repr__(&self) -> String {
        format!(
            "Identity(key_algorithm={:?}, subject={})",
            self.key_algorithm(),
            opt(&self.subject())
        )
    }
}

/// A prepared signer: sign many profiles with one identity. Safe to share between threads;
/// signing releases the GIL.
#[pyclass(frozen, module = "enrollkit")]
pub struct Signer {
    signer: common::CmsSigner,
}

#[pymethods]
impl Signer {
    /// `digest` is `"sha256"` (default), `"sha384"` or `"sha512"`; `deterministic=True` gives
    /// byte-identical output for the same content and signing time.
    #[new]
    #[pyo3(signature = (identity, *, digest="sha256", deterministic=false))]
    fn new(identity: &Identity, digest: &str, deterministic: bool) -> Result<Self, PyBindingError> {
        let signer = check(common::signing::prepare_signer(
            identity.identity.clone(),
            digest,
            deterministic,
        ))?;
        Ok(Signer { signer })
    }

    /// Signs `content` as attached CMS SignedData (DER). `signing_time`: seconds since the
    /// epoch or a `datetime`; None means now.
    #[pyo3(signature = (content, signing_time=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        content: &[u8],
        signing_time: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let t = unix_time(signing_time)?;
        let der = py.detach(|| check(common::signing::sign(&self.signer, content, t)))?;
        Ok(PyBytes::new(py, &der))
    }
}

/// Signs `content` with `identity` in one call (see `Signer` to sign many).
#[pyfunction]
#[pyo3(signature = (content, identity, *, digest="sha256", deterministic=false, signing_time=None))]
pub fn sign<'py>(
    py: Python<'py>,
    content: &[u8],
    identity: &Identity,
    digest: &str,
    deterministic: bool,
    signing_time: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    Signer::new(identity, digest, deterministic)?.sign(py, content, signing_time)
}

/// The result of verifying a signed profile.
#[pyclass(frozen, module = "enrollkit")]
pub struct Verification {
    result: common::signing::VerifyResult,
}

#[pymethods]
impl Verification {
    /// `"Verified"`, `"NotVerified"`, `"Invalid"` or `"Unsigned"`.
    #[getter]
    fn verdict(&self) -> &'static str {
        match self.result.verdict {
            VerdictKind::Verified => "Verified",
            VerdictKind::NotVerified => "NotVerified",
            VerdictKind::Invalid => "Invalid",
            VerdictKind::Unsigned => "Unsigned",
        }
    }

    /// True when the verdict is `Verified`.
    #[getter]
    fn verified(&self) -> bool {
        self.result.verdict == VerdictKind::Verified
    }

    /// Stable reason code when not verified (e.g. `CMS114`), else None.
    #[getter]
    fn reason_code(&self) -> Option<String> {
        self.result.reason_code.clone()
    }

    /// Readable reason when not verified, else None.
    #[getter]
    fn reason_message(&self) -> Option<String> {
        self.result.reason_message.clone()
    }

    /// The signed content (trust it only when `verified`), or None.
    #[getter]
    fn content<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.result.content.as_deref().map(|c| PyBytes::new(py, c))
    }

    /// DER certificates: the signer first, then the chain.
    #[getter]
    fn signer_chain(&self) -> Vec<Vec<u8>> {
        self.result.signer_chain.clone()
    }

    fn __repr__(&self) -> String {
        match &self.result.reason_code {
            Some(code) => format!("Verification({}, reason_code={code:?})", self.verdict()),
            None => format!("Verification({})", self.verdict()),
        }
    }
}

/// Trust anchors parsed once, for verifying many signed profiles. Safe to share between
/// threads; verifying releases the GIL.
#[pyclass(frozen, module = "enrollkit")]
pub struct TrustStore {
    verifier: common::Verifier,
}

#[pymethods]
impl TrustStore {
    /// From PEM or DER certificates. An empty store trusts nothing: signed input is then at
    /// best `NotVerified`.
    #[new]
    #[pyo3(signature = (anchors=Vec::new()))]
    fn new(anchors: Vec<Vec<u8>>) -> Result<Self, PyBindingError> {
        let mut ders = Vec::new();
        for a in &anchors {
            ders.extend(check(common::signing::parse_certificates(a))?);
        }
        Ok(TrustStore {
            verifier: check(common::signing::verifier(ders))?,
        })
    }

    /// Verifies a signed profile at `time` (seconds since the epoch or a `datetime`; None means
    /// now). Malformed input is an `Invalid` verdict, not an exception.
    #[pyo3(signature = (data, time=None))]
    fn verify(
        &self,
        py: Python<'_>,
        data: &[u8],
        time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verification> {
        let t = unix_time(time)?;
        let result = py.detach(|| check(common::signing::verify(&self.verifier, data, t)))?;
        Ok(Verification { result })
    }
}

/// Verifies `data` against `anchors` (PEM or DER certificates) in one call.
#[pyfunction]
#[pyo3(signature = (data, anchors=Vec::new(), time=None))]
pub fn verify(
    py: Python<'_>,
    data: &[u8],
    anchors: Vec<Vec<u8>>,
    time: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verification> {
    TrustStore::new(anchors)?.verify(py, data, time)
}

/// Encrypts `content` to an RSA recipient certificate (PEM or DER) as CMS EnvelopedData (DER).
/// `algorithm` is `"aes256-cbc"` (default) or `"des-ede3-cbc"`.
#[pyfunction]
#[pyo3(signature = (content, recipient_certificate, algorithm="aes256-cbc"))]
pub fn encrypt<'py>(
    py: Python<'py>,
    content: &[u8],
    recipient_certificate: &[u8],
    algorithm: &str,
) -> Result<Bound<'py, PyBytes>, PyBindingError> {
    let out = py.detach(|| {
        check(common::signing::encrypt(
            content,
            recipient_certificate,
            algorithm,
        ))
    })?;
    Ok(PyBytes::new(py, &out))
}

/// Decrypts CMS EnvelopedData with the recipient's private key (PEM or DER).
#[pyfunction]
pub fn decrypt<'py>(
    py: Python<'py>,
    data: &[u8],
    private_key: &[u8],
) -> Result<Bound<'py, PyBytes>, PyBindingError> {
    let out = py.detach(|| check(common::signing::decrypt(data, private_key)))?;
    Ok(PyBytes::new(py, &out))
}

/// Splits PEM (one or more CERTIFICATE blocks) or a DER certificate into DER certificates.
#[pyfunction]
pub fn parse_certificates(data: &[u8]) -> Result<Vec<Vec<u8>>, PyBindingError> {
    check(common::signing::parse_certificates(data))
}
