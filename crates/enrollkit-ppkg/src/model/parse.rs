//! Reading: the element tree into the typed model; a section the model cannot hold exactly
//! stays raw.

use super::*;

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
                    package_config = Some(read_package_config(child)?);
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

pub(super) fn read_package_config(element: &Element) -> Result<PackageConfig, ParseError> {
    // PackageConfig is always typed, so what the model cannot keep is refused, not dropped.
    if !only_element_children(element) {
        return Err(ParseError::NotAnswerFile(
            "PackageConfig holds text or comments between its elements, which cannot be kept; \
             remove them"
                .into(),
        ));
    }
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
        let known = matches!(
            child.local_name(),
            "ID" | "Name" | "Description" | "Version" | "OwnerType" | "Rank" | "Notes"
        );
        if known && (!leaf(child) || has_attributes(child)) {
            return Err(ParseError::NotAnswerFile(format!(
                "PackageConfig.{} holds attributes, elements or comments; it takes text only",
                child.local_name()
            )));
        }
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
    Ok(config)
}

pub(super) type SettingsParts = (String, SettingsGroup, Vec<Element>);

pub(super) fn read_settings(settings: &Element) -> Result<SettingsParts, ParseError> {
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
pub(super) type Typed<T> = Result<Option<T>, ParseError>;

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

/// Whether `e` can be read as a typed container: no attributes, and nothing besides child
/// elements and layout whitespace. Text or comments there have no place in the model, so
/// such an element stays raw rather than losing them.
pub(super) fn plain_container(e: &Element) -> bool {
    !has_attributes(e) && only_element_children(e)
}

fn only_element_children(e: &Element) -> bool {
    e.children.iter().all(|n| match n {
        Node::Element(_) => true,
        Node::Text(t) => t.trim().is_empty(),
        Node::Comment(_) => false,
    })
}

/// A value the model types: text only, and no attributes.
pub(super) fn typed_leaf(e: &Element) -> bool {
    leaf(e) && !has_attributes(e)
}

/// Whether `e` is a value: text only, no child elements or comments (which `text()` drops).
pub(super) fn leaf(e: &Element) -> bool {
    e.children.iter().all(|n| matches!(n, Node::Text(_)))
}

pub(super) fn has_attributes(e: &Element) -> bool {
    e.attributes.iter().any(|a| !a.name.starts_with("xmlns"))
}

pub(super) fn only_attrs(e: &Element, allowed: &[&str]) -> bool {
    e.attributes
        .iter()
        .all(|a| a.name.starts_with("xmlns") || allowed.contains(&a.name.as_str()))
}

pub(super) fn parse_bool(e: &Element, path: &str) -> Result<bool, ParseError> {
    match e.text().trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParseError::BadValue {
            path: format!("{path}.{}", e.local_name()),
            reason: format!("`{}` is not True or False", e.text().trim()),
        }),
    }
}

pub(super) fn parse_int(e: &Element, path: &str) -> Result<i64, ParseError> {
    e.text().trim().parse().map_err(|_| ParseError::BadValue {
        path: format!("{path}.{}", e.local_name()),
        reason: format!("`{}` is not an integer", e.text().trim()),
    })
}

