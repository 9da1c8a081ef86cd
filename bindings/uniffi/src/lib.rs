//! Swift and Kotlin bindings for enrollkit, generated with uniffi proc-macros.
//!
//! The capability set lives in `enrollkit-bindings-common` (shared with the Python binding);
//! this crate mirrors its plain data types with `#[uniffi::remote(...)]` (if a mirror drifts
//! from the real type, the build fails) and wraps the stateful parts in objects.
//!
//! Every fallible call throws [`EnrollkitError`], an error object with `code()`, `message()`
//! and `remediation()`. An object (rather than an error enum) because uniffi renders an
//! enum's fields as the Kotlin exception message (`code=…, message=…`), while an object's
//! `Display` becomes `toString()` in Kotlin and its description in Swift: the readable
//! message. Nothing here panics on input; uniffi would turn a panic into an internal error,
//! but every path returns a `Result` instead.
//!
//! Generate the foreign sources with the `uniffi-bindgen` binary of this workspace:
//! `cargo run -p uniffi-bindgen -- generate target/debug/libenrollkit_ffi.so -l kotlin -o out --no-format`.

// The uniffi macros expand to `unsafe` FFI glue; no hand-written unsafe code lives here.
#![allow(unsafe_code)]

use std::fmt;
use std::sync::Arc;

use enrollkit_bindings_common as common;
use enrollkit_bindings_common::flow::{DerivedAccount, FlowStep};
use enrollkit_bindings_common::lint::{InstallCheck, LintOptions};
use enrollkit_bindings_common::ppkg::{PackageFile, WindowsPackage};
use enrollkit_bindings_common::profile::{
    AcmeSpec, EnrollmentSpec, EnrollmentTypeSpec, IdentitySpec, MdmInfo, PayloadInfo,
    ProfileFormat, ProfileInfo, ScepSpec, SubjectAttribute,
};
use enrollkit_bindings_common::protocol::{
    CheckinInfo, EngineReply, HttpHeader, HttpRequest, RouteInfo,
};
use enrollkit_bindings_common::signing::{SignatureAlgorithm, VerdictKind, VerifyResult};
use enrollkit_bindings_common::{BindingError, Finding};

uniffi::setup_scaffolding!("enrollkit");

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// An enrollkit operation failed: a stable code, a readable message and what to do about it.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct EnrollkitError {
    inner: BindingError,
}

impl fmt::Display for EnrollkitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

/// Debug shows the code too; Swift's `errorDescription` is the `Display` message (see the
/// hand-written `LocalizedError` conformance in the Swift package).
impl fmt::Debug for EnrollkitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.code, self.inner.message)
    }
}

impl std::error::Error for EnrollkitError {}

#[uniffi::export]
impl EnrollkitError {
    /// Registry code (e.g. `PRF006`, `CMS006`), the same in every binding and the CLI.
    pub fn code(&self) -> String {
        self.inner.code.to_string()
    }

    /// The code's area (`profile`, `cms`, `lint`, `install`, `flow`, `package`, `protocol`, `argument`,
    /// `io`, `internal`): what kind of failure this is, without parsing the code.
    pub fn area(&self) -> String {
        self.inner.area().as_str().to_owned()
    }

    /// What went wrong, in one sentence.
    pub fn message(&self) -> String {
        self.inner.message.clone()
    }

    /// What to do about it, in one sentence.
    pub fn remediation(&self) -> String {
        self.inner.remediation.clone()
    }
}

/// Shorthand for results of exported functions.
pub type Result<T> = std::result::Result<T, Arc<EnrollkitError>>;

fn err<T>(r: std::result::Result<T, BindingError>) -> Result<T> {
    r.map_err(|inner| Arc::new(EnrollkitError { inner }))
}

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct SubjectAttribute {
    pub name: String,
    pub value: String,
}

#[uniffi::remote(Record)]
pub struct ScepSpec {
    pub url: String,
    #[uniffi(default)]
    pub name: Option<String>,
    #[uniffi(default)]
    pub challenge: Option<String>,
    #[uniffi(default)]
    pub subject: Vec<SubjectAttribute>,
    #[uniffi(default)]
    pub key_size: Option<i64>,
}

