//! Reading, building and writing configuration profiles, and profile-level encryption.

crate::declare_codes! {
    area: Profile;
    INPUT_TOO_LARGE = "PRF001", Error,
        "The input is larger than the reader's size limit.",
        "Real profiles are far below the limit; a huge input is refused before parsing.",
        "Check that this is really a configuration profile, or raise the limit in ReadOptions.";
    TOO_DEEP = "PRF002", Error,
        "Collections nest deeper than the reader's depth limit.",
        "The limit bounds stack and memory for hostile input.",
        "Flatten the structure, or raise Limits::max_depth if the nesting is legitimate.";
    TOO_BIG = "PRF003", Error,
        "The property list expands beyond the limit of values or decoded bytes.",
        "Shared objects in binary plists and long strings can expand a small file into gigabytes; expansion is counted.",
        "Check that this is really a configuration profile, or raise the limit in ReadOptions.";
    TOO_MANY_PAYLOADS = "PRF004", Error,
        "The profile has more payloads than the limit.",
        "",
        "Check that this is really a configuration profile, or raise the limit in ReadOptions.";
    UNKNOWN_FORMAT = "PRF005", Error,
        "The input is neither an XML nor a binary property list nor a CMS-signed profile.",
        "",
        "Supply an XML or binary property list, or a CMS-signed .mobileconfig.";
    MALFORMED = "PRF006", Error,
        "The property list is malformed.",
        "",
        "Supply an XML or binary property list, or a CMS-signed .mobileconfig.";
    NOT_A_DICTIONARY = "PRF007", Error,
        "The top-level object is not a dictionary.",
        "A configuration profile is a dictionary at the top level.",
        "Make the root a dictionary with PayloadType Configuration.";
    NESTED_SIGNATURE = "PRF009", Error,
        "A signed profile contains another signed container.",
        "Only one level of signing is supported, as on devices.",
        "Sign the plain profile once.";
    MISSING_REQUIRED_KEY = "PRF010", Error,
        "A builder was asked to build a payload without one of its required keys.",
        "",
        "Set the key on the builder before calling build().";
    INVALID_VALUE = "PRF011", Error,
        "A value given to a builder is not acceptable.",
        "",
        "Fix the value named in the message.";
    WRITE_FAILED = "PRF012", Error,
        "The property list could not be written in the target format.",
        "",
        "Remove values the target format cannot represent.";
    SIGNED_WITHOUT_CMS = "PRF013", Error,
        "A CMS-signed profile was given to a build without the `cms` feature.",
        "Unwrapping a signature needs the CMS crate, which this build left out.",
        "Enable the `cms` feature of enrollkit-profile, or pass the unsigned profile.";
    NOTHING_TO_ENCRYPT = "PRF101", Error,
        "The profile has no PayloadContent to encrypt.",
        "",
        "Encrypt a profile that has payloads.";
    NOT_ENCRYPTED = "PRF102", Error,
        "The profile has no EncryptedPayloadContent to decrypt.",
        "",
        "Pass a profile with EncryptedPayloadContent.";
}
