//! The build plan: what a Windows runner needs to turn the answer file into a `.ppkg`.
//!
//! The `.ppkg` container is compiled by Windows' `icd.exe`; its internal format is not
//! documented. [`BuildPlan`] therefore describes that step exactly (asset manifest with
//! SHA-256, `icd.exe` argument vector, PowerShell script as text), and [`PackageBackend`]
//! is the seam where a native package writer could plug in later.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::command::is_safe_file_name;
use crate::error::BuildError;
use crate::model::{AnswerFile, SettingsGroup};

/// The ICD settings store a package is built against (`/StoreFile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SettingsStore {
    /// Settings common to all editions (ICD's default; has no ProvisioningCommands).
    Common,
    /// Windows desktop editions (needed for ProvisioningCommands).
    Desktop,
    /// HoloLens.
    HoloLens,
    /// IoT Core.
    IotUap,
    /// Windows 10 Mobile.
    Mobile,
    /// Surface Hub.
    Team,
}

impl SettingsStore {
    /// Parses `common`, `desktop`, `hololens`, `iotuap`, `mobile`, `team` (any case).
    pub fn parse(text: &str) -> Option<SettingsStore> {
        Some(match text.to_ascii_lowercase().as_str() {
            "common" => SettingsStore::Common,
            "desktop" => SettingsStore::Desktop,
            "hololens" => SettingsStore::HoloLens,
            "iotuap" => SettingsStore::IotUap,
            "mobile" => SettingsStore::Mobile,
            "team" => SettingsStore::Team,
            _ => return None,
        })
    }

    /// The store file shipped with ICD.
    pub fn file_name(self) -> &'static str {
        match self {
            SettingsStore::Common => "Microsoft-Common-Provisioning.dat",
            SettingsStore::Desktop => "Microsoft-Desktop-Provisioning.dat",
            SettingsStore::HoloLens => "Microsoft-HoloLens-Provisioning.dat",
            SettingsStore::IotUap => "Microsoft-IoTUAP-Provisioning.dat",
            SettingsStore::Mobile => "Microsoft-Mobile-Provisioning.dat",
            SettingsStore::Team => "Microsoft-Team-Provisioning.dat",
        }
    }
}

/// Where and how the Windows runner builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// Working directory on the runner, for example `C:\enrollkit-build`. Only drive-letter
    /// paths of `A-Z a-z 0-9 . _ -` segments are accepted (ICD dislikes long, odd paths).
    pub work_dir: String,
    /// Output package file name, for example `contoso-onboarding.ppkg`.
    pub package_file: String,
    /// The settings store.
    pub store: SettingsStore,
    /// Pass `+Encrypted` (ICD then prints a generated password).
    pub encrypted: bool,
}

impl BuildOptions {
    /// Defaults: `C:\enrollkit-build`, desktop store, not encrypted.
    pub fn new(package_file: impl Into<String>) -> Self {
        BuildOptions {
            work_dir: r"C:\enrollkit-build".to_owned(),
            package_file: package_file.into(),
            store: SettingsStore::Desktop,
            encrypted: false,
        }
    }

    /// `<work_dir>\assets`: where CommandFile and Dependency paths point.
    pub fn asset_dir(&self) -> String {
        format!(r"{}\assets", self.work_dir)
    }

    fn check(&self) -> Result<(), BuildError> {
        let bytes = self.work_dir.as_bytes();
        let drive_ok = bytes.len() >= 3
            && bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes.get(1..3) == Some(b":\\");
        let segments_ok = self
            .work_dir
            .get(3..)
            .is_some_and(|rest| !rest.is_empty() && rest.split('\\').all(is_safe_file_name));
        if !drive_ok || !segments_ok || self.work_dir.len() > 100 {
            return Err(BuildError::BadOption(format!(
                "work_dir `{}` must look like C:\\name\\name (letters, digits, . _ -)",
                self.work_dir
            )));
        }
        if !is_safe_file_name(&self.package_file) || !self.package_file.ends_with(".ppkg") {
            return Err(BuildError::BadOption(format!(
                "package_file `{}` must be a plain file name ending in .ppkg",
                self.package_file
            )));
        }
        Ok(())
    }
}

/// An asset file as input: its file name and its bytes (read by the caller).
#[derive(Clone, PartialEq, Eq)]
pub struct AssetInput<'a> {
    /// File name, as referenced by `CommandFile`/`Dependency` paths.
    pub file_name: String,
    /// File content.
    pub bytes: &'a [u8],
}

impl std::fmt::Debug for AssetInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AssetInput({}, {} bytes)",
            self.file_name,
            self.bytes.len()
        )
    }
}

