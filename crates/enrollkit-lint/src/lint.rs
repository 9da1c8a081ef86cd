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

/// Lints a profile given as any plist value (the root must be a dictionary).
pub fn lint_value(value: &Value, ctx: &LintContext) -> Vec<Diagnostic> {
    match value.as_dictionary() {
        Some(dict) => lint_dictionary(dict, ctx),
        None => vec![rules::STR001.at(
            Location::top(""),
            format!("the root is a {}, not a dictionary", value_type_name(value)),
        )],
    }
}

/// Lints the top-level dictionary of a profile. Findings come in a deterministic order:
/// top level first, then each payload in order, then cross-payload findings.
pub fn lint_dictionary(profile: &Dictionary, ctx: &LintContext) -> Vec<Diagnostic> {
    let mut linter = Linter {
        ctx,
        out: Vec::new(),
        path: String::new(),
        payload: None,
        payload_type: "",
    };
    linter.profile(profile);
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
        self.out.push(rule.at(location, message));
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

    fn profile(&mut self, top: &Dictionary) {
        match top.get("PayloadType") {
            Some(Value::String(s)) if s == "Configuration" => {}
            Some(Value::String(s)) => self.emit(
                rules::STR002,
                Location::top("PayloadType"),
                format!("top-level PayloadType is {s:?}, not \"Configuration\""),
            ),
            Some(other) => self.emit(
                rules::STR002,
                Location::top("PayloadType"),
                format!(
                    "top-level PayloadType is a {}, not the string \"Configuration\"",
                    value_type_name(other)
                ),
            ),
            None => self.emit(
                rules::STR002,
                Location::top("PayloadType"),
                "top-level PayloadType is missing".to_owned(),
            ),
        }
        self.structural_keys(top);

        let mut uuids: HashMap<&str, Option<usize>> = HashMap::new();
        if let Some(u) = get_str(top, "PayloadUUID") {
            uuids.insert(u, None);
        }

        let encrypted = get_bool(top, "IsEncrypted") == Some(true);
        let has_encrypted_content = top.contains_key("EncryptedPayloadContent");
        let content = top.get("PayloadContent");
        if encrypted && (!has_encrypted_content || content.is_some()) {
            let why = if has_encrypted_content {
                "IsEncrypted is true but PayloadContent is present too"
            } else {
                "IsEncrypted is true but EncryptedPayloadContent is missing"
            };
            self.emit(rules::STR014, Location::top("IsEncrypted"), why.to_owned());
        } else if !encrypted && has_encrypted_content {
            self.emit(
                rules::STR014,
                Location::top("EncryptedPayloadContent"),
                "EncryptedPayloadContent is present but IsEncrypted is not true".to_owned(),
            );
        }

        // Remaining top-level keys against TopLevel.yaml.
        if let Some(top_schema) = schema::top_level() {
            let support = *top_schema.support(self.ctx.platform);
            for (key, value) in top {
                if STRUCTURAL_KEYS.contains(&key.as_str()) || key == "PayloadContent" {
                    continue;
                }
                let mark = self.push_key(key);
                match top_schema.key(key) {
                    Some(spec) => self.value(spec, value, &support, 0),
                    None => self.unknown_key(key, true),
                }
                self.path.truncate(mark);
            }
        }

        let mut payloads = Vec::new();
        match content {
            Some(Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    match item {
                        Value::Dictionary(dict) => {
                            payloads.push(self.payload_dict(index, dict, &mut uuids));
                        }
                        other => self.emit(
                            rules::STR013,
                            Location::payload(index, ""),
                            format!(
                                "PayloadContent[{index}] is a {}, not a dictionary",
                                value_type_name(other)
                            ),
                        ),
                    }
                }
            }
            Some(other) if !encrypted => self.emit(
                rules::STR013,
                Location::top("PayloadContent"),
                format!(
                    "PayloadContent is a {}, not an array",
                    value_type_name(other)
                ),
            ),
            Some(_) => {}
            None if !encrypted => self.emit(
                rules::STR013,
                Location::top("PayloadContent"),
                "PayloadContent is missing".to_owned(),
            ),
            None => {}
        }
        if encrypted {
            self.emit(
                rules::STR015,
                Location::top("EncryptedPayloadContent"),
                "the payloads are encrypted and were not linted".to_owned(),
            );
        }
        self.payload = None;
        self.payload_type = "";
        self.cross_payload(&payloads, encrypted);
    }

    /// PayloadVersion, PayloadUUID and PayloadIdentifier, at the top (payload None) or in a payload.
    fn structural_keys(&mut self, d: &Dictionary) {
        let what = if self.payload.is_some() {
            "payload"
        } else {
            "top-level"
        };
        match d.get("PayloadVersion") {
            Some(Value::Integer(i)) if i.as_signed() == Some(1) => {}
            Some(Value::Integer(i)) => self.emit(
                rules::STR003,
                self.loc("PayloadVersion"),
                format!("{what} PayloadVersion is {i}, not 1"),
            ),
            Some(other) => self.emit(
                rules::STR003,
                self.loc("PayloadVersion"),
                format!(
                    "{what} PayloadVersion is a {}, not the integer 1",
                    value_type_name(other)
                ),
            ),
            None => self.emit(
                rules::STR003,
                self.loc("PayloadVersion"),
                format!("{what} PayloadVersion is missing"),
            ),
        }
        match d.get("PayloadUUID") {
            Some(Value::String(s)) if !s.is_empty() => {
                if !is_uuid(s) {
                    self.emit(
                        rules::STR005,
                        self.loc("PayloadUUID"),
                        format!("{what} PayloadUUID {s:?} is not a UUID"),
                    );
                }
            }
            other => {
                let state = match other {
                    None => "missing".to_owned(),
                    Some(Value::String(_)) => "empty".to_owned(),
                    Some(v) => format!("a {}", value_type_name(v)),
                };
                self.emit(
                    rules::STR004,
                    self.loc("PayloadUUID"),
                    format!("{what} PayloadUUID is {state}"),
                );
            }
        }
        match d.get("PayloadIdentifier") {
            Some(Value::String(s)) if !s.is_empty() => {}
            other => {
                let state = match other {
                    None => "missing".to_owned(),
                    Some(Value::String(_)) => "empty".to_owned(),
                    Some(v) => format!("a {}", value_type_name(v)),
                };
                self.emit(
                    rules::STR007,
                    self.loc("PayloadIdentifier"),
                    format!("{what} PayloadIdentifier is {state}"),
                );
            }
        }
    }

    fn payload_dict<'a>(
        &mut self,
        index: usize,
        d: &'a Dictionary,
        uuids: &mut HashMap<&'a str, Option<usize>>,
    ) -> PayloadRef<'a> {
        self.payload = Some(index);
        self.payload_type = "";
        self.path.clear();
        let payload_type = match d.get("PayloadType") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
            other => {
                let state = match other {
                    None => "missing".to_owned(),
                    Some(Value::String(_)) => "empty".to_owned(),
                    Some(v) => format!("a {}", value_type_name(v)),
                };
                self.emit(
                    rules::STR012,
                    self.loc("PayloadType"),
                    format!("PayloadType is {state}"),
                );
                None
            }
        };
        self.structural_keys(d);
        if let Some(u) = get_str(d, "PayloadUUID").filter(|u| !u.is_empty()) {
            match uuids.get(u) {
                Some(first) => {
                    let first = match first {
                        Some(i) => format!("PayloadContent[{i}]"),
                        None => "the profile itself".to_owned(),
                    };
                    self.emit(
                        rules::STR006,
                        self.loc("PayloadUUID"),
                        format!("PayloadUUID {u:?} is already used by {first}"),
                    );
                }
                None => {
                    uuids.insert(u, Some(index));
                }
            }
        }

        let schemas = payload_type.map(schema::payload_schemas).unwrap_or(&[]);
        let chosen = choose_schema(schemas, d);
        let mut payload_ref = PayloadRef {
            index,
            payload_type,
            dict: d,
            schema: chosen,
        };
        let Some(ptype) = payload_type else {
            return payload_ref;
        };
        let Some(chosen) = chosen else {
            self.emit(
                rules::SCH001,
                self.loc("PayloadType"),
                format!("payload type {ptype:?} is not in Apple's schema"),
            );
            payload_ref.schema = None;
            return payload_ref;
        };
        self.payload_type = chosen.payload_type;

        let support = *chosen.support(self.ctx.platform);
        let stated = chosen.states_platform(self.ctx.platform);
        if stated && !self.payload_availability(ptype, &support) {
            // Not available at all: key-level findings would only repeat it.
            return payload_ref;
        }
        self.payload_context(ptype, &support);

        let common = schema::common_payload_keys();
        for (key, value) in d {
            if STRUCTURAL_KEYS.contains(&key.as_str()) {
                continue;
            }
            let spec = chosen
                .key(key)
                .filter(|s| s.name == key.as_str())
                .or_else(|| {
                    schemas
                        .iter()
                        .find_map(|s| s.key(key).filter(|k| k.name == key.as_str()))
                })
                .or_else(|| common.and_then(|c| c.key(key)))
                .or_else(|| chosen.key(key));
            let mark = self.push_key(key);
            match spec {
                Some(spec) => self.value(spec, value, &support, 0),
                None => self.unknown_key(key, true),
            }
            self.path.truncate(mark);
        }
        self.required_keys(chosen.keys(), d, &support);
        self.payload_rules(ptype, d, &support);
        payload_ref
    }

    /// OS availability of the payload type. Returns false when it is not available at all.
    fn payload_availability(&mut self, ptype: &str, support: &OsSupport) -> bool {
        let platform = self.ctx.platform;
        match support.introduced {
            Some(Introduced::NotAvailable) => {
                self.emit(
                    rules::OS001,
                    self.loc("PayloadType"),
                    format!("{ptype} is not available on {platform}"),
                );
                return false;
            }
            Some(Introduced::In(v)) if !self.ctx.at_least(v) => {
                self.emit(
                    rules::OS003,
                    self.loc("PayloadType"),
                    format!("{ptype} needs {platform} {v} or later"),
                );
                return false;
            }
            _ => {}
        }
        if let Some(r) = support.removed.filter(|r| self.ctx.at_least(*r)) {
            self.emit(
                rules::OS005,
                self.loc("PayloadType"),
                format!("{ptype} was removed in {platform} {r}"),
            );
            return false;
        }
        if let Some(v) = support.deprecated.filter(|v| self.ctx.at_least(*v)) {
            self.emit(
                rules::OS007,
                self.loc("PayloadType"),
                format!("{ptype} is deprecated since {platform} {v}"),
            );
        }
        true
    }

    /// User Enrollment and install-context rules at the payload level.
    fn payload_context(&mut self, ptype: &str, support: &OsSupport) {
        let ctx = self.ctx;
        match (ctx.enrollment, support.user_enrollment) {
            (Enrollment::User, Some(UeMode::Forbidden)) => {
                let rule = if ctx.platform == Platform::MacOs {
                    rules::UE002
                } else {
                    rules::UE001
                };
                let effect = if ctx.platform == Platform::MacOs {
                    "macOS drops the payload"
                } else {
                    "the whole profile is rejected"
                };
                self.emit(
                    rule,
                    self.loc("PayloadType"),
                    format!(
                        "{ptype} is forbidden under User Enrollment on {}: {effect}",
                        ctx.platform
                    ),
                );
            }
            (Enrollment::Device | Enrollment::Ade, Some(UeMode::Required)) => self.emit(
                rules::UE005,
                self.loc("PayloadType"),
                format!("{ptype} only applies under User Enrollment"),
            ),
            _ => {}
        }
        if ctx.install == InstallMethod::Manual && support.allow_manual_install == Some(false) {
            self.emit(
                rules::INS001,
                self.loc("PayloadType"),
                format!(
                    "{ptype} can only be installed through MDM on {}",
                    ctx.platform
                ),
            );
        }
        if !ctx.supervised && support.supervised == Some(true) {
            self.emit(
                rules::INS002,
                self.loc("PayloadType"),
                format!("{ptype} needs a supervised {}", ctx.platform),
            );
        }
    }

    fn unknown_key(&mut self, key: &str, payload_root: bool) {
        if self.superseded_unknown(key) {
            return;
        }
        if payload_root && key.starts_with("Payload") {
            self.emit(
                rules::STR009,
                self.here(),
                format!("{key} uses the reserved Payload prefix but is not a schema key"),
            );
        } else {
            let scope = if self.payload_type.is_empty() {
                "the top level".to_owned()
            } else {
                self.payload_type.to_owned()
            };
            self.emit(
                rules::SCH003,
                self.here(),
                format!("{key} is not a known key of {scope}"),
            );
        }
    }

    /// Unknown keys that a dedicated rule reports with a better message.
    fn superseded_unknown(&self, key: &str) -> bool {
        self.payload_type == "com.apple.security.scep"
            && (self.path == "PayloadContent.KeyType" || self.path == "PayloadContent.KeyUsage")
            && !key.is_empty()
    }

    /// Schema checks that a dedicated rule replaces (so a problem is reported once).
    fn superseded(&self, check: &str) -> bool {
        matches!(
            (self.payload_type, self.path.as_str(), check),
            ("com.apple.mdm", "ServerURL" | "CheckInURL", "format")
                | ("com.apple.mdm", "ManagedAppleID", "availability")
        )
    }

    fn required_keys(
        &mut self,
        specs: impl Iterator<Item = &'static KeySpec>,
        d: &Dictionary,
        parent: &OsSupport,
    ) {
        for spec in specs {
            if spec.presence != schema::Presence::Required
                || spec.name == "ANY"
                || d.contains_key(spec.name)
            {
                continue;
            }
            let support = parent.overlay(spec.support(self.ctx.platform));
            let unavailable = support.not_available()
                || matches!(support.introduced, Some(Introduced::In(v)) if !self.ctx.at_least(v))
                || support.removed.is_some_and(|r| self.ctx.at_least(r));
            if unavailable {
                continue;
            }
            let mark = self.push_key(spec.name);
            let owner = if self.payload_type.is_empty() {
                "the profile"
            } else {
                self.payload_type
            };
            self.emit(
                rules::SCH002,
                self.here(),
                format!("required key {} of {owner} is missing", spec.name),
            );
            self.path.truncate(mark);
        }
    }

    /// Checks one value against its key spec, then descends.
    fn value(&mut self, spec: &'static KeySpec, value: &Value, parent: &OsSupport, depth: usize) {
        let own = spec.support(self.ctx.platform);
        let support = parent.overlay(own);
        if !self.key_context(spec, own, parent) {
            return;
        }

        let ok = match (spec.ty, value) {
            (ValueType::Any, _)
            | (ValueType::String, Value::String(_))
            | (ValueType::Integer, Value::Integer(_))
            | (ValueType::Real, Value::Real(_))
            | (ValueType::Boolean, Value::Boolean(_))
            | (ValueType::Date, Value::Date(_))
            | (ValueType::Data, Value::Data(_))
            | (ValueType::Array, Value::Array(_))
            | (ValueType::Dictionary, Value::Dictionary(_)) => true,
            (ValueType::Real, Value::Integer(_)) => {
                self.emit(
                    rules::STR011,
                    self.here(),
                    format!("{} is an integer; the schema type is real", spec.name),
                );
                true
            }
            _ => false,
        };
        if !ok {
            self.emit(
                rules::STR010,
                self.here(),
                format!(
                    "{} is a {}, expected {}",
                    display_name(spec, &self.path),
                    value_type_name(value),
                    spec.ty.name()
                ),
            );
            return;
        }

        if !spec.allowed.is_empty() && !allowed_contains(spec.allowed, value) {
            let list: Vec<String> = spec.allowed.iter().map(Lit::to_string).collect();
            self.emit(
                rules::SCH004,
                self.here(),
                format!(
                    "{} is {}, not one of {}",
                    display_name(spec, &self.path),
                    short_value(value),
                    list.join(", ")
                ),
            );
        }
        if let Some(n) = number(value) {
            let low = spec.min.is_some_and(|m| n < m);
            let high = spec.max.is_some_and(|m| n > m);
            if low || high {
                let bounds = match (spec.min, spec.max) {
                    (Some(a), Some(b)) => format!("{a}..={b}"),
                    (Some(a), None) => format!(">= {a}"),
                    (None, Some(b)) => format!("<= {b}"),
                    (None, None) => String::new(),
                };
                self.emit(
                    rules::SCH005,
                    self.here(),
                    format!(
                        "{} is {n}, outside {bounds}",
                        display_name(spec, &self.path)
                    ),
                );
            }
        }
        if let Value::String(s) = value
            && !spec.matches_format(s)
            && !self.superseded("format")
        {
            self.emit(
                rules::SCH006,
                self.here(),
                format!(
                    "{} {s:?} does not match {}",
                    display_name(spec, &self.path),
                    spec.format_pattern().unwrap_or("")
                ),
            );
        }

        if depth >= MAX_DEPTH {
            return;
        }
        match value {
            Value::Dictionary(dict) if spec.children.is_some() => {
                for (key, child_value) in dict {
                    let mark = self.push_key(key);
                    match spec.child(key) {
                        Some(child) => self.value(child, child_value, &support, depth + 1),
                        None => self.unknown_key(key, false),
                    }
                    self.path.truncate(mark);
                }
                self.required_keys(spec.children(), dict, &support);
            }
            Value::Array(items) => {
                // The schema states `repetition` on the element description (for example the
                // SCEP subject pair item), meaning the element count of this array.
                let repetition = spec
                    .repetition
                    .or_else(|| spec.element().and_then(|e| e.repetition));
                if let Some((min, max)) = repetition {
                    let n = items.len();
                    if n < usize::from(min) || n > usize::from(max) {
                        let want = if min == max {
                            format!("exactly {min}")
                        } else {
                            format!("{min} to {max}")
                        };
                        self.emit(
                            rules::SCH007,
                            self.here(),
                            format!(
                                "{} has {n} elements, expected {want}",
                                display_name(spec, &self.path)
                            ),
                        );
                    }
                }
                if let Some(element) = spec.element() {
                    for (i, item) in items.iter().enumerate() {
                        let mark = self.push_index(i);
                        self.value(element, item, &support, depth + 1);
                        self.path.truncate(mark);
                    }
                }
            }
            _ => {}
        }
    }

    /// Key-level availability, User Enrollment and install context. Only facts the key itself
    /// states are reported (the payload-level ones were reported once already). Returns false
    /// when the key does not exist on the platform, so its value is not checked further.
    fn key_context(&mut self, spec: &KeySpec, own: &OsSupport, parent: &OsSupport) -> bool {
        let ctx = self.ctx;
        let platform = ctx.platform;
        let name = spec.name;
        if !self.superseded("availability") {
            match own.introduced {
                Some(Introduced::NotAvailable) if !parent.not_available() => {
                    self.emit(
                        rules::OS002,
                        self.here(),
                        format!("{name} is not available on {platform}"),
                    );
                    return false;
                }
                Some(Introduced::In(v)) if !ctx.at_least(v) => {
                    self.emit(
                        rules::OS004,
                        self.here(),
                        format!("{name} needs {platform} {v} or later"),
                    );
                    return false;
                }
                _ => {}
            }
            if let Some(r) = own.removed.filter(|r| ctx.at_least(*r)) {
                self.emit(
                    rules::OS006,
                    self.here(),
                    format!("{name} was removed in {platform} {r}"),
                );
                return false;
            }
            if let Some(v) = own.deprecated.filter(|v| ctx.at_least(*v)) {
                self.emit(
                    rules::OS007,
                    self.here(),
                    format!("{name} is deprecated since {platform} {v}"),
                );
            }
        }
        match (ctx.enrollment, own.user_enrollment) {
            (Enrollment::User, Some(UeMode::Forbidden)) => self.emit(
                rules::UE003,
                self.here(),
                format!("{name} is forbidden under User Enrollment on {platform}"),
            ),
            (Enrollment::User, Some(UeMode::Ignored)) => self.emit(
                rules::UE004,
                self.here(),
                format!("{name} is ignored under User Enrollment on {platform}"),
            ),
            (Enrollment::Device | Enrollment::Ade, Some(UeMode::Required)) => self.emit(
                rules::UE005,
                self.here(),
                format!("{name} only applies under User Enrollment"),
            ),
            _ => {}
        }
        if !ctx.supervised && own.supervised == Some(true) && parent.supervised != Some(true) {
            self.emit(
                rules::INS003,
                self.here(),
                format!("{name} only takes effect on a supervised {platform}"),
            );
        }
        if ctx.install == InstallMethod::Manual
            && own.allow_manual_install == Some(false)
            && parent.allow_manual_install != Some(false)
        {
            self.emit(
                rules::INS005,
                self.here(),
                format!("{name} is only applied when installed through MDM"),
            );
        }
        true
    }

    fn payload_rules(&mut self, ptype: &str, d: &Dictionary, _support: &OsSupport) {
        match ptype {
            "com.apple.security.scep" => self.scep(d),
            "com.apple.security.acme" => self.acme(d),
            "com.apple.security.pkcs12" if d.get("Password").is_some() => self.emit(
                rules::IDP007,
                self.loc("Password"),
                "the PKCS#12 password is stored in an unencrypted profile".to_owned(),
            ),
            "com.apple.extensiblesso" => self.sso(d),
            "com.apple.mdm" => self.mdm_local(d),
            _ => {}
        }
    }

    fn scep(&mut self, d: &Dictionary) {
        let Some(Value::Dictionary(content)) = d.get("PayloadContent") else {
            return;
        };
        match content.get("Keysize") {
            None => self.emit(
                rules::IDP001,
                self.loc("PayloadContent.Keysize"),
                "Keysize is absent, so the key is 1024 bits (the default)".to_owned(),
            ),
            Some(Value::Integer(i)) if i.as_signed() == Some(1024) => self.emit(
                rules::IDP001,
                self.loc("PayloadContent.Keysize"),
                "Keysize is 1024 bits".to_owned(),
            ),
            _ => {}
        }
        for (wrong, right) in [("KeyType", "Key Type"), ("KeyUsage", "Key Usage")] {
            if content.contains_key(wrong) {
                self.emit(
                    rules::IDP002,
                    self.loc(&format!("PayloadContent.{wrong}")),
                    format!("{wrong} should be spelled {right:?}"),
                );
            }
        }
    }

    fn acme(&mut self, d: &Dictionary) {
        let size = get_int(d, "KeySize");
        let hardware = get_bool(d, "HardwareBound") == Some(true);
        let attest = get_bool(d, "Attest") == Some(true);
        match (get_str(d, "KeyType"), size) {
            (Some("RSA"), Some(n)) => {
                if n % 8 != 0 || !(1024..=4096).contains(&n) {
                    self.emit(
                        rules::IDP003,
                        self.loc("KeySize"),
                        format!("RSA KeySize {n} is not a multiple of 8 in 1024..=4096"),
                    );
                }
                if hardware {
                    self.emit(
                        rules::IDP003,
                        self.loc("HardwareBound"),
                        "RSA keys cannot be hardware-bound".to_owned(),
                    );
                }
            }
            (Some("ECSECPrimeRandom"), Some(n)) => {
                if ![192, 256, 384, 521].contains(&n) {
                    self.emit(
                        rules::IDP004,
                        self.loc("KeySize"),
                        format!("EC KeySize {n} is not 192, 256, 384 or 521"),
                    );
                } else if hardware && ![256, 384].contains(&n) {
                    self.emit(
                        rules::IDP004,
                        self.loc("KeySize"),
                        format!("hardware-bound EC keys must be 256 or 384 bits, not {n}"),
                    );
                }
            }
            _ => {}
        }
        if attest && !hardware {
            self.emit(
                rules::IDP005,
                self.loc("Attest"),
                "Attest is true but HardwareBound is not".to_owned(),
            );
        }
        if self.ctx.platform == Platform::MacOs
            && (hardware || attest)
            && self
                .ctx
                .os_version
                .is_some_and(|v| v < OsVersion::new(14, 0, 0))
        {
            let key = if hardware { "HardwareBound" } else { "Attest" };
            self.emit(
                rules::IDP006,
                self.loc(key),
                format!("{key} must be false before macOS 14"),
            );
        }
    }

    fn sso(&mut self, d: &Dictionary) {
        match get_str(d, "Type") {
            Some("Redirect") => {
                let urls = d.get("URLs").and_then(Value::as_array);
                if urls.is_none_or(|u| u.is_empty()) {
                    self.emit(
                        rules::SSO001,
                        self.loc("URLs"),
                        "a Redirect extension has no URLs".to_owned(),
                    );
                }
                for (i, url) in urls.into_iter().flatten().enumerate() {
                    let Some(url) = url.as_string() else { continue };
                    if let Some(problem) = sso_url_problem(url) {
                        self.emit(
                            rules::SSO002,
                            self.loc(&format!("URLs[{i}]")),
                            format!("URL {url:?} {problem}"),
                        );
                    }
                }
            }
            Some("Credential") => {
                let hosts = d.get("Hosts").and_then(Value::as_array);
                if hosts.is_none_or(|h| h.is_empty()) {
                    self.emit(
                        rules::SSO003,
                        self.loc("Hosts"),
                        "a Credential extension has no Hosts".to_owned(),
                    );
                }
            }
            _ => {}
        }
        let kerberos = get_str(d, "ExtensionIdentifier") == Some(KERBEROS_EXTENSION);
        if self.ctx.platform == Platform::MacOs && !kerberos && !d.contains_key("TeamIdentifier") {
            self.emit(
                rules::SSO004,
                self.loc("TeamIdentifier"),
                "TeamIdentifier is required on macOS".to_owned(),
            );
        }
    }

    /// MDM payload rules that need only the payload itself.
    fn mdm_local(&mut self, d: &Dictionary) {
        if let Some(topic) = get_str(d, "Topic")
            && !topic.starts_with("com.apple.mgmt.")
        {
            self.emit(
                rules::MDM002,
                self.loc("Topic"),
                format!("Topic {topic:?} does not start with com.apple.mgmt."),
            );
        }
        for key in ["ServerURL", "CheckInURL"] {
            if let Some(url) = get_str(d, key)
                && !url.starts_with("https://")
            {
                self.emit(
                    rules::MDM003,
                    self.loc(key),
                    format!("{key} {url:?} is not an https:// URL"),
                );
            }
        }
        let rights = get_int(d, "AccessRights");
        if let Some(r) = rights {
            let problem = if r == 0 {
                Some("is 0".to_owned())
            } else if !(1..=8191).contains(&r) {
                Some(format!("{r} is outside 1..=8191"))
            } else if r & 2 != 0 && r & 1 == 0 {
                Some(format!("{r} has bit 2 (install profiles) without bit 1"))
            } else if r & 128 != 0 && r & 64 == 0 {
                Some(format!(
                    "{r} has bit 128 (install provisioning profiles) without bit 64"
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                self.emit(
                    rules::MDM005,
                    self.loc("AccessRights"),
                    format!("AccessRights {problem}"),
                );
            }
        }
        let assigned = d.contains_key("AssignedManagedAppleID");
        match get_str(d, "EnrollmentMode") {
            Some(mode @ ("BYOD" | "ADDE")) if !assigned => self.emit(
                rules::MDM006,
                self.loc("AssignedManagedAppleID"),
                format!("EnrollmentMode {mode} needs AssignedManagedAppleID"),
            ),
            _ => {}
        }
        if get_str(d, "EnrollmentMode") == Some("BYOD") && d.contains_key("AccessRights") {
            self.emit(
                rules::MDM006,
                self.loc("AccessRights"),
                "EnrollmentMode BYOD must not carry AccessRights".to_owned(),
            );
        }
        if d.contains_key("ManagedAppleID") {
            self.managed_apple_id();
            if d.contains_key("EnrollmentMode") {
                self.emit(
                    rules::MDM009,
                    self.loc("ManagedAppleID"),
                    "ManagedAppleID (profile-driven) is combined with EnrollmentMode (account-driven)"
                        .to_owned(),
                );
            }
        }
        if self.ctx.platform == Platform::MacOs {
            let has_user_channel = d
                .get("ServerCapabilities")
                .and_then(Value::as_array)
                .is_some_and(|caps| {
                    caps.iter()
                        .any(|c| c.as_string() == Some("com.apple.mdm.per-user-connections"))
                });
            if !has_user_channel {
                self.emit(
                    rules::MDM008,
                    self.loc("ServerCapabilities"),
                    "ServerCapabilities lacks com.apple.mdm.per-user-connections".to_owned(),
                );
            }
        }
    }

    fn managed_apple_id(&mut self) {
        let ctx = self.ctx;
        let range = match ctx.platform {
            Platform::Ios => Some((
                OsVersion::new(13, 1, 0),
                OsVersion::new(18, 0, 0),
                "iOS 13.1-17.x",
            )),
            Platform::MacOs => Some((
                OsVersion::new(10, 15, 0),
                OsVersion::new(15, 0, 0),
                "macOS 10.15-14.x",
            )),
            _ => None,
        };
        let inside = match (range, ctx.os_version) {
            (Some((low, high, _)), Some(v)) => v >= low && v < high,
            _ => false,
        };
        if !inside {
            let target = match ctx.os_version {
                Some(v) => format!("{} {v}", ctx.platform),
                None => format!("current {}", ctx.platform),
            };
            let valid = range.map_or("iOS 13.1-17.x and macOS 10.15-14.x", |r| r.2);
            self.emit(
                rules::MDM007,
                self.loc("ManagedAppleID"),
                format!("ManagedAppleID is only valid on {valid}, not on {target}"),
            );
        }
    }

    /// Rules that look at several payloads: identifiers, singletons, references, SSO claims.
    fn cross_payload(&mut self, payloads: &[PayloadRef<'_>], encrypted: bool) {
        let _ = encrypted;
        let mut identifiers: HashMap<&str, usize> = HashMap::new();
        let mut uuid_types: HashMap<&str, &str> = HashMap::new();
        let mut type_counts: HashMap<&str, usize> = HashMap::new();
        for p in payloads {
            self.payload = Some(p.index);
            if let Some(id) = get_str(p.dict, "PayloadIdentifier").filter(|s| !s.is_empty()) {
                if let Some(first) = identifiers.get(id) {
                    self.emit(
                        rules::STR008,
                        self.loc("PayloadIdentifier"),
                        format!(
                            "PayloadIdentifier {id:?} is already used by PayloadContent[{first}]"
                        ),
                    );
                } else {
                    identifiers.insert(id, p.index);
                }
            }
            if let (Some(u), Some(t)) = (get_str(p.dict, "PayloadUUID"), p.payload_type) {
                uuid_types.entry(u).or_insert(t);
            }
            if let (Some(t), Some(s)) = (p.payload_type, p.schema) {
                let count = type_counts.entry(t).or_insert(0);
                *count += 1;
                let single = s.support(self.ctx.platform).multiple == Some(false);
                if single && *count > 1 {
                    self.emit(
                        rules::INS004,
                        self.loc("PayloadType"),
                        format!(
                            "{t} allows one payload per device, this is payload number {count}"
                        ),
                    );
                }
            }
        }

        let mut sso_urls: HashMap<String, usize> = HashMap::new();
        let mut sso_hosts: HashMap<String, usize> = HashMap::new();
        for p in payloads {
            self.payload = Some(p.index);
            match p.payload_type {
                Some("com.apple.mdm") => self.mdm_references(p.dict, &uuid_types),
                Some("com.apple.extensiblesso") => {
                    for (i, url) in strings(p.dict, "URLs") {
                        let key = normalize_sso_url(url);
                        if let Some(first) = sso_urls.get(&key) {
                            self.emit(
                                rules::SSO005,
                                self.loc(&format!("URLs[{i}]")),
                                format!(
                                    "URL {url:?} is already claimed by PayloadContent[{first}]"
                                ),
                            );
                        } else {
                            sso_urls.insert(key, p.index);
                        }
                    }
                    for (i, host) in strings(p.dict, "Hosts") {
                        let key = host.to_ascii_lowercase();
                        if let Some(first) = sso_hosts.get(&key) {
                            self.emit(
                                rules::SSO005,
                                self.loc(&format!("Hosts[{i}]")),
                                format!(
                                    "host {host:?} is already claimed by PayloadContent[{first}]"
                                ),
                            );
                        } else {
                            sso_hosts.insert(key, p.index);
                        }
                    }
                }
                _ => {}
            }
        }
        self.payload = None;
    }

    fn mdm_references(&mut self, d: &Dictionary, uuid_types: &HashMap<&str, &str>) {
        if let Some(id) = get_str(d, "IdentityCertificateUUID") {
            match uuid_types.get(id) {
                Some(t) if IDENTITY_PAYLOAD_TYPES.contains(t) => {}
                Some(t) => self.emit(
                    rules::MDM001,
                    self.loc("IdentityCertificateUUID"),
                    format!("IdentityCertificateUUID {id:?} names a {t} payload, not an identity"),
                ),
                None => self.emit(
                    rules::MDM001,
                    self.loc("IdentityCertificateUUID"),
                    format!("no payload in this profile has PayloadUUID {id:?}"),
                ),
            }
        }
        for key in [
            "ServerURLPinningCertificateUUIDs",
            "CheckInURLPinningCertificateUUIDs",
        ] {
            for (i, id) in strings(d, key) {
                let problem = match uuid_types.get(id) {
                    Some(t) if CERTIFICATE_PAYLOAD_TYPES.contains(t) => continue,
                    Some(t) => format!("names a {t} payload, not a certificate"),
                    None => "names no payload in this profile".to_owned(),
                };
                self.emit(
                    rules::MDM004,
                    self.loc(&format!("{key}[{i}]")),
                    format!("{key}[{i}] {id:?} {problem}"),
                );
            }
        }
    }
}

/// The string elements of the array at `key`, with their indices.
fn strings<'a>(d: &'a Dictionary, key: &str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    d.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| v.as_string().map(|s| (i, s)))
}

