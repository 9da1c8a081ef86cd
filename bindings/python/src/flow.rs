//! Findings, flows, account-name derivation, PIN validation and Windows packages.

use enrollkit_bindings_common as common;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::errors::{PyBindingError, check};

/// One finding: stable code, severity, location, message and remediation.
#[pyclass(frozen, get_all, module = "enrollkit")]
#[derive(Clone)]
pub struct Finding {
    /// Stable code (e.g. `MDM003`, `FLOW107`).
    code: String,
    /// `"info"`, `"warning"` or `"error"`.
    severity: String,
    /// Index into `PayloadContent`, or None.
    payload_index: Option<u64>,
    /// Dotted key path.
    key_path: String,
    /// What is wrong.
    message: String,
    /// What to do about it.
    remediation: String,
}

impl From<common::Finding> for Finding {
    fn from(f: common::Finding) -> Self {
        Finding {
            code: f.code,
            severity: f.severity,
            payload_index: f.payload_index,
            key_path: f.key_path,
            message: f.message,
            remediation: f.remediation,
        }
    }
}

#[pymethods]
impl Finding {
    /// True for error severity.
    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding({} {} {:?}: {})",
            self.severity, self.code, self.key_path, self.message
        )
    }

    fn __str__(&self) -> String {
        format!(
            "{} {} {}: {} ({})",
            self.severity, self.code, self.key_path, self.message, self.remediation
        )
    }
}

pub(crate) fn findings(v: Vec<common::Finding>) -> Vec<Finding> {
    v.into_iter().map(Finding::from).collect()
}

/// A JSON argument: a `str` is taken as JSON text, anything else is passed to `json.dumps`.
pub(crate) fn json_arg(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return s.extract::<String>();
    }
    let json = value.py().import("json")?;
    json.call_method1("dumps", (value,))?.extract()
}

pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// The outcome of one event: the new state (store `state_json` and pass it back with the next
/// event), the actions to carry out and the diagnostics.
#[pyclass(frozen, module = "enrollkit")]
pub struct FlowStep {
    step: common::flow::FlowStep,
}

#[pymethods]
impl FlowStep {
    /// The new state as JSON text.
    #[getter]
    fn state_json(&self) -> &str {
        &self.step.state_json
    }

    /// The new state's name (`awaiting_sign_in`, `enrolled`, `failed`, ...).
    #[getter]
    fn state(&self) -> &str {
        &self.step.state
    }

    /// What happened to the event: `accepted`, `rejected` (nothing changed) or `failed`.
    #[getter]
    fn outcome(&self) -> &str {
        &self.step.outcome
    }

    /// The code of a rejection or failure, else `None`.
    #[getter]
    fn outcome_code(&self) -> Option<&str> {
        self.step.outcome_code.as_deref()
    }

    /// The actions, each a dict with an `action` key.
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.step
            .actions_json
            .iter()
            .map(|a| json_loads(py, a))
            .collect()
    }

    /// Why an event was refused or why the flow failed.
    #[getter]
    fn diagnostics(&self) -> Vec<Finding> {
        findings(self.step.diagnostics.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "FlowStep(state={:?}, outcome={:?}, actions={}, diagnostics={})",
            self.step.state,
            self.step.outcome,
            self.step.actions_json.len(),
            self.step.diagnostics.len()
        )
    }
}

/// A new web enrollment flow (state `awaiting_portal`), as JSON text.
#[pyfunction]
pub fn web_flow_new() -> Result<String, PyBindingError> {
    check(common::flow::web_flow_new())
}

/// The state name of a web flow.
#[pyfunction]
pub fn web_flow_state(state: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(check(common::flow::web_flow_state(&json_arg(state)?))?)
}

/// Hands one event (`{"at": RFC 3339, "type": ...}`, as dict or JSON text) to a web flow under
/// the portal settings (dict or JSON text).
#[pyfunction]
pub fn web_flow_handle(
    py: Python<'_>,
    state: &Bound<'_, PyAny>,
    settings: &Bound<'_, PyAny>,
    event: &Bound<'_, PyAny>,
) -> PyResult<FlowStep> {
    let (state, settings, event) = (json_arg(state)?, json_arg(settings)?, json_arg(event)?);
    let step = py.detach(|| check(common::flow::web_flow_handle(&state, &settings, &event)))?;
    Ok(FlowStep { step })
}

/// A web flow's status at `now` (RFC 3339) as a dict: state, install window, next step.
#[pyfunction]
pub fn web_flow_status<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyAny>,
    now: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let status = check(common::flow::web_flow_status(&json_arg(state)?, now))?;
    json_loads(py, &status)
}

