//! A device simulator and an in-memory host, for tests, demos and a vendor's own test suite.
//!
//! [`SimulatedDevice`] builds the requests a device sends, byte for byte: the `.well-known`
//! query, the CMS-signed enrollment request, OTA attributes and `MachineInfo` signed with its
//! built-in (attestation) identity, and check-ins with an `Mdm-Signature` made with the
//! identity its SCEP enrollment got. [`SimulatedIdp`] plays the OpenID provider's part for
//! simulations without one (authorization code with PKCE S256, ID tokens signed ES256); a real
//! provider takes its place in the reference server's tests. [`InMemoryHost`] is what a
//! server does around the engine — store, index, effects, timers, the token exchange — in
//! memory, so a whole enrollment runs with no network.
//!
//! Everything here signs with throwaway identities: never trust it for a real device.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as B64URL};
use enrollkit_cms::{CmsSigner, KeyAlgorithm, SignOptions, SigningIdentity, ThrowawayCa};
use enrollkit_diagnostic::{OsVersion, Platform};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::identity::UserKey;
use enrollkit_flow::web::{DirectoryUser, NewUser};
use enrollkit_profile::plist::{Dictionary, Value};
use http::{HeaderValue, header};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};

use crate::build::system_time;
use crate::checkin::{self, Authenticate, CheckOut, Message, TokenUpdate};
use crate::engine::{Effect, Engine, Enrollment, Handled, Lookup, LookupKey, Reply};
use crate::entropy::Entropy;
use crate::error::ProtocolError;
use crate::secret::{Secret, SecretDigest};

fn signing_error(e: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::new(
        enrollkit_diagnostic::codes::protocol::SIGNING_FAILED,
        e.to_string(),
    )
}

/// What the simulated device learned from the enrollment profile it installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledProfile {
    /// The MDM payload's `Topic`.
    pub topic: String,
    /// `CheckInURL`.
    pub check_in_url: String,
    /// `ServerURL`.
    pub server_url: String,
    /// The SCEP `Challenge` or ACME `ClientIdentifier`.
    pub challenge: Secret,
    /// The identity subject's common name the profile asks for.
    pub subject_common_name: String,
    /// `EnrollmentMode`, when account-driven.
    pub enrollment_mode: Option<String>,
    /// `AssignedManagedAppleID` or `ManagedAppleID`.
    pub managed_apple_id: Option<String>,
    /// Whether `AccessRights` is present.
    pub has_access_rights: bool,
}

/// A device as the server sees it: what it sends, signed the way a device signs.
pub struct SimulatedDevice {
    /// Platform.
    pub platform: Platform,
    /// OS version.
    pub os_version: OsVersion,
    /// `PRODUCT`, e.g. `iPhone16,1`.
    pub product: String,
    /// The OS build (`VERSION`).
    pub build: String,
    /// `UDID`.
    pub udid: String,
    /// `SERIAL`.
    pub serial: String,
    /// The `EnrollmentID` it uses under User Enrollment.
    pub enrollment_id: String,
    attestation: CmsSigner,
    identity: Option<CmsSigner>,
    cookies: Option<String>,
    /// The profile installed last.
    pub installed: Option<InstalledProfile>,
    /// The account-driven access token, once the sign-in sheet got it.
    pub access_token: Option<Secret>,
}

impl SimulatedDevice {
    /// A device with a built-in identity issued by `attestation_ca` (the simulation's stand-in
    /// for Apple's device CA); identifiers come from `entropy`.
    pub fn new(
        platform: Platform,
        os_version: OsVersion,
        product: &str,
        attestation_ca: &ThrowawayCa,
        entropy: &mut dyn Entropy,
    ) -> Result<Self, ProtocolError> {
        Self::with_attestation_key(
            platform,
            os_version,
            product,
            attestation_ca,
            KeyAlgorithm::Rsa { bits: 2048 },
            entropy,
        )
    }

