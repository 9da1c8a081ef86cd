//! What devices sign: the `Mdm-Signature` header over a check-in body, and the CMS-signed
//! plists a device POSTs during enrollment (OTA device attributes, ADE `MachineInfo`, the
//! account-driven enrollment request).
//!
//! Each is verified against anchors the caller passes: the enrollment's device-identity CA
//! (the SCEP or ACME issuer) for `Mdm-Signature`, Apple's device CAs for the enrollment bodies
//! in production (tests use a test CA). The answer names the signer; the typed fields come
//! only from a body that verified.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use enrollkit_cms::{Verdict, Verifier};
use enrollkit_diagnostic::codes::protocol as codes;
use plist::{Dictionary, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checkin::{MachineInfo, Record, field_error};
use crate::error::ProtocolError;
use crate::secret::Secret;

/// Largest `Mdm-Signature` header value accepted (base64 text): a detached signature with a
/// certificate chain is a few kilobytes.
pub const MAX_SIGNATURE_HEADER_BYTES: usize = 64 * 1024;
/// Largest signed device body accepted (OTA attributes, MachineInfo, enrollment request).
pub const MAX_SIGNED_BODY_BYTES: usize = 256 * 1024;

/// The certificate a device signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSigner {
    /// SHA-256 of the DER certificate, lowercase hex: how the engine remembers a device identity.
    pub fingerprint: String,
    /// The DER certificate.
    #[serde(with = "crate::serde_b64")]
    pub certificate: Vec<u8>,
}

impl DeviceSigner {
    fn from_der(der: Vec<u8>) -> Self {
        DeviceSigner {
            fingerprint: fingerprint(&der),
            certificate: der,
        }
    }

    /// The RFC 4514 subject (formatted on demand: check-ins do not need it).
    pub fn subject(&self) -> String {
        enrollkit_cms::certificate_subject(&self.certificate)
            .unwrap_or_else(|| "<unparsable certificate>".into())
    }

    /// The subject's common names.
    pub fn common_names(&self) -> Vec<String> {
        enrollkit_cms::certificate_common_names(&self.certificate)
    }
}

/// Lowercase hex SHA-256 of a certificate.
pub fn fingerprint(der: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(der) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// Decodes a base64 header value (whitespace and line breaks allowed, as some clients fold it).
fn decode_header(name: &str, value: &[u8], limit: usize) -> Result<Vec<u8>, ProtocolError> {
    if value.len() > limit {
        return Err(ProtocolError::new(
            codes::BODY_TOO_LARGE,
            format!(
                "the {name} header is {} bytes; the limit is {limit}",
                value.len()
            ),
        ));
    }
    let decoded = if value.iter().any(u8::is_ascii_whitespace) {
        let compact: Vec<u8> = value
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        BASE64.decode(&compact)
    } else {
        BASE64.decode(value)
    };
    decoded.map_err(|e| {
        ProtocolError::new(
            codes::SIGNATURE_INVALID,
            format!("the {name} header is not base64: {e}"),
        )
    })
}

fn judge(verdict: Verdict, what: &str) -> Result<(), ProtocolError> {
    match verdict {
        Verdict::Verified => Ok(()),
        Verdict::NotVerified { reason } => Err(ProtocolError::new(
            codes::SIGNER_UNTRUSTED,
            format!("{what}: {} ({})", reason.message, reason.code),
        )),
        Verdict::Invalid { reason } => Err(ProtocolError::new(
            codes::SIGNATURE_INVALID,
            format!("{what}: {} ({})", reason.message, reason.code),
        )),
        Verdict::Unsigned => Err(ProtocolError::new(
            codes::SIGNATURE_INVALID,
            format!("{what}: not signed"),
        )),
    }
}

/// Verifies an `Mdm-Signature` header value (base64 of a detached CMS signature) over the
/// exact body bytes, against the device-identity CA in `verifier`, at `now`.
///
/// ```
/// # use std::time::SystemTime;
/// # use enrollkit_cms::{TrustAnchors, Verifier};
/// # use enrollkit_protocol::signature::verify_mdm_signature;
/// let verifier = Verifier::new(TrustAnchors::new(vec![]).unwrap());
/// let err = verify_mdm_signature(b"not base64!", b"<plist/>", &verifier, SystemTime::now()).unwrap_err();
/// assert_eq!(enrollkit_diagnostic::Coded::code(&err), "PROT007");
/// ```
pub fn verify_mdm_signature(
    header: &[u8],
    body: &[u8],
    verifier: &Verifier,
    now: SystemTime,
) -> Result<DeviceSigner, ProtocolError> {
    let der = decode_header("Mdm-Signature", header, MAX_SIGNATURE_HEADER_BYTES)?;
    let v = verifier.verify_detached(&der, body, now);
    judge(v.verdict, "Mdm-Signature")?;
    let signer = v.signer_chain.into_iter().next().ok_or_else(|| {
        ProtocolError::new(codes::SIGNATURE_INVALID, "Mdm-Signature names no signer")
    })?;
    Ok(DeviceSigner::from_der(signer))
}

/// A CMS-signed plist a device sent, verified: the signer and the dictionary it signed.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedBody {
    /// Who signed.
    pub signer: DeviceSigner,
    /// The signed dictionary.
    pub fields: Dictionary,
}

