//! Validation of an answer file: PackageConfig facts and cross-field rules.
//!
//! Each rule has a stable code; the table in the crate documentation lists them all and
//! [`rules`] lists them.

use std::collections::HashSet;

use enrollkit_diagnostic::{Code, Diagnostic, Location};

use crate::model::{
    AnswerFile, AuthPolicy, OwnerType, PACKAGE_CONFIG_NAMESPACE, SETTINGS_NAMESPACE, SettingsGroup,
    WifiSecurity, parse_guid,
};
use crate::plan::SettingsStore;
use crate::version::PackageVersion;
use crate::xml::Element;

use enrollkit_diagnostic::codes::package::{
    AUTH_POLICY, CLIENT_CERT, COMMAND_LINE, COMMAND_NAMES, COMPUTER_NAME, DEVICE_LINE, DISCOVERY,
    FILE_NAMES, HIDE_OOBE, ID, NAME, OWNER, PC_NS, PLACEHOLDER_SECRET, RANK, RAW_SECTION,
    RESERVED_USER, SECRET, SERIAL_LENGTH, SETTINGS_NS, SSID, STORE, TWO_COMPUTER_NAMES,
    TWO_ENROLLMENTS, UPN, USER_NAME, USER_PASSWORD, VERSION, WEP, WIFI_KEY, WIFI_SECURITY,
};

/// Every validation rule (`PPKG0xx`), in code order; the codes of the error types follow them
/// in the registry.
pub fn rules() -> impl Iterator<Item = Code> {
    enrollkit_diagnostic::codes::package::ALL
        .iter()
        .copied()
        .filter(|c| c.as_str() < "PPKG100")
}

/// Options for [`validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidateOptions {
    /// The settings store the package will be built against (default: desktop).
    pub store: SettingsStore,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            store: SettingsStore::Desktop,
        }
    }
}

struct Findings(Vec<Diagnostic>);

impl Findings {
    fn add(&mut self, rule: Code, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(rule.at(Location::top(path), message));
    }
}

/// Checks an answer file; returns every finding (empty when clean), in a stable order.
pub fn validate(file: &AnswerFile, options: &ValidateOptions) -> Vec<Diagnostic> {
    let mut f = Findings(Vec::new());
    check_package_config(file, &mut f);
    if file.settings_namespace != SETTINGS_NAMESPACE {
        f.add(
            SETTINGS_NS,
            "Settings",
            format!("Settings namespace is `{}`", file.settings_namespace),
        );
    }
    check_group(&file.common, "Common", options, &mut f);
    f.0
}

fn check_package_config(file: &AnswerFile, f: &mut Findings) {
    let pc = &file.package_config;
    if pc.namespace != PACKAGE_CONFIG_NAMESPACE {
        let hint = if pc.namespace.eq_ignore_ascii_case(PACKAGE_CONFIG_NAMESPACE) {
            " (namespaces are case-sensitive)"
        } else {
            ""
        };
        f.add(
            PC_NS,
            "PackageConfig",
            format!("PackageConfig namespace is `{}`{hint}", pc.namespace),
        );
    }
    if parse_guid(pc.id.trim()).is_none() {
        f.add(ID, "PackageConfig.ID", format!("`{}` is not a GUID", pc.id));
    }
    if pc.name.trim().is_empty() {
        f.add(NAME, "PackageConfig.Name", "Name is missing or empty");
    }
    if PackageVersion::parse(pc.version.trim()).is_none() {
        f.add(
            VERSION,
            "PackageConfig.Version",
            format!("`{}` is not a 2- or 4-part numeric version", pc.version),
        );
    }
    if let OwnerType::Other(owner) = &pc.owner_type {
        f.add(
            OWNER,
            "PackageConfig.OwnerType",
            format!("`{owner}` is not a known owner type"),
        );
    }
    if let Some(rank) = &pc.rank
        && pc.rank_value().is_none()
    {
        f.add(
            RANK,
            "PackageConfig.Rank",
            format!("`{rank}` is not an integer from 0 to 99"),
        );
    }
}

const TYPED_SECTIONS: &[&str] = &[
    "Accounts",
    "ConnectivityProfiles",
    "OOBE",
    "ProvisioningCommands",
    "Workplace",
];

