//! The lint engine: walks a raw profile dictionary against the schema tables and the
//! hand-written rules, for one [`LintContext`].

use std::collections::HashMap;

use enrollkit_diagnostic::{Diagnostic, Location};
use plist::{Dictionary, Value};

use crate::context::{Enrollment, InstallMethod, LintContext};
use enrollkit_diagnostic::Code;
use enrollkit_diagnostic::{OsVersion, Platform};

use crate::rules;
use crate::schema::{self, Introduced, KeySpec, Lit, OsSupport, PayloadSchema, UeMode, ValueType};

mod availability;
mod cross;
mod identity;
mod keys;
mod mdm;
mod sso;
mod structure;

use keys::choose_schema;
pub use sso::normalize_sso_url;
use sso::strings;

/// Nesting deeper than this is not walked (the profile reader already limits depth; this
/// guards values built in memory).
const MAX_DEPTH: usize = 64;

/// Keys every payload and the top level carry; the structure rules own them.
const STRUCTURAL_KEYS: [&str; 4] = [
    "PayloadType",
    "PayloadVersion",
    "PayloadUUID",
    "PayloadIdentifier",
];

/// Payload types whose `PayloadUUID` can back the MDM `IdentityCertificateUUID`.
pub const IDENTITY_PAYLOAD_TYPES: [&str; 3] = [
    "com.apple.security.scep",
    "com.apple.security.acme",
    "com.apple.security.pkcs12",
];

/// Payload types the MDM pinning UUIDs may name.
pub const CERTIFICATE_PAYLOAD_TYPES: [&str; 3] = [
    "com.apple.security.root",
    "com.apple.security.pkcs1",
    "com.apple.security.pem",
];

const KERBEROS_EXTENSION: &str = "com.apple.AppSSOKerberos.KerberosExtension";

/// Most findings kept for one profile (default of [`lint_value`] and [`lint_dictionary`]);
/// beyond it they are counted and one `STR016` says how many were left out, so a hostile
/// profile cannot make the findings outgrow the profile.
pub const MAX_FINDINGS: usize = 1000;

/// Lints a profile given as any plist value (the root must be a dictionary).
pub fn lint_value(value: &Value, ctx: &LintContext) -> Vec<Diagnostic> {
    lint_value_limited(value, ctx, MAX_FINDINGS)
}

/// [`lint_value`] keeping at most `max_findings` findings (plus the `STR016` count).
pub fn lint_value_limited(
    value: &Value,
    ctx: &LintContext,
    max_findings: usize,
) -> Vec<Diagnostic> {
    match value.as_dictionary() {
        Some(dict) => lint_dictionary_limited(dict, ctx, max_findings),
        None => vec![rules::STR001.at(
            Location::top(""),
            format!("the root is a {}, not a dictionary", value_type_name(value)),
        )],
    }
}

/// Lints the top-level dictionary of a profile. Findings come in a deterministic order:
/// top level first, then each payload in order, then cross-payload findings.
pub fn lint_dictionary(profile: &Dictionary, ctx: &LintContext) -> Vec<Diagnostic> {
    lint_dictionary_limited(profile, ctx, MAX_FINDINGS)
}

/// [`lint_dictionary`] keeping at most `max_findings` findings (plus the `STR016` count).
pub fn lint_dictionary_limited(
    profile: &Dictionary,
    ctx: &LintContext,
    max_findings: usize,
) -> Vec<Diagnostic> {
    let mut linter = Linter {
        ctx,
        out: Vec::new(),
        path: String::new(),
        payload: None,
        payload_type: "",
        max_findings,
        left_out: 0,
    };
    linter.profile(profile);
    if linter.left_out > 0 {
        let left_out = linter.left_out;
        linter.out.push(rules::STR016.at(
            Location::top(""),
            format!("{left_out} more findings are not listed (limit {max_findings} per profile)"),
        ));
    }
    linter.out
}

/// A payload seen during the walk, for the cross-payload rules.
struct PayloadRef<'a> {
    index: usize,
    payload_type: Option<&'a str>,
    dict: &'a Dictionary,
    schema: Option<&'static PayloadSchema>,
}

struct Linter<'c> {
    ctx: &'c LintContext,
    out: Vec<Diagnostic>,
    /// Dotted key path of the value being checked, relative to the payload (or the top).
    path: String,
    payload: Option<usize>,
    payload_type: &'static str,
    /// Findings kept at most; the rest are counted in `left_out`.
    max_findings: usize,
    left_out: usize,
}

fn value_type_name(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "array",
        Value::Dictionary(_) => "dictionary",
        Value::Boolean(_) => "boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "date",
        Value::Real(_) => "real",
        Value::Integer(_) => "integer",
        Value::String(_) => "string",
        Value::Uid(_) => "uid",
        _ => "unknown value",
    }
}

fn get_str<'a>(d: &'a Dictionary, key: &str) -> Option<&'a str> {
    d.get(key).and_then(Value::as_string)
}

fn get_int(d: &Dictionary, key: &str) -> Option<i128> {
    match d.get(key) {
        Some(Value::Integer(i)) => i
            .as_signed()
            .map(i128::from)
            .or_else(|| i.as_unsigned().map(i128::from)),
        _ => None,
    }
}

fn get_bool(d: &Dictionary, key: &str) -> Option<bool> {
    d.get(key).and_then(Value::as_boolean)
}

/// True for the canonical 8-4-4-4-12 hexadecimal UUID form (either case).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

impl Linter<'_> {
    fn loc(&self, key_path: &str) -> Location {
        Location {
            payload_index: self.payload,
            key_path: key_path.to_owned(),
        }
    }

    fn here(&self) -> Location {
        self.loc(&self.path)
    }

    fn emit(&mut self, rule: Code, location: Location, message: String) {
        if self.out.len() < self.max_findings {
            self.out.push(rule.at(location, message));
        } else {
            self.left_out += 1;
        }
    }

    fn push_key(&mut self, key: &str) -> usize {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        len
    }

    fn push_index(&mut self, index: usize) -> usize {
        let len = self.path.len();
        self.path.push('[');
        self.path.push_str(&index.to_string());
        self.path.push(']');
        len
    }
}
