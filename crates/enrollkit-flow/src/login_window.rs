//! Self-service account provisioning at the login window (macOS login window, Windows
//! credential provider).
//!
//! ```text
//!            +--refresh (re-evaluate view)--+
//!            v                              |
//!   idle / provisioned / failed --sign_in_selected (option shown)--> authenticating
//!        ^      ^                                                   | idp_authenticated
//!        |      |  (MFA missing FLOW203, account exists FLOW204,    |
//!        |      +-- no usable name FLOW205, IdP failure FLOW212) ---+
//!        |                                                          | macOS: create account
//!        +------------------------------- provisioned <-------------+
//!                                              ^                    | Windows
//!                                              |                    v
//!                        credentials_submitted (password matches, PIN ok)  confirming_credentials
//!                                                                   (FLOW206..FLOW209: stay)
//! cancelled: authenticating / confirming_credentials -> idle
//! ```
//!
//! "Sign in with <org>" is offered only when the OS policy is on (on macOS, with the new login
//! window) and the device has no managed user and has not used self-service provisioning yet
//! — unless the policy allows multiple managed users. An existing local account is never taken
//! over.

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, Timestamp};
use enrollkit_diagnostic::{Code, Coded};

use crate::codes;
use crate::error::FlowError;
use crate::identity::{Identity, UserKey};
use crate::naming::{DerivedAccount, DesktopOs, NamingError, NamingPolicy, derive_account};
use crate::pin::PinPolicy;
use crate::secret::{Secret, SecretDigest};
use crate::transition::{Timed, Transition, timed_step};

/// Permission level of the account created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Standard user.
    #[default]
    Standard,
    /// Administrator.
    Admin,
    /// macOS only: an administrator who may run `sudo` without typing a password (the agent
    /// adds a sudoers entry for the account). Windows has no equivalent; a Windows policy with
    /// it is refused.
    PasswordlessSudo,
}

/// Who creates the first local account on a Mac.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstAccount {
    /// The agent, at the login window ("Sign in with <org>").
    #[default]
    Agent,
    /// macOS itself, with Platform SSO during Setup Assistant (macOS 26 and later; earlier
    /// Macs fall back to the agent with FLOW219). macOS only.
    PlatformSso,
}

/// How the first account of a device is created, decided from the policy and the OS version
/// ([`first_account_method`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstAccountMethod {
    /// The agent at the login window.
    Agent,
    /// The agent, because the policy asked for Platform SSO but the Mac is older than
    /// macOS 26.
    AgentFallback,
    /// Platform SSO in Setup Assistant.
    PlatformSso,
}

/// The first macOS release whose Setup Assistant creates the first account with Platform SSO.
pub const PLATFORM_SSO_FIRST_ACCOUNT_MACOS: u32 = 26;

/// How the first account of `device` is created under `policy`. The OS version is read from
/// `device.os_version` (`26.1`, `15.4.1`, `macOS 26.0`); an unreadable version counts as
/// older than 26, so the agent is kept.
pub fn first_account_method(
    policy: &ProvisioningPolicy,
    device: &DeviceState,
) -> FirstAccountMethod {
    if device.os != DesktopOs::Macos || policy.macos.first_account == FirstAccount::Agent {
        return FirstAccountMethod::Agent;
    }
    let major = device
        .os_version
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|part| part.parse::<u32>().ok());
    match major {
        Some(m) if m >= PLATFORM_SSO_FIRST_ACCOUNT_MACOS => FirstAccountMethod::PlatformSso,
        _ => FirstAccountMethod::AgentFallback,
    }
}

/// Login-window policy of one OS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OsPolicy {
    /// Self-service provisioning on or off.
    pub enabled: bool,
    /// Permission level of new accounts.
    pub permission: Permission,
    /// Allow self-service provisioning while managed users exist (shared devices).
    pub allow_multiple_managed_users: bool,
    /// macOS: the new login window (needed for the sign-in option and status items).
    pub new_login_window: bool,
    /// Text shown on the login window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_window_text: Option<String>,
    /// Account naming.
    pub naming: NamingPolicy,
    /// Windows PIN rules.
    pub pin: PinPolicy,
    /// The local account's password is the directory password (default). Off: the user picks
    /// a local password at the login window (Windows: with the PIN), which never leaves the
    /// device.
    pub password_sync: bool,
    /// macOS: who creates the first account.
    pub first_account: FirstAccount,
}

