//! The typed answer-file model and its mapping to and from the element tree.
//!
//! Typed sections cover the settings of the zero-touch flow. A section whose content the
//! typed model cannot represent exactly (an unknown attribute, an unexpected child in a list)
//! is kept whole in [`SettingsGroup::other`] instead, so nothing is lost; comments inside
//! typed sections are not kept.

use std::fmt;

use uuid::Uuid;

use crate::command::CommandLine;
use crate::error::{ParseError, WriteError};
use crate::xml::{Element, Limits, Node, parse_element_tree, write_element_tree};

mod parse;
mod write;
use enrollkit_diagnostic::Secret;

/// Namespace of `PackageConfig` (note the capital M; namespace URIs are case-sensitive).
pub const PACKAGE_CONFIG_NAMESPACE: &str =
    "urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0";
/// Namespace of `Settings`.
pub const SETTINGS_NAMESPACE: &str = "urn:schemas-microsoft-com:windows-provisioning";

/// A whole `customizations.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFile {
    /// Package identity and metadata.
    pub package_config: PackageConfig,
    /// Namespace found on `Settings` (writers use it as is; validation checks it).
    pub settings_namespace: String,
    /// `Settings/Customizations/Common`: settings applied unconditionally.
    pub common: SettingsGroup,
    /// Other children of `Customizations` (`Targets`, `Variant`, ...), kept raw and in order.
    pub multivariant: Vec<Element>,
    /// Other children of the root element, kept raw and in order.
    pub root_extra: Vec<Element>,
}

/// `PackageConfig`. Values are kept as written so that a parsed file with invalid values
/// still round-trips and [`crate::validate`] can report each problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageConfig {
    /// Namespace found on the element.
    pub namespace: String,
    /// `ID`: the package GUID, kept stable across versions.
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `Description`.
    pub description: Option<String>,
    /// `Version`: 2 or 4 numeric parts.
    pub version: String,
    /// `OwnerType`.
    pub owner_type: OwnerType,
    /// `Rank`, 0-99 when valid.
    pub rank: Option<String>,
    /// `Notes`.
    pub notes: Option<String>,
    /// Children this model does not know.
    pub extra: Vec<Element>,
}

impl PackageConfig {
    /// A PackageConfig from typed values; the ID is written braced and lowercase.
    pub fn new(
        id: Uuid,
        name: impl Into<String>,
        version: &crate::PackageVersion,
        owner_type: OwnerType,
        rank: u8,
    ) -> Self {
        PackageConfig {
            namespace: PACKAGE_CONFIG_NAMESPACE.to_owned(),
            id: format_guid(id),
            name: name.into(),
            description: None,
            version: version.to_string(),
            owner_type,
            rank: Some(rank.to_string()),
            notes: None,
            extra: Vec::new(),
        }
    }

    /// The ID as a GUID, if it is one (with or without braces, as the XSD allows).
    pub fn guid(&self) -> Option<Uuid> {
        parse_guid(&self.id)
    }

    /// The rank as a number, if it is an integer in 0-99.
    pub fn rank_value(&self) -> Option<u8> {
        self.rank
            .as_deref()
            .and_then(|r| r.trim().parse::<u8>().ok())
            .filter(|r| *r <= 99)
    }
}

/// Formats a GUID the way the answer file carries it: `{xxxxxxxx-…}` in lowercase.
pub fn format_guid(id: Uuid) -> String {
    format!("{{{}}}", id.hyphenated())
}

/// Parses a GUID with or without braces, exactly as the PackageConfig XSD pattern allows
/// (hyphenated form only).
pub fn parse_guid(text: &str) -> Option<Uuid> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let groups: Vec<&str> = inner.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    if groups.len() != 5
        || groups
            .iter()
            .zip(lengths)
            .any(|(g, n)| g.len() != n || !g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    Uuid::parse_str(inner).ok()
}

/// `OwnerType`: who publishes the package; decides precedence between packages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OwnerType {
    /// `Microsoft` (lowest precedence).
    Microsoft,
    /// `SiliconVendor`.
    SiliconVendor,
    /// `OEM`.
    Oem,
    /// `SystemIntegrator`.
    SystemIntegrator,
    /// `MobileOperator`.
    MobileOperator,
    /// `ITAdmin` (highest precedence; the right choice for IT departments).
    ItAdmin,
    /// Anything else, as written. Invalid; validation reports it.
    Other(String),
}

impl OwnerType {
    /// Parses case-insensitively, as ICD does.
    pub fn parse(text: &str) -> OwnerType {
        match text.trim().to_ascii_lowercase().as_str() {
            "microsoft" => OwnerType::Microsoft,
            "siliconvendor" => OwnerType::SiliconVendor,
            "oem" => OwnerType::Oem,
            "systemintegrator" => OwnerType::SystemIntegrator,
            "mobileoperator" => OwnerType::MobileOperator,
            "itadmin" => OwnerType::ItAdmin,
            _ => OwnerType::Other(text.to_owned()),
        }
    }