#[uniffi::remote(Record)]
pub struct AcmeSpec {
    pub directory_url: String,
    pub client_identifier: String,
    pub key_size: i64,
    pub key_type: String,
    pub hardware_bound: bool,
    pub subject: Vec<SubjectAttribute>,
    #[uniffi(default)]
    pub attest: Option<bool>,
}

#[uniffi::remote(Enum)]
pub enum IdentitySpec {
    Scep(ScepSpec),
    Acme(AcmeSpec),
    Pkcs12 {
        data: Vec<u8>,
        password: Option<String>,
    },
}

#[uniffi::remote(Enum)]
pub enum EnrollmentTypeSpec {
    Device,
    ProfileDrivenUser {
        managed_apple_id: String,
    },
    AccountDriven {
        mode: String,
        assigned_managed_apple_id: String,
    },
}

#[uniffi::remote(Record)]
pub struct EnrollmentSpec {
    pub identifier: String,
    #[uniffi(default)]
    pub organization: Option<String>,
    #[uniffi(default)]
    pub display_name: Option<String>,
    #[uniffi(default)]
    pub description: Option<String>,
    pub server_url: String,
    #[uniffi(default)]
    pub check_in_url: Option<String>,
    pub topic: String,
    pub identity: IdentitySpec,
    pub enrollment: EnrollmentTypeSpec,
    #[uniffi(default)]
    pub access_rights: Option<u32>,
    #[uniffi(default)]
    pub server_capabilities: Vec<String>,
    #[uniffi(default)]
    pub sign_message: Option<bool>,
    #[uniffi(default)]
    pub check_out_when_removed: Option<bool>,
    #[uniffi(default)]
    pub anchor_certificates: Vec<Vec<u8>>,
    #[uniffi(default)]
    pub pin_to_anchors: bool,
}

#[uniffi::remote(Enum)]
pub enum ProfileFormat {
    Xml,
    Binary,
}

#[uniffi::remote(Record)]
pub struct PayloadInfo {
    pub payload_type: Option<String>,
    pub identifier: Option<String>,
    pub uuid: Option<String>,
    pub display_name: Option<String>,
    pub is_identity: bool,
}

#[uniffi::remote(Record)]
pub struct MdmInfo {
    pub server_url: Option<String>,
    pub check_in_url: Option<String>,
    pub topic: Option<String>,
    pub identity_certificate_uuid: Option<String>,
    pub access_rights: Option<u32>,
    pub enrollment_mode: Option<String>,
    pub managed_apple_id: Option<String>,
    pub assigned_managed_apple_id: Option<String>,
}

#[uniffi::remote(Record)]
pub struct ProfileInfo {
    pub identifier: Option<String>,
    pub uuid: Option<String>,
    pub display_name: Option<String>,
    pub organization: Option<String>,
    pub payload_type: Option<String>,
    pub is_encrypted: bool,
    pub payloads: Vec<PayloadInfo>,
    pub mdm: Option<MdmInfo>,
}

/// A configuration profile: read from bytes or built, written as XML or binary.
#[derive(uniffi::Object)]
pub struct Profile {
    profile: common::Profile,
    format: ProfileFormat,
    signed_container: Option<Vec<u8>>,
}

#[uniffi::export]
impl Profile {
    /// Reads an XML, binary or CMS-signed profile. A signature is unwrapped, not verified:
    /// use [`TrustStore::verify`] on the same bytes for a verdict.
    #[uniffi::constructor]
    pub fn read(data: Vec<u8>) -> Result<Arc<Profile>> {
        let loaded = err(common::profile::read_profile(&data))?;
        Ok(Arc::new(Profile {
            profile: loaded.profile,
            format: loaded.format,
            signed_container: loaded.signed_container,
        }))
    }

    /// Apple-layout XML property list bytes.
    pub fn to_xml(&self) -> Result<Vec<u8>> {
        err(common::profile::to_xml(&self.profile))
    }