fn check_group(group: &SettingsGroup, base: &str, options: &ValidateOptions, f: &mut Findings) {
    for raw in &group.other {
        if TYPED_SECTIONS.contains(&raw.local_name()) {
            f.add(
                RAW_SECTION,
                format!("{base}.{}", raw.local_name()),
                format!(
                    "{} has content the typed model does not know (or appears twice)",
                    raw.local_name()
                ),
            );
        }
    }
    check_accounts(group, base, f);
    if has_computer_name(group) && has_dns_computer_name(group) {
        f.add(
            TWO_COMPUTER_NAMES,
            format!("{base}.DevDetail.DNSComputerName"),
            "both Accounts/ComputerAccount/ComputerName and DevDetail/DNSComputerName are set",
        );
    }
    if let Some(workplace) = &group.workplace
        && workplace.enrollments.len() > 1
    {
        let upns: Vec<&str> = workplace
            .enrollments
            .iter()
            .map(|e| e.upn.as_str())
            .collect();
        f.add(
            TWO_ENROLLMENTS,
            format!("{base}.Workplace.Enrollments"),
            format!("{} MDM enrollments: {}", upns.len(), upns.join(", ")),
        );
    }
    check_workplace(group, base, f);
    check_commands(group, base, options, f);
    check_wifi(group, base, f);
    check_placeholders(group, base, f);
}

/// Words that mark a value as a stand-in wherever they appear (compared lowercase, letters and
/// digits only): `CHANGE-ME-admin-password`, `<replace me>`, `your_password_here`.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "replaceme",
    "placeholder",
    "fillmein",
    "yourpassword",
    "yoursecret",
    "yourkey",
];

/// Whole values that are documentation examples or defaults, not secrets (same comparison).
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passw0rd",
    "password1",
    "password123",
    "p4ssw0rd",
    "pssw0rd", // P@ssw0rd, with the symbol folded away
    "pssword",
    "secret",
    "enrollmentsecret",
    "example",
    "test",
    "admin",
    "letmein",
    "123456",
    "12345678",
    "123456789",
];

/// Lowercase letters and digits only: the form placeholders are compared in.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a (non-empty) secret is a stand-in: it contains a placeholder word such as
/// CHANGE-ME, is a well-known example value, or repeats one character (`xxxxxxxx`, `****`).
/// Empty secrets are reported by the rule of the setting they leave empty.
pub fn is_placeholder_secret(value: &str) -> bool {
    let folded = fold(value);
    let trimmed = value.trim();
    let mut chars = trimmed.chars();
    let repeated = chars
        .next()
        .is_some_and(|first| trimmed.chars().count() > 1 && chars.all(|c| c == first));
    !trimmed.is_empty()
        && (repeated
            || PLACEHOLDER_WORDS.iter().any(|w| folded.contains(w))
            || PLACEHOLDER_VALUES.contains(&folded.as_str()))
}

fn check_placeholders(group: &SettingsGroup, base: &str, f: &mut Findings) {
    let mut secrets: Vec<(String, &str)> = Vec::new();
    if let Some(accounts) = &group.accounts {
        for user in &accounts.users {
            if let Some(password) = &user.password {
                secrets.push((
                    format!("{base}.Accounts.Users.User[{}].Password", user.user_name),
                    password.expose(),
                ));
            }
        }
    }
    if let Some(workplace) = &group.workplace {
        for en in &workplace.enrollments {
            if let Some(secret) = &en.secret {
                secrets.push((
                    format!("{base}.Workplace.Enrollments.UPN[{}].Secret", en.upn),
                    secret.expose(),
                ));
            }
        }
    }
    if let Some(connectivity) = &group.connectivity {
        for n in &connectivity.wlan {
            if let Some(key) = &n.security_key {
                secrets.push((
                    format!(
                        "{base}.ConnectivityProfiles.WLAN.WLANSetting.WLANConfig[{}].SecurityKey",
                        n.ssid
                    ),
                    key.expose(),
                ));
            }
        }
    }
    let mut lines = Vec::new();
    if let Some(commands) = &group.provisioning_commands {
        for command in &commands.primary_context {
            lines.push((
                format!(
                    "{base}.ProvisioningCommands.PrimaryContext.Command[{}].CommandLine",
                    command.name
                ),
                command.command_line.to_text(),
            ));
        }
    }
    for (path, secret) in secrets {
        if is_placeholder_secret(secret) {
            f.add(
                PLACEHOLDER_SECRET,
                path,
                "the value is a placeholder (CHANGE-ME, an example value or one repeated character), not a secret",
            );
        }
    }
    // A connect key or token inside a command line: only the placeholder words, since a
    // command line legitimately holds words such as `admin`.
    for (path, line) in lines {
        let folded = fold(line.expose());
        if PLACEHOLDER_WORDS.iter().any(|w| folded.contains(w)) {
            f.add(
                PLACEHOLDER_SECRET,
                path,
                "the command line holds a placeholder such as CHANGE-ME where a key or token belongs",
            );
        }
    }
}