    /// The canonical spelling.
    pub fn as_str(&self) -> &str {
        match self {
            OwnerType::Microsoft => "Microsoft",
            OwnerType::SiliconVendor => "SiliconVendor",
            OwnerType::Oem => "OEM",
            OwnerType::SystemIntegrator => "SystemIntegrator",
            OwnerType::MobileOperator => "MobileOperator",
            OwnerType::ItAdmin => "ITAdmin",
            OwnerType::Other(s) => s,
        }
    }
}

impl fmt::Display for OwnerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The settings of one group (`Common`, or a `Variant`'s `Settings`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsGroup {
    /// `Accounts`.
    pub accounts: Option<Accounts>,
    /// `ConnectivityProfiles` (Wi-Fi).
    pub connectivity: Option<ConnectivityProfiles>,
    /// `OOBE`.
    pub oobe: Option<Oobe>,
    /// `ProvisioningCommands`.
    pub provisioning_commands: Option<ProvisioningCommands>,
    /// `Workplace` (MDM enrollment).
    pub workplace: Option<Workplace>,
    /// The raw escape hatch: every other setting, in document order.
    pub other: Vec<Element>,
}

/// `Accounts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    /// `ComputerAccount`.
    pub computer_account: Option<ComputerAccount>,
    /// `Users/User`: local accounts.
    pub users: Vec<LocalUser>,
    /// Other children (for example `Azure`), raw.
    pub extra: Vec<Element>,
}

/// `Accounts/ComputerAccount`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComputerAccount {
    /// `ComputerName`; may use `%SERIAL%` and `%RAND:n%`.
    pub computer_name: Option<String>,
    /// `DomainName` (AD join).
    pub domain_name: Option<String>,
    /// `Account` used for the AD join.
    pub account: Option<String>,
    /// `Password` of that account.
    pub password: Option<Secret>,
    /// `AccountOU`.
    pub account_ou: Option<String>,
    /// Other children, raw.
    pub extra: Vec<Element>,
}

/// `Accounts/Users/User`: a local account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalUser {
    /// `UserName` attribute.
    pub user_name: String,
    /// `Password`.
    pub password: Option<Secret>,
    /// `UserGroup`, for example `Administrators`.
    pub user_group: Option<String>,
}

/// `OOBE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Oobe {
    /// `Desktop/HideOobe`.
    pub hide_oobe: Option<bool>,
    /// Other children of `Desktop`, raw.
    pub desktop_extra: Vec<Element>,
    /// Other children of `OOBE`, raw.
    pub extra: Vec<Element>,
}

/// `Workplace`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workplace {
    /// `Enrollments/UPN`.
    pub enrollments: Vec<Enrollment>,
    /// Other children, raw.
    pub extra: Vec<Element>,
}

/// `AuthPolicy` of an enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthPolicy {
    /// `OnPremise`: the Secret is a password.
    OnPremise,
    /// `Certificate`: the Secret is a certificate thumbprint; needs a client certificate.
    Certificate,
    /// Anything else, as written. Invalid.
    Other(String),
}

impl AuthPolicy {
    /// Parses the exact spellings; anything else is [`AuthPolicy::Other`].
    pub fn parse(text: &str) -> AuthPolicy {
        match text.trim() {
            "OnPremise" => AuthPolicy::OnPremise,
            "Certificate" => AuthPolicy::Certificate,
            other => AuthPolicy::Other(other.to_owned()),
        }
    }

    /// The spelling in the answer file.
    pub fn as_str(&self) -> &str {
        match self {
            AuthPolicy::OnPremise => "OnPremise",
            AuthPolicy::Certificate => "Certificate",
            AuthPolicy::Other(s) => s,
        }
    }
}

/// `Workplace/Enrollments/UPN`: one bulk MDM enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// `UPN` attribute: the enrollment identity.
    pub upn: String,
    /// `Name` attribute (usually equal to the UPN).
    pub name: Option<String>,
    /// `AuthPolicy`.
    pub auth_policy: Option<AuthPolicy>,
    /// `DiscoveryServiceFullUrl`.
    pub discovery_service_full_url: Option<String>,
    /// `EnrollmentServiceFullUrl` (usually empty).
    pub enrollment_service_full_url: Option<String>,
    /// `PolicyServiceFullUrl` (usually empty).
    pub policy_service_full_url: Option<String>,
    /// `Secret`.
    pub secret: Option<Secret>,
    /// Other children, raw.
    pub extra: Vec<Element>,
}

