//! Merging a downloaded answer file (for example an MDM vendor's enrollment file) with
//! generated settings.
//!
//! Rules: the overlay's PackageConfig wins (the package is ours). Within `Common`, list items
//! are matched by key (local users by user name, enrollments by UPN, PrimaryContext commands by
//! name, Wi-Fi networks by SSID, raw settings by element name; keys compare ignoring ASCII
//! case): an overlay item replaces the base item in place, new overlay items follow the base
//! items. Single values (ComputerAccount, HideOobe, DeviceContext) come from the overlay when
//! it sets them. `Targets`/`Variant` and other raw root content are concatenated.

use crate::model::{
    Accounts, AnswerFile, ConnectivityProfiles, Oobe, ProvisioningCommands, SettingsGroup,
    Workplace,
};
use crate::xml::Element;

/// Merges `overlay` (generated) onto `base` (downloaded). See the module docs for the rules.
pub fn merge(base: &AnswerFile, overlay: &AnswerFile) -> AnswerFile {
    let mut multivariant = base.multivariant.clone();
    multivariant.extend(overlay.multivariant.iter().cloned());
    let mut root_extra = base.root_extra.clone();
    root_extra.extend(overlay.root_extra.iter().cloned());
    AnswerFile {
        package_config: overlay.package_config.clone(),
        settings_namespace: overlay.settings_namespace.clone(),
        common: merge_group(&base.common, &overlay.common),
        multivariant,
        root_extra,
    }
}

fn merge_keyed<T: Clone>(base: &[T], overlay: &[T], key: impl Fn(&T) -> String) -> Vec<T> {
    let mut out: Vec<T> = base
        .iter()
        .map(|b| {
            overlay
                .iter()
                .find(|o| key(o).eq_ignore_ascii_case(&key(b)))
                .unwrap_or(b)
                .clone()
        })
        .collect();
    for o in overlay {
        if !base.iter().any(|b| key(b).eq_ignore_ascii_case(&key(o))) {
            out.push(o.clone());
        }
    }
    out
}

fn merge_raw(base: &[Element], overlay: &[Element]) -> Vec<Element> {
    merge_keyed(base, overlay, |e| e.local_name().to_owned())
}

fn both<T: Clone>(base: &Option<T>, overlay: &Option<T>, f: impl Fn(&T, &T) -> T) -> Option<T> {
    match (base, overlay) {
        (Some(b), Some(o)) => Some(f(b, o)),
        (b, o) => o.clone().or_else(|| b.clone()),
    }
}

fn merge_group(base: &SettingsGroup, overlay: &SettingsGroup) -> SettingsGroup {
    SettingsGroup {
        accounts: both(&base.accounts, &overlay.accounts, |b, o| Accounts {
            computer_account: o
                .computer_account
                .clone()
                .or_else(|| b.computer_account.clone()),
            users: merge_keyed(&b.users, &o.users, |u| u.user_name.clone()),
            extra: merge_raw(&b.extra, &o.extra),
        }),
        connectivity: both(&base.connectivity, &overlay.connectivity, |b, o| {
            ConnectivityProfiles {
                wlan: merge_keyed(&b.wlan, &o.wlan, |n| n.ssid.clone()),
                wlan_extra: merge_raw(&b.wlan_extra, &o.wlan_extra),
                extra: merge_raw(&b.extra, &o.extra),
            }
        }),
        oobe: both(&base.oobe, &overlay.oobe, |b, o| Oobe {
            hide_oobe: o.hide_oobe.or(b.hide_oobe),
            desktop_extra: merge_raw(&b.desktop_extra, &o.desktop_extra),
            extra: merge_raw(&b.extra, &o.extra),
        }),
        provisioning_commands: both(
            &base.provisioning_commands,
            &overlay.provisioning_commands,
            |b, o| ProvisioningCommands {
                device_context: o
                    .device_context
                    .clone()
                    .or_else(|| b.device_context.clone()),
                primary_context: merge_keyed(&b.primary_context, &o.primary_context, |c| {
                    c.name.clone()
                }),
                extra: merge_raw(&b.extra, &o.extra),
            },
        ),
        workplace: both(&base.workplace, &overlay.workplace, |b, o| Workplace {
            enrollments: merge_keyed(&b.enrollments, &o.enrollments, |e| e.upn.clone()),
            extra: merge_raw(&b.extra, &o.extra),
        }),
        other: merge_raw(&base.other, &overlay.other),
    }
}
