//! Arbitrary event sequences on arbitrary flow states: every transition must keep the flow's
//! invariants, reject out-of-order events without change, survive a JSON round trip, and emit
//! only documented diagnostic codes.
//!
//! Input byte 0 picks the mode: even → the rest is a scenario file (`run_json`); odd → the rest
//! drives `arbitrary`: a start state (any state reached by an example scenario, optionally with
//! one JSON leaf mutated), settings or policy (likewise), and up to 64 events taken from the
//! example scenarios with mutated fields and arbitrary time steps (backwards included).
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Result as ArbResult, Unstructured};
use enrollkit_diagnostic::Diagnostic;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::login_window::{
    LoginEvent, LoginWindowFlow, ProvisioningPolicy, login_window_view,
};
use enrollkit_flow::run_json;
use enrollkit_flow::scenario::Scenario;
use enrollkit_flow::transition::{Outcome, Timed};
use enrollkit_flow::web::{PortalSettings, WebEnrollment, WebEvent};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SCENARIOS: &[&str] = &[
    include_str!("../../examples/scenarios/login-account-already-exists.json"),
    include_str!("../../examples/scenarios/login-disabled-by-policy.json"),
    include_str!("../../examples/scenarios/login-macos-happy.json"),
    include_str!("../../examples/scenarios/login-mfa-required.json"),
    include_str!("../../examples/scenarios/login-one-time-rule.json"),
    include_str!("../../examples/scenarios/login-refresh-after-admin-bind.json"),
    include_str!("../../examples/scenarios/login-reserved-name.json"),
    include_str!("../../examples/scenarios/login-subject-fallback.json"),
    include_str!("../../examples/scenarios/login-windows-happy.json"),
    include_str!("../../examples/scenarios/login-windows-numeric-suffix.json"),
    include_str!("../../examples/scenarios/login-windows-password-mismatch.json"),
    include_str!("../../examples/scenarios/login-windows-weak-pin.json"),
    include_str!("../../examples/scenarios/web-account-driven-happy.json"),
    include_str!("../../examples/scenarios/web-account-driven-no-token.json"),
    include_str!("../../examples/scenarios/web-apns-blocked.json"),
    include_str!("../../examples/scenarios/web-clock-wrong.json"),
    include_str!("../../examples/scenarios/web-corporate-account-driven-device.json"),
    include_str!("../../examples/scenarios/web-event-time-backwards.json"),
    include_str!("../../examples/scenarios/web-expired-profile.json"),
    include_str!("../../examples/scenarios/web-ios18-profile-driven-switches.json"),
    include_str!("../../examples/scenarios/web-jit-create.json"),
    include_str!("../../examples/scenarios/web-jit-off.json"),
    include_str!("../../examples/scenarios/web-managed-account-mismatch.json"),
    include_str!("../../examples/scenarios/web-os-too-old.json"),
    include_str!("../../examples/scenarios/web-payload-mismatch.json"),
    include_str!("../../examples/scenarios/web-personal-account-rejected.json"),
    include_str!("../../examples/scenarios/web-profile-driven-happy.json"),
    include_str!("../../examples/scenarios/web-replaced-pending-download.json"),
];

/// JSON building blocks harvested from the example scenarios.
#[derive(Default)]
struct Pools {
    web_settings: Vec<Value>,
    web_states: Vec<Value>,
    web_events: Vec<Value>,
    login_policies: Vec<Value>,
    login_states: Vec<Value>,
    login_events: Vec<Value>,
    /// Every string that occurs in a scenario: a dictionary of meaningful values.
    words: Vec<String>,
}

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(|| {
        let mut p = Pools::default();
        for text in SCENARIOS {
            let raw: Value = serde_json::from_str(text).expect("example scenario is JSON");
            collect_words(&raw, &mut p.words);
            match Scenario::from_json(text).expect("example scenario parses") {
                Scenario::WebEnrollment(s) => {
                    p.web_settings
                        .push(serde_json::to_value(&s.settings).unwrap());
                    let mut flow = s.start.clone().unwrap_or_default();
                    p.web_states.push(serde_json::to_value(&flow).unwrap());
                    for e in &s.events {
                        p.web_events.push(serde_json::to_value(e).unwrap());
                        flow = flow.handle(&s.settings, e.clone()).flow;
                        p.web_states.push(serde_json::to_value(&flow).unwrap());
                    }
                }
                Scenario::LoginWindow(s) => {
                    p.login_policies
                        .push(serde_json::to_value(&s.policy).unwrap());
                    let mut flow = match (&s.start, &s.device) {
                        (Some(start), _) => start.clone(),
                        (None, Some(device)) => LoginWindowFlow::new(device.clone()),
                        (None, None) => continue,
                    };
                    p.login_states.push(serde_json::to_value(&flow).unwrap());
                    for e in &s.events {
                        p.login_events.push(serde_json::to_value(e).unwrap());
                        flow = flow.handle(&s.policy, e.clone()).flow;
                        p.login_states.push(serde_json::to_value(&flow).unwrap());
                    }
                }
            }
        }
        p.words.sort();
        p.words.dedup();
        p
    })
}

