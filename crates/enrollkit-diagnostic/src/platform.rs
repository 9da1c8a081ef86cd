//! The Apple platforms and OS versions every crate speaks of.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Code, Coded, codes};

/// An Apple operating system, as Apple's schema names them in `supportedOS`. iPadOS is `Ios`:
/// the schema and the enrollment rules treat them alike.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// iOS and iPadOS.
    #[serde(alias = "ipados")]
    Ios,
    /// macOS (the default).
    #[default]
    MacOs,
    /// tvOS.
    TvOs,
    /// visionOS.
    VisionOs,
    /// watchOS.
    WatchOs,
}

impl Platform {
    /// Every platform, in schema order.
    pub const ALL: [Platform; 5] = [
        Platform::Ios,
        Platform::MacOs,
        Platform::TvOs,
        Platform::VisionOs,
        Platform::WatchOs,
    ];

    /// Apple's spelling (`iOS`, `macOS`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Platform::Ios => "iOS",
            Platform::MacOs => "macOS",
            Platform::TvOs => "tvOS",
            Platform::VisionOs => "visionOS",
            Platform::WatchOs => "watchOS",
        }
    }

    /// The lowercase word used on the command line and in JSON (`ios`, `macos`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::MacOs => "macos",
            Platform::TvOs => "tvos",
            Platform::VisionOs => "visionos",
            Platform::WatchOs => "watchos",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Platform {
    type Err = ArgumentError;

    /// Accepts `ios`, `ipados`, `macos`, `tvos`, `visionos`, `watchos` in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ios" | "ipados" => Ok(Platform::Ios),
            "macos" => Ok(Platform::MacOs),
            "tvos" => Ok(Platform::TvOs),
            "visionos" => Ok(Platform::VisionOs),
            "watchos" => Ok(Platform::WatchOs),
            _ => Err(ArgumentError::Platform(s.to_owned())),
        }
    }
}

/// An OS version `major.minor.patch`, parsed from `17`, `17.4` or `17.4.1`, shown as `17.4` or
/// `17.4.1` (a zero patch is left out), and serialized as that string.
///
/// ```
/// use enrollkit_diagnostic::OsVersion;
/// let v: OsVersion = "17.4".parse().unwrap();
/// assert_eq!(v, OsVersion::new(17, 4, 0));
/// assert_eq!(v.to_string(), "17.4");
/// assert!(v < "18".parse().unwrap());
/// assert_eq!("17.x".parse::<OsVersion>().unwrap_err().code(), "ARG004");
/// # use enrollkit_diagnostic::Coded;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OsVersion {
    /// Major version.
    pub major: u16,
    /// Minor version.
    pub minor: u16,
    /// Patch version.
    pub patch: u16,
}

impl OsVersion {
    /// A version from its parts.
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        OsVersion {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for OsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

impl FromStr for OsVersion {
    type Err = ArgumentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ArgumentError::OsVersion(s.to_owned());
        let mut parts = [0u16; 3];
        for (count, piece) in s.split('.').enumerate() {
            let slot = parts.get_mut(count).ok_or_else(bad)?;
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            *slot = piece.parse().map_err(|_| bad())?;
        }
        Ok(OsVersion::new(parts[0], parts[1], parts[2]))
    }
}

impl Serialize for OsVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OsVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A platform word or OS version that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgumentError {
    /// Not one of ios, ipados, macos, tvos, visionos, watchos.
    #[error("unknown platform {0:?}: use ios, macos, tvos, visionos or watchos")]
    Platform(String),
    /// Not a dotted version such as 17.4.
    #[error("invalid OS version {0:?}: use a dotted version such as 17.4")]
    OsVersion(String),
}

impl Coded for ArgumentError {
    fn code(&self) -> Code {
        match self {
            ArgumentError::Platform(_) => codes::argument::UNKNOWN_PLATFORM,
            ArgumentError::OsVersion(_) => codes::argument::INVALID_OS_VERSION,
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
    fn versions_parse_order_and_print() {
        assert_eq!(v("17"), OsVersion::new(17, 0, 0));
        assert!(v("13.1") > v("13.0.9"));
        assert!(v("17.7.2") < v("18"));
        assert_eq!(v("17.4.1").to_string(), "17.4.1");
        assert_eq!(v("18").to_string(), "18.0");
        for bad in ["", "17.", "a.b", "1.2.3.4", "-1", "17.x", "99999"] {
            assert_eq!(
                bad.parse::<OsVersion>().unwrap_err().code(),
                "ARG004",
                "{bad}"
            );
        }
        let json = serde_json::to_string(&v("17.4")).unwrap();
        assert_eq!(json, "\"17.4\"");
        assert_eq!(serde_json::from_str::<OsVersion>(&json).unwrap(), v("17.4"));
    }

    #[test]
    fn platforms_parse_and_serialize() {
        assert_eq!("iPadOS".parse::<Platform>().unwrap(), Platform::Ios);
        assert_eq!(
            serde_json::from_str::<Platform>("\"ipados\"").unwrap(),
            Platform::Ios
        );
        assert_eq!(
            serde_json::to_string(&Platform::MacOs).unwrap(),
            "\"macos\""
        );
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>().unwrap(), p);
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
        assert_eq!("android".parse::<Platform>().unwrap_err().code(), "ARG002");
    }
}