impl Default for OsPolicy {
    fn default() -> Self {
        OsPolicy {
            enabled: false,
            permission: Permission::Standard,
            allow_multiple_managed_users: false,
            new_login_window: true,
            login_window_text: None,
            naming: NamingPolicy::default(),
            pin: PinPolicy::default(),
            password_sync: true,
            first_account: FirstAccount::Agent,
        }
    }
}

/// The organisation's self-service provisioning policy, per OS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningPolicy {
    /// Shown as "Sign in with <org_name>".
    pub org_name: String,
    /// macOS policy.
    #[serde(default)]
    pub macos: OsPolicy,
    /// Windows policy.
    #[serde(default)]
    pub windows: OsPolicy,
}

impl ProvisioningPolicy {
    /// The policy for `os`.
    pub fn for_os(&self, os: DesktopOs) -> &OsPolicy {
        match os {
            DesktopOs::Macos => &self.macos,
            DesktopOs::Windows => &self.windows,
        }
    }

    /// Checks the policy: an organisation name, non-empty claim orders, a permission the OS
    /// has, a valid PIN policy.
    pub fn validate(&self) -> Result<(), FlowError> {
        if self.org_name.trim().is_empty() {
            return Err(FlowError::Configuration("org_name is empty".into()));
        }
        for (os, p) in [("macos", &self.macos), ("windows", &self.windows)] {
            if p.naming.claim_order.is_empty() {
                return Err(FlowError::Configuration(format!(
                    "{os}.naming.claim_order is empty"
                )));
            }
        }
        if self.windows.permission == Permission::PasswordlessSudo {
            return Err(FlowError::Configuration(
                "windows.permission: passwordless_sudo is macOS only; use standard or admin".into(),
            ));
        }
        if self.windows.first_account != FirstAccount::Agent {
            return Err(FlowError::Configuration(
                "windows.first_account: platform_sso is macOS only; Windows accounts come from the agent".into(),
            ));
        }
        self.windows.pin.validate()
    }
}

/// A local account on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalAccount {
    /// Account (short / SAM) name.
    pub name: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Bound to a directory user (managed).
    #[serde(default)]
    pub managed: bool,
}

/// The device as the agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceState {
    /// macOS or Windows.
    pub os: DesktopOs,
    /// Host name.
    #[serde(default)]
    pub host_name: String,
    /// Serial number.
    #[serde(default)]
    pub serial_number: String,
    /// MAC address.
    #[serde(default)]
    pub mac_address: String,
    /// IP address.
    #[serde(default)]
    pub ip_address: String,
    /// OS version string.
    #[serde(default)]
    pub os_version: String,
    /// Internet reachable.
    #[serde(default)]
    pub online: bool,
    /// Local accounts.
    #[serde(default)]
    pub accounts: Vec<LocalAccount>,
    /// Self-service provisioning was used on this device (one-time action).
    #[serde(default)]
    pub self_service_used: bool,
    /// The agent's service is running; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_running: Option<bool>,
    /// Windows edition; `None` when not reported (or on macOS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_edition: Option<WindowsEdition>,
    /// CPU architecture; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Directory the device is joined to; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_join: Option<DirectoryJoin>,
}

/// Windows editions, as the credential provider's prerequisites name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowsEdition {
    /// Windows Home: not supported.
    Home,
    /// Windows Pro (and Pro for Workstations).
    Pro,
    /// Windows Enterprise.
    Enterprise,
    /// Windows Education.
    Education,
    /// Windows Server: not supported.
    Server,
}

/// CPU architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// x86-64.
    X64,
    /// ARM64: the Windows credential provider does not support it.
    Arm64,
}

/// What the device is joined to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryJoin {
    /// Not joined.
    None,
    /// Joined to Active Directory.
    ActiveDirectory,
    /// Joined to Entra ID (or hybrid-joined).
    EntraId,
}

