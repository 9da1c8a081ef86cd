//! `enrollkit lint` and `enrollkit check-install`: output format and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn profile(id: &str, uuid: &str, payloads: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>\
         <key>PayloadType</key><string>Configuration</string>\
         <key>PayloadVersion</key><integer>1</integer>\
         <key>PayloadIdentifier</key><string>{id}</string>\
         <key>PayloadDisplayName</key><string>{id} name</string>\
         <key>PayloadUUID</key><string>{uuid}</string>\
         <key>PayloadContent</key><array>{payloads}</array></dict></plist>"
    )
}

fn mdm(prefix: &str, server: &str) -> String {
    format!(
        "<dict><key>PayloadType</key><string>com.apple.security.pkcs12</string>\
         <key>PayloadVersion</key><integer>1</integer>\
         <key>PayloadIdentifier</key><string>{prefix}.id</string>\
         <key>PayloadUUID</key><string>{prefix}1111-1111-4111-8111-111111111111</string>\
         <key>PayloadContent</key><data>AAEC</data></dict>\
         <dict><key>PayloadType</key><string>com.apple.mdm</string>\
         <key>PayloadVersion</key><integer>1</integer>\
         <key>PayloadIdentifier</key><string>{prefix}.mdm</string>\
         <key>PayloadUUID</key><string>{prefix}2222-2222-4222-8222-222222222222</string>\
         <key>IdentityCertificateUUID</key><string>{prefix}1111-1111-4111-8111-111111111111</string>\
         <key>Topic</key><string>com.apple.mgmt.External.1</string>\
         <key>ServerURL</key><string>{server}</string>\
         <key>ServerCapabilities</key><array><string>com.apple.mdm.per-user-connections</string></array></dict>"
    )
}

#[test]
fn lint_clean_profile_exits_0_with_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "ok.mobileconfig",
        &profile(
            "com.a",
            "AAAAAAAA-0000-4000-8000-000000000000",
            &mdm("AAAA", "https://mdm.example.com"),
        ),
    );
    let out = enrollkit(&["lint", &file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn lint_error_exits_1_with_one_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.mobileconfig",
        &profile(
            "com.a",
            "AAAAAAAA-0000-4000-8000-000000000000",
            &mdm("AAAA", "http://mdm.example.com"),
        ),
    );
    let out = enrollkit(&["lint", &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("MDM003")).unwrap();
    assert!(
        line.starts_with(&format!(
            "{file}: ERROR MDM003 PayloadContent[1].ServerURL: "
        )),
        "{line}"
    );
    assert!(line.ends_with("(Serve the MDM endpoints over TLS and use https:// URLs.)"));

    let json = enrollkit(&["lint", "--json", &file]);
    assert_eq!(json.status.code(), Some(1));
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed[0]["file"], file.as_str());
    assert!(
        parsed[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "MDM003" && f["severity"] == "error")
    );
}

#[test]
fn lint_context_options_change_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let vpn = "<dict><key>PayloadType</key><string>com.apple.vpn.managed</string>\
               <key>PayloadVersion</key><integer>1</integer>\
               <key>PayloadIdentifier</key><string>com.a.vpn</string>\
               <key>PayloadUUID</key><string>BBBBBBBB-0000-4000-8000-000000000000</string>\
               <key>VPNType</key><string>IKEv2</string><key>UserDefinedName</key><string>Corp</string></dict>";
    let file = write(
        dir.path(),
        "vpn.mobileconfig",
        &profile("com.a", "AAAAAAAA-0000-4000-8000-000000000000", vpn),
    );
    assert_eq!(
        enrollkit(&["lint", "--platform", "ios", &file])
            .status
            .code(),
        Some(0)
    );
    let ue = enrollkit(&["lint", "--platform", "ios", "--enrollment", "user", &file]);
    assert_eq!(ue.status.code(), Some(1));
    assert!(
        String::from_utf8(ue.stdout)
            .unwrap()
            .contains("ERROR UE001")
    );
    let mac_ue = enrollkit(&[
        "lint",
        "--platform",
        "macos",
        "--enrollment",
        "user",
        "--os-version",
        "14.2",
        &file,
    ]);
    assert_eq!(mac_ue.status.code(), Some(0));
    assert!(
        String::from_utf8(mac_ue.stdout)
            .unwrap()
            .contains("WARNING UE002")
    );
}

#[test]
fn lint_bad_usage_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "x.mobileconfig", "not a plist");
    let out = enrollkit(&["lint", &file]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("x.mobileconfig"));
    assert_eq!(
        enrollkit(&["lint", "--platform", "android", &file])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        enrollkit(&["lint", "--os-version", "1.x", &file])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(enrollkit(&["lint"]).status.code(), Some(2));
}

