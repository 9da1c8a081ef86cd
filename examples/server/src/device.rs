//! A device over real HTTP: the engine's [`SimulatedDevice`] builds each request byte for byte,
//! this module sends it to a running server (TLS checked against the server's CA), signs in at
//! the real identity provider (its HTML login form, or a browser the caller starts), plays the
//! SCEP server's part through the server's challenge webhook, and checks in.
//!
//! Used by `enrollkit-device` for the server's test suite, the load runs and the check-in
//! benchmark. A request that meets a dead server (connection refused or reset) is sent again
//! until a deadline: that is how an enrollment resumes after a server restart.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use enrollkit::cms::{KeyAlgorithm, ThrowawayCa};
use enrollkit::diagnostic::{OsVersion, Platform};
use enrollkit::flow::account_driven::{
    parse_authentication_callback, parse_www_authenticate_challenge,
};
use enrollkit::flow::clock::Timestamp;
use enrollkit::profile::plist::Value;
use enrollkit::protocol::entropy::OsEntropy;
use enrollkit::protocol::secret::Secret;
use enrollkit::protocol::simulator::SimulatedDevice;
use http::header;
use serde::Serialize;

/// What went wrong on the device's side (the server's refusals are answers, not errors).
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The server could not be reached before the deadline.
    #[error("{step}: the server did not answer: {source}")]
    Unreachable {
        /// The step.
        step: &'static str,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The server answered something the device did not expect.
    #[error("{step}: expected {expected}, got {status}: {body}")]
    Unexpected {
        /// The step.
        step: &'static str,
        /// What the device expected.
        expected: &'static str,
        /// The HTTP status.
        status: u16,
        /// The body (truncated).
        body: String,
    },
    /// The identity provider's pages did not go as expected.
    #[error("sign-in: {0}")]
    SignIn(String),
    /// Anything else (keys, the engine's simulator, the browser command).
    #[error("{0}")]
    Other(String),
}

fn other(e: impl std::fmt::Display) -> DeviceError {
    DeviceError::Other(e.to_string())
}

/// The server as the devices reach it: one HTTP client per instance, each resolving the
/// service's host names to its instance's address. Requests rotate over the instances, so
/// consecutive steps of one enrollment reach different instances.
pub struct Target {
    clients: Vec<reqwest::Client>,
    https_port: Option<u16>,
    next: AtomicUsize,
    deadline: Duration,
}

/// The answer to a request, with how long it took (retries included).
pub struct Answer {
    /// The response.
    pub response: http::Response<Vec<u8>>,
    /// Time from the first attempt to the answer.
    pub latency: Duration,
    /// Attempts that met a dead server.
    pub retries: u32,
}

impl Target {
    /// `instances` are the addresses the host `names` resolve to (one client each); `tls_ca`
    /// is the PEM root the server's certificate must chain to; `https_port` is put into
    /// URLs without a port (the test server does not listen on 443).
    pub fn new(
        instances: &[IpAddr],
        names: &[&str],
        tls_ca: Option<&[u8]>,
        https_port: Option<u16>,
        retry_deadline: Duration,
    ) -> Result<Target, DeviceError> {
        let root = match tls_ca {
            Some(pem) => Some(reqwest::Certificate::from_pem(pem).map_err(other)?),
            None => None,
        };
        let mut clients = Vec::new();
        for ip in instances {
            let mut builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(120))
                .pool_max_idle_per_host(64)
                .tls_built_in_root_certs(false);
            if let Some(root) = &root {
                builder = builder.add_root_certificate(root.clone());
            }
            for name in names {
                builder = builder.resolve(name, SocketAddr::new(*ip, 0));
            }
            clients.push(builder.build().map_err(other)?);
        }
        if clients.is_empty() {
            return Err(other("no server instance to talk to"));
        }
        Ok(Target {
            clients,
            https_port,
            next: AtomicUsize::new(0),
            deadline: retry_deadline,
        })
    }

    fn with_port(&self, uri: &http::Uri) -> String {
        let text = uri.to_string();
        match (self.https_port, uri.scheme_str(), uri.port_u16()) {
            (Some(port), Some("https"), None) => {
                let host = uri.host().unwrap_or_default();
                text.replacen(
                    &format!("https://{host}"),
                    &format!("https://{host}:{port}"),
                    1,
                )
            }
            _ => text,
        }
    }

    /// Sends `request` to the next instance; a dead server is tried again (the next instance
    /// first) until the deadline.
    pub async fn send(
        &self,
        step: &'static str,
        request: http::Request<Vec<u8>>,
    ) -> Result<Answer, DeviceError> {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let url = self.with_port(&parts.uri);
        let mut retries = 0;
        loop {
            let turn = self.next.fetch_add(1, Ordering::Relaxed);
            let client = &self.clients[turn % self.clients.len()];
            let mut builder = client
                .request(parts.method.clone(), &url)
                .body(body.clone());
            for (name, value) in &parts.headers {
                builder = builder.header(name, value);
            }
            match builder.send().await {
                Ok(r) => {
                    let mut response = http::Response::builder().status(r.status());
                    for (name, value) in r.headers() {
                        response = response.header(name, value);
                    }
                    let bytes = r
                        .bytes()
                        .await
                        .map_err(|source| DeviceError::Unreachable { step, source })?;
                    return Ok(Answer {
                        response: response.body(bytes.to_vec()).map_err(other)?,
                        latency: started.elapsed(),
                        retries,
                    });
                }
                Err(source) if started.elapsed() < self.deadline && transient(&source) => {
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(
                        100 + 50 * u64::from(retries.min(20)),
                    ))
                    .await;
                }
                Err(source) => return Err(DeviceError::Unreachable { step, source }),
            }
        }
    }
}