    /// [`SimulatedDevice::new`] with another key for the built-in identity: load runs use
    /// P-256, whose keys are generated in microseconds rather than RSA's tens of milliseconds.
    pub fn with_attestation_key(
        platform: Platform,
        os_version: OsVersion,
        product: &str,
        attestation_ca: &ThrowawayCa,
        algorithm: KeyAlgorithm,
        entropy: &mut dyn Entropy,
    ) -> Result<Self, ProtocolError> {
        let udid = format!("00008130-{}", hex(&bytes::<8>(entropy)).to_uppercase());
        let identity = attestation_ca
            .issue(&udid, "Apple iPhone Device (simulated)", algorithm)
            .map_err(signing_error)?;
        Ok(SimulatedDevice {
            platform,
            os_version,
            product: product.to_owned(),
            build: "22A3354".into(),
            serial: format!("C02{}", hex(&bytes::<4>(entropy)).to_uppercase()),
            enrollment_id: entropy.uuid().hyphenated().to_string().to_uppercase(),
            udid,
            attestation: CmsSigner::new(identity, SignOptions::default()).map_err(signing_error)?,
            identity: None,
            cookies: None,
            installed: None,
            access_token: None,
        })
    }

    /// The User-Agent Safari sends on this device.
    pub fn user_agent(&self) -> String {
        let v = format!(
            "{}_{}{}",
            self.os_version.major,
            self.os_version.minor,
            if self.os_version.patch > 0 {
                format!("_{}", self.os_version.patch)
            } else {
                String::new()
            }
        );
        match self.platform {
            Platform::MacOs => "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15".into(),
            _ => format!("Mozilla/5.0 (iPhone; CPU iPhone OS {v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{}.0 Mobile/15E148 Safari/604.1", self.os_version.major),
        }
    }

    /// Signs a plist with the device's built-in identity (attached CMS).
    pub fn sign_attributes(
        &self,
        dict: &Dictionary,
        now: Timestamp,
    ) -> Result<Vec<u8>, ProtocolError> {
        let xml = enrollkit_profile::xml_bytes(&Value::Dictionary(dict.clone()))
            .map_err(signing_error)?;
        self.attestation
            .sign(&xml, system_time(now))
            .map_err(signing_error)
    }

    /// The device's built-in certificate (OTA profiles are encrypted to it).
    pub fn attestation_certificate(&self) -> &[u8] {
        self.attestation
            .identity()
            .certificate_chain()
            .first()
            .map_or(&[][..], Vec::as_slice)
    }

    /// A browser request from this device (User-Agent, the session cookie it holds).
    pub fn browse(&self, url: &str) -> http::Request<Vec<u8>> {
        let mut r = http::Request::get(url).body(Vec::new()).unwrap_or_default();
        if let Ok(v) = HeaderValue::from_str(&self.user_agent()) {
            r.headers_mut().insert(header::USER_AGENT, v);
        }
        if let Some(c) = &self.cookies
            && let Ok(v) = HeaderValue::from_str(c)
        {
            r.headers_mut().insert(header::COOKIE, v);
        }
        r
    }

    /// Keeps the session cookie a response sets.
    pub fn keep_cookies(&mut self, response: &http::Response<Vec<u8>>) {
        if let Some(v) = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            && let Some(pair) = v.split(';').next()
        {
            self.cookies = Some(pair.to_owned());
        }
    }

    /// `GET /.well-known/com.apple.remotemanagement` for a work address.
    pub fn well_known_request(&self, user_identifier: &str) -> http::Request<Vec<u8>> {
        let domain = user_identifier.rsplit('@').next().unwrap_or_default();
        let family = match self.platform {
            Platform::MacOs => "Mac",
            _ => "iPhone",
        };
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user-identifier", user_identifier)
            .append_pair("model-family", family)
            .finish();
        self.browse(&format!(
            "https://{domain}/.well-known/com.apple.remotemanagement?{query}"
        ))
    }