#[test]
fn check_install_rejects_a_second_mdm_profile() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(
        dir.path(),
        "old.mobileconfig",
        &profile(
            "com.vendor.old",
            "AAAAAAAA-0000-4000-8000-000000000000",
            &mdm("AAAA", "https://old.example.com"),
        ),
    );
    let new = write(
        dir.path(),
        "new.mobileconfig",
        &profile(
            "com.vendor.new",
            "CCCCCCCC-0000-4000-8000-000000000000",
            &mdm("CCCC", "https://new.example.com"),
        ),
    );
    let out = enrollkit(&["check-install", &new, "--installed", &old]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("REJECTED"));
    assert!(text.contains("ERROR CHK002"));
    assert!(text.contains("The new MDM payload does not match the old payload"));
    assert!(text.contains(
        "Remove the existing management profile \"com.vendor.old name\" (com.vendor.old)"
    ));

    // A fresh device, or a replacement of the same profile, accepts it.
    assert_eq!(enrollkit(&["check-install", &new]).status.code(), Some(0));
    let json = enrollkit(&["check-install", &old, "--installed", &old, "--json"]);
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["outcome"]["kind"], "replace");
    assert_eq!(report["plan"][1]["change"], "updated-in-place");
}

#[test]
fn check_install_reads_a_profile_list_answer() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "profiles.plist",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>\
         <key>Status</key><string>Acknowledged</string><key>ProfileList</key><array><dict>\
         <key>PayloadIdentifier</key><string>com.vendor.old</string>\
         <key>PayloadUUID</key><string>X</string>\
         <key>PayloadContent</key><array><dict><key>PayloadType</key><string>com.apple.mdm</string>\
         <key>PayloadIdentifier</key><string>com.vendor.old.mdm</string><key>PayloadUUID</key><string>Y</string>\
         </dict></array></dict></array></dict></plist>",
    );
    let new = write(
        dir.path(),
        "new.mobileconfig",
        &profile(
            "com.vendor.new",
            "CCCCCCCC-0000-4000-8000-000000000000",
            &mdm("CCCC", "https://new.example.com"),
        ),
    );
    let out = enrollkit(&["check-install", &new, "--installed", &list, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"]["kind"], "rejected");
    assert_eq!(report["diagnostics"][0]["code"], "CHK002");
}

/// Issue 12: check-install runs lint for the same device context, so a profile `lint` rejects
/// is not "installed as a new profile"; the lint finding is named.
#[test]
fn check_install_fails_when_lint_fails_for_the_same_context() {
    let dir = tempfile::tempdir().unwrap();
    let vpn = "<dict><key>PayloadType</key><string>com.apple.vpn.managed</string>\
        <key>PayloadVersion</key><integer>1</integer>\
        <key>PayloadIdentifier</key><string>com.example.vpn.1</string>\
        <key>PayloadUUID</key><string>0D3C5A52-6E43-4E4B-8F3C-2B7E7A4D9C11</string>\
        <key>VPNType</key><string>IKEv2</string><key>UserDefinedName</key><string>Corp</string></dict>";
    let new = write(
        dir.path(),
        "vpn.mobileconfig",
        &profile(
            "com.example.vpn",
            "6E0F1C9A-3B0B-4D46-9F0B-6C2B8C1F7A10",
            vpn,
        ),
    );
    let old = write(
        dir.path(),
        "old.mobileconfig",
        &profile(
            "com.example.old",
            "AAAAAAAA-0000-4000-8000-000000000000",
            &mdm("AAAA", "https://mdm.example.com"),
        ),
    );
    let context = ["--platform", "ios", "--enrollment", "user"];
    let lint = enrollkit(&[&["lint", &new][..], &context].concat());
    assert_eq!(lint.status.code(), Some(1), "lint rejects it");
    assert!(String::from_utf8_lossy(&lint.stdout).contains("UE001"));
    let check = enrollkit(&[&["check-install", &new, "--installed", &old][..], &context].concat());
    assert_eq!(
        check.status.code(),
        Some(1),
        "check-install agrees with lint"
    );
    let text = String::from_utf8(check.stdout).unwrap();
    assert!(text.contains("REJECTED"), "{text}");
    assert!(text.contains("ERROR UE001 PayloadContent[0]"), "{text}");
    // For device enrollment neither lint nor the install check objects.
    let check = enrollkit(&["check-install", &new, "--installed", &old]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}
