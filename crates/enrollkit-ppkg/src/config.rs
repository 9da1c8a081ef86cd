//! The TOML package configuration behind `enrollkit windows-package --config`.
//!
//! Sans-IO: [`PackageSpec::asset_paths`] and [`PackageSpec::base_answer_file`] name the files
//! the caller must read (paths relative to the config's directory); [`PackageSpec::build`]
//! takes their bytes. `examples/windows/onboarding.toml` documents every key.

use serde::Deserialize;

use crate::command::AgentRecipe;
use crate::error::ConfigError;
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
use crate::validate::{ValidateOptions, validate};
use crate::version::derive_package_id;
use enrollkit_diagnostic::Diagnostic;
use enrollkit_diagnostic::Secret;

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
    pub password: Secret,
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
    pub secret: Secret,
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
    pub connect_key: Secret,
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
    /// `Open`, `WEP` or `WPA2-Personal` (default).
    #[serde(default = "default_security")]
    pub security: String,
    /// Passphrase.
    pub key: Option<Secret>,
    /// Connect automatically (default true).
    #[serde(default = "default_true")]
    pub auto_connect: bool,
    /// Hidden network (default false).
    #[serde(default)]
    pub hidden: bool,
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
                    .map(|u| LocalUser {
                        user_name: u.name.clone(),
                        password: Some(u.password.clone()),
                        user_group: Some(u.group.clone()),
                    })
                    .collect(),
                extra: Vec::new(),
            });
        }
        if !self.wifi.is_empty() {
            common.connectivity = Some(ConnectivityProfiles {
                wlan: self
                    .wifi
                    .iter()
                    .map(|w| WifiNetwork {
                        ssid: w.ssid.clone(),
                        name: Some(w.ssid.clone()),
                        security_type: Some(WifiSecurity::parse(&w.security)),
                        security_key: w.key.clone(),
                        auto_connect: Some(w.auto_connect),
                        hidden_network: Some(w.hidden),
                        extra: Vec::new(),
                    })
                    .collect(),
                ..ConnectivityProfiles::default()
            });
        }
        if let Some(o) = &self.oobe {
            common.oobe = Some(Oobe {
                hide_oobe: Some(o.hide_oobe),
                ..Oobe::default()
            });
        }
        if let Some(agent) = &self.agent {
            let mut recipe = AgentRecipe::new(file_name_of(&agent.msi), agent.connect_key.clone());
            if let Some(name) = &agent.command_name {
                recipe.command_name = name.clone();
            }
            if let Some(args) = &agent.installer_args {
                recipe.installer_args = args.clone();
            }
            common.provisioning_commands = Some(ProvisioningCommands {
                primary_context: vec![recipe.command_config(&options.asset_dir())?],
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
                    secret: Some(e.secret.clone()),
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
        let diagnostics = validate(
            &answer_file,
            &ValidateOptions {
                store: options.store,
            },
        );
        let inputs: Vec<AssetInput<'_>> = assets
            .iter()
            .map(|(path, bytes)| AssetInput {
                file_name: file_name_of(path).to_owned(),
                bytes,
            })
            .collect();
        let xml = answer_file
            .to_xml()
            .map_err(crate::error::BuildError::from)?;
        let plan = plan_build(&answer_file, &xml, &options, &inputs)?;
        let files = IcdBackend { options }.outputs(&answer_file, &inputs)?;
        Ok(PackageOutput {
            answer_file,
            diagnostics,
            plan,
            files,
        })
    }
}