/// Whether `group` names the device through `Accounts/ComputerAccount/ComputerName`.
pub(crate) fn has_computer_name(group: &SettingsGroup) -> bool {
    group
        .accounts
        .as_ref()
        .and_then(|a| a.computer_account.as_ref())
        .is_some_and(|c| c.computer_name.is_some())
}

/// Whether `group` names the device through `DevDetail/DNSComputerName` (a raw setting).
pub(crate) fn has_dns_computer_name(group: &SettingsGroup) -> bool {
    group
        .other
        .iter()
        .filter(|e| e.local_name() == "DevDetail")
        .any(|e| e.child("DNSComputerName").is_some())
}

fn check_accounts(group: &SettingsGroup, base: &str, f: &mut Findings) {
    let users = group
        .accounts
        .as_ref()
        .map(|a| a.users.as_slice())
        .unwrap_or(&[]);
    if let Some(name) = group
        .accounts
        .as_ref()
        .and_then(|a| a.computer_account.as_ref())
        .and_then(|c| c.computer_name.as_ref())
    {
        let path = format!("{base}.Accounts.ComputerAccount.ComputerName");
        match computer_name_problem(name) {
            Some(problem) => f.add(COMPUTER_NAME, path, format!("`{name}`: {problem}")),
            None => {
                if let Some(fixed) = serial_fixed_len(name)
                    && fixed + 8 > 15
                {
                    f.add(
                        SERIAL_LENGTH,
                        path,
                        format!(
                            "`{name}` has {fixed} fixed bytes; a typical serial will not fit in 15"
                        ),
                    );
                }
            }
        }
    }
    for user in users {
        let path = format!("{base}.Accounts.Users.User[{}]", user.user_name);
        if let Some(problem) = account_name_problem(&user.user_name) {
            f.add(
                USER_NAME,
                format!("{path}.UserName"),
                format!("`{}`: {problem}", user.user_name),
            );
        } else if [
            "administrator",
            "guest",
            "defaultaccount",
            "wdagutilityaccount",
            "none",
        ]
        .contains(&user.user_name.to_ascii_lowercase().as_str())
        {
            f.add(
                RESERVED_USER,
                format!("{path}.UserName"),
                format!("`{}` is a built-in account name", user.user_name),
            );
        }
        if user.password.as_ref().is_none_or(|p| p.expose().is_empty()) {
            f.add(
                USER_PASSWORD,
                format!("{path}.Password"),
                "the user has no password",
            );
        }
    }
    let hides = group.oobe.as_ref().and_then(|o| o.hide_oobe) == Some(true);
    if hides && users.is_empty() {
        f.add(
            HIDE_OOBE,
            format!("{base}.OOBE.Desktop.HideOobe"),
            "OOBE is hidden but the package creates no local account; the device may have no usable sign-in",
        );
    }
}

/// Why a ComputerName is invalid, or `None`.
pub fn computer_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    let mut literal = String::new();
    let mut fixed_len = 0usize;
    let mut rest = name;
    while let Some(start) = rest.find('%') {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('%') else {
            return Some("a `%` starts a macro that is not closed".into());
        };
        let macro_body = &after[..end];
        if macro_body == "SERIAL" {
        } else if let Some(digits) = macro_body.strip_prefix("RAND:") {
            match digits.parse::<usize>() {
                Ok(n) if (1..15).contains(&n) && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    fixed_len += n
                }
                _ => {
                    return Some(format!(
                        "`%{macro_body}%` needs 1-14 digits, as in %RAND:5%"
                    ));
                }
            }
        } else {
            return Some(format!(
                "`%{macro_body}%` is not a macro (use %SERIAL% or %RAND:n%)"
            ));
        }
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    fixed_len += literal.len();
    if fixed_len > 15 {
        return Some(format!(
            "{fixed_len} bytes after macro expansion; the limit is 15"
        ));
    }
    // A serial number has at least one character, so this name always overflows.
    if fixed_len == 15 && name.contains("%SERIAL%") {
        return Some(
            "15 bytes before %SERIAL% is expanded, so every serial number overflows the 15-byte limit"
                .into(),
        );
    }
    const FORBIDDEN: &str = "{|}~[\\]^':;<=>?@!\"#$%`()+/.,*& ";
    if let Some(c) = literal
        .chars()
        .find(|c| FORBIDDEN.contains(*c) || c.is_control())
    {
        return Some(format!("contains `{c}`, which computer names cannot use"));
    }
    if name == literal && literal.bytes().all(|b| b.is_ascii_digit()) {
        return Some("an all-digit name is not a valid DNS name".into());
    }
    None
}

