//! Identity → local account: derive a macOS short name or a Windows SAM account name from IdP
//! claims, check the platform's rules, and apply the collision policy.
//!
//! Derivation tries the claims of [`NamingPolicy::claim_order`] in order. For each present claim
//! it takes the part before the last `@` of email-like values, decomposes (NFKD) and drops
//! diacritics, lowercases, turns whitespace into `.`, drops characters outside
//! `a-z 0-9 . _ -`, collapses repeated dots, trims leading `.`, `-`, `_` and trailing `.`, and cuts
//! the result to the platform's length limit. The first candidate that passes
//! [`validate_account_name`] wins. An existing account with that name (compared without regard to
//! case) is never taken over: [`CollisionPolicy::Fail`] reports it, [`CollisionPolicy::NumericSuffix`]
//! appends 2, 3, … within the length limit.
//!
//! When no claim yields a name, the outcome is [`NamingError::NoUsableClaim`] (`FLOW205`), with
//! each claim's reason. The IdP subject (`sub`) is tried only when the policy asks for it
//! ([`NamingPolicy::subject_fallback`], or `sub` in the claim order): it is often an opaque,
//! case-sensitive ID (Entra's is 43 characters, cut to 20 on Windows), so the login-window flow
//! warns (`FLOW214`) when an account is named after it.
//!
//! Reserved names, refused on each platform:
//!
//! | Platform | Names | Source |
//! |---|---|---|
//! | macOS | `root`, `daemon`, `nobody`, `guest`, and every name starting with `_` | the system accounts of macOS's `/etc/passwd` |
//! | Windows | `Administrator`, `Guest`, `DefaultAccount`, `WDAGUtilityAccount` (built-in accounts), `NONE` | Microsoft's unattend `LocalAccount/Name` reference ("restricted username" `NONE`) and the built-in local accounts |

use serde::{Deserialize, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use enrollkit_diagnostic::{Code, Coded};

use crate::codes;
use crate::error::FlowError;
use crate::identity::Identity;

/// The desktop OS a local account is created on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DesktopOs {
    /// macOS (short name / RecordName).
    Macos,
    /// Windows (local SAM account name).
    Windows,
}

impl DesktopOs {
    /// Length limit of an account name: macOS 244 bytes (OpenDirectory RecordName), Windows 20.
    pub fn max_name_len(self) -> usize {
        match self {
            DesktopOs::Macos => MACOS_MAX_NAME_BYTES,
            DesktopOs::Windows => WINDOWS_MAX_NAME_CHARS,
        }
    }

    /// Display name.
    pub fn as_str(self) -> &'static str {
        match self {
            DesktopOs::Macos => "macOS",
            DesktopOs::Windows => "Windows",
        }
    }
}

/// macOS RecordName hard limit in bytes.
pub const MACOS_MAX_NAME_BYTES: usize = 244;
/// Windows local account name limit in characters.
pub const WINDOWS_MAX_NAME_CHARS: usize = 20;

/// Names macOS uses for system accounts (the `_`-prefixed ones are rejected by prefix).
const MACOS_RESERVED: &[&str] = &["root", "daemon", "nobody", "guest"];
/// Built-in Windows accounts and the name unattend setup refuses.
const WINDOWS_RESERVED: &[&str] = &[
    "administrator",
    "guest",
    "defaultaccount",
    "wdagutilityaccount",
    "none",
];
/// Printable characters Windows forbids in account names.
const WINDOWS_FORBIDDEN: &[char] = &[
    '"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>',
];

/// What to do when the derived name is already a local account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollisionPolicy {
    /// Fail ("account already exists"); the existing account is never taken over.
    #[default]
    Fail,
    /// Append 2, 3, … (cutting the base to keep within the length limit).
    NumericSuffix,
}

/// How local account names are derived from claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NamingPolicy {
    /// Claims to try, first match wins. `sub`, `email`, `name` read the typed identity fields;
    /// other names read custom claims.
    pub claim_order: Vec<String>,
    /// What to do on a name collision.
    pub collision: CollisionPolicy,
    /// When no claim of `claim_order` yields a name, name the account after the IdP subject
    /// (`sub`). Off by default: the subject is often an opaque ID.
    pub subject_fallback: bool,
}

impl Default for NamingPolicy {
    fn default() -> Self {
        NamingPolicy {
            claim_order: ["preferred_username", "email", "upn", "unique_name"]
                .map(String::from)
                .to_vec(),
            collision: CollisionPolicy::Fail,
            subject_fallback: false,
        }
    }
}