/// Verifies a CMS-signed plist body (attached content) against the device-attestation
/// anchors in `verifier`, and reads the dictionary it carries.
pub fn verify_signed_body(
    body: &[u8],
    verifier: &Verifier,
    now: SystemTime,
) -> Result<SignedBody, ProtocolError> {
    if body.len() > MAX_SIGNED_BODY_BYTES {
        return Err(ProtocolError::new(
            codes::BODY_TOO_LARGE,
            format!(
                "the signed body is {} bytes; the limit is {MAX_SIGNED_BODY_BYTES}",
                body.len()
            ),
        ));
    }
    let v = verifier.verify(body, now);
    judge(v.verdict, "signed device body")?;
    let content = v.content.unwrap_or_default();
    let fields = crate::checkin::parse_plain_dictionary(&content)?;
    let signer = v.signer_chain.into_iter().next().ok_or_else(|| {
        ProtocolError::new(codes::SIGNATURE_INVALID, "the signed body names no signer")
    })?;
    Ok(SignedBody {
        signer: DeviceSigner::from_der(signer),
        fields,
    })
}

/// Reads the `x-apple-aspen-deviceinfo` header of an ADE web-enrollment request: base64 of a
/// CMS-signed `MachineInfo` plist.
pub fn verify_aspen_deviceinfo(
    header: &[u8],
    verifier: &Verifier,
    now: SystemTime,
) -> Result<(DeviceSigner, MachineInfo), ProtocolError> {
    let der = decode_header("x-apple-aspen-deviceinfo", header, MAX_SIGNED_BODY_BYTES)?;
    verify_machine_info(&der, verifier, now)
}

/// Verifies a CMS-signed `MachineInfo` (the ADE enrollment request body) and types it.
pub fn verify_machine_info(
    body: &[u8],
    verifier: &Verifier,
    now: SystemTime,
) -> Result<(DeviceSigner, MachineInfo), ProtocolError> {
    let signed = verify_signed_body(body, verifier, now)?;
    let info = MachineInfo::read(signed.fields).map_err(field_error)?;
    Ok((signed.signer, info))
}

/// Takes an optional string key out of a signed body's dictionary.
fn take_string(d: &mut Dictionary, ty: &str, key: &str) -> Result<Option<String>, ProtocolError> {
    match d.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ProtocolError::new(
            codes::INVALID_FIELD,
            format!("{ty}.{key} must be a string"),
        )),
    }
}

/// The attributes a device sends to an OTA Profile Service URL: the ones the `Profile Service`
/// payload asked for, plus the `CHALLENGE` it carried.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OtaDeviceAttributes {
    /// `UDID`.
    pub udid: Option<String>,
    /// `SERIAL`.
    pub serial: Option<String>,
    /// `PRODUCT`, e.g. `iPhone16,1`.
    pub product: Option<String>,
    /// `VERSION`: the build, e.g. `21E236`.
    pub version: Option<String>,
    /// `IMEI`.
    pub imei: Option<String>,
    /// `MEID`.
    pub meid: Option<String>,
    /// `DEVICE_NAME`.
    pub device_name: Option<String>,
    /// `CHALLENGE`: the single-use challenge of the Profile Service payload.
    pub challenge: Option<Secret>,
    /// Every other key, in input order.
    pub extra: Dictionary,
}

impl OtaDeviceAttributes {
    /// Reads the attributes from a verified body.
    pub fn from_dictionary(mut d: Dictionary) -> Result<Self, ProtocolError> {
        let mut take = |key: &str| take_string(&mut d, "OtaDeviceAttributes", key);
        Ok(OtaDeviceAttributes {
            udid: take("UDID")?,
            serial: take("SERIAL")?,
            product: take("PRODUCT")?,
            version: take("VERSION")?,
            imei: take("IMEI")?,
            meid: take("MEID")?,
            device_name: take("DEVICE_NAME")?,
            challenge: take("CHALLENGE")?.map(Secret::new),
            extra: d,
        })
    }
}

/// The body of the account-driven enrollment request (`LANGUAGE`, `PRODUCT`, `VERSION`, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnrollmentRequest {
    /// `PRODUCT`, e.g. `iPhone16,1` or `Mac14,2`.
    pub product: Option<String>,
    /// `VERSION`: the OS build.
    pub version: Option<String>,
    /// `OS_VERSION`, e.g. `18.1` (sent by newer OS releases).
    pub os_version: Option<String>,
    /// `LANGUAGE`.
    pub language: Option<String>,
    /// Every other key, in input order.
    pub extra: Dictionary,
}

impl EnrollmentRequest {
    /// Reads the request from a verified body.
    pub fn from_dictionary(mut d: Dictionary) -> Result<Self, ProtocolError> {
        let mut take = |key: &str| take_string(&mut d, "EnrollmentRequest", key);
        Ok(EnrollmentRequest {
            product: take("PRODUCT")?,
            version: take("VERSION")?,
            os_version: take("OS_VERSION")?,
            language: take("LANGUAGE")?,
            extra: d,
        })
    }
}