impl DeviceState {
    /// The first prerequisite of self-service provisioning the device is known to miss:
    /// the agent running; on Windows an edition and architecture the credential provider
    /// supports; no directory join. Facts the agent did not report are not held against it.
    pub fn missing_prerequisite(&self) -> Option<Code> {
        if self.agent_running == Some(false) {
            return Some(codes::AGENT_NOT_RUNNING);
        }
        if self.os == DesktopOs::Windows
            && (matches!(
                self.windows_edition,
                Some(WindowsEdition::Home | WindowsEdition::Server)
            ) || self.architecture == Some(Architecture::Arm64))
        {
            return Some(codes::UNSUPPORTED_DEVICE);
        }
        if matches!(
            self.directory_join,
            Some(DirectoryJoin::ActiveDirectory | DirectoryJoin::EntraId)
        ) {
            return Some(codes::DIRECTORY_JOINED);
        }
        None
    }

    /// Number of managed (directory-bound) accounts.
    pub fn managed_users(&self) -> usize {
        self.accounts.iter().filter(|a| a.managed).count()
    }

    /// Names of all local accounts.
    pub fn account_names(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.name.clone()).collect()
    }
}

/// What a refresh reads from the device; the one-time flag is kept by the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSnapshot {
    /// Local accounts now.
    pub accounts: Vec<LocalAccount>,
    /// Internet reachable now, if re-checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    /// IP address now, if re-read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// Which login UI is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginWindowStyle {
    /// The vendor's macOS login window (Wi-Fi, refresh, info panel).
    NewLoginWindow,
    /// The stock macOS login window.
    ClassicLoginWindow,
    /// Windows sign-in screen with the vendor's credential provider tile.
    CredentialProvider,
}

/// One user on the login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTile {
    /// Account name.
    pub name: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Marked as managed.
    pub managed: bool,
}

/// The info panel of the new login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoPanel {
    /// Host name.
    pub host_name: String,
    /// Serial number.
    pub serial_number: String,
    /// MAC address.
    pub mac_address: String,
    /// IP address.
    pub ip_address: String,
    /// OS version.
    pub os_version: String,
}

/// Status items of the new login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusItems {
    /// The Wi-Fi indicator: green when online.
    pub online: bool,
    /// The info panel.
    pub info: InfoPanel,
}

/// What the login window shows: a pure function of policy and device ([`login_window_view`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginWindowView {
    /// Which UI.
    pub style: LoginWindowStyle,
    /// "Sign in with <org>", when offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_option: Option<String>,
    /// Why the option is not offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_because: Option<Code>,
    /// Users, managed ones marked.
    pub users: Vec<UserTile>,
    /// Status items (new macOS login window only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusItems>,
    /// Policy text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A refresh button is shown (new macOS login window).
    pub refresh_button: bool,
}

/// Whether self-service provisioning is offered, or the code saying why not.
pub fn self_service_availability(
    policy: &ProvisioningPolicy,
    device: &DeviceState,
) -> Result<(), Code> {
    let p = policy.for_os(device.os);
    if !p.enabled || (device.os == DesktopOs::Macos && !p.new_login_window) {
        return Err(codes::SELF_SERVICE_DISABLED);
    }
    if let Some(code) = device.missing_prerequisite() {
        return Err(code);
    }
    if first_account_method(policy, device) == FirstAccountMethod::PlatformSso {
        return Err(codes::FIRST_ACCOUNT_BY_PLATFORM_SSO);
    }
    if !p.allow_multiple_managed_users {
        if device.managed_users() > 0 {
            return Err(codes::MANAGED_USER_PRESENT);
        }
        if device.self_service_used {
            return Err(codes::SELF_SERVICE_ALREADY_USED);
        }
    }
    Ok(())
}

/// The login window for `device` under `policy`.
pub fn login_window_view(policy: &ProvisioningPolicy, device: &DeviceState) -> LoginWindowView {
    let p = policy.for_os(device.os);
    let style = match device.os {
        DesktopOs::Windows => LoginWindowStyle::CredentialProvider,
        DesktopOs::Macos if p.new_login_window => LoginWindowStyle::NewLoginWindow,
        DesktopOs::Macos => LoginWindowStyle::ClassicLoginWindow,
    };
    let available = self_service_availability(policy, device);
    let new_window = style == LoginWindowStyle::NewLoginWindow;
    LoginWindowView {
        style,
        sign_in_option: available
            .is_ok()
            .then(|| format!("Sign in with {}", policy.org_name)),
        hidden_because: available.err(),
        users: device
            .accounts
            .iter()
            .map(|a| UserTile {
                name: a.name.clone(),
                full_name: a.full_name.clone(),
                managed: a.managed,
            })
            .collect(),
        status: new_window.then(|| StatusItems {
            online: device.online,
            info: InfoPanel {
                host_name: device.host_name.clone(),
                serial_number: device.serial_number.clone(),
                mac_address: device.mac_address.clone(),
                ip_address: device.ip_address.clone(),
                os_version: device.os_version.clone(),
            },
        }),
        text: p.login_window_text.clone(),
        refresh_button: new_window,
    }
}