    /// The account-driven enrollment request to `base_url`: a CMS-signed plist, with the
    /// bearer token once the device has one.
    pub fn enrollment_request(
        &self,
        base_url: &str,
        now: Timestamp,
    ) -> Result<http::Request<Vec<u8>>, ProtocolError> {
        let mut d = Dictionary::new();
        d.insert("LANGUAGE".into(), "en-US".into());
        d.insert("PRODUCT".into(), self.product.clone().into());
        d.insert("VERSION".into(), self.build.clone().into());
        d.insert("OS_VERSION".into(), self.os_version.to_string().into());
        let body = self.sign_attributes(&d, now)?;
        let mut r = http::Request::post(base_url).body(body).unwrap_or_default();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pkcs7-signature"),
        );
        if let Some(t) = &self.access_token
            && let Ok(v) = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
        {
            r.headers_mut().insert(header::AUTHORIZATION, v);
        }
        Ok(r)
    }

    /// The OTA attribute POST to the Profile Service payload's URL, with its challenge.
    pub fn ota_attributes_request(
        &self,
        url: &str,
        challenge: &Secret,
        now: Timestamp,
    ) -> Result<http::Request<Vec<u8>>, ProtocolError> {
        let mut d = Dictionary::new();
        d.insert("UDID".into(), self.udid.clone().into());
        d.insert("SERIAL".into(), self.serial.clone().into());
        d.insert("PRODUCT".into(), self.product.clone().into());
        d.insert("VERSION".into(), self.build.clone().into());
        d.insert("CHALLENGE".into(), challenge.expose().into());
        let body = self.sign_attributes(&d, now)?;
        let mut r = http::Request::post(url).body(body).unwrap_or_default();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pkcs7-signature"),
        );
        Ok(r)
    }

    /// The signed `MachineInfo` as the `x-apple-aspen-deviceinfo` header value (base64).
    pub fn machine_info_header(
        &self,
        psso_capable: bool,
        now: Timestamp,
    ) -> Result<String, ProtocolError> {
        let mut d = Dictionary::new();
        d.insert("UDID".into(), self.udid.clone().into());
        d.insert("SERIAL".into(), self.serial.clone().into());
        d.insert("PRODUCT".into(), self.product.clone().into());
        d.insert("VERSION".into(), self.build.clone().into());
        d.insert("OS_VERSION".into(), self.os_version.to_string().into());
        d.insert("LANGUAGE".into(), "en-US".into());
        if psso_capable {
            d.insert("MDM_CAN_REQUEST_PSSO_CONFIG".into(), true.into());
        }
        Ok(BASE64.encode(self.sign_attributes(&d, now)?))
    }

    /// Installs a served enrollment profile: reads the MDM and identity payloads (decrypting
    /// with the built-in key when the profile is encrypted to it).
    pub fn install(&mut self, served: &[u8]) -> Result<&InstalledProfile, ProtocolError> {
        let bad = |m: String| {
            ProtocolError::new(enrollkit_diagnostic::codes::protocol::MALFORMED_BODY, m)
        };
        let loaded =
            enrollkit_profile::read_profile(served, &enrollkit_profile::ReadOptions::default())
                .map_err(|e| bad(e.to_string()))?;
        let mut profile = loaded.profile;
        if profile.encrypted_payload_content.is_some() {
            let key = self
                .attestation
                .identity()
                .private_key()
                .ok_or_else(|| bad("the device key is not held here".into()))?;
            enrollkit_profile::crypto::decrypt_payload_content(
                &mut profile,
                key,
                Some(self.attestation_certificate()),
            )
            .map_err(|e| bad(e.to_string()))?;
        }
        let mdm = profile
            .mdm()
            .ok_or_else(|| bad("no MDM payload".into()))?
            .clone();
        let identity = mdm
            .identity_certificate_uuid
            .as_deref()
            .and_then(|u| profile.payload_by_uuid(u))
            .ok_or_else(|| bad("the MDM payload names no identity payload".into()))?;
        let dict = identity.to_dictionary();
        let (challenge, subject) = match dict.get("PayloadContent").and_then(Value::as_dictionary) {
            Some(scep) => (
                scep.get("Challenge")
                    .and_then(Value::as_string)
                    .map(str::to_owned),
                scep.get("Subject").cloned(),
            ),
            None => (
                dict.get("ClientIdentifier")
                    .and_then(Value::as_string)
                    .map(str::to_owned),
                dict.get("Subject").cloned(),
            ),
        };
        let subject_common_name = subject
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|rdn| rdn.as_array()?.first()?.as_array().cloned())
            .find(|pair| pair.first().and_then(Value::as_string) == Some("CN"))
            .and_then(|pair| pair.get(1).and_then(Value::as_string).map(str::to_owned))
            .unwrap_or_default();
        self.installed = Some(InstalledProfile {
            topic: mdm.topic.clone().unwrap_or_default(),
            check_in_url: mdm
                .check_in_url
                .clone()
                .or(mdm.server_url.clone())
                .unwrap_or_default(),
            server_url: mdm.server_url.clone().unwrap_or_default(),
            challenge: Secret::new(
                challenge.ok_or_else(|| bad("the identity payload has no challenge".into()))?,
            ),
            subject_common_name,
            enrollment_mode: mdm.enrollment_mode.map(|m| m.as_str().to_owned()),
            managed_apple_id: mdm
                .assigned_managed_apple_id
                .clone()
                .or(mdm.managed_apple_id.clone()),
            has_access_rights: mdm.access_rights.is_some(),
        });
        self.installed
            .as_ref()
            .ok_or_else(|| bad("not installed".into()))
    }

    /// Takes the identity a SCEP or ACME server issued for the installed profile.
    pub fn accept_identity(&mut self, identity: SigningIdentity) -> Result<(), ProtocolError> {
        self.identity =
            Some(CmsSigner::new(identity, SignOptions::default()).map_err(signing_error)?);
        Ok(())
    }

    /// How this device names itself in check-ins: `EnrollmentID` under User Enrollment.
    fn user_enrolled(&self) -> bool {
        self.installed.as_ref().is_some_and(|p| {
            p.enrollment_mode.as_deref() == Some("BYOD")
                || (p.enrollment_mode.is_none() && p.managed_apple_id.is_some())
        })
    }

    fn device_keys(&self) -> (Option<String>, Option<String>) {
        if self.user_enrolled() {
            (None, Some(self.enrollment_id.clone()))
        } else {
            (Some(self.udid.clone()), None)
        }
    }

    /// The push Topic of the installed MDM payload, empty before installation.
    fn installed_topic(&self) -> String {
        self.installed
            .as_ref()
            .map(|p| p.topic.clone())
            .unwrap_or_default()
    }

    /// An `Authenticate` for the installed profile.
    pub fn authenticate(&self) -> Message {
        let (udid, enrollment_id) = self.device_keys();
        Message::Authenticate(Authenticate {
            topic: self.installed_topic(),
            udid,
            enrollment_id,
            os_version: Some(self.os_version.to_string()),
            build_version: Some(self.build.clone()),
            product_name: Some(self.product.clone()),
            serial_number: (!self.user_enrolled()).then(|| self.serial.clone()),
            ..Default::default()
        })
    }

    /// A `TokenUpdate` with a push token.
    pub fn token_update(&self) -> Message {
        let (udid, enrollment_id) = self.device_keys();
        Message::TokenUpdate(TokenUpdate {
            topic: self.installed_topic(),
            udid,
            enrollment_id,
            token: Sha256::digest(self.udid.as_bytes()).to_vec(),
            push_magic: format!("{}-magic", &self.udid[..8.min(self.udid.len())]),
            ..Default::default()
        })
    }

    /// A `CheckOut`.
    pub fn check_out(&self) -> Message {
        let (udid, enrollment_id) = self.device_keys();
        Message::CheckOut(CheckOut {
            topic: self.installed_topic(),
            udid,
            enrollment_id,
            ..Default::default()
        })
    }

    /// A check-in `PUT` of `message` to the installed profile's `CheckInURL`, signed with the
    /// device identity in `Mdm-Signature`, with the bearer token when account-driven.
    pub fn checkin_request(
        &self,
        message: &Message,
        now: Timestamp,
    ) -> Result<http::Request<Vec<u8>>, ProtocolError> {
        let body = checkin::to_xml(&message.to_dictionary());
        self.signed_put(body, now)
    }

    /// A `PUT` of `body` to the `CheckInURL` with this device's `Mdm-Signature` over it.
    pub fn signed_put(
        &self,
        body: Vec<u8>,
        now: Timestamp,
    ) -> Result<http::Request<Vec<u8>>, ProtocolError> {
        let url = self
            .installed
            .as_ref()
            .map(|p| p.check_in_url.clone())
            .unwrap_or_default();
        let identity = self
            .identity
            .as_ref()
            .ok_or_else(|| signing_error("the device has no identity yet"))?;
        let signature = identity
            .sign_detached(&body, system_time(now))
            .map_err(signing_error)?;
        let mut r = http::Request::put(url).body(body).unwrap_or_default();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-apple-aspen-mdm-checkin"),
        );
        if let Ok(v) = HeaderValue::from_str(&BASE64.encode(signature)) {
            r.headers_mut().insert("mdm-signature", v);
        }
        if let Some(t) = &self.access_token
            && let Ok(v) = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
        {
            r.headers_mut().insert(header::AUTHORIZATION, v);
        }
        Ok(r)
    }
}