/// A new login-window provisioning flow for a device (dict or JSON text), as JSON text.
#[pyfunction]
pub fn login_flow_new(device: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(check(common::flow::login_flow_new(&json_arg(device)?))?)
}

/// The state name of a login-window flow.
#[pyfunction]
pub fn login_flow_state(state: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(check(common::flow::login_flow_state(&json_arg(state)?))?)
}

/// Hands one event to a login-window flow under a provisioning policy.
#[pyfunction]
pub fn login_flow_handle(
    py: Python<'_>,
    state: &Bound<'_, PyAny>,
    policy: &Bound<'_, PyAny>,
    event: &Bound<'_, PyAny>,
) -> PyResult<FlowStep> {
    let (state, policy, event) = (json_arg(state)?, json_arg(policy)?, json_arg(event)?);
    let step = py.detach(|| check(common::flow::login_flow_handle(&state, &policy, &event)))?;
    Ok(FlowStep { step })
}

/// What the login window shows for the flow under a policy, as a dict.
#[pyfunction]
pub fn login_flow_view<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyAny>,
    policy: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = check(common::flow::login_flow_view(
        &json_arg(state)?,
        &json_arg(policy)?,
    ))?;
    json_loads(py, &view)
}

/// A local account derived from IdP claims.
#[pyclass(frozen, get_all, module = "enrollkit")]
pub struct DerivedAccount {
    /// The account (short / SAM) name.
    name: String,
    /// The claim it came from.
    source_claim: String,
    /// Full name for display, or None.
    full_name: Option<String>,
    /// True when a numeric suffix avoided a collision.
    suffixed: bool,
}

#[pymethods]
impl DerivedAccount {
    fn __repr__(&self) -> String {
        format!(
            "DerivedAccount(name={:?}, source_claim={:?})",
            self.name, self.source_claim
        )
    }
}

/// Derives the local account name on `os` (`"macos"` or `"windows"`) for an IdP identity
/// (dict or JSON: issuer, subject, email, name, claims). Raises FlowError `FLOW204` when the
/// account already exists (unless `numeric_suffix`), `FLOW205` when no claim yields a name.
#[pyfunction]
#[pyo3(signature = (os, identity, existing_accounts=Vec::new(), *, claim_order=Vec::new(), numeric_suffix=false))]
pub fn derive_account_name(
    os: &str,
    identity: &Bound<'_, PyAny>,
    existing_accounts: Vec<String>,
    claim_order: Vec<String>,
    numeric_suffix: bool,
) -> PyResult<DerivedAccount> {
    let d = check(common::flow::derive_account_name(
        os,
        &json_arg(identity)?,
        &existing_accounts,
        claim_order,
        numeric_suffix,
    ))?;
    Ok(DerivedAccount {
        name: d.name,
        source_claim: d.source_claim,
        full_name: d.full_name,
        suffixed: d.suffixed,
    })
}

/// Checks a local account name against the platform's rules; raises FlowError `FLOW211`.
#[pyfunction]
pub fn validate_account_name(os: &str, name: &str) -> Result<(), PyBindingError> {
    check(common::flow::validate_account_name(os, name))
}

/// Checks a Windows PIN; None when acceptable, else the problem as a Finding (`FLOW207`
/// length, `FLOW208` characters, `FLOW209` simple pattern).
#[pyfunction]
#[pyo3(signature = (pin, *, min_length=6, max_length=127, digits_only=true))]
pub fn validate_pin(
    pin: &str,
    min_length: u8,
    max_length: u8,
    digits_only: bool,
) -> Result<Option<Finding>, PyBindingError> {
    Ok(check(common::flow::validate_pin(
        pin,
        min_length,
        max_length,
        digits_only,
    ))?
    .map(Finding::from))
}

/// Everything generated for a Windows provisioning package.
#[pyclass(frozen, module = "enrollkit")]
pub struct WindowsPackage {
    package: common::ppkg::WindowsPackage,
}

#[pymethods]
impl WindowsPackage {
    /// The package GUID.
    #[getter]
    fn package_id(&self) -> &str {
        &self.package.package_id
    }

    /// `customizations.xml` bytes.
    #[getter]
    fn answer_file<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.package.answer_file)
    }

    /// Validation findings; do not ship the package when any is an error.
    #[getter]
    fn diagnostics(&self) -> Vec<Finding> {
        findings(self.package.diagnostics.clone())
    }

    /// Output files as a dict of relative path to bytes.
    #[getter]
    fn files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        for f in &self.package.files {
            d.set_item(&f.path, PyBytes::new(py, &f.data))?;
        }
        Ok(d)
    }

    /// The exact `icd.exe` argument vector.
    #[getter]
    fn icd_arguments(&self) -> Vec<String> {
        self.package.icd_arguments.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "WindowsPackage(package_id={:?}, files={})",
            self.package.package_id,
            self.package.files.len()
        )
    }
}

