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

// ---------------------------------------------------------------------------------------
// Reading

impl AnswerFile {
    /// Parses `customizations.xml` bytes with default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<AnswerFile, ParseError> {
        AnswerFile::parse_with_limits(bytes, &Limits::default())
    }

    /// Parses `customizations.xml` bytes.
    pub fn parse_with_limits(bytes: &[u8], limits: &Limits) -> Result<AnswerFile, ParseError> {
        let root = parse_element_tree(bytes, limits)?;
        AnswerFile::from_element(&root)
    }

    /// Maps an element tree (root `WindowsCustomizations`) to the model.
    pub fn from_element(root: &Element) -> Result<AnswerFile, ParseError> {
        if root.local_name() != "WindowsCustomizations" {
            return Err(ParseError::NotAnswerFile(format!(
                "root element is `{}`, expected `WindowsCustomizations`",
                root.name
            )));
        }
        let mut package_config = None;
        let mut settings = None;
        let mut root_extra = Vec::new();
        for child in root.elements() {
            match child.local_name() {
                "PackageConfig" if package_config.is_none() => {
                    package_config = Some(read_package_config(child));
                }
                "Settings" if settings.is_none() => settings = Some(child),
                _ => root_extra.push(child.clone()),
            }
        }
        let package_config = package_config
            .ok_or_else(|| ParseError::NotAnswerFile("no PackageConfig element".into()))?;
        let (settings_namespace, common, multivariant) = match settings {
            Some(settings) => read_settings(settings)?,
            None => (
                SETTINGS_NAMESPACE.to_owned(),
                SettingsGroup::default(),
                Vec::new(),
            ),
        };
        Ok(AnswerFile {
            package_config,
            settings_namespace,
            common,
            multivariant,
            root_extra,
        })
    }
}

fn read_package_config(element: &Element) -> PackageConfig {
    let mut config = PackageConfig {
        namespace: element.namespace.clone().unwrap_or_default(),
        id: String::new(),
        name: String::new(),
        description: None,
        version: String::new(),
        owner_type: OwnerType::Other(String::new()),
        rank: None,
        notes: None,
        extra: Vec::new(),
    };
    for child in element.elements() {
        let text = child.text();
        match child.local_name() {
            "ID" => config.id = text,
            "Name" => config.name = text,
            "Description" => config.description = Some(text),
            "Version" => config.version = text,
            "OwnerType" => config.owner_type = OwnerType::parse(&text),
            "Rank" => config.rank = Some(text),
            "Notes" => config.notes = Some(text),
            _ => config.extra.push(child.clone()),
        }
    }
    config
}

type SettingsParts = (String, SettingsGroup, Vec<Element>);

fn read_settings(settings: &Element) -> Result<SettingsParts, ParseError> {
    let namespace = settings.namespace.clone().unwrap_or_default();
    let mut common = SettingsGroup::default();
    let mut multivariant = Vec::new();
    let Some(customizations) = settings.child("Customizations") else {
        return Err(ParseError::NotAnswerFile(
            "Settings has no Customizations element".into(),
        ));
    };
    let mut seen_common = false;
    for child in customizations.elements() {
        if child.local_name() == "Common" && !seen_common {
            seen_common = true;
            common = SettingsGroup::from_element(child)?;
        } else {
            multivariant.push(child.clone());
        }
    }
    Ok((namespace, common, multivariant))
}

/// Outcome of reading a typed section: the value, or "keep the element raw".
type Typed<T> = Result<Option<T>, ParseError>;

impl SettingsGroup {
    /// Reads the children of a `Common` (or variant `Settings`) element.
    pub fn from_element(group: &Element) -> Result<SettingsGroup, ParseError> {
        let mut out = SettingsGroup::default();
        for child in group.elements() {
            let kept = match child.local_name() {
                "Accounts" if out.accounts.is_none() => {
                    read_accounts(child)?.map(|v| out.accounts = Some(v))
                }
                "ConnectivityProfiles" if out.connectivity.is_none() => {
                    read_connectivity(child)?.map(|v| out.connectivity = Some(v))
                }
                "OOBE" if out.oobe.is_none() => read_oobe(child)?.map(|v| out.oobe = Some(v)),
                "ProvisioningCommands" if out.provisioning_commands.is_none() => {
                    read_commands(child)?.map(|v| out.provisioning_commands = Some(v))
                }
                "Workplace" if out.workplace.is_none() => {
                    read_workplace(child)?.map(|v| out.workplace = Some(v))
                }
                _ => None,
            };
            if kept.is_none() {
                out.other.push(child.clone());
            }
        }
        Ok(out)
    }
}