/// `ProvisioningCommands` (desktop settings store only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvisioningCommands {
    /// `DeviceContext`.
    pub device_context: Option<DeviceContext>,
    /// `PrimaryContext/Command/CommandConfig`, in order.
    pub primary_context: Vec<CommandConfig>,
    /// Other children, raw.
    pub extra: Vec<Element>,
}

/// `ProvisioningCommands/DeviceContext`: files plus exactly one command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceContext {
    /// `CommandFiles/CommandFile`.
    pub command_files: Vec<NamedPath>,
    /// `CommandLine` elements; valid files have exactly one.
    pub command_lines: Vec<CommandLine>,
}

/// A named file on the build machine (`CommandFile Name=…`, `Dependency Name=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPath {
    /// `Name` attribute.
    pub name: String,
    /// Path on the build machine.
    pub path: String,
}

/// `PrimaryContext/Command/CommandConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandConfig {
    /// `Name` attribute.
    pub name: String,
    /// `CommandFile`: path on the build machine.
    pub command_file: Option<String>,
    /// `CommandLine`.
    pub command_line: CommandLine,
    /// `ContinueInstall`.
    pub continue_install: Option<bool>,
    /// `DependencyPackages/Dependency`.
    pub dependency_packages: Vec<NamedPath>,
    /// `RestartRequired`.
    pub restart_required: Option<bool>,
    /// `ReturnCodeRestart` (3010 by convention).
    pub return_code_restart: Option<i64>,
    /// `ReturnCodeSuccess` (0 by convention).
    pub return_code_success: Option<i64>,
}

/// `ConnectivityProfiles`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectivityProfiles {
    /// `WLAN/WLANSetting/WLANConfig`: Wi-Fi networks.
    pub wlan: Vec<WifiNetwork>,
    /// Other children of `WLAN`, raw.
    pub wlan_extra: Vec<Element>,
    /// Other children (VPN, Email, ...), raw.
    pub extra: Vec<Element>,
}

/// `SecurityType` of a Wi-Fi network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WifiSecurity {
    /// `Open`.
    Open,
    /// `WEP` (obsolete).
    Wep,
    /// `WPA2-Personal`.
    Wpa2Personal,
    /// Anything else, as written. Invalid.
    Other(String),
}

impl WifiSecurity {
    /// Parses the spellings the settings reference lists.
    pub fn parse(text: &str) -> WifiSecurity {
        match text.trim() {
            "Open" => WifiSecurity::Open,
            "WEP" => WifiSecurity::Wep,
            "WPA2-Personal" => WifiSecurity::Wpa2Personal,
            other => WifiSecurity::Other(other.to_owned()),
        }
    }

    /// The spelling in the answer file.
    pub fn as_str(&self) -> &str {
        match self {
            WifiSecurity::Open => "Open",
            WifiSecurity::Wep => "WEP",
            WifiSecurity::Wpa2Personal => "WPA2-Personal",
            WifiSecurity::Other(s) => s,
        }
    }
}

/// `WLANConfig` with its `WLANXmlSettings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WifiNetwork {
    /// `SSID` attribute.
    pub ssid: String,
    /// `Name` attribute (written equal to the SSID by the settings editor).
    pub name: Option<String>,
    /// `SecurityType`.
    pub security_type: Option<WifiSecurity>,
    /// `SecurityKey`: the passphrase.
    pub security_key: Option<Secret>,
    /// `AutoConnect`.
    pub auto_connect: Option<bool>,
    /// `HiddenNetwork`.
    pub hidden_network: Option<bool>,
    /// Other children of `WLANXmlSettings`, raw.
    pub extra: Vec<Element>,
}

impl AnswerFile {
    /// An answer file with `package_config`, the standard Settings namespace and no settings.
    pub fn new(package_config: PackageConfig) -> AnswerFile {
        AnswerFile {
            package_config,
            settings_namespace: SETTINGS_NAMESPACE.to_owned(),
            common: SettingsGroup::default(),
            multivariant: Vec::new(),
            root_extra: Vec::new(),
        }
    }
}

impl Enrollment {
    /// An `OnPremise` enrollment: `Name` equal to the UPN, no policy/enrollment URLs.
    pub fn on_premise(upn: &str, discovery_url: &str, secret: Secret) -> Enrollment {
        Enrollment {
            upn: upn.to_owned(),
            name: Some(upn.to_owned()),
            auth_policy: Some(AuthPolicy::OnPremise),
            discovery_service_full_url: Some(discovery_url.to_owned()),
            enrollment_service_full_url: None,
            policy_service_full_url: None,
            secret: Some(secret),
            extra: Vec::new(),
        }
    }
}
