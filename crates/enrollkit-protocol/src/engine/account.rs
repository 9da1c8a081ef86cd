//! Account-driven User Enrollment and ADDE: `.well-known` discovery, the enrollment request
//! answered 401 with the `apple-as-web` challenge as its normal first step, the web
//! authentication that ends in the 308 to `apple-remotemanagement-user-login://`, and the
//! retry with the bearer token answered with the profile.

use enrollkit_diagnostic::codes::protocol as codes;
use enrollkit_flow::account_driven::{
    self, ModelFamily, RemoteManagementServer, SIGNED_REQUEST_CONTENT_TYPE, ServerVersion,
    UserIdentifier,
};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::web::{Entry, WebEvent, WebState};
use http::{HeaderValue, StatusCode, header};

use super::request;
use super::state::DeviceRecord;
use super::{Engine, Enrollment, Exchange, Handled};
use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::http_util::response;
use crate::secret::Secret;
use crate::signature::{EnrollmentRequest, verify_signed_body};

impl Engine {
    fn well_known_failed(&self, message: &str) -> ProtocolError {
        ProtocolError::new(codes::WELL_KNOWN_FAILED, message.to_owned())
            .with_apple_error("com.apple.well-known.failed", Some(message.to_owned()))
    }

    /// Whether this server enrolls users of `domain`.
    fn serves_domain(&self, domain: &str) -> bool {
        self.settings
            .account_driven
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// `GET /.well-known/com.apple.remotemanagement?user-identifier=…&model-family=…`.
    pub(crate) fn well_known<B>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Handled, ProtocolError> {
        let host = request
            .uri()
            .host()
            .map(str::to_owned)
            .or_else(|| {
                request::header_text(request, "host")
                    .map(|h| h.split(':').next().unwrap_or(h).to_owned())
            })
            .ok_or_else(|| ProtocolError::new(codes::BAD_REQUEST, "the request names no host"))?;
        let url = format!(
            "https://{host}{}",
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or_default()
        );
        let asked = account_driven::parse_well_known_request(&url)
            .map_err(|e| self.well_known_failed(&format!("{e}")))?;
        if !self.serves_domain(&asked.user_identifier.domain) {
            return Err(self.well_known_failed(&format!(
                "{} accounts do not enroll with this organisation",
                asked.user_identifier.domain
            )));
        }
        if matches!(
            asked.model_family,
            Some(ModelFamily::AppleTV | ModelFamily::Watch)
        ) {
            return Err(self.well_known_failed(
                "this device enrolls through Automated Device Enrollment, not by signing in",
            ));
        }
        let version = if self.settings.account_driven.device_enrollment {
            ServerVersion::MdmAdde
        } else {
            ServerVersion::MdmByod
        };
        let base = url::Url::parse(&self.url("/account/enroll"))
            .map_err(|e| ProtocolError::new(codes::CONFIGURATION, format!("base_url: {e}")))?;
        let body = account_driven::well_known_document(&[RemoteManagementServer {
            version,
            base_url: base,
        }])
        .map_err(|e| ProtocolError::new(codes::CONFIGURATION, e.to_string()))?;
        Ok(Handled::respond(
            response(StatusCode::OK, "application/json", body.into_bytes()),
            None,
        ))
    }

    /// The 401 that starts the sign-in: `WWW-Authenticate: Bearer method="apple-as-web", url=…`.
    fn challenge_response(&self) -> Result<http::Response<Vec<u8>>, ProtocolError> {
        let auth_url = url::Url::parse(&self.url("/account/auth"))
            .map_err(|e| ProtocolError::new(codes::CONFIGURATION, format!("base_url: {e}")))?;
        let value = account_driven::www_authenticate_challenge(&auth_url)
            .map_err(|e| ProtocolError::new(codes::CONFIGURATION, e.to_string()))?;
        let mut r = response(
            StatusCode::UNAUTHORIZED,
            "text/plain; charset=utf-8",
            Vec::new(),
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        Ok(r)
    }

    /// A refusal of the bearer token, with the challenge so the device can sign in again.
    pub(crate) fn token_refused(&self, message: &str) -> Handled {
        let error = ProtocolError::new(codes::TOKEN_REJECTED, message.to_owned());
        let mut handled = Handled::refuse(error);
        if let (super::Reply::Respond(r), Ok(challenge)) =
            (&mut handled.reply, self.challenge_response())
            && let Some(v) = challenge.headers().get(header::WWW_AUTHENTICATE)
        {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v.clone());
        }
        handled
    }

    /// `POST {base}/account/enroll`: without a token, the 401 challenge (nothing is stored: an
    /// unauthenticated request creates no state); with the token issued at sign-in, the
    /// profile, once.
    pub(crate) fn account_enroll<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        enrollment: Option<Enrollment>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        request::require_content_type(request, &[SIGNED_REQUEST_CONTENT_TYPE])?;
        let signed = verify_signed_body(
            request.body().as_ref(),
            &self.attestation,
            crate::build::system_time(now),
        )?;
        let facts = EnrollmentRequest::from_dictionary(signed.fields)?;
        let Some(token) = request::bearer(request)? else {
            return Ok(Handled::respond(self.challenge_response()?, None));
        };
        let Some(mut enrollment) = enrollment else {
            return Ok(
                self.token_refused("the access token is unknown (or its enrollment is gone)")
            );
        };
        let Some(record) = enrollment.access_token.as_mut() else {
            return Ok(self.token_refused("this enrollment issued no access token"));
        };
        if !record.digest.matches(&token) {
            return Ok(self.token_refused("not the access token of this enrollment"));
        }
        if record.profile_fetched_at.is_some() {
            return Ok(self.token_refused(
                "the access token already fetched this enrollment's profile (a replayed request)",
            ));
        }
        record.profile_fetched_at = Some(now);
        // The signed body says what the device is; it outranks the User-Agent of the sign-in.
        if let Some(platform) = facts
            .product
            .as_deref()
            .and_then(request::platform_of_product)
        {
            enrollment.device.platform = platform;
        }
        if let Some(v) = facts.os_version.as_deref().and_then(|v| v.parse().ok()) {
            enrollment.device.os_version = Some(v);
        }
        enrollment.device.product = facts.product.clone();
        enrollment.device.attested_by = Some(signed.signer.fingerprint.clone());
        let authorization = Secret::new(format!("Bearer {}", token.expose()));
        let stepped = self.step(
            &enrollment,
            WebEvent::ProfileDownloaded {
                authorization: Some(authorization),
            },
            now,
        )?;
        let served = Self::served_kind(&stepped)?;
        self.serve_enrollment_profile(enrollment, stepped, served, None, now, entropy)
    }