/// Events at the login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LoginEvent {
    /// The refresh button (or the agent) re-read the device, e.g. after an admin bound a user.
    Refresh {
        /// What the device has now.
        device: DeviceSnapshot,
    },
    /// The user chose "Sign in with <org>".
    SignInSelected,
    /// The IdP web sign-in succeeded.
    IdpAuthenticated {
        /// The asserted identity.
        identity: Identity,
        /// The user has MFA enrolled.
        #[serde(default)]
        mfa_enrolled: bool,
        /// MFA was completed in this sign-in.
        #[serde(default)]
        mfa_completed: bool,
        /// The password typed in the web view (Windows reconfirms it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<Secret>,
    },
    /// The IdP web sign-in failed.
    IdpFailed {
        /// The IdP's reason.
        reason: String,
    },
    /// Windows: the reconfirmed password and the new PIN.
    CredentialsSubmitted {
        /// Password, typed again.
        password: Secret,
        /// The PIN.
        pin: Secret,
    },
    /// The user closed the web view or the credential prompt.
    Cancelled,
}

impl LoginEvent {
    /// The event's `type` name.
    pub fn name(&self) -> &'static str {
        match self {
            LoginEvent::Refresh { .. } => "refresh",
            LoginEvent::SignInSelected => "sign_in_selected",
            LoginEvent::IdpAuthenticated { .. } => "idp_authenticated",
            LoginEvent::IdpFailed { .. } => "idp_failed",
            LoginEvent::CredentialsSubmitted { .. } => "credentials_submitted",
            LoginEvent::Cancelled => "cancelled",
        }
    }
}

/// Effects for the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum LoginAction {
    /// Show the login window.
    ShowLoginWindow {
        /// What to show.
        view: LoginWindowView,
    },
    /// Open the IdP web sign-in.
    OpenWebSignIn {
        /// "Sign in with <org>".
        title: String,
    },
    /// Windows: ask for a password and a new PIN. With password sync it is the directory
    /// password again (it must match); without, a new local password.
    PromptPasswordAndPin {
        /// The account being created.
        account_name: String,
        /// The password must equal the one typed at the IdP (password sync on).
        reconfirm_password: bool,
        /// PIN minimum length.
        pin_min_length: u8,
        /// PIN maximum length.
        pin_max_length: u8,
    },
    /// Create the local account and bind it to the directory user (managed).
    CreateLocalAccount {
        /// OS.
        os: DesktopOs,
        /// Account name.
        name: String,
        /// Full name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        full_name: Option<String>,
        /// Permission level from the policy.
        permission: Permission,
        /// The directory user it is bound to.
        user: UserKey,
        /// The claim the name came from.
        source_claim: String,
        /// Windows: set the PIN submitted with the credentials.
        set_pin: bool,
        /// The local password is the directory password. Off: macOS asks the user for a local
        /// password when it creates the account; Windows uses the one just submitted.
        password_synced: bool,
    },
}

/// At the login window, nothing in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Idle {
    /// The device.
    pub device: DeviceState,
}

/// The IdP web view is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authenticating {
    /// The device.
    pub device: DeviceState,
}

/// Windows: waiting for the reconfirmed password and the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmingCredentials {
    /// The device.
    pub device: DeviceState,
    /// The account to create.
    pub account: DerivedAccount,
    /// The user.
    pub user: UserKey,
    /// Digest of the sign-in password (never the password); `None` without password sync,
    /// when the user picks a new local password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretDigest>,
}

/// An account was just provisioned; back at the login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provisioned {
    /// The device, now with the managed account.
    pub device: DeviceState,
    /// The account created.
    pub account: String,
    /// When.
    pub provisioned_at: Timestamp,
}

/// The last attempt failed; back at the login window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// The device (unchanged by the attempt).
    pub device: DeviceState,
    /// Why.
    pub failure: Code,
}