fn collect_words(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_words(i, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push(k.clone());
            collect_words(v, out);
        }),
        _ => {}
    }
}

/// Picks one of `pool`, then replaces up to three leaves (or drops a key) at random.
fn pick_mutated(u: &mut Unstructured, pool: &[Value], words: &[String]) -> ArbResult<Value> {
    let mut value = u.choose(pool)?.clone();
    for _ in 0..u.int_in_range(0..=3)? {
        mutate(u, &mut value, words)?;
    }
    Ok(value)
}

fn mutate(u: &mut Unstructured, v: &mut Value, words: &[String]) -> ArbResult<()> {
    match v {
        Value::Object(map) if !map.is_empty() && u.ratio(3, 4)? => {
            let key = u.choose(&map.keys().cloned().collect::<Vec<_>>())?.clone();
            if u.ratio(1, 8)? {
                map.remove(&key);
                return Ok(());
            }
            match map.get_mut(&key) {
                Some(child) => mutate(u, child, words),
                None => Ok(()),
            }
        }
        Value::Array(items) if !items.is_empty() && u.ratio(3, 4)? => {
            let i = u.choose_index(items.len())?;
            mutate(u, &mut items[i], words)
        }
        _ => {
            *v = match u.int_in_range(0..=5)? {
                0 => Value::String(u.choose(words)?.clone()),
                1 => Value::String(u.arbitrary::<String>()?),
                2 => Value::Bool(u.arbitrary()?),
                3 => Value::from(u.arbitrary::<i64>()?),
                4 => Value::Null,
                _ => Value::Array(vec![Value::String(u.choose(words)?.clone())]),
            };
            Ok(())
        }
    }
}

/// The next event time: mostly small steps forward, sometimes backwards or far away.
fn next_time(u: &mut Unstructured, prev: Timestamp) -> ArbResult<Timestamp> {
    let delta: i64 = match u.int_in_range(0..=9)? {
        0 => -i64::from(u.int_in_range(1u32..=3600)?),
        1 => i64::from(u.arbitrary::<i32>()?) * 60,
        2 => 0,
        _ => i64::from(u.int_in_range(1u32..=600)?),
    };
    Ok(Timestamp::from_unix(prev.unix().saturating_add(delta)).unwrap_or(prev))
}

fn check_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            d.code.area() == enrollkit_diagnostic::Area::Flow,
            "undocumented code {}",
            d.code
        );
        assert!(!d.remediation.is_empty(), "{} has no remediation", d.code);
    }
}

/// Serialises and reads back `flow`. Called on the start state and after each step that
/// changed the flow: an unchanged flow was already checked, and this is the costly part.
fn assert_json_round_trip<T>(flow: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(flow).expect("flow serializes");
    let back: T = serde_json::from_str(&json).expect("flow deserializes");
    assert_eq!(&back, flow, "JSON round trip changed the flow");
}

fn only_clock_rejection(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.len() == 1 && diagnostics[0].code == "FLOW001"
}