/// Lowercases scheme and host of an SSO URL prefix (paths stay case-sensitive).
pub fn normalize_sso_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_owned(),
    }
}

fn sso_url_problem(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        Some("is not an http:// or https:// URL")
    } else if url.contains('?') {
        Some("has a query")
    } else if url.contains('#') {
        Some("has a fragment")
    } else {
        None
    }
}

/// Picks the schema file for a payload when a type has several: the Kerberos variant of
/// Extensible SSO by its extension identifier, otherwise the file that knows most of the
/// payload's keys (first on a tie).
fn choose_schema(
    schemas: &'static [PayloadSchema],
    d: &Dictionary,
) -> Option<&'static PayloadSchema> {
    if schemas.len() <= 1 {
        return schemas.first();
    }
    if schemas
        .first()
        .is_some_and(|s| s.payload_type == "com.apple.extensiblesso")
    {
        let kerberos = get_str(d, "ExtensionIdentifier") == Some(KERBEROS_EXTENSION);
        return schemas
            .iter()
            .find(|s| s.source.contains("kerberos") == kerberos)
            .or(schemas.first());
    }
    let mut best: Option<(&'static PayloadSchema, usize)> = None;
    for s in schemas {
        let known = d
            .keys()
            .filter(|k| s.key(k).is_some_and(|spec| spec.name == k.as_str()))
            .count();
        if best.is_none_or(|(_, n)| known > n) {
            best = Some((s, known));
        }
    }
    best.map(|(s, _)| s)
}

fn display_name<'a>(spec: &'a KeySpec, path: &'a str) -> &'a str {
    if spec.name == "ANY" || path.ends_with(']') {
        path
    } else {
        spec.name
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => i
            .as_signed()
            .map(|v| v as f64)
            .or_else(|| i.as_unsigned().map(|v| v as f64)),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

fn allowed_contains(allowed: &[Lit], value: &Value) -> bool {
    allowed.iter().any(|lit| match (lit, value) {
        (Lit::Str(a), Value::String(b)) => *a == b.as_str(),
        (Lit::Int(a), Value::Integer(b)) => b.as_signed() == Some(*a),
        (Lit::Int(a), Value::Real(r)) => *a as f64 == *r,
        (Lit::Real(a), v) => number(v) == Some(*a),
        _ => false,
    })
}

fn short_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Boolean(b) => b.to_string(),
        other => value_type_name(other).to_owned(),
    }
}
