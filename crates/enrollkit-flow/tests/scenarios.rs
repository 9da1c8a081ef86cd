//! Runs every example scenario and asserts each remediation path by its code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_flow::Coded;
use std::path::{Path, PathBuf};

use enrollkit_flow::Code;
use enrollkit_flow::codes;
use enrollkit_flow::scenario::{Scenario, ScenarioReport, run_json};

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios")
}

fn load(name: &str) -> ScenarioReport {
    let text = std::fs::read_to_string(scenario_dir().join(format!("{name}.json"))).unwrap();
    run_json(&text).unwrap()
}

#[test]
fn every_example_scenario_meets_its_expectation() {
    let mut count = 0;
    for entry in std::fs::read_dir(scenario_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let report = run_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert!(report.passed, "{}:\n{}", path.display(), report.to_text());
            count += 1;
        }
    }
    assert!(count >= 20, "only {count} scenarios");
}

/// Each remediation case: the scenario fails (or warns) with exactly this code, and the
/// diagnostic carries the code table's remediation.
#[test]
fn remediation_cases_by_code() {
    let cases = [
        ("web-jit-off", codes::USER_NOT_FOUND, "failed"),
        ("web-os-too-old", codes::OS_TOO_OLD, "failed"),
        ("web-expired-profile", codes::PROFILE_EXPIRED, "enrolled"),
        (
            "web-replaced-pending-download",
            codes::PENDING_PROFILE_REPLACED,
            "enrolled",
        ),
        (
            "web-personal-account-rejected",
            codes::PERSONAL_APPLE_ACCOUNT,
            "failed",
        ),
        (
            "web-managed-account-mismatch",
            codes::MANAGED_ACCOUNT_MISMATCH,
            "failed",
        ),
        ("web-payload-mismatch", codes::PAYLOAD_MISMATCH, "failed"),
        ("web-apns-blocked", codes::APNS_BLOCKED, "failed"),
        ("web-clock-wrong", codes::DEVICE_CLOCK_WRONG, "failed"),
        (
            "web-event-time-backwards",
            codes::CLOCK_WENT_BACKWARDS,
            "profile_pending",
        ),
        // iOS 18 cannot enroll from a Safari download: the portal sends the user to Settings.
        (
            "web-ios18-profile-driven-switches",
            codes::PROFILE_DRIVEN_UNAVAILABLE,
            "sent_to_settings",
        ),
        (
            "web-ios18-profile-driven-switches",
            codes::SIGN_IN_UNDER_SETTINGS,
            "sent_to_settings",
        ),
        (
            "web-account-driven-no-token",
            codes::BEARER_TOKEN_REJECTED,
            "enrolled",
        ),
        (
            "login-account-already-exists",
            codes::ACCOUNT_ALREADY_EXISTS,
            "failed",
        ),
        ("login-windows-weak-pin", codes::PIN_PATTERN, "provisioned"),
        (
            "login-reserved-name",
            codes::NO_USABLE_ACCOUNT_NAME,
            "failed",
        ),
        (
            "login-subject-fallback",
            codes::ACCOUNT_NAMED_AFTER_SUBJECT,
            "provisioned",
        ),
        (
            "login-windows-password-mismatch",
            codes::PASSWORD_MISMATCH,
            "provisioned",
        ),
        (
            "login-one-time-rule",
            codes::SELF_SERVICE_ALREADY_USED,
            "idle",
        ),
        (
            "login-refresh-after-admin-bind",
            codes::MANAGED_USER_PRESENT,
            "idle",
        ),
        ("login-mfa-required", codes::LOGIN_MFA_REQUIRED, "failed"),
        (
            "login-disabled-by-policy",
            codes::SELF_SERVICE_DISABLED,
            "idle",
        ),
        ("login-agent-not-running", codes::AGENT_NOT_RUNNING, "idle"),
        ("login-windows-arm64", codes::UNSUPPORTED_DEVICE, "idle"),
        (
            "login-windows-home-edition",
            codes::UNSUPPORTED_DEVICE,
            "idle",
        ),
        (
            "login-windows-entra-joined",
            codes::DIRECTORY_JOINED,
            "idle",
        ),
        (
            "login-macos26-platform-sso",
            codes::FIRST_ACCOUNT_BY_PLATFORM_SSO,
            "idle",
        ),
        (
            "login-macos15-platform-sso-fallback",
            codes::PLATFORM_SSO_NEEDS_MACOS_26,
            "provisioned",
        ),
    ];
    for (name, code, state) in cases {
        let report = load(name);
        assert_eq!(report.final_state, state, "{name}");
        let found = report
            .steps
            .iter()
            .flat_map(|s| &s.diagnostics)
            .find(|d| d.code == code.as_str())
            .unwrap_or_else(|| panic!("{name}: no {}", code.as_str()));
        assert_eq!(found.remediation, code.remediation(), "{name}");
        assert_eq!(found.severity, code.severity(), "{name}");
    }
}

