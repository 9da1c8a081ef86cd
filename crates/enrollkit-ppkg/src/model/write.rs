//! Writing: the typed model back into an element tree and XML.

use super::*;

pub(super) fn leaf(name: &str, text: &str) -> Element {
    let e = Element::new(name);
    if text.is_empty() {
        e
    } else {
        e.with_text(text)
    }
}

pub(super) fn bool_text(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

pub(super) fn push_opt(parent: &mut Element, name: &str, value: Option<&str>) {
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

pub(super) fn extend(parent: &mut Element, extra: &[Element]) {
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

pub(super) fn named_paths(container: &str, item: &str, paths: &[NamedPath]) -> Element {
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
