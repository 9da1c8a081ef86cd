//! Merging a downloaded answer file (for example an MDM vendor's enrollment file) with
//! generated settings.
//!
//! Rules: the overlay's PackageConfig wins (the package is ours). Within `Common`, list items
//! are matched by key (local users by user name, enrollments by UPN, PrimaryContext commands by
//! name, Wi-Fi networks by SSID, raw settings by element name; keys compare ignoring ASCII
//! case): an overlay item replaces the base item in place, new overlay items follow the base
//! items. Single values (ComputerAccount, HideOobe, DeviceContext) come from the overlay when
//! it sets them. `Targets`/`Variant` and other raw root content are concatenated.
//!
//! Two settings an answer file holds once are never doubled silently: the MDM enrollment
//! (`Workplace/Enrollments`, one UPN) and the computer name (`Accounts/ComputerAccount/
//! ComputerName` or `DevDetail/DNSComputerName`). When each side sets one and the merge would
//! keep both, [`merge`] returns a [`MergeConflict`] naming both, unless a [`MergePrecedence`]
//! says which side keeps it.

use serde::Deserialize;

use crate::model::{
    Accounts, AnswerFile, ConnectivityProfiles, Oobe, ProvisioningCommands, SettingsGroup,
    Workplace,
};
use crate::validate::{has_computer_name, has_dns_computer_name};
use crate::xml::{Element, Node};

/// Which side keeps a once-only setting (MDM enrollment, computer name) that both set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MergePrecedence {
    /// Refuse the merge with a [`MergeConflict`].
    #[default]
    Refuse,
    /// The overlay (generated, ours) keeps it; the base's is dropped.
    Ours,
    /// The base (downloaded, theirs) keeps it; the overlay's is dropped.
    Theirs,
}

/// A once-only setting both sides set differently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "both answer files set the {setting}: theirs (the downloaded file) has {theirs}, ours has \
     {ours}; an answer file holds one"
)]
pub struct MergeConflict {
    /// `MDM enrollment` or `computer name`.
    pub setting: &'static str,
    /// What the overlay (generated) sets.
    pub ours: String,
    /// What the base (downloaded) sets.
    pub theirs: String,
}

impl MergeConflict {
    fn new(setting: &'static str, ours: &[String], theirs: &[String]) -> Self {
        MergeConflict {
            setting,
            ours: ours.join(", "),
            theirs: theirs.join(", "),
        }
    }
}

/// Merges `overlay` (generated) onto `base` (downloaded). See the module docs for the rules.
///
/// ```
/// use enrollkit_ppkg::{merge, AnswerFile, MergePrecedence};
/// let ours = AnswerFile::parse(br#"<WindowsCustomizations><PackageConfig xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0"><ID>{6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e}</ID><Name>ours</Name><Version>1.0</Version><OwnerType>ITAdmin</OwnerType></PackageConfig><Settings xmlns="urn:schemas-microsoft-com:windows-provisioning"><Customizations><Common><Accounts><ComputerAccount><ComputerName>CTS-%RAND:6%</ComputerName></ComputerAccount></Accounts></Common></Customizations></Settings></WindowsCustomizations>"#).unwrap();
/// let theirs = AnswerFile::parse(br#"<WindowsCustomizations><PackageConfig xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0"><ID>{2f3c1a7e-9b8d-4c6e-8a1f-5d4e3c2b1a09}</ID><Name>theirs</Name><Version>1.0</Version><OwnerType>ITAdmin</OwnerType></PackageConfig><Settings xmlns="urn:schemas-microsoft-com:windows-provisioning"><Customizations><Common><DevDetail><DNSComputerName>VND-%SERIAL%</DNSComputerName></DevDetail></Common></Customizations></Settings></WindowsCustomizations>"#).unwrap();
/// let conflict = merge(&theirs, &ours, MergePrecedence::Refuse).unwrap_err();
/// assert_eq!(conflict.setting, "computer name");
/// let merged = merge(&theirs, &ours, MergePrecedence::Ours).unwrap();
/// assert!(merged.common.other.is_empty(), "their DNSComputerName is dropped");
/// ```
pub fn merge(
    base: &AnswerFile,
    overlay: &AnswerFile,
    precedence: MergePrecedence,
) -> Result<AnswerFile, MergeConflict> {
    let mut multivariant = base.multivariant.clone();
    multivariant.extend(overlay.multivariant.iter().cloned());
    let mut root_extra = base.root_extra.clone();
    root_extra.extend(overlay.root_extra.iter().cloned());
    let (base_common, overlay_common) =
        settle_once_only(&base.common, &overlay.common, precedence)?;
    Ok(AnswerFile {
        package_config: overlay.package_config.clone(),
        settings_namespace: overlay.settings_namespace.clone(),
        common: merge_group(&base_common, &overlay_common),
        multivariant,
        root_extra,
    })
}

