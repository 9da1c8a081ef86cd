//! The TOML package configuration behind `enrollkit windows-package --config`.
//!
//! Sans-IO: [`PackageSpec::asset_paths`] and [`PackageSpec::base_answer_file`] name the files
//! the caller must read (paths relative to the config's directory); [`PackageSpec::build`]
//! takes their bytes. `examples/windows/onboarding.toml` documents every key.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::command::AgentRecipe;
use crate::error::ConfigError;
use crate::hello::{PIN_POLICY_SCRIPT, pin_policy_command, pin_policy_script};
use crate::merge::MergePrecedence;
use crate::model::{
    Accounts, AnswerFile, AuthPolicy, ComputerAccount, ConnectivityProfiles, Enrollment, LocalUser,
    Oobe, OwnerType, PACKAGE_CONFIG_NAMESPACE, PackageConfig, ProvisioningCommands,
    SETTINGS_NAMESPACE, SettingsGroup, WifiNetwork, WifiSecurity, Workplace, format_guid,
    parse_guid,
};
use crate::plan::{
    AssetInput, BuildOptions, BuildPlan, IcdBackend, OutputFile, PackageBackend, SettingsStore,
    plan_build,
};
use crate::validate::{ValidateOptions, is_placeholder_secret, validate};
use crate::version::derive_package_id;
use crate::wlan::{EapMethod, EnterpriseMode, ServerValidation, WlanProfile, WlanSecurity};
use enrollkit_diagnostic::codes::package::{PEAP_AT_OOBE, PLACEHOLDER_SECRET};
use enrollkit_diagnostic::{Diagnostic, Location, Secret};
use enrollkit_flow::pin::PinPolicy;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    /// `[package]`: identity.
    pub package: PackageSection,
    /// `[build]`: how the Windows runner builds.
    #[serde(default)]
    pub build: BuildSection,
    /// `[merge]`: a downloaded answer file to merge under the generated settings.
    pub merge: Option<MergeSection>,
    /// `[computer]`: device name.
    pub computer: Option<ComputerSection>,
    /// `[oobe]`.
    pub oobe: Option<OobeSection>,
    /// `[[users]]`: local accounts.
    #[serde(default)]
    pub users: Vec<UserSection>,
    /// `[enrollment]`: bulk MDM enrollment.
    pub enrollment: Option<EnrollmentSection>,
    /// `[agent]`: agent MSI install.
    pub agent: Option<AgentSection>,
    /// `[[wifi]]`: Wi-Fi networks.
    #[serde(default)]
    pub wifi: Vec<WifiSection>,
    /// `[hello_pin]`: the Windows Hello PIN rules, the same `PinPolicy` the credential-provider
    /// flow checks (`min_length`, `max_length`, `digits_only`).
    pub hello_pin: Option<PinPolicy>,
    /// Values of `{ env = "NAME" }` secrets, supplied by the caller ([`PackageSpec::with_secrets`]).
    #[serde(skip)]
    secret_values: BTreeMap<String, Secret>,
}

/// A secret in the config: written in place, or `{ env = "NAME" }` to read it from the
/// environment (the caller supplies it; the library does no I/O). Placeholders written in
/// place, such as `CHANGE-ME-…`, are refused by rule PPKG026.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a secret: a string or { env = \"NAME\" } (value not shown)"
)]
pub enum SecretSource {
    /// The value itself.
    Value(Secret),
    /// The name of the environment variable that holds it.
    Env(EnvSecret),
}

/// `{ env = "NAME" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSecret {
    /// The variable name.
    pub env: String,
}

/// `[package]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSection {
    /// Package name.
    pub name: String,
    /// Package GUID; when absent it is derived from the name (see [`derive_package_id`]).
    pub id: Option<String>,
    /// Version, 2 or 4 parts (default `1.0`).
    #[serde(default = "default_version")]
    pub version: String,
    /// Owner type (default `ITAdmin`).
    #[serde(default = "default_owner")]
    pub owner_type: String,
    /// Rank 0-99 (default 0).
    #[serde(default)]
    pub rank: u32,
    /// Description.
    pub description: Option<String>,
}

