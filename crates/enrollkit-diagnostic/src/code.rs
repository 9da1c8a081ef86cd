//! Codes: the one registry of every stable code enrollkit emits.
//!
//! A code is `FAMILY` + three digits (`STR001`, `CMS109`, `FLOW107`, `ARG004`): the family is two
//! to four capital letters and belongs to exactly one [`Area`]. Every code is declared once, in
//! `codes/<area>.rs`, with its severity, what it means, why it matters and what to do; errors and
//! findings point at the declaration ([`Code`]) instead of carrying their own strings.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::{Diagnostic, Location, Severity};

/// The part of enrollkit a code belongs to. Bindings choose their exception class by area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// Reading, building and writing configuration profiles (`PRF`).
    Profile,
    /// CMS signing, verification, encryption and decryption (`CMS`).
    Cms,
    /// Lint findings against Apple's schema (`STR`, `SCH`, `OS`, `UE`, `INS`, `MDM`, `IDP`, `SSO`).
    Lint,
    /// What a device does with a profile next to the installed ones (`CHK`).
    Install,
    /// Enrollment flows and their protocol pieces (`FLOW`).
    Flow,
    /// Windows provisioning packages (`PPKG`).
    Package,
    /// The enrollment protocol engine: check-ins, signed device bodies, sign-in, exchanges (`PROT`).
    Protocol,
    /// An argument refused before any work was done (`ARG`).
    Argument,
    /// Reading input files or writing output (`IO`).
    Io,
    /// A broken internal invariant: a bug to report (`INT`).
    Internal,
}

impl Area {
    /// Every area, in documentation order.
    pub const ALL: [Area; 10] = [
        Area::Profile,
        Area::Cms,
        Area::Lint,
        Area::Install,
        Area::Flow,
        Area::Package,
        Area::Protocol,
        Area::Argument,
        Area::Io,
        Area::Internal,
    ];

    /// The lowercase name used in JSON and by `enrollkit codes`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Profile => "profile",
            Area::Cms => "cms",
            Area::Lint => "lint",
            Area::Install => "install",
            Area::Flow => "flow",
            Area::Package => "package",
            Area::Protocol => "protocol",
            Area::Argument => "argument",
            Area::Io => "io",
            Area::Internal => "internal",
        }
    }

    /// The code families (letter prefixes) of this area.
    pub fn families(self) -> &'static [&'static str] {
        match self {
            Area::Profile => &["PRF"],
            Area::Cms => &["CMS"],
            Area::Lint => &["STR", "SCH", "OS", "UE", "INS", "MDM", "IDP", "SSO"],
            Area::Install => &["CHK"],
            Area::Flow => &["FLOW"],
            Area::Package => &["PPKG"],
            Area::Protocol => &["PROT"],
            Area::Argument => &["ARG"],
            Area::Io => &["IO"],
            Area::Internal => &["INT"],
        }
    }

    /// The area a family prefix belongs to.
    pub fn of_family(family: &str) -> Option<Area> {
        Area::ALL
            .into_iter()
            .find(|area| area.families().contains(&family))
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the registry says about one code.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    /// The code itself, e.g. `CMS109`.
    pub code: &'static str,
    /// Its area.
    pub area: Area,
    /// The severity every diagnostic with this code carries.
    pub severity: Severity,
    /// What it means, in one sentence.
    pub summary: &'static str,
    /// Why it matters (what the device or the flow does); empty where the summary says it.
    pub why: &'static str,
    /// What to do about it.
    pub remediation: &'static str,
}