/// Fixed byte count of a name that uses `%SERIAL%` (literal plus RAND digits).
fn serial_fixed_len(name: &str) -> Option<usize> {
    if !name.contains("%SERIAL%") {
        return None;
    }
    let stripped = name.replace("%SERIAL%", "");
    let mut len = 0;
    let mut parts = stripped.split('%');
    let mut in_macro = false;
    for part in parts.by_ref() {
        if in_macro {
            len += part
                .strip_prefix("RAND:")
                .and_then(|d| d.parse::<usize>().ok())
                .unwrap_or(0);
        } else {
            len += part.len();
        }
        in_macro = !in_macro;
    }
    Some(len)
}

/// Why a local account name breaks the Windows rules, or `None`.
pub fn account_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if name.chars().count() > 20 {
        return Some("longer than 20 characters".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| "\"/\\[]:;|=,+*?<>%@".contains(*c) || (*c as u32) < 32)
    {
        return Some(format!("contains `{}`", c.escape_default()));
    }
    if name.ends_with('.') {
        return Some("ends with a period".into());
    }
    None
}

fn check_workplace(group: &SettingsGroup, base: &str, f: &mut Findings) {
    let Some(workplace) = &group.workplace else {
        return;
    };
    let has_client_cert = group.other.iter().any(has_client_certificate);
    for en in &workplace.enrollments {
        let path = format!("{base}.Workplace.Enrollments.UPN[{}]", en.upn);
        if !looks_like_address(&en.upn) {
            f.add(
                UPN,
                path.clone(),
                format!("`{}` does not look like user@domain", en.upn),
            );
        }
        if en.secret.as_ref().is_none_or(|s| s.is_blank()) {
            f.add(
                SECRET,
                format!("{path}.Secret"),
                "Secret is missing or empty",
            );
        }
        match &en.auth_policy {
            None => f.add(
                AUTH_POLICY,
                format!("{path}.AuthPolicy"),
                "AuthPolicy is missing",
            ),
            Some(AuthPolicy::Other(p)) => f.add(
                AUTH_POLICY,
                format!("{path}.AuthPolicy"),
                format!("`{p}` is not an AuthPolicy"),
            ),
            Some(AuthPolicy::Certificate) if !has_client_cert => f.add(
                CLIENT_CERT,
                format!("{path}.AuthPolicy"),
                "AuthPolicy is Certificate but the package has no client certificate",
            ),
            Some(_) => {}
        }
        let url = en.discovery_service_full_url.as_deref().unwrap_or("");
        if !is_https_url(url) {
            f.add(
                DISCOVERY,
                format!("{path}.DiscoveryServiceFullUrl"),
                if url.is_empty() {
                    "DiscoveryServiceFullUrl is missing".to_owned()
                } else {
                    format!("`{url}` is not an https URL")
                },
            );
        }
    }
}

fn has_client_certificate(e: &Element) -> bool {
    e.local_name() == "Certificates"
        && e.elements()
            .any(|c| c.local_name() == "ClientCertificates" && c.elements().next().is_some())
}

/// `local@domain.tld`-shaped: one `@`, non-empty local part, a dotted domain, no spaces.
pub fn looks_like_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .map(|rest| rest.split('/').next().unwrap_or(""))
        .is_some_and(|host| !host.is_empty() && !host.chars().any(char::is_whitespace))
}