fn default_version() -> String {
    "1.0".to_owned()
}
fn default_owner() -> String {
    "ITAdmin".to_owned()
}

/// `[build]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSection {
    /// Work directory on the runner (default `C:\enrollkit-build`).
    pub work_dir: Option<String>,
    /// Output file name (default: the package name in lowercase with `-`, plus `.ppkg`).
    pub package_file: Option<String>,
    /// Settings store (default `desktop`).
    pub store: Option<String>,
    /// Encrypt the package (default false).
    #[serde(default)]
    pub encrypted: bool,
}

/// `[merge]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeSection {
    /// Path of the downloaded `customizations.xml`, relative to the config.
    pub answer_file: String,
    /// Which side keeps the MDM enrollment or computer name when both set one: `ours`,
    /// `theirs`, or (the default) refuse the merge.
    #[serde(default)]
    pub precedence: MergePrecedence,
}

/// `[computer]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputerSection {
    /// ComputerName, with `%SERIAL%` / `%RAND:n%`.
    pub name: String,
}

/// `[oobe]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OobeSection {
    /// Hide the out-of-box experience.
    pub hide_oobe: bool,
}

/// `[[users]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSection {
    /// Account name.
    pub name: String,
    /// Password.
    pub password: SecretSource,
    /// Group (default `Administrators`).
    #[serde(default = "default_group")]
    pub group: String,
}

fn default_group() -> String {
    "Administrators".to_owned()
}

/// `[enrollment]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentSection {
    /// Enrollment identity (UPN).
    pub upn: String,
    /// `OnPremise` (default) or `Certificate`.
    #[serde(default = "default_auth")]
    pub auth_policy: String,
    /// DiscoveryServiceFullUrl.
    pub discovery_url: String,
    /// EnrollmentServiceFullUrl (usually omitted).
    pub enrollment_url: Option<String>,
    /// PolicyServiceFullUrl (usually omitted).
    pub policy_url: Option<String>,
    /// The enrollment Secret.
    pub secret: SecretSource,
}

fn default_auth() -> String {
    "OnPremise".to_owned()
}

/// `[agent]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSection {
    /// Path of the MSI, relative to the config; its file name is used in the package.
    pub msi: String,
    /// Connect key.
    pub connect_key: SecretSource,
    /// CommandConfig name (default `Install_Agent`).
    pub command_name: Option<String>,
    /// Installer arguments after `-k <key>` (default `/VERYSILENT /NORESTART`).
    pub installer_args: Option<Vec<String>>,
}

/// `[[wifi]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WifiSection {
    /// SSID.
    pub ssid: String,
    /// `Open`, `WEP`, `WPA2-Personal` (default) — written as the answer file's own Wi-Fi
    /// settings — or `WPA3-Personal`, `WPA2-Enterprise`, `WPA3-Enterprise`,
    /// `WPA3-Enterprise-192` — written as a WLAN profile asset added with `netsh`.
    #[serde(default = "default_security")]
    pub security: String,
    /// Passphrase (personal networks).
    pub key: Option<SecretSource>,
    /// Connect automatically (default true).
    #[serde(default = "default_true")]
    pub auto_connect: bool,
    /// Hidden network (default false).
    #[serde(default)]
    pub hidden: bool,
    /// WPA3-Personal: also join the WPA2 side of a mixed WPA2/WPA3 network.
    #[serde(default)]
    pub transition_mode: bool,
    /// Enterprise: `TLS` (EAP-TLS with the machine certificate) or `PEAP` (PEAP-MSCHAPv2).
    pub eap: Option<String>,
    /// Enterprise: names the RADIUS server's certificate must carry.
    #[serde(default)]
    pub server_names: Vec<String>,
    /// Enterprise: SHA-1 thumbprints of the root CAs that may issue it.
    #[serde(default)]
    pub trusted_root_ca_sha1: Vec<String>,
}

