//! What every transition returns, and how events carry their time.

use enrollkit_diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

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

/// The result of feeding one event to a flow: the new flow value, the effects the host must
/// carry out, and the diagnostics (failures with their remediation). When an event is rejected
/// the returned flow equals the old one and `diagnostics` says why.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition<F, A> {
    /// The flow after the event.
    pub flow: F,
    /// Effects for the host, in order.
    pub actions: Vec<A>,
    /// Findings, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl<F, A> Transition<F, A> {
    /// A transition to `flow` with no actions or diagnostics.
    pub fn to(flow: F) -> Self {
        Transition {
            flow,
            actions: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Adds an action.
    pub fn with_action(mut self, action: A) -> Self {
        self.actions.push(action);
        self
    }

    /// Adds a diagnostic.
    pub fn with_diagnostic(mut self, diagnostic: Diagnostic) -> Self {
        self.diagnostics.push(diagnostic);
        self
    }

    /// Changes the flow value, keeping actions and diagnostics.
    pub fn map_flow<G>(self, f: impl FnOnce(F) -> G) -> Transition<G, A> {
        Transition {
            flow: f(self.flow),
            actions: self.actions,
            diagnostics: self.diagnostics,
        }
    }
}