#[test]
fn remediation_texts_say_what_the_reference_flows_say() {
    let r = |c: Code| c.remediation().to_lowercase();
    assert!(r(codes::PROFILE_EXPIRED).contains("sign in at the portal again"));
    assert!(r(codes::PROFILE_EXPIRED).contains("fresh profile"));
    assert!(r(codes::PAYLOAD_MISMATCH).contains("remove the existing management profile"));
    assert!(r(codes::APNS_BLOCKED).contains("cellular"));
    assert!(r(codes::APNS_BLOCKED).contains("firewall"));
    assert!(r(codes::DEVICE_CLOCK_WRONG).contains("set automatically"));
    assert!(r(codes::ACCOUNT_ALREADY_EXISTS).contains("contact your admin"));
    assert!(
        codes::PAYLOAD_MISMATCH
            .summary()
            .contains("The new MDM payload does not match the old payload")
    );
}

#[test]
fn jit_creates_user_keyed_by_issuer_and_subject_and_tags_ownership() {
    let report = load("web-jit-create");
    let actions: Vec<_> = report.steps.iter().flat_map(|s| &s.actions).collect();
    let create = actions
        .iter()
        .find(|a| a["action"] == "create_user")
        .unwrap();
    assert_eq!(create["key"]["issuer"], "https://login.example.com");
    assert_eq!(create["key"]["subject"], "00u8f3kq2");
    let tag = actions
        .iter()
        .find(|a| a["action"] == "tag_device")
        .unwrap();
    assert_eq!(tag["ownership"], "personal");
    assert_eq!(tag["enrollment"], "profile_driven_user_enrollment");
    let serve = actions
        .iter()
        .find(|a| a["action"] == "serve_profile")
        .unwrap();
    assert_eq!(serve["content_type"], "application/x-apple-aspen-config");
    // Downloaded at 09:02:00, so iOS deletes it at 09:10:00.
    assert_eq!(serve["install_by"], "2024-05-02T09:10:00Z");
    // An existing directory user is not created again.
    let report = load("web-profile-driven-happy");
    assert!(
        !report
            .steps
            .iter()
            .flat_map(|s| &s.actions)
            .any(|a| a["action"] == "create_user")
    );
}

#[test]
fn account_driven_callback_is_redacted_in_reports_and_challenge_is_exact() {
    let report = load("web-account-driven-no-token");
    let text = report.to_text();
    assert!(!text.contains("tok-7Hq2Lx9"), "{text}");
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("tok-7Hq2Lx9"));
    let challenge = report
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .find(|a| a["action"] == "challenge")
        .unwrap();
    assert_eq!(
        challenge["www_authenticate"],
        "Bearer method=\"apple-as-web\", url=\"https://enroll.example.com/account-driven/auth\""
    );
}

#[test]
fn login_window_creates_account_with_policy_permission_and_hides_option() {
    let report = load("login-windows-happy");
    let create = report
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .find(|a| a["action"] == "create_local_account")
        .unwrap();
    assert_eq!(create["name"], "holly.flax");
    assert_eq!(create["permission"], "standard");
    assert_eq!(create["set_pin"], true);
    assert_eq!(report.steps.last().unwrap().sign_in_offered, Some(false));
    assert_eq!(report.steps.first().unwrap().sign_in_offered, Some(true));
    let report = load("login-windows-numeric-suffix");
    let create = report
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .find(|a| a["action"] == "create_local_account")
        .unwrap();
    assert_eq!(create["name"], "hank.declan2");
}

