//! Arguments refused before any work was done: unknown words, bad versions, out-of-range times.

crate::declare_codes! {
    area: Argument;
    INVALID_ARGUMENT = "ARG001", Error,
        "An argument was refused: an unknown word, malformed JSON or an out-of-range value.",
        "",
        "Fix the argument named in the message.";
    UNKNOWN_PLATFORM = "ARG002", Error,
        "The platform is not one of ios, macos, tvos, visionos or watchos.",
        "",
        "Use ios (also for iPadOS), macos, tvos, visionos or watchos.";
    UNKNOWN_ENROLLMENT = "ARG003", Error,
        "The enrollment type is not one of device, user or ade.",
        "",
        "Use device, user or ade.";
    INVALID_OS_VERSION = "ARG004", Error,
        "An OS version is not dotted numbers such as 17.4 or 17.4.1.",
        "",
        "Pass the OS version as major[.minor[.patch]].";
}
