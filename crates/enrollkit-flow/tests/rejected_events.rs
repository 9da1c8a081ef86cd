//! Regression tests from fuzzing (fuzz target `flow_events`): a rejected event (`FLOW002`) must
//! leave the whole flow unchanged — its time included — as docs/flows.md promises.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::login_window::{DeviceState, LoginEvent, LoginWindowFlow, ProvisioningPolicy};
use enrollkit_flow::secret::Secret;
use enrollkit_flow::transition::Timed;
use enrollkit_flow::web::{
    EnrollmentType, Ownership, Platform, PortalSettings, ProfileRef, WebEnrollment, WebEvent,
};

fn at(minutes: i64) -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-02T09:00:00Z")
        .unwrap()
        .plus_seconds(minutes * 60)
}

fn codes<A>(step: &enrollkit_flow::transition::Transition<impl Sized, A>) -> Vec<&str> {
    step.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_rejected_web_event_does_not_advance_the_clock() {
    let settings = PortalSettings {
        require_idp_auth: true,
        require_mfa: false,
        jit_registration: true,
        default_ownership: Ownership::Personal,
        enrollment_type: EnrollmentType::ProfileDriven,
        auth_url: None,
        profile: ProfileRef {
            identifier: "com.example.enroll".into(),
            name: None,
            bytes: None,
        },
    };
    let opened = WebEvent::PortalOpened {
        platform: Platform::Ios,
        os_version: "17.4".parse().unwrap(),
        entry: None,
    };
    let flow = WebEnrollment::new()
        .handle(&settings, Timed::new(at(0), opened))
        .flow;
    let before = flow.clone();

    // Installing before signing in does not fit `awaiting_sign_in`.
    let step = flow.handle(&settings, Timed::new(at(30), WebEvent::ProfileInstalled));
    assert_eq!(codes(&step), ["FLOW002"]);
    assert_eq!(step.flow, before, "the rejected event changed the flow");
    assert_eq!(step.flow.clock.last(), Some(at(0)));

    // So an event between the last accepted time and the rejected one is still in order.
    let step = step.flow.handle(
        &settings,
        Timed::new(
            at(1),
            WebEvent::ProfileDownloaded {
                authorization: None,
            },
        ),
    );
    assert!(!codes(&step).contains(&"FLOW001"), "{:?}", step.diagnostics);
}

#[test]
fn a_rejected_login_event_does_not_advance_the_clock() {
    let scenario: serde_json::Value = serde_json::from_str(include_str!(
        "../../../examples/scenarios/login-windows-happy.json"
    ))
    .unwrap();
    let policy: ProvisioningPolicy = serde_json::from_value(scenario["policy"].clone()).unwrap();
    let device: DeviceState = serde_json::from_value(scenario["device"].clone()).unwrap();
    let flow = LoginWindowFlow::new(device)
        .handle(&policy, Timed::new(at(0), LoginEvent::SignInSelected))
        .flow;
    assert_eq!(flow.state.name(), "authenticating");
    let before = flow.clone();

    // Credentials before the IdP sign-in do not fit `authenticating`.
    let submitted = LoginEvent::CredentialsSubmitted {
        password: Secret::new("pw"),
        pin: Secret::new("284719"),
    };
    let step = flow.handle(&policy, Timed::new(at(30), submitted));
    assert_eq!(codes(&step), ["FLOW002"]);
    assert_eq!(step.flow, before, "the rejected event changed the flow");

    let step = step
        .flow
        .handle(&policy, Timed::new(at(1), LoginEvent::Cancelled));
    assert!(!codes(&step).contains(&"FLOW001"), "{:?}", step.diagnostics);
}

/// Fuzzing found a refresh that listed two nameless accounts; provisioning then produced a
/// device with duplicate account names. A refresh like that is refused and changes nothing.
#[test]
fn a_refresh_listing_an_account_twice_or_without_a_name_is_refused() {
    use enrollkit_flow::login_window::{DeviceSnapshot, LocalAccount};
    let scenario: serde_json::Value = serde_json::from_str(include_str!(
        "../../../examples/scenarios/login-macos-happy.json"
    ))
    .unwrap();
    let policy: ProvisioningPolicy = serde_json::from_value(scenario["policy"].clone()).unwrap();
    let device: DeviceState = serde_json::from_value(scenario["device"].clone()).unwrap();
    let flow = LoginWindowFlow::new(device);
    let account = |name: &str| LocalAccount {
        name: name.into(),
        full_name: None,
        managed: false,
    };
    let refresh = |accounts| LoginEvent::Refresh {
        device: DeviceSnapshot {
            accounts,
            online: None,
            ip_address: None,
        },
    };
    for (accounts, why) in [
        (vec![account(""), account("")], "has no name"),
        (vec![account("admin"), account("Admin")], "listed twice"),
    ] {
        let before = flow.clone();
        let step = flow
            .clone()
            .handle(&policy, Timed::new(at(1), refresh(accounts)));
        assert_eq!(codes(&step), ["FLOW213"]);
        assert!(
            step.diagnostics[0].message.contains(why),
            "{:?}",
            step.diagnostics
        );
        assert_eq!(step.flow, before, "the refused refresh changed the flow");
    }
    // Distinct names are taken.
    let step = flow.handle(
        &policy,
        Timed::new(at(1), refresh(vec![account("admin"), account("guest")])),
    );
    assert!(codes(&step).is_empty(), "{:?}", step.diagnostics);
    assert_eq!(step.flow.state.device().accounts.len(), 2);
}
