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
        .output()
        .unwrap()
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