fn transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_request() || e.is_timeout() || e.is_body()
}

fn header_text(r: &http::Response<Vec<u8>>, name: header::HeaderName) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn expect(
    step: &'static str,
    expected: &'static str,
    r: &http::Response<Vec<u8>>,
    status: u16,
) -> Result<(), DeviceError> {
    if r.status().as_u16() == status {
        return Ok(());
    }
    Err(DeviceError::Unexpected {
        step,
        expected,
        status: r.status().as_u16(),
        body: String::from_utf8_lossy(&r.body()[..r.body().len().min(400)]).into_owned(),
    })
}

/// The coded refusal of a response: its `enrollkit-code` header, or the body's `code`.
pub fn code_of(r: &http::Response<Vec<u8>>) -> Option<String> {
    if let Some(code) = r
        .headers()
        .get(enrollkit::protocol::error::CODE_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return Some(code.to_owned());
    }
    serde_json::from_slice::<serde_json::Value>(r.body())
        .ok()?
        .get("code")?
        .as_str()
        .map(str::to_owned)
}

/// How the user signs in at the identity provider.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Fill in the provider's HTML login form over HTTP (Keycloak's `#kc-form-login`).
    Form {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// Run a browser: `sh -c COMMAND` with the URL as `$1`; it prints one JSON line with the
    /// `location` of the server's last redirect (the 308 or 303 after the callback).
    Browser {
        /// The command.
        command: String,
    },
}

/// The identity provider's login pages, for [`SignIn::Form`].
struct FormLogin {
    client: reqwest::Client,
}

impl FormLogin {
    fn new() -> Result<FormLogin, DeviceError> {
        // Long: under load the provider's queue, not the network, sets the pace.
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(300))
            .build()
            .map_err(other)?;
        Ok(FormLogin { client })
    }

    /// From the authorization URL to the redirect back to the server (its callback URL).
    async fn sign_in(
        &self,
        authorize: &str,
        username: &str,
        password: &str,
    ) -> Result<String, DeviceError> {
        let fail = |m: String| DeviceError::SignIn(m);
        let page = self
            .client
            .get(authorize)
            .send()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let base = page.url().clone();
        let html = page.text().await.map_err(|e| fail(e.to_string()))?;
        let action = form_action(&html, "form#kc-form-login")
            .ok_or_else(|| fail("no login form on the provider's page".into()))?;
        let action = base.join(&action).map_err(|e| fail(e.to_string()))?;
        let r = self
            .client
            .post(action)
            .form(&[
                ("username", username),
                ("password", password),
                ("credentialId", ""),
            ])
            .send()
            .await
            .map_err(|e| fail(e.to_string()))?;
        if r.status().is_redirection() {
            return r
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| fail("a redirect without Location".into()));
        }
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        let hint = if body.contains("kc-otp-login-form") {
            "the provider asks for a one-time code: use a browser sign-in for this user"
        } else {
            "the provider did not accept the user name and password"
        };
        Err(fail(format!("{hint} ({status})")))
    }
}

