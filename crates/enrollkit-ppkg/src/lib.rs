//! Windows provisioning answer files (`customizations.xml`) for zero-touch onboarding.
//!
//! A Windows provisioning package (`.ppkg`) is compiled by Windows' own `icd.exe` from an
//! answer file; the package's internal format is undocumented. This crate produces everything
//! up to that step, exactly and deterministically:
//!
//! * a typed model of the answer file ([`AnswerFile`]) with a writer ([`AnswerFile::to_xml`]:
//!   UTF-8 without BOM, the two namespaces exactly as ICD expects) and a parser
//!   ([`AnswerFile::parse`]) for existing files such as an MDM vendor's downloaded enrollment
//!   file, plus [`merge`] of such a file with generated settings;
//! * typed settings for the flow (computer name, local users, HideOobe, MDM enrollment,
//!   provisioning commands, Wi-Fi) and a raw, order-preserving element tree ([`Element`]) for
//!   every other setting;
//! * [`validate`] with stable codes (table below);
//! * the agent install as data ([`AgentRecipe`]) and command lines that are safe for `cmd.exe`
//!   ([`CommandLine`]);
//! * a [`BuildPlan`]: asset manifest with SHA-256, the exact `icd.exe` argument vector and a
//!   PowerShell build script, through the [`PackageBackend`] seam where a native package
//!   writer could later plug in; [`bump_version`] keeps the package ID;
//! * the TOML configuration behind `enrollkit windows-package` ([`PackageSpec`]).
//!
//! The crate is sans-IO: assets and base files come in as bytes, outputs leave as bytes.
//! Secrets ([`Secret`]: enrollment secret, connect key, passwords, Wi-Fi keys) print as
//! `<redacted>` in `Debug` and are zeroized on drop.
//!
//! ```
//! use enrollkit_ppkg::*;
//!
//! let version = PackageVersion::parse("1.0").unwrap();
//! let id = derive_package_id("Contoso Onboarding");
//! let mut file = AnswerFile::new(PackageConfig::new(id, "Contoso Onboarding", &version, OwnerType::ItAdmin, 0));
//! file.common.workplace = Some(Workplace {
//!     enrollments: vec![Enrollment::on_premise(
//!         "enroll@contoso.com",
//!         "https://mdm.contoso.com/EnrollmentServer/Discovery.svc",
//!         Secret::new("t7Qm-2vXe-91kP"),
//!     )],
//!     extra: vec![],
//! });
//! let recipe = AgentRecipe::new("agent.msi", Secret::new("0123456789abcdef"));
//! let options = BuildOptions::new("contoso.ppkg");
//! file.common.provisioning_commands = Some(ProvisioningCommands {
//!     primary_context: vec![recipe.command_config(&options.asset_dir()).unwrap()],
//!     ..Default::default()
//! });
//! // HideOobe without a local account is a finding; this file does not hide OOBE.
//! assert!(validate(&file, &ValidateOptions::default()).is_empty());
//!
//! let xml = file.to_xml().unwrap();
//! assert!(xml.starts_with(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
//! assert_eq!(AnswerFile::parse(&xml).unwrap(), file);
//!
//! // An MSI is an OLE compound file; anything else named `.msi` is refused (PPKG406).
//! let msi = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, /* ...the MSI... */ 0];
//! let assets = [AssetInput { file_name: "agent.msi".into(), bytes: &msi }];
//! let plan = plan_build(&file, &xml, &options, &assets).unwrap();
//! assert_eq!(plan.icd_arguments[0], "/Build-ProvisioningPackage");
//! assert!(!format!("{file:?}{plan:?}").contains("t7Qm-2vXe-91kP"));
//! ```
//!
//! # Codes
//!
//! Findings are [`enrollkit_diagnostic::Diagnostic`]s; the path is a dotted path inside the
//! answer file (`PackageConfig.Version`, `Common.Workplace.Enrollments.UPN[x].Secret`).
//! Codes are the `PPKG` family of the registry (`PPKG0xx` validation, then the error types:
//! `PPKG1xx` [`ParseError`], `PPKG2xx` [`WriteError`], `PPKG3xx` [`RecipeError`], `PPKG4xx`
//! [`BuildError`], `PPKG5xx` [`ConfigError`]); [`rules`] lists the validation rules. The table
//! is generated from the registry.
//!
//! | Code | Severity | Meaning | Why | Remediation |
//! |---|---|---|---|---|
//! | PPKG001 | error | PackageConfig ID is a GUID | ICD's PackageConfig schema; the ID is the package identity | Set ID to a GUID such as {6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e} and keep it across versions |
//! | PPKG002 | error | Version has exactly 2 or 4 numeric parts | Schema pattern; `1.0.0` is rejected | Use a version such as 1.0 or 1.0.0.0 |
//! | PPKG003 | error | OwnerType is a known owner type | Schema enumeration; owner type decides precedence | Use one of Microsoft, SiliconVendor, OEM, SystemIntegrator, MobileOperator, ITAdmin (IT departments: ITAdmin) |
//! | PPKG004 | error | Rank is an integer from 0 to 99 | Schema range | Set Rank to a whole number between 0 and 99 |
//! | PPKG005 | error | Name is present and not empty | Required by the schema | Give the package a Name |
//! | PPKG006 | error | PackageConfig uses its exact namespace | Namespace URIs are case-sensitive (capital M) | Use xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0" (capital M) |
//! | PPKG007 | error | Settings uses its exact namespace | ICD looks settings up in that namespace | Use xmlns="urn:schemas-microsoft-com:windows-provisioning" |
//! | PPKG010 | error | ComputerName is a valid NetBIOS name after macro expansion | NetBIOS/DNS name rules | Use at most 15 bytes of letters, digits and hyphens, plus %SERIAL% or %RAND:n% |
//! | PPKG011 | error | Local user names follow the Windows account-name rules | Windows account-name rules | Use 1-20 characters without " / \ [ ] : ; \| = , + * ? < > % @ or control characters, not ending in a period |
//! | PPKG012 | error | Local users have a password | An account without password cannot be used at the login window | Set a Password for every local user |
//! | PPKG013 | error | HideOobe comes with at least one local account | Otherwise the device may end up with no usable sign-in | Add a local administrator under Accounts/Users, or do not hide OOBE |
//! | PPKG014 | warning | Local user names are not built-in account names | Creating it clashes with the built-in account | Pick a name other than Administrator, Guest, DefaultAccount, WDAGUtilityAccount or NONE |
//! | PPKG015 | warning | ComputerName leaves room for %SERIAL% | Serials are often 7–12 characters; the name is cut or rejected | Shorten the fixed part so that prefix plus an 8-character serial fits in 15 bytes |
//! | PPKG016 | error | One computer name setting | Accounts/ComputerAccount/ComputerName and DevDetail/DNSComputerName both rename the device; which one wins is not documented | Keep one of them (a merge of a vendor file with ours is where the second one usually comes from) |
//! | PPKG020 | error | Enrollment UPN looks like an address | The UPN is the enrollment identity | Use the enrollment identity in user@domain form |
//! | PPKG021 | error | Enrollment Secret is present and not empty | Enrollment cannot authenticate | Set Secret to the enrollment password, token or certificate thumbprint |
//! | PPKG022 | error | AuthPolicy is OnPremise or Certificate | The only values of the Provisioning CSP | Set AuthPolicy to OnPremise or Certificate |
//! | PPKG023 | error | AuthPolicy Certificate comes with a client certificate | The Secret is then a certificate thumbprint | Add Certificates/ClientCertificates with the enrollment certificate, or use OnPremise |
//! | PPKG024 | error | DiscoveryServiceFullUrl is an https URL | MDM discovery runs over TLS | Set DiscoveryServiceFullUrl to https://<host>/EnrollmentServer/Discovery.svc |
//! | PPKG025 | error | At most one MDM enrollment | A device enrolls in one MDM; a second Workplace/Enrollments entry fails or enrolls it in the wrong one | Keep one UPN under Workplace/Enrollments |
//! | PPKG026 | error | Secrets are real values, not placeholders | A package built with CHANGE-ME, an example value or an empty secret fails on every device it touches (the enrollment is refused, the Wi-Fi does not join, the admin password is public) | Put the real secret in the environment and reference it from the config as { env = "NAME" } |
//! | PPKG030 | error | DeviceContext has exactly one CommandLine | One device-context command line per package | Use a single CommandLine in DeviceContext (chain steps in one script), or move commands to PrimaryContext |
//! | PPKG031 | error | Command and dependency file names are unique | All files land in one directory on the device | Rename the files so that every CommandFile and Dependency has its own file name |
//! | PPKG032 | error | ProvisioningCommands are built against the desktop settings store | The common store has no ProvisioningCommands; ICD fails | Build with the desktop store (Microsoft-Desktop-Provisioning.dat) |
//! | PPKG033 | error | PrimaryContext command names are present and unique | Commands are addressed by name | Give every CommandConfig its own Name |
//! | PPKG034 | error | Command lines are not empty | Nothing would run | Write the command to run into CommandLine |
//! | PPKG040 | error | Wi-Fi SSID has 1-32 bytes | 802.11 SSID length | Use the network name as broadcast, at most 32 bytes |
//! | PPKG041 | error | Protected Wi-Fi networks have a usable key | Otherwise the profile cannot connect | Set SecurityKey: WPA2-Personal takes 8-63 printable ASCII characters or 64 hex digits |
//! | PPKG042 | error | SecurityType is Open, WEP or WPA2-Personal | The values the settings editor offers | Set SecurityType to Open, WEP or WPA2-Personal; for WPA3 or enterprise networks use the package config's [[wifi]] security, which writes a WLAN profile instead |
//! | PPKG043 | warning | Wi-Fi does not use WEP | WEP is broken | Move the network to WPA2-Personal; WEP is broken |
//! | PPKG044 | error | Enterprise Wi-Fi names the RADIUS server and its root | At first boot nobody can answer the server-trust prompt; without names and a root thumbprint the device either cannot connect or trusts any server | Set server_names and trusted_root_ca_sha1 (the SHA-1 thumbprint of the RADIUS server's root CA) |
//! | PPKG045 | error | WPA3-Enterprise 192-bit mode uses EAP-TLS | The 192-bit mode admits only EAP-TLS with Suite B ciphers | Use eap = "TLS", or WPA3-Enterprise / WPA2-Enterprise for PEAP |
//! | PPKG046 | warning | PEAP networks need a user's password when they connect | At first boot no user has signed in, so the device cannot join a PEAP-MSCHAPv2 network unattended | Use EAP-TLS with a machine certificate for the network the device enrolls over, or add a personal network for setup |
//! | PPKG090 | info | Typed sections are recognized | A section with unknown content is kept verbatim and its typed checks are skipped | The section was kept verbatim and its typed checks were skipped; check it by hand |
//! | PPKG101 | error | The answer file is larger than the parser's input limit. | A real customizations.xml is a few kilobytes; a huge input is refused before parsing. | Check that the file is an answer file, or raise Limits::max_input_bytes. |
//! | PPKG102 | error | Elements nest deeper than the parser's depth limit. | Answer files nest a handful of levels; deep nesting is refused to bound memory and stack. | Check the file, or raise Limits::max_depth. |
//! | PPKG103 | error | The document has more XML nodes than the parser's node limit. | The limit bounds the memory a hostile file can claim. | Check the file, or raise Limits::max_nodes. |
//! | PPKG104 | error | The answer file is not UTF-8. | ICD writes and reads answer files as UTF-8. | Save the file as UTF-8. |
//! | PPKG105 | error | The answer file is not well-formed XML. | Neither ICD nor enrollkit can read a document that is not well-formed. | Fix the XML at the reported offset. |
//! | PPKG106 | error | The document is well-formed but not shaped like a document (no root element, a DOCTYPE, ...). | Answer files are a single WindowsCustomizations element; DOCTYPEs are refused to rule out entity expansion. | Supply a plain customizations.xml without DOCTYPE. |
//! | PPKG107 | error | The root is not WindowsCustomizations, or PackageConfig or Settings is missing. | Windows Configuration Designer and icd.exe expect exactly this structure. | Supply a Windows provisioning answer file (customizations.xml). |
//! | PPKG108 | error | A typed setting holds a value of the wrong kind (for example Maybe for a boolean). | ICD rejects settings whose values do not fit their type. | Write the value the setting expects (True/False, a number, ...). |
//! | PPKG201 | error | The XML writer failed. | — | Report this as a bug with the input that caused it. |
//! | PPKG202 | error | An element has an empty or unusable name. | XML element names cannot be empty or contain spaces and markup characters. | Rename the element. |
//! | PPKG203 | error | A comment contains -- or ends with -, which XML forbids. | — | Remove the double hyphen from the comment. |
//! | PPKG301 | error | A user name cannot be placed into a command line safely. | cmd.exe interprets characters such as & \| < > ^ %; only A-Z a-z 0-9 . _ - are allowed, 1-20 of them. | Use a user name of 1-20 characters from A-Z a-z 0-9 . _ -. |
//! | PPKG302 | error | A file name cannot be placed into a command line safely. | cmd.exe interprets special characters, and a path separator would leave the package's folder. | Use a file name of 1-100 characters from A-Z a-z 0-9 . _ - with no leading dot. |
//! | PPKG303 | error | The agent connect key is empty or has characters that are unsafe in a command line. | cmd.exe would interpret them, changing the command that runs at first boot. | Use the connect key exactly as issued (A-Z a-z 0-9 . _ -). |
//! | PPKG304 | error | An installer argument cannot be placed into a command line safely. | cmd.exe would interpret its special characters. | Use arguments from A-Z a-z 0-9 . _ - / : = +. |
//! | PPKG401 | error | The answer file references a file that no asset supplies. | icd.exe fails when a CommandFile or Dependency is missing. | Supply the file, or remove the reference. |
//! | PPKG402 | error | An asset is supplied that nothing references. | The package would carry a file nothing runs. | Reference the asset from a command, or drop it. |
//! | PPKG403 | error | Two assets share a file name (ignoring case). | All files land in one folder on the device. | Rename one of the files. |
//! | PPKG404 | error | A build option is not usable. | — | Fix the option named in the message. |
//! | PPKG405 | error | The build manifest could not be serialized. | — | Report this as a bug. |
//! | PPKG406 | error | An asset named `.msi` is not a Windows Installer package (an OLE compound file); msiexec would fail on the device. | — | Supply the agent's real MSI (it starts with the bytes D0 CF 11 E0 A1 B1 1A E1), not a download page or an error message saved under that name. |
//! | PPKG501 | error | The package config is not valid TOML of the expected shape. | — | Fix the config at the reported line (see examples/windows/onboarding.toml). |
//! | PPKG502 | error | A value in the package config is not acceptable. | — | Fix the value named in the message. |
//! | PPKG503 | error | An asset named by the package config was not supplied. | — | Supply every file the config names ([agent] msi, [merge] answer_file). |
//! | PPKG504 | error | The merged answer file would hold two MDM enrollments or two computer-name settings, one from each source. | — | Remove one of them, or set [merge] precedence = "ours" or "theirs" to keep one side's. |
//! | PPKG505 | error | A secret in the package config reads an environment variable that is not set. | — | Set the variable named in the message (for example in the CI job's secrets) and run again. |
//!