fn has_attributes(e: &Element) -> bool {
    e.attributes.iter().any(|a| !a.name.starts_with("xmlns"))
}

fn only_attrs(e: &Element, allowed: &[&str]) -> bool {
    e.attributes
        .iter()
        .all(|a| a.name.starts_with("xmlns") || allowed.contains(&a.name.as_str()))
}

fn parse_bool(e: &Element, path: &str) -> Result<bool, ParseError> {
    match e.text().trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParseError::BadValue {
            path: format!("{path}.{}", e.local_name()),
            reason: format!("`{}` is not True or False", e.text().trim()),
        }),
    }
}

fn parse_int(e: &Element, path: &str) -> Result<i64, ParseError> {
    e.text().trim().parse().map_err(|_| ParseError::BadValue {
        path: format!("{path}.{}", e.local_name()),
        reason: format!("`{}` is not an integer", e.text().trim()),
    })
}

fn read_accounts(e: &Element) -> Typed<Accounts> {
    if has_attributes(e) {
        return Ok(None);
    }
    let mut out = Accounts::default();
    for child in e.elements() {
        match child.local_name() {
            "ComputerAccount" if out.computer_account.is_none() => {
                let Some(ca) = read_computer_account(child) else {
                    return Ok(None);
                };
                out.computer_account = Some(ca);
            }
            "Users" if out.users.is_empty() => {
                if has_attributes(child) {
                    return Ok(None);
                }
                for user in child.elements() {
                    let Some(user) = read_user(user) else {
                        return Ok(None);
                    };
                    out.users.push(user);
                }
            }
            "Users" => return Ok(None),
            _ => out.extra.push(child.clone()),
        }
    }
    Ok(Some(out))
}

fn read_computer_account(e: &Element) -> Option<ComputerAccount> {
    if has_attributes(e) {
        return None;
    }
    let mut out = ComputerAccount::default();
    for child in e.elements() {
        let text = child.text();
        match child.local_name() {
            "ComputerName" => out.computer_name = Some(text),
            "DomainName" => out.domain_name = Some(text),
            "Account" => out.account = Some(text),
            "Password" => out.password = Some(Secret::new(text)),
            "AccountOU" => out.account_ou = Some(text),
            _ => out.extra.push(child.clone()),
        }
    }
    Some(out)
}

fn read_user(e: &Element) -> Option<LocalUser> {
    // The attribute form `<User Password="…">` is accepted and written back in child form.
    if e.local_name() != "User" || !only_attrs(e, &["UserName", "Password"]) {
        return None;
    }
    let mut out = LocalUser {
        user_name: e.attr("UserName")?.to_owned(),
        password: e.attr("Password").map(Secret::new),
        user_group: None,
    };
    for child in e.elements() {
        match child.local_name() {
            "Password" if out.password.is_none() => out.password = Some(Secret::new(child.text())),
            "UserGroup" if out.user_group.is_none() => out.user_group = Some(child.text()),
            _ => return None,
        }
    }
    Some(out)
}

fn read_oobe(e: &Element) -> Typed<Oobe> {
    if has_attributes(e) {
        return Ok(None);
    }
    let mut out = Oobe::default();
    let mut seen_desktop = false;
    for child in e.elements() {
        if child.local_name() == "Desktop" && !seen_desktop && !has_attributes(child) {
            seen_desktop = true;
            for setting in child.elements() {
                if setting.local_name() == "HideOobe" && out.hide_oobe.is_none() {
                    out.hide_oobe = Some(parse_bool(setting, "Common.OOBE.Desktop")?);
                } else {
                    out.desktop_extra.push(setting.clone());
                }
            }
        } else {
            out.extra.push(child.clone());
        }
    }
    if !seen_desktop {
        return Ok(None);
    }
    Ok(Some(out))
}