    /// Binary property list bytes (`bplist00`).
    pub fn to_binary(&self) -> Result<Vec<u8>> {
        err(common::profile::to_binary(&self.profile))
    }

    /// What the profile contains: identifiers, payloads, the MDM settings.
    pub fn info(&self) -> ProfileInfo {
        common::profile::inspect(&self.profile)
    }

    /// The encoding the profile was read from (`Xml` for built profiles).
    pub fn source_format(&self) -> ProfileFormat {
        self.format
    }

    /// The CMS container the profile was read from, when it was signed.
    pub fn signed_container(&self) -> Option<Vec<u8>> {
        self.signed_container.clone()
    }
}

/// Builds an enrollment profile: identity payload and MDM payload wired by UUID, with
/// deterministic UUIDs.
#[uniffi::export]
pub fn build_enrollment_profile(spec: EnrollmentSpec) -> Result<Arc<Profile>> {
    let profile = err(common::profile::build_enrollment_profile(spec))?;
    Ok(Arc::new(Profile {
        profile,
        format: ProfileFormat::Xml,
        signed_container: None,
    }))
}

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum SignatureAlgorithm {
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
}

/// Thrown by a foreign [`ExternalSigner`] when it cannot sign.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ExternalSignerFailure {
    /// The signer failed; `reason` must not contain secrets.
    #[error("{reason}")]
    Failed {
        /// Why.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ExternalSignerFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ExternalSignerFailure::Failed { reason: e.reason }
    }
}

/// A signing key that lives outside Rust (HSM, KMS, keychain), implemented in Swift or
/// Kotlin. It receives the exact bytes to sign and hashes them itself.
#[uniffi::export(with_foreign)]
pub trait ExternalSigner: Send + Sync {
    /// DER certificates: the signer certificate first, then intermediates.
    fn certificate_chain(&self) -> Vec<Vec<u8>>;
    /// Signs `message` with `algorithm`; ECDSA signatures as DER or raw `r||s`.
    fn sign(
        &self,
        message: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> std::result::Result<Vec<u8>, ExternalSignerFailure>;
}

/// Adapts a foreign signer to the core's signer trait.
struct ForeignSigner(Arc<dyn ExternalSigner>);

impl common::signing::ExternalSigner for ForeignSigner {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.0.certificate_chain()
    }

    fn sign(
        &self,
        message: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> std::result::Result<Vec<u8>, common::signing::ExternalSignerError> {
        self.0
            .sign(message, algorithm)
            .map_err(|e| common::signing::ExternalSignerError {
                message: e.to_string(),
            })
    }
}

/// A signing identity: a private key (or an external signer) and its certificate chain.
#[derive(uniffi::Object)]
pub struct Identity {
    identity: common::SigningIdentity,
}

#[uniffi::export]
impl Identity {
    /// From a private key and a certificate, each PEM or DER, plus intermediates.
    #[uniffi::constructor(default(chain = []))]
    pub fn from_pem_or_der(
        key: Vec<u8>,
        certificate: Vec<u8>,
        chain: Vec<Vec<u8>>,
    ) -> Result<Arc<Identity>> {
        let identity = err(common::signing::identity_from_pem_or_der(
            &key,
            &certificate,
            &chain,
        ))?;
        Ok(Arc::new(Identity { identity }))
    }

    /// From a PKCS#12 (`.p12`/`.pfx`) file.
    #[uniffi::constructor]
    pub fn from_pkcs12(data: Vec<u8>, password: String) -> Result<Arc<Identity>> {
        let identity = err(common::signing::identity_from_pkcs12(&data, &password))?;
        Ok(Arc::new(Identity { identity }))
    }

    /// From a foreign-implemented signer.
    #[uniffi::constructor]
    pub fn external(signer: Arc<dyn ExternalSigner>) -> Result<Arc<Identity>> {
        let identity = err(common::signing::identity_external(Arc::new(ForeignSigner(
            signer,
        ))))?;
        Ok(Arc::new(Identity { identity }))
    }

