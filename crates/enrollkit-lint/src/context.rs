//! The target a profile is linted for: platform, OS version, enrollment type, supervision and
//! install method.

use std::str::FromStr;

use enrollkit_diagnostic::{ArgumentError, Code, Coded, OsVersion, Platform, codes};
use serde::{Deserialize, Serialize};

/// An enrollment type word that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// An unknown platform or a malformed OS version.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// Not one of device, user, ade.
    #[error("unknown enrollment type {0:?}: use device, user or ade")]
    Enrollment(String),
}

impl Coded for ContextError {
    fn code(&self) -> Code {
        match self {
            ContextError::Argument(e) => e.code(),
            ContextError::Enrollment(_) => codes::argument::UNKNOWN_ENROLLMENT,
        }
    }
}

/// How the device is (or will be) enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enrollment {
    /// Device enrollment (manual, web or Configurator, including account-driven ADDE).
    #[default]
    Device,
    /// User Enrollment (profile-driven or account-driven BYOD).
    User,
    /// Automated Device Enrollment through Apple Business/School Manager.
    Ade,
}

impl FromStr for Enrollment {
    type Err = ContextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "device" => Ok(Enrollment::Device),
            "user" => Ok(Enrollment::User),
            "ade" | "dep" => Ok(Enrollment::Ade),
            _ => Err(ContextError::Enrollment(s.to_owned())),
        }
    }
}

/// How the profile reaches the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstallMethod {
    /// Through the MDM protocol (`InstallProfile`).
    #[default]
    Mdm,
    /// By the user: downloaded in Safari, opened from mail or Files, or Apple Configurator.
    Manual,
}

/// Everything a check needs to know about the target device.
///
/// The default is macOS, newest release, device enrollment, unsupervised, installed by MDM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LintContext {
    /// The target operating system.
    pub platform: Platform,
    /// The target OS version. `None` means the newest release: every payload counts as
    /// introduced, and removals and deprecations in the schema apply.
    pub os_version: Option<OsVersion>,
    /// The enrollment type.
    pub enrollment: Enrollment,
    /// Whether the device is supervised. Not inferred from [`Enrollment::Ade`]; set it explicitly.
    pub supervised: bool,
    /// How the profile is installed.
    pub install: InstallMethod,
}

impl LintContext {
    /// A context for `platform` with the other fields at their defaults.
    pub fn new(platform: Platform) -> Self {
        LintContext {
            platform,
            ..LintContext::default()
        }
    }

    /// Sets the OS version.
    pub fn with_os_version(mut self, version: OsVersion) -> Self {
        self.os_version = Some(version);
        self
    }

    /// Sets the enrollment type.
    pub fn with_enrollment(mut self, enrollment: Enrollment) -> Self {
        self.enrollment = enrollment;
        self
    }

    /// Sets supervision.
    pub fn with_supervised(mut self, supervised: bool) -> Self {
        self.supervised = supervised;
        self
    }

    /// Sets the install method.
    pub fn with_install(mut self, install: InstallMethod) -> Self {
        self.install = install;
        self
    }

    /// True when the target version is at least `v` (the newest release is at least everything).
    pub fn at_least(&self, v: OsVersion) -> bool {
        self.os_version.is_none_or(|have| have >= v)
    }
}