fn base_name(path: &str) -> String {
    path.rsplit(['\\', '/'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
}

fn check_commands(group: &SettingsGroup, base: &str, options: &ValidateOptions, f: &mut Findings) {
    let raw_commands = group
        .other
        .iter()
        .any(|e| e.local_name() == "ProvisioningCommands");
    if (group.provisioning_commands.is_some() || raw_commands)
        && options.store != SettingsStore::Desktop
    {
        f.add(
            STORE,
            format!("{base}.ProvisioningCommands"),
            format!(
                "ProvisioningCommands exist only in the desktop store; the build uses {}",
                options.store.file_name()
            ),
        );
    }
    let Some(commands) = &group.provisioning_commands else {
        return;
    };
    let path = format!("{base}.ProvisioningCommands");
    let mut files: Vec<(String, String)> = Vec::new();
    if let Some(device) = &commands.device_context {
        let count = device.command_lines.len();
        if count != 1 {
            f.add(
                DEVICE_LINE,
                format!("{path}.DeviceContext.CommandLine"),
                format!("DeviceContext has {count} CommandLine elements"),
            );
        }
        for (i, line) in device.command_lines.iter().enumerate() {
            if line.is_blank() {
                f.add(
                    COMMAND_LINE,
                    format!("{path}.DeviceContext.CommandLine[{i}]"),
                    "the command line is empty",
                );
            }
        }
        for file in &device.command_files {
            files.push((
                format!(
                    "{path}.DeviceContext.CommandFiles.CommandFile[{}]",
                    file.name
                ),
                file.path.clone(),
            ));
        }
    }
    let mut names = HashSet::new();
    for command in &commands.primary_context {
        let cpath = format!("{path}.PrimaryContext.Command[{}]", command.name);
        if command.name.trim().is_empty() || !names.insert(command.name.to_ascii_lowercase()) {
            f.add(
                COMMAND_NAMES,
                format!("{cpath}.Name"),
                format!("command name `{}` is empty or used twice", command.name),
            );
        }
        if command.command_line.is_blank() {
            f.add(
                COMMAND_LINE,
                format!("{cpath}.CommandLine"),
                "the command line is empty",
            );
        }
        if let Some(file) = &command.command_file {
            files.push((format!("{cpath}.CommandFile"), file.clone()));
        }
        for dep in &command.dependency_packages {
            files.push((
                format!("{cpath}.DependencyPackages.Dependency[{}]", dep.name),
                dep.path.clone(),
            ));
        }
    }
    let mut seen = HashSet::new();
    for (fpath, file) in files {
        let name = base_name(&file);
        if !seen.insert(name.clone()) {
            f.add(
                FILE_NAMES,
                fpath,
                format!("file name `{name}` is used by more than one command file"),
            );
        }
    }
}

fn check_wifi(group: &SettingsGroup, base: &str, f: &mut Findings) {
    let Some(connectivity) = &group.connectivity else {
        return;
    };
    for n in &connectivity.wlan {
        let path = format!(
            "{base}.ConnectivityProfiles.WLAN.WLANSetting.WLANConfig[{}]",
            n.ssid
        );
        if n.ssid.is_empty() || n.ssid.len() > 32 {
            f.add(
                SSID,
                format!("{path}.SSID"),
                format!("SSID has {} bytes", n.ssid.len()),
            );
        }
        let key = n.security_key.as_ref().map(|k| k.expose()).unwrap_or("");
        match &n.security_type {
            Some(WifiSecurity::Wpa2Personal) => {
                let ascii_ok = (8..=63).contains(&key.len())
                    && key.bytes().all(|b| (0x20..=0x7e).contains(&b));
                let hex_ok = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
                if !ascii_ok && !hex_ok {
                    f.add(
                        WIFI_KEY,
                        format!("{path}.SecurityKey"),
                        format!("the WPA2-Personal key has {} characters", key.len()),
                    );
                }
            }
            Some(WifiSecurity::Wep) => {
                f.add(WEP, format!("{path}.SecurityType"), "the network uses WEP");
                if key.is_empty() {
                    f.add(
                        WIFI_KEY,
                        format!("{path}.SecurityKey"),
                        "the WEP network has no key",
                    );
                }
            }
            Some(WifiSecurity::Other(t)) => f.add(
                WIFI_SECURITY,
                format!("{path}.SecurityType"),
                format!("`{t}` is not a SecurityType"),
            ),
            None => f.add(
                WIFI_SECURITY,
                format!("{path}.SecurityType"),
                "SecurityType is missing",
            ),
            Some(WifiSecurity::Open) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computer_names() {
        for ok in ["CORP-%SERIAL%", "PC-%RAND:5%", "LAPTOP01", "A%RAND:14%"] {
            assert_eq!(computer_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "THIS-NAME-IS-TOO-LONG",
            "PC-%RAND:15%",
            "PC-%RAND:x%",
            "PC-%USER%",
            "PC-%SERIAL",
            "MY PC",
            "PC.CORP",
            "12345",
            "PC_%RAND:14%",
        ] {
            assert!(computer_name_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(serial_fixed_len("CORPORATE-%SERIAL%"), Some(10));
        assert_eq!(serial_fixed_len("C-%RAND:3%-%SERIAL%"), Some(6));
    }

    #[test]
    fn addresses_and_urls() {
        assert!(looks_like_address("enroll@contoso.com"));
        for bad in [
            "enroll",
            "@contoso.com",
            "a@b",
            "a@@b.c",
            "a b@c.d",
            "a@b..c",
        ] {
            assert!(!looks_like_address(bad), "{bad}");
        }
        assert!(is_https_url(
            "https://x.example/EnrollmentServer/Discovery.svc"
        ));
        assert!(!is_https_url("http://x.example/"));
        assert!(!is_https_url("https://"));
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = rules().map(|r| r.as_str()).collect();
        assert_eq!(codes.len(), 34);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