/// The states of login-window provisioning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LoginState {
    /// See [`Idle`].
    Idle(Idle),
    /// See [`Authenticating`].
    Authenticating(Authenticating),
    /// See [`ConfirmingCredentials`].
    ConfirmingCredentials(ConfirmingCredentials),
    /// See [`Provisioned`].
    Provisioned(Provisioned),
    /// See [`Failed`].
    Failed(Failed),
}

type Step = Transition<LoginState, LoginAction>;

fn reject(state: LoginState, event: &LoginEvent) -> Step {
    let name = state.name();
    Transition::unexpected(state, name, event.name())
}

fn show(policy: &ProvisioningPolicy, state: LoginState) -> Step {
    let view = login_window_view(policy, state.device());
    Transition::to(state).with_action(LoginAction::ShowLoginWindow { view })
}

fn fail(
    policy: &ProvisioningPolicy,
    device: DeviceState,
    diagnostic: enrollkit_diagnostic::Diagnostic,
) -> Step {
    let failed = LoginState::Failed(Failed {
        device,
        failure: diagnostic.code,
    });
    let view = login_window_view(policy, failed.device());
    Transition::failed(failed, diagnostic).with_action(LoginAction::ShowLoginWindow { view })
}

/// What is wrong with a list of local accounts, if anything: a nameless account, or a name
/// listed twice. Names compare without case, as on both platforms.
fn account_list_problem(accounts: &[LocalAccount]) -> Option<String> {
    let mut seen = std::collections::HashSet::with_capacity(accounts.len());
    for account in accounts {
        if account.name.is_empty() {
            return Some("a local account has no name".into());
        }
        if !seen.insert(account.name.to_lowercase()) {
            return Some(format!(
                "the local account {:?} is listed twice",
                account.name
            ));
        }
    }
    None
}

/// Events every "at the login window" state (idle, provisioned, failed) handles alike.
fn at_login_window(policy: &ProvisioningPolicy, state: LoginState, event: LoginEvent) -> Step {
    match event {
        LoginEvent::Refresh { device: snapshot } => {
            if let Some(problem) = account_list_problem(&snapshot.accounts) {
                let d = codes::DEVICE_SNAPSHOT_INVALID.at("event.device.accounts", problem);
                return Transition::rejected(state, d);
            }
            let mut device = state.into_device();
            device.accounts = snapshot.accounts;
            if let Some(online) = snapshot.online {
                device.online = online;
            }
            if let Some(ip) = snapshot.ip_address {
                device.ip_address = ip;
            }
            show(policy, LoginState::Idle(Idle { device }))
        }
        LoginEvent::SignInSelected => match self_service_availability(policy, state.device()) {
            Ok(()) => {
                let title = format!("Sign in with {}", policy.org_name);
                let fallback = first_account_method(policy, state.device())
                    == FirstAccountMethod::AgentFallback;
                let step = Transition::to(LoginState::Authenticating(Authenticating {
                    device: state.into_device(),
                }))
                .with_action(LoginAction::OpenWebSignIn { title });
                if fallback {
                    step.with_diagnostic(
                        codes::PLATFORM_SSO_NEEDS_MACOS_26.diagnostic("device.os_version"),
                    )
                } else {
                    step
                }
            }
            Err(code) => Transition::rejected(state, code.diagnostic("device")),
        },
        other => reject(state, &other),
    }
}

fn create(
    policy: &ProvisioningPolicy,
    mut device: DeviceState,
    account: DerivedAccount,
    user: UserKey,
    at: Timestamp,
) -> Step {
    let p = policy.for_os(device.os);
    let action = LoginAction::CreateLocalAccount {
        os: device.os,
        name: account.name.clone(),
        full_name: account.full_name.clone(),
        permission: p.permission,
        user,
        source_claim: account.source_claim,
        set_pin: device.os == DesktopOs::Windows,
        password_synced: p.password_sync,
    };
    device.accounts.push(LocalAccount {
        name: account.name.clone(),
        full_name: account.full_name,
        managed: true,
    });
    device.self_service_used = true;
    let state = LoginState::Provisioned(Provisioned {
        device,
        account: account.name,
        provisioned_at: at,
    });
    let view = login_window_view(policy, state.device());
    Transition::to(state)
        .with_action(action)
        .with_action(LoginAction::ShowLoginWindow { view })
}