fn bytes<const N: usize>(entropy: &mut dyn Entropy) -> [u8; N] {
    let mut b = [0u8; N];
    entropy.fill(&mut b);
    b
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A user of the simulated identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpUser {
    /// `sub`.
    pub subject: String,
    /// `email`.
    pub email: String,
    /// `name`.
    pub name: String,
    /// Whether the sign-in uses a second factor (`amr` includes `otp`).
    pub mfa: bool,
}

struct Grant {
    user: IdpUser,
    nonce: String,
    code_challenge: String,
    redirect_uri: String,
    issued_at: i64,
}

/// The OpenID provider's part for simulations: authorization code flow with PKCE S256, ID
/// tokens signed ES256 with a fresh key. Real providers replace it in the server tests.
pub struct SimulatedIdp {
    /// The issuer identifier.
    pub issuer: String,
    /// The client the tokens are for.
    pub client_id: String,
    key: EncodingKey,
    jwk: Jwk,
    grants: HashMap<String, Grant>,
    next: u64,
}

impl SimulatedIdp {
    /// A provider with a fresh P-256 signing key.
    pub fn new(issuer: &str, client_id: &str) -> Result<Self, ProtocolError> {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| signing_error("generating the provider key"))?;
        let key = EncodingKey::from_ec_der(pkcs8.as_ref());
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).map_err(signing_error)?;
        jwk.common.key_id = Some("sim-1".into());
        Ok(SimulatedIdp {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            key,
            jwk,
            grants: HashMap::new(),
            next: 0,
        })
    }

    /// The provider's public keys.
    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.jwk.clone()],
        }
    }

    /// Signs arbitrary claims as an ID token of this provider (tests of bad tokens).
    pub fn mint(&self, claims: &serde_json::Value) -> Result<String, ProtocolError> {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some("sim-1".into());
        jsonwebtoken::encode(&h, claims, &self.key).map_err(signing_error)
    }

    /// The user signs in at the authorization URL: returns the callback URL with the code.
    pub fn sign_in(
        &mut self,
        authorization_url: &str,
        user: &IdpUser,
        now: Timestamp,
    ) -> Result<String, ProtocolError> {
        let bad = |m: &str| {
            ProtocolError::new(
                enrollkit_diagnostic::codes::protocol::BAD_REQUEST,
                m.to_owned(),
            )
        };
        let url = url::Url::parse(authorization_url).map_err(|_| bad("not a URL"))?;
        let q: BTreeMap<String, String> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |k: &str| q.get(k).cloned().ok_or_else(|| bad(k));
        if get("client_id")? != self.client_id
            || get("response_type")? != "code"
            || get("code_challenge_method")? != "S256"
        {
            return Err(bad(
                "not an authorization request for this client with PKCE S256",
            ));
        }
        self.next += 1;
        let code = format!(
            "code-{}-{}",
            self.next,
            hex(&Sha256::digest(get("state")?.as_bytes())[..6])
        );
        let redirect_uri = get("redirect_uri")?;
        self.grants.insert(
            code.clone(),
            Grant {
                user: user.clone(),
                nonce: get("nonce")?,
                code_challenge: get("code_challenge")?,
                redirect_uri: redirect_uri.clone(),
                issued_at: now.unix(),
            },
        );
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &get("state")?)
            .finish();
        Ok(format!("{redirect_uri}?{query}"))
    }

    /// The token endpoint: checks the code (once), the redirect URI and the PKCE verifier.
    pub fn token_endpoint(&mut self, request: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let error = |e: &str| {
            let mut r = http::Response::new(
                serde_json::to_vec(&serde_json::json!({"error": e})).unwrap_or_default(),
            );
            *r.status_mut() = http::StatusCode::BAD_REQUEST;
            r
        };
        let Some(grant) = form.get("code").and_then(|c| self.grants.remove(c)) else {
            return error("invalid_grant");
        };
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        if B64URL.encode(Sha256::digest(verifier.as_bytes())) != grant.code_challenge
            || form.get("redirect_uri") != Some(&grant.redirect_uri)
        {
            return error("invalid_grant");
        }
        let amr: Vec<&str> = if grant.user.mfa {
            vec!["pwd", "otp"]
        } else {
            vec!["pwd"]
        };
        let claims = serde_json::json!({
            "iss": self.issuer, "sub": grant.user.subject, "aud": self.client_id,
            "iat": grant.issued_at, "exp": grant.issued_at + 300, "nonce": grant.nonce,
            "email": grant.user.email, "name": grant.user.name, "amr": amr,
        });
        match self.mint(&claims) {
            Ok(id_token) => http::Response::new(
                serde_json::to_vec(&serde_json::json!({
                    "access_token": "idp-access", "token_type": "Bearer", "expires_in": 300, "id_token": id_token
                }))
                .unwrap_or_default(),
            ),
            Err(_) => error("server_error"),
        }
    }
}

