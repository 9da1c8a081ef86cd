//! Enrollment flows: web enrollment with JIT registration, login-window provisioning, account-driven protocol pieces.

crate::declare_codes! {
    area: Flow;
    CLOCK_WENT_BACKWARDS = "FLOW001", Error,
        "An event or query is earlier than a time the flow already recorded.",
        "",
        "Pass the current time; fix the host clock if it jumped backwards.";
    UNEXPECTED_EVENT = "FLOW002", Error,
        "The event is not valid in the flow's current state; the state is unchanged.",
        "",
        "Send the events of the flow in order (see docs/flows.md).";
    INVALID_CONFIGURATION = "FLOW003", Error,
        "The portal settings or login-window policy are inconsistent.",
        "",
        "Fix the setting named in the message.";
    INVALID_TIMESTAMP = "FLOW004", Error,
        "A timestamp is not RFC 3339 or is outside 1970..=9999.",
        "",
        "Write times as RFC 3339, e.g. 2024-05-02T09:00:00Z.";
    AUTHENTICATION_REQUIRED = "FLOW100", Error,
        "The portal requires IdP authentication before it serves a profile.",
        "",
        "Sign in at the enrollment portal with the organisation's identity provider first.";
    MFA_REQUIRED = "FLOW101", Error,
        "Multi-factor authentication is required but the IdP assertion does not show it was completed.",
        "",
        "Complete the MFA prompt at the identity provider and sign in again.";
    USER_NOT_FOUND = "FLOW102", Error,
        "The user is not in the directory and just-in-time registration is off.",
        "",
        "Ask an admin to create the user, or turn on just-in-time registration in the portal settings.";
    DIRECTORY_KEY_MISMATCH = "FLOW103", Error,
        "The directory record passed in is not the one keyed by the assertion's issuer and subject.",
        "",
        "Look users up by issuer + subject, never by email alone.";
    OS_TOO_OLD = "FLOW104", Error,
        "The OS version is too old for User Enrollment (iOS/iPadOS 13.1, macOS 10.15).",
        "",
        "Update the device, or enroll it as a corporate device instead.";
    PROFILE_DRIVEN_UNAVAILABLE = "FLOW105", Warning,
        "Profile-driven User Enrollment was removed in iOS 18 / macOS 15; account-driven enrollment is used.",
        "",
        "Configure the portal for account-driven enrollment; have the user sign in under Settings > General > VPN & Device Management.";
    ACCOUNT_DRIVEN_UNAVAILABLE = "FLOW106", Warning,
        "Account-driven enrollment needs iOS 15 / macOS 14 (device enrollment: iOS 17); the profile-driven fallback is used.",
        "",
        "Update the device to use account-driven enrollment.";
    PROFILE_EXPIRED = "FLOW107", Error,
        "The profile was installed more than 8 minutes after it was downloaded; iOS had already deleted it.",
        "",
        "Sign in at the portal again, download a fresh profile and install it in Settings within 8 minutes.";
    PENDING_PROFILE_REPLACED = "FLOW108", Info,
        "A new download replaced the profile that was waiting for installation; only one profile can wait at a time.",
        "",
        "Install the newest download in Settings > General > VPN & Device Management.";
    PERSONAL_APPLE_ACCOUNT = "FLOW109", Error,
        "A personal Apple Account was used; User Enrollment accepts only the Managed Apple Account.",
        "",
        "Sign in with the Managed Apple Account issued by Apple Business Manager or Apple School Manager.";
    MANAGED_ACCOUNT_MISMATCH = "FLOW110", Error,
        "The Managed Apple Account signed in is not the AssignedManagedAppleID of the enrollment.",
        "",
        "Sign in with the assigned Managed Apple Account, or fix the user's Managed Apple Account in the directory.";
    PAYLOAD_MISMATCH = "FLOW111", Error,
        "The new MDM payload does not match the old payload: the device is already managed.",
        "",
        "Remove the existing management profile (Settings > General > VPN & Device Management), then start again.";
    APNS_BLOCKED = "FLOW112", Error,
        "A connection to the server could not be established: Apple Push Notification service is blocked.",
        "",
        "Use cellular data, or open the firewall to APNs (TCP 5223 and 443 to Apple).";
    DEVICE_CLOCK_WRONG = "FLOW113", Error,
        "A connection to the server could not be established: the device clock is wrong, so TLS validation fails.",
        "",
        "Turn on Settings > General > Date & Time > Set Automatically, then start again.";
    CONNECTION_FAILED = "FLOW114", Error,
        "A connection to the server could not be established, cause unknown.",
        "",
        "Set Date & Time automatically, and try cellular data in case the network blocks APNs.";
    BEARER_TOKEN_REJECTED = "FLOW115", Error,
        "The enrollment-profile request carries no valid bearer access token.",
        "",
        "Answer 401 with WWW-Authenticate: Bearer method=\"apple-as-web\" and let the user authenticate again.";
    DEVICE_ERROR = "FLOW116", Error,
        "The device reported an error this crate does not classify.",
        "",
        "Read the device's message; restart the enrollment after fixing it.";
    PLATFORM_NOT_SERVED = "FLOW117", Error,
        "The enrollment portal serves iPhone, iPad and Mac; the device is another platform.",
        "Web-based and account-driven enrollment through the portal exist for iOS, iPadOS and macOS.",
        "Enroll Apple TV, Apple Watch and Vision Pro through Automated Device Enrollment or Apple Configurator.";
    SIGN_IN_UNDER_SETTINGS = "FLOW118", Info,
        "Enrollment on this device is account-driven, and account-driven enrollment starts in Settings, not from a Safari download.",
        "iOS 18 and macOS 15 removed profile-driven User Enrollment; a profile downloaded in Safari cannot enroll the device.",
        "On the device, open Settings > General > VPN & Device Management > Sign In to Work or School Account and enter your work address.";
    SELF_SERVICE_DISABLED = "FLOW200", Error,
        "Self-service account provisioning is off for this OS (or the macOS new login window is off).",
        "",
        "Ask an admin to turn on self-service account provisioning for this OS.";
    MANAGED_USER_PRESENT = "FLOW201", Error,
        "The device already has a managed user, so self-service provisioning is not offered.",
        "",
        "Sign in with the existing managed account, or ask an admin to bind you to the device.";
    SELF_SERVICE_ALREADY_USED = "FLOW202", Error,
        "Self-service provisioning is a one-time action and was already used on this device.",
        "",
        "Ask an admin to bind additional users to the device.";
    LOGIN_MFA_REQUIRED = "FLOW203", Error,
        "The user has MFA enrolled but did not complete it during sign-in.",
        "",
        "Complete the MFA prompt and sign in again.";
    ACCOUNT_ALREADY_EXISTS = "FLOW204", Error,
        "Account already exists: a local account with the derived name is on the device and is never taken over.",
        "",
        "Contact your admin: they can bind the existing account to you or remove it.";
    NO_USABLE_ACCOUNT_NAME = "FLOW205", Error,
        "No configured claim yields a valid local account name.",
        "",
        "Add a claim to the naming policy's claim order, or fix the user's username at the IdP.";
    PASSWORD_MISMATCH = "FLOW206", Error,
        "The reconfirmed password does not match the password used at sign-in.",
        "",
        "Type the same password you used to sign in.";
    PIN_LENGTH = "FLOW207", Error,
        "The PIN is shorter or longer than the policy allows.",
        "",
        "Choose a PIN within the policy's length limits (default at least 6 digits).";
    PIN_CHARACTERS = "FLOW208", Error,
        "The PIN contains characters the policy does not allow.",
        "",
        "Use digits only.";
    PIN_PATTERN = "FLOW209", Error,
        "The PIN is a simple pattern: every digit is a constant step (mod 10) from the previous one, e.g. 123456, 975319 or 000000.",
        "",
        "Choose a PIN without a constant step between digits.";
    PASSWORD_REQUIRED = "FLOW210", Error,
        "Windows self-service provisioning needs the sign-in password to reconfirm it.",
        "",
        "Send the password entered in the web sign-in with the IdP result.";
    INVALID_ACCOUNT_NAME = "FLOW211", Error,
        "A local account name breaks the platform's naming rules.",
        "",
        "macOS: lowercase a-z, 0-9, '.', '_', '-', not starting with '.' or '-'; Windows: at most 20 characters, none of \" / \\ [ ] : ; | = , + * ? < >, no trailing period.";
    IDP_SIGN_IN_FAILED = "FLOW212", Error,
        "The web sign-in at the identity provider failed or was refused.",
        "",
        "Check the username and password at the IdP, then choose Sign in again.";
    DEVICE_SNAPSHOT_INVALID = "FLOW213", Error,
        "A device refresh lists a local account with no name, or one name twice (names compare without case); the state is unchanged.",
        "",
        "Report each local account once, by its short name.";
    ACCOUNT_NAMED_AFTER_SUBJECT = "FLOW214", Warning,
        "The local account is named after the IdP subject (`sub`): no other claim gave a usable name, and the policy allows the fallback.",
        "",
        "Send a `preferred_username` or email claim the platform accepts, or turn `subject_fallback` off to refuse instead.";
    AGENT_NOT_RUNNING = "FLOW215", Error,
        "The device agent is not running, so the login window cannot offer Sign in.",
        "Self-service provisioning is the agent's feature: without it the option never appears.",
        "Install the agent (the Windows package's agent command) and check that its service is running.";
    UNSUPPORTED_DEVICE = "FLOW216", Error,
        "The credential provider does not support this Windows edition or architecture (Home, Server, ARM64).",
        "The vendor documents that Sign in does not appear on Windows Home, Windows Server or Windows on ARM.",
        "Use Windows Pro, Enterprise or Education on x64, or provision the account another way.";
    DIRECTORY_JOINED = "FLOW217", Error,
        "The device is joined to Active Directory or Entra ID; self-service provisioning does not support joined devices.",
        "Accounts of a joined device come from the directory it is joined to.",
        "Provision on a device that is not joined, or let the directory's own sign-in create the account.";
    FIRST_ACCOUNT_BY_PLATFORM_SSO = "FLOW218", Info,
        "The policy creates the first account with Platform SSO in Setup Assistant (macOS 26 or later), so the login window does not offer Sign in.",
        "",
        "Nothing to do; to let the agent create it instead, set first_account = \"agent\".";
    PLATFORM_SSO_NEEDS_MACOS_26 = "FLOW219", Warning,
        "The policy asks Platform SSO to create the first account, but the Mac runs macOS before 26; the agent creates it instead.",
        "Creating the first account in Setup Assistant with Platform SSO is a macOS 26 feature.",
        "Update the Mac to macOS 26, or set first_account = \"agent\" to make the fallback explicit.";
    WELL_KNOWN_INVALID = "FLOW300", Error,
        "The .well-known/com.apple.remotemanagement document is malformed or names no usable server.",
        "",
        "Serve {\"Servers\":[{\"Version\":\"mdm-byod\"|\"mdm-adde\",\"BaseURL\":\"https://...\"}]} as application/json at the domain root.";
    USER_IDENTIFIER_INVALID = "FLOW301", Error,
        "The account-driven user identifier is not user@fully.qualified.domain.",
        "",
        "Enter the work address as user@domain with a fully qualified domain.";
    CHALLENGE_INVALID = "FLOW302", Error,
        "The 401 WWW-Authenticate header is not Bearer method=\"apple-as-web\", url=\"https://...\".",
        "",
        "Send exactly: WWW-Authenticate: Bearer method=\"apple-as-web\", url=\"<https authentication URL>\".";
    CALLBACK_INVALID = "FLOW303", Error,
        "The 308 callback is not apple-remotemanagement-user-login://authentication-results?access-token=<token>.",
        "",
        "Redirect (308) to apple-remotemanagement-user-login://authentication-results with one non-empty access-token.";
    ENROLLMENT_REQUEST_INVALID = "FLOW304", Error,
        "The enrollment-profile request is not a POST of a CMS-signed body (application/pkcs7-signature).",
        "",
        "Send the device's signed request unchanged; only the Authorization header is added on retry.";
    SCENARIO_INVALID = "FLOW900", Error,
        "The scenario file is not valid scenario JSON.",
        "",
        "Fix the scenario file; the format is described in docs/flows.md.";
}
