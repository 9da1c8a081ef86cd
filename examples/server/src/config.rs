//! The server's configuration file (TOML): where it listens, its keys, its database, and the
//! engine's settings as they are.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use enrollkit::protocol::engine::EngineSettings;
use serde::{Deserialize, Serialize};

/// `enrollkit-server serve --config FILE`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Listen address (loopback in tests).
    pub listen: SocketAddr,
    /// TLS certificate chain and key (PEM). Without it the server speaks plain HTTP, for a
    /// TLS-terminating proxy in front or the loopback benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsFiles>,
    /// `sqlite://path?mode=rwc` or `postgres://…`.
    pub database: String,
    /// The engine's keys.
    pub keys: KeyFiles,
    /// The identity provider's JWKS URL (its keys for ID tokens).
    pub jwks_uri: String,
    /// Bearer secret the SCEP (or ACME) server presents to redeem identity challenges.
    pub scep_webhook_secret: String,
    /// The admin view's password (HTTP Basic, user `admin`, or a Bearer token).
    pub admin_password: String,
    /// Allow `POST /admin/test-clock?advance=SECONDS` (tests only).
    #[serde(default)]
    pub test_clock: bool,
    /// Largest request body, in bytes (default 1 MiB).
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Seconds a client may take to send its body (default 10).
    #[serde(default = "default_body_timeout")]
    pub body_timeout_seconds: u64,
    /// The engine's settings (base URL, profile, portal, OIDC, account-driven, ADE).
    pub engine: EngineSettings,
}

/// TLS files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// Certificate chain (PEM), leaf first.
    pub certificate: PathBuf,
    /// Private key (PEM, PKCS#8).
    pub key: PathBuf,
}

/// The engine's key files (PEM).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFiles {
    /// The profile signer's private key.
    pub signer_key: PathBuf,
    /// The profile signer's certificate (and chain).
    pub signer_certificate: PathBuf,
    /// The CA that issues device identities (SCEP/ACME).
    pub device_identity_ca: PathBuf,
    /// The device-attestation anchors (Apple's device CAs in production).
    pub attestation_ca: PathBuf,
}

fn default_body_limit() -> usize {
    1024 * 1024
}

fn default_body_timeout() -> u64 {
    10
}

impl ServerConfig {
    /// Reads the file; relative paths in it are taken relative to its folder.
    pub fn load(path: &Path) -> Result<ServerConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: ServerConfig =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        fix(&mut config.keys.signer_key);
        fix(&mut config.keys.signer_certificate);
        fix(&mut config.keys.device_identity_ca);
        fix(&mut config.keys.attestation_ca);
        if let Some(tls) = &mut config.tls {
            fix(&mut tls.certificate);
            fix(&mut tls.key);
        }
        if let Some(rest) = config.database.strip_prefix("sqlite://")
            && !rest.starts_with('/')
            && !rest.starts_with(":memory:")
        {
            config.database = format!("sqlite://{}", base.join(rest).display());
        }
        Ok(config)
    }
}

/// `enrollkit-server config`: a configuration for a local run.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// The folder `init` wrote (paths in the file are relative to where the file goes).
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// The public origin, e.g. `https://localhost:8443`.
    #[arg(long)]
    pub origin: url::Url,
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// Serve plain HTTP (a benchmark on loopback, or a TLS proxy in front).
    #[arg(long)]
    pub no_tls: bool,
    /// `sqlite://…` or `postgres://…`.
    #[arg(long, default_value = "sqlite://state/enrollkit.db?mode=rwc")]
    pub database: String,
    /// The OpenID provider's issuer; its endpoints are Keycloak's paths under it unless given.
    #[arg(long)]
    pub issuer: String,
    /// Authorization endpoint (default `{issuer}/protocol/openid-connect/auth`).
    #[arg(long)]
    pub authorization_endpoint: Option<url::Url>,
    /// Token endpoint (default `{issuer}/protocol/openid-connect/token`).
    #[arg(long)]
    pub token_endpoint: Option<url::Url>,
    /// JWKS (default `{issuer}/protocol/openid-connect/certs`).
    #[arg(long)]
    pub jwks_uri: Option<String>,
    /// The client registered at the provider.
    #[arg(long, default_value = "enrollkit")]
    pub client_id: String,
    /// Its secret.
    #[arg(long)]
    pub client_secret: Option<String>,
    /// The account domains enrolled here.
    #[arg(long = "domain", default_values_t = ["example.test".to_owned()])]
    pub domains: Vec<String>,
    /// `personal` (User Enrollment) or `corporate` (device enrollment, OTA).
    #[arg(long, default_value = "personal")]
    pub ownership: String,
    /// Require a second factor at sign-in.
    #[arg(long)]
    pub require_mfa: bool,
    /// The MDM push topic.
    #[arg(
        long,
        default_value = "com.apple.mgmt.External.6e3f1a52-8d4b-4c1e-9a7f-2b5d0c8e1f43"
    )]
    pub topic: String,
    /// The SCEP challenge webhook's secret (default: fresh).
    #[arg(long)]
    pub scep_webhook_secret: Option<String>,
    /// The admin view's password (default: fresh).
    #[arg(long)]
    pub admin_password: Option<String>,
    /// Let tests move the clock.
    #[arg(long)]
    pub test_clock: bool,
    /// Seconds a client may take to send its body.
    #[arg(long, default_value_t = 10)]
    pub body_timeout_seconds: u64,
}

