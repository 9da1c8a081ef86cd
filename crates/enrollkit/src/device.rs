//! What devices send: a check-in read into its typed fields, and its `Mdm-Signature` checked.

use std::time::SystemTime;

use enrollkit_cms::{TrustAnchors, Verifier};
use enrollkit_protocol::checkin::{CheckIn, CheckinLimits, parse_checkin};
use enrollkit_protocol::signature::{DeviceSigner, verify_mdm_signature};

use crate::Error;

/// Reads a check-in body (the default size limits apply).
///
/// ```
/// let body = br#"<plist version="1.0"><dict>
///   <key>MessageType</key><string>CheckOut</string>
///   <key>Topic</key><string>com.apple.mgmt.External.1</string>
///   <key>UDID</key><string>00008030-001A2B3C4D5E6F70</string>
/// </dict></plist>"#;
/// let checkin = enrollkit::device::read_checkin(body)?;
/// assert_eq!(checkin.to_json()["message_type"], "CheckOut");
/// # Ok::<(), enrollkit::Error>(())
/// ```
pub fn read_checkin(body: &[u8]) -> Result<CheckIn, Error> {
    Ok(parse_checkin(body, &CheckinLimits::default())?)
}

/// Verifies an `Mdm-Signature` header value over `body` against `anchors` (the
/// device-identity CA), judging validity at `at`; returns who signed.
pub fn verify_checkin_signature(
    body: &[u8],
    signature_header: &[u8],
    anchors: TrustAnchors,
    at: SystemTime,
) -> Result<DeviceSigner, Error> {
    Ok(verify_mdm_signature(
        signature_header,
        body,
        &Verifier::new(anchors),
        at,
    )?)
}