fn fuzz_web(u: &mut Unstructured, p: &Pools) -> ArbResult<()> {
    let Ok(settings) =
        serde_json::from_value::<PortalSettings>(pick_mutated(u, &p.web_settings, &p.words)?)
    else {
        return Ok(());
    };
    if settings.validate().is_err() {
        return Ok(());
    }
    let Ok(mut flow) =
        serde_json::from_value::<WebEnrollment>(pick_mutated(u, &p.web_states, &p.words)?)
    else {
        return Ok(());
    };
    // A mutated start state may be inconsistent; judge invariants only from a consistent one.
    let consistent = flow.check_invariants().is_ok();
    assert_json_round_trip(&flow);
    let mut at = flow
        .clock
        .last()
        .unwrap_or(Timestamp::from_unix(1_714_640_400).unwrap_or(Timestamp::from_unix(0).unwrap()));
    for _ in 0..u.int_in_range(1..=64)? {
        let Ok(mut event) =
            serde_json::from_value::<Timed<WebEvent>>(pick_mutated(u, &p.web_events, &p.words)?)
        else {
            continue;
        };
        at = next_time(u, at)?;
        event.at = at;
        let before = flow.clone();
        let step = flow.handle(&settings, event);
        flow = step.flow;
        check_diagnostics(&step.diagnostics);
        if before.clock.last().is_some_and(|last| at < last) {
            assert_eq!(flow, before, "an out-of-order event changed the flow");
            assert!(step.actions.is_empty());
            assert!(
                only_clock_rejection(&step.diagnostics),
                "{:?}",
                step.diagnostics
            );
        }
        if matches!(step.outcome, Outcome::Rejected { .. }) {
            assert_eq!(flow, before, "a rejected event changed the flow");
        }
        if consistent {
            if let Err(e) = flow.check_invariants() {
                panic!("invariant broken: {e}: {flow:?}");
            }
        }
        if flow != before {
            assert_json_round_trip(&flow);
        }
        let now = flow.clock.last().map_or(at, |last| last.max(at));
        // Window bounds are derived from recorded times, so they hold only in consistent flows.
        if let (true, Ok(status)) = (consistent, flow.status(now)) {
            if let Some(w) = status.install_window {
                assert!((0..=480).contains(&w.seconds_left), "{w:?}");
            }
        }
    }
    Ok(())
}

fn fuzz_login(u: &mut Unstructured, p: &Pools) -> ArbResult<()> {
    let Ok(policy) =
        serde_json::from_value::<ProvisioningPolicy>(pick_mutated(u, &p.login_policies, &p.words)?)
    else {
        return Ok(());
    };
    if policy.validate().is_err() {
        return Ok(());
    }
    let Ok(mut flow) =
        serde_json::from_value::<LoginWindowFlow>(pick_mutated(u, &p.login_states, &p.words)?)
    else {
        return Ok(());
    };
    let consistent = flow.check_invariants(&policy).is_ok();
    assert_json_round_trip(&flow);
    let mut at = flow
        .clock
        .last()
        .unwrap_or(Timestamp::from_unix(1_714_640_400).unwrap_or(Timestamp::from_unix(0).unwrap()));
    for _ in 0..u.int_in_range(1..=64)? {
        let Ok(mut event) = serde_json::from_value::<Timed<LoginEvent>>(pick_mutated(
            u,
            &p.login_events,
            &p.words,
        )?) else {
            continue;
        };
        at = next_time(u, at)?;
        event.at = at;
        let before = flow.clone();
        let step = flow.handle(&policy, event);
        flow = step.flow;
        check_diagnostics(&step.diagnostics);
        if before.clock.last().is_some_and(|last| at < last) {
            assert_eq!(flow, before, "an out-of-order event changed the flow");
            assert!(
                only_clock_rejection(&step.diagnostics),
                "{:?}",
                step.diagnostics
            );
        }
        if matches!(step.outcome, Outcome::Rejected { .. }) {
            assert_eq!(flow, before, "a rejected event changed the flow");
        }
        if consistent {
            if let Err(e) = flow.check_invariants(&policy) {
                panic!("invariant broken: {e}: {flow:?}");
            }
        }
        if flow != before {
            assert_json_round_trip(&flow);
        }
        let _ = login_window_view(&policy, flow.state.device());
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        if let Ok(text) = std::str::from_utf8(rest) {
            if let Ok(report) = run_json(text) {
                let _ = report.to_text();
                for step in &report.steps {
                    check_diagnostics(&step.diagnostics);
                }
            }
        }
        return;
    }
    let p = pools();
    let mut u = Unstructured::new(rest);
    let _ = if mode % 4 == 1 {
        fuzz_web(&mut u, p)
    } else {
        fuzz_login(&mut u, p)
    };
});