#[test]
fn a_wrong_expectation_fails_the_scenario() {
    let text = std::fs::read_to_string(scenario_dir().join("web-jit-off.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["expect"]["state"] = "enrolled".into();
    let report = run_json(&value.to_string()).unwrap();
    assert!(!report.passed);
    assert_eq!(report.mismatches.len(), 1);
    value["expect"]["diagnostics"] = serde_json::json!([]);
    let report = run_json(&value.to_string()).unwrap();
    assert_eq!(report.mismatches.len(), 2);
}

#[test]
fn bad_scenarios_are_coded_errors() {
    assert_eq!(run_json("{").unwrap_err().code(), "FLOW900");
    assert_eq!(
        run_json(r#"{"flow":"teleport"}"#).unwrap_err().code(),
        "FLOW900"
    );
    let text = std::fs::read_to_string(scenario_dir().join("web-jit-off.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["settings"]["profile"]["identifier"] = "".into();
    assert_eq!(run_json(&value.to_string()).unwrap_err().code(), "FLOW003");
    value["events"][0]["at"] = "yesterday".into();
    assert_eq!(run_json(&value.to_string()).unwrap_err().code(), "FLOW900");
    let scenario = Scenario::from_json(&text).unwrap();
    assert_eq!(scenario.name(), "web-jit-off");
}

/// Issue 18: `root@example.com` is not silently given an account named after the IdP subject.
#[test]
fn a_reserved_name_is_a_coded_outcome_not_an_account_named_after_sub() {
    let report = load("login-reserved-name");
    assert_eq!(report.final_state, "failed");
    let text = serde_json::to_string(&report.steps).unwrap();
    assert!(!text.contains("create_local_account"), "{text}");
    let d = report
        .steps
        .iter()
        .flat_map(|s| &s.diagnostics)
        .find(|d| d.code == "FLOW205")
        .unwrap();
    assert!(
        d.message.contains("\"root\": reserved system account name"),
        "{}",
        d.message
    );
}

/// Issue 18: macOS accounts can be created as administrators with passwordless sudo; a Windows
/// policy asking for it is refused (Windows has no such level).
#[test]
fn passwordless_sudo_is_a_macos_permission() {
    let text = std::fs::read_to_string(scenario_dir().join("login-macos-happy.json")).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["policy"]["macos"]["permission"] = "passwordless_sudo".into();
    let report = run_json(&scenario.to_string()).unwrap();
    assert_eq!(report.final_state, "provisioned");
    let actions = serde_json::to_value(&report.steps).unwrap().to_string();
    assert!(
        actions.contains(r#""action":"create_local_account""#)
            && actions.contains(r#""permission":"passwordless_sudo""#),
        "{actions}"
    );
    scenario["policy"]["windows"]["permission"] = "passwordless_sudo".into();
    let err = run_json(&scenario.to_string()).unwrap_err();
    assert_eq!(err.code(), "FLOW003");
    assert!(err.to_string().contains("macOS only"), "{err}");
}

/// Issue 18: prerequisites hide the option with the code that says which one is missing, and
/// facts the agent did not report are not held against the device.
#[test]
fn prerequisites_are_checked_only_when_reported() {
    let text = std::fs::read_to_string(scenario_dir().join("login-windows-happy.json")).unwrap();
    let base: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (key, value, expected) in [
        ("agent_running", serde_json::json!(true), "provisioned"),
        (
            "windows_edition",
            serde_json::json!("enterprise"),
            "provisioned",
        ),
        ("windows_edition", serde_json::json!("server"), "idle"),
        ("architecture", serde_json::json!("x64"), "provisioned"),
        ("directory_join", serde_json::json!("none"), "provisioned"),
        (
            "directory_join",
            serde_json::json!("active_directory"),
            "idle",
        ),
    ] {
        let mut scenario = base.clone();
        scenario["device"][key] = value.clone();
        scenario["expect"]["state"] = expected.into();
        if expected == "idle" {
            scenario["expect"]["diagnostics"] = serde_json::json!([]);
        }
        let report = run_json(&scenario.to_string()).unwrap();
        assert_eq!(report.final_state, expected, "{key} = {value}");
    }
}

/// Issue 18: without password sync the Windows prompt asks for a new local password (no
/// match against the IdP's), a blank one is refused, and the account says so.
#[test]
fn without_password_sync_the_local_password_is_the_users_own() {
    let report = load("login-windows-no-password-sync");
    assert!(report.passed, "{}", report.to_text());
    let actions = serde_json::to_value(&report.steps).unwrap().to_string();
    assert!(
        actions.contains(r#""reconfirm_password":false"#),
        "{actions}"
    );
    assert!(actions.contains(r#""password_synced":false"#), "{actions}");
    let text = std::fs::read_to_string(scenario_dir().join("login-windows-no-password-sync.json"))
        .unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["events"][2]["password"] = "  ".into();
    scenario["expect"]["state"] = "confirming_credentials".into();
    scenario["expect"]["diagnostics"] = serde_json::json!(["FLOW210"]);
    let report = run_json(&scenario.to_string()).unwrap();
    assert!(report.passed, "{}", report.to_text());
    // With sync on (the happy scenario) the prompt reconfirms and the account is synced.
    let actions = serde_json::to_value(&load("login-windows-happy").steps)
        .unwrap()
        .to_string();
    assert!(
        actions.contains(r#""reconfirm_password":true"#),
        "{actions}"
    );
    assert!(actions.contains(r#""password_synced":true"#), "{actions}");
}
