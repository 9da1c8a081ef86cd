#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `enrollkit windows-package`: build from the example config, check files, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/windows")
}

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .envs(package_secrets())
        .output()
        .unwrap()
}

/// The example config's `{ env = "NAME" }` secrets, as the CI job would set them.
fn package_secrets() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bindings/fixtures/package-secrets.json"),
    )
    .unwrap();
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    map.into_iter().collect()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn builds_the_example_and_checks_the_result() {
    let out = tempfile::tempdir().unwrap();
    let config = examples().join("onboarding.toml");
    let run = build_package(&config, out.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in [
        "customizations.xml",
        "build-manifest.json",
        "build.ps1",
        "assets/agent.msi",
    ] {
        assert!(out.path().join(name).is_file(), "{name} missing");
    }
    let asset = std::fs::read(out.path().join("assets/agent.msi")).unwrap();
    assert_eq!(
        asset,
        std::fs::read(examples().join("assets/agent.msi")).unwrap()
    );
    let xml = out.path().join("customizations.xml");
    let check = enrollkit(&["windows-package", "--check", path(&xml)]);
    assert_eq!(check.status.code(), Some(0));
    assert!(check.stdout.is_empty());
    // The same file is wrong for the common store.
    let check = enrollkit(&[
        "windows-package",
        "--check",
        path(&xml),
        "--store",
        "common",
        "--json",
    ]);
    assert_eq!(check.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["diagnostics"][0]["code"], "PPKG032");
}

#[test]
fn check_reports_one_line_per_finding() {
    let bad = examples().join("bad-customizations.xml");
    let run = enrollkit(&["windows-package", "--check", path(&bad)]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    let prefix = format!("{}: error ", path(&bad));
    for (line, code) in lines
        .iter()
        .zip(["PPKG001", "PPKG002", "PPKG003", "PPKG004"])
    {
        assert!(
            line.starts_with(&format!("{prefix}{code} PackageConfig.")),
            "{line}"
        );
    }
}

#[test]
fn invalid_config_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("p.toml");
    std::fs::write(
        &config,
        "[package]\nname = \"x\"\nversion = \"1.0.0\"\n[oobe]\nhide_oobe = true\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = build_package(&config, &out);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        stdout.contains("PPKG002") && stdout.contains("PPKG013"),
        "{stdout}"
    );
    assert!(!out.exists());
}

#[test]
fn usage_and_input_errors() {
    assert_eq!(enrollkit(&["windows-package"]).status.code(), Some(2));
    let config = examples().join("onboarding.toml");
    assert_eq!(
        enrollkit(&["windows-package", "--config", path(&config)])
            .status
            .code(),
        Some(2)
    );
    let run = enrollkit(&[
        "windows-package",
        "--check",
        "/nonexistent/customizations.xml",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1);
    assert!(
        stderr.contains("/nonexistent/customizations.xml"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    let not_xml = dir.path().join("c.xml");
    std::fs::write(&not_xml, "<plist/>").unwrap();
    let run = enrollkit(&["windows-package", "--check", path(&not_xml)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8(run.stderr).unwrap().contains("PPKG107"));
}

/// A text file saved as `agent.msi` (a download page, the old placeholder) is refused before
/// anything is written: msiexec would fail on the device, mid-OOBE.
#[test]
fn an_msi_that_is_not_an_msi_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::copy(
        examples().join("onboarding.toml"),
        dir.path().join("onboarding.toml"),
    )
    .unwrap();
    let text =
        "Placeholder for the agent MSI. Replace this file with the vendor's MSI.\n".repeat(3);
    std::fs::write(dir.path().join("assets/agent.msi"), &text[..147]).unwrap();
    let out = dir.path().join("out");
    let run = build_package(&dir.path().join("onboarding.toml"), &out);
    assert_refused_before_writing(&run, &out, &["PPKG406", "147-byte"]);
}

fn build_package(config: &Path, out: &Path) -> Output {
    enrollkit(&["windows-package", "--config", path(config), "-o", path(out)])
}

/// Exit 1, every `needle` on stderr, and no output directory.
fn assert_refused_before_writing(run: &Output, out: &Path, needles: &[&str]) {
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    for needle in needles {
        assert!(stderr.contains(needle), "{needle} missing: {stderr}");
    }
    assert!(!out.exists(), "nothing may be written");
}

/// Issue 18: a vendor answer file merged with ours must not hold two MDM enrollments or two
/// computer names. The build refuses the merge (PPKG504) unless `precedence` says which side
/// wins, and `--check` fails on a file that already holds both (PPKG016, PPKG025).
#[test]
fn merging_two_enrollments_or_two_computer_names_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
    std::fs::copy(
        examples().join("assets/agent.msi"),
        dir.path().join("assets/agent.msi"),
    )
    .unwrap();
    std::fs::copy(
        examples().join("vendor-enrollment.xml"),
        dir.path().join("vendor/customizations.xml"),
    )
    .unwrap();
    let toml = std::fs::read_to_string(examples().join("onboarding.toml"))
        .unwrap()
        .replace("# [merge]\n# answer_file", "[merge]\nanswer_file");
    let config = dir.path().join("onboarding.toml");
    std::fs::write(&config, &toml).unwrap();
    let out = dir.path().join("out");
    let run = build_package(&config, &out);
    assert_refused_before_writing(&run, &out, &["PPKG504", "bulk-enroll@vendor.example"]);

    std::fs::write(
        &config,
        toml.replace(
            "answer_file = \"vendor/customizations.xml\"",
            "answer_file = \"vendor/customizations.xml\"\nprecedence = \"ours\"",
        ),
    )
    .unwrap();
    let run = build_package(&config, &out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let xml = std::fs::read_to_string(out.join("customizations.xml")).unwrap();
    assert_eq!(xml.matches("<UPN ").count(), 1, "{xml}");
    assert!(!xml.contains("DNSComputerName"), "{xml}");

    // A file that already holds both: --check exits 1 with one line per finding.
    let both = xml.replace(
        "</Workplace>",
        "</Workplace>\n        <DevDetail><DNSComputerName>VND-%SERIAL%</DNSComputerName></DevDetail>",
    ).replace(
        "<Enrollments>",
        "<Enrollments><UPN UPN=\"bulk-enroll@vendor.example\" Name=\"bulk-enroll@vendor.example\"><AuthPolicy>OnPremise</AuthPolicy><DiscoveryServiceFullUrl>https://mdm.vendor.example/EnrollmentServer/Discovery.svc</DiscoveryServiceFullUrl><Secret>s3cret-vendor</Secret></UPN>",
    );
    let file = dir.path().join("both.xml");
    std::fs::write(&file, both).unwrap();
    let check = enrollkit(&["windows-package", "--check", path(&file)]);
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("PPKG016") && stdout.contains("PPKG025"),
        "{stdout}"
    );
}

/// Issue 18: placeholder secrets fail both the build and `--check` (PPKG026), and a secret
/// read from an unset variable fails the build with the key and the variable (PPKG505).
#[test]
fn placeholder_and_missing_secrets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::copy(
        examples().join("assets/agent.msi"),
        dir.path().join("assets/agent.msi"),
    )
    .unwrap();
    let example = std::fs::read_to_string(examples().join("onboarding.toml")).unwrap();
    let config = dir.path().join("onboarding.toml");
    let out = dir.path().join("out");
    for (from, to) in [
        (
            "password = { env = \"ENROLLKIT_LOCAL_ADMIN_PASSWORD\" }",
            "password = \"CHANGE-ME-local-admin-password\"",
        ),
        (
            "secret = { env = \"ENROLLKIT_ENROLLMENT_SECRET\" }",
            "secret = \"Password1\"",
        ),
        (
            "key = { env = \"ENROLLKIT_WIFI_PASSPHRASE\" }",
            "key = \"xxxxxxxxxxxx\"",
        ),
    ] {
        assert!(example.contains(from), "{from}");
        std::fs::write(&config, example.replace(from, to)).unwrap();
        let run = build_package(&config, &out);
        assert_eq!(run.status.code(), Some(1), "{to}");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(stdout.contains("PPKG026"), "{to}: {stdout}");
        assert!(!out.exists(), "nothing may be written");
    }

    // The check of an answer file someone filled in with the old example values.
    std::fs::write(&config, &example).unwrap();
    assert_eq!(build_package(&config, &out).status.code(), Some(0));
    let xml = std::fs::read_to_string(out.join("customizations.xml")).unwrap();
    let secrets = package_secrets();
    let enrollment = &secrets
        .iter()
        .find(|(k, _)| k == "ENROLLKIT_ENROLLMENT_SECRET")
        .unwrap()
        .1;
    let stale = dir.path().join("stale.xml");
    std::fs::write(
        &stale,
        xml.replace(enrollment.as_str(), "CHANGE-ME-enrollment-secret"),
    )
    .unwrap();
    let check = enrollkit(&["windows-package", "--check", path(&stale), "--json"]);
    assert_eq!(check.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["PPKG026"], "{json}");
    assert!(!String::from_utf8_lossy(&check.stdout).contains("CHANGE-ME-enrollment"));

    // A variable the config reads but the environment lacks.
    let out = dir.path().join("out2");
    let run = Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args([
            "windows-package",
            "--config",
            path(&config),
            "-o",
            path(&out),
        ])
        .envs(package_secrets())
        .env_remove("ENROLLKIT_ENROLLMENT_SECRET")
        .output()
        .unwrap();
    assert_refused_before_writing(
        &run,
        &out,
        &[
            "PPKG505",
            "enrollment.secret",
            "ENROLLKIT_ENROLLMENT_SECRET",
        ],
    );
}

/// Issue 18: the package applies the credential-provider flow's PIN policy (the Windows Hello
/// PIN Complexity policy values), and WPA3/enterprise networks become WLAN profiles added
/// with `netsh`, before the agent installs with `/norestart`.
#[test]
fn pin_policy_and_wlan_profiles_are_in_the_package() {
    let out = tempfile::tempdir().unwrap();
    let run = build_package(&examples().join("onboarding.toml"), out.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let xml = std::fs::read_to_string(out.path().join("customizations.xml")).unwrap();
    let names: Vec<&str> = xml
        .match_indices("<CommandConfig Name=\"")
        .map(|(i, m)| {
            let rest = &xml[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        names,
        ["Add_WiFi_1", "Set_Hello_PIN_Policy", "Install_Agent"]
    );
    assert!(xml.contains(
        r#"<CommandLine>netsh wlan add profile filename="enrollkit-wifi-1.xml" user=all</CommandLine>"#
    ));
    assert!(xml.contains(" /quiet /norestart /l*v "), "{xml}");

    // customizations.xml carries exactly the flow scenario's PIN policy (login-windows-happy:
    // at least 6 digits) as PassportForWork PIN Complexity values; the script writes them
    // under the policy key.
    let scenario: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("../scenarios/login-windows-happy.json")).unwrap(),
    )
    .unwrap();
    let min = scenario["policy"]["windows"]["pin"]["min_length"]
        .as_u64()
        .unwrap();
    let expected = format!(
        r#"<CommandLine>cmd /c "enrollkit-hello-pin-policy.cmd" MinimumPINLength:{min} MaximumPINLength:127 Digits:1 LowercaseLetters:2 UppercaseLetters:2 SpecialCharacters:2</CommandLine>"#
    );
    assert!(xml.contains(&expected), "{expected} in {xml}");
    let script =
        std::fs::read_to_string(out.path().join("assets/enrollkit-hello-pin-policy.cmd")).unwrap();
    assert!(
        script.contains(r#"reg add "HKLM\SOFTWARE\Policies\Microsoft\PassportForWork\PINComplexity" /v %%a /t REG_DWORD /d %%b /f"#),
        "{script}"
    );

    // Both generated assets are hashed in the manifest.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("build-manifest.json")).unwrap())
            .unwrap();
    let manifest = manifest.to_string();
    for asset in ["enrollkit-wifi-1.xml", "enrollkit-hello-pin-policy.cmd"] {
        let bytes = std::fs::read(out.path().join("assets").join(asset)).unwrap();
        let digest = sha256_hex(&bytes);
        assert!(manifest.contains(&digest), "{asset} not hashed");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}