mod command;
mod config;
mod error;
mod hello;
mod merge;
mod model;
mod plan;
mod validate;
mod version;
mod wlan;
mod xml;

pub use command::{
    AgentRecipe, CommandLine, add_to_local_group, asset_command, builder_path, is_safe_file_name,
    is_safe_user_name,
};
pub use config::{
    AgentSection, BuildSection, ComputerSection, EnrollmentSection, MergeSection, OobeSection,
    PackageOutput, PackageSection, PackageSpec, SecretSource, UserSection, WifiSection,
    file_name_of,
};
pub use enrollkit_diagnostic::{Code, Coded, Secret};
pub use error::{BuildError, ConfigError, ParseError, RecipeError, WriteError};
pub use hello::{
    PIN_COMPLEXITY_KEY, PIN_POLICY_COMMAND, PIN_POLICY_SCRIPT, pin_complexity_values,
    pin_policy_command, pin_policy_script,
};
pub use merge::{MergeConflict, MergePrecedence, merge};
pub use model::{
    Accounts, AnswerFile, AuthPolicy, CommandConfig, ComputerAccount, ConnectivityProfiles,
    DeviceContext, Enrollment, LocalUser, NamedPath, Oobe, OwnerType, PACKAGE_CONFIG_NAMESPACE,
    PackageConfig, ProvisioningCommands, SETTINGS_NAMESPACE, SettingsGroup, WifiNetwork,
    WifiSecurity, Workplace, format_guid, parse_guid,
};
pub use plan::{
    AssetEntry, AssetInput, BuildOptions, BuildPlan, IcdBackend, OutputFile, PackageBackend,
    SettingsStore, plan_build, referenced_files, sha256_hex,
};
pub use validate::{
    ValidateOptions, account_name_problem, computer_name_problem, is_placeholder_secret,
    looks_like_address, rules, validate,
};
pub use version::{PackageVersion, bump_version, derive_package_id, package_id_namespace};
pub use wlan::{
    EapMethod, EnterpriseMode, ServerValidation, WlanProblem, WlanProfile, WlanSecurity,
};
pub use xml::{Attribute, Element, Limits, Node, parse_element_tree, write_element_tree};
