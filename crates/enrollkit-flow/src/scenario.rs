//! Scenarios: a policy, a start state and timestamped events, run through a flow and compared
//! with the scenario's own `expect` block. The CLI (`enrollkit flow run`) and `enrollkit demo`
//! both use this module.
//!
//! ```json
//! {
//!   "name": "web-jit-profile-driven",
//!   "flow": "web_enrollment",
//!   "settings": { "default_ownership": "personal", "enrollment_type": "profile_driven",
//!                 "profile": { "identifier": "com.example.enroll", "name": "byod" } },
//!   "events": [
//!     { "at": "2024-05-02T09:00:00Z", "type": "portal_opened", "platform": "ios", "os_version": "17.4" }
//!   ],
//!   "expect": { "state": "awaiting_sign_in", "diagnostics": [] }
//! }
//! ```
//!
//! A `login_window` scenario has `policy` and `device` instead of `settings`. Either kind may give
//! a full serialized flow as `start`. See docs/flows.md for every field.

use enrollkit_diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::error::FlowError;
use crate::login_window::{
    DeviceState, LoginAction, LoginEvent, LoginWindowFlow, ProvisioningPolicy, login_window_view,
};
use crate::secret::Secret;
use crate::transition::Timed;
use crate::web::{PortalSettings, WebAction, WebEnrollment, WebEvent};

/// Largest scenario file accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;
/// Most events a scenario may have.
pub const MAX_EVENTS: usize = 10_000;

/// What a scenario expects at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Final state name (e.g. `enrolled`, `provisioned`, `failed`).
    pub state: String,
    /// Every diagnostic code emitted, in order.
    #[serde(default)]
    pub diagnostics: Vec<String>,
}

/// A web-enrollment scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebScenario {
    /// Name.
    pub name: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
    /// Portal settings.
    pub settings: PortalSettings,
    /// Start flow (default: `awaiting_portal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<WebEnrollment>,
    /// Events in order.
    pub events: Vec<Timed<WebEvent>>,
    /// Expected outcome.
    pub expect: Expect,
}

/// A login-window scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginScenario {
    /// Name.
    pub name: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
    /// Provisioning policy.
    pub policy: ProvisioningPolicy,
    /// The device at the start (idle at the login window); ignored when `start` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceState>,
    /// Start flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<LoginWindowFlow>,
    /// Events in order.
    pub events: Vec<Timed<LoginEvent>>,
    /// Expected outcome.
    pub expect: Expect,
}

/// A scenario of either flow, tagged by `flow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum Scenario {
    /// `"flow": "web_enrollment"`.
    WebEnrollment(Box<WebScenario>),
    /// `"flow": "login_window"`.
    LoginWindow(Box<LoginScenario>),
}

/// One event's effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// 1-based event number.
    pub index: usize,
    /// Event time.
    pub at: Timestamp,
    /// Event type.
    pub event: String,
    /// State before.
    pub from: String,
    /// State after.
    pub to: String,
    /// Actions, as JSON (secrets in callback URLs redacted).
    pub actions: Vec<serde_json::Value>,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Login window: whether "Sign in with <org>" is offered after the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_offered: Option<bool>,
}

/// The result of running a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioReport {
    /// Scenario name.
    pub name: String,
    /// `web_enrollment` or `login_window`.
    pub flow: String,
    /// Every step.
    pub steps: Vec<StepReport>,
    /// Final state name.
    pub final_state: String,
    /// Every diagnostic code, in order.
    pub diagnostic_codes: Vec<String>,
    /// The scenario's expectation.
    pub expected: Expect,
    /// True when final state and codes match the expectation.
    pub passed: bool,
    /// What did not match.
    pub mismatches: Vec<String>,
}

fn redact_web_action(action: &WebAction) -> WebAction {
    match action {
        WebAction::CompleteAuthentication { .. } => WebAction::CompleteAuthentication {
            location: Secret::new(format!(
                "{}://{}?{}=[redacted]",
                crate::account_driven::CALLBACK_SCHEME,
                crate::account_driven::CALLBACK_HOST,
                crate::account_driven::ACCESS_TOKEN_PARAM
            )),
        },
        other => other.clone(),
    }
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| serde_json::Value::String(format!("<unserializable: {e}>")))
}

impl Scenario {
    /// Parses scenario JSON and checks its settings or policy.
    pub fn from_json(text: &str) -> Result<Scenario, FlowError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(FlowError::Scenario(format!(
                "larger than {MAX_SCENARIO_BYTES} bytes"
            )));
        }
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| FlowError::Scenario(e.to_string()))?;
        let events = match &scenario {
            Scenario::WebEnrollment(s) => {
                s.settings.validate()?;
                s.events.len()
            }
            Scenario::LoginWindow(s) => {
                s.policy.validate()?;
                if s.device.is_none() && s.start.is_none() {
                    return Err(FlowError::Scenario(
                        "a login_window scenario needs device or start".into(),
                    ));
                }
                s.events.len()
            }
        };
        if events > MAX_EVENTS {
            return Err(FlowError::Scenario(format!(
                "more than {MAX_EVENTS} events"
            )));
        }
        Ok(scenario)
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        match self {
            Scenario::WebEnrollment(s) => &s.name,
            Scenario::LoginWindow(s) => &s.name,
        }
    }

    /// Runs every event and compares the outcome with `expect`.
    pub fn run(&self) -> ScenarioReport {
        match self {
            Scenario::WebEnrollment(s) => run_web(s),
            Scenario::LoginWindow(s) => run_login(s),
        }
    }
}