fn read_workplace(e: &Element) -> Typed<Workplace> {
    if has_attributes(e) {
        return Ok(None);
    }
    let mut out = Workplace::default();
    let mut seen = false;
    for child in e.elements() {
        if child.local_name() == "Enrollments" && !seen {
            seen = true;
            if has_attributes(child) {
                return Ok(None);
            }
            for upn in child.elements() {
                let Some(enrollment) = read_enrollment(upn) else {
                    return Ok(None);
                };
                out.enrollments.push(enrollment);
            }
        } else {
            out.extra.push(child.clone());
        }
    }
    Ok(Some(out))
}

fn read_enrollment(e: &Element) -> Option<Enrollment> {
    if e.local_name() != "UPN" || !only_attrs(e, &["UPN", "Name"]) {
        return None;
    }
    let mut out = Enrollment {
        upn: e.attr("UPN")?.to_owned(),
        name: e.attr("Name").map(str::to_owned),
        auth_policy: None,
        discovery_service_full_url: None,
        enrollment_service_full_url: None,
        policy_service_full_url: None,
        secret: None,
        extra: Vec::new(),
    };
    for child in e.elements() {
        let text = child.text();
        match child.local_name() {
            "AuthPolicy" => out.auth_policy = Some(AuthPolicy::parse(&text)),
            "DiscoveryServiceFullUrl" => out.discovery_service_full_url = Some(text),
            "EnrollmentServiceFullUrl" => out.enrollment_service_full_url = Some(text),
            "PolicyServiceFullUrl" => out.policy_service_full_url = Some(text),
            "Secret" => out.secret = Some(Secret::new(text)),
            _ => out.extra.push(child.clone()),
        }
    }
    Some(out)
}

fn read_named_paths(e: &Element, item: &str) -> Option<Vec<NamedPath>> {
    if has_attributes(e) {
        return None;
    }
    let mut out = Vec::new();
    for child in e.elements() {
        if child.local_name() != item || !only_attrs(child, &["Name"]) {
            return None;
        }
        out.push(NamedPath {
            name: child.attr("Name")?.to_owned(),
            path: child.text(),
        });
    }
    Some(out)
}

fn read_commands(e: &Element) -> Typed<ProvisioningCommands> {
    if has_attributes(e) {
        return Ok(None);
    }
    let mut out = ProvisioningCommands::default();
    let mut seen_primary = false;
    for child in e.elements() {
        match child.local_name() {
            "DeviceContext" if out.device_context.is_none() => {
                if has_attributes(child) {
                    return Ok(None);
                }
                let mut device = DeviceContext::default();
                let mut seen_files = false;
                for part in child.elements() {
                    match part.local_name() {
                        "CommandFiles" if !seen_files => {
                            seen_files = true;
                            let Some(files) = read_named_paths(part, "CommandFile") else {
                                return Ok(None);
                            };
                            device.command_files = files;
                        }
                        "CommandLine" if !has_attributes(part) => device
                            .command_lines
                            .push(CommandLine::from_file_text(part.text())),
                        _ => return Ok(None),
                    }
                }
                out.device_context = Some(device);
            }
            "PrimaryContext" if !seen_primary => {
                seen_primary = true;
                if has_attributes(child) {
                    return Ok(None);
                }
                for command in child.elements() {
                    if command.local_name() != "Command" || has_attributes(command) {
                        return Ok(None);
                    }
                    for config in command.elements() {
                        let Some(config) = read_command_config(config)? else {
                            return Ok(None);
                        };
                        out.primary_context.push(config);
                    }
                }
            }
            "DeviceContext" | "PrimaryContext" => return Ok(None),
            _ => out.extra.push(child.clone()),
        }
    }
    Ok(Some(out))
}

