//! The walk over the top level and each payload, and the structure rules (STR).

use super::*;

impl Linter<'_> {
    pub(super) fn profile(&mut self, top: &Dictionary) {
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
    /// A structural string key that is absent, empty or of another type.
    fn missing_string(&mut self, rule: Code, what: &str, key: &str, found: Option<&Value>) {
        let state = match found {
            None => "missing".to_owned(),
            Some(Value::String(_)) => "empty".to_owned(),
            Some(v) => format!("a {}", value_type_name(v)),
        };
        self.emit(rule, self.loc(key), format!("{what} {key} is {state}"));
    }

    pub(super) fn structural_keys(&mut self, d: &Dictionary) {
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
            other => self.missing_string(rules::STR004, what, "PayloadUUID", other),
        }
        match d.get("PayloadIdentifier") {
            Some(Value::String(s)) if !s.is_empty() => {}
            other => self.missing_string(rules::STR007, what, "PayloadIdentifier", other),
        }
    }
    pub(super) fn payload_dict<'a>(
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
    pub(super) fn payload_rules(&mut self, ptype: &str, d: &Dictionary, _support: &OsSupport) {
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
}
