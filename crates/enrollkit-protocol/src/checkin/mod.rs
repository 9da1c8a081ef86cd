//! What a device PUTs to the check-in and server URLs: check-in messages and command responses.
//!
//! The message types are generated from Apple's schema (`mdm/checkin`, see
//! `tools/gen_checkin.py`); this module reads a body into them, names the device and the
//! channel, and applies the size limits. Keys the schema does not name are kept in each
//! message's `extra`, so a message read and written again loses nothing.
//!
//! ```
//! use enrollkit_protocol::checkin::{parse_checkin, Channel, DeviceId, Message, CheckinLimits};
//!
//! let body = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <plist version="1.0"><dict>
//!   <key>MessageType</key><string>Authenticate</string>
//!   <key>Topic</key><string>com.apple.mgmt.External.4f1c</string>
//!   <key>EnrollmentID</key><string>8B2E6C1A-3D4F-4A5B-9C8D-7E6F5A4B3C2D</string>
//!   <key>BuildVersion</key><string>22E240</string>
//! </dict></plist>"#;
//! let checkin = parse_checkin(body, &CheckinLimits::default()).unwrap();
//! assert_eq!(checkin.device, DeviceId::EnrollmentId("8B2E6C1A-3D4F-4A5B-9C8D-7E6F5A4B3C2D".into()));
//! assert_eq!(checkin.channel, Channel::Device);
//! let Message::Authenticate(auth) = &checkin.message else { unreachable!() };
//! assert_eq!(auth.topic, "com.apple.mgmt.External.4f1c");
//! ```

mod fields;
mod schema;

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_profile::{Limits, ReadOptions, read_value};
use plist::{Dictionary, Value};
use serde::{Deserialize, Serialize};

pub use fields::{FieldError, IdentityKeys, Record, ToValue};
pub use schema::*;

use crate::error::ProtocolError;

/// How large and deep a device message may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinLimits {
    /// Largest body, in bytes (default 1 MiB: a `SetBootstrapToken` or a `ProfileList` answer
    /// with many signed profiles is the largest a device sends).
    pub max_body_bytes: usize,
    /// Deepest nesting (default 16).
    pub max_depth: usize,
    /// Most plist values (default 100,000).
    pub max_values: usize,
}

impl Default for CheckinLimits {
    fn default() -> Self {
        CheckinLimits {
            max_body_bytes: 1024 * 1024,
            max_depth: 16,
            max_values: 100_000,
        }
    }
}

/// Which identifier names the device: it says which kind of enrollment the device is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum DeviceId {
    /// `UDID`: device enrollment (manual, web, ADE, ADDE).
    Udid(String),
    /// `EnrollmentID`: User Enrollment (profile-driven or account-driven BYOD).
    EnrollmentId(String),
}

impl DeviceId {
    /// The identifier.
    pub fn as_str(&self) -> &str {
        match self {
            DeviceId::Udid(s) | DeviceId::EnrollmentId(s) => s,
        }
    }

    /// True for User Enrollment's `EnrollmentID`.
    pub fn is_user_enrollment(&self) -> bool {
        matches!(self, DeviceId::EnrollmentId(_))
    }
}

/// The channel a message arrived on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "channel")]
pub enum Channel {
    /// The device channel.
    Device,
    /// A user channel (macOS users, Shared iPad users, or the User Enrollment user).
    User {
        /// `UserID` (device enrollment) or `EnrollmentUserID` (User Enrollment).
        user_id: String,
        /// `UserShortName`, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        short_name: Option<String>,
        /// `UserLongName`, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        long_name: Option<String>,
    },
}

/// A check-in message with its device and channel.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    /// The typed message.
    pub message: Message,
    /// The device.
    pub device: DeviceId,
    /// The channel.
    pub channel: Channel,
}

