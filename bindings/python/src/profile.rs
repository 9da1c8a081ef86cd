//! Profiles: build, read, write, inspect.

use enrollkit_bindings_common as common;
use enrollkit_bindings_common::profile::{
    AcmeSpec, EnrollmentSpec, EnrollmentTypeSpec, IdentitySpec, ProfileFormat, ScepSpec,
    SubjectAttribute,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{PyBindingError, check, opt};

fn subject(pairs: Vec<(String, String)>) -> Vec<SubjectAttribute> {
    pairs
        .into_iter()
        .map(|(name, value)| SubjectAttribute { name, value })
        .collect()
}

/// SCEP device identity: the device generates a key and requests a certificate.
#[pyclass(frozen, module = "enrollkit")]
pub struct ScepIdentity {
    spec: ScepSpec,
}

#[pymethods]
impl ScepIdentity {
    #[new]
    #[pyo3(signature = (url, *, challenge=None, name=None, subject=Vec::new(), key_size=None))]
    fn new(
        url: String,
        challenge: Option<String>,
        name: Option<String>,
        subject: Vec<(String, String)>,
        key_size: Option<i64>,
    ) -> Self {
        ScepIdentity {
            spec: ScepSpec {
                url,
                name,
                challenge,
                subject: self::subject(subject),
                key_size,
            },
        }
    }

    fn __repr__(&self) -> String {
        // The challenge is a secret: never shown.
        format!("ScepIdentity(url={:?})", self.spec.url)
    }
}

/// ACME device identity (optionally hardware-bound and attested).
#[pyclass(frozen, module = "enrollkit")]
pub struct AcmeIdentity {
    spec: AcmeSpec,
}

#[pymethods]
impl AcmeIdentity {
    #[new]
    #[pyo3(signature = (directory_url, client_identifier, *, key_type="ECSECPrimeRandom".to_owned(), key_size=384, hardware_bound=true, subject=Vec::new(), attest=None))]
    fn new(
        directory_url: String,
        client_identifier: String,
        key_type: String,
        key_size: i64,
        hardware_bound: bool,
        subject: Vec<(String, String)>,
        attest: Option<bool>,
    ) -> Self {
        AcmeIdentity {
            spec: AcmeSpec {
                directory_url,
                client_identifier,
                key_size,
                key_type,
                hardware_bound,
                subject: self::subject(subject),
                attest,
            },
        }
    }

    fn __repr__(&self) -> String {
        format!("AcmeIdentity(directory_url={:?})", self.spec.directory_url)
    }
}

/// A PKCS#12 identity shipped inside the profile.
#[pyclass(frozen, module = "enrollkit")]
pub struct Pkcs12Identity {
    data: Vec<u8>,
    password: Option<String>,
}

#[pymethods]
impl Pkcs12Identity {
    #[new]
    #[pyo3(signature = (data, password=None))]
    fn new(data: Vec<u8>, password: Option<String>) -> Self {
        Pkcs12Identity { data, password }
    }

    fn __repr__(&self) -> String {
        format!("Pkcs12Identity(<{} bytes>)", self.data.len())
    }
}

fn identity_spec(identity: &Bound<'_, PyAny>) -> PyResult<IdentitySpec> {
    if let Ok(s) = identity.cast::<ScepIdentity>() {
        return Ok(IdentitySpec::Scep(s.get().spec.clone()));
    }
    if let Ok(a) = identity.cast::<AcmeIdentity>() {
        return Ok(IdentitySpec::Acme(a.get().spec.clone()));
    }
    if let Ok(p) = identity.cast::<Pkcs12Identity>() {
        let p = p.get();
        return Ok(IdentitySpec::Pkcs12 {
            data: p.data.clone(),
            password: p.password.clone(),
        });
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "identity must be a ScepIdentity, AcmeIdentity or Pkcs12Identity",
    ))
}

/// Summary of one payload.
#[pyclass(frozen, get_all, module = "enrollkit")]
#[derive(Clone)]
pub struct PayloadInfo {
    /// `PayloadType`.
    payload_type: Option<String>,
    /// `PayloadIdentifier`.
    identifier: Option<String>,
    /// `PayloadUUID`.
    uuid: Option<String>,
    /// `PayloadDisplayName`.
    display_name: Option<String>,
    /// True for SCEP, ACME and PKCS#12 payloads.
    is_identity: bool,
}