    /// `ec-p256`, `ec-p384` or `rsa-<bits>`.
    pub fn key_algorithm(&self) -> String {
        common::signing::key_algorithm_name(&self.identity)
    }

    /// DER certificates, signer first.
    pub fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.identity.certificate_chain().to_vec()
    }

    /// The signer certificate's subject (RFC 4514).
    pub fn subject(&self) -> Option<String> {
        self.identity
            .certificate_chain()
            .first()
            .and_then(|c| common::signing::certificate_subject(c))
    }
}

/// A prepared signer. Safe to share across threads.
#[derive(uniffi::Object)]
pub struct Signer {
    signer: common::CmsSigner,
}

#[uniffi::export]
impl Signer {
    /// A signer for `identity`; `digest` is `sha256` (default), `sha384` or `sha512`;
    /// `deterministic` gives byte-identical output for the same input and signing time.
    #[uniffi::constructor(default(digest = "sha256", deterministic = false))]
    pub fn new(
        identity: Arc<Identity>,
        digest: String,
        deterministic: bool,
    ) -> Result<Arc<Signer>> {
        let signer = err(common::signing::prepare_signer(
            identity.identity.clone(),
            &digest,
            deterministic,
        ))?;
        Ok(Arc::new(Signer { signer }))
    }

    /// Signs `content` (e.g. profile XML) as attached CMS SignedData (DER). `signing_time` is
    /// seconds since the Unix epoch; absent means now.
    #[uniffi::method(default(signing_time = None))]
    pub fn sign(&self, content: Vec<u8>, signing_time: Option<i64>) -> Result<Vec<u8>> {
        err(common::signing::sign(&self.signer, &content, signing_time))
    }
}

#[uniffi::remote(Enum)]
pub enum VerdictKind {
    Verified,
    NotVerified,
    Invalid,
    Unsigned,
}

#[uniffi::remote(Record)]
pub struct VerifyResult {
    pub verdict: VerdictKind,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub content: Option<Vec<u8>>,
    pub signer_chain: Vec<Vec<u8>>,
}

/// Trust anchors, parsed once, for verifying signed profiles.
#[derive(uniffi::Object)]
pub struct TrustStore {
    verifier: common::Verifier,
}

#[uniffi::export]
impl TrustStore {
    /// From DER or PEM certificates (an empty list trusts nothing: signed input is then at
    /// best `NotVerified`).
    #[uniffi::constructor]
    pub fn new(anchors: Vec<Vec<u8>>) -> Result<Arc<TrustStore>> {
        let mut ders = Vec::new();
        for a in anchors {
            ders.extend(err(common::signing::parse_certificates(&a))?);
        }
        let verifier = err(common::signing::verifier(ders))?;
        Ok(Arc::new(TrustStore { verifier }))
    }

    /// Verifies a signed profile at `time` (seconds since the epoch; absent means now).
    /// Malformed input is an `Invalid` verdict, not an error.
    #[uniffi::method(default(time = None))]
    pub fn verify(&self, data: Vec<u8>, time: Option<i64>) -> Result<VerifyResult> {
        err(common::signing::verify(&self.verifier, &data, time))
    }
}

/// Encrypts `content` to an RSA recipient certificate (PEM or DER) as CMS EnvelopedData.
/// `algorithm` is `aes256-cbc` (default) or `des-ede3-cbc`.
#[uniffi::export(default(algorithm = "aes256-cbc"))]
pub fn encrypt(
    content: Vec<u8>,
    recipient_certificate: Vec<u8>,
    algorithm: String,
) -> Result<Vec<u8>> {
    err(common::signing::encrypt(
        &content,
        &recipient_certificate,
        &algorithm,
    ))
}

/// Decrypts CMS EnvelopedData with the recipient's private key (PEM or DER).
#[uniffi::export]
pub fn decrypt(enveloped: Vec<u8>, private_key: Vec<u8>) -> Result<Vec<u8>> {
    err(common::signing::decrypt(&enveloped, &private_key))
}

/// Splits PEM or DER input into DER certificates.
#[uniffi::export]
pub fn parse_certificates(data: Vec<u8>) -> Result<Vec<Vec<u8>>> {
    err(common::signing::parse_certificates(&data))
}