/// One asset in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetEntry {
    /// File name.
    pub file_name: String,
    /// Path on the runner that the answer file references.
    pub builder_path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// The deterministic description of the ICD build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildPlan {
    /// Manifest format marker.
    pub format: &'static str,
    /// Package ID as written in the answer file.
    pub package_id: String,
    /// Package name.
    pub package_name: String,
    /// Package version.
    pub package_version: String,
    /// The answer file: name, size and SHA-256 of the exact bytes.
    pub customizations: AssetEntry,
    /// Settings store.
    pub store: SettingsStore,
    /// Working directory on the runner.
    pub work_dir: String,
    /// Output package path on the runner.
    pub package_path: String,
    /// Assets, sorted by file name.
    pub assets: Vec<AssetEntry>,
    /// The exact argument vector for `icd.exe`.
    pub icd_arguments: Vec<String>,
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first bytes of an OLE compound file ([MS-CFB] 2.2), which every MSI is.
const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Every build-machine file path the answer file references (CommandFile, Dependency).
pub fn referenced_files(file: &AnswerFile) -> Vec<String> {
    let mut out = Vec::new();
    collect_files(&file.common, &mut out);
    out
}

fn collect_files(group: &SettingsGroup, out: &mut Vec<String>) {
    let Some(commands) = &group.provisioning_commands else {
        return;
    };
    if let Some(device) = &commands.device_context {
        out.extend(device.command_files.iter().map(|f| f.path.clone()));
    }
    for command in &commands.primary_context {
        out.extend(command.command_file.iter().cloned());
        out.extend(command.dependency_packages.iter().map(|d| d.path.clone()));
    }
}

