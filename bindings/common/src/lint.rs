//! Lint a profile against Apple's schema, and check how it installs next to others.

use std::str::FromStr;

use enrollkit_lint as lint;
use enrollkit_lint::install::{InstallOutcome, InstalledSet, ProfileSummary};
use enrollkit_profile::{ReadOptions, read_value};

use crate::error::BindingError;
use crate::finding::Finding;

impl From<lint::ContextError> for BindingError {
    fn from(e: lint::ContextError) -> Self {
        BindingError::new(e.code(), e.to_string(), "Fix the lint options")
    }
}

impl From<lint::install::InstallError> for BindingError {
    fn from(e: lint::install::InstallError) -> Self {
        BindingError::new(
            e.code(),
            e.to_string(),
            "Pass configuration profiles (or a ProfileList answer) with a PayloadIdentifier",
        )
    }
}

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

fn context(o: &LintOptions) -> Result<lint::LintContext, BindingError> {
    let mut ctx = lint::LintContext::new(lint::Platform::from_str(&o.platform)?)
        .with_enrollment(lint::Enrollment::from_str(&o.enrollment)?)
        .with_supervised(o.supervised)
        .with_install(if o.manual_install {
            lint::InstallMethod::Manual
        } else {
            lint::InstallMethod::Mdm
        });
    if let Some(v) = &o.os_version {
        ctx = ctx.with_os_version(lint::Version::from_str(v)?);
    }
    Ok(ctx)
}

fn summary(bytes: &[u8]) -> Result<ProfileSummary, BindingError> {
    let value = read_value(bytes, &ReadOptions::default())?.value;
    let dict = value.as_dictionary().ok_or_else(|| {
        BindingError::new(
            "PROFILE_NOT_A_DICTIONARY",
            "the profile's top-level object is not a dictionary",
            "A configuration profile is a dictionary at the top level",
        )
    })?;
    Ok(ProfileSummary::from_dictionary(dict)?)
}

/// Lints a profile (XML, binary or signed; the signature is not judged here) for a device.
pub fn lint_profile(bytes: &[u8], options: &LintOptions) -> Result<Vec<Finding>, BindingError> {
    let ctx = context(options)?;
    let loaded = read_value(bytes, &ReadOptions::default())?;
    Ok(lint::lint_value(&loaded.value, &ctx)
        .iter()
        .map(Finding::from)
        .collect())
}

/// What installing a profile next to the installed ones does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallCheck {
    /// `install`, `replace` or `rejected`.
    pub outcome: String,
    /// The identifier of the profile it replaces, for `replace`.
    pub replaces: Option<String>,
    /// Why it would be rejected, and warnings.
    pub diagnostics: Vec<Finding>,
}

/// Predicts installing `profile` on a device that has `installed` profiles.
pub fn check_install(
    profile: &[u8],
    installed: &[Vec<u8>],
    options: &LintOptions,
) -> Result<InstallCheck, BindingError> {
    let ctx = context(options)?;
    let set = InstalledSet::new(
        installed
            .iter()
            .map(|p| summary(p))
            .collect::<Result<_, _>>()?,
    );
    let report = set.check(&summary(profile)?, &ctx);
    let (outcome, replaces) = match report.outcome {
        InstallOutcome::Install => ("install", None),
        InstallOutcome::Replace { identifier } => ("replace", Some(identifier)),
        InstallOutcome::Rejected => ("rejected", None),
    };
    Ok(InstallCheck {
        outcome: outcome.into(),
        replaces,
        diagnostics: report.diagnostics.iter().map(Finding::from).collect(),
    })
}
