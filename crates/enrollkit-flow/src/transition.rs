//! What every transition returns, and how events carry their time.

use enrollkit_diagnostic::{Code, Diagnostic};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, Timestamp};
use crate::codes;

/// An event with the time it happened. In JSON the event's fields sit next to `at`:
/// `{"at": "2024-05-02T09:00:00Z", "type": "profile_installed"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timed<E> {
    /// When the event happened (host clock).
    pub at: Timestamp,
    /// The event.
    #[serde(flatten)]
    pub event: E,
}

impl<E> Timed<E> {
    /// Pairs an event with its time.
    pub fn new(at: Timestamp, event: E) -> Self {
        Timed { at, event }
    }
}

/// What a transition did with its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The event was accepted; the flow moved on (or stayed where the event leaves it).
    Accepted,
    /// The event was refused and changed nothing, the flow's clock included; `code` says why.
    Rejected {
        /// Why the event was refused.
        code: Code,
    },
    /// The event was accepted and the flow ended in its failed state.
    Failed {
        /// The failure.
        code: Code,
    },
}

impl Outcome {
    /// The code of a rejection or failure.
    pub fn code(self) -> Option<Code> {
        match self {
            Outcome::Accepted => None,
            Outcome::Rejected { code } | Outcome::Failed { code } => Some(code),
        }
    }
}

/// The result of feeding one event to a flow: the new flow value, what happened to the event,
/// the effects the host must carry out, and the diagnostics (failures and notes with their
/// remediation). When an event is rejected the returned flow equals the old one.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition<F, A> {
    /// The flow after the event.
    pub flow: F,
    /// Accepted, rejected or failed.
    pub outcome: Outcome,
    /// Effects for the host, in order.
    pub actions: Vec<A>,
    /// Findings, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl<F, A> Transition<F, A> {
    /// An accepted transition to `flow` with no actions or diagnostics.
    pub fn to(flow: F) -> Self {
        Transition {
            flow,
            outcome: Outcome::Accepted,
            actions: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The event is refused: `unchanged` is the flow exactly as it was, `why` says why.
    pub fn rejected(unchanged: F, why: Diagnostic) -> Self {
        Transition {
            flow: unchanged,
            outcome: Outcome::Rejected { code: why.code },
            actions: Vec::new(),
            diagnostics: vec![why],
        }
    }

    /// The event does not fit the state (`FLOW002`): refused, nothing changes.
    pub fn unexpected(unchanged: F, state: &str, event: &str) -> Self {
        Transition::rejected(
            unchanged,
            codes::UNEXPECTED_EVENT.at(
                "event",
                format!("{event} is not expected in state {state}; the state is unchanged"),
            ),
        )
    }

    /// The flow failed: `failed` is its failed state, `why` the failure.
    pub fn failed(failed: F, why: Diagnostic) -> Self {
        Transition {
            flow: failed,
            outcome: Outcome::Failed { code: why.code },
            actions: Vec::new(),
            diagnostics: vec![why],
        }
    }

    /// True when the event was refused.
    pub fn is_rejected(&self) -> bool {
        matches!(self.outcome, Outcome::Rejected { .. })
    }

    /// Adds an action.
    pub fn with_action(mut self, action: A) -> Self {
        self.actions.push(action);
        self
    }

    /// Adds a diagnostic (a note or warning; rejections and failures come with their own).
    pub fn with_diagnostic(mut self, diagnostic: Diagnostic) -> Self {
        self.diagnostics.push(diagnostic);
        self
    }

    /// Changes the flow value, keeping outcome, actions and diagnostics.
    pub fn map_flow<G>(self, f: impl FnOnce(F) -> G) -> Transition<G, A> {
        Transition {
            flow: f(self.flow),
            outcome: self.outcome,
            actions: self.actions,
            diagnostics: self.diagnostics,
        }
    }
}

/// The timed step both flows share: an event earlier than the flow's clock is rejected with
/// `FLOW001`; otherwise the state handles it, and the clock records the event's time unless
/// the event was rejected, so a rejected event leaves the flow exactly as it was.
pub(crate) fn timed_step<S, A, F>(
    clock: Clock,
    state: S,
    at: Timestamp,
    on_event: impl FnOnce(S) -> Transition<S, A>,
    assemble: impl Fn(Clock, S) -> F,
) -> Transition<F, A> {
    let mut advanced = clock;
    if let Err(e) = advanced.advance(at) {
        return Transition::rejected(assemble(clock, state), e.to_diagnostic("at"));
    }
    let step = on_event(state);
    let kept = if step.is_rejected() { clock } else { advanced };
    step.map_flow(|state| assemble(kept, state))
}
