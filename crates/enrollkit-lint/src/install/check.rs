//! The install check itself.

use super::*;

/// The installed profiles of one device, indexed for install checks.
#[derive(Debug, Clone, Default)]
pub struct InstalledSet {
    profiles: Vec<ProfileSummary>,
    hasher: RandomState,
    by_identifier: KeyIndex,
    by_uuid: KeyIndex,
    by_type: KeyIndex,
    mdm: Owners,
    sso_urls: KeyIndex,
    sso_hosts: KeyIndex,
}

impl InstalledSet {
    /// Indexes `profiles` (linear in the number of installed payloads; one hash-table insert
    /// per key and no allocation per payload).
    pub fn new(profiles: Vec<ProfileSummary>) -> Self {
        let (mut payload_count, mut url_count, mut host_count) = (0, 0, 0);
        for payload in profiles.iter().flat_map(|p| &p.payloads) {
            payload_count += 1;
            url_count += payload.sso_urls.len();
            host_count += payload.sso_hosts.len();
        }
        let hasher = RandomState::new();
        let mut by_identifier = KeyIndex::with_capacity(KeyKind::Identifier, profiles.len());
        let mut by_uuid = KeyIndex::with_capacity(KeyKind::Uuid, profiles.len() + payload_count);
        let mut by_type = KeyIndex::with_capacity(KeyKind::PayloadType, 0);
        let mut mdm = Owners::default();
        let mut sso_urls = KeyIndex::with_capacity(KeyKind::SsoUrl, url_count);
        let mut sso_hosts = KeyIndex::with_capacity(KeyKind::SsoHost, host_count);
        let all = profiles.as_slice();
        for (p, profile) in all.iter().enumerate() {
            // The first profile with an identifier owns it (the one a replacement targets).
            by_identifier.add(all, &hasher, KeyRef::profile(p), p);
            if !profile.uuid.is_empty() {
                by_uuid.add(all, &hasher, KeyRef::profile(p), p);
            }
            for (i, payload) in profile.payloads.iter().enumerate() {
                if !payload.uuid.is_empty() {
                    by_uuid.add(all, &hasher, KeyRef::new(p, i, 0), p);
                }
                by_type.add(all, &hasher, KeyRef::new(p, i, 0), p);
                if payload.payload_type == "com.apple.mdm" {
                    mdm.add(p);
                }
                for j in 0..payload.sso_urls.len() {
                    sso_urls.add(all, &hasher, KeyRef::new(p, i, j), p);
                }
                for j in 0..payload.sso_hosts.len() {
                    sso_hosts.add(all, &hasher, KeyRef::new(p, i, j), p);
                }
            }
        }
        InstalledSet {
            profiles,
            hasher,
            by_identifier,
            by_uuid,
            by_type,
            mdm,
            sso_urls,
            sso_hosts,
        }
    }

    /// The installed profiles.
    pub fn profiles(&self) -> &[ProfileSummary] {
        &self.profiles
    }

    fn profile(&self, index: usize) -> Option<&ProfileSummary> {
        self.profiles.get(index)
    }