/// A stable code: a reference to its registry entry. Compares, hashes, prints and serializes
/// as the code string (`"STR001"`), and deserializes only from a registered code.
///
/// ```
/// use enrollkit_diagnostic::{codes, Area, Code};
///
/// let code = codes::cms::BAD_SIGNATURE;
/// assert_eq!(code, "CMS109");
/// assert_eq!(code.area(), Area::Cms);
/// assert_eq!(Code::lookup("CMS109"), Some(code));
/// assert!(Code::is_well_formed(code.as_str()));
/// ```
#[derive(Clone, Copy)]
pub struct Code(&'static CodeInfo);

impl Code {
    /// The grammar every code matches, as a regular expression (documentation only).
    pub const GRAMMAR: &'static str = "^[A-Z]{2,4}[0-9]{3}$";

    /// Wraps a registry entry; used by the registry's declarations.
    pub const fn new(info: &'static CodeInfo) -> Code {
        Code(info)
    }

    /// The code string.
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    /// The registry entry.
    pub fn info(self) -> &'static CodeInfo {
        self.0
    }

    /// The area.
    pub fn area(self) -> Area {
        self.0.area
    }

    /// The fixed severity.
    pub fn severity(self) -> Severity {
        self.0.severity
    }

    /// What it means.
    pub fn summary(self) -> &'static str {
        self.0.summary
    }

    /// Why it matters (may be empty).
    pub fn why(self) -> &'static str {
        self.0.why
    }

    /// What to do.
    pub fn remediation(self) -> &'static str {
        self.0.remediation
    }

    /// The letter prefix (`STR` of `STR001`).
    pub fn family(self) -> &'static str {
        let code = self.as_str();
        code.trim_end_matches(|c: char| c.is_ascii_digit())
    }

    /// A diagnostic with this code's severity and remediation.
    pub fn at(self, location: impl Into<Location>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self, location, message)
    }

    /// A diagnostic whose message is this code's summary.
    pub fn diagnostic(self, location: impl Into<Location>) -> Diagnostic {
        Diagnostic::new(self, location, self.summary())
    }

    /// Every registered code, area by area, in table order.
    pub fn all() -> impl Iterator<Item = Code> {
        crate::codes::TABLES
            .iter()
            .flat_map(|table| table.iter().copied())
    }

    /// The registered code spelled `code` (exact, case-sensitive).
    pub fn lookup(code: &str) -> Option<Code> {
        static INDEX: OnceLock<HashMap<&'static str, Code>> = OnceLock::new();
        INDEX
            .get_or_init(|| Code::all().map(|c| (c.as_str(), c)).collect())
            .get(code)
            .copied()
    }

    /// The current code for a code that was renamed before 1.0 (`PROFILE_MALFORMED` → `PRF006`).
    pub fn renamed(old: &str) -> Option<Code> {
        crate::codes::RENAMED
            .iter()
            .find(|(was, _)| *was == old)
            .map(|(_, now)| *now)
    }

    /// True when `code` matches [`Code::GRAMMAR`] and its family belongs to an area.
    pub fn is_well_formed(code: &str) -> bool {
        let family = code.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = &code[family.len()..];
        (2..=4).contains(&family.len())
            && family.bytes().all(|b| b.is_ascii_uppercase())
            && digits.len() == 3
            && Area::of_family(family).is_some()
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Code {}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Code::lookup(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown enrollkit code {text:?}")))
    }
}

/// An error that points into the registry. Every error type of enrollkit implements it, so a
/// binding or the CLI turns any of them into code, message and remediation the same way.
pub trait Coded: std::error::Error {
    /// The registry entry.
    fn code(&self) -> Code;

    /// What to do; the registry's remediation unless the error knows better.
    fn remediation(&self) -> &'static str {
        self.code().remediation()
    }
}

/// Declares the codes of one area: `NAME = "CODE", Severity, "summary", "why", "remediation";`.
/// Each becomes a `pub const NAME: Code`, and `ALL` lists them in table order.
#[macro_export]
macro_rules! declare_codes {
    (area: $area:ident; $( $name:ident = $code:literal, $severity:ident, $summary:literal, $why:literal, $fix:literal; )*) => {
        $(
            #[doc = concat!("`", $code, "`: ", $summary)]
            pub const $name: $crate::Code = $crate::Code::new(&$crate::CodeInfo {
                code: $code,
                area: $crate::Area::$area,
                severity: $crate::Severity::$severity,
                summary: $summary,
                why: $why,
                remediation: $fix,
            });
        )*
        /// Every code of this area, in table order.
        pub static ALL: &[$crate::Code] = &[$($name),*];
    };
}
