#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 18: the macOS login-window policy as a profile. Python's plistlib reads what is
//! written; the lint checks it against Apple's schema for macOS.

use std::process::{Command, Stdio};

use enrollkit::Coded;
use enrollkit::flow::login_window::{FirstAccount, Permission, ProvisioningPolicy};
use enrollkit::lint::{LintContext, Platform};
use enrollkit::login_window::{PlatformSsoExtension, login_window_profile};

fn policy() -> ProvisioningPolicy {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/scenarios/login-macos26-platform-sso.json"),
    )
    .unwrap();
    let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(scenario["policy"].clone()).unwrap()
}

const READ: &str = r#"
import json, plistlib, sys
profile = plistlib.loads(sys.stdin.buffer.read())
out = {}
for p in profile["PayloadContent"]:
    out[p["PayloadType"]] = p
print(json.dumps(out, default=str))
"#;

fn read_with_plistlib(xml: &[u8]) -> serde_json::Value {
    use std::io::Write;
    let mut child = Command::new("python3")
        .args(["-c", READ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed");
    child.stdin.take().unwrap().write_all(xml).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_policy_becomes_a_login_window_and_platform_sso_profile() {
    let policy = policy();
    let sso = PlatformSsoExtension::microsoft_enterprise_sso();
    let profile = login_window_profile(&policy, "com.example.loginwindow", Some(&sso)).unwrap();
    let xml = profile.to_xml().unwrap();
    let payloads = read_with_plistlib(&xml);

    let lw = &payloads["com.apple.loginwindow"];
    assert_eq!(
        lw["LoginwindowText"],
        policy.macos.login_window_text.clone().unwrap().as_str()
    );
    let sso_payload = &payloads["com.apple.extensiblesso"];
    assert_eq!(
        sso_payload["ExtensionIdentifier"],
        "com.microsoft.CompanyPortalMac.ssoextension"
    );
    assert_eq!(sso_payload["Type"], "Redirect");
    let psso = &sso_payload["PlatformSSO"];
    assert_eq!(psso["EnableRegistrationDuringSetup"], true);
    assert_eq!(psso["EnableCreateFirstUserDuringSetup"], true);
    assert_eq!(psso["UseSharedDeviceKeys"], true);
    // Password sync on (the default) is the Password method; the policy's permission is the
    // account's privilege; the first naming claim names the account.
    assert_eq!(psso["AuthenticationMethod"], "Password");
    assert_eq!(psso["NewUserAuthorizationMode"], "Standard");
    assert_eq!(
        psso["TokenToUserMapping"]["AccountName"],
        policy.macos.naming.claim_order[0].as_str()
    );

    // Apple's schema for macOS: no errors. The schema data (release 18.1) predates the two
    // macOS 26 keys, so it reports exactly those as unknown.
    let findings = enrollkit::check::lint(&xml, &LintContext::new(Platform::MacOs)).unwrap();
    assert!(findings.iter().all(|d| !d.is_error()), "{findings:#?}");
    let unknown: Vec<&str> = findings
        .iter()
        .filter(|d| d.code == "SCH003")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        unknown
            .iter()
            .all(|m| m.contains("EnableRegistrationDuringSetup")
                || m.contains("EnableCreateFirstUserDuringSetup")),
        "{unknown:?}"
    );

    // Without password sync the Mac uses a Secure Enclave key.
    let mut no_sync = policy.clone();
    no_sync.macos.password_sync = false;
    no_sync.macos.permission = Permission::Admin;
    let xml = login_window_profile(&no_sync, "com.example.loginwindow", Some(&sso))
        .unwrap()
        .to_xml()
        .unwrap();
    let psso = &read_with_plistlib(&xml)["com.apple.extensiblesso"]["PlatformSSO"];
    assert_eq!(psso["AuthenticationMethod"], "UserSecureEnclaveKey");
    assert_eq!(psso["UserAuthorizationMode"], "Admin");
}

#[test]
fn the_agent_path_has_only_the_login_window_payload_and_bad_choices_are_refused() {
    let mut policy = policy();
    policy.macos.first_account = FirstAccount::Agent;
    let profile = login_window_profile(&policy, "com.example.loginwindow", None).unwrap();
    let payloads = read_with_plistlib(&profile.to_xml().unwrap());
    assert_eq!(payloads.as_object().unwrap().len(), 1, "{payloads}");

    policy.macos.first_account = FirstAccount::PlatformSso;
    let err = login_window_profile(&policy, "com.example.loginwindow", None).unwrap_err();
    assert_eq!(err.code(), "FLOW003");
    policy.macos.permission = Permission::PasswordlessSudo;
    let sso = PlatformSsoExtension::microsoft_enterprise_sso();
    let err = login_window_profile(&policy, "com.example.loginwindow", Some(&sso)).unwrap_err();
    assert!(err.to_string().contains("passwordless_sudo"), "{err}");
    policy.macos.permission = Permission::Standard;
    policy.windows.first_account = FirstAccount::PlatformSso;
    let err = login_window_profile(&policy, "com.example.loginwindow", Some(&sso)).unwrap_err();
    assert!(err.to_string().contains("macOS only"), "{err}");
}