/// Generates a Windows provisioning package from the `enrollkit windows-package` TOML spec.
/// `assets` maps each path the spec names (`[[agent]] msi`) to its bytes; `base_answer_file`
/// is the `[merge]` file's bytes; `secrets` maps the variable names of the spec's
/// `{ env = "NAME" }` secrets to their values (pass `os.environ` to read them from there).
#[pyfunction]
#[pyo3(signature = (spec_toml, assets=std::collections::BTreeMap::new(), base_answer_file=None, secrets=std::collections::BTreeMap::new()))]
pub fn generate_windows_package(
    py: Python<'_>,
    spec_toml: &str,
    assets: std::collections::BTreeMap<String, Vec<u8>>,
    base_answer_file: Option<Vec<u8>>,
    secrets: std::collections::BTreeMap<String, String>,
) -> Result<WindowsPackage, PyBindingError> {
    let assets: Vec<common::ppkg::PackageFile> = assets
        .into_iter()
        .map(|(path, data)| common::ppkg::PackageFile { path, data })
        .collect();
    let package = py.detach(|| {
        check(common::ppkg::generate_windows_package(
            spec_toml,
            &assets,
            base_answer_file.as_deref(),
            secrets,
        ))
    })?;
    Ok(WindowsPackage { package })
}

/// Validates an existing Windows answer file (`customizations.xml`); returns the findings.
#[pyfunction]
pub fn validate_answer_file(py: Python<'_>, xml: &[u8]) -> Result<Vec<Finding>, PyBindingError> {
    Ok(findings(py.detach(|| {
        check(common::ppkg::validate_answer_file(xml))
    })?))
}

fn lint_options(
    platform: &str,
    os_version: Option<String>,
    enrollment: &str,
    supervised: bool,
    manual_install: bool,
) -> common::lint::LintOptions {
    common::lint::LintOptions {
        platform: platform.to_owned(),
        os_version,
        enrollment: enrollment.to_owned(),
        supervised,
        manual_install,
    }
}

/// Lints a profile (XML, binary or signed bytes) against Apple's device-management schema for
/// a device: `platform` `"ios"|"macos"|"tvos"|"visionos"|"watchos"`, `os_version` (None: newest),
/// `enrollment` `"device"|"user"|"ade"`. Returns the findings (empty when clean).
#[pyfunction]
#[pyo3(signature = (data, *, platform="macos", os_version=None, enrollment="device", supervised=false, manual_install=false))]
pub fn lint_profile(
    py: Python<'_>,
    data: &[u8],
    platform: &str,
    os_version: Option<String>,
    enrollment: &str,
    supervised: bool,
    manual_install: bool,
) -> Result<Vec<Finding>, PyBindingError> {
    let options = lint_options(platform, os_version, enrollment, supervised, manual_install);
    Ok(findings(py.detach(|| {
        check(common::lint::lint_profile(data, &options))
    })?))
}

/// What installing a profile next to the installed ones does.
#[pyclass(frozen, module = "enrollkit")]
pub struct InstallCheck {
    check: common::lint::InstallCheck,
}

#[pymethods]
impl InstallCheck {
    /// `"install"`, `"replace"` or `"rejected"`.
    #[getter]
    fn outcome(&self) -> &str {
        &self.check.outcome
    }

    /// The identifier of the replaced profile, for `"replace"`; else None.
    #[getter]
    fn replaces(&self) -> Option<String> {
        self.check.replaces.clone()
    }

    /// Why it would be rejected, and warnings.
    #[getter]
    fn diagnostics(&self) -> Vec<Finding> {
        findings(self.check.diagnostics.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "InstallCheck(outcome={:?}, diagnostics={})",
            self.check.outcome,
            self.check.diagnostics.len()
        )
    }
}

/// Predicts installing `profile` on a device that already has the `installed` profiles.
#[pyfunction]
#[pyo3(signature = (profile, installed=Vec::new(), *, platform="macos", os_version=None, enrollment="device", supervised=false, manual_install=false))]
#[allow(clippy::too_many_arguments)]
pub fn check_install(
    py: Python<'_>,
    profile: &[u8],
    installed: Vec<Vec<u8>>,
    platform: &str,
    os_version: Option<String>,
    enrollment: &str,
    supervised: bool,
    manual_install: bool,
) -> Result<InstallCheck, PyBindingError> {
    let options = lint_options(platform, os_version, enrollment, supervised, manual_install);
    let check =
        py.detach(|| self::check(common::lint::check_install(profile, &installed, &options)))?;
    Ok(InstallCheck { check })
}