/// Reads a check-in body: an XML or binary plist dictionary with a `MessageType` from the
/// schema. The device must be named the way its enrollment names it (`UDID` or
/// `EnrollmentID`, not both), and a user channel by the matching user key.
pub fn parse_checkin(body: &[u8], limits: &CheckinLimits) -> Result<CheckIn, ProtocolError> {
    let mut dict = read_dictionary(body, limits)?;
    let message_type = match dict.remove("MessageType") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(ProtocolError::new(
                codes::UNKNOWN_MESSAGE_TYPE,
                format!(
                    "MessageType must be a string, not {}",
                    fields::type_name(&other)
                ),
            ));
        }
        None if dict.contains_key("Status") => {
            return Err(ProtocolError::new(
                codes::UNKNOWN_MESSAGE_TYPE,
                "the body is a command response (it has Status), not a check-in message",
            ));
        }
        None => {
            return Err(ProtocolError::new(
                codes::UNKNOWN_MESSAGE_TYPE,
                "the body has no MessageType",
            ));
        }
    };
    let message = match Message::from_parts(&message_type, dict) {
        None => {
            return Err(ProtocolError::new(
                codes::UNKNOWN_MESSAGE_TYPE,
                format!("MessageType {message_type:?} is not a check-in message of Apple's schema"),
            ));
        }
        Some(parsed) => parsed.map_err(field_error)?,
    };
    let (device, channel) = identify(message.identity(), message.message_type())?;
    if matches!(message, Message::UserAuthenticate(_)) && channel == Channel::Device {
        return Err(ProtocolError::new(
            codes::DEVICE_ID_MISMATCH,
            "UserAuthenticate is a user-channel message and needs UserID",
        ));
    }
    Ok(CheckIn {
        message,
        device,
        channel,
    })
}

/// Names the device and the channel from the identity keys.
fn identify(keys: IdentityKeys<'_>, what: &str) -> Result<(DeviceId, Channel), ProtocolError> {
    let mismatch = |m: String| ProtocolError::new(codes::DEVICE_ID_MISMATCH, m);
    let non_empty = |v: Option<&str>| v.filter(|s| !s.trim().is_empty()).map(str::to_owned);
    let device = match (non_empty(keys.udid), non_empty(keys.enrollment_id)) {
        (Some(_), Some(_)) => {
            return Err(mismatch(format!(
                "{what} carries both UDID and EnrollmentID; a device is in one enrollment"
            )));
        }
        (Some(udid), None) => DeviceId::Udid(udid),
        (None, Some(id)) => DeviceId::EnrollmentId(id),
        (None, None) => {
            return Err(mismatch(format!(
                "{what} names no device: UDID (device enrollment) or EnrollmentID (User Enrollment) is required"
            )));
        }
    };
    let user = match (
        &device,
        non_empty(keys.user_id),
        non_empty(keys.enrollment_user_id),
    ) {
        (_, Some(_), Some(_)) => {
            return Err(mismatch(format!(
                "{what} carries both UserID and EnrollmentUserID"
            )));
        }
        (DeviceId::Udid(_), None, Some(_)) => {
            return Err(mismatch(format!(
                "{what} has EnrollmentUserID under device enrollment (UDID); device enrollment names users by UserID"
            )));
        }
        (DeviceId::EnrollmentId(_), Some(_), None) => {
            return Err(mismatch(format!(
                "{what} has UserID under User Enrollment (EnrollmentID); User Enrollment names its user by EnrollmentUserID"
            )));
        }
        (_, Some(id), None) | (_, None, Some(id)) => Some(id),
        (_, None, None) => None,
    };
    let channel = match user {
        Some(user_id) => Channel::User {
            user_id,
            short_name: non_empty(keys.user_short_name),
            long_name: non_empty(keys.user_long_name),
        },
        None => Channel::Device,
    };
    Ok((device, channel))
}