/// What a server does around the engine, in memory: the store, the key index, the effects,
/// the install-window timers, the users, and the token exchange with [`SimulatedIdp`].
pub struct InMemoryHost<'e> {
    engine: &'e Engine,
    /// The provider.
    pub idp: SimulatedIdp,
    /// Stored enrollments by ID.
    pub enrollments: BTreeMap<String, Enrollment>,
    index: HashMap<String, String>,
    /// Users by issuer + subject.
    pub users: BTreeMap<UserKey, DirectoryUser>,
    /// Timers armed by [`Effect::ScheduleExpiry`].
    pub timers: Vec<(String, Timestamp)>,
    /// Every effect carried out, in order.
    pub effects: Vec<Effect>,
    /// Every refusal, in order.
    pub refusals: Vec<ProtocolError>,
    entropy: Box<dyn Entropy + 'e>,
}

impl<'e> InMemoryHost<'e> {
    /// A host for `engine` with its provider and randomness.
    pub fn new(engine: &'e Engine, idp: SimulatedIdp, entropy: Box<dyn Entropy + 'e>) -> Self {
        InMemoryHost {
            engine,
            idp,
            enrollments: BTreeMap::new(),
            index: HashMap::new(),
            users: BTreeMap::new(),
            timers: Vec::new(),
            effects: Vec::new(),
            refusals: Vec::new(),
            entropy,
        }
    }

