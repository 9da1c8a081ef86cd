//! Flows: web enrollment and login-window provisioning as JSON-in/JSON-out state machines,
//! plus account-name derivation and PIN validation.
//!
//! Settings, events, actions, status and state cross the boundary as JSON strings in the
//! flow crate's serde format (see docs/flows.md), so a host keeps the state in any store.

use enrollkit::Secret;
use enrollkit::flow;
use enrollkit::flow::clock::Timestamp;
use enrollkit::flow::login_window::{DeviceState, LoginEvent, LoginWindowFlow, ProvisioningPolicy};
use enrollkit::flow::naming::{DesktopOs, NamingPolicy};
use enrollkit::flow::transition::{Outcome, Timed};
use enrollkit::flow::web::{PortalSettings, WebEnrollment, WebEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{BindingError, parse_word};
use crate::finding::Finding;

fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, BindingError> {
    serde_json::from_str(json).map_err(|e| {
        BindingError::invalid_argument(
            format!("invalid {what} JSON: {e}"),
            format!("Pass {what} in the JSON format described in docs/flows.md"),
        )
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<String, BindingError> {
    serde_json::to_string(value).map_err(|e| BindingError {
        code: enrollkit::diagnostic::codes::internal::INTERNAL,
        message: format!("could not serialize: {e}"),
        remediation: "Report this as a bug".into(),
    })
}

/// A time: RFC 3339 text such as `2024-05-02T09:00:00Z`.
pub fn timestamp(rfc3339: &str) -> Result<Timestamp, BindingError> {
    Ok(Timestamp::parse_rfc3339(rfc3339)?)
}

/// A timestamp from seconds since the Unix epoch.
pub fn timestamp_from_unix(seconds: i64) -> Result<Timestamp, BindingError> {
    Timestamp::from_unix(seconds).ok_or_else(|| {
        BindingError::invalid_argument(
            format!("time {seconds} is out of range"),
            "Pass seconds between 1970 and 9999",
        )
    })
}

/// The outcome of handing one event to a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStep {
    /// The new state, as JSON (store it; pass it back with the next event).
    pub state_json: String,
    /// The new state's name (`awaiting_sign_in`, `enrolled`, `failed`, …).
    pub state: String,
    /// What happened to the event: `accepted`, `rejected` (nothing changed) or `failed`.
    pub outcome: String,
    /// The code of a rejection or failure.
    pub outcome_code: Option<String>,
    /// Actions for the host to carry out, each a JSON object with an `action` tag.
    pub actions_json: Vec<String>,
    /// Findings: why an event was refused or why the flow failed.
    pub diagnostics: Vec<Finding>,
}

fn step<F: Serialize, A: Serialize>(
    t: flow::transition::Transition<F, A>,
    state: &str,
) -> Result<FlowStep, BindingError> {
    let outcome = match t.outcome {
        Outcome::Accepted => "accepted",
        Outcome::Rejected { .. } => "rejected",
        Outcome::Failed { .. } => "failed",
    };
    Ok(FlowStep {
        state_json: to_json(&t.flow)?,
        state: state.to_owned(),
        outcome: outcome.to_owned(),
        outcome_code: t.outcome.code().map(|c| c.to_string()),
        actions_json: t.actions.iter().map(to_json).collect::<Result<_, _>>()?,
        diagnostics: t.diagnostics.iter().map(Finding::from).collect(),
    })
}

/// A new web enrollment flow (`awaiting_portal`), as JSON.
pub fn web_flow_new() -> Result<String, BindingError> {
    to_json(&WebEnrollment::new())
}

/// The state name of a web flow's JSON.
pub fn web_flow_state(state_json: &str) -> Result<String, BindingError> {
    let f: WebEnrollment = from_json("web flow state", state_json)?;
    Ok(f.state.name().to_owned())
}

/// Hands one event (JSON with an `at` RFC 3339 time and a `type` tag) to a web flow.
pub fn web_flow_handle(
    state_json: &str,
    settings_json: &str,
    event_json: &str,
) -> Result<FlowStep, BindingError> {
    let f: WebEnrollment = from_json("web flow state", state_json)?;
    let settings: PortalSettings = from_json("portal settings", settings_json)?;
    settings.validate()?;
    let event: Timed<WebEvent> = from_json("web event", event_json)?;
    let t = f.handle(&settings, event);
    let name = t.flow.state.name();
    step(t, name)
}

/// A web flow's status at `now` (RFC 3339), as JSON: state, install window, next step.
pub fn web_flow_status(state_json: &str, now: &str) -> Result<String, BindingError> {
    let f: WebEnrollment = from_json("web flow state", state_json)?;
    to_json(&f.status(timestamp(now)?)?)
}

/// A new login-window provisioning flow for a device (DeviceState JSON), as JSON.
pub fn login_flow_new(device_json: &str) -> Result<String, BindingError> {
    let device: DeviceState = from_json("device state", device_json)?;
    to_json(&LoginWindowFlow::new(device))
}

/// The state name of a login-window flow's JSON.
pub fn login_flow_state(state_json: &str) -> Result<String, BindingError> {
    let f: LoginWindowFlow = from_json("login-window flow state", state_json)?;
    Ok(f.state.name().to_owned())
}

/// Hands one event to a login-window flow.
pub fn login_flow_handle(
    state_json: &str,
    policy_json: &str,
    event_json: &str,
) -> Result<FlowStep, BindingError> {
    let f: LoginWindowFlow = from_json("login-window flow state", state_json)?;
    let policy: ProvisioningPolicy = from_json("provisioning policy", policy_json)?;
    policy.validate()?;
    let event: Timed<LoginEvent> = from_json("login-window event", event_json)?;
    let t = f.handle(&policy, event);
    let name = t.flow.state.name();
    step(t, name)
}

/// What the login window shows for a flow under a policy, as JSON.
pub fn login_flow_view(state_json: &str, policy_json: &str) -> Result<String, BindingError> {
    let f: LoginWindowFlow = from_json("login-window flow state", state_json)?;
    let policy: ProvisioningPolicy = from_json("provisioning policy", policy_json)?;
    to_json(&f.view(&policy))
}

/// `macos` or `windows`.
pub fn desktop_os(word: &str) -> Result<DesktopOs, BindingError> {
    parse_word(
        "desktop OS",
        word,
        &[("macos", DesktopOs::Macos), ("windows", DesktopOs::Windows)],
    )
}

/// A local account derived from IdP claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedAccount {
    /// The account (short / SAM) name.
    pub name: String,
    /// The claim it came from.
    pub source_claim: String,
    /// Full name for display.
    pub full_name: Option<String>,
    /// True when a numeric suffix avoided a collision.
    pub suffixed: bool,
}

/// Derives the local account name for an identity (`{"issuer","subject","email","name",
/// "claims":{…}}` JSON) on `os`. `claim_order` empty means the default order; `numeric_suffix`
/// appends 2, 3, … on collision instead of failing with `FLOW204`.
pub fn derive_account_name(
    os: &str,
    identity_json: &str,
    existing_accounts: &[String],
    claim_order: Vec<String>,
    numeric_suffix: bool,
) -> Result<DerivedAccount, BindingError> {
    let os = desktop_os(os)?;
    let identity: flow::identity::Identity = from_json("identity", identity_json)?;
    let mut policy = NamingPolicy::default();
    if !claim_order.is_empty() {
        policy.claim_order = claim_order;
    }
    if numeric_suffix {
        policy.collision = flow::naming::CollisionPolicy::NumericSuffix;
    }
    let d = flow::naming::derive_account(os, &identity, &policy, existing_accounts)
        .map_err(|e| BindingError::coded(&e))?;
    Ok(DerivedAccount {
        name: d.name,
        source_claim: d.source_claim,
        full_name: d.full_name,
        suffixed: d.suffixed,
    })
}

/// Checks a local account name against the platform's rules (`FLOW211` when broken).
pub fn validate_account_name(os: &str, name: &str) -> Result<(), BindingError> {
    Ok(flow::naming::validate_account_name(desktop_os(os)?, name)?)
}

/// Checks a Windows PIN against a policy; `None` when acceptable, else the problem as a
/// finding (`FLOW207` length, `FLOW208` characters, `FLOW209` simple pattern). The PIN never
/// appears in the finding.
pub fn validate_pin(
    pin: &str,
    min_length: u8,
    max_length: u8,
    digits_only: bool,
) -> Result<Option<Finding>, BindingError> {
    let policy = flow::pin::PinPolicy {
        min_length,
        max_length,
        digits_only,
    };
    policy.validate()?;
    Ok(policy
        .check(&Secret::new(pin))
        .err()
        .map(|problem| Finding::from(&problem.code().at("pin", problem.message()))))
}