impl Authenticating {
    fn on(self, policy: &ProvisioningPolicy, at: Timestamp, event: LoginEvent) -> Step {
        match event {
            LoginEvent::IdpAuthenticated {
                identity,
                mfa_enrolled,
                mfa_completed,
                password,
            } => {
                if mfa_enrolled && !mfa_completed {
                    return fail(
                        policy,
                        self.device,
                        codes::LOGIN_MFA_REQUIRED.diagnostic("event.mfa_completed"),
                    );
                }
                let p = policy.for_os(self.device.os);
                let account = match derive_account(
                    self.device.os,
                    &identity,
                    &p.naming,
                    &self.device.account_names(),
                ) {
                    Ok(a) => a,
                    Err(NamingError::AlreadyExists { name }) => {
                        let d = codes::ACCOUNT_ALREADY_EXISTS.at(
                            "device.accounts",
                            format!("Account already exists: {name}. Contact your admin."),
                        );
                        return fail(policy, self.device, d);
                    }
                    Err(e) => {
                        return fail(
                            policy,
                            self.device,
                            e.code().at("event.identity", e.to_string()),
                        );
                    }
                };
                let named_after_subject = (account.source_claim == "sub").then(|| {
                    codes::ACCOUNT_NAMED_AFTER_SUBJECT.at(
                        "event.identity.subject",
                        format!(
                            "The account {:?} is named after the IdP subject, an ID the user may not recognise.",
                            account.name
                        ),
                    )
                });
                let step = match self.device.os {
                    DesktopOs::Macos => create(policy, self.device, account, identity.key(), at),
                    DesktopOs::Windows => {
                        let password = password.filter(|p| !p.expose().is_empty());
                        if p.password_sync && password.is_none() {
                            return fail(
                                policy,
                                self.device,
                                codes::PASSWORD_REQUIRED.diagnostic("event.password"),
                            );
                        }
                        let prompt = LoginAction::PromptPasswordAndPin {
                            account_name: account.name.clone(),
                            reconfirm_password: p.password_sync,
                            pin_min_length: p.pin.min_length,
                            pin_max_length: p.pin.max_length,
                        };
                        Transition::to(LoginState::ConfirmingCredentials(ConfirmingCredentials {
                            device: self.device,
                            account,
                            user: identity.key(),
                            password: password
                                .filter(|_| p.password_sync)
                                .map(|pw| SecretDigest::of(&pw)),
                        }))
                        .with_action(prompt)
                    }
                };
                match named_after_subject {
                    Some(warning) if !step.is_rejected() => step.with_diagnostic(warning),
                    _ => step,
                }
            }
            LoginEvent::IdpFailed { reason } => {
                let d = codes::IDP_SIGN_IN_FAILED
                    .at("event.reason", format!("The IdP sign-in failed: {reason}"));
                fail(policy, self.device, d)
            }
            LoginEvent::Cancelled => show(
                policy,
                LoginState::Idle(Idle {
                    device: self.device,
                }),
            ),
            other => reject(LoginState::Authenticating(self), &other),
        }
    }
}

impl ConfirmingCredentials {
    fn on(self, policy: &ProvisioningPolicy, at: Timestamp, event: LoginEvent) -> Step {
        match event {
            LoginEvent::CredentialsSubmitted { password, pin } => {
                let password_ok = match &self.password {
                    Some(digest) => digest.matches(&password),
                    None => !password.is_blank(),
                };
                if !password_ok {
                    let code = if self.password.is_some() {
                        codes::PASSWORD_MISMATCH
                    } else {
                        codes::PASSWORD_REQUIRED
                    };
                    let d = code.diagnostic("event.password");
                    return Transition::rejected(LoginState::ConfirmingCredentials(self), d);
                }
                if let Err(problem) = policy.for_os(self.device.os).pin.check(&pin) {
                    let d = problem.code().at("event.pin", problem.message());
                    return Transition::rejected(LoginState::ConfirmingCredentials(self), d);
                }
                create(policy, self.device, self.account, self.user, at)
            }
            LoginEvent::Cancelled => show(
                policy,
                LoginState::Idle(Idle {
                    device: self.device,
                }),
            ),
            other => reject(LoginState::ConfirmingCredentials(self), &other),
        }
    }
}