    /// The enrollment indexed under a key.
    pub fn find(&self, key: &LookupKey) -> Option<&Enrollment> {
        self.index
            .get(&key.to_key_string())
            .and_then(|id| self.enrollments.get(id))
    }

    /// The enrollment an identity challenge belongs to.
    pub fn enrollment_for_challenge(&self, challenge: &Secret) -> Option<&Enrollment> {
        self.find(&LookupKey::IdentityChallenge(SecretDigest::of(challenge)))
    }

    fn apply(&mut self, handled: Handled) -> Reply {
        if let Some(e) = handled.enrollment {
            self.enrollments.insert(e.id.clone(), e);
        }
        if let Some(r) = handled.refused {
            self.refusals.push(r);
        }
        for effect in handled.effects {
            match &effect {
                Effect::Index { key, enrollment } => {
                    self.index.insert(key.to_key_string(), enrollment.clone());
                }
                Effect::Unindex { key } => {
                    self.index.remove(&key.to_key_string());
                }
                Effect::CreateUser(NewUser { key, email, .. }) => {
                    self.users
                        .entry(key.clone())
                        .or_insert_with(|| DirectoryUser {
                            key: key.clone(),
                            managed_apple_account: email.clone(),
                        });
                }
                Effect::ScheduleExpiry { enrollment, at } => {
                    self.timers.push((enrollment.clone(), *at))
                }
                _ => {}
            }
            self.effects.push(effect);
        }
        handled.reply
    }

