//! Lint findings: structure, schema, OS availability, User Enrollment, install context, MDM, identity and Extensible SSO rules.

crate::declare_codes! {
    area: Lint;
    // Structure
    STR001 = "STR001", Error,
        "The profile root is not a dictionary.",
        "A configuration profile is a dictionary; anything else cannot be installed.",
        "Make the root a dictionary with PayloadType Configuration.";
    STR002 = "STR002", Error,
        "Top-level PayloadType is missing or not `Configuration`.",
        "`Configuration` is the only allowed top-level type.",
        "Set the top-level PayloadType to Configuration.";
    STR003 = "STR003", Error,
        "PayloadVersion is missing or not the integer 1.",
        "The schema requires PayloadVersion 1 (an integer) at the top level and in every payload; devices and Apple Business Manager have refused profiles without it.",
        "Set PayloadVersion to <integer>1</integer>.";
    STR004 = "STR004", Error,
        "PayloadUUID is missing, empty or not a string.",
        "The device identifies profiles and payloads by PayloadUUID.",
        "Add a PayloadUUID string (a fresh UUID).";
    STR005 = "STR005", Warning,
        "PayloadUUID is not in 8-4-4-4-12 hexadecimal form.",
        "The schema only asks for global uniqueness, but tools and servers expect a UUID.",
        "Use a generated UUID (uuidgen, or a v5 UUID from the identifier).";
    STR006 = "STR006", Error,
        "A PayloadUUID is used twice in the profile.",
        "PayloadUUIDs must be globally unique; replacement matches payloads by UUID.",
        "Give every payload (and the profile itself) its own UUID.";
    STR007 = "STR007", Error,
        "PayloadIdentifier is missing, empty or not a string.",
        "The device decides between replacing and adding by PayloadIdentifier.",
        "Add a reverse-DNS PayloadIdentifier.";
    STR008 = "STR008", Error,
        "Two payloads have the same PayloadIdentifier.",
        "Payload identifiers must be unique within a profile; replacement matches payloads by identifier.",
        "Append a distinct suffix to each payload's identifier.";
    STR009 = "STR009", Warning,
        "A key starts with the reserved `Payload` prefix but is not a schema key.",
        "Keys starting with Payload are reserved; the device ignores unknown ones (PayloadEnabled is a common example).",
        "Remove the key or rename it without the Payload prefix.";
    STR010 = "STR010", Error,
        "A value has the wrong plist type (integer vs real vs boolean vs date vs string ...).",
        "Devices read values by type; a mistyped value is rejected or ignored, and Apple Business Manager rejects it.",
        "Write the value with the plist type the schema gives.";
    STR011 = "STR011", Warning,
        "An integer is given where the schema expects a real.",
        "Most readers accept any number, but the schema type is real.",
        "Write the value as <real>.";
    STR012 = "STR012", Error,
        "A payload's PayloadType is missing or not a string.",
        "Without a type the device cannot install the payload.",
        "Set PayloadType to the payload's domain (for example com.apple.mdm).";
    STR013 = "STR013", Error,
        "PayloadContent is missing, not an array, or holds a non-dictionary.",
        "The payloads of a profile are the dictionaries in its PayloadContent array.",
        "Put each payload dictionary in the top-level PayloadContent array.";
    STR014 = "STR014", Error,
        "IsEncrypted, EncryptedPayloadContent and PayloadContent disagree.",
        "An encrypted profile carries EncryptedPayloadContent (data) instead of PayloadContent, with IsEncrypted true.",
        "Set IsEncrypted true with EncryptedPayloadContent and no PayloadContent, or drop both encryption keys.";
    STR015 = "STR015", Info,
        "The profile is encrypted; its payloads were not linted.",
        "Only the device holding the recipient key can read the payloads.",
        "Lint the profile before encrypting it.";
    STR016 = "STR016", Info,
        "More findings than the per-profile limit; the rest are counted, not listed.",
        "A profile with thousands of findings is usually generated wrong in one place; listing every finding would only use memory.",
        "Fix the findings listed, then lint again.";
    // Schema
    SCH001 = "SCH001", Warning,
        "The PayloadType is not in Apple's schema.",
        "macOS treats an unknown type as a custom preference domain; other platforms may reject it.",
        "Check the spelling of PayloadType, or use com.apple.ManagedClient.preferences for custom settings.";
    SCH002 = "SCH002", Error,
        "A required key is missing.",
        "The device rejects a payload without its required keys.",
        "Add the key.";
    SCH003 = "SCH003", Warning,
        "A key is not in the schema for this payload type.",
        "The device ignores unknown keys (often a misspelling or wrong capitalisation).",
        "Check the key name against Apple's documentation, or remove it.";
    SCH004 = "SCH004", Error,
        "A value is not one of the allowed values.",
        "The schema lists the only values the device understands.",
        "Use one of the allowed values.";
    SCH005 = "SCH005", Error,
        "A number is outside the allowed range.",
        "The schema bounds the value.",
        "Use a value inside the range.";
    SCH006 = "SCH006", Error,
        "A string does not match the key's format.",
        "The schema gives a pattern the value must match.",
        "Write the value in the required format.";
    SCH007 = "SCH007", Error,
        "An array has the wrong number of elements.",
        "The schema fixes the element count (for example subject pairs of exactly two strings).",
        "Give the array the required number of elements.";
    // OS availability
    OS001 = "OS001", Error,
        "The payload type is not available on the target platform.",
        "The platform does not support the payload type.",
        "Remove the payload from profiles for this platform.";
    OS002 = "OS002", Warning,
        "A key is not available on the target platform.",
        "The platform ignores the key.",
        "Remove the key, or keep it only for the platforms that support it.";
    OS003 = "OS003", Error,
        "The payload type needs a newer OS than the target version.",
        "Older OS versions do not know the payload type.",
        "Raise the minimum OS version or remove the payload.";
    OS004 = "OS004", Warning,
        "A key needs a newer OS than the target version.",
        "Older OS versions ignore the key.",
        "Raise the minimum OS version, or do not rely on the key there.";
    OS005 = "OS005", Error,
        "The payload type was removed in the target OS version.",
        "The OS no longer installs the payload type.",
        "Remove the payload, or use its replacement.";
    OS006 = "OS006", Warning,
        "A key was removed in the target OS version.",
        "The OS ignores the key.",
        "Remove the key, or use its replacement.";
    OS007 = "OS007", Warning,
        "A payload type or key is deprecated in the target OS version.",
        "It still works but may be removed in a later release.",
        "Move to the replacement Apple documents.";
    // User Enrollment
    UE001 = "UE001", Error,
        "A payload type forbidden under User Enrollment, on iOS, visionOS, tvOS or watchOS.",
        "These platforms reject the whole profile when any payload is forbidden under User Enrollment.",
        "Remove the payload from profiles sent to User Enrollment devices.";
    UE002 = "UE002", Warning,
        "A payload type forbidden under User Enrollment, on macOS.",
        "macOS silently drops the payload and installs the rest.",
        "Remove the payload from profiles sent to User Enrollment Macs.";
    UE003 = "UE003", Warning,
        "A key forbidden under User Enrollment.",
        "The setting does not apply on a User Enrollment device.",
        "Remove the key for User Enrollment targets.";
    UE004 = "UE004", Info,
        "A key ignored under User Enrollment.",
        "The device accepts the key but does not apply it.",
        "Nothing to do, unless you rely on the setting.";
    UE005 = "UE005", Warning,
        "A payload or key that only applies under User Enrollment, in another enrollment type.",
        "The schema marks it `required` for User Enrollment: it is meaningful only there (for example ManagedAppleID).",
        "Remove it, or lint with --enrollment user if the profile is for User Enrollment.";
    // Install context
    INS001 = "INS001", Error,
        "A payload that only MDM may install, in a manual (Safari/Settings) install.",
        "The device refuses to install the payload interactively (allowmanualinstall false).",
        "Deliver the payload through MDM InstallProfile instead.";
    INS002 = "INS002", Error,
        "A supervised-only payload, for an unsupervised device.",
        "Unsupervised devices refuse the payload.",
        "Supervise the device (ADE or Apple Configurator) or remove the payload.";
    INS003 = "INS003", Warning,
        "A supervised-only key, for an unsupervised device.",
        "The setting has no effect on an unsupervised device.",
        "Supervise the device or drop the key.";
    INS004 = "INS004", Error,
        "More than one payload of a type that allows only one (multiple: false).",
        "Only one payload of the type can be installed; the profile fails to install.",
        "Merge the payloads into one.";
    INS005 = "INS005", Warning,
        "A key that only MDM may set, in a manual install.",
        "The key is not applied when the profile is installed by hand.",
        "Deliver the profile through MDM, or drop the key.";
    // MDM payload
    MDM001 = "MDM001", Error,
        "IdentityCertificateUUID does not name a SCEP, ACME or PKCS#12 payload in the same profile.",
        "The device needs the identity to authenticate to the MDM server; enrollment fails without it.",
        "Set IdentityCertificateUUID to the PayloadUUID of the identity payload in this profile.";
    MDM002 = "MDM002", Error,
        "Topic does not start with `com.apple.mgmt.`.",
        "The topic must be the APNs push certificate's topic, which always has this prefix.",
        "Copy the topic (UID) from the subject of your MDM push certificate.";
    MDM003 = "MDM003", Error,
        "ServerURL or CheckInURL is not an https URL.",
        "The device only talks to the MDM server over TLS.",
        "Serve the MDM endpoints over TLS and use https:// URLs.";
    MDM004 = "MDM004", Error,
        "A pinning UUID does not name a certificate payload in the same profile.",
        "The device cannot evaluate pinned trust, so connections to the server fail.",
        "List the PayloadUUIDs of root/intermediate certificate payloads in this profile.";
    MDM005 = "MDM005", Error,
        "AccessRights is 0, above 8191, has bit 2 without bit 1, or bit 128 without bit 64.",
        "The schema forbids these combinations; the device rejects the MDM payload.",
        "Use a valid combination (8191 grants everything) or omit the key.";
    MDM006 = "MDM006", Error,
        "EnrollmentMode BYOD or ADDE without AssignedManagedAppleID, or BYOD with AccessRights.",
        "Account-driven enrollment cancels when these keys do not match the mode.",
        "For BYOD set AssignedManagedAppleID and drop AccessRights; for ADDE set AssignedManagedAppleID.";
    MDM007 = "MDM007", Error,
        "ManagedAppleID outside iOS 13.1-17.x or macOS 10.15-14.x.",
        "Profile-driven User Enrollment exists only on those versions; iOS 18 and macOS 15 removed it.",
        "Use account-driven User Enrollment (EnrollmentMode BYOD with AssignedManagedAppleID).";
    MDM008 = "MDM008", Warning,
        "A macOS MDM payload without `com.apple.mdm.per-user-connections` in ServerCapabilities.",
        "macOS needs it for the user channel, and it cannot be added by a later update.",
        "Add com.apple.mdm.per-user-connections to ServerCapabilities.";
    MDM009 = "MDM009", Warning,
        "ManagedAppleID together with EnrollmentMode.",
        "They belong to different flows (profile-driven vs account-driven enrollment).",
        "Keep only the key of the flow you use.";
    // Identity payloads
    IDP001 = "IDP001", Warning,
        "SCEP key size is 1024 bits (explicitly or by default).",
        "1024-bit RSA is weak, and it is the schema default when Keysize is absent.",
        "Set Keysize to 2048 or 4096.";
    IDP002 = "IDP002", Warning,
        "SCEP `KeyType`/`KeyUsage` written without the space.",
        "The schema spells them `Key Type` and `Key Usage`; the unspaced forms are probably ignored.",
        "Rename the key to `Key Type` / `Key Usage`.";
    IDP003 = "IDP003", Error,
        "ACME RSA key: KeySize not a multiple of 8 in 1024-4096, or HardwareBound true.",
        "The device refuses to generate such a key.",
        "Use an RSA KeySize such as 2048 with HardwareBound false, or an EC key.";
    IDP004 = "IDP004", Error,
        "ACME EC key: KeySize not 192/256/384/521, or hardware-bound with a size other than 256/384.",
        "Only those curves exist, and the Secure Enclave supports only P-256 and P-384.",
        "Use KeySize 256 or 384.";
    IDP005 = "IDP005", Error,
        "ACME Attest is true without HardwareBound true.",
        "Attestation is only possible for hardware-bound keys.",
        "Set HardwareBound true, or Attest false.";
    IDP006 = "IDP006", Error,
        "ACME HardwareBound or Attest true for macOS before 14.",
        "Older macOS requires the keys but only accepts false.",
        "Set HardwareBound and Attest false for macOS 13, or require macOS 14.";
    IDP007 = "IDP007", Warning,
        "A PKCS#12 password in an unencrypted profile.",
        "The profile is only obfuscated: anyone with the file can extract the identity.",
        "Encrypt the profile, deliver it only through MDM, or use SCEP/ACME instead.";
    // Extensible SSO
    SSO001 = "SSO001", Error,
        "A Redirect extension without URLs.",
        "Redirect extensions need at least one URL prefix.",
        "Add the identity provider URL prefixes to URLs.";
    SSO002 = "SSO002", Error,
        "An SSO URL is not an http(s) prefix, or has a query or fragment.",
        "The device matches URL prefixes by scheme, host and path only.",
        "Use http:// or https:// prefixes without ? or #.";
    SSO003 = "SSO003", Error,
        "A Credential extension without Hosts.",
        "Credential extensions need at least one host or domain suffix.",
        "Add the hosts (a leading dot matches subdomains).";
    SSO004 = "SSO004", Error,
        "An Extensible SSO payload for macOS without TeamIdentifier.",
        "macOS requires the extension's team identifier.",
        "Set TeamIdentifier to the extension's Team ID.";
    SSO005 = "SSO005", Error,
        "An SSO URL or host appears in two SSO payloads of the profile.",
        "URLs and hosts must be unique across all installed Extensible SSO payloads.",
        "Let only one extension claim each URL or host.";
}
