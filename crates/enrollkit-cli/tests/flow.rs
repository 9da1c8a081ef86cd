//! `enrollkit flow run`: every example scenario passes through the binary; JSON output parses;
//! failed expectations and bad input exit 1; bad usage exits 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .output()
        .unwrap()
}

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_scenario_passes_through_the_cli() {
    let files = scenarios();
    assert!(files.len() >= 20);
    for file in files {
        let path = file.to_str().unwrap();
        let out = enrollkit(&["flow", "run", path]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{path}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("PASS: matches expect"), "{stdout}");

        let out = enrollkit(&["flow", "run", path, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{path}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["passed"], true);
        let scenario: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(report["final_state"], scenario["expect"]["state"], "{path}");
        assert_eq!(
            report["diagnostic_codes"], scenario["expect"]["diagnostics"],
            "{path}"
        );
        assert_eq!(
            report["steps"].as_array().unwrap().len(),
            scenario["events"].as_array().unwrap().len(),
            "one step per event"
        );
    }
}

#[test]
fn unmet_expectation_exits_1_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/scenarios/web-payload-mismatch.json");
    let mut scenario: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    scenario["expect"]["diagnostics"] = serde_json::json!(["FLOW112"]);
    let path = dir.path().join("wrong.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let out = enrollkit(&["flow", "run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL: diagnostic codes are [FLOW111], expected [FLOW112]"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrong.json") && stderr.lines().count() == 1,
        "{stderr}"
    );
    let out = enrollkit(&["flow", "run", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], false);
}

#[test]
fn invalid_input_exits_1_and_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"flow\": \"web_enrollment\"").unwrap();
    let out = enrollkit(&["flow", "run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("FLOW900"),
        "{stderr}"
    );
    let out = enrollkit(&[
        "flow",
        "run",
        dir.path().join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(enrollkit(&["flow", "run"]).status.code(), Some(2));
    assert_eq!(enrollkit(&["flow"]).status.code(), Some(2));
}

/// `flow login-profile`: the policy of a scenario becomes a profile Python's plistlib reads,
/// with the Platform SSO payload for a Platform SSO policy and only the login-window payload
/// for the agent path; a file that is not a policy exits 1 with FLOW003.
#[test]
fn login_profile_writes_the_policy_as_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let scenario_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios");
    for (scenario, types) in [
        (
            "login-macos26-platform-sso.json",
            "['com.apple.loginwindow', 'com.apple.extensiblesso']",
        ),
        ("login-macos-happy.json", "['com.apple.loginwindow']"),
    ] {
        let out = dir.path().join("lw.mobileconfig");
        let run = enrollkit(&[
            "flow",
            "login-profile",
            scenario_dir.join(scenario).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--identifier",
            "com.example.lw",
        ]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let read = Command::new("python3")
            .args([
                "-c",
                "import plistlib, sys; p = plistlib.load(open(sys.argv[1], 'rb')); assert p['PayloadIdentifier'] == 'com.example.lw'; print([x['PayloadType'] for x in p['PayloadContent']])",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            read.status.success(),
            "{}",
            String::from_utf8_lossy(&read.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&read.stdout).trim(),
            types,
            "{scenario}"
        );
    }
    let not_policy = dir.path().join("x.json");
    std::fs::write(&not_policy, "{\"org_name\": 7}").unwrap();
    let run = enrollkit(&[
        "flow",
        "login-profile",
        not_policy.to_str().unwrap(),
        "-o",
        dir.path().join("y").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("FLOW003"));
}
