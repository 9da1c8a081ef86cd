//! Rules across the payloads of one profile: UUIDs, identifiers, references, singletons.

use super::*;

impl Linter<'_> {
    /// Rules that look at several payloads: identifiers, singletons, references, SSO claims.
    pub(super) fn cross_payload(&mut self, payloads: &[PayloadRef<'_>], encrypted: bool) {
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
}