// ---------------------------------------------------------------------------------------------
// Findings, flows, account names, PINs
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct Finding {
    pub code: String,
    pub severity: String,
    pub payload_index: Option<u64>,
    pub key_path: String,
    pub message: String,
    pub remediation: String,
}

#[uniffi::remote(Record)]
pub struct FlowStep {
    pub state_json: String,
    pub state: String,
    pub outcome: String,
    pub outcome_code: Option<String>,
    pub actions_json: Vec<String>,
    pub diagnostics: Vec<Finding>,
}

#[uniffi::remote(Record)]
pub struct DerivedAccount {
    pub name: String,
    pub source_claim: String,
    pub full_name: Option<String>,
    pub suffixed: bool,
}

/// A new web enrollment flow (state `awaiting_portal`) as JSON.
#[uniffi::export]
pub fn web_flow_new() -> Result<String> {
    err(common::flow::web_flow_new())
}

/// The state name of a web flow (`awaiting_sign_in`, `enrolled`, `failed`, ...).
#[uniffi::export]
pub fn web_flow_state(state_json: String) -> Result<String> {
    err(common::flow::web_flow_state(&state_json))
}

/// Hands one event (JSON: `at` RFC 3339 time plus a `type` tag) to a web flow under the
/// portal settings (JSON). Returns the new state, actions and diagnostics.
#[uniffi::export]
pub fn web_flow_handle(
    state_json: String,
    settings_json: String,
    event_json: String,
) -> Result<FlowStep> {
    err(common::flow::web_flow_handle(
        &state_json,
        &settings_json,
        &event_json,
    ))
}

/// A web flow's status at `now` (RFC 3339) as JSON: state, install window, next step.
#[uniffi::export]
pub fn web_flow_status(state_json: String, now: String) -> Result<String> {
    err(common::flow::web_flow_status(&state_json, &now))
}

/// A new login-window provisioning flow for a device (DeviceState JSON) as JSON.
#[uniffi::export]
pub fn login_flow_new(device_json: String) -> Result<String> {
    err(common::flow::login_flow_new(&device_json))
}

/// The state name of a login-window flow.
#[uniffi::export]
pub fn login_flow_state(state_json: String) -> Result<String> {
    err(common::flow::login_flow_state(&state_json))
}

/// Hands one event to a login-window flow under a provisioning policy (JSON).
#[uniffi::export]
pub fn login_flow_handle(
    state_json: String,
    policy_json: String,
    event_json: String,
) -> Result<FlowStep> {
    err(common::flow::login_flow_handle(
        &state_json,
        &policy_json,
        &event_json,
    ))
}

/// What the login window shows for the flow under a policy, as JSON.
#[uniffi::export]
pub fn login_flow_view(state_json: String, policy_json: String) -> Result<String> {
    err(common::flow::login_flow_view(&state_json, &policy_json))
}

/// Derives the local account name (`os`: `macos` or `windows`) from an IdP identity (JSON).
/// An empty `claim_order` uses the default order; `numeric_suffix` avoids collisions instead
/// of failing with `FLOW204`.
#[uniffi::export(default(claim_order = [], numeric_suffix = false))]
pub fn derive_account_name(
    os: String,
    identity_json: String,
    existing_accounts: Vec<String>,
    claim_order: Vec<String>,
    numeric_suffix: bool,
) -> Result<DerivedAccount> {
    err(common::flow::derive_account_name(
        &os,
        &identity_json,
        &existing_accounts,
        claim_order,
        numeric_suffix,
    ))
}

/// Checks a local account name against the platform's rules; throws `FLOW211` when broken.
#[uniffi::export]
pub fn validate_account_name(os: String, name: String) -> Result<()> {
    err(common::flow::validate_account_name(&os, &name))
}

