//! What the engine keeps about one enrollment between requests: plain serde data, stored by
//! the server as it likes (a row with a version column, a file, a map).

use enrollkit_diagnostic::{OsVersion, Platform};
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::identity::UserKey;
use enrollkit_flow::web::WebEnrollment;
use serde::{Deserialize, Serialize};

use crate::build::{IssuedChallenge, ProfileFor};
use crate::checkin::DeviceId;
use crate::oidc::PendingSignIn;
use crate::secret::SecretDigest;

/// Which of Apple's exchanges an enrollment follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exchange {
    /// Profile-driven web enrollment: portal in Safari, sign-in, profile download.
    ProfileDriven,
    /// OTA Profile Service: the device's signed attributes, then a per-device profile.
    Ota,
    /// Account-driven User Enrollment or ADDE, started in Settings.
    AccountDriven,
    /// Automated Device Enrollment with web authentication in Setup Assistant.
    AdeWeb,
}

impl Exchange {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Exchange::ProfileDriven => "profile_driven",
            Exchange::Ota => "ota",
            Exchange::AccountDriven => "account_driven",
            Exchange::AdeWeb => "ade_web",
        }
    }
}

/// The user of an enrollment, once the identity provider vouched for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledUser {
    /// Issuer + subject: the key the user is stored under.
    pub key: UserKey,
    /// The Managed Apple Account the profile assigns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_apple_id: Option<String>,
    /// Created just in time at this sign-in.
    pub created_just_in_time: bool,
}

/// What the engine knows about the device before it checks in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Platform.
    pub platform: Platform,
    /// OS version, when known (the profile is linted for it; unknown means the newest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<OsVersion>,
    /// The UDID the device signed (OTA attributes, MachineInfo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udid: Option<String>,
    /// Serial number, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Product, e.g. `iPhone16,1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// SHA-256 of the certificate that signed the device's attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attested_by: Option<String>,
}

/// The enrollment profile last served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedProfile {
    /// When it was served.
    pub served_at: Timestamp,
    /// Who it was built for.
    pub profile_for: ProfileFor,
    /// Its `PayloadUUID`s, top level first.
    pub payload_uuids: Vec<String>,
    /// Its `Topic`.
    pub topic: String,
    /// Whether its MDM payload sets `SignMessage`.
    pub sign_message: bool,
    /// The identity challenge it carries.
    pub challenge: IssuedChallenge,
}

/// The account-driven access token issued at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// Its digest.
    pub digest: SecretDigest,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// When it fetched the enrollment profile: the enrollment request takes it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_fetched_at: Option<Timestamp>,
}

/// What the check-ins established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinRecord {
    /// The device, as its `Authenticate` named it.
    pub device: DeviceId,
    /// When `Authenticate` arrived.
    pub authenticated_at: Timestamp,
    /// When the last `TokenUpdate` arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_update_at: Option<Timestamp>,
    /// When `CheckOut` arrived (the profile was removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_out_at: Option<Timestamp>,
    /// SHA-256 of the identity certificate of the `Mdm-Signature`, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// One enrollment: the exchange, the flow state machine, and what each step established.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    /// Its ID (a UUID); it names the check-in URLs of the profile.
    pub id: String,
    /// The exchange it follows.
    pub exchange: Exchange,
    /// When it started.
    pub created_at: Timestamp,
    /// The flow: what the user sees and what happens next.
    pub flow: WebEnrollment,
    /// The sign-in in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<PendingSignIn>,
    /// Digest of the browser session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_session: Option<SecretDigest>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<EnrolledUser>,
    /// The device, as far as it is known.
    pub device: DeviceRecord,
    /// The profile served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served: Option<ServedProfile>,
    /// The account-driven access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<TokenRecord>,
    /// The OTA Profile Service challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ota_challenge: Option<IssuedChallenge>,
    /// The check-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin: Option<CheckinRecord>,
}

impl Enrollment {
    /// The flow's state name (`profile_pending`, `enrolled`, …).
    pub fn state(&self) -> &'static str {
        self.flow.state.name()
    }

    /// Whether the device finished enrolling (`TokenUpdate` seen).
    pub fn is_enrolled(&self) -> bool {
        self.state() == "enrolled"
    }
}
