//! The install check: what a device does with a profile next to the installed ones, and enrollment-profile updates.

crate::declare_codes! {
    area: Install;
    CHK001 = "CHK001", Info,
        "The new profile replaces an installed profile with the same PayloadIdentifier.",
        "Payloads with the same identifier and UUID are updated in place; the rest are removed or added.",
        "Check the per-payload plan.";
    CHK002 = "CHK002", Error,
        "The new profile has an MDM payload while another profile already has one.",
        "Only one enrollment profile can be installed; the device shows \"The new MDM payload does not match the old payload\".",
        "Remove the existing management profile first, then install the new one.";
    CHK003 = "CHK003", Error,
        "A payload type that allows only one copy is already installed by another profile.",
        "The device refuses a second payload of a singleton type.",
        "Remove the other profile's payload, or merge the settings into one profile.";
    CHK004 = "CHK004", Warning,
        "A PayloadUUID is already used by another installed profile.",
        "UUIDs must be globally unique; the device's behaviour on reuse is undocumented.",
        "Generate fresh UUIDs for the new profile.";
    CHK005 = "CHK005", Error,
        "An SSO URL or host is already claimed by another installed profile.",
        "URLs and hosts must be unique across all installed Extensible SSO payloads.",
        "Remove the claim from one of the profiles.";
    CHK006 = "CHK006", Error,
        "An enrollment-profile update changes an immutable MDM key.",
        "Topic, ServerURL, CheckInURL, AssignedManagedAppleID, EnrollmentMode, RequiredAppIDForMDM and per-user-connections cannot change; the update is rejected.",
        "Keep the installed values, or unenroll and enroll again.";
    CHK007 = "CHK007", Error,
        "An enrollment-profile update adds AccessRights bits.",
        "Adding any access right is an error; the update is rejected.",
        "Keep the installed rights (removing bits is allowed), or re-enroll.";
    CHK008 = "CHK008", Warning,
        "An enrollment-profile update changes the top-level PayloadIdentifier.",
        "The device adds it as a second profile instead of replacing, which clashes with the installed MDM payload.",
        "Keep the installed profile's PayloadIdentifier.";
    CHK009 = "CHK009", Warning,
        "An enrollment-profile update is signed by a different identity.",
        "An interactive replacement of a signed profile must be signed by the same identity.",
        "Sign with the identity that signed the installed profile, or install through MDM.";
    CHK010 = "CHK010", Error,
        "A manual install replaces a signed profile with one signed by another identity (or unsigned).",
        "The device rejects interactive replacements not signed by the exact same identity.",
        "Sign with the installed profile's identity, or install through MDM.";
    CHK011 = "CHK011", Warning,
        "The replacement drops the installed MDM payload.",
        "Removing the MDM payload unenrolls the device and removes every managed profile.",
        "Keep the MDM payload in the replacement unless unenrolment is intended.";
    CHK012 = "CHK012", Error,
        "The new profile's signature is broken: its content or signature was changed after signing.",
        "The device verifies a signed profile before installing it and refuses one whose signature does not verify; a replacement that only carries the installed profile's signer certificate is not signed by it.",
        "Sign the profile again with the intended identity (enrollkit sign), or deliver it unsigned through MDM.";
    NO_IDENTIFIER = "CHK101", Error,
        "A profile (or ProfileList entry) has no PayloadIdentifier string.",
        "The device matches installed profiles by PayloadIdentifier; without it nothing can be compared.",
        "Pass configuration profiles, or a ProfileList answer whose entries carry PayloadIdentifier.";
    NOT_A_PROFILE_LIST = "CHK102", Error,
        "An installed-profiles input is neither a profile, a ProfileList answer nor an array of entries.",
        "",
        "Pass profiles (.mobileconfig) or the plist of a ProfileList command answer.";
    TOO_MANY_INSTALLED = "CHK103", Error,
        "The installed profiles given to one install check exceed the limit of profiles and payloads.",
        "Each input is bounded; the limit bounds their sum, so many large ProfileList answers cannot exhaust memory.",
        "Pass the device's own ProfileList answer, not many copies of it.";
}
