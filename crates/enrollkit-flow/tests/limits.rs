//! Scenario-file limits (docs/limits.md): size and event count are refused with FLOW900
//! before anything runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_flow::Coded;
use enrollkit_flow::scenario::{MAX_EVENTS, MAX_SCENARIO_BYTES, Scenario};

fn web_scenario(events: usize, description: &str) -> String {
    let event = r#"{"at": "2024-05-02T09:00:00Z", "type": "profile_installed"}"#;
    let events = vec![event; events].join(",");
    format!(
        r#"{{"name": "limits", "description": "{description}", "flow": "web_enrollment",
  "settings": {{"default_ownership": "personal", "enrollment_type": "profile_driven",
                "profile": {{"identifier": "com.example.enroll", "name": "byod"}}}},
  "events": [{events}], "expect": {{"state": "awaiting_portal"}}}}"#
    )
}

#[test]
fn event_count_limit() {
    if let Err(e) = Scenario::from_json(&web_scenario(MAX_EVENTS, "")) {
        panic!("{e}");
    }
    let err = Scenario::from_json(&web_scenario(MAX_EVENTS + 1, "")).unwrap_err();
    assert_eq!(err.code(), "FLOW900");
    assert!(err.to_string().contains("more than 10000 events"), "{err}");
}

#[test]
fn scenario_size_limit() {
    let big = web_scenario(1, &"x".repeat(MAX_SCENARIO_BYTES));
    assert!(big.len() > MAX_SCENARIO_BYTES);
    let err = Scenario::from_json(&big).unwrap_err();
    assert_eq!(err.code(), "FLOW900");
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
}