    /// Sends a request through the engine as a server would; a sign-in callback runs the
    /// token exchange with the provider, the user lookup and the completion.
    pub fn send(
        &mut self,
        request: http::Request<Vec<u8>>,
        now: Timestamp,
    ) -> http::Response<Vec<u8>> {
        let routed = match self.engine.route(&request) {
            Ok(r) => r,
            Err(e) => {
                let response = e.to_response();
                self.refusals.push(e);
                return response;
            }
        };
        let found = match &routed.lookup {
            Lookup::None | Lookup::New => None,
            Lookup::Enrollment(id) => self.enrollments.get(id).cloned(),
            Lookup::Key(key) => self.find(key).cloned(),
        };
        let handled =
            self.engine
                .handle(&routed, &request, found.clone(), now, self.entropy.as_mut());
        match self.apply(handled) {
            Reply::Respond(r) => r,
            Reply::Delegate(_) => {
                let mut r = http::Response::new(Vec::new());
                *r.status_mut() = http::StatusCode::OK;
                r
            }
            Reply::ExchangeCode(token_request) => {
                let token_response = self.idp.token_endpoint(&token_request);
                let Some(enrollment) = found else {
                    return http::Response::new(Vec::new());
                };
                let verified = match self.engine.verify_sign_in(
                    &enrollment,
                    &request,
                    &token_response,
                    &self.idp.jwks(),
                    now,
                ) {
                    Ok(v) => v,
                    Err(e) => {
                        let r = e.to_response();
                        self.refusals.push(e);
                        return r;
                    }
                };
                let directory = self.users.get(&verified.identity.key()).cloned();
                let handled = self.engine.complete_sign_in(
                    enrollment,
                    verified,
                    directory,
                    now,
                    self.entropy.as_mut(),
                );
                match self.apply(handled) {
                    Reply::Respond(r) => r,
                    _ => http::Response::new(Vec::new()),
                }
            }
        }
    }

    /// Fires the install-window timers due at `now`.
    pub fn run_timers(&mut self, now: Timestamp) {
        let (due, later): (Vec<_>, Vec<_>) = self.timers.drain(..).partition(|(_, at)| *at <= now);
        self.timers = later;
        for (id, _) in due {
            if let Some(e) = self.enrollments.get(&id).cloned() {
                let handled = self.engine.expire(e, now);
                self.apply(handled);
            }
        }
    }

    /// Plays the SCEP server: redeems the installed profile's challenge through the engine
    /// and issues the device identity from `ca` with the subject the profile asked for.
    pub fn scep_enroll(
        &mut self,
        device: &mut SimulatedDevice,
        ca: &ThrowawayCa,
        now: Timestamp,
    ) -> Result<(), ProtocolError> {
        self.scep_enroll_with(device, ca, KeyAlgorithm::Rsa { bits: 2048 }, now)
    }

    /// [`InMemoryHost::scep_enroll`] with another key algorithm (ACME issues P-256 keys).
    pub fn scep_enroll_with(
        &mut self,
        device: &mut SimulatedDevice,
        ca: &ThrowawayCa,
        algorithm: KeyAlgorithm,
        now: Timestamp,
    ) -> Result<(), ProtocolError> {
        let installed = device
            .installed
            .clone()
            .ok_or_else(|| signing_error("nothing installed"))?;
        let enrollment = self
            .enrollment_for_challenge(&installed.challenge)
            .cloned()
            .ok_or_else(|| {
                ProtocolError::new(
                    enrollkit_diagnostic::codes::protocol::CHALLENGE_REJECTED,
                    "unknown challenge",
                )
            })?;
        let redeemed =
            self.engine
                .redeem_identity_challenge(enrollment, &installed.challenge, now)?;
        self.enrollments.insert(redeemed.id.clone(), redeemed);
        let identity = ca
            .issue(&installed.subject_common_name, "", algorithm)
            .map_err(signing_error)?;
        device.accept_identity(identity)
    }
}

/// A throwaway device-identity CA and attestation CA valid around `now` (a day either side).
pub fn throwaway_cas(now: Timestamp) -> Result<(ThrowawayCa, ThrowawayCa), ProtocolError> {
    let start = system_time(now.plus_seconds(-86_400));
    let two_days = Duration::from_secs(2 * 86_400);
    let identity = ThrowawayCa::new(
        "Device Identity CA (simulated)",
        "enrollkit",
        start,
        two_days,
        KeyAlgorithm::EcP256,
    )
    .map_err(signing_error)?;
    let attestation = ThrowawayCa::new(
        "Device Attestation CA (simulated)",
        "enrollkit",
        start,
        two_days,
        KeyAlgorithm::EcP256,
    )
    .map_err(signing_error)?;
    Ok((identity, attestation))
}
