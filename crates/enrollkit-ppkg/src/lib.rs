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
//!         Secret::new("enrollment-secret"),
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
//! let msi = b"...the MSI bytes...";
//! let assets = [AssetInput { file_name: "agent.msi".into(), bytes: msi }];
//! let plan = plan_build(&file, &xml, &options, &assets).unwrap();
//! assert_eq!(plan.icd_arguments[0], "/Build-ProvisioningPackage");
//! assert!(!format!("{file:?}{plan:?}").contains("enrollment-secret"));
//! ```
//!
//! # Validation codes
//!
//! Findings are [`enrollkit_diagnostic::Diagnostic`]s; the path is a dotted path inside the
//! answer file (`PackageConfig.Version`, `Common.Workplace.Enrollments.UPN[x].Secret`).
//! [`RULES`] holds the same table as data.
//!
//! | Code | Severity | What is checked | Why | Remediation |
//! |---|---|---|---|---|
//! | PPKG001 | error | PackageConfig `ID` is a GUID (braces optional) | ICD's PackageConfig schema; the ID is the package identity | Use a GUID and keep it across versions |
//! | PPKG002 | error | `Version` has exactly 2 or 4 numeric parts | Schema pattern; `1.0.0` is rejected | Use `1.0` or `1.0.0.0` |
//! | PPKG003 | error | `OwnerType` is Microsoft, SiliconVendor, OEM, SystemIntegrator, MobileOperator or ITAdmin | Schema enumeration; owner type decides precedence | IT departments use `ITAdmin` |
//! | PPKG004 | error | `Rank` is an integer 0–99 | Schema range | Pick 0–99 |
//! | PPKG005 | error | `Name` is present | Required by the schema | Name the package |
//! | PPKG006 | error | PackageConfig namespace is `urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0` | Namespace URIs are case-sensitive (capital M) | Fix the `xmlns` |
//! | PPKG007 | error | Settings namespace is `urn:schemas-microsoft-com:windows-provisioning` | ICD looks settings up in that namespace | Fix the `xmlns` |
//! | PPKG010 | error | ComputerName ≤ 15 bytes after `%RAND:n%`, only `%SERIAL%`/`%RAND:n%` macros, no forbidden characters, not all digits | NetBIOS/DNS name rules | Shorten or fix the name |
//! | PPKG011 | error | Local user names: 1–20 chars, none of `" / \ [ ] : ; \| = , + * ? < > % @`, no control chars, no trailing period | Windows account-name rules | Rename the account |
//! | PPKG012 | error | Local users have a password | An account without password cannot be used at the login window | Set a password |
//! | PPKG013 | error | `HideOobe` = True comes with a local account | Otherwise the device may end up with no usable sign-in | Add a local admin |
//! | PPKG014 | warning | User name is not a built-in name (Administrator, Guest, DefaultAccount, WDAGUtilityAccount, NONE) | Creating it clashes with the built-in account | Choose another name |
//! | PPKG015 | warning | `%SERIAL%` names leave ≥ 8 bytes for the serial | Serials are often 7–12 characters; the name is cut or rejected | Shorten the prefix |
//! | PPKG020 | error | Enrollment UPN looks like `user@domain.tld` | The UPN is the enrollment identity | Use an address |
//! | PPKG021 | error | Enrollment `Secret` present and not empty | Enrollment cannot authenticate | Set the secret |
//! | PPKG022 | error | `AuthPolicy` is `OnPremise` or `Certificate` | The only values of the Provisioning CSP | Fix the value |
//! | PPKG023 | error | `AuthPolicy` Certificate comes with `Certificates/ClientCertificates` | The Secret is then a certificate thumbprint | Add the certificate or use OnPremise |
//! | PPKG024 | error | `DiscoveryServiceFullUrl` is an https URL | MDM discovery runs over TLS | Point it at `https://…/EnrollmentServer/Discovery.svc` |
//! | PPKG030 | error | `DeviceContext` has exactly one `CommandLine` | One device-context command line per package | Chain steps in one script |
//! | PPKG031 | error | CommandFile/Dependency file names unique (ignoring case) | All files land in one directory on the device | Rename files |
//! | PPKG032 | error | ProvisioningCommands only with the desktop store | The common store has no ProvisioningCommands; ICD fails | Build with the desktop store |
//! | PPKG033 | error | PrimaryContext command names present and unique | Commands are addressed by name | Rename |
//! | PPKG034 | error | Command lines are not empty | Nothing would run | Write the command |
//! | PPKG040 | error | Wi-Fi SSID 1–32 bytes | 802.11 SSID length | Fix the SSID |
//! | PPKG041 | error | WPA2-Personal key is 8–63 printable ASCII or 64 hex; WEP has a key | Otherwise the profile cannot connect | Set the key |
//! | PPKG042 | error | `SecurityType` is Open, WEP or WPA2-Personal | The values the settings editor offers | Fix the value |
//! | PPKG043 | warning | Network does not use WEP | WEP is broken | Use WPA2-Personal |
//! | PPKG090 | info | Typed sections were recognized | A section with unknown content is kept verbatim and its typed checks are skipped | Review it by hand |
//!
//! Error codes of the error enums: `PPKGP001`–`PPKGP008` ([`ParseError`]), `PPKGW001`–`PPKGW003`
//! ([`WriteError`]), `PPKGR001`–`PPKGR004` ([`RecipeError`]), `PPKGB001`–`PPKGB005`
//! ([`BuildError`]), `PPKGC001`–`PPKGC003` ([`ConfigError`]).

mod command;
mod config;
mod error;
mod merge;
mod model;
mod plan;
mod secret;
mod validate;
mod version;
mod xml;

pub use command::{
    AgentRecipe, CommandLine, add_to_local_group, builder_path, is_safe_file_name,
    is_safe_user_name,
};
pub use config::{
    AgentSection, BuildSection, ComputerSection, EnrollmentSection, MergeSection, OobeSection,
    PackageOutput, PackageSection, PackageSpec, UserSection, WifiSection, file_name_of,
};
pub use error::{BuildError, ConfigError, ParseError, RecipeError, WriteError};
pub use merge::merge;
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
pub use secret::Secret;
pub use validate::{
    RULES, Rule, ValidateOptions, account_name_problem, computer_name_problem, looks_like_address,
    validate,
};
pub use version::{PackageVersion, bump_version, derive_package_id, package_id_namespace};
pub use xml::{Attribute, Element, Limits, Node, parse_element_tree, write_element_tree};