    /// `GET {base}/account/auth?user-identifier=…`: the page the device opens in its
    /// web-authentication sheet; starts the sign-in with the address as the login hint.
    pub(crate) fn start_account_auth<B>(
        &self,
        request: &http::Request<B>,
        now: Timestamp,
        entropy: &mut dyn Entropy,
    ) -> Result<Handled, ProtocolError> {
        let typed = request::query_param(request, "user-identifier").ok_or_else(|| {
            ProtocolError::new(codes::BAD_REQUEST, "the sign-in page needs user-identifier")
        })?;
        let user = UserIdentifier::parse(&typed)
            .map_err(|e| ProtocolError::new(codes::BAD_REQUEST, e.to_string()))?;
        if !self.serves_domain(&user.domain) {
            return Err(self.well_known_failed(&format!(
                "{} accounts do not enroll with this organisation",
                user.domain
            )));
        }
        let (platform, os_version) = request::device_hint(request)?;
        let device = DeviceRecord {
            platform,
            os_version,
            udid: None,
            serial: None,
            product: None,
            attested_by: None,
        };
        let (enrollment, stepped) = self.new_enrollment(
            Exchange::AccountDriven,
            device,
            Entry::Settings,
            now,
            entropy,
        )?;
        if !matches!(stepped.flow.state, WebState::AwaitingSignIn(_)) {
            let code = stepped
                .diagnostics
                .first()
                .map_or("the flow", |d| d.code.as_str());
            return Err(ProtocolError::new(
                codes::WRONG_STATE,
                format!("account-driven enrollment cannot start on this device ({code})"),
            ));
        }
        Ok(self.redirect_to_sign_in(enrollment, stepped, Some(&typed), now, entropy))
    }
}
