//! Package versions, the version-bump helper, and stable package IDs.

use std::fmt;

use uuid::Uuid;

use crate::model::AnswerFile;

/// A package `Version`: exactly 2 or 4 numeric parts (`1.0`, `1.0.0.0`; `1.0.0` is invalid).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageVersion {
    parts: Vec<u32>,
}

impl PackageVersion {
    /// Parses `a.b` or `a.b.c.d` (ASCII digits only).
    pub fn parse(text: &str) -> Option<PackageVersion> {
        let pieces: Vec<&str> = text.split('.').collect();
        if pieces.len() != 2 && pieces.len() != 4 {
            return None;
        }
        let mut parts = Vec::with_capacity(pieces.len());
        for piece in pieces {
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts.push(piece.parse().ok()?);
        }
        Some(PackageVersion { parts })
    }

    /// The numeric parts.
    pub fn parts(&self) -> &[u32] {
        &self.parts
    }

    /// The next version: the last part plus one, the number of parts unchanged.
    /// `None` when the last part is already `u32::MAX`.
    pub fn bumped(&self) -> Option<PackageVersion> {
        let mut parts = self.parts.clone();
        let last = parts.last_mut()?;
        *last = last.checked_add(1)?;
        Some(PackageVersion { parts })
    }
}

impl fmt::Display for PackageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> = self.parts.iter().map(u32::to_string).collect();
        f.write_str(&text.join("."))
    }
}

/// Bumps the package version in place and keeps the ID, so Windows treats the result as an
/// update of the same package. Returns the new version, or `None` (file untouched) when the
/// current version is invalid or cannot be incremented.
pub fn bump_version(file: &mut AnswerFile) -> Option<PackageVersion> {
    let next = PackageVersion::parse(&file.package_config.version)?.bumped()?;
    file.package_config.version = next.to_string();
    Some(next)
}

/// Namespace of derived package IDs: UUIDv5 of the URL namespace and `urn:enrollkit:ppkg`.
pub fn package_id_namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:enrollkit:ppkg")
}

/// The stable ID of a package without an explicit ID:
/// `uuid5(uuid5(NAMESPACE_URL, "urn:enrollkit:ppkg"), package name)`.
/// Python: `uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "urn:enrollkit:ppkg"), name)`.
pub fn derive_package_id(package_name: &str) -> Uuid {
    Uuid::new_v5(&package_id_namespace(), package_name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_xsd_pattern() {
        for ok in ["1.0", "3.212", "1.0.0.0", "0.0", "10.20.30.40"] {
            assert!(PackageVersion::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "1",
            "1.0.0",
            "1.0.0.0.0",
            "1.a",
            "",
            "1.",
            ".1",
            "-1.0",
            "1.+2",
            " 1.0",
        ] {
            assert!(PackageVersion::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bump_keeps_shape() {
        let v = PackageVersion::parse("1.9").unwrap().bumped().unwrap();
        assert_eq!(v.to_string(), "1.10");
        let v = PackageVersion::parse("1.0.0.41").unwrap().bumped().unwrap();
        assert_eq!(v.to_string(), "1.0.0.42");
        assert!(
            PackageVersion::parse("1.4294967295")
                .unwrap()
                .bumped()
                .is_none()
        );
    }
}