impl LoginState {
    /// The state's snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            LoginState::Idle(_) => "idle",
            LoginState::Authenticating(_) => "authenticating",
            LoginState::ConfirmingCredentials(_) => "confirming_credentials",
            LoginState::Provisioned(_) => "provisioned",
            LoginState::Failed(_) => "failed",
        }
    }

    /// The device as the flow knows it.
    pub fn device(&self) -> &DeviceState {
        match self {
            LoginState::Idle(s) => &s.device,
            LoginState::Authenticating(s) => &s.device,
            LoginState::ConfirmingCredentials(s) => &s.device,
            LoginState::Provisioned(s) => &s.device,
            LoginState::Failed(s) => &s.device,
        }
    }

    fn into_device(self) -> DeviceState {
        match self {
            LoginState::Idle(s) => s.device,
            LoginState::Authenticating(s) => s.device,
            LoginState::ConfirmingCredentials(s) => s.device,
            LoginState::Provisioned(s) => s.device,
            LoginState::Failed(s) => s.device,
        }
    }

    /// Consumes the state and the event; returns the next state with its actions.
    pub fn on_event(
        self,
        policy: &ProvisioningPolicy,
        at: Timestamp,
        event: LoginEvent,
    ) -> Transition<LoginState, LoginAction> {
        match self {
            state @ (LoginState::Idle(_) | LoginState::Provisioned(_) | LoginState::Failed(_)) => {
                at_login_window(policy, state, event)
            }
            LoginState::Authenticating(s) => s.on(policy, at, event),
            LoginState::ConfirmingCredentials(s) => s.on(policy, at, event),
        }
    }
}

/// Login-window provisioning: the state plus the clock guard. Serde data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginWindowFlow {
    /// Time of the last accepted event.
    pub clock: Clock,
    /// Current state.
    pub state: LoginState,
}

impl LoginWindowFlow {
    /// A flow idle at the login window of `device`.
    pub fn new(device: DeviceState) -> Self {
        LoginWindowFlow {
            clock: Clock::default(),
            state: LoginState::Idle(Idle { device }),
        }
    }

    /// What the login window shows now.
    pub fn view(&self, policy: &ProvisioningPolicy) -> LoginWindowView {
        login_window_view(policy, self.state.device())
    }

    /// Consumes the flow and one event. An event earlier than the last accepted one is
    /// rejected with `FLOW001` and changes nothing.
    pub fn handle(
        self,
        policy: &ProvisioningPolicy,
        event: Timed<LoginEvent>,
    ) -> Transition<LoginWindowFlow, LoginAction> {
        let Timed { at, event } = event;
        timed_step(
            self.clock,
            self.state,
            at,
            |state| state.on_event(policy, at, event),
            |clock, state| LoginWindowFlow { clock, state },
        )
    }

    /// Checks internal consistency; returns what is wrong.
    pub fn check_invariants(&self, policy: &ProvisioningPolicy) -> Result<(), String> {
        let device = self.state.device();
        if let Some(problem) = account_list_problem(&device.accounts) {
            return Err(problem);
        }
        match &self.state {
            LoginState::Authenticating(_) if self_service_availability(policy, device).is_err() => {
                Err("authenticating although self-service is not offered".into())
            }
            LoginState::ConfirmingCredentials(c) => {
                if device.os != DesktopOs::Windows {
                    return Err("credential confirmation on macOS".into());
                }
                if self_service_availability(policy, device).is_err() {
                    return Err(
                        "confirming credentials although self-service is not offered".into(),
                    );
                }
                if device
                    .accounts
                    .iter()
                    .any(|a| a.name.eq_ignore_ascii_case(&c.account.name))
                {
                    return Err("the account to create already exists".into());
                }
                crate::naming::validate_account_name(device.os, &c.account.name)
                    .map_err(|e| e.to_string())
            }
            LoginState::Provisioned(p) => {
                if !device.self_service_used {
                    return Err("provisioned without the one-time flag".into());
                }
                if !device
                    .accounts
                    .iter()
                    .any(|a| a.managed && a.name == p.account)
                {
                    return Err("provisioned account missing or unmanaged".into());
                }
                if login_window_view(policy, device).sign_in_option.is_some()
                    && !policy.for_os(device.os).allow_multiple_managed_users
                {
                    return Err("sign-in option still shown after provisioning".into());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