/// Checks a Windows PIN; `null`/`nil` when acceptable, else the problem (`FLOW207`–`FLOW209`).
#[uniffi::export(default(min_length = 6, max_length = 127, digits_only = true))]
pub fn validate_pin(
    pin: String,
    min_length: u8,
    max_length: u8,
    digits_only: bool,
) -> Result<Option<Finding>> {
    err(common::flow::validate_pin(
        &pin,
        min_length,
        max_length,
        digits_only,
    ))
}

// ---------------------------------------------------------------------------------------------
// Windows provisioning packages
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct PackageFile {
    pub path: String,
    pub data: Vec<u8>,
}

#[uniffi::remote(Record)]
pub struct WindowsPackage {
    pub package_id: String,
    pub answer_file: Vec<u8>,
    pub diagnostics: Vec<Finding>,
    pub files: Vec<PackageFile>,
    pub icd_arguments: Vec<String>,
}

/// Generates a Windows provisioning package (answer file, manifest, build script) from the
/// `enrollkit windows-package` TOML spec, the assets it names, the `[merge]` base file, and
/// the values of the spec's `{ env = "NAME" }` secrets by variable name.
#[uniffi::export(default(assets = [], base_answer_file = None, secrets = None))]
pub fn generate_windows_package(
    spec_toml: String,
    assets: Vec<PackageFile>,
    base_answer_file: Option<Vec<u8>>,
    secrets: Option<std::collections::HashMap<String, String>>,
) -> Result<WindowsPackage> {
    err(common::ppkg::generate_windows_package(
        &spec_toml,
        &assets,
        base_answer_file.as_deref(),
        secrets.unwrap_or_default(),
    ))
}

/// Validates an existing Windows answer file (`customizations.xml`).
#[uniffi::export]
pub fn validate_answer_file(xml: Vec<u8>) -> Result<Vec<Finding>> {
    err(common::ppkg::validate_answer_file(&xml))
}

// ---------------------------------------------------------------------------------------------
// Lint and install check
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct LintOptions {
    #[uniffi(default = "macos")]
    pub platform: String,
    #[uniffi(default)]
    pub os_version: Option<String>,
    #[uniffi(default = "device")]
    pub enrollment: String,
    #[uniffi(default)]
    pub supervised: bool,
    #[uniffi(default)]
    pub manual_install: bool,
}

#[uniffi::remote(Record)]
pub struct InstallCheck {
    pub outcome: String,
    pub replaces: Option<String>,
    pub diagnostics: Vec<Finding>,
}

/// Lints a profile (XML, binary or signed) against Apple's schema for the device in `options`.
#[uniffi::export]
pub fn lint_profile(data: Vec<u8>, options: LintOptions) -> Result<Vec<Finding>> {
    err(common::lint::lint_profile(&data, &options))
}

/// Predicts installing `profile` on a device that already has the `installed` profiles:
/// `install`, `replace` (of `replaces`) or `rejected`, with the reasons.
#[uniffi::export]
pub fn check_install(
    profile: Vec<u8>,
    installed: Vec<Vec<u8>>,
    options: LintOptions,
) -> Result<InstallCheck> {
    err(common::lint::check_install(&profile, &installed, &options))
}

// ---------------------------------------------------------------------------------------------
// The protocol engine
// ---------------------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct CheckinInfo {
    pub message_type: String,
    pub device_kind: String,
    pub device_id: String,
    pub user_id: Option<String>,
    pub fields_json: String,
}

#[uniffi::remote(Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

#[uniffi::remote(Record)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    #[uniffi(default)]
    pub headers: Vec<HttpHeader>,
    #[uniffi(default)]
    pub body: Vec<u8>,
}

#[uniffi::remote(Record)]
pub struct RouteInfo {
    pub route: String,
    pub lookup: String,
    pub lookup_value: Option<String>,
}

#[uniffi::remote(Record)]
pub struct EngineReply {
    pub kind: String,
    pub status: u16,
    pub headers: Vec<HttpHeader>,
    pub body: Vec<u8>,
    pub token_request: Option<HttpRequest>,
    pub delegated_json: Option<String>,
    pub enrollment_json: Option<String>,
    pub effects_json: Vec<String>,
    pub refused_code: Option<String>,
    pub diagnostics: Vec<Finding>,
}