#[pymethods]
impl PayloadInfo {
    fn __repr__(&self) -> String {
        format!(
            "PayloadInfo(payload_type={}, identifier={})",
            opt(&self.payload_type),
            opt(&self.identifier)
        )
    }
}

/// The MDM payload's key settings.
#[pyclass(frozen, get_all, module = "enrollkit")]
#[derive(Clone)]
pub struct MdmInfo {
    server_url: Option<String>,
    check_in_url: Option<String>,
    topic: Option<String>,
    identity_certificate_uuid: Option<String>,
    access_rights: Option<u32>,
    enrollment_mode: Option<String>,
    managed_apple_id: Option<String>,
    assigned_managed_apple_id: Option<String>,
}

#[pymethods]
impl MdmInfo {
    fn __repr__(&self) -> String {
        format!(
            "MdmInfo(server_url={}, topic={})",
            opt(&self.server_url),
            opt(&self.topic)
        )
    }
}

/// A configuration profile (`.mobileconfig`): read from bytes or built, written as XML or
/// binary. Immutable and safe to share between threads.
#[pyclass(frozen, module = "enrollkit")]
pub struct Profile {
    pub(crate) profile: common::Profile,
    info: common::profile::ProfileInfo,
    format: ProfileFormat,
    signed_container: Option<Vec<u8>>,
}

impl Profile {
    pub(crate) fn wrap(
        profile: common::Profile,
        format: ProfileFormat,
        signed_container: Option<Vec<u8>>,
    ) -> Self {
        let info = common::profile::inspect(&profile);
        Profile {
            profile,
            info,
            format,
            signed_container,
        }
    }
}

#[pymethods]
impl Profile {
    /// Reads an XML, binary or CMS-signed profile. The signature is unwrapped, not verified:
    /// use `verify()` / `TrustStore.verify()` for a verdict.
    #[staticmethod]
    fn read(py: Python<'_>, data: &[u8]) -> Result<Profile, PyBindingError> {
        let loaded = py.detach(|| check(common::profile::read_profile(data)))?;
        Ok(Profile::wrap(
            loaded.profile,
            loaded.format,
            loaded.signed_container,
        ))
    }

    /// Apple-layout XML property list bytes.
    fn to_xml<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyBytes>, PyBindingError> {
        let xml = py.detach(|| check(common::profile::to_xml(&self.profile)))?;
        Ok(PyBytes::new(py, &xml))
    }

    /// Binary property list bytes (`bplist00`).
    fn to_binary<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyBytes>, PyBindingError> {
        let bin = py.detach(|| check(common::profile::to_binary(&self.profile)))?;
        Ok(PyBytes::new(py, &bin))
    }

    /// `PayloadIdentifier`.
    #[getter]
    fn identifier(&self) -> Option<String> {
        self.info.identifier.clone()
    }

    /// `PayloadUUID`.
    #[getter]
    fn uuid(&self) -> Option<String> {
        self.info.uuid.clone()
    }

    /// `PayloadDisplayName`.
    #[getter]
    fn display_name(&self) -> Option<String> {
        self.info.display_name.clone()
    }

    /// `PayloadOrganization`.
    #[getter]
    fn organization(&self) -> Option<String> {
        self.info.organization.clone()
    }

    /// `PayloadType` (`Configuration`).
    #[getter]
    fn payload_type(&self) -> Option<String> {
        self.info.payload_type.clone()
    }

    /// True when the payloads are encrypted.
    #[getter]
    fn is_encrypted(&self) -> bool {
        self.info.is_encrypted
    }

    /// The payloads in order.
    #[getter]
    fn payloads(&self) -> Vec<PayloadInfo> {
        self.info
            .payloads
            .iter()
            .map(|p| PayloadInfo {
                payload_type: p.payload_type.clone(),
                identifier: p.identifier.clone(),
                uuid: p.uuid.clone(),
                display_name: p.display_name.clone(),
                is_identity: p.is_identity,
            })
            .collect()
    }

