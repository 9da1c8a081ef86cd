//! The MDM payload rules (MDM).

use super::*;

impl Linter<'_> {
    /// MDM payload rules that need only the payload itself.
    pub(super) fn mdm_local(&mut self, d: &Dictionary) {
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
    pub(super) fn managed_apple_id(&mut self) {
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
    pub(super) fn mdm_references(&mut self, d: &Dictionary, uuid_types: &HashMap<&str, &str>) {
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