/// Parses and runs scenario JSON.
pub fn run_json(text: &str) -> Result<ScenarioReport, FlowError> {
    Ok(Scenario::from_json(text)?.run())
}

fn run_web(s: &WebScenario) -> ScenarioReport {
    let mut flow = s.start.clone().unwrap_or_default();
    let mut steps = Vec::new();
    for (i, timed) in s.events.iter().enumerate() {
        let from = flow.state.name().to_owned();
        let t = flow.handle(&s.settings, timed.clone());
        flow = t.flow;
        steps.push(StepReport {
            index: i + 1,
            at: timed.at,
            event: timed.event.name().to_owned(),
            from,
            to: flow.state.name().to_owned(),
            actions: t
                .actions
                .iter()
                .map(|a| to_json(&redact_web_action(a)))
                .collect(),
            diagnostics: t.diagnostics,
            sign_in_offered: None,
        });
    }
    finish(
        &s.name,
        "web_enrollment",
        steps,
        flow.state.name(),
        &s.expect,
    )
}

fn run_login(s: &LoginScenario) -> ScenarioReport {
    let mut flow = match (&s.start, &s.device) {
        (Some(start), _) => start.clone(),
        (None, Some(device)) => LoginWindowFlow::new(device.clone()),
        (None, None) => {
            return finish(
                &s.name,
                "login_window",
                Vec::new(),
                "<no device>",
                &s.expect,
            );
        }
    };
    let mut steps = Vec::new();
    for (i, timed) in s.events.iter().enumerate() {
        let from = flow.state.name().to_owned();
        let t = flow.handle(&s.policy, timed.clone());
        flow = t.flow;
        let offered = login_window_view(&s.policy, flow.state.device())
            .sign_in_option
            .is_some();
        steps.push(StepReport {
            index: i + 1,
            at: timed.at,
            event: timed.event.name().to_owned(),
            from,
            to: flow.state.name().to_owned(),
            actions: t.actions.iter().map(to_json::<LoginAction>).collect(),
            diagnostics: t.diagnostics,
            sign_in_offered: Some(offered),
        });
    }
    finish(&s.name, "login_window", steps, flow.state.name(), &s.expect)
}

fn finish(
    name: &str,
    flow: &str,
    steps: Vec<StepReport>,
    final_state: &str,
    expect: &Expect,
) -> ScenarioReport {
    let diagnostic_codes: Vec<String> = steps
        .iter()
        .flat_map(|s| s.diagnostics.iter().map(|d| d.code.to_string()))
        .collect();
    let mut mismatches = Vec::new();
    if final_state != expect.state {
        mismatches.push(format!(
            "final state is {final_state}, expected {}",
            expect.state
        ));
    }
    if diagnostic_codes != expect.diagnostics {
        mismatches.push(format!(
            "diagnostic codes are [{}], expected [{}]",
            diagnostic_codes.join(", "),
            expect.diagnostics.join(", ")
        ));
    }
    ScenarioReport {
        name: name.to_owned(),
        flow: flow.to_owned(),
        steps,
        final_state: final_state.to_owned(),
        diagnostic_codes,
        expected: expect.clone(),
        passed: mismatches.is_empty(),
        mismatches,
    }
}

impl ScenarioReport {
    /// Human-readable report: every transition, action and diagnostic, then the verdict.
    pub fn to_text(&self) -> String {
        let mut out = format!("scenario {} ({})\n", self.name, self.flow);
        for step in &self.steps {
            out.push_str(&format!(
                "  [{}] {} {}: {} -> {}\n",
                step.index, step.at, step.event, step.from, step.to
            ));
            for action in &step.actions {
                out.push_str(&format!("      action {action}\n"));
            }
            for d in &step.diagnostics {
                out.push_str(&format!("      {d}\n"));
            }
            if let Some(offered) = step.sign_in_offered {
                let word = if offered { "shown" } else { "hidden" };
                out.push_str(&format!("      login window: sign-in option {word}\n"));
            }
        }
        out.push_str(&format!(
            "final state: {}; diagnostics: [{}]\n",
            self.final_state,
            self.diagnostic_codes.join(", ")
        ));
        if self.passed {
            out.push_str("PASS: matches expect\n");
        } else {
            for m in &self.mismatches {
                out.push_str(&format!("FAIL: {m}\n"));
            }
        }
        out
    }
}