/// The `Status` of a command response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommandStatus {
    /// The command succeeded.
    Acknowledged,
    /// The command failed; `ErrorChain` says why.
    Error,
    /// The command was not understood.
    CommandFormatError,
    /// The device has nothing to report and waits for a command.
    Idle,
    /// The device cannot run the command now and will ask again later.
    NotNow,
}

impl CommandStatus {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Acknowledged" => CommandStatus::Acknowledged,
            "Error" => CommandStatus::Error,
            "CommandFormatError" => CommandStatus::CommandFormatError,
            "Idle" => CommandStatus::Idle,
            "NotNow" => CommandStatus::NotNow,
            _ => return None,
        })
    }

    /// The plist spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandStatus::Acknowledged => "Acknowledged",
            CommandStatus::Error => "Error",
            CommandStatus::CommandFormatError => "CommandFormatError",
            CommandStatus::Idle => "Idle",
            CommandStatus::NotNow => "NotNow",
        }
    }
}

/// One entry of a command response's `ErrorChain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorChainItem {
    /// `ErrorCode`.
    pub code: i64,
    /// `ErrorDomain`, e.g. `MCProfileErrorDomain`.
    pub domain: String,
    /// `LocalizedDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_description: Option<String>,
    /// `USEnglishDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_english_description: Option<String>,
}

/// Which command a response answers: the response itself does not say, the server knows from
/// the `CommandUUID` it queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommandKind {
    /// `InstallProfile`.
    InstallProfile,
    /// `RemoveProfile`.
    RemoveProfile,
    /// `ProfileList`.
    ProfileList,
    /// Any other command: its result keys stay in `extra`.
    Other,
}

/// The typed result of a command response.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandResult {
    /// No result keys (`InstallProfile`, `RemoveProfile`, any `Error`/`NotNow`/`Idle`).
    None,
    /// The `ProfileList` array of an acknowledged `ProfileList` command.
    ProfileList(Vec<ProfileListItem>),
}

/// A command response: the envelope plus the typed result.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandResponse {
    /// The device.
    pub device: DeviceId,
    /// The channel.
    pub channel: Channel,
    /// `CommandUUID` (absent on `Idle`).
    pub command_uuid: Option<String>,
    /// `Status`.
    pub status: CommandStatus,
    /// `ErrorChain`, on `Error`.
    pub error_chain: Vec<ErrorChainItem>,
    /// The typed result.
    pub result: CommandResult,
    /// Keys not read, in input order.
    pub extra: Dictionary,
}

