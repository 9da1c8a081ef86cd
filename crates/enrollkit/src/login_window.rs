//! The configuration profile a macOS login-window policy needs, built through the profile crate.
//!
//! * `com.apple.loginwindow` carries the policy's login-window text (`LoginwindowText`).
//! * With `first_account = "platform_sso"`, a `com.apple.extensiblesso` payload configures the
//!   IdP's SSO extension for Platform SSO so that macOS 26 registers it and creates the first
//!   account in Setup Assistant (`EnableRegistrationDuringSetup`,
//!   `EnableCreateFirstUserDuringSetup`), with the account's privileges from the policy's
//!   permission and its name from the policy's first naming claim. Password sync maps to
//!   the `Password` authentication method (the local password follows the IdP's); without it
//!   the Mac uses a Secure Enclave key and the user keeps a local password.
//!
//! ```
//! use enrollkit::flow::login_window::{FirstAccount, ProvisioningPolicy};
//! use enrollkit::login_window::{PlatformSsoExtension, login_window_profile};
//!
//! let mut policy: ProvisioningPolicy = serde_json::from_str(r#"{"org_name": "Example"}"#)?;
//! policy.macos.login_window_text = Some("Connect to Wi-Fi first".into());
//! policy.macos.first_account = FirstAccount::PlatformSso;
//! let sso = PlatformSsoExtension::microsoft_enterprise_sso();
//! let profile = login_window_profile(&policy, "com.example.loginwindow", Some(&sso))?;
//! assert_eq!(profile.payloads().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use enrollkit_flow::FlowError;
use enrollkit_flow::login_window::{FirstAccount, Permission, ProvisioningPolicy};
use enrollkit_profile::plist::{Dictionary, Value};
use enrollkit_profile::{
    ExtensibleSsoPayload, LoginWindowPayload, PayloadBuilder, Profile, ProfileBuilder, SsoType,
};

use crate::Error;

/// The IdP's SSO extension that Platform SSO runs through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSsoExtension {
    /// `ExtensionIdentifier`: the extension's bundle identifier.
    pub extension_identifier: String,
    /// `TeamIdentifier`: its developer team (required on macOS).
    pub team_identifier: String,
    /// `URLs` the Redirect extension handles.
    pub urls: Vec<String>,
}

impl PlatformSsoExtension {
    /// Microsoft's Enterprise SSO extension (Company Portal), as Microsoft documents it for
    /// Platform SSO with Entra ID.
    pub fn microsoft_enterprise_sso() -> Self {
        PlatformSsoExtension {
            extension_identifier: "com.microsoft.CompanyPortalMac.ssoextension".into(),
            team_identifier: "UBF8T346G9".into(),
            urls: [
                "https://login.microsoftonline.com",
                "https://login.microsoft.com",
                "https://sts.windows.net",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

fn platform_sso_settings(policy: &ProvisioningPolicy) -> Result<Dictionary, Error> {
    let mac = &policy.macos;
    let mode = match mac.permission {
        Permission::Standard => "Standard",
        Permission::Admin => "Admin",
        Permission::PasswordlessSudo => {
            return Err(FlowError::Configuration(
                "macos.permission: passwordless_sudo is a sudoers rule the agent writes; Platform SSO cannot grant it, so first_account = \"platform_sso\" needs standard or admin".into(),
            )
            .into());
        }
    };
    let account_claim = mac
        .naming
        .claim_order
        .first()
        .cloned()
        .unwrap_or_else(|| "preferred_username".into());
    let mut mapping = Dictionary::new();
    mapping.insert("AccountName".into(), Value::String(account_claim));
    mapping.insert("FullName".into(), Value::String("name".into()));
    let method = if mac.password_sync {
        "Password"
    } else {
        "UserSecureEnclaveKey"
    };
    let mut settings = Dictionary::new();
    settings.insert("AuthenticationMethod".into(), Value::String(method.into()));
    settings.insert("UseSharedDeviceKeys".into(), Value::Boolean(true));
    settings.insert(
        "AccountDisplayName".into(),
        Value::String(policy.org_name.clone()),
    );
    settings.insert("EnableRegistrationDuringSetup".into(), Value::Boolean(true));
    settings.insert(
        "EnableCreateFirstUserDuringSetup".into(),
        Value::Boolean(true),
    );
    settings.insert("UserAuthorizationMode".into(), Value::String(mode.into()));
    settings.insert(
        "NewUserAuthorizationMode".into(),
        Value::String(mode.into()),
    );
    settings.insert("TokenToUserMapping".into(), Value::Dictionary(mapping));
    Ok(settings)
}

/// The profile for `policy`'s macOS side: `com.apple.loginwindow` when the policy has
/// login-window text, and the Platform SSO payload when `first_account` is `platform_sso`
/// (then `sso` names the extension; without it the call fails). The profile's identifier is
/// `identifier`; payload identifiers are `identifier.loginwindow` and `identifier.platformsso`.
pub fn login_window_profile(
    policy: &ProvisioningPolicy,
    identifier: &str,
    sso: Option<&PlatformSsoExtension>,
) -> Result<Profile, Error> {
    policy.validate()?;
    let mut builder = ProfileBuilder::new(identifier)
        .display_name(format!("{} login window", policy.org_name))
        .organization(policy.org_name.clone());
    if let Some(text) = &policy.macos.login_window_text {
        builder = builder.payload(
            PayloadBuilder::new(format!("{identifier}.loginwindow"))
                .display_name("Login window")
                .build(LoginWindowPayload::default().with_loginwindow_text(text.clone()))?,
        );
    }
    if policy.macos.first_account == FirstAccount::PlatformSso {
        let sso = sso.ok_or_else(|| {
            FlowError::Configuration(
                "macos.first_account = \"platform_sso\" needs the IdP's SSO extension".into(),
            )
        })?;
        let payload = ExtensibleSsoPayload::default()
            .with_extension_identifier(sso.extension_identifier.clone())
            .with_team_identifier(sso.team_identifier.clone())
            .with_sso_type(SsoType::Redirect)
            .with_urls(sso.urls.clone())
            .with_platform_sso(platform_sso_settings(policy)?);
        builder = builder.payload(
            PayloadBuilder::new(format!("{identifier}.platformsso"))
                .display_name("Platform SSO")
                .build(payload)?,
        );
    }
    Ok(builder.build()?)
}