/// Computes the plan for `file` serialized as `customizations_xml`, with `assets` supplied
/// by the caller. Every referenced file must be supplied under `<work_dir>\assets`, and every
/// supplied asset must be referenced.
pub fn plan_build(
    file: &AnswerFile,
    customizations_xml: &[u8],
    options: &BuildOptions,
    assets: &[AssetInput<'_>],
) -> Result<BuildPlan, BuildError> {
    options.check()?;
    let asset_dir = options.asset_dir();
    let mut supplied = BTreeSet::new();
    let mut entries = Vec::new();
    for asset in assets {
        if !is_safe_file_name(&asset.file_name) {
            return Err(BuildError::BadOption(format!(
                "asset file name `{}` must be 1-100 of A-Z a-z 0-9 . _ -",
                asset.file_name
            )));
        }
        if !supplied.insert(asset.file_name.to_ascii_lowercase()) {
            return Err(BuildError::DuplicateAsset(asset.file_name.clone()));
        }
        if asset.file_name.to_ascii_lowercase().ends_with(".msi")
            && !asset.bytes.starts_with(&OLE_SIGNATURE)
        {
            return Err(BuildError::NotAnMsi {
                name: asset.file_name.clone(),
                size: asset.bytes.len(),
            });
        }
        entries.push(AssetEntry {
            file_name: asset.file_name.clone(),
            builder_path: format!(r"{asset_dir}\{}", asset.file_name),
            size: asset.bytes.len() as u64,
            sha256: sha256_hex(asset.bytes),
        });
    }
    entries.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    let referenced: BTreeSet<String> = referenced_files(file)
        .into_iter()
        .map(|p| p.to_ascii_lowercase())
        .collect();
    for path in &referenced {
        let known = entries
            .iter()
            .any(|e| e.builder_path.eq_ignore_ascii_case(path));
        if !known {
            return Err(BuildError::MissingAsset(path.clone()));
        }
    }
    for entry in &entries {
        if !referenced.contains(&entry.builder_path.to_ascii_lowercase()) {
            return Err(BuildError::UnreferencedAsset(entry.file_name.clone()));
        }
    }
    let work = &options.work_dir;
    let package_path = format!(r"{work}\out\{}", options.package_file);
    let mut icd_arguments = vec![
        "/Build-ProvisioningPackage".to_owned(),
        format!(r"/CustomizationXML:{work}\customizations.xml"),
        format!("/PackagePath:{package_path}"),
        format!(r"/StoreFile:{work}\{}", options.store.file_name()),
    ];
    if options.encrypted {
        icd_arguments.push("+Encrypted".to_owned());
    }
    icd_arguments.push("+Overwrite".to_owned());
    let pc = &file.package_config;
    Ok(BuildPlan {
        format: "enrollkit-ppkg-build-plan/1",
        package_id: pc.id.clone(),
        package_name: pc.name.clone(),
        package_version: pc.version.clone(),
        customizations: AssetEntry {
            file_name: "customizations.xml".to_owned(),
            builder_path: format!(r"{work}\customizations.xml"),
            size: customizations_xml.len() as u64,
            sha256: sha256_hex(customizations_xml),
        },
        store: options.store,
        work_dir: work.clone(),
        package_path,
        assets: entries,
        icd_arguments,
    })
}

impl BuildPlan {
    /// The manifest as pretty JSON (stable field order), ending in a newline.
    pub fn manifest_json(&self) -> Result<Vec<u8>, BuildError> {
        let mut out =
            serde_json::to_vec_pretty(self).map_err(|e| BuildError::Manifest(e.to_string()))?;
        out.push(b'\n');
        Ok(out)
    }

    /// A PowerShell script that, run from the output directory on a Windows machine with the
    /// ADK's Configuration Designer installed, checks every hash, stages the files in the
    /// work directory and runs `icd.exe` with [`BuildPlan::icd_arguments`].
    pub fn powershell_script(&self) -> String {
        let mut s = String::new();
        let q = ps_quote;
        s.push_str("# Generated by enrollkit. Builds the provisioning package with icd.exe.\r\n");
        s.push_str(
            "# Run in an elevated Windows PowerShell from the directory holding this script.\r\n",
        );
        s.push_str("#Requires -RunAsAdministrator\r\n");
        s.push_str("$ErrorActionPreference = 'Stop'\r\n");
        s.push_str("Set-StrictMode -Version 3\r\n\r\n");
        s.push_str(&format!("$WorkDir = {}\r\n", q(&self.work_dir)));
        s.push_str(&format!("$StoreFile = {}\r\n", q(self.store.file_name())));
        s.push_str("$Expected = [ordered]@{\r\n");
        s.push_str(&format!(
            "  {} = {}\r\n",
            q(&self.customizations.file_name),
            q(&self.customizations.sha256)
        ));
        for asset in &self.assets {
            s.push_str(&format!(
                "  {} = {}\r\n",
                q(&format!("assets\\{}", asset.file_name)),
                q(&asset.sha256)
            ));
        }
        s.push_str("}\r\n");
        s.push_str("$IcdArguments = @(\r\n");
        for (i, arg) in self.icd_arguments.iter().enumerate() {
            let comma = if i + 1 < self.icd_arguments.len() {
                ","
            } else {
                ""
            };
            s.push_str(&format!("  {}{comma}\r\n", q(arg)));
        }
        s.push_str(")\r\n\r\n");
        s.push_str(concat!(
            "foreach ($entry in $Expected.GetEnumerator()) {\r\n",
            "  $path = Join-Path $PSScriptRoot $entry.Key\r\n",
            "  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $path).Hash.ToLowerInvariant()\r\n",
            "  if ($actual -ne $entry.Value) { throw \"SHA-256 mismatch for $($entry.Key): $actual\" }\r\n",
            "}\r\n\r\n",
            "$kitsRoot = (Get-ItemProperty 'HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows Kits\\Installed Roots').KitsRoot10\r\n",
            "$icdDir = Join-Path $kitsRoot 'Assessment and Deployment Kit\\Imaging and Configuration Designer\\x86'\r\n",
            "$icd = Join-Path $icdDir 'ICD.exe'\r\n",
            "if (-not (Test-Path -LiteralPath $icd)) { throw \"ICD.exe not found at $icd (install the ADK Configuration Designer)\" }\r\n\r\n",
            "New-Item -ItemType Directory -Force -Path (Join-Path $WorkDir 'assets'), (Join-Path $WorkDir 'out') | Out-Null\r\n",
            "foreach ($entry in $Expected.GetEnumerator()) {\r\n",
            "  Copy-Item -LiteralPath (Join-Path $PSScriptRoot $entry.Key) -Destination (Join-Path $WorkDir $entry.Key) -Force\r\n",
            "}\r\n",
            "# ICD fails on long store paths; stage the store file in the work directory.\r\n",
            "Copy-Item -LiteralPath (Join-Path $icdDir $StoreFile) -Destination (Join-Path $WorkDir $StoreFile) -Force\r\n\r\n",
            "& $icd @IcdArguments\r\n",
            "if ($LASTEXITCODE -ne 0) { throw \"icd.exe failed with exit code $LASTEXITCODE\" }\r\n",
        ));
        s.push_str(&format!(
            "Write-Host ('Built ' + {})\r\n",
            q(&self.package_path)
        ));
        s
    }
}

/// A PowerShell single-quoted string literal (`'` doubled).
fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A file produced by a backend, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Turns a validated answer file into output files. Today's backend hands the compile step
/// to `icd.exe` on Windows; a native `.ppkg` writer would be another implementation.
pub trait PackageBackend {
    /// Short name for messages.
    fn name(&self) -> &'static str;
    /// The files to write for `file`, with `assets` supplied by the caller.
    fn outputs(
        &self,
        file: &AnswerFile,
        assets: &[AssetInput<'_>],
    ) -> Result<Vec<OutputFile>, BuildError>;
}

/// Writes `customizations.xml`, `build-manifest.json` and `build.ps1` for `icd.exe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcdBackend {
    /// Build options.
    pub options: BuildOptions,
}

impl PackageBackend for IcdBackend {
    fn name(&self) -> &'static str {
        "icd"
    }

    fn outputs(
        &self,
        file: &AnswerFile,
        assets: &[AssetInput<'_>],
    ) -> Result<Vec<OutputFile>, BuildError> {
        let xml = file.to_xml()?;
        let plan = plan_build(file, &xml, &self.options, assets)?;
        Ok(vec![
            OutputFile {
                path: "build-manifest.json".to_owned(),
                bytes: plan.manifest_json()?,
            },
            OutputFile {
                path: "build.ps1".to_owned(),
                bytes: plan.powershell_script().into_bytes(),
            },
            OutputFile {
                path: "customizations.xml".to_owned(),
                bytes: xml,
            },
        ])
    }
}