fn random_text() -> String {
    use enrollkit::protocol::entropy::{Entropy, OsEntropy};
    let mut bytes = [0u8; 32];
    OsEntropy.fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The configuration `args` describe, as TOML.
pub fn write(args: &ConfigArgs) -> Result<String, String> {
    use enrollkit::protocol::build::{IdentityIssuer, ProfileSettings};
    use enrollkit::protocol::engine::{AccountDrivenSettings, PortalPolicy};
    use enrollkit::protocol::oidc::OidcSettings;

    let origin = args.origin.as_str().trim_end_matches('/').to_owned();
    let url = |s: String| url::Url::parse(&s).map_err(|e| format!("{s}: {e}"));
    let issuer = args.issuer.trim_end_matches('/');
    let keycloak = |leaf: &str| format!("{issuer}/protocol/openid-connect/{leaf}");
    let ownership = serde_json::from_value(serde_json::Value::String(args.ownership.clone()))
        .map_err(|_| {
            format!(
                "--ownership is personal or corporate, not {}",
                args.ownership
            )
        })?;
    let tls_root = crate::keys::der_certificates(&args.keys.join("tls-ca.pem"))?;
    let mut oidc = OidcSettings::new(
        issuer,
        args.client_id.clone(),
        args.authorization_endpoint
            .clone()
            .map_or_else(|| url(keycloak("auth")), Ok)?,
        args.token_endpoint
            .clone()
            .map_or_else(|| url(keycloak("token")), Ok)?,
        url(format!("{origin}/oidc/callback"))?,
    );
    oidc.client_secret = args.client_secret.clone().map(enrollkit::Secret::new);
    let config = ServerConfig {
        listen: args.listen,
        tls: (!args.no_tls).then(|| TlsFiles {
            certificate: args.keys.join("tls.pem"),
            key: args.keys.join("tls.key"),
        }),
        database: args.database.clone(),
        keys: KeyFiles {
            signer_key: args.keys.join("signer.key"),
            signer_certificate: args.keys.join("signer.pem"),
            device_identity_ca: args.keys.join("device-ca.pem"),
            attestation_ca: args.keys.join("attestation-ca.pem"),
        },
        jwks_uri: args.jwks_uri.clone().unwrap_or_else(|| keycloak("certs")),
        scep_webhook_secret: args.scep_webhook_secret.clone().unwrap_or_else(random_text),
        admin_password: args.admin_password.clone().unwrap_or_else(random_text),
        test_clock: args.test_clock,
        body_limit: default_body_limit(),
        body_timeout_seconds: args.body_timeout_seconds,
        engine: EngineSettings {
            base_url: url(format!("{origin}/"))?,
            profile: ProfileSettings {
                identifier: "test.enrollkit.enrollment".into(),
                organization: "Enrollkit Test Lab".into(),
                topic: args.topic.clone(),
                mdm_base_url: url(format!("{origin}/mdm"))?,
                identity: IdentityIssuer::Scep {
                    url: url(format!("{origin}/scep"))?,
                    name: None,
                    key_size: 2048,
                },
                // The throwaway TLS root, so a device trusts the MDM URLs.
                anchors: tls_root,
                sign_message: true,
                device_access_rights: 8191,
                challenge_margin_seconds: 22 * 60,
            },
            portal: PortalPolicy {
                require_mfa: args.require_mfa,
                jit_registration: true,
                ownership,
            },
            oidc,
            account_driven: AccountDrivenSettings {
                domains: args.domains.clone(),
                device_enrollment: false,
            },
            ade: Default::default(),
            limits: Default::default(),
            secret_key: enrollkit::Secret::new(random_text()),
            encrypt_ota_profiles: true,
        },
    };
    toml::to_string(&config).map_err(|e| e.to_string())
}