/// How a `[[wifi]]` entry is written.
enum WifiForm {
    /// The answer file's `WLANXmlSettings`.
    Settings(WifiSecurity),
    /// A WLAN profile asset.
    Profile(WlanProfile),
}

fn default_security() -> String {
    "WPA2-Personal".to_owned()
}
fn default_true() -> bool {
    true
}

/// Everything [`PackageSpec::build`] produces.
#[derive(Debug, Clone)]
pub struct PackageOutput {
    /// The answer file (merged when `[merge]` is set).
    pub answer_file: AnswerFile,
    /// Validation findings; the caller should not ship the package when any is an error.
    pub diagnostics: Vec<Diagnostic>,
    /// The build plan.
    pub plan: BuildPlan,
    /// Files to write into the output directory (answer file, manifest, script).
    pub files: Vec<OutputFile>,
}

/// The last path component of a `/`- or `\`-separated path.
pub fn file_name_of(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "package".to_owned()
    } else {
        trimmed.chars().take(90).collect()
    }
}

impl PackageSpec {
    /// Parses the TOML text. Error messages carry line numbers, not values.
    pub fn from_toml(text: &str) -> Result<PackageSpec, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text.get(..span.start).unwrap_or("").matches('\n').count() + 1);
            let message = e.message().to_owned();
            ConfigError::Toml(match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            })
        })
    }

    /// The environment variables the config's `{ env = "NAME" }` secrets read, in config order.
    pub fn secret_variables(&self) -> Vec<String> {
        let mut sources: Vec<&SecretSource> = Vec::new();
        sources.extend(self.users.iter().map(|u| &u.password));
        sources.extend(self.enrollment.iter().map(|e| &e.secret));
        sources.extend(self.agent.iter().map(|a| &a.connect_key));
        sources.extend(self.wifi.iter().filter_map(|w| w.key.as_ref()));
        let mut names = Vec::new();
        for source in sources {
            if let SecretSource::Env(e) = source
                && !names.contains(&e.env)
            {
                names.push(e.env.clone());
            }
        }
        names
    }

    /// Supplies the values of `{ env = "NAME" }` secrets (the CLI reads them from its
    /// environment). A variable the config reads and `values` lacks fails the build with
    /// PPKG505.
    pub fn with_secrets(mut self, values: impl IntoIterator<Item = (String, Secret)>) -> Self {
        self.secret_values.extend(values);
        self
    }

    fn secret(&self, source: &SecretSource, field: &str) -> Result<Secret, ConfigError> {
        match source {
            SecretSource::Value(secret) => Ok(secret.clone()),
            SecretSource::Env(e) => {
                self.secret_values
                    .get(&e.env)
                    .cloned()
                    .ok_or_else(|| ConfigError::MissingSecret {
                        field: field.to_owned(),
                        variable: e.env.clone(),
                    })
            }
        }
    }

    fn wifi_form(&self, index: usize, w: &WifiSection) -> Result<WifiForm, ConfigError> {
        let field = |name: &str| format!("wifi[{index}].{name}");
        let bad = |name: &str, reason: String| ConfigError::BadValue {
            field: field(name),
            reason,
        };
        let enterprise = match w.security.as_str() {
            "WPA2-Enterprise" => Some(EnterpriseMode::Wpa2),
            "WPA3-Enterprise" => Some(EnterpriseMode::Wpa3),
            "WPA3-Enterprise-192" => Some(EnterpriseMode::Wpa3Suite192),
            _ => None,
        };
        let personal_only =
            w.eap.is_some() || !w.server_names.is_empty() || !w.trusted_root_ca_sha1.is_empty();
        if enterprise.is_none() && personal_only {
            return Err(bad(
                "eap",
                format!(
                    "eap, server_names and trusted_root_ca_sha1 belong to enterprise networks, not `{}`",
                    w.security
                ),
            ));
        }
        if w.transition_mode && w.security != "WPA3-Personal" {
            return Err(bad(
                "transition_mode",
                "transition_mode applies to WPA3-Personal only".into(),
            ));
        }
        let key = match &w.key {
            Some(source) => Some(self.secret(source, &field("key"))?),
            None => None,
        };
        if let Some(mode) = enterprise {
            if key.is_some() {
                return Err(bad(
                    "key",
                    "an enterprise network authenticates with EAP, not a key".into(),
                ));
            }
            let eap = match w.eap.as_deref() {
                Some("TLS") => EapMethod::Tls,
                Some("PEAP") => EapMethod::PeapMschapV2,
                other => {
                    return Err(bad(
                        "eap",
                        format!("`{}` is not TLS or PEAP", other.unwrap_or("(missing)")),
                    ));
                }
            };
            return Ok(WifiForm::Profile(WlanProfile {
                ssid: w.ssid.clone(),
                hidden: w.hidden,
                auto_connect: w.auto_connect,
                security: WlanSecurity::Enterprise {
                    mode,
                    eap,
                    validation: ServerValidation {
                        server_names: w.server_names.clone(),
                        trusted_root_ca_sha1: w.trusted_root_ca_sha1.clone(),
                    },
                },
            }));
        }
        match w.security.as_str() {
            "WPA3-Personal" => Ok(WifiForm::Profile(WlanProfile {
                ssid: w.ssid.clone(),
                hidden: w.hidden,
                auto_connect: w.auto_connect,
                security: WlanSecurity::Wpa3Personal {
                    passphrase: key.unwrap_or_default(),
                    transition_mode: w.transition_mode,
                },
            })),
            "Open" | "WEP" | "WPA2-Personal" => {
                Ok(WifiForm::Settings(WifiSecurity::parse(&w.security)))
            }
            other => Err(bad(
                "security",
                format!(
                    "`{other}` is not one of Open, WEP, WPA2-Personal, WPA3-Personal, WPA2-Enterprise, WPA3-Enterprise, WPA3-Enterprise-192"
                ),
            )),
        }
    }

    /// The networks written as WLAN profiles, with their asset file names.
    fn wlan_profiles(&self) -> Result<Vec<(String, WlanProfile)>, ConfigError> {
        let mut out = Vec::new();
        for (index, w) in self.wifi.iter().enumerate() {
            if let WifiForm::Profile(profile) = self.wifi_form(index, w)? {
                out.push((format!("enrollkit-wifi-{}.xml", out.len() + 1), profile));
            }
        }
        Ok(out)
    }

    /// Files the config itself generates (WLAN profiles, the PIN policy script), by file name.
    pub fn generated_assets(&self) -> Result<Vec<(String, Vec<u8>)>, ConfigError> {
        let mut out = Vec::new();
        for (name, profile) in self.wlan_profiles()? {
            let xml = profile.to_xml().map_err(crate::error::BuildError::from)?;
            out.push((name, xml));
        }
        if self.hello_pin.is_some() {
            out.push((PIN_POLICY_SCRIPT.to_owned(), pin_policy_script()));
        }
        Ok(out)
    }

    /// Findings about what the config generates outside the answer file (WLAN profiles).
    fn generated_findings(&self) -> Result<Vec<Diagnostic>, ConfigError> {
        let mut out = Vec::new();
        for (name, profile) in self.wlan_profiles()? {
            let path = format!("assets/{name}");
            for problem in profile.problems() {
                out.push(
                    problem
                        .code()
                        .at(Location::top(path.clone()), problem.to_string()),
                );
            }
            match &profile.security {
                WlanSecurity::Wpa3Personal { passphrase, .. }
                    if is_placeholder_secret(passphrase.expose()) =>
                {
                    out.push(PLACEHOLDER_SECRET.at(
                        Location::top(format!("{path}.keyMaterial")),
                        "the passphrase is a placeholder (CHANGE-ME, an example value or one repeated character), not a secret",
                    ));
                }
                WlanSecurity::Enterprise {
                    eap: EapMethod::PeapMschapV2,
                    ..
                } => out.push(PEAP_AT_OOBE.at(
                    Location::top(path.clone()),
                    format!(
                        "`{}` uses PEAP-MSCHAPv2: it needs a user's password to connect",
                        profile.ssid
                    ),
                )),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Asset paths (relative to the config) whose bytes [`PackageSpec::build`] needs.
    pub fn asset_paths(&self) -> Vec<String> {
        self.agent.iter().map(|a| a.msi.clone()).collect()
    }

    /// The base answer file path (relative to the config), when `[merge]` is set.
    pub fn base_answer_file(&self) -> Option<&str> {
        self.merge.as_ref().map(|m| m.answer_file.as_str())
    }

    /// The build options.
    pub fn build_options(&self) -> Result<BuildOptions, ConfigError> {
        let package_file = self
            .build
            .package_file
            .clone()
            .unwrap_or_else(|| format!("{}.ppkg", slug(&self.package.name)));
        let mut options = BuildOptions::new(package_file);
        if let Some(dir) = &self.build.work_dir {
            options.work_dir = dir.trim_end_matches('\\').to_owned();
        }
        if let Some(store) = &self.build.store {
            options.store = SettingsStore::parse(store).ok_or_else(|| ConfigError::BadValue {
                field: "build.store".into(),
                reason: format!(
                    "`{store}` is not one of common, desktop, hololens, iotuap, mobile, team"
                ),
            })?;
        }
        options.encrypted = self.build.encrypted;
        Ok(options)
    }

    /// The generated answer file, merged onto `base` (the `[merge]` file's bytes) if given.
    pub fn to_answer_file(&self, base: Option<&[u8]>) -> Result<AnswerFile, ConfigError> {
        let options = self.build_options()?;
        let p = &self.package;
        let id = match &p.id {
            Some(id) => parse_guid(id.trim())
                .map(format_guid)
                .unwrap_or_else(|| id.clone()),
            None => format_guid(derive_package_id(&p.name)),
        };
        let package_config = PackageConfig {
            namespace: PACKAGE_CONFIG_NAMESPACE.to_owned(),
            id,
            name: p.name.clone(),
            description: p.description.clone(),
            version: p.version.clone(),
            owner_type: OwnerType::parse(&p.owner_type),
            rank: Some(p.rank.to_string()),
            notes: None,
            extra: Vec::new(),
        };
        let mut common = SettingsGroup::default();
        if self.computer.is_some() || !self.users.is_empty() {
            common.accounts = Some(Accounts {
                computer_account: self.computer.as_ref().map(|c| ComputerAccount {
                    computer_name: Some(c.name.clone()),
                    ..ComputerAccount::default()
                }),
                users: self
                    .users
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        Ok(LocalUser {
                            user_name: u.name.clone(),
                            password: Some(
                                self.secret(&u.password, &format!("users[{i}].password"))?,
                            ),
                            user_group: Some(u.group.clone()),
                        })
                    })
                    .collect::<Result<_, ConfigError>>()?,
                extra: Vec::new(),
            });
        }
        let mut wlan = Vec::new();
        for (index, w) in self.wifi.iter().enumerate() {
            if let WifiForm::Settings(security) = self.wifi_form(index, w)? {
                let key = match &w.key {
                    Some(source) => Some(self.secret(source, &format!("wifi[{index}].key"))?),
                    None => None,
                };
                wlan.push(WifiNetwork {
                    ssid: w.ssid.clone(),
                    name: Some(w.ssid.clone()),
                    security_type: Some(security),
                    security_key: key,
                    auto_connect: Some(w.auto_connect),
                    hidden_network: Some(w.hidden),
                    extra: Vec::new(),
                });
            }
        }
        if !wlan.is_empty() {
            common.connectivity = Some(ConnectivityProfiles {
                wlan,
                ..ConnectivityProfiles::default()
            });
        }
        if let Some(o) = &self.oobe {
            common.oobe = Some(Oobe {
                hide_oobe: Some(o.hide_oobe),
                ..Oobe::default()
            });
        }
        // Network first (the agent may download), then the PIN rules, then the agent.
        let asset_dir = options.asset_dir();
        let mut commands = Vec::new();
        for (i, (file_name, profile)) in self.wlan_profiles()?.iter().enumerate() {
            commands.push(profile.command_config(
                &format!("Add_WiFi_{}", i + 1),
                file_name,
                &asset_dir,
            )?);
        }
        if let Some(pin) = &self.hello_pin {
            commands.push(pin_policy_command(pin, &asset_dir)?);
        }
        if let Some(agent) = &self.agent {
            let key = self.secret(&agent.connect_key, "agent.connect_key")?;
            let mut recipe = AgentRecipe::new(file_name_of(&agent.msi), key);
            if let Some(name) = &agent.command_name {
                recipe.command_name = name.clone();
            }
            if let Some(args) = &agent.installer_args {
                recipe.installer_args = args.clone();
            }
            commands.push(recipe.command_config(&asset_dir)?);
        }
        if !commands.is_empty() {
            common.provisioning_commands = Some(ProvisioningCommands {
                primary_context: commands,
                ..ProvisioningCommands::default()
            });
        }
        if let Some(e) = &self.enrollment {
            common.workplace = Some(Workplace {
                enrollments: vec![Enrollment {
                    upn: e.upn.clone(),
                    name: Some(e.upn.clone()),
                    auth_policy: Some(AuthPolicy::parse(&e.auth_policy)),
                    discovery_service_full_url: Some(e.discovery_url.clone()),
                    enrollment_service_full_url: e.enrollment_url.clone(),
                    policy_service_full_url: e.policy_url.clone(),
                    secret: Some(self.secret(&e.secret, "enrollment.secret")?),
                    extra: Vec::new(),
                }],
                extra: Vec::new(),
            });
        }
        let generated = AnswerFile {
            package_config,
            settings_namespace: SETTINGS_NAMESPACE.to_owned(),
            common,
            multivariant: Vec::new(),
            root_extra: Vec::new(),
        };
        match base {
            Some(bytes) => {
                let precedence = self
                    .merge
                    .as_ref()
                    .map(|m| m.precedence)
                    .unwrap_or_default();
                crate::merge::merge(&AnswerFile::parse(bytes)?, &generated, precedence).map_err(
                    |conflict| ConfigError::MergeConflict {
                        file: self.base_answer_file().unwrap_or_default().to_owned(),
                        conflict,
                    },
                )
            }
            None => Ok(generated),
        }
    }

    /// Builds everything: `assets` pairs each path from [`PackageSpec::asset_paths`] with its
    /// bytes; `base` is the `[merge]` file's bytes.
    pub fn build(
        &self,
        assets: &[(String, &[u8])],
        base: Option<&[u8]>,
    ) -> Result<PackageOutput, ConfigError> {
        for path in self.asset_paths() {
            if !assets.iter().any(|(p, _)| *p == path) {
                return Err(ConfigError::MissingAsset(path));
            }
        }
        let options = self.build_options()?;
        let answer_file = self.to_answer_file(base)?;
        if let Some(pin) = &self.hello_pin {
            pin.validate().map_err(|e| ConfigError::BadValue {
                field: "hello_pin".into(),
                reason: e.to_string(),
            })?;
        }
        let mut diagnostics = validate(
            &answer_file,
            &ValidateOptions {
                store: options.store,
            },
        );
        diagnostics.extend(self.generated_findings()?);
        let generated = self.generated_assets()?;
        let mut inputs: Vec<AssetInput<'_>> = assets
            .iter()
            .map(|(path, bytes)| AssetInput {
                file_name: file_name_of(path).to_owned(),
                bytes,
            })
            .collect();
        inputs.extend(generated.iter().map(|(name, bytes)| AssetInput {
            file_name: name.clone(),
            bytes,
        }));
        let xml = answer_file
            .to_xml()
            .map_err(crate::error::BuildError::from)?;
        let plan = plan_build(&answer_file, &xml, &options, &inputs)?;
        let mut files = IcdBackend { options }.outputs(&answer_file, &inputs)?;
        files.extend(generated.into_iter().map(|(name, bytes)| OutputFile {
            path: format!("assets/{name}"),
            bytes,
        }));
        Ok(PackageOutput {
            answer_file,
            diagnostics,
            plan,
            files,
        })
    }
}