/// Reads a command response (what a device PUTs to the `ServerURL`) for a command of `kind`.
///
/// ```
/// use enrollkit_protocol::checkin::*;
/// let body = br#"<plist version="1.0"><dict>
///   <key>UDID</key><string>00008030-001A2B3C4D5E6F70</string>
///   <key>CommandUUID</key><string>0F2C5C6E-1C1B-4D0A-9B5E-3A0C2B9D8E7F</string>
///   <key>Status</key><string>Error</string>
///   <key>ErrorChain</key><array><dict>
///     <key>ErrorCode</key><integer>4001</integer>
///     <key>ErrorDomain</key><string>MCInstallationErrorDomain</string>
///     <key>USEnglishDescription</key><string>The profile is invalid.</string>
///   </dict></array>
/// </dict></plist>"#;
/// let r = parse_command_response(body, CommandKind::InstallProfile, &CheckinLimits::default()).unwrap();
/// assert_eq!(r.status, CommandStatus::Error);
/// assert_eq!(r.error_chain[0].code, 4001);
/// ```
pub fn parse_command_response(
    body: &[u8],
    kind: CommandKind,
    limits: &CheckinLimits,
) -> Result<CommandResponse, ProtocolError> {
    let dict = read_dictionary(body, limits)?;
    if dict.contains_key("MessageType") {
        return Err(ProtocolError::new(
            codes::MALFORMED_BODY,
            "the body is a check-in message (it has MessageType), not a command response",
        ));
    }
    let mut f = fields::Fields::new(dict, "CommandResponse");
    let keys = (
        f.opt_string("UDID"),
        f.opt_string("EnrollmentID"),
        f.opt_string("EnrollmentUserID"),
        f.opt_string("UserID"),
        f.opt_string("UserShortName"),
        f.opt_string("UserLongName"),
    );
    let (udid, enrollment_id, enrollment_user_id, user_id, short, long) = match keys {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(g)) => (a, b, c, d, e, g),
        (a, b, c, d, e, g) => {
            let err = [a.err(), b.err(), c.err(), d.err(), e.err(), g.err()]
                .into_iter()
                .flatten()
                .next();
            return Err(err.map_or_else(
                || ProtocolError::new(codes::INVALID_FIELD, "identity keys"),
                field_error,
            ));
        }
    };
    let (device, channel) = identify(
        IdentityKeys {
            udid: udid.as_deref(),
            enrollment_id: enrollment_id.as_deref(),
            enrollment_user_id: enrollment_user_id.as_deref(),
            user_id: user_id.as_deref(),
            user_short_name: short.as_deref(),
            user_long_name: long.as_deref(),
        },
        "the command response",
    )?;
    let status_text = f.req_string("Status").map_err(field_error)?;
    let status = CommandStatus::parse(&status_text).ok_or_else(|| {
        ProtocolError::new(
            codes::INVALID_FIELD,
            format!(
                "CommandResponse.Status {status_text:?} is not Acknowledged, Error, CommandFormatError, Idle or NotNow"
            ),
        )
    })?;
    let command_uuid = f.opt_string("CommandUUID").map_err(field_error)?;
    if command_uuid.is_none() && status != CommandStatus::Idle {
        return Err(ProtocolError::new(
            codes::INVALID_FIELD,
            "CommandResponse.CommandUUID is required unless Status is Idle",
        ));
    }
    let mut error_chain = Vec::new();
    for (i, item) in f
        .opt_array("ErrorChain")
        .map_err(field_error)?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Value::Dictionary(d) = item else {
            return Err(ProtocolError::new(
                codes::INVALID_FIELD,
                format!("CommandResponse.ErrorChain[{i}] must be a dictionary"),
            ));
        };
        let mut e = fields::Fields::new(d, "ErrorChain");
        error_chain.push(ErrorChainItem {
            code: e.req_integer("ErrorCode").map_err(field_error)?,
            domain: e.req_string("ErrorDomain").map_err(field_error)?,
            localized_description: e.opt_string("LocalizedDescription").map_err(field_error)?,
            us_english_description: e.opt_string("USEnglishDescription").map_err(field_error)?,
        });
    }
    let result = match (kind, status) {
        (CommandKind::ProfileList, CommandStatus::Acknowledged) => {
            let items = f.req_array("ProfileList").map_err(field_error)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let Value::Dictionary(d) = item else {
                    return Err(ProtocolError::new(
                        codes::INVALID_FIELD,
                        format!("CommandResponse.ProfileList[{i}] must be a dictionary"),
                    ));
                };
                out.push(ProfileListItem::read(d).map_err(field_error)?);
            }
            CommandResult::ProfileList(out)
        }
        _ => CommandResult::None,
    };
    Ok(CommandResponse {
        device,
        channel,
        command_uuid,
        status,
        error_chain,
        result,
        extra: f.rest(),
    })
}

/// Builds a command plist: `CommandUUID` plus `Command` with its `RequestType` and keys.
///
/// ```
/// use enrollkit_protocol::checkin::{command_plist, InstallProfileCommand, Record};
/// let cmd = InstallProfileCommand { payload: b"<plist/>".to_vec(), ..Default::default() };
/// let dict = command_plist("6F0E2D1C", "InstallProfile", cmd.write());
/// let inner = dict.get("Command").unwrap().as_dictionary().unwrap();
/// assert_eq!(inner.get("RequestType").unwrap().as_string(), Some("InstallProfile"));
/// ```
pub fn command_plist(command_uuid: &str, request_type: &str, keys: Dictionary) -> Dictionary {
    let mut command = Dictionary::new();
    command.insert("RequestType".into(), request_type.into());
    for (k, v) in keys {
        command.insert(k, v);
    }
    let mut d = Dictionary::new();
    d.insert("CommandUUID".into(), command_uuid.into());
    d.insert("Command".into(), Value::Dictionary(command));
    d
}