fn read_command_config(e: &Element) -> Typed<CommandConfig> {
    if e.local_name() != "CommandConfig" || !only_attrs(e, &["Name"]) {
        return Ok(None);
    }
    let Some(name) = e.attr("Name") else {
        return Ok(None);
    };
    let path = format!("Common.ProvisioningCommands.PrimaryContext.Command[{name}]");
    let mut out = CommandConfig {
        name: name.to_owned(),
        command_file: None,
        command_line: CommandLine::default(),
        continue_install: None,
        dependency_packages: Vec::new(),
        restart_required: None,
        return_code_restart: None,
        return_code_success: None,
    };
    let mut seen_line = false;
    for child in e.elements() {
        if has_attributes(child) {
            return Ok(None);
        }
        match child.local_name() {
            "CommandFile" if out.command_file.is_none() => out.command_file = Some(child.text()),
            "CommandLine" if !seen_line => {
                seen_line = true;
                out.command_line = CommandLine::from_file_text(child.text());
            }
            "ContinueInstall" => out.continue_install = Some(parse_bool(child, &path)?),
            "RestartRequired" => out.restart_required = Some(parse_bool(child, &path)?),
            "ReturnCodeRestart" => out.return_code_restart = Some(parse_int(child, &path)?),
            "ReturnCodeSuccess" => out.return_code_success = Some(parse_int(child, &path)?),
            "DependencyPackages" if out.dependency_packages.is_empty() => {
                let Some(deps) = read_named_paths(child, "Dependency") else {
                    return Ok(None);
                };
                out.dependency_packages = deps;
            }
            _ => return Ok(None),
        }
    }
    if !seen_line {
        return Ok(None);
    }
    Ok(Some(out))
}

fn read_connectivity(e: &Element) -> Typed<ConnectivityProfiles> {
    if has_attributes(e) {
        return Ok(None);
    }
    let mut out = ConnectivityProfiles::default();
    let mut seen_wlan = false;
    for child in e.elements() {
        if child.local_name() == "WLAN" && !seen_wlan && !has_attributes(child) {
            seen_wlan = true;
            let mut seen_setting = false;
            for part in child.elements() {
                if part.local_name() == "WLANSetting" && !seen_setting && !has_attributes(part) {
                    seen_setting = true;
                    for config in part.elements() {
                        let Some(network) = read_wifi(config)? else {
                            return Ok(None);
                        };
                        out.wlan.push(network);
                    }
                } else {
                    out.wlan_extra.push(part.clone());
                }
            }
        } else {
            out.extra.push(child.clone());
        }
    }
    Ok(Some(out))
}

