//! The stable diagnostic codes of enrollkit-flow (the table is in the crate docs).

use enrollkit_diagnostic::{Diagnostic, Location, Severity};
use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal, $remediation:literal; )*) => {
        /// Every diagnostic code this crate emits. [`FlowCode::as_str`] gives the stable string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FlowCode {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl FlowCode {
            /// All codes, in table order.
            pub const ALL: &'static [FlowCode] = &[$(FlowCode::$variant,)*];

            /// The stable code string, e.g. `FLOW107`.
            pub fn as_str(self) -> &'static str {
                match self { $(FlowCode::$variant => $code,)* }
            }

            /// The severity diagnostics with this code carry.
            pub fn severity(self) -> Severity {
                match self { $(FlowCode::$variant => Severity::$severity,)* }
            }

            /// One-line summary of what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(FlowCode::$variant => $summary,)* }
            }

            /// What the user or admin should do.
            pub fn remediation(self) -> &'static str {
                match self { $(FlowCode::$variant => $remediation,)* }
            }
        }
    };
}

codes! {
    ClockWentBackwards = "FLOW001", Error,
        "An event or query is earlier than a time the flow already recorded.",
        "Pass the current time; fix the host clock if it jumped backwards.";
    UnexpectedEvent = "FLOW002", Error,
        "The event is not valid in the flow's current state; the state is unchanged.",
        "Send the events of the flow in order (see docs/flows.md).";
    InvalidConfiguration = "FLOW003", Error,
        "The portal settings or login-window policy are inconsistent.",
        "Fix the setting named in the message.";
    InvalidTimestamp = "FLOW004", Error,
        "A timestamp is not RFC 3339 or is outside 1970..=9999.",
        "Write times as RFC 3339, e.g. 2024-05-02T09:00:00Z.";
    InvalidOsVersion = "FLOW005", Error,
        "An OS version is not dotted numbers such as 17.4.1.",
        "Pass the OS version as major.minor[.patch].";
    AuthenticationRequired = "FLOW100", Error,
        "The portal requires IdP authentication before it serves a profile.",
        "Sign in at the enrollment portal with the organisation's identity provider first.";
    MfaRequired = "FLOW101", Error,
        "Multi-factor authentication is required but the IdP assertion does not show it was completed.",
        "Complete the MFA prompt at the identity provider and sign in again.";
    UserNotFound = "FLOW102", Error,
        "The user is not in the directory and just-in-time registration is off.",
        "Ask an admin to create the user, or turn on just-in-time registration in the portal settings.";
    DirectoryKeyMismatch = "FLOW103", Error,
        "The directory record passed in is not the one keyed by the assertion's issuer and subject.",
        "Look users up by issuer + subject, never by email alone.";
    OsTooOld = "FLOW104", Error,
        "The OS version is too old for User Enrollment (iOS/iPadOS 13.1, macOS 10.15).",
        "Update the device, or enroll it as a corporate device instead.";
    ProfileDrivenUnavailable = "FLOW105", Warning,
        "Profile-driven User Enrollment was removed in iOS 18 / macOS 15; account-driven enrollment is used.",
        "Configure the portal for account-driven enrollment; have the user sign in under Settings > General > VPN & Device Management.";
    AccountDrivenUnavailable = "FLOW106", Warning,
        "Account-driven enrollment needs iOS 15 / macOS 14 (device enrollment: iOS 17); the profile-driven fallback is used.",
        "Update the device to use account-driven enrollment.";
    ProfileExpired = "FLOW107", Error,
        "The profile was installed more than 8 minutes after it was downloaded; iOS had already deleted it.",
        "Sign in at the portal again, download a fresh profile and install it in Settings within 8 minutes.";
    PendingProfileReplaced = "FLOW108", Info,
        "A new download replaced the profile that was waiting for installation; only one profile can wait at a time.",
        "Install the newest download in Settings > General > VPN & Device Management.";
    PersonalAppleAccount = "FLOW109", Error,
        "A personal Apple Account was used; User Enrollment accepts only the Managed Apple Account.",
        "Sign in with the Managed Apple Account issued by Apple Business Manager or Apple School Manager.";
    ManagedAccountMismatch = "FLOW110", Error,
        "The Managed Apple Account signed in is not the AssignedManagedAppleID of the enrollment.",
        "Sign in with the assigned Managed Apple Account, or fix the user's Managed Apple Account in the directory.";
    PayloadMismatch = "FLOW111", Error,
        "The new MDM payload does not match the old payload: the device is already managed.",
        "Remove the existing management profile (Settings > General > VPN & Device Management), then start again.";
    ApnsBlocked = "FLOW112", Error,
        "A connection to the server could not be established: Apple Push Notification service is blocked.",
        "Use cellular data, or open the firewall to APNs (TCP 5223 and 443 to Apple).";
    DeviceClockWrong = "FLOW113", Error,
        "A connection to the server could not be established: the device clock is wrong, so TLS validation fails.",
        "Turn on Settings > General > Date & Time > Set Automatically, then start again.";
    ConnectionFailed = "FLOW114", Error,
        "A connection to the server could not be established, cause unknown.",
        "Set Date & Time automatically, and try cellular data in case the network blocks APNs.";
    BearerTokenRejected = "FLOW115", Error,
        "The enrollment-profile request carries no valid bearer access token.",
        "Answer 401 with WWW-Authenticate: Bearer method=\"apple-as-web\" and let the user authenticate again.";
    DeviceError = "FLOW116", Error,
        "The device reported an error this crate does not classify.",
        "Read the device's message; restart the enrollment after fixing it.";
    SelfServiceDisabled = "FLOW200", Error,
        "Self-service account provisioning is off for this OS (or the macOS new login window is off).",
        "Ask an admin to turn on self-service account provisioning for this OS.";
    ManagedUserPresent = "FLOW201", Error,
        "The device already has a managed user, so self-service provisioning is not offered.",
        "Sign in with the existing managed account, or ask an admin to bind you to the device.";
    SelfServiceAlreadyUsed = "FLOW202", Error,
        "Self-service provisioning is a one-time action and was already used on this device.",
        "Ask an admin to bind additional users to the device.";
    LoginMfaRequired = "FLOW203", Error,
        "The user has MFA enrolled but did not complete it during sign-in.",
        "Complete the MFA prompt and sign in again.";
    AccountAlreadyExists = "FLOW204", Error,
        "Account already exists: a local account with the derived name is on the device and is never taken over.",
        "Contact your admin: they can bind the existing account to you or remove it.";
    NoUsableAccountName = "FLOW205", Error,
        "No configured claim yields a valid local account name.",
        "Add a claim to the naming policy's claim order, or fix the user's username at the IdP.";
    PasswordMismatch = "FLOW206", Error,
        "The reconfirmed password does not match the password used at sign-in.",
        "Type the same password you used to sign in.";
    PinLength = "FLOW207", Error,
        "The PIN is shorter or longer than the policy allows.",
        "Choose a PIN within the policy's length limits (default at least 6 digits).";
    PinCharacters = "FLOW208", Error,
        "The PIN contains characters the policy does not allow.",
        "Use digits only.";
    PinPattern = "FLOW209", Error,
        "The PIN is a simple pattern: every digit is a constant step (mod 10) from the previous one, e.g. 123456, 975319 or 000000.",
        "Choose a PIN without a constant step between digits.";
    PasswordRequired = "FLOW210", Error,
        "Windows self-service provisioning needs the sign-in password to reconfirm it.",
        "Send the password entered in the web sign-in with the IdP result.";
    InvalidAccountName = "FLOW211", Error,
        "A local account name breaks the platform's naming rules.",
        "macOS: lowercase a-z, 0-9, '.', '_', '-', not starting with '.' or '-'; Windows: at most 20 characters, none of \" / \\ [ ] : ; | = , + * ? < >, no trailing period.";
    IdpSignInFailed = "FLOW212", Error,
        "The web sign-in at the identity provider failed or was refused.",
        "Check the username and password at the IdP, then choose Sign in again.";
    WellKnownInvalid = "FLOW300", Error,
        "The .well-known/com.apple.remotemanagement document is malformed or names no usable server.",
        "Serve {\"Servers\":[{\"Version\":\"mdm-byod\"|\"mdm-adde\",\"BaseURL\":\"https://...\"}]} as application/json at the domain root.";
    UserIdentifierInvalid = "FLOW301", Error,
        "The account-driven user identifier is not user@fully.qualified.domain.",
        "Enter the work address as user@domain with a fully qualified domain.";
    ChallengeInvalid = "FLOW302", Error,
        "The 401 WWW-Authenticate header is not Bearer method=\"apple-as-web\", url=\"https://...\".",
        "Send exactly: WWW-Authenticate: Bearer method=\"apple-as-web\", url=\"<https authentication URL>\".";
    CallbackInvalid = "FLOW303", Error,
        "The 308 callback is not apple-remotemanagement-user-login://authentication-results?access-token=<token>.",
        "Redirect (308) to apple-remotemanagement-user-login://authentication-results with one non-empty access-token.";
    EnrollmentRequestInvalid = "FLOW304", Error,
        "The enrollment-profile request is not a POST of a CMS-signed body (application/pkcs7-signature).",
        "Send the device's signed request unchanged; only the Authorization header is added on retry.";
    ScenarioInvalid = "FLOW900", Error,
        "The scenario file is not valid scenario JSON.",
        "Fix the scenario file; the format is described in docs/flows.md.";
}