pub(super) fn read_accounts(e: &Element) -> Typed<Accounts> {
    if !plain_container(e) {
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
                if !plain_container(child) {
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

pub(super) fn read_computer_account(e: &Element) -> Option<ComputerAccount> {
    if !plain_container(e) {
        return None;
    }
    let mut out = ComputerAccount::default();
    for child in e.elements() {
        let text = child.text();
        let known = matches!(
            child.local_name(),
            "ComputerName" | "DomainName" | "Account" | "Password" | "AccountOU"
        );
        if known && !typed_leaf(child) {
            return None;
        }
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

pub(super) fn read_user(e: &Element) -> Option<LocalUser> {
    // The attribute form `<User Password="…">` is accepted and written back in child form.
    if e.local_name() != "User" || !only_attrs(e, &["UserName", "Password"]) {
        return None;
    }
    let mut out = LocalUser {
        user_name: e.attr("UserName")?.to_owned(),
        password: e.attr("Password").map(Secret::new),
        user_group: None,
    };
    if !only_element_children(e) {
        return None;
    }
    for child in e.elements() {
        if !typed_leaf(child) {
            return None;
        }
        match child.local_name() {
            "Password" if out.password.is_none() => out.password = Some(Secret::new(child.text())),
            "UserGroup" if out.user_group.is_none() => out.user_group = Some(child.text()),
            _ => return None,
        }
    }
    Some(out)
}

pub(super) fn read_oobe(e: &Element) -> Typed<Oobe> {
    if !plain_container(e) {
        return Ok(None);
    }
    let mut out = Oobe::default();
    let mut seen_desktop = false;
    for child in e.elements() {
        if child.local_name() == "Desktop" && !seen_desktop && plain_container(child) {
            seen_desktop = true;
            for setting in child.elements() {
                if setting.local_name() == "HideOobe" && out.hide_oobe.is_none() {
                    if !typed_leaf(setting) {
                        return Ok(None);
                    }
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

pub(super) fn read_workplace(e: &Element) -> Typed<Workplace> {
    if !plain_container(e) {
        return Ok(None);
    }
    let mut out = Workplace::default();
    let mut seen = false;
    for child in e.elements() {
        if child.local_name() == "Enrollments" && !seen {
            seen = true;
            if !plain_container(child) {
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

pub(super) fn read_enrollment(e: &Element) -> Option<Enrollment> {
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
    if !only_element_children(e) {
        return None;
    }
    for child in e.elements() {
        let text = child.text();
        let known = matches!(
            child.local_name(),
            "AuthPolicy"
                | "DiscoveryServiceFullUrl"
                | "EnrollmentServiceFullUrl"
                | "PolicyServiceFullUrl"
                | "Secret"
        );
        if known && !typed_leaf(child) {
            return None;
        }
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

pub(super) fn read_named_paths(e: &Element, item: &str) -> Option<Vec<NamedPath>> {
    if !plain_container(e) {
        return None;
    }
    let mut out = Vec::new();
    for child in e.elements() {
        if child.local_name() != item || !only_attrs(child, &["Name"]) || !leaf(child) {
            return None;
        }
        out.push(NamedPath {
            name: child.attr("Name")?.to_owned(),
            path: child.text(),
        });
    }
    Some(out)
}

pub(super) fn read_commands(e: &Element) -> Typed<ProvisioningCommands> {
    if !plain_container(e) {
        return Ok(None);
    }
    let mut out = ProvisioningCommands::default();
    let mut seen_primary = false;
    for child in e.elements() {
        match child.local_name() {
            "DeviceContext" if out.device_context.is_none() => {
                if !plain_container(child) {
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
                        "CommandLine" if typed_leaf(part) => device
                            .command_lines
                            .push(CommandLine::from_file_text(part.text())),
                        _ => return Ok(None),
                    }
                }
                out.device_context = Some(device);
            }
            "PrimaryContext" if !seen_primary => {
                seen_primary = true;
                if !plain_container(child) {
                    return Ok(None);
                }
                for command in child.elements() {
                    if command.local_name() != "Command" || !plain_container(command) {
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

pub(super) fn read_command_config(e: &Element) -> Typed<CommandConfig> {
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
    if !only_element_children(e) {
        return Ok(None);
    }
    for child in e.elements() {
        if has_attributes(child) {
            return Ok(None);
        }
        if child.local_name() != "DependencyPackages" && !leaf(child) {
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

pub(super) fn read_connectivity(e: &Element) -> Typed<ConnectivityProfiles> {
    if !plain_container(e) {
        return Ok(None);
    }
    let mut out = ConnectivityProfiles::default();
    let mut seen_wlan = false;
    for child in e.elements() {
        if child.local_name() == "WLAN" && !seen_wlan && plain_container(child) {
            seen_wlan = true;
            let mut seen_setting = false;
            for part in child.elements() {
                if part.local_name() == "WLANSetting" && !seen_setting && plain_container(part) {
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

pub(super) fn read_wifi(e: &Element) -> Typed<WifiNetwork> {
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
    if !only_element_children(e) {
        return Ok(None);
    }
    let mut children = e.elements();
    let settings = match (children.next(), children.next()) {
        (None, _) => return Ok(Some(out)),
        (Some(s), None) if s.local_name() == "WLANXmlSettings" && plain_container(s) => s,
        _ => return Ok(None),
    };
    for child in settings.elements() {
        let known = matches!(
            child.local_name(),
            "SecurityType" | "SecurityKey" | "AutoConnect" | "HiddenNetwork"
        );
        if known && !typed_leaf(child) {
            return Ok(None);
        }
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
