//! Windows provisioning packages, composed once for the CLI and the bindings.

use enrollkit_diagnostic::{Diagnostic, Secret};
use enrollkit_ppkg::{AnswerFile, PackageOutput, PackageSpec, SettingsStore, ValidateOptions};

use crate::Error;

/// Builds the package outputs from a TOML spec, the assets it names (`(path, bytes)`, paths as
/// written in the spec), the `[merge]` base answer file when the spec names one, and the values
/// of the spec's `{ env = "NAME" }` secrets (`(NAME, value)`).
pub fn build_package(
    spec_toml: &str,
    assets: &[(String, &[u8])],
    base_answer_file: Option<&[u8]>,
    secrets: Vec<(String, Secret)>,
) -> Result<PackageOutput, Error> {
    let spec = PackageSpec::from_toml(spec_toml)?.with_secrets(secrets);
    Ok(spec.build(assets, base_answer_file)?)
}

/// Validates an existing answer file (`customizations.xml`) for a settings store.
pub fn check_answer_file(xml: &[u8], store: SettingsStore) -> Result<Vec<Diagnostic>, Error> {
    let file = AnswerFile::parse(xml)?;
    Ok(enrollkit_ppkg::validate(&file, &ValidateOptions { store }))
}
