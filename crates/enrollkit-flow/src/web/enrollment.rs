//! Which enrollment a device gets: ownership, configuration and OS version.

use super::*;

/// Who owns the device; the device record is tagged with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// Personal (BYOD): User Enrollment.
    Personal,
    /// Corporate: device enrollment.
    Corporate,
}

/// The Apple enrollment type the portal is configured for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentType {
    /// A profile downloaded in Safari and installed in Settings.
    ProfileDriven,
    /// Sign-in under Settings > General > VPN & Device Management (`.well-known` discovery).
    AccountDriven,
}

/// The enrollment a device actually gets, chosen from ownership, configuration and OS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentKind {
    /// Profile-driven User Enrollment (`ManagedAppleID`): iOS 13.1–17.x, macOS 10.15–14.x.
    ProfileDrivenUserEnrollment,
    /// Account-driven User Enrollment (`EnrollmentMode` BYOD): iOS 15+, macOS 14+.
    AccountDrivenUserEnrollment,
    /// Account-driven Device Enrollment (`EnrollmentMode` ADDE): iOS 17+, macOS 14+.
    AccountDrivenDeviceEnrollment,
    /// Device enrollment with a profile downloaded from the portal.
    ProfileDeviceEnrollment,
}

impl EnrollmentKind {
    /// Whether the user signs in with a Managed Apple Account during enrollment.
    pub fn needs_managed_apple_account(self) -> bool {
        !matches!(self, EnrollmentKind::ProfileDeviceEnrollment)
    }

    /// Whether the profile is fetched through the account-driven protocol (bearer token).
    pub fn is_account_driven(self) -> bool {
        matches!(
            self,
            EnrollmentKind::AccountDrivenUserEnrollment
                | EnrollmentKind::AccountDrivenDeviceEnrollment
        )
    }
}

struct OsThresholds {
    user_enrollment: OsVersion,
    account_driven_user: OsVersion,
    account_driven_device: OsVersion,
    profile_driven_removed: OsVersion,
}

/// The version thresholds of a platform the portal serves (iPhone, iPad, Mac), or `None`.
fn thresholds(platform: Platform) -> Option<OsThresholds> {
    Some(match platform {
        Platform::Ios => OsThresholds {
            user_enrollment: OsVersion::new(13, 1, 0),
            account_driven_user: OsVersion::new(15, 0, 0),
            account_driven_device: OsVersion::new(17, 0, 0),
            profile_driven_removed: OsVersion::new(18, 0, 0),
        },
        Platform::MacOs => OsThresholds {
            user_enrollment: OsVersion::new(10, 15, 0),
            account_driven_user: OsVersion::new(14, 0, 0),
            account_driven_device: OsVersion::new(14, 0, 0),
            profile_driven_removed: OsVersion::new(15, 0, 0),
        },
        Platform::TvOs | Platform::VisionOs | Platform::WatchOs => return None,
    })
}

/// Chooses the enrollment for a device: User Enrollment for personal devices (profile-driven
/// 13.1–17.x, account-driven from 15 when configured and always from 18), device enrollment
/// for corporate ones (account-driven from iOS 17 when configured). A fallback comes with a
/// warning; a personal device below iOS 13.1 / macOS 10.15 is refused (`FLOW104`).
pub fn choose_enrollment(
    platform: Platform,
    version: OsVersion,
    ownership: Ownership,
    configured: EnrollmentType,
) -> Result<(EnrollmentKind, Option<Diagnostic>), Diagnostic> {
    let Some(t) = thresholds(platform) else {
        return Err(codes::PLATFORM_NOT_SERVED.at(
            "device.platform",
            format!("the enrollment portal serves iPhone, iPad and Mac, not {platform}"),
        ));
    };
    let path = "device.os_version";
    match (ownership, configured) {
        (Ownership::Personal, _) if version < t.user_enrollment => Err(codes::OS_TOO_OLD.at(
            path,
            format!(
                "User Enrollment needs {} or later; the device runs {version}",
                t.user_enrollment
            ),
        )),
        (Ownership::Personal, EnrollmentType::ProfileDriven)
            if version >= t.profile_driven_removed =>
        {
            Ok((
                EnrollmentKind::AccountDrivenUserEnrollment,
                Some(codes::PROFILE_DRIVEN_UNAVAILABLE.diagnostic(path)),
            ))
        }
        (Ownership::Personal, EnrollmentType::ProfileDriven) => {
            Ok((EnrollmentKind::ProfileDrivenUserEnrollment, None))
        }
        (Ownership::Personal, EnrollmentType::AccountDriven)
            if version >= t.account_driven_user =>
        {
            Ok((EnrollmentKind::AccountDrivenUserEnrollment, None))
        }
        (Ownership::Personal, EnrollmentType::AccountDriven) => Ok((
            EnrollmentKind::ProfileDrivenUserEnrollment,
            Some(codes::ACCOUNT_DRIVEN_UNAVAILABLE.diagnostic(path)),
        )),
        (Ownership::Corporate, EnrollmentType::AccountDriven)
            if version >= t.account_driven_device =>
        {
            Ok((EnrollmentKind::AccountDrivenDeviceEnrollment, None))
        }
        (Ownership::Corporate, EnrollmentType::AccountDriven) => Ok((
            EnrollmentKind::ProfileDeviceEnrollment,
            Some(codes::ACCOUNT_DRIVEN_UNAVAILABLE.diagnostic(path)),
        )),
        (Ownership::Corporate, EnrollmentType::ProfileDriven) => {
            Ok((EnrollmentKind::ProfileDeviceEnrollment, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> OsVersion {
        s.parse().unwrap()
    }

    #[test]
    fn enrollment_by_os_version() {
        use EnrollmentKind::*;
        use EnrollmentType::*;
        use Ownership::*;
        use Platform::*;
        let kind = |p, ver: &str, o, t| {
            choose_enrollment(p, v(ver), o, t).map(|(k, d)| (k, d.map(|d| d.code.as_str())))
        };
        assert_eq!(
            kind(Ios, "13.0", Personal, ProfileDriven).unwrap_err().code,
            "FLOW104"
        );
        assert_eq!(
            kind(Ios, "13.1", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "17.7", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "18.0", Personal, ProfileDriven),
            Ok((AccountDrivenUserEnrollment, Some("FLOW105")))
        );
        assert_eq!(
            kind(Ios, "15.0", Personal, AccountDriven),
            Ok((AccountDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "14.8", Personal, AccountDriven),
            Ok((ProfileDrivenUserEnrollment, Some("FLOW106")))
        );
        assert_eq!(
            kind(Ios, "17.0", Corporate, AccountDriven),
            Ok((AccountDrivenDeviceEnrollment, None))
        );
        assert_eq!(
            kind(Ios, "16.4", Corporate, AccountDriven),
            Ok((ProfileDeviceEnrollment, Some("FLOW106")))
        );
        assert_eq!(
            kind(Ios, "12.5", Corporate, ProfileDriven),
            Ok((ProfileDeviceEnrollment, None))
        );
        assert_eq!(
            kind(MacOs, "10.14", Personal, ProfileDriven)
                .unwrap_err()
                .code,
            "FLOW104"
        );
        assert_eq!(
            kind(MacOs, "14.6", Personal, ProfileDriven),
            Ok((ProfileDrivenUserEnrollment, None))
        );
        assert_eq!(
            kind(MacOs, "15.0", Personal, ProfileDriven),
            Ok((AccountDrivenUserEnrollment, Some("FLOW105")))
        );
    }
}