/// Reads a check-in body (XML or binary plist) into its message type, device and fields.
#[uniffi::export]
pub fn parse_checkin(body: Vec<u8>) -> Result<CheckinInfo> {
    err(common::protocol::parse_checkin(&body))
}

/// Verifies an `Mdm-Signature` header value over `body` against the device-identity CA
/// (PEM or DER) at `at` (RFC 3339, default now); returns the signer's subject.
#[uniffi::export(default(at = None))]
pub fn verify_mdm_signature(
    body: Vec<u8>,
    signature_header: String,
    anchors: Vec<u8>,
    at: Option<String>,
) -> Result<String> {
    err(common::protocol::verify_mdm_signature(
        &body,
        &signature_header,
        &anchors,
        at.as_deref(),
    ))
}

/// The enrollment engine: requests in, replies and effects out, enrollments as JSON.
#[derive(uniffi::Object)]
pub struct ProtocolEngine {
    engine: common::protocol::ProtocolEngine,
}

#[uniffi::export]
impl ProtocolEngine {
    /// An engine from its settings JSON, the profile signer (key and certificate) and the
    /// device-identity and attestation CAs (PEM or DER).
    #[uniffi::constructor]
    pub fn new(
        settings_json: String,
        signer_key: Vec<u8>,
        signer_certificate: Vec<u8>,
        device_identity_ca: Vec<u8>,
        attestation_ca: Vec<u8>,
    ) -> Result<Arc<ProtocolEngine>> {
        let engine = err(common::protocol::ProtocolEngine::new(
            &settings_json,
            &signer_key,
            &signer_certificate,
            &device_identity_ca,
            &attestation_ca,
        ))?;
        Ok(Arc::new(ProtocolEngine { engine }))
    }

    /// The request's step and how to find its enrollment.
    pub fn route(&self, request: HttpRequest) -> Result<RouteInfo> {
        err(self.engine.route(&request))
    }

    /// Handles a request with the enrollment the lookup found, at `now` (RFC 3339).
    #[uniffi::method(default(enrollment_json = None))]
    pub fn handle(
        &self,
        request: HttpRequest,
        enrollment_json: Option<String>,
        now: String,
    ) -> Result<EngineReply> {
        err(self
            .engine
            .handle(&request, enrollment_json.as_deref(), &now))
    }

    /// Validates the provider's token response for a sign-in callback; the verified sign-in
    /// as JSON.
    pub fn verify_sign_in(
        &self,
        enrollment_json: String,
        callback: HttpRequest,
        token_status: u16,
        token_body: Vec<u8>,
        jwks_json: String,
        now: String,
    ) -> Result<String> {
        err(self.engine.verify_sign_in(
            &enrollment_json,
            &callback,
            token_status,
            &token_body,
            &jwks_json,
            &now,
        ))
    }

    /// Admits the verified user (the host's directory record, or none for just in time).
    #[uniffi::method(default(directory_user_json = None))]
    pub fn complete_sign_in(
        &self,
        enrollment_json: String,
        verified_json: String,
        directory_user_json: Option<String>,
        now: String,
    ) -> Result<EngineReply> {
        err(self.engine.complete_sign_in(
            &enrollment_json,
            &verified_json,
            directory_user_json.as_deref(),
            &now,
        ))
    }

    /// The install-window timer fired for this enrollment.
    pub fn expire(&self, enrollment_json: String, now: String) -> Result<EngineReply> {
        err(self.engine.expire(&enrollment_json, &now))
    }

    /// The portal page's data as JSON.
    pub fn portal_view(&self, enrollment_json: String, now: String) -> Result<String> {
        err(self.engine.portal_view(&enrollment_json, &now))
    }

    /// Redeems a device's identity challenge (for the SCEP or ACME server); the enrollment
    /// JSON to store.
    pub fn redeem_identity_challenge(
        &self,
        enrollment_json: String,
        challenge: String,
        now: String,
    ) -> Result<String> {
        err(self
            .engine
            .redeem_identity_challenge(&enrollment_json, &challenge, &now))
    }
}
