//! Windows provisioning package generation from the `enrollkit windows-package` TOML spec.

use enrollkit::ppkg::SettingsStore;

use crate::error::BindingError;
use crate::finding::Finding;

/// A file for the package: its path as named in the spec and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// Path (`/`-separated).
    pub path: String,
    /// Content.
    pub data: Vec<u8>,
}

/// Everything generated for a Windows provisioning package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowsPackage {
    /// The package GUID.
    pub package_id: String,
    /// `customizations.xml` bytes.
    pub answer_file: Vec<u8>,
    /// Validation findings; do not ship when any is an error.
    pub diagnostics: Vec<Finding>,
    /// The output files (answer file, build manifest, build script, assets).
    pub files: Vec<PackageFile>,
    /// The exact `icd.exe` argument vector.
    pub icd_arguments: Vec<String>,
}

/// Generates the package from a TOML spec, the assets it names (`[[agent]] msi` paths), the
/// `[merge]` base answer file when the spec has one, and the values of the spec's
/// `{ env = "NAME" }` secrets (`(NAME, value)`; the caller decides where they come from).
pub fn generate_windows_package(
    spec_toml: &str,
    assets: &[PackageFile],
    base_answer_file: Option<&[u8]>,
    secrets: impl IntoIterator<Item = (String, String)>,
) -> Result<WindowsPackage, BindingError> {
    let assets: Vec<(String, &[u8])> = assets
        .iter()
        .map(|a| (a.path.clone(), a.data.as_slice()))
        .collect();
    let secrets = secrets
        .into_iter()
        .map(|(name, value)| (name, enrollkit::Secret::new(value)))
        .collect();
    let out = enrollkit::package::build_package(spec_toml, &assets, base_answer_file, secrets)?;
    let answer_file = out
        .answer_file
        .to_xml()
        .map_err(|e| BindingError::coded(&enrollkit::Error::from(e)))?;
    Ok(WindowsPackage {
        package_id: out.plan.package_id.clone(),
        answer_file,
        diagnostics: out.diagnostics.iter().map(Finding::from).collect(),
        files: out
            .files
            .into_iter()
            .map(|f| PackageFile {
                path: f.path,
                data: f.bytes,
            })
            .collect(),
        icd_arguments: out.plan.icd_arguments,
    })
}

/// Validates an existing answer file (`customizations.xml`) for the desktop store.
pub fn validate_answer_file(xml: &[u8]) -> Result<Vec<Finding>, BindingError> {
    let findings = enrollkit::package::check_answer_file(xml, SettingsStore::Desktop)?;
    Ok(findings.iter().map(Finding::from).collect())
}
