//! Lint a profile against Apple's schema, and check how it installs next to others.

use std::str::FromStr;

use enrollkit::lint::install::InstallOutcome;
use enrollkit::lint::{Enrollment, InstallMethod, LintContext};
use enrollkit::{OsVersion, Platform};

use crate::error::BindingError;
use crate::finding::Finding;

/// The device a profile is checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// `ios`, `macos`, `tvos`, `visionos` or `watchos`.
    pub platform: String,
    /// Dotted OS version (`17.4`); `None` means the newest release.
    pub os_version: Option<String>,
    /// `device`, `user` or `ade`.
    pub enrollment: String,
    /// The device is supervised.
    pub supervised: bool,
    /// Installed by hand (Settings) rather than by MDM.
    pub manual_install: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            platform: "macos".into(),
            os_version: None,
            enrollment: "device".into(),
            supervised: false,
            manual_install: false,
        }
    }
}

fn context(o: &LintOptions) -> Result<LintContext, BindingError> {
    let mut ctx = LintContext::new(Platform::from_str(&o.platform)?)
        .with_enrollment(Enrollment::from_str(&o.enrollment)?)
        .with_supervised(o.supervised)
        .with_install(if o.manual_install {
            InstallMethod::Manual
        } else {
            InstallMethod::Mdm
        });
    if let Some(v) = &o.os_version {
        ctx = ctx.with_os_version(OsVersion::from_str(v)?);
    }
    Ok(ctx)
}

/// Lints a profile (XML, binary or signed; the signature is not judged here) for a device.
pub fn lint_profile(bytes: &[u8], options: &LintOptions) -> Result<Vec<Finding>, BindingError> {
    let findings = enrollkit::check::lint(bytes, &context(options)?)?;
    Ok(findings.iter().map(Finding::from).collect())
}

/// What installing a profile next to the installed ones does, lint included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallCheck {
    /// `install`, `replace` or `rejected`.
    pub outcome: String,
    /// The identifier of the profile it replaces, for `replace`.
    pub replaces: Option<String>,
    /// Lint findings for the new profile, then the install findings: why it would be
    /// rejected, and warnings.
    pub diagnostics: Vec<Finding>,
}

/// Predicts installing `profile` on a device whose installed profiles are `installed`: each a
/// profile (signed or not), a `ProfileList` command answer, or an array of its entries.
pub fn check_install(
    profile: &[u8],
    installed: &[Vec<u8>],
    options: &LintOptions,
) -> Result<InstallCheck, BindingError> {
    let ctx = context(options)?;
    let mut summaries = enrollkit::check::Installed::new();
    for bytes in installed {
        summaries.add(bytes)?;
    }
    let report = enrollkit::check::check_install(profile, summaries.into_profiles(), &ctx)?;
    let (outcome, replaces) = match &report.outcome {
        InstallOutcome::Install => ("install", None),
        InstallOutcome::Replace { identifier } => ("replace", Some(identifier.clone())),
        InstallOutcome::Rejected => ("rejected", None),
    };
    Ok(InstallCheck {
        outcome: outcome.into(),
        replaces,
        diagnostics: report
            .lint
            .iter()
            .chain(&report.diagnostics)
            .map(Finding::from)
            .collect(),
    })
}