impl FlowCode {
    /// A diagnostic with this code's severity and remediation at `key_path` in the flow state.
    pub fn at(self, key_path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            self.as_str(),
            self.severity(),
            Location::top(key_path),
            message,
            self.remediation(),
        )
    }

    /// A diagnostic carrying this code's own summary as the message.
    pub fn diagnostic(self, key_path: &str) -> Diagnostic {
        self.at(key_path, self.summary())
    }

    /// The code with string `code`, if it is one of ours.
    pub fn from_code(code: &str) -> Option<FlowCode> {
        FlowCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl Serialize for FlowCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FlowCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FlowCode::from_code(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown flow code {text:?}")))
    }
}

/// The code table as Markdown (the same table the crate docs show); used by docs/flows.md
/// and by a test that keeps the crate docs in sync.
pub fn code_table_markdown() -> String {
    let mut out = String::from("| code | severity | meaning | remediation |\n|---|---|---|---|\n");
    for code in FlowCode::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code.as_str(),
            code.severity(),
            code.summary(),
            code.remediation()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in FlowCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert!(code.as_str().starts_with("FLOW") && code.as_str().len() == 7);
            assert!(!code.remediation().is_empty());
            assert_eq!(FlowCode::from_code(code.as_str()), Some(*code));
        }
    }
}