/// A plist value as JSON: data as base64, dates as RFC 3339 (Apple's JSON error bodies, the
/// CLI's `--json`).
pub fn plist_to_json(value: &Value) -> serde_json::Value {
    use base64::Engine as _;
    match value {
        Value::Dictionary(d) => serde_json::Value::Object(
            d.iter()
                .map(|(k, v)| (k.clone(), plist_to_json(v)))
                .collect(),
        ),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(plist_to_json).collect()),
        Value::Boolean(b) => serde_json::Value::Bool(*b),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Integer(i) => i
            .as_signed()
            .map_or(serde_json::Value::Null, serde_json::Value::from),
        Value::Real(r) => serde_json::Value::from(*r),
        Value::Data(d) => {
            serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(d))
        }
        Value::Date(d) => serde_json::Value::String(d.to_xml_format()),
        _ => serde_json::Value::Null,
    }
}

impl CheckIn {
    /// The message as JSON: its type, device, channel and every key (unknown ones included).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "message_type": self.message.message_type(),
            "device": self.device,
            "channel": self.channel,
            "fields": plist_to_json(&Value::Dictionary(self.message.to_dictionary())),
        })
    }
}

/// Writes a message or command as an XML plist.
pub fn to_xml(dict: &Dictionary) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing a plist made of plist values into a Vec cannot fail.
    let _ = plist::to_writer_xml(&mut out, &Value::Dictionary(dict.clone()));
    out
}

fn read_dictionary(body: &[u8], limits: &CheckinLimits) -> Result<Dictionary, ProtocolError> {
    if body.len() > limits.max_body_bytes {
        return Err(ProtocolError::new(
            codes::BODY_TOO_LARGE,
            format!(
                "the body is {} bytes; the limit is {}",
                body.len(),
                limits.max_body_bytes
            ),
        ));
    }
    let options = ReadOptions::with_limits(Limits {
        max_input_bytes: limits.max_body_bytes,
        max_depth: limits.max_depth,
        max_values: limits.max_values,
        max_decoded_bytes: limits.max_body_bytes.saturating_mul(4),
        max_expanded_bytes: limits.max_body_bytes.saturating_mul(8),
        ..Limits::default()
    });
    let loaded = read_value(body, &options)
        .map_err(|e| ProtocolError::new(codes::MALFORMED_BODY, e.to_string()))?;
    if loaded.signed.is_some() {
        return Err(ProtocolError::new(
            codes::MALFORMED_BODY,
            "the body is CMS-signed; check-ins are plain plists signed in the Mdm-Signature header",
        ));
    }
    match loaded.value {
        Value::Dictionary(d) => Ok(d),
        other => Err(ProtocolError::new(
            codes::MALFORMED_BODY,
            format!(
                "the body's root is {}, not a dictionary",
                fields::type_name(&other)
            ),
        )),
    }
}

/// Reads the plist a verified signed body carried (already bounded by the body limit).
pub(crate) fn parse_plain_dictionary(content: &[u8]) -> Result<Dictionary, ProtocolError> {
    read_dictionary(
        content,
        &CheckinLimits {
            max_body_bytes: crate::signature::MAX_SIGNED_BODY_BYTES,
            ..CheckinLimits::default()
        },
    )
}

pub(crate) fn field_error(e: FieldError) -> ProtocolError {
    ProtocolError::new(codes::INVALID_FIELD, e.to_string())
}