    /// What the device does with `new` (cost proportional to `new`, not to the installed set).
    pub fn check(&self, new: &ProfileSummary, ctx: &LintContext) -> InstallReport {
        let mut out = Vec::new();
        let replaced_index = self
            .by_identifier
            .get(&self.profiles, &self.hasher, &new.identifier)
            .and_then(Owners::first);
        let replaced = replaced_index.and_then(|i| self.profile(i));

        let plan = match replaced {
            Some(old) => {
                out.push(rules::CHK001.at(
                    Location::top("PayloadIdentifier"),
                    format!("replaces the installed profile {}", old.label()),
                ));
                if ctx.install == InstallMethod::Manual
                    && old.signer().is_some()
                    && old.signer() != new.signer()
                {
                    let how = if new.signer().is_some() {
                        "signed by a different identity"
                    } else {
                        "unsigned"
                    };
                    out.push(rules::CHK010.at(
                        Location::top(""),
                        format!(
                            "the installed profile {} is signed; the new one is {how}",
                            old.label()
                        ),
                    ));
                }
                match (old.mdm(), new.mdm()) {
                    (Some(_), None) => out.push(rules::CHK011.at(
                        Location::top("PayloadContent"),
                        format!("the replacement drops the MDM payload of {}", old.label()),
                    )),
                    (Some(_), Some(_)) => {
                        out.extend(update_findings(old, new, ctx.install == InstallMethod::Mdm));
                    }
                    _ => {}
                }
                payload_plan(old, new)
            }
            None => new
                .payloads
                .iter()
                .enumerate()
                .map(|(i, p)| PayloadPlan {
                    change: PayloadChange::Added,
                    payload_type: p.payload_type.clone(),
                    identifier: p.identifier.clone(),
                    new_index: Some(i),
                    old_uuid: None,
                    new_uuid: Some(p.uuid.clone()).filter(|u| !u.is_empty()),
                    content_changed: None,
                })
                .collect(),
        };

        if let Some((index, _)) = new.mdm()
            && let Some(other) = self
                .mdm
                .other_than(replaced_index)
                .and_then(|i| self.profile(i))
        {
            out.push(
                rules::CHK002
                    .at(
                        Location::payload(index, ""),
                        format!(
                            "The new MDM payload does not match the old payload: {} already holds the device's MDM payload",
                            other.label()
                        ),
                    )
                    .with_remediation(format!(
                        "Remove the existing management profile {} (Settings > General > VPN & Device Management > Remove Management), then install this one",
                        other.label()
                    )),
            );
        }

        if !new.uuid.is_empty()
            && let Some(other) = self.owner(&self.by_uuid, &new.uuid, replaced_index)
        {
            out.push(rules::CHK004.at(
                Location::top("PayloadUUID"),
                format!(
                    "PayloadUUID {:?} is already used by {}",
                    new.uuid,
                    other.label()
                ),
            ));
        }
        for (i, p) in new.payloads.iter().enumerate() {
            let single = schema::payload_schemas(&p.payload_type)
                .first()
                .is_some_and(|s| s.support(ctx.platform).multiple == Some(false));
            if single
                && p.payload_type != "com.apple.mdm"
                && let Some(other) = self.owner(&self.by_type, &p.payload_type, replaced_index)
            {
                out.push(rules::CHK003.at(
                    Location::payload(i, "PayloadType"),
                    format!(
                        "{} allows one payload per device and {} already has one",
                        p.payload_type,
                        other.label()
                    ),
                ));
            }
            if !p.uuid.is_empty()
                && let Some(other) = self.owner(&self.by_uuid, &p.uuid, replaced_index)
            {
                out.push(rules::CHK004.at(
                    Location::payload(i, "PayloadUUID"),
                    format!(
                        "PayloadUUID {:?} is already used by {}",
                        p.uuid,
                        other.label()
                    ),
                ));
            }
            for (j, url) in p.sso_urls.iter().enumerate() {
                if let Some(other) = self.owner(&self.sso_urls, url, replaced_index) {
                    out.push(rules::CHK005.at(
                        Location::payload(i, format!("URLs[{j}]")),
                        format!("SSO URL {url:?} is already claimed by {}", other.label()),
                    ));
                }
            }
            for (j, host) in p.sso_hosts.iter().enumerate() {
                if let Some(other) = self.owner(&self.sso_hosts, host, replaced_index) {
                    out.push(rules::CHK005.at(
                        Location::payload(i, format!("Hosts[{j}]")),
                        format!("SSO host {host:?} is already claimed by {}", other.label()),
                    ));
                }
            }
        }

        let outcome = if has_errors(&out) {
            InstallOutcome::Rejected
        } else if let Some(old) = replaced {
            InstallOutcome::Replace {
                identifier: old.identifier.clone(),
            }
        } else {
            InstallOutcome::Install
        };
        InstallReport {
            outcome,
            plan,
            diagnostics: out,
        }
    }

    fn owner(
        &self,
        index: &KeyIndex,
        key: &str,
        replaced: Option<usize>,
    ) -> Option<&ProfileSummary> {
        index
            .get(&self.profiles, &self.hasher, key)
            .and_then(|o| o.other_than(replaced))
            .and_then(|i| self.profile(i))
    }
}
