//! Enrollment flows as sans-IO state machines: web-based Apple enrollment with just-in-time
//! registration (and the 8-minute install window), self-service account provisioning at the
//! macOS login window and the Windows credential provider, and identity → local account rules.
//!
//! Nothing here does I/O or reads a clock. A host (a web server, a login-window agent) feeds
//! events with their time and gets back the new flow value plus the actions to carry out
//! ([`transition::Transition`]). Flows are plain serde data, so a stateless server can keep them
//! between HTTP requests. Each state is its own struct inside an enum ([`web::WebState`],
//! [`login_window::LoginState`]); a transition consumes the old state and returns the next one,
//! so a state can only hold the data that is valid in it. An event that does not fit the state,
//! or one stamped earlier than a time already recorded, is rejected with a coded diagnostic and
//! changes nothing.
//!
//! ```
//! use enrollkit_flow::clock::Timestamp;
//! use enrollkit_flow::identity::Identity;
//! use enrollkit_flow::transition::Timed;
//! use enrollkit_flow::web::*;
//!
//! let settings = PortalSettings {
//!     require_idp_auth: true,
//!     require_mfa: false,
//!     jit_registration: true,
//!     default_ownership: Ownership::Personal,
//!     enrollment_type: EnrollmentType::ProfileDriven,
//!     auth_url: None,
//!     profile: ProfileRef { identifier: "com.example.enroll".into(), name: Some("byod".into()), bytes: None },
//! };
//! let t0 = Timestamp::parse_rfc3339("2024-05-02T09:00:00Z").unwrap();
//! let at = |minutes: i64| t0.plus_seconds(minutes * 60);
//!
//! let flow = WebEnrollment::new();
//! let opened = WebEvent::PortalOpened { platform: Platform::Ios, os_version: "17.4".parse().unwrap(), entry: None };
//! let flow = flow.handle(&settings, Timed::new(at(0), opened)).flow;
//!
//! // An unknown user with JIT on: a create-user action keyed by issuer + subject.
//! let mut identity = Identity::new("https://login.example.com", "00u8f3kq2");
//! identity.email = Some("dana.lee@example.com".into());
//! let signed_in = WebEvent::IdpAssertion { identity, mfa_completed: true, directory_user: None, access_token: None };
//! let step = flow.handle(&settings, Timed::new(at(1), signed_in));
//! assert!(matches!(step.actions[0], WebAction::CreateUser(_)));
//!
//! // The profile downloaded at 09:02 must be installed by 09:10.
//! let step = step.flow.handle(&settings, Timed::new(at(2), WebEvent::ProfileDownloaded { authorization: None }));
//! let status = step.flow.status(at(5)).unwrap();
//! assert_eq!(status.install_window.unwrap().seconds_left, 5 * 60);
//!
//! // Installed at 09:11: too late, and the diagnostic says what to do.
//! let step = step.flow.handle(&settings, Timed::new(at(11), WebEvent::ProfileInstalled));
//! assert_eq!(step.flow.state.name(), "failed");
//! assert_eq!(step.diagnostics[0].code, "FLOW107");
//! assert!(step.diagnostics[0].remediation.contains("download a fresh profile"));
//! ```
//!
//! Modules:
//! - [`web`]: the web enrollment flow, enrollment type by OS version, device-error diagnosis.
//! - [`account_driven`]: `.well-known` JSON, the 401 `WWW-Authenticate` challenge, the 308
//!   callback, the bearer-token check of the enrollment-profile request.
//! - [`login_window`]: policy per OS, device state, the login-window view as a pure function,
//!   the provisioning flow.
//! - [`naming`]: macOS short names and Windows SAM names from claims; collision policy.
//! - [`pin`]: the Windows PIN policy.
//! - [`scenario`]: scenario files (policy, start state, timed events, `expect`), run and report.
//! - [`clock`], [`secret`], [`identity`], [`transition`], [`codes`], [`error`]: the shared pieces.
//!
//! Secrets (passwords, PINs, access tokens) are [`secret::Secret`]s: redacted in `Debug`,
//! zeroized on drop, and never stored in flow state — flows keep a SHA-256
//! [`secret::SecretDigest`] and compare in constant time.
//!
//! # Diagnostic codes
//!
//! Every failure is a [`enrollkit_diagnostic::Diagnostic`] with one of these codes (flow
//! transitions), or a [`error::FlowError`] whose `code()` is one of them (pure functions and
//! input parsing). The table is generated from [`codes::Code`]; a test keeps it in sync.
//!
//! | Code | Severity | Meaning | Why | Remediation |
//! |---|---|---|---|---|
//! | FLOW001 | error | An event or query is earlier than a time the flow already recorded. | — | Pass the current time; fix the host clock if it jumped backwards. |
//! | FLOW002 | error | The event is not valid in the flow's current state; the state is unchanged. | — | Send the events of the flow in order (see docs/flows.md). |
//! | FLOW003 | error | The portal settings or login-window policy are inconsistent. | — | Fix the setting named in the message. |
//! | FLOW004 | error | A timestamp is not RFC 3339 or is outside 1970..=9999. | — | Write times as RFC 3339, e.g. 2024-05-02T09:00:00Z. |
//! | FLOW100 | error | The portal requires IdP authentication before it serves a profile. | — | Sign in at the enrollment portal with the organisation's identity provider first. |
//! | FLOW101 | error | Multi-factor authentication is required but the IdP assertion does not show it was completed. | — | Complete the MFA prompt at the identity provider and sign in again. |
//! | FLOW102 | error | The user is not in the directory and just-in-time registration is off. | — | Ask an admin to create the user, or turn on just-in-time registration in the portal settings. |
//! | FLOW103 | error | The directory record passed in is not the one keyed by the assertion's issuer and subject. | — | Look users up by issuer + subject, never by email alone. |
//! | FLOW104 | error | The OS version is too old for User Enrollment (iOS/iPadOS 13.1, macOS 10.15). | — | Update the device, or enroll it as a corporate device instead. |
//! | FLOW105 | warning | Profile-driven User Enrollment was removed in iOS 18 / macOS 15; account-driven enrollment is used. | — | Configure the portal for account-driven enrollment; have the user sign in under Settings > General > VPN & Device Management. |
//! | FLOW106 | warning | Account-driven enrollment needs iOS 15 / macOS 14 (device enrollment: iOS 17); the profile-driven fallback is used. | — | Update the device to use account-driven enrollment. |
//! | FLOW107 | error | The profile was installed more than 8 minutes after it was downloaded; iOS had already deleted it. | — | Sign in at the portal again, download a fresh profile and install it in Settings within 8 minutes. |
//! | FLOW108 | info | A new download replaced the profile that was waiting for installation; only one profile can wait at a time. | — | Install the newest download in Settings > General > VPN & Device Management. |
//! | FLOW109 | error | A personal Apple Account was used; User Enrollment accepts only the Managed Apple Account. | — | Sign in with the Managed Apple Account issued by Apple Business Manager or Apple School Manager. |
//! | FLOW110 | error | The Managed Apple Account signed in is not the AssignedManagedAppleID of the enrollment. | — | Sign in with the assigned Managed Apple Account, or fix the user's Managed Apple Account in the directory. |
//! | FLOW111 | error | The new MDM payload does not match the old payload: the device is already managed. | — | Remove the existing management profile (Settings > General > VPN & Device Management), then start again. |
//! | FLOW112 | error | A connection to the server could not be established: Apple Push Notification service is blocked. | — | Use cellular data, or open the firewall to APNs (TCP 5223 and 443 to Apple). |
//! | FLOW113 | error | A connection to the server could not be established: the device clock is wrong, so TLS validation fails. | — | Turn on Settings > General > Date & Time > Set Automatically, then start again. |
//! | FLOW114 | error | A connection to the server could not be established, cause unknown. | — | Set Date & Time automatically, and try cellular data in case the network blocks APNs. |
//! | FLOW115 | error | The enrollment-profile request carries no valid bearer access token. | — | Answer 401 with WWW-Authenticate: Bearer method="apple-as-web" and let the user authenticate again. |
//! | FLOW116 | error | The device reported an error this crate does not classify. | — | Read the device's message; restart the enrollment after fixing it. |
//! | FLOW117 | error | The enrollment portal serves iPhone, iPad and Mac; the device is another platform. | Web-based and account-driven enrollment through the portal exist for iOS, iPadOS and macOS. | Enroll Apple TV, Apple Watch and Vision Pro through Automated Device Enrollment or Apple Configurator. |
//! | FLOW118 | info | Enrollment on this device is account-driven, and account-driven enrollment starts in Settings, not from a Safari download. | iOS 18 and macOS 15 removed profile-driven User Enrollment; a profile downloaded in Safari cannot enroll the device. | On the device, open Settings > General > VPN & Device Management > Sign In to Work or School Account and enter your work address. |
//! | FLOW200 | error | Self-service account provisioning is off for this OS (or the macOS new login window is off). | — | Ask an admin to turn on self-service account provisioning for this OS. |
//! | FLOW201 | error | The device already has a managed user, so self-service provisioning is not offered. | — | Sign in with the existing managed account, or ask an admin to bind you to the device. |
//! | FLOW202 | error | Self-service provisioning is a one-time action and was already used on this device. | — | Ask an admin to bind additional users to the device. |
//! | FLOW203 | error | The user has MFA enrolled but did not complete it during sign-in. | — | Complete the MFA prompt and sign in again. |
//! | FLOW204 | error | Account already exists: a local account with the derived name is on the device and is never taken over. | — | Contact your admin: they can bind the existing account to you or remove it. |
//! | FLOW205 | error | No configured claim yields a valid local account name. | — | Add a claim to the naming policy's claim order, or fix the user's username at the IdP. |
//! | FLOW206 | error | The reconfirmed password does not match the password used at sign-in. | — | Type the same password you used to sign in. |
//! | FLOW207 | error | The PIN is shorter or longer than the policy allows. | — | Choose a PIN within the policy's length limits (default at least 6 digits). |
//! | FLOW208 | error | The PIN contains characters the policy does not allow. | — | Use digits only. |
//! | FLOW209 | error | The PIN is a simple pattern: every digit is a constant step (mod 10) from the previous one, e.g. 123456, 975319 or 000000. | — | Choose a PIN without a constant step between digits. |
//! | FLOW210 | error | Windows self-service provisioning needs the sign-in password to reconfirm it. | — | Send the password entered in the web sign-in with the IdP result. |
//! | FLOW211 | error | A local account name breaks the platform's naming rules. | — | macOS: lowercase a-z, 0-9, '.', '_', '-', not starting with '.' or '-'; Windows: at most 20 characters, none of " / \ [ ] : ; \| = , + * ? < >, no trailing period. |
//! | FLOW212 | error | The web sign-in at the identity provider failed or was refused. | — | Check the username and password at the IdP, then choose Sign in again. |
//! | FLOW213 | error | A device refresh lists a local account with no name, or one name twice (names compare without case); the state is unchanged. | — | Report each local account once, by its short name. |
//! | FLOW214 | warning | The local account is named after the IdP subject (`sub`): no other claim gave a usable name, and the policy allows the fallback. | — | Send a `preferred_username` or email claim the platform accepts, or turn `subject_fallback` off to refuse instead. |
//! | FLOW215 | error | The device agent is not running, so the login window cannot offer Sign in. | Self-service provisioning is the agent's feature: without it the option never appears. | Install the agent (the Windows package's agent command) and check that its service is running. |
//! | FLOW216 | error | The credential provider does not support this Windows edition or architecture (Home, Server, ARM64). | The vendor documents that Sign in does not appear on Windows Home, Windows Server or Windows on ARM. | Use Windows Pro, Enterprise or Education on x64, or provision the account another way. |
//! | FLOW217 | error | The device is joined to Active Directory or Entra ID; self-service provisioning does not support joined devices. | Accounts of a joined device come from the directory it is joined to. | Provision on a device that is not joined, or let the directory's own sign-in create the account. |
//! | FLOW218 | info | The policy creates the first account with Platform SSO in Setup Assistant (macOS 26 or later), so the login window does not offer Sign in. | — | Nothing to do; to let the agent create it instead, set first_account = "agent". |
//! | FLOW219 | warning | The policy asks Platform SSO to create the first account, but the Mac runs macOS before 26; the agent creates it instead. | Creating the first account in Setup Assistant with Platform SSO is a macOS 26 feature. | Update the Mac to macOS 26, or set first_account = "agent" to make the fallback explicit. |
//! | FLOW300 | error | The .well-known/com.apple.remotemanagement document is malformed or names no usable server. | — | Serve {"Servers":[{"Version":"mdm-byod"\|"mdm-adde","BaseURL":"https://..."}]} as application/json at the domain root. |
//! | FLOW301 | error | The account-driven user identifier is not user@fully.qualified.domain. | — | Enter the work address as user@domain with a fully qualified domain. |
//! | FLOW302 | error | The 401 WWW-Authenticate header is not Bearer method="apple-as-web", url="https://...". | — | Send exactly: WWW-Authenticate: Bearer method="apple-as-web", url="<https authentication URL>". |
//! | FLOW303 | error | The 308 callback is not apple-remotemanagement-user-login://authentication-results?access-token=<token>. | — | Redirect (308) to apple-remotemanagement-user-login://authentication-results with one non-empty access-token. |
//! | FLOW304 | error | The enrollment-profile request is not a POST of a CMS-signed body (application/pkcs7-signature). | — | Send the device's signed request unchanged; only the Authorization header is added on retry. |
//! | FLOW900 | error | The scenario file is not valid scenario JSON. | — | Fix the scenario file; the format is described in docs/flows.md. |

pub mod account_driven;
pub mod clock;
pub mod codes;
pub mod error;
pub mod identity;
pub mod login_window;
pub mod naming;
pub mod pin;
pub mod scenario;
pub mod secret;
pub mod transition;
pub mod web;

pub use enrollkit_diagnostic::{Code, Coded, OsVersion, Platform, Secret};
pub use error::FlowError;
pub use scenario::{Scenario, ScenarioReport, run_json};

#[cfg(test)]
mod tests {
    #[test]
    fn crate_docs_show_the_current_code_table() {
        let docs: String = include_str!("lib.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//! "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            docs.contains(&crate::codes::code_table_markdown()),
            "regenerate the code table in lib.rs from codes::code_table_markdown()"
        );
    }
}
