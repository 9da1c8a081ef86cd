//! Enrollment-profile updates: which MDM keys may change, and the per-payload plan.

use super::*;

/// Compares an installed enrollment profile with its intended update. Errors for changes the
/// device rejects (immutable MDM keys, added access rights); warnings for a changed top-level
/// PayloadIdentifier or signer.
pub fn check_enrollment_update(old: &ProfileSummary, new: &ProfileSummary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if old.identifier != new.identifier {
        out.push(rules::CHK008.at(
            Location::top("PayloadIdentifier"),
            format!(
                "PayloadIdentifier changes from {:?} to {:?}: the device adds a second profile instead of replacing",
                old.identifier, new.identifier
            ),
        ));
    }
    out.extend(update_findings(old, new, true));
    out
}

pub(super) fn update_findings(
    old: &ProfileSummary,
    new: &ProfileSummary,
    signer_warning: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if signer_warning && old.signer() != new.signer() {
        out.push(rules::CHK009.at(
            Location::top(""),
            "the update is signed by a different identity than the installed profile".to_owned(),
        ));
    }
    let (Some((_, a)), Some((index, b))) = (old.mdm(), new.mdm()) else {
        return out;
    };
    let fields: [(&str, Option<String>, Option<String>); 6] = [
        ("Topic", a.topic.clone(), b.topic.clone()),
        ("ServerURL", a.server_url.clone(), b.server_url.clone()),
        ("CheckInURL", a.check_in_url.clone(), b.check_in_url.clone()),
        (
            "AssignedManagedAppleID",
            a.assigned_managed_apple_id.clone(),
            b.assigned_managed_apple_id.clone(),
        ),
        (
            "EnrollmentMode",
            a.enrollment_mode.clone(),
            b.enrollment_mode.clone(),
        ),
        (
            "RequiredAppIDForMDM",
            a.required_app_id.map(|v| v.to_string()),
            b.required_app_id.map(|v| v.to_string()),
        ),
    ];
    for (key, before, after) in fields {
        if before != after {
            let show = |v: &Option<String>| {
                v.as_deref()
                    .map_or("absent".to_owned(), |s| format!("{s:?}"))
            };
            out.push(rules::CHK006.at(
                Location::payload(index, key),
                format!("{key} changes from {} to {}", show(&before), show(&after)),
            ));
        }
    }
    if a.per_user_connections != b.per_user_connections {
        let what = if b.per_user_connections {
            "added"
        } else {
            "removed"
        };
        out.push(rules::CHK006.at(
            Location::payload(index, "ServerCapabilities"),
            format!("com.apple.mdm.per-user-connections is {what}"),
        ));
    }
    // Compared only when both sides state AccessRights: the schema gives no default.
    if let (Some(before), Some(after)) = (a.access_rights, b.access_rights) {
        let gained = after & !before;
        if gained != 0 {
            out.push(rules::CHK007.at(
                Location::payload(index, "AccessRights"),
                format!("AccessRights gains bits {gained} ({before} -> {after})"),
            ));
        }
    }
    out
}

pub(super) fn payload_plan(old: &ProfileSummary, new: &ProfileSummary) -> Vec<PayloadPlan> {
    let mut old_by_id: HashMap<&str, &PayloadSummary> = HashMap::new();
    for p in &old.payloads {
        old_by_id.entry(p.identifier.as_str()).or_insert(p);
    }
    let mut plan = Vec::new();
    let mut matched: HashMap<&str, ()> = HashMap::new();
    for (i, p) in new.payloads.iter().enumerate() {
        let new_uuid = Some(p.uuid.clone()).filter(|u| !u.is_empty());
        let (change, old_uuid, content_changed) = match old_by_id.get(p.identifier.as_str()) {
            Some(o) if matched.insert(p.identifier.as_str(), ()).is_none() => {
                let change = if o.uuid == p.uuid {
                    PayloadChange::UpdatedInPlace
                } else {
                    PayloadChange::Changed
                };
                let content = match (o.fingerprint, p.fingerprint) {
                    (Some(a), Some(b)) if change == PayloadChange::UpdatedInPlace => Some(a != b),
                    _ => None,
                };
                (change, Some(o.uuid.clone()), content)
            }
            _ => (PayloadChange::Added, None, None),
        };
        plan.push(PayloadPlan {
            change,
            payload_type: p.payload_type.clone(),
            identifier: p.identifier.clone(),
            new_index: Some(i),
            old_uuid,
            new_uuid,
            content_changed,
        });
    }
    for o in &old.payloads {
        if !matched.contains_key(o.identifier.as_str()) {
            plan.push(PayloadPlan {
                change: PayloadChange::Removed,
                payload_type: o.payload_type.clone(),
                identifier: o.identifier.clone(),
                new_index: None,
                old_uuid: Some(o.uuid.clone()),
                new_uuid: None,
                content_changed: None,
            });
        }
    }
    plan
}
