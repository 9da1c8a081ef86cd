//! The index over the installed profiles: hash tables of positions, not copies of keys.

use super::*;

/// A profile, payload or list position inside the index, kept to 32 bits so index entries stay
/// small and the index of 100,000 payloads stays cache-friendly. (Reaching 2^32 installed
/// profiles would take hundreds of gigabytes of summaries first.)
pub(super) fn slot(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Up to two distinct owning profiles: enough to find "another profile than the replaced one".
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Owners([Option<u32>; 2]);

impl Owners {
    pub(super) fn add(&mut self, profile: usize) {
        let profile = slot(profile);
        match self.0 {
            [Some(a), _] if a == profile => {}
            [Some(_), Some(b)] if b == profile => {}
            [None, _] => self.0[0] = Some(profile),
            [Some(_), None] => self.0[1] = Some(profile),
            _ => {}
        }
    }

    pub(super) fn first(self) -> Option<usize> {
        self.0[0].map(|p| p as usize)
    }

    pub(super) fn other_than(&self, replaced: Option<usize>) -> Option<usize> {
        self.0
            .iter()
            .flatten()
            .map(|p| *p as usize)
            .find(|p| Some(*p) != replaced)
    }
}

/// Which string of the installed profiles a [`KeyIndex`] holds.
#[derive(Debug, Clone, Copy, Default)]
pub(super) enum KeyKind {
    /// `profiles[p].identifier`.
    #[default]
    Identifier,
    /// `profiles[p].uuid` (`payload` is `u32::MAX`) or `profiles[p].payloads[i].uuid`.
    Uuid,
    /// `profiles[p].payloads[i].payload_type`.
    PayloadType,
    /// `profiles[p].payloads[i].sso_urls[j]`.
    SsoUrl,
    /// `profiles[p].payloads[i].sso_hosts[j]`.
    SsoHost,
}

/// Where an indexed string lives inside the installed profiles: the index stores these
/// positions instead of copies of the strings, so building it allocates nothing per payload.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyRef {
    profile: u32,
    payload: u32,
    item: u32,
}

impl KeyRef {
    const PROFILE: u32 = u32::MAX;

    pub(super) fn new(profile: usize, payload: usize, item: usize) -> Self {
        KeyRef {
            profile: slot(profile),
            payload: slot(payload),
            item: slot(item),
        }
    }

    pub(super) fn profile(profile: usize) -> Self {
        KeyRef {
            profile: slot(profile),
            payload: Self::PROFILE,
            item: 0,
        }
    }

    pub(super) fn resolve(self, kind: KeyKind, profiles: &[ProfileSummary]) -> &str {
        let profile = profiles.get(self.profile as usize);
        let payload = || profile.and_then(|p| p.payloads.get(self.payload as usize));
        let found = match kind {
            KeyKind::Identifier => profile.map(|p| &p.identifier),
            KeyKind::Uuid if self.payload == Self::PROFILE => profile.map(|p| &p.uuid),
            KeyKind::Uuid => payload().map(|x| &x.uuid),
            KeyKind::PayloadType => payload().map(|x| &x.payload_type),
            KeyKind::SsoUrl => payload().and_then(|x| x.sso_urls.get(self.item as usize)),
            KeyKind::SsoHost => payload().and_then(|x| x.sso_hosts.get(self.item as usize)),
        };
        found.map_or("", String::as_str)
    }
}

/// A string-keyed index of owning profiles whose keys point into the installed profiles.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyIndex {
    kind: KeyKind,
    table: HashTable<(KeyRef, Owners)>,
}

impl KeyIndex {
    pub(super) fn with_capacity(kind: KeyKind, capacity: usize) -> Self {
        KeyIndex {
            kind,
            table: HashTable::with_capacity(capacity),
        }
    }

    /// Records `profile` as an owner of the string at `key`.
    pub(super) fn add(
        &mut self,
        profiles: &[ProfileSummary],
        hasher: &RandomState,
        key: KeyRef,
        profile: usize,
    ) {
        let kind = self.kind;
        let name = key.resolve(kind, profiles);
        let entry = self.table.entry(
            hasher.hash_one(name),
            |(k, _)| k.resolve(kind, profiles) == name,
            |(k, _)| hasher.hash_one(k.resolve(kind, profiles)),
        );
        match entry {
            Entry::Occupied(mut found) => found.get_mut().1.add(profile),
            Entry::Vacant(slot) => {
                let mut owners = Owners::default();
                owners.add(profile);
                slot.insert((key, owners));
            }
        }
    }

    pub(super) fn get(
        &self,
        profiles: &[ProfileSummary],
        hasher: &RandomState,
        name: &str,
    ) -> Option<Owners> {
        self.table
            .find(hasher.hash_one(name), |(k, _)| {
                k.resolve(self.kind, profiles) == name
            })
            .map(|(_, owners)| *owners)
    }
}