fn enrollment_upns(group: &SettingsGroup) -> Vec<String> {
    group
        .workplace
        .iter()
        .flat_map(|w| &w.enrollments)
        .map(|e| e.upn.clone())
        .collect()
}

fn computer_names(group: &SettingsGroup) -> Vec<String> {
    let mut names: Vec<String> = group
        .accounts
        .iter()
        .filter_map(|a| a.computer_account.as_ref()?.computer_name.clone())
        .map(|n| format!("ComputerName {n}"))
        .collect();
    for dev in group.other.iter().filter(|e| e.local_name() == "DevDetail") {
        if let Some(dns) = dev.child("DNSComputerName") {
            names.push(format!("DNSComputerName {}", dns.text()));
        }
    }
    names
}

/// Applies `precedence` to the once-only settings both sides set; returns the two groups to
/// merge, or the conflict.
fn settle_once_only(
    base: &SettingsGroup,
    overlay: &SettingsGroup,
    precedence: MergePrecedence,
) -> Result<(SettingsGroup, SettingsGroup), MergeConflict> {
    let mut base = base.clone();
    let mut overlay = overlay.clone();
    let (theirs, ours) = (enrollment_upns(&base), enrollment_upns(&overlay));
    let same = theirs.len() == 1 && ours.len() == 1 && theirs[0].eq_ignore_ascii_case(&ours[0]);
    if !theirs.is_empty() && !ours.is_empty() && !same {
        let conflict = MergeConflict::new("MDM enrollment", &ours, &theirs);
        resolve(
            precedence,
            conflict,
            &mut base,
            &mut overlay,
            drop_enrollments,
        )?;
    }
    // Two ComputerNames merge into one (the overlay's); a ComputerName on one side and a
    // DNSComputerName on the other would both stay.
    let would_keep_both = (has_computer_name(&base) || has_computer_name(&overlay))
        && (has_dns_computer_name(&base) || has_dns_computer_name(&overlay));
    let (theirs, ours) = (computer_names(&base), computer_names(&overlay));
    if would_keep_both && !theirs.is_empty() && !ours.is_empty() {
        let conflict = MergeConflict::new("computer name", &ours, &theirs);
        resolve(
            precedence,
            conflict,
            &mut base,
            &mut overlay,
            drop_computer_names,
        )?;
    }
    Ok((base, overlay))
}

/// Refuses `conflict`, or drops the losing side's setting with `drop`.
fn resolve(
    precedence: MergePrecedence,
    conflict: MergeConflict,
    base: &mut SettingsGroup,
    overlay: &mut SettingsGroup,
    drop: fn(&mut SettingsGroup),
) -> Result<(), MergeConflict> {
    match precedence {
        MergePrecedence::Refuse => return Err(conflict),
        MergePrecedence::Ours => drop(base),
        MergePrecedence::Theirs => drop(overlay),
    }
    Ok(())
}

fn drop_enrollments(group: &mut SettingsGroup) {
    if let Some(workplace) = &mut group.workplace {
        workplace.enrollments.clear();
    }
}

fn drop_computer_names(group: &mut SettingsGroup) {
    if let Some(account) = group
        .accounts
        .as_mut()
        .and_then(|a| a.computer_account.as_mut())
    {
        account.computer_name = None;
    }
    for dev in group
        .other
        .iter_mut()
        .filter(|e| e.local_name() == "DevDetail")
    {
        dev.children
            .retain(|n| !matches!(n, Node::Element(e) if e.local_name() == "DNSComputerName"));
    }
    // A DevDetail left with nothing but layout is dropped with its name.
    group.other.retain(|e| {
        e.local_name() != "DevDetail"
            || e.children.iter().any(|n| match n {
                Node::Text(t) => !t.trim().is_empty(),
                _ => true,
            })
    });
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
