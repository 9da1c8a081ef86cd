//! Errors the device reports, and their diagnosis.

use super::*;

/// An error the device reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceError {
    /// "The new MDM payload does not match the old payload."
    PayloadMismatch,
    /// "A connection to the server could not be established." With what is known about the cause.
    ConnectionFailed {
        /// The device's clock when it failed, if reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device_clock: Option<Timestamp>,
        /// Whether APNs was reachable from the device's network, if probed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        apns_reachable: Option<bool>,
    },
    /// Any other message.
    Other {
        /// The device's message.
        message: String,
    },
}

impl DeviceError {
    /// Classifies a device message: the known texts become their variants, anything else is
    /// [`DeviceError::Other`].
    pub fn from_message(message: &str) -> DeviceError {
        let lower = message.to_lowercase();
        if lower.contains("does not match the old payload") {
            DeviceError::PayloadMismatch
        } else if lower.contains("connection to the server could not be established") {
            DeviceError::ConnectionFailed {
                device_clock: None,
                apns_reachable: None,
            }
        } else {
            DeviceError::Other {
                message: message.to_owned(),
            }
        }
    }

    /// The diagnosis: which code applies, given the host time `at`.
    pub fn diagnose(&self, at: Timestamp) -> Diagnostic {
        let path = "device_error";
        match self {
            DeviceError::PayloadMismatch => codes::PAYLOAD_MISMATCH.diagnostic(path),
            DeviceError::ConnectionFailed {
                device_clock,
                apns_reachable,
            } => {
                let skew = device_clock.map(|dc| dc.seconds_since(at).abs());
                match (skew, apns_reachable) {
                    (Some(skew), _) if skew > MAX_DEVICE_CLOCK_SKEW_SECONDS => codes::DEVICE_CLOCK_WRONG.at(
                        path,
                        format!(
                            "A connection to the server could not be established: the device clock is {skew} s off, so TLS validation fails."
                        ),
                    ),
                    (_, Some(false)) => codes::APNS_BLOCKED.diagnostic(path),
                    _ => codes::CONNECTION_FAILED.diagnostic(path),
                }
            }
            DeviceError::Other { message } => match DeviceError::from_message(message) {
                DeviceError::Other { .. } => {
                    codes::DEVICE_ERROR.at(path, format!("The device reported: {message}"))
                }
                known => known.diagnose(at),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_errors_are_diagnosed() {
        let at = Timestamp::from_unix(1_000_000).unwrap();
        let code = |e: DeviceError| e.diagnose(at).code;
        assert_eq!(
            code(DeviceError::from_message(
                "Profile Installation Failed. The new MDM payload does not match the old payload."
            )),
            "FLOW111"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: Some(at.plus_seconds(-86_400)),
                apns_reachable: Some(true)
            }),
            "FLOW113"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: Some(at.plus_seconds(30)),
                apns_reachable: Some(false)
            }),
            "FLOW112"
        );
        assert_eq!(
            code(DeviceError::ConnectionFailed {
                device_clock: None,
                apns_reachable: None
            }),
            "FLOW114"
        );
        assert_eq!(
            code(DeviceError::Other {
                message: "A connection to the server could not be established.".into()
            }),
            "FLOW114"
        );
        assert_eq!(
            code(DeviceError::Other {
                message: "boom".into()
            }),
            "FLOW116"
        );
    }
}