/// A derived local account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedAccount {
    /// The account (short / SAM) name.
    pub name: String,
    /// The claim the name came from.
    pub source_claim: String,
    /// Full name for display (from the `name` claim), cosmetic on both OSes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// True when a numeric suffix was added to avoid a collision.
    pub suffixed: bool,
}

/// One claim that gave no account name, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRejection {
    /// The claim's name.
    pub claim: String,
    /// Why it gave no name: absent, nothing left after normalizing, or the platform rule the
    /// normalized name breaks.
    pub reason: String,
}

impl std::fmt::Display for ClaimRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.claim, self.reason)
    }
}

/// Why no account could be derived.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NamingError {
    /// No claim in the order is present and yields a valid name.
    #[error(
        "no claim yields a valid {os} account name ({})",
        list_rejections(tried)
    )]
    NoUsableClaim {
        /// The claims tried, each with the reason it gave no name.
        tried: Vec<ClaimRejection>,
        /// Target OS name.
        os: &'static str,
    },
    /// The derived name is already a local account and the policy is to fail.
    #[error("account already exists: {name}")]
    AlreadyExists {
        /// The existing account name.
        name: String,
    },
}

fn list_rejections(tried: &[ClaimRejection]) -> String {
    tried
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Coded for NamingError {
    fn code(&self) -> Code {
        match self {
            NamingError::NoUsableClaim { .. } => codes::NO_USABLE_ACCOUNT_NAME,
            NamingError::AlreadyExists { .. } => codes::ACCOUNT_ALREADY_EXISTS,
        }
    }
}

/// Checks `name` against the platform rules.
///
/// macOS: 1–244 bytes of lowercase `a-z`, `0-9`, `.`, `_`, `-`; no leading `.`, `-` or `_`
/// (system accounts); at least one letter; not a reserved name. Windows: 1–20 characters; none of
/// `" / \ [ ] : ; | = , + * ? < >` or control characters; no trailing period; not only dots and
/// spaces; not a built-in account name (case-insensitive).
pub fn validate_account_name(os: DesktopOs, name: &str) -> Result<(), FlowError> {
    let fail = |reason: &str| {
        Err(FlowError::AccountName {
            name: name.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if name.is_empty() {
        return fail("empty");
    }
    match os {
        DesktopOs::Macos => {
            if name.len() > MACOS_MAX_NAME_BYTES {
                return fail("longer than 244 bytes");
            }
            if !name.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            }) {
                return fail("only lowercase a-z, 0-9, '.', '_' and '-' are allowed");
            }
            if name.starts_with(['.', '-']) {
                return fail("must not start with '.' or '-'");
            }
            if name.starts_with('_') {
                return fail("names starting with '_' are reserved for system accounts");
            }
            if !name.chars().any(|c| c.is_ascii_lowercase()) {
                return fail("must contain at least one letter");
            }
            if MACOS_RESERVED.contains(&name) {
                return fail("reserved system account name");
            }
        }
        DesktopOs::Windows => {
            if name.chars().count() > WINDOWS_MAX_NAME_CHARS {
                return fail("longer than 20 characters");
            }
            if let Some(c) = name.chars().find(|c| WINDOWS_FORBIDDEN.contains(c)) {
                return fail(&format!("character {c:?} is not allowed"));
            }
            if name.chars().any(char::is_control) {
                return fail("control characters are not allowed");
            }
            if name.ends_with('.') {
                return fail("must not end with a period");
            }
            if name.chars().all(|c| c == '.' || c == ' ') {
                return fail("must not consist only of periods and spaces");
            }
            let lower = name.to_lowercase();
            if WINDOWS_RESERVED.contains(&lower.as_str()) {
                return fail("built-in account name");
            }
        }
    }
    Ok(())
}

/// Turns one claim value into a candidate name for `os` (see the module docs), or `None` when
/// nothing valid remains.
pub fn normalize_candidate(os: DesktopOs, raw: &str) -> Option<String> {
    candidate_or_reason(os, raw).ok()
}

/// [`normalize_candidate`], saying why when nothing valid remains.
fn candidate_or_reason(os: DesktopOs, raw: &str) -> Result<String, String> {
    let local = match raw.rfind('@') {
        Some(at) => raw.get(..at).unwrap_or(raw),
        None => raw,
    };
    let mut out = String::new();
    for c in local.nfkd().filter(|c| !is_combining_mark(*c)) {
        let mapped = if c.is_whitespace() {
            '.'
        } else {
            c.to_ascii_lowercase()
        };
        let keep = mapped.is_ascii_lowercase()
            || mapped.is_ascii_digit()
            || matches!(mapped, '.' | '_' | '-');
        if keep && !(mapped == '.' && out.ends_with('.')) {
            out.push(mapped);
        }
    }
    let trimmed = out.trim_start_matches(['.', '-', '_']);
    let mut name: String = trimmed.chars().take(os.max_name_len()).collect();
    while name.ends_with('.') {
        name.pop();
    }
    if name.is_empty() {
        return Err(format!("{raw:?} leaves no usable characters"));
    }
    match validate_account_name(os, &name) {
        Ok(()) => Ok(name),
        Err(FlowError::AccountName { reason, .. }) => {
            Err(format!("{raw:?} gives {name:?}: {reason}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn is_taken(name: &str, existing: &[String]) -> bool {
    let name = name.to_lowercase();
    existing.iter().any(|e| e.to_lowercase() == name)
}

/// Derives the local account for `identity` on `os`, given the names of the accounts already on
/// the device.
pub fn derive_account(
    os: DesktopOs,
    identity: &Identity,
    policy: &NamingPolicy,
    existing: &[String],
) -> Result<DerivedAccount, NamingError> {
    let mut tried = Vec::new();
    let mut claims: Vec<&str> = policy.claim_order.iter().map(String::as_str).collect();
    if policy.subject_fallback && !claims.contains(&"sub") {
        claims.push("sub");
    }
    let found = claims.into_iter().find_map(|claim| {
        let outcome = match identity.claim(claim) {
            None => Err("absent".to_owned()),
            Some(value) => candidate_or_reason(os, value),
        };
        match outcome {
            Ok(name) => Some((claim.to_owned(), name)),
            Err(reason) => {
                tried.push(ClaimRejection {
                    claim: claim.to_owned(),
                    reason,
                });
                None
            }
        }
    });
    let Some((source_claim, base)) = found else {
        return Err(NamingError::NoUsableClaim {
            tried,
            os: os.as_str(),
        });
    };
    let full_name = identity.name.clone();
    if !is_taken(&base, existing) {
        return Ok(DerivedAccount {
            name: base,
            source_claim,
            full_name,
            suffixed: false,
        });
    }
    if policy.collision == CollisionPolicy::Fail {
        return Err(NamingError::AlreadyExists { name: base });
    }
    // Enough suffixes to get past every existing account.
    let limit = existing.len() as u64 + 2;
    for n in 2..=limit {
        let suffix = n.to_string();
        let room = os.max_name_len().saturating_sub(suffix.len());
        let mut stem: String = base.chars().take(room).collect();
        while stem.ends_with('.') {
            stem.pop();
        }
        let candidate = format!("{stem}{suffix}");
        if validate_account_name(os, &candidate).is_ok() && !is_taken(&candidate, existing) {
            return Ok(DerivedAccount {
                name: candidate,
                source_claim,
                full_name,
                suffixed: true,
            });
        }
    }
    Err(NamingError::AlreadyExists { name: base })
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    fn identity() -> Identity {
        let mut id = Identity::new("https://idp.example.com", "00u1abcd");
        id.email = Some("Zoë.O'Brien@example.com".into());
        id.name = Some("Zoë O'Brien".into());
        id
    }

    #[test]
    fn macos_name_from_email_strips_diacritics_and_punctuation() {
        let d =
            derive_account(DesktopOs::Macos, &identity(), &NamingPolicy::default(), &[]).unwrap();
        assert_eq!(d.name, "zoe.obrien");
        assert_eq!(d.source_claim, "email");
        assert_eq!(d.full_name.as_deref(), Some("Zoë O'Brien"));
    }

    #[test]
    fn claim_order_is_configurable() {
        let mut id = identity();
        id.claims
            .insert("preferred_username".into(), "zobrien".into());
        let policy = NamingPolicy::default();
        assert_eq!(
            derive_account(DesktopOs::Macos, &id, &policy, &[])
                .unwrap()
                .name,
            "zobrien"
        );
        let email_first = NamingPolicy {
            claim_order: vec!["email".into(), "preferred_username".into()],
            ..NamingPolicy::default()
        };
        assert_eq!(
            derive_account(DesktopOs::Macos, &id, &email_first, &[])
                .unwrap()
                .name,
            "zoe.obrien"
        );
    }

    #[test]
    fn windows_name_is_cut_to_20_without_trailing_period() {
        let mut id = Identity::new("iss", "sub");
        id.email = Some("alexandria.montgomery.q@example.com".into());
        let d = derive_account(DesktopOs::Windows, &id, &NamingPolicy::default(), &[]).unwrap();
        assert_eq!(d.name, "alexandria.montgomer");
        id.email = Some("alexandria.montgome.x@example.com".into());
        let d = derive_account(DesktopOs::Windows, &id, &NamingPolicy::default(), &[]).unwrap();
        assert_eq!(
            d.name, "alexandria.montgome",
            "the trailing '.' at position 20 is dropped"
        );
    }

    #[test]
    fn collision_fails_or_suffixes() {
        let existing = vec!["Zoe.OBrien".to_string(), "zoe.obrien2".to_string()];
        let err = derive_account(
            DesktopOs::Macos,
            &identity(),
            &NamingPolicy::default(),
            &existing,
        )
        .unwrap_err();
        assert_eq!(
            err,
            NamingError::AlreadyExists {
                name: "zoe.obrien".into()
            }
        );
        assert_eq!(err.code(), "FLOW204");
        let suffix = NamingPolicy {
            collision: CollisionPolicy::NumericSuffix,
            ..NamingPolicy::default()
        };
        let d = derive_account(DesktopOs::Macos, &identity(), &suffix, &existing).unwrap();
        assert_eq!(d.name, "zoe.obrien3");
        assert!(d.suffixed);
        let mut id = Identity::new("iss", "sub");
        id.email = Some("abcdefghijklmnopqrst@example.com".into());
        let d = derive_account(
            DesktopOs::Windows,
            &id,
            &suffix,
            &["abcdefghijklmnopqrst".into()],
        )
        .unwrap();
        assert_eq!(d.name, "abcdefghijklmnopqrs2");
    }

    #[test]
    fn falls_back_to_the_subject_only_when_the_policy_says_so() {
        let mut id = Identity::new("iss", "9f2c");
        id.claims.insert("preferred_username".into(), "@@@".into());
        let err = derive_account(DesktopOs::Macos, &id, &NamingPolicy::default(), &[]).unwrap_err();
        assert_eq!(err.code(), "FLOW205");
        let fallback = NamingPolicy {
            subject_fallback: true,
            ..NamingPolicy::default()
        };
        let d = derive_account(DesktopOs::Macos, &id, &fallback, &[]).unwrap();
        assert_eq!((d.name.as_str(), d.source_claim.as_str()), ("9f2c", "sub"));
        let id = Identity::new("iss", "1234");
        let err = derive_account(DesktopOs::Macos, &id, &fallback, &[]).unwrap_err();
        assert_eq!(err.code(), "FLOW205", "macOS names need a letter");
        assert!(
            err.to_string()
                .contains("sub: \"1234\" gives \"1234\": must contain at least one letter"),
            "{err}"
        );
    }

    #[test]
    fn unusable_names_are_a_coded_outcome_with_each_reason() {
        let mut id = Identity::new("iss", "00u1abcd");
        id.email = Some("root@example.com".into());
        id.claims
            .insert("preferred_username".into(), "管理者".into());
        let err = derive_account(DesktopOs::Macos, &id, &NamingPolicy::default(), &[]).unwrap_err();
        assert_eq!(err.code(), "FLOW205");
        let text = err.to_string();
        for part in [
            "preferred_username: \"管理者\" leaves no usable characters",
            "email: \"root@example.com\" gives \"root\": reserved system account name",
            "upn: absent",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(
            !text.contains("00u1abcd"),
            "the subject is not tried: {text}"
        );
        id.email = Some("Administrator@example.com".into());
        let err =
            derive_account(DesktopOs::Windows, &id, &NamingPolicy::default(), &[]).unwrap_err();
        assert!(err.to_string().contains("built-in account name"), "{err}");
    }

    #[test]
    fn platform_rules() {
        use DesktopOs::*;
        for ok in ["jdoe", "j.doe-2", "a_b"] {
            assert!(validate_account_name(Macos, ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "JDoe", ".hidden", "-x", "_www", "123", "root", "j doe", "é",
        ] {
            assert!(validate_account_name(Macos, bad).is_err(), "{bad}");
        }
        assert!(validate_account_name(Macos, &"a".repeat(244)).is_ok());
        assert!(validate_account_name(Macos, &"a".repeat(245)).is_err());
        for ok in ["JDoe", "j.doe", "1user", "first last"] {
            assert!(validate_account_name(Windows, ok).is_ok(), "{ok}");
        }
        for c in [
            '"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>', '\u{1}',
            '\u{1f}',
        ] {
            let name = format!("a{c}b");
            let err = validate_account_name(Windows, &name).unwrap_err();
            assert_eq!(err.code(), "FLOW211", "{name:?}");
        }
        for bad in [
            "jdoe.",
            "...",
            "Administrator",
            "GUEST",
            "abcdefghijklmnopqrstu",
        ] {
            assert!(validate_account_name(Windows, bad).is_err(), "{bad}");
        }
    }
}