    /// The first MDM payload's settings, or None.
    #[getter]
    fn mdm(&self) -> Option<MdmInfo> {
        self.info.mdm.as_ref().map(|m| MdmInfo {
            server_url: m.server_url.clone(),
            check_in_url: m.check_in_url.clone(),
            topic: m.topic.clone(),
            identity_certificate_uuid: m.identity_certificate_uuid.clone(),
            access_rights: m.access_rights,
            enrollment_mode: m.enrollment_mode.clone(),
            managed_apple_id: m.managed_apple_id.clone(),
            assigned_managed_apple_id: m.assigned_managed_apple_id.clone(),
        })
    }

    /// `"xml"` or `"binary"`: the encoding the profile was read from (`"xml"` when built).
    #[getter]
    fn format(&self) -> &'static str {
        match self.format {
            ProfileFormat::Xml => "xml",
            ProfileFormat::Binary => "binary",
        }
    }

    /// The CMS container the profile was read from, when it was signed; else None.
    #[getter]
    fn signed_container<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.signed_container
            .as_deref()
            .map(|c| PyBytes::new(py, c))
    }

    fn __repr__(&self) -> String {
        format!(
            "Profile(identifier={}, payloads={})",
            opt(&self.info.identifier),
            self.info.payloads.len()
        )
    }
}

/// Builds an enrollment profile (identity payload + MDM payload wired by UUID, deterministic
/// UUIDs). `enrollment` is `"device"` (default), `"user"` (profile-driven User Enrollment, needs
/// `managed_apple_id`) or `"account-driven"` (needs `enrollment_mode` `"BYOD"`/`"ADDE"` and
/// `managed_apple_id`).
#[pyfunction]
#[pyo3(signature = (identifier, *, server_url, topic, identity, organization=None, display_name=None, description=None, check_in_url=None, enrollment="device", managed_apple_id=None, enrollment_mode=None, access_rights=None, server_capabilities=Vec::new(), sign_message=None, check_out_when_removed=None, anchor_certificates=Vec::new(), pin_to_anchors=false))]
#[allow(clippy::too_many_arguments)]
pub fn build_enrollment_profile(
    identifier: String,
    server_url: String,
    topic: String,
    identity: &Bound<'_, PyAny>,
    organization: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    check_in_url: Option<String>,
    enrollment: &str,
    managed_apple_id: Option<String>,
    enrollment_mode: Option<String>,
    access_rights: Option<u32>,
    server_capabilities: Vec<String>,
    sign_message: Option<bool>,
    check_out_when_removed: Option<bool>,
    anchor_certificates: Vec<Vec<u8>>,
    pin_to_anchors: bool,
) -> PyResult<Profile> {
    let missing = |what: &str| {
        PyErr::from(PyBindingError(common::BindingError::invalid_argument(
            format!("enrollment {enrollment:?} needs {what}"),
            format!("Pass {what}=..."),
        )))
    };
    let enrollment = match enrollment {
        "device" => EnrollmentTypeSpec::Device,
        "user" => EnrollmentTypeSpec::ProfileDrivenUser {
            managed_apple_id: managed_apple_id.ok_or_else(|| missing("managed_apple_id"))?,
        },
        "account-driven" => EnrollmentTypeSpec::AccountDriven {
            mode: enrollment_mode.ok_or_else(|| missing("enrollment_mode"))?,
            assigned_managed_apple_id: managed_apple_id
                .ok_or_else(|| missing("managed_apple_id"))?,
        },
        other => {
            return Err(PyBindingError(common::BindingError::invalid_argument(
                format!("unknown enrollment {other:?}"),
                "Use \"device\", \"user\" or \"account-driven\"",
            ))
            .into());
        }
    };
    let spec = EnrollmentSpec {
        identifier,
        organization,
        display_name,
        description,
        server_url,
        check_in_url,
        topic,
        identity: identity_spec(identity)?,
        enrollment,
        access_rights,
        server_capabilities,
        sign_message,
        check_out_when_removed,
        anchor_certificates,
        pin_to_anchors,
    };
    let profile = check(common::profile::build_enrollment_profile(spec))?;
    Ok(Profile::wrap(profile, ProfileFormat::Xml, None))
}
