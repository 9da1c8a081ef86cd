//! Keys against the schema: unknown and required keys, types, values, ranges, formats (SCH), and key-level OS, UE and install facts.

use super::*;

impl Linter<'_> {
    pub(super) fn unknown_key(&mut self, key: &str, payload_root: bool) {
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
    pub(super) fn superseded_unknown(&self, key: &str) -> bool {
        self.payload_type == "com.apple.security.scep"
            && (self.path == "PayloadContent.KeyType" || self.path == "PayloadContent.KeyUsage")
            && !key.is_empty()
    }
    /// Schema checks that a dedicated rule replaces (so a problem is reported once).
    pub(super) fn superseded(&self, check: &str) -> bool {
        matches!(
            (self.payload_type, self.path.as_str(), check),
            ("com.apple.mdm", "ServerURL" | "CheckInURL", "format")
                | ("com.apple.mdm", "ManagedAppleID", "availability")
        )
    }
    pub(super) fn required_keys(
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
    pub(super) fn value(
        &mut self,
        spec: &'static KeySpec,
        value: &Value,
        parent: &OsSupport,
        depth: usize,
    ) {
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
    pub(super) fn key_context(
        &mut self,
        spec: &KeySpec,
        own: &OsSupport,
        parent: &OsSupport,
    ) -> bool {
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
}

/// Picks the schema file for a payload when a type has several: the Kerberos variant of
/// Extensible SSO by its extension identifier, otherwise the file that knows most of the
/// payload's keys (first on a tie).
pub(super) fn choose_schema(
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
pub(super) fn display_name<'a>(spec: &'a KeySpec, path: &'a str) -> &'a str {
    if spec.name == "ANY" || path.ends_with(']') {
        path
    } else {
        spec.name
    }
}
pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => i
            .as_signed()
            .map(|v| v as f64)
            .or_else(|| i.as_unsigned().map(|v| v as f64)),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}
pub(super) fn allowed_contains(allowed: &[Lit], value: &Value) -> bool {
    allowed.iter().any(|lit| match (lit, value) {
        (Lit::Str(a), Value::String(b)) => *a == b.as_str(),
        (Lit::Int(a), Value::Integer(b)) => b.as_signed() == Some(*a),
        (Lit::Int(a), Value::Real(r)) => *a as f64 == *r,
        (Lit::Real(a), v) => number(v) == Some(*a),
        _ => false,
    })
}
pub(super) fn short_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Boolean(b) => b.to_string(),
        other => value_type_name(other).to_owned(),
    }
}
