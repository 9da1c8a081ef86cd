//! Check-ins and command responses: what makes a device message this enrollment's, and the
//! messages that move the flow (Authenticate installs, TokenUpdate enrolls, CheckOut ends).

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::web::{CheckInMessage, WebEvent};
use http::StatusCode;

use super::request;
use super::state::CheckinRecord;
use super::{Delegated, Effect, Engine, Enrollment, Handled, Reply};
use crate::build::{ProfileFor, system_time};
use crate::checkin::{CommandKind, DeviceId, Message, parse_checkin, parse_command_response};
use crate::error::ProtocolError;
use crate::http_util::response;
use crate::signature::verify_mdm_signature;

/// Content type of check-in messages.
pub const CHECKIN_CONTENT_TYPE: &str = "application/x-apple-aspen-mdm-checkin";
/// Content type of command responses.
pub const CONNECT_CONTENT_TYPE: &str = "application/x-apple-aspen-mdm";

impl Engine {
    /// The checks every device message passes before it is read as this enrollment's: an
    /// enrollment that served a profile, the `Mdm-Signature` over the exact body when the
    /// profile asked for one (chaining to the device-identity CA, naming no other
    /// enrollment), and the bearer token of account-driven enrollment.
    fn authenticate_device<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
    ) -> Result<(Enrollment, Option<String>), Box<Handled>> {
        let unknown = || {
            Handled::refuse(
                ProtocolError::new(
                    codes::UNKNOWN_ENROLLMENT,
                    "no enrollment served a profile with this check-in URL",
                )
                .with_apple_error("com.apple.unrecognized.device", None),
            )
        };
        let Some(enrollment) = enrollment else {
            return Err(Box::new(unknown()));
        };
        let Some(served) = &enrollment.served else {
            return Err(Box::new(unknown()));
        };
        let signer = match request.headers().get("mdm-signature") {
            Some(header) => {
                let signer = verify_mdm_signature(
                    header.as_bytes(),
                    request.body().as_ref(),
                    &self.device_identity,
                    system_time(now),
                )
                .map_err(|e| Box::new(Handled::refuse(e)))?;
                if let Some(named) = named_enrollment(&signer.common_names())
                    && named != enrollment.id
                {
                    return Err(Box::new(Handled::refuse(ProtocolError::new(
                        codes::DEVICE_MISMATCH,
                        format!(
                            "the signing identity was issued for enrollment {named}, not this one"
                        ),
                    ))));
                }
                Some(signer.fingerprint)
            }
            None if served.sign_message => {
                return Err(Box::new(Handled::refuse(ProtocolError::new(
                    codes::SIGNATURE_MISSING,
                    "the profile sets SignMessage, and the request has no Mdm-Signature",
                ))));
            }
            None => None,
        };
        if let Some(record) = &enrollment.access_token {
            match request::bearer(request) {
                Ok(Some(token)) if record.digest.matches(&token) => {}
                Ok(Some(_)) => {
                    return Err(Box::new(
                        self.token_refused("not the access token of this enrollment"),
                    ));
                }
                Ok(None) => {
                    return Err(Box::new(self.token_refused(
                        "account-driven enrollment sends its access token with every MDM request",
                    )));
                }
                Err(e) => return Err(Box::new(Handled::refuse(e))),
            }
        }
        Ok((enrollment, signer))
    }

    /// The device identifier the served profile's enrollment names devices by, and the
    /// device recorded so far; a check-in naming another is refused.
    fn check_device(
        &self,
        enrollment: &Enrollment,
        device: &DeviceId,
    ) -> Result<(), ProtocolError> {
        let user_enrollment = matches!(
            enrollment.served.as_ref().map(|s| &s.profile_for),
            Some(ProfileFor::ProfileDrivenUser { .. })
                | Some(ProfileFor::AccountDriven {
                    device_enrollment: false,
                    ..
                })
        );
        if device.is_user_enrollment() != user_enrollment {
            return Err(ProtocolError::new(
                codes::DEVICE_ID_MISMATCH,
                if user_enrollment {
                    "this is a User Enrollment: the device is named by EnrollmentID, not UDID"
                } else {
                    "this is a device enrollment: the device is named by UDID, not EnrollmentID"
                },
            ));
        }
        let known = match (&enrollment.checkin, &enrollment.device.udid) {
            (Some(record), _) => Some(record.device.clone()),
            (None, Some(udid)) => Some(DeviceId::Udid(udid.clone())),
            (None, None) => None,
        };
        match known {
            Some(k) if &k != device => Err(ProtocolError::new(
                codes::DEVICE_MISMATCH,
                format!(
                    "this enrollment belongs to {}, not {}",
                    k.as_str(),
                    device.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// `PUT {mdm}/checkin/{id}`.
    pub(crate) fn checkin<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
    ) -> Result<Handled, ProtocolError> {
        request::require_content_type(request, &[CHECKIN_CONTENT_TYPE, "application/xml"])?;
        let (mut enrollment, signer) = match self.authenticate_device(request, enrollment, now) {
            Ok(ok) => ok,
            Err(refused) => return Ok(*refused),
        };
        let checkin = parse_checkin(request.body().as_ref(), &self.settings.limits)?;
        self.check_device(&enrollment, &checkin.device)?;
        let topic = match &checkin.message {
            Message::Authenticate(m) => Some(&m.topic),
            Message::TokenUpdate(m) => Some(&m.topic),
            Message::CheckOut(m) => Some(&m.topic),
            _ => None,
        };
        if let Some(topic) = topic
            && Some(topic.as_str()) != enrollment.served.as_ref().map(|s| s.topic.as_str())
        {
            return Err(ProtocolError::new(
                codes::TOPIC_MISMATCH,
                format!("Topic {topic} is not the Topic of this enrollment's profile"),
            ));
        }
        let ok = || response(StatusCode::OK, "application/xml", Vec::new());
        match &checkin.message {
            Message::Authenticate(_) => {
                if enrollment
                    .checkin
                    .as_ref()
                    .is_some_and(|c| c.token_update_at.is_some() && c.checked_out_at.is_none())
                {
                    return Err(ProtocolError::new(
                        codes::WRONG_STATE,
                        "the device is enrolled already; a new enrollment needs a new profile",
                    ));
                }
                let stepped = self.step(
                    &enrollment,
                    WebEvent::CheckIn {
                        message: CheckInMessage::Authenticate,
                    },
                    now,
                )?;
                if matches!(stepped.flow.state, enrollkit_flow::web::WebState::Failed(_)) {
                    // Too late: store the failure, and tell the device no.
                    let code = stepped.diagnostics.first().map(|d| d.code);
                    enrollment.flow = stepped.flow;
                    let error = ProtocolError::new(
                        codes::WRONG_STATE,
                        format!(
                            "{}: the profile's install window had closed",
                            code.map_or("FLOW107", |c| c.as_str())
                        ),
                    );
                    let mut handled = Handled::refuse(error);
                    handled.enrollment = Some(enrollment);
                    handled.diagnostics.extend(stepped.diagnostics);
                    return Ok(handled);
                }
                enrollment.flow = stepped.flow;
                enrollment.checkin = Some(CheckinRecord {
                    device: checkin.device.clone(),
                    authenticated_at: now,
                    token_update_at: None,
                    checked_out_at: None,
                    signer,
                });
                Ok(Handled::respond(ok(), Some(enrollment)).with_diagnostics(stepped.diagnostics))
            }
            Message::TokenUpdate(m) => {
                let Some(record) = enrollment.checkin.as_ref() else {
                    return Err(ProtocolError::new(
                        codes::WRONG_STATE,
                        "TokenUpdate before Authenticate",
                    ));
                };
                if record.checked_out_at.is_some() {
                    return Err(ProtocolError::new(
                        codes::WRONG_STATE,
                        "the device checked out of this enrollment",
                    ));
                }
                let first = record.token_update_at.is_none();
                let mut effects = Vec::new();
                let mut diagnostics = Vec::new();
                if first {
                    let stepped = self.step(
                        &enrollment,
                        WebEvent::CheckIn {
                            message: CheckInMessage::TokenUpdate,
                        },
                        now,
                    )?;
                    enrollment.flow = stepped.flow;
                    diagnostics = stepped.diagnostics;
                    effects.push(Effect::RecordEnrollment {
                        enrollment: enrollment.id.clone(),
                        device: checkin.device.clone(),
                        user: enrollment.user.as_ref().map(|u| u.key.clone()),
                    });
                }
                // The user channel's TokenUpdate carries the user's token; the device's pushes
                // are what enrollment needs.
                if checkin.channel == crate::checkin::Channel::Device {
                    effects.push(Effect::StorePushToken {
                        enrollment: enrollment.id.clone(),
                        device: checkin.device.clone(),
                        topic: m.topic.clone(),
                        token: m.token.clone(),
                        push_magic: m.push_magic.clone(),
                    });
                }
                if let Some(record) = enrollment.checkin.as_mut() {
                    record.token_update_at = Some(now);
                }
                Ok(Handled::respond(ok(), Some(enrollment))
                    .with_effects(effects)
                    .with_diagnostics(diagnostics))
            }
            Message::CheckOut(_) => {
                if let Some(record) = enrollment.checkin.as_mut() {
                    record.checked_out_at = Some(now);
                }
                let effect = Effect::RecordCheckOut {
                    enrollment: enrollment.id.clone(),
                    device: checkin.device.clone(),
                };
                Ok(Handled::respond(ok(), Some(enrollment)).with_effects([effect]))
            }
            Message::UserAuthenticate(m) if m.digest_response.is_none() => {
                // A zero-length DigestChallenge: the user channel needs no AuthToken.
                let mut d = enrollkit_profile::plist::Dictionary::new();
                d.insert("DigestChallenge".into(), "".into());
                let body = crate::checkin::to_xml(&d);
                Ok(Handled::respond(
                    response(StatusCode::OK, "application/xml", body),
                    None,
                ))
            }
            _ => Ok(Handled {
                reply: Reply::Delegate(Delegated::CheckIn {
                    enrollment: enrollment.id.clone(),
                    message: Box::new(checkin),
                }),
                enrollment: None,
                effects: Vec::new(),
                diagnostics: Vec::new(),
                refused: None,
            }),
        }
    }

    /// `PUT {mdm}/connect/{id}`: a command response, verified and handed to the server.
    pub(crate) fn connect<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
    ) -> Result<Handled, ProtocolError> {
        request::require_content_type(request, &[CONNECT_CONTENT_TYPE, "application/xml"])?;
        let (enrollment, _) = match self.authenticate_device(request, enrollment, now) {
            Ok(ok) => ok,
            Err(refused) => return Ok(*refused),
        };
        if enrollment.checkin.is_none() {
            return Err(ProtocolError::new(
                codes::WRONG_STATE,
                "a command response before Authenticate",
            ));
        }
        let body = request.body().as_ref();
        let parsed = parse_command_response(body, CommandKind::Other, &self.settings.limits)?;
        self.check_device(&enrollment, &parsed.device)?;
        Ok(Handled {
            reply: Reply::Delegate(Delegated::CommandResponse {
                enrollment: enrollment.id,
                response: Box::new(parsed),
                body: body.to_vec(),
            }),
            enrollment: None,
            effects: Vec::new(),
            diagnostics: Vec::new(),
            refused: None,
        })
    }
}

/// The enrollment a device identity names in its subject (`CN=enrollment <id>`, as the
/// profile's SCEP or ACME subject asks), when it names one.
fn named_enrollment(common_names: &[String]) -> Option<String> {
    common_names
        .iter()
        .find_map(|cn| cn.strip_prefix("enrollment "))
        .map(|id| id.trim().to_owned())
}