fn read_wifi(e: &Element) -> Typed<WifiNetwork> {
    if e.local_name() != "WLANConfig" || !only_attrs(e, &["SSID", "Name"]) {
        return Ok(None);
    }
    let Some(ssid) = e.attr("SSID") else {
        return Ok(None);
    };
    let path = format!("Common.ConnectivityProfiles.WLAN.WLANSetting.WLANConfig[{ssid}]");
    let mut out = WifiNetwork {
        ssid: ssid.to_owned(),
        name: e.attr("Name").map(str::to_owned),
        security_type: None,
        security_key: None,
        auto_connect: None,
        hidden_network: None,
        extra: Vec::new(),
    };
    let mut children = e.elements();
    let settings = match (children.next(), children.next()) {
        (None, _) => return Ok(Some(out)),
        (Some(s), None) if s.local_name() == "WLANXmlSettings" && !has_attributes(s) => s,
        _ => return Ok(None),
    };
    for child in settings.elements() {
        match child.local_name() {
            "SecurityType" => out.security_type = Some(WifiSecurity::parse(&child.text())),
            "SecurityKey" => out.security_key = Some(Secret::new(child.text())),
            "AutoConnect" => out.auto_connect = Some(parse_bool(child, &path)?),
            "HiddenNetwork" => out.hidden_network = Some(parse_bool(child, &path)?),
            _ => out.extra.push(child.clone()),
        }
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------
// Writing

fn leaf(name: &str, text: &str) -> Element {
    let e = Element::new(name);
    if text.is_empty() {
        e
    } else {
        e.with_text(text)
    }
}

fn bool_text(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn push_opt(parent: &mut Element, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        parent.push(leaf(name, value));
    }
}

impl AnswerFile {
    /// The answer file as an element tree.
    pub fn to_element(&self) -> Element {
        let mut root = Element::new("WindowsCustomizations");
        root.push(self.package_config.to_element());
        let mut customizations =
            Element::new("Customizations").with_child(self.common.to_element("Common"));
        for e in &self.multivariant {
            customizations.push(e.clone());
        }
        root.push(
            Element::new("Settings")
                .with_attr("xmlns", self.settings_namespace.as_str())
                .with_child(customizations),
        );
        for e in &self.root_extra {
            root.push(e.clone());
        }
        root
    }

    /// Writes `customizations.xml`: UTF-8 without BOM, XML declaration, two-space indent.
    /// The same model always gives the same bytes.
    pub fn to_xml(&self) -> Result<Vec<u8>, WriteError> {
        write_element_tree(&self.to_element())
    }
}

impl PackageConfig {
    /// `PackageConfig` as an element (children: ID, Name, Description, Version, OwnerType,
    /// Rank, Notes, then unknown children).
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("PackageConfig").with_attr("xmlns", self.namespace.as_str());
        e.push(leaf("ID", &self.id));
        e.push(leaf("Name", &self.name));
        push_opt(&mut e, "Description", self.description.as_deref());
        e.push(leaf("Version", &self.version));
        e.push(leaf("OwnerType", self.owner_type.as_str()));
        push_opt(&mut e, "Rank", self.rank.as_deref());
        push_opt(&mut e, "Notes", self.notes.as_deref());
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
    }
}

impl SettingsGroup {
    /// The group as an element named `name` (`Common`, `Settings`).
    pub fn to_element(&self, name: &str) -> Element {
        let mut group = Element::new(name);
        if let Some(accounts) = &self.accounts {
            group.push(accounts.to_element());
        }
        if let Some(connectivity) = &self.connectivity {
            group.push(connectivity.to_element());
        }
        if let Some(oobe) = &self.oobe {
            group.push(oobe.to_element());
        }
        if let Some(commands) = &self.provisioning_commands {
            group.push(commands.to_element());
        }
        if let Some(workplace) = &self.workplace {
            group.push(workplace.to_element());
        }
        group
            .children
            .extend(self.other.iter().cloned().map(Node::Element));
        group
    }
}

fn extend(parent: &mut Element, extra: &[Element]) {
    parent
        .children
        .extend(extra.iter().cloned().map(Node::Element));
}

impl Accounts {
    fn to_element(&self) -> Element {
        let mut e = Element::new("Accounts");
        if let Some(ca) = &self.computer_account {
            let mut c = Element::new("ComputerAccount");
            push_opt(&mut c, "ComputerName", ca.computer_name.as_deref());
            push_opt(&mut c, "DomainName", ca.domain_name.as_deref());
            push_opt(&mut c, "Account", ca.account.as_deref());
            push_opt(&mut c, "Password", ca.password.as_ref().map(Secret::expose));
            push_opt(&mut c, "AccountOU", ca.account_ou.as_deref());
            extend(&mut c, &ca.extra);
            e.push(c);
        }
        if !self.users.is_empty() {
            let mut users = Element::new("Users");
            for user in &self.users {
                let mut u = Element::new("User").with_attr("UserName", user.user_name.as_str());
                push_opt(
                    &mut u,
                    "Password",
                    user.password.as_ref().map(Secret::expose),
                );
                push_opt(&mut u, "UserGroup", user.user_group.as_deref());
                users.push(u);
            }
            e.push(users);
        }
        extend(&mut e, &self.extra);
        e
    }
}

impl Oobe {
    fn to_element(&self) -> Element {
        let mut desktop = Element::new("Desktop");
        if let Some(hide) = self.hide_oobe {
            desktop.push(leaf("HideOobe", bool_text(hide)));
        }
        extend(&mut desktop, &self.desktop_extra);
        let mut e = Element::new("OOBE").with_child(desktop);
        extend(&mut e, &self.extra);
        e
    }
}

impl Workplace {
    fn to_element(&self) -> Element {
        let mut enrollments = Element::new("Enrollments");
        for en in &self.enrollments {
            let mut u = Element::new("UPN").with_attr("UPN", en.upn.as_str());
            if let Some(name) = &en.name {
                u = u.with_attr("Name", name.as_str());
            }
            push_opt(
                &mut u,
                "AuthPolicy",
                en.auth_policy.as_ref().map(AuthPolicy::as_str),
            );
            push_opt(
                &mut u,
                "DiscoveryServiceFullUrl",
                en.discovery_service_full_url.as_deref(),
            );
            push_opt(
                &mut u,
                "EnrollmentServiceFullUrl",
                en.enrollment_service_full_url.as_deref(),
            );
            push_opt(
                &mut u,
                "PolicyServiceFullUrl",
                en.policy_service_full_url.as_deref(),
            );
            push_opt(&mut u, "Secret", en.secret.as_ref().map(Secret::expose));
            extend(&mut u, &en.extra);
            enrollments.push(u);
        }
        let mut e = Element::new("Workplace").with_child(enrollments);
        extend(&mut e, &self.extra);
        e
    }
}

fn named_paths(container: &str, item: &str, paths: &[NamedPath]) -> Element {
    let mut e = Element::new(container);
    for p in paths {
        e.push(leaf(item, &p.path).with_attr("Name", p.name.as_str()));
    }
    e
}

impl ProvisioningCommands {
    fn to_element(&self) -> Element {
        let mut e = Element::new("ProvisioningCommands");
        if let Some(device) = &self.device_context {
            let mut d = Element::new("DeviceContext");
            if !device.command_files.is_empty() {
                d.push(named_paths(
                    "CommandFiles",
                    "CommandFile",
                    &device.command_files,
                ));
            }
            for line in &device.command_lines {
                d.push(leaf("CommandLine", line.to_text().expose()));
            }
            e.push(d);
        }
        if !self.primary_context.is_empty() {
            let mut command = Element::new("Command");
            for c in &self.primary_context {
                let mut cc = Element::new("CommandConfig").with_attr("Name", c.name.as_str());
                push_opt(&mut cc, "CommandFile", c.command_file.as_deref());
                cc.push(leaf("CommandLine", c.command_line.to_text().expose()));
                if let Some(v) = c.continue_install {
                    cc.push(leaf("ContinueInstall", bool_text(v)));
                }
                if !c.dependency_packages.is_empty() {
                    cc.push(named_paths(
                        "DependencyPackages",
                        "Dependency",
                        &c.dependency_packages,
                    ));
                }
                if let Some(v) = c.restart_required {
                    cc.push(leaf("RestartRequired", bool_text(v)));
                }
                if let Some(v) = c.return_code_restart {
                    cc.push(leaf("ReturnCodeRestart", &v.to_string()));
                }
                if let Some(v) = c.return_code_success {
                    cc.push(leaf("ReturnCodeSuccess", &v.to_string()));
                }
                command.push(cc);
            }
            e.push(Element::new("PrimaryContext").with_child(command));
        }
        extend(&mut e, &self.extra);
        e
    }
}

impl ConnectivityProfiles {
    fn to_element(&self) -> Element {
        let mut wlan = Element::new("WLAN");
        if !self.wlan.is_empty() {
            let mut setting = Element::new("WLANSetting");
            for n in &self.wlan {
                let mut config = Element::new("WLANConfig").with_attr("SSID", n.ssid.as_str());
                if let Some(name) = &n.name {
                    config = config.with_attr("Name", name.as_str());
                }
                let mut xs = Element::new("WLANXmlSettings");
                if let Some(v) = n.auto_connect {
                    xs.push(leaf("AutoConnect", bool_text(v)));
                }
                if let Some(v) = n.hidden_network {
                    xs.push(leaf("HiddenNetwork", bool_text(v)));
                }
                push_opt(
                    &mut xs,
                    "SecurityKey",
                    n.security_key.as_ref().map(Secret::expose),
                );
                push_opt(
                    &mut xs,
                    "SecurityType",
                    n.security_type.as_ref().map(WifiSecurity::as_str),
                );
                extend(&mut xs, &n.extra);
                if !xs.children.is_empty() {
                    config.push(xs);
                }
                setting.push(config);
            }
            wlan.push(setting);
        }
        extend(&mut wlan, &self.wlan_extra);
        let mut e = Element::new("ConnectivityProfiles");
        if !wlan.children.is_empty() {
            e.push(wlan);
        }
        extend(&mut e, &self.extra);
        e
    }
}