fn form_action(html: &str, selector: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).ok()?;
    document
        .select(&selector)
        .next()?
        .value()
        .attr("action")
        .map(str::to_owned)
}

/// Runs the browser command on `url`; the `location` it reports.
async fn browser_sign_in(command: &str, url: &str) -> Result<String, DeviceError> {
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("sh")
        .arg(url)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .map_err(|e| DeviceError::SignIn(format!("{command}: {e}")))?;
    if !output.status.success() {
        return Err(DeviceError::SignIn(format!(
            "{command} failed ({})",
            output.status
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_default();
    let report: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| DeviceError::SignIn(format!("the browser's report: {e}")))?;
    report["location"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| DeviceError::SignIn("the browser saw no redirect".into()))
}

/// Everything a device needs besides the server: the CAs the test keys folder holds.
pub struct Lab {
    /// Issues the devices' built-in identities (stands in for Apple's device CA).
    pub attestation_ca: ThrowawayCa,
    /// The SCEP server's CA: issues the device identities.
    pub device_ca: ThrowawayCa,
    /// The secret of the server's `/scep/challenge` webhook.
    pub scep_secret: String,
}

impl Lab {
    /// The CAs `enrollkit-server init` wrote into `dir`.
    pub fn load(dir: &Path, scep_secret: &str) -> Result<Lab, DeviceError> {
        Ok(Lab {
            attestation_ca: crate::keys::load_ca(dir, "attestation-ca").map_err(other)?,
            device_ca: crate::keys::load_ca(dir, "device-ca").map_err(other)?,
            scep_secret: scep_secret.to_owned(),
        })
    }

    /// A new device with a fresh built-in identity.
    pub fn device(
        &self,
        platform: Platform,
        os: &str,
        product: &str,
        key: KeyAlgorithm,
    ) -> Result<SimulatedDevice, DeviceError> {
        let os: OsVersion = os.parse().map_err(other)?;
        SimulatedDevice::with_attestation_key(
            platform,
            os,
            product,
            &self.attestation_ca,
            key,
            &mut OsEntropy,
        )
        .map_err(other)
    }
}

/// One step of an enrollment, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What the device did.
    pub step: &'static str,
    /// The HTTP status it got.
    pub status: u16,
    /// The coded refusal, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Milliseconds, retries included.
    pub millis: f64,
    /// Attempts that met a dead server.
    #[serde(skip_serializing_if = "is_zero")]
    pub retries: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What one enrollment did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The exchange (`account-driven`, `profile-driven`, `ota`).
    pub exchange: &'static str,
    /// The enrollment's ID (from its check-in URL).
    pub enrollment: String,
    /// The device's UDID.
    pub udid: String,
    /// Its `EnrollmentID` (User Enrollment).
    pub enrollment_id: String,
    /// Every step.
    pub steps: Vec<Step>,
    /// Sign-ins it took (more than one when a server restart spent its token).
    pub sign_ins: u32,
    /// The profile it installed (as served).
    #[serde(skip)]
    pub profile: Vec<u8>,
    /// Its check-ins, signed and ready to send again (the benchmark's stream).
    #[serde(skip)]
    pub checkins: Vec<http::Request<Vec<u8>>>,
    /// What the server answered to the spent secrets presented again (`token`, `challenge`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub replays: std::collections::BTreeMap<&'static str, Step>,
    #[serde(skip)]
    base_url: Option<String>,
}

/// A device and the server it enrolls with.
pub struct Enroller<'a> {
    /// The server.
    pub target: &'a Target,
    /// The CAs.
    pub lab: &'a Lab,
    /// How the user signs in.
    pub sign_in: SignIn,
    /// The service's origin, e.g. `https://enroll.example.test:18443`.
    pub origin: String,
    /// Stop before the check-ins (the benchmark sends them later).
    pub stop_before_checkin: bool,
    /// After enrolling, present the spent token and challenge again (each must be refused).
    pub replay_checks: bool,
    /// Check in with this `Topic` instead of the profile's (a fault test).
    pub topic: Option<String>,
}

fn now() -> Timestamp {
    crate::clock::Clock::default().now()
}

impl Enroller<'_> {
    async fn send(
        &self,
        report: &mut Report,
        step: &'static str,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, DeviceError> {
        let answer = self.target.send(step, request).await?;
        report.steps.push(Step {
            step,
            status: answer.response.status().as_u16(),
            code: code_of(&answer.response),
            millis: answer.latency.as_secs_f64() * 1e3,
            retries: answer.retries,
        });
        Ok(answer.response)
    }

    /// Signs in from the provider's authorization URL; the server's answer to the callback.
    async fn sign_in_from(
        &self,
        report: &mut Report,
        device: &mut SimulatedDevice,
        start: &http::Response<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, DeviceError> {
        report.sign_ins += 1;
        expect("sign-in start", "a redirect to the provider", start, 302)?;
        device.keep_cookies(start);
        let authorize = header_text(start, header::LOCATION);
        let callback = match &self.sign_in {
            SignIn::Form { username, password } => {
                FormLogin::new()?
                    .sign_in(&authorize, username, password)
                    .await?
            }
            SignIn::Browser { .. } => {
                return Err(other(
                    "a browser signs in from the start page, not from its redirect",
                ));
            }
        };
        self.send(report, "sign-in callback", device.browse(&callback))
            .await
    }

    fn new_report(exchange: &'static str, device: &SimulatedDevice) -> Report {
        Report {
            exchange,
            enrollment: String::new(),
            udid: device.udid.clone(),
            enrollment_id: device.enrollment_id.clone(),
            steps: Vec::new(),
            sign_ins: 0,
            profile: Vec::new(),
            checkins: Vec::new(),
            replays: Default::default(),
            base_url: None,
        }
    }

    /// Account-driven User Enrollment as iOS runs it from Settings: `.well-known`, the 401
    /// with the `apple-as-web` challenge, the web authentication ending in the 308, the retry
    /// with the token, the install, the identity, and the check-ins. A token a restart spent
    /// (PROT013) sends the device to sign in again, as iOS does.
    pub async fn account_driven(
        &self,
        device: &mut SimulatedDevice,
        user: &str,
    ) -> Result<Report, DeviceError> {
        let mut report = Self::new_report("account-driven", device);
        let wk = self
            .send(&mut report, "well-known", device.well_known_request(user))
            .await?;
        expect("well-known", "200 with the servers", &wk, 200)?;
        let doc: serde_json::Value = serde_json::from_slice(wk.body()).map_err(other)?;
        let base_url = doc["Servers"][0]["BaseURL"]
            .as_str()
            .ok_or_else(|| other("the .well-known document names no BaseURL"))?
            .to_owned();
        report.base_url = Some(base_url.clone());
        let profile = loop {
            let r = self
                .send(
                    &mut report,
                    "enroll",
                    device.enrollment_request(&base_url, now()).map_err(other)?,
                )
                .await?;
            if r.status() == 200 {
                break r.body().clone();
            }
            expect("enroll", "401 asking for web authentication", &r, 401)?;
            if report.sign_ins >= 3 {
                return Err(other("three sign-ins and still no profile"));
            }
            let challenge = header_text(&r, header::WWW_AUTHENTICATE);
            let auth_url = parse_www_authenticate_challenge(&challenge).map_err(other)?;
            let page = format!(
                "{auth_url}{}user-identifier={}",
                if auth_url.query().is_some() { "&" } else { "?" },
                url::form_urlencoded::byte_serialize(user.as_bytes()).collect::<String>()
            );
            let location = match &self.sign_in {
                SignIn::Browser { command } => {
                    report.sign_ins += 1;
                    browser_sign_in(command, &page).await?
                }
                SignIn::Form { .. } => {
                    let start = self
                        .send(&mut report, "web auth", device.browse(&page))
                        .await?;
                    let back = match self.sign_in_from(&mut report, device, &start).await {
                        Ok(back) => back,
                        // A sign-in the provider or a restarting server dropped: the user
                        // signs in again, as on a device.
                        Err(DeviceError::SignIn(_) | DeviceError::Unreachable { .. })
                            if report.sign_ins < 3 =>
                        {
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    if back.status() != 308 && report.sign_ins < 3 {
                        continue;
                    }
                    expect(
                        "sign-in callback",
                        "308 to the device's sign-in sheet",
                        &back,
                        308,
                    )?;
                    header_text(&back, header::LOCATION)
                }
            };
            device.access_token = Some(parse_authentication_callback(&location).map_err(other)?);
        };
        self.finish(report, device, profile).await
    }

    /// The portal's start page (`/portal` or `/ota`), the sign-in, the 303 back, and
    /// `/enroll/profile`: the profile, or the OTA Profile Service payload.
    async fn portal_download(
        &self,
        report: &mut Report,
        device: &mut SimulatedDevice,
        start_page: &'static str,
        download_step: &'static str,
    ) -> Result<http::Response<Vec<u8>>, DeviceError> {
        let url = format!("{}/{start_page}", self.origin);
        let start = self.send(report, start_page, device.browse(&url)).await?;
        let back = self.sign_in_from(report, device, &start).await?;
        expect("sign-in callback", "303 to the portal", &back, 303)?;
        let url = format!("{}/enroll/profile", self.origin);
        self.send(report, download_step, device.browse(&url)).await
    }

    /// Profile-driven web enrollment: the portal, the sign-in, the download, the install,
    /// the identity, the check-ins.
    pub async fn profile_driven(
        &self,
        device: &mut SimulatedDevice,
    ) -> Result<Report, DeviceError> {
        let mut report = Self::new_report("profile-driven", device);
        let download = self
            .portal_download(&mut report, device, "portal", "download")
            .await?;
        expect("download", "200 with the profile", &download, 200)?;
        let profile = download.body().clone();
        self.finish(report, device, profile).await
    }

    /// OTA enrollment: the portal, the sign-in, the Profile Service payload, the signed
    /// attributes, the profile encrypted to the device, the identity, the check-ins.
    pub async fn ota(&self, device: &mut SimulatedDevice) -> Result<Report, DeviceError> {
        let mut report = Self::new_report("ota", device);
        let service = self
            .portal_download(&mut report, device, "ota", "profile service")
            .await?;
        expect(
            "profile service",
            "200 with the Profile Service payload",
            &service,
            200,
        )?;
        let payload =
            enrollkit::profile::read_value(service.body(), &Default::default()).map_err(other)?;
        let content = payload
            .value
            .as_dictionary()
            .and_then(|d| d.get("PayloadContent"))
            .and_then(Value::as_dictionary)
            .ok_or_else(|| other("the Profile Service payload has no PayloadContent"))?;
        let text = |key: &str| {
            content
                .get(key)
                .and_then(Value::as_string)
                .map(str::to_owned)
                .ok_or_else(|| other(format!("the Profile Service payload has no {key}")))
        };
        let (url, challenge) = (text("URL")?, Secret::new(text("Challenge")?));
        let attributes = self
            .send(
                &mut report,
                "device attributes",
                device
                    .ota_attributes_request(&url, &challenge, now())
                    .map_err(other)?,
            )
            .await?;
        expect(
            "device attributes",
            "200 with the enrollment profile",
            &attributes,
            200,
        )?;
        let profile = attributes.body().clone();
        self.finish(report, device, profile).await
    }

    /// Install, identity (the SCEP server redeems the challenge), `Authenticate`, `TokenUpdate`.
    async fn finish(
        &self,
        mut report: Report,
        device: &mut SimulatedDevice,
        profile: Vec<u8>,
    ) -> Result<Report, DeviceError> {
        let installed = device.install(&profile).map_err(other)?.clone();
        report.profile = profile;
        report.enrollment = installed
            .check_in_url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let common_name = self.redeem(&mut report, &installed.challenge).await?;
        let identity = self
            .lab
            .device_ca
            .issue(&common_name, "", KeyAlgorithm::EcP256)
            .map_err(other)?;
        device.accept_identity(identity).map_err(other)?;
        let mut message = device.authenticate();
        if let (Some(topic), enrollkit::protocol::checkin::Message::Authenticate(a)) =
            (&self.topic, &mut message)
        {
            a.topic.clone_from(topic);
        }
        let authenticate = device.checkin_request(&message, now()).map_err(other)?;
        let token_update = device
            .checkin_request(&device.token_update(), now())
            .map_err(other)?;
        if self.stop_before_checkin {
            report.checkins = vec![authenticate, token_update];
            return Ok(report);
        }
        for (step, request) in [
            ("Authenticate", authenticate),
            ("TokenUpdate", token_update),
        ] {
            let r = self.send(&mut report, step, request).await?;
            expect(step, "200", &r, 200)?;
        }
        if self.replay_checks {
            self.replay(&mut report, device, &installed.challenge)
                .await?;
        }
        Ok(report)
    }

    /// Presents the spent secrets again: the enrollment request with the token that fetched
    /// the profile, and the identity challenge the SCEP server redeemed.
    async fn replay(
        &self,
        report: &mut Report,
        device: &SimulatedDevice,
        challenge: &Secret,
    ) -> Result<(), DeviceError> {
        let mut probes = vec![("challenge", self.challenge_request(challenge))];
        if let Some(base_url) = &report.base_url {
            probes.push((
                "token",
                device.enrollment_request(base_url, now()).map_err(other)?,
            ));
        }
        for (name, request) in probes {
            let answer = self.target.send("replay", request).await?;
            report.replays.insert(
                name,
                Step {
                    step: name,
                    status: answer.response.status().as_u16(),
                    code: code_of(&answer.response),
                    millis: answer.latency.as_secs_f64() * 1e3,
                    retries: answer.retries,
                },
            );
        }
        Ok(())
    }

    /// The SCEP server's call to the challenge webhook; the subject it issues to.
    pub async fn redeem(
        &self,
        report: &mut Report,
        challenge: &Secret,
    ) -> Result<String, DeviceError> {
        let r = self
            .send(report, "scep challenge", self.challenge_request(challenge))
            .await?;
        expect("scep challenge", "200", &r, 200)?;
        let body: serde_json::Value = serde_json::from_slice(r.body()).map_err(other)?;
        body["common_name"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| other("the webhook named no subject"))
    }

    /// `POST /scep/challenge` as the SCEP server sends it.
    pub fn challenge_request(&self, challenge: &Secret) -> http::Request<Vec<u8>> {
        let body = serde_json::json!({"challenge": challenge.expose()})
            .to_string()
            .into_bytes();
        let mut r = http::Request::post(format!("{}/scep/challenge", self.origin))
            .body(body)
            .unwrap_or_default();
        if let Ok(v) = http::HeaderValue::from_str(&format!("Bearer {}", self.lab.scep_secret)) {
            r.headers_mut().insert(header::AUTHORIZATION, v);
        }
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        r
    }
}

/// Latency summary of a set of durations, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Latency {
    /// From samples in milliseconds (nearest-rank percentiles).
    pub fn of(mut samples: Vec<f64>) -> Latency {
        samples.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            if samples.is_empty() {
                return 0.0;
            }
            let i = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1;
            samples[i]
        };
        Latency {
            count: samples.len(),
            p50_ms: rank(0.50),
            p99_ms: rank(0.99),
            max_ms: samples.last().copied().unwrap_or(0.0),
        }
    }
}

/// A check-in request as the benchmark stream stores it (base64 body and signature).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StoredCheckin {
    /// The path of the enrollment's check-in URL.
    pub path: String,
    /// The plist body.
    pub body: String,
    /// `Mdm-Signature`.
    pub signature: String,
    /// `Authorization`, when account-driven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
}

impl StoredCheckin {
    /// From a check-in request.
    pub fn from_request(r: &http::Request<Vec<u8>>) -> StoredCheckin {
        let text = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        StoredCheckin {
            path: r.uri().path().to_owned(),
            body: base64::engine::general_purpose::STANDARD.encode(r.body()),
            signature: text("mdm-signature").unwrap_or_default(),
            authorization: text("authorization"),
        }
    }

    /// The request again, to `url` (the path of the stored one, or another server's).
    pub fn to_request(&self, url: &str) -> Result<http::Request<Vec<u8>>, DeviceError> {
        let body = base64::engine::general_purpose::STANDARD
            .decode(&self.body)
            .map_err(other)?;
        let mut r = http::Request::put(url).body(body).map_err(other)?;
        let headers = r.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-apple-aspen-mdm-checkin"),
        );
        headers.insert(
            "mdm-signature",
            http::HeaderValue::from_str(&self.signature).map_err(other)?,
        );
        if let Some(a) = &self.authorization {
            headers.insert(
                header::AUTHORIZATION,
                http::HeaderValue::from_str(a).map_err(other)?,
            );
        }
        Ok(r)
    }
}
