#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Answer-file behaviour end to end: the example config, golden files checked by Python's
//! XML parser and hashlib, the must-show bad file, round trips, merge and redaction.

use enrollkit_ppkg::Coded;
use std::path::{Path, PathBuf};
use std::process::Command;

use enrollkit_ppkg::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/windows")
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

/// The example config's `{ env = "NAME" }` secrets, as CI would set them.
fn fixture_secrets() -> Vec<(String, Secret)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bindings/fixtures/package-secrets.json"),
    )
    .unwrap();
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    map.into_iter().map(|(k, v)| (k, Secret::new(v))).collect()
}

fn example_spec(text: &str) -> PackageSpec {
    PackageSpec::from_toml(text)
        .unwrap()
        .with_secrets(fixture_secrets())
}

fn example_output() -> PackageOutput {
    let dir = examples();
    let text = std::fs::read_to_string(dir.join("onboarding.toml")).unwrap();
    let spec = example_spec(&text);
    let assets: Vec<(String, Vec<u8>)> = spec
        .asset_paths()
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect();
    let borrowed: Vec<(String, &[u8])> = assets
        .iter()
        .map(|(p, b)| (p.clone(), b.as_slice()))
        .collect();
    spec.build(&borrowed, None).unwrap()
}

fn file<'a>(output: &'a PackageOutput, name: &str) -> &'a [u8] {
    &output.files.iter().find(|f| f.path == name).unwrap().bytes
}

/// The secret values of `fixture_secrets`.
const SECRETS: &[&str] = &[
    "Vq9-local-7Hs2-pw",
    "k3Rf-enroll-88Zq",
    "a8f3c2d19e7b4c05b6d2e1f0a9c8b7d6e5f4a3b2",
    "Setup-Wifi-2718-tern",
];

#[test]
fn example_config_builds_a_valid_answer_file() {
    let output = example_output();
    assert!(
        output.diagnostics.is_empty(),
        "unexpected findings: {:?}",
        output.diagnostics
    );
    let xml = file(&output, "customizations.xml");
    let parsed = AnswerFile::parse(xml).unwrap();
    assert_eq!(parsed, output.answer_file);
    let commands = parsed.common.provisioning_commands.as_ref().unwrap();
    let names: Vec<&str> = commands
        .primary_context
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Add_WiFi_1", "Set_Hello_PIN_Policy", "Install_Agent"]
    );
    let enrollments = &parsed.common.workplace.as_ref().unwrap().enrollments;
    assert_eq!(enrollments[0].upn, "enroll@contoso.com");
    assert_eq!(parsed.package_config.owner_type, OwnerType::ItAdmin);
    assert!(validate(&parsed, &ValidateOptions::default()).is_empty());
}

#[test]
fn same_config_gives_byte_identical_outputs() {
    let a = example_output();
    let b = example_output();
    assert_eq!(a.files, b.files);
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Golden files pin the exact bytes; the independent checks below (Python) pin their meaning.
/// Regenerate with `UPDATE_GOLDEN=1 cargo test -p enrollkit-ppkg --test answer_file`.
#[test]
fn outputs_match_golden_files() {
    let output = example_output();
    for name in [
        "customizations.xml",
        "build-manifest.json",
        "build.ps1",
        "assets/enrollkit-wifi-1.xml",
        "assets/enrollkit-hello-pin-policy.cmd",
    ] {
        let path = golden_dir().join(name);
        let actual = file(&output, name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, actual).unwrap();
        }
        let expected = std::fs::read(&path).unwrap();
        assert!(
            expected == actual,
            "{name} differs from the golden file:\n{}",
            String::from_utf8_lossy(actual)
        );
    }
}

const PYTHON_ORACLE: &str = r#"
import hashlib, json, sys, uuid
import xml.etree.ElementTree as ET

golden, asset_path = sys.argv[1], sys.argv[2]
raw = open(golden + "/customizations.xml", "rb").read()
assert not raw.startswith(b"\xef\xbb\xbf"), "BOM present"
assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), raw[:60]
root = ET.fromstring(raw)
assert root.tag == "WindowsCustomizations", root.tag
PC = "{urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0}"
S = "{urn:schemas-microsoft-com:windows-provisioning}"
pc = root.find(PC + "PackageConfig")
assert pc is not None, "PackageConfig not in the capital-M namespace"
name = pc.findtext(PC + "Name")
expected_id = "{%s}" % uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "urn:enrollkit:ppkg"), name)
assert pc.findtext(PC + "ID") == expected_id, (pc.findtext(PC + "ID"), expected_id)
assert pc.findtext(PC + "Version") == "1.0"
assert pc.findtext(PC + "OwnerType") == "ITAdmin"
assert pc.findtext(PC + "Rank") == "0"
common = root.find(S + "Settings/" + S + "Customizations/" + S + "Common")
assert common is not None
upn = common.find(S + "Workplace/" + S + "Enrollments/" + S + "UPN")
assert upn.get("UPN") == "enroll@contoso.com" and upn.get("Name") == "enroll@contoso.com"
assert upn.findtext(S + "AuthPolicy") == "OnPremise"
assert upn.findtext(S + "Secret") == "k3Rf-enroll-88Zq"
commands = common.findall(S + "ProvisioningCommands/" + S + "PrimaryContext/" + S + "Command/" + S + "CommandConfig")
assert [c.get("Name") for c in commands] == ["Add_WiFi_1", "Set_Hello_PIN_Policy", "Install_Agent"]
wifi_cc, pin_cc, cc = commands
assert wifi_cc.findtext(S + "CommandLine") == 'netsh wlan add profile filename="enrollkit-wifi-1.xml" user=all'
assert wifi_cc.findtext(S + "CommandFile") == "C:\\enrollkit-build\\assets\\enrollkit-wifi-1.xml"
assert pin_cc.findtext(S + "CommandLine") == 'cmd /c "enrollkit-hello-pin-policy.cmd" MinimumPINLength:6 MaximumPINLength:127 Digits:1 LowercaseLetters:2 UppercaseLetters:2 SpecialCharacters:2'
line = cc.findtext(S + "CommandLine")
assert line == 'msiexec /i "agent.msi" /quiet /norestart /l*v "%WINDIR%\\Temp\\enrollkit-agent-install.log" JCINSTALLERARGUMENTS="-k a8f3c2d19e7b4c05b6d2e1f0a9c8b7d6e5f4a3b2 /VERYSILENT /NORESTART"', line
assert cc.findtext(S + "CommandFile") == "C:\\enrollkit-build\\assets\\agent.msi"
assert cc.findtext(S + "ReturnCodeSuccess") == "0" and cc.findtext(S + "ReturnCodeRestart") == "3010"
user = common.find(S + "Accounts/" + S + "Users/" + S + "User")
assert user.get("UserName") == "localadmin" and user.findtext(S + "UserGroup") == "Administrators"
assert common.findtext(S + "OOBE/" + S + "Desktop/" + S + "HideOobe") == "True"
assert common.findtext(S + "Accounts/" + S + "ComputerAccount/" + S + "ComputerName") == "CTS-%RAND:6%"
wlan = common.find(S + "ConnectivityProfiles/" + S + "WLAN/" + S + "WLANSetting/" + S + "WLANConfig")
assert wlan.get("SSID") == "Contoso-Setup"
assert wlan.findtext(S + "WLANXmlSettings/" + S + "SecurityType") == "WPA2-Personal"

manifest = json.load(open(golden + "/build-manifest.json"))
assert manifest["customizations"]["sha256"] == hashlib.sha256(raw).hexdigest()
assert manifest["customizations"]["size"] == len(raw)
asset = open(asset_path, "rb").read()
def entry(name, data):
    return {
        "file_name": name,
        "builder_path": "C:\\enrollkit-build\\assets\\" + name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
wlan_xml = open(golden + "/assets/enrollkit-wifi-1.xml", "rb").read()
pin_cmd = open(golden + "/assets/enrollkit-hello-pin-policy.cmd", "rb").read()
assert sorted(manifest["assets"], key=lambda a: a["file_name"]) == sorted([
    entry("agent.msi", asset),
    entry("enrollkit-wifi-1.xml", wlan_xml),
    entry("enrollkit-hello-pin-policy.cmd", pin_cmd),
], key=lambda a: a["file_name"]), manifest["assets"]
assert manifest["package_id"] == expected_id
assert manifest["icd_arguments"] == [
    "/Build-ProvisioningPackage",
    "/CustomizationXML:C:\\enrollkit-build\\customizations.xml",
    "/PackagePath:C:\\enrollkit-build\\out\\contoso-onboarding.ppkg",
    "/StoreFile:C:\\enrollkit-build\\Microsoft-Desktop-Provisioning.dat",
    "+Overwrite",
], manifest["icd_arguments"]
script = open(golden + "/build.ps1", "rb").read().decode("ascii")
assert hashlib.sha256(raw).hexdigest() in script and hashlib.sha256(asset).hexdigest() in script
print("oracle ok")
"#;

#[test]
fn golden_files_pass_the_python_oracle() {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PYTHON_ORACLE)
        .arg(golden_dir())
        .arg(examples().join("assets/agent.msi"))
        .output()
        .expect("python3 must be installed");
    assert!(
        out.status.success(),
        "python oracle failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn derived_package_id_matches_python_uuid5() {
    let name = "Contoso Onboarding ü";
    let out = Command::new("python3")
        .arg("-c")
        .arg("import sys, uuid; print(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, 'urn:enrollkit:ppkg'), sys.argv[1]))")
        .arg(name)
        .output()
        .expect("python3 must be installed");
    assert!(out.status.success());
    let expected = String::from_utf8(out.stdout).unwrap();
    assert_eq!(derive_package_id(name).to_string(), expected.trim());
}

#[test]
fn hand_written_bad_file_gives_four_findings() {
    let bytes = std::fs::read(examples().join("bad-customizations.xml")).unwrap();
    let file = AnswerFile::parse(&bytes).unwrap();
    let findings = validate(&file, &ValidateOptions::default());
    let codes: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["PPKG001", "PPKG002", "PPKG003", "PPKG004"],
        "{findings:#?}"
    );
    assert!(findings.iter().all(|d| d.is_error()));
    let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(
        lines[0].starts_with("error PPKG001 PackageConfig.ID: "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("`1.0.0`"), "{}", lines[1]);
    assert!(lines[2].contains("`Siloading`"), "{}", lines[2]);
    assert!(lines[3].contains("`150`"), "{}", lines[3]);
}

fn round_trip(bytes: &[u8]) {
    let first = AnswerFile::parse(bytes).unwrap();
    let written = first.to_xml().unwrap();
    let second = AnswerFile::parse(&written).unwrap();
    assert_eq!(first, second);
    // Writing is a fixed point after one pass.
    assert_eq!(written, second.to_xml().unwrap());
}

#[test]
fn parse_write_parse_is_equal() {
    round_trip(&data("rich-customizations.xml"));
    round_trip(&std::fs::read(examples().join("bad-customizations.xml")).unwrap());
    round_trip(&std::fs::read(examples().join("vendor-enrollment.xml")).unwrap());
    round_trip(file(&example_output(), "customizations.xml"));
}

#[test]
fn rich_file_is_typed_where_known_and_raw_elsewhere() {
    let file = AnswerFile::parse(&data("rich-customizations.xml")).unwrap();
    let pc = &file.package_config;
    assert_eq!(pc.name, "Rich & Varied");
    assert_eq!(pc.owner_type, OwnerType::ItAdmin);
    assert_eq!(pc.rank_value(), Some(42));
    let accounts = file.common.accounts.as_ref().unwrap();
    assert_eq!(accounts.users.len(), 2);
    assert_eq!(
        accounts.users[1].password.as_ref().unwrap().expose(),
        "AttrFormPass1"
    );
    assert_eq!(accounts.extra[0].name, "Azure");
    let other: Vec<&str> = file.common.other.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(other, ["DevDetail", "Policies"]);
    let device = file
        .common
        .provisioning_commands
        .as_ref()
        .unwrap()
        .device_context
        .as_ref()
        .unwrap();
    assert_eq!(
        device.command_lines[0].to_text().expose(),
        r#"cmd /c "setup.cmd" > NUL"#
    );
    let mv: Vec<&str> = file.multivariant.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(mv, ["Targets", "Variant"]);
    assert_eq!(
        file.common.oobe.as_ref().unwrap().desktop_extra[0].name,
        "EnableCortanaVoice"
    );
    let wifi = &file.common.connectivity.as_ref().unwrap().wlan[0];
    assert_eq!(wifi.ssid, "Lab Wi-Fi");
    // The uppercase, unbraced GUID is valid per the schema; it is kept as written.
    assert_eq!(pc.id, "6AAA4DFA-00D7-4AAA-8ADF-73C6A7E2501E");
    assert!(pc.guid().is_some());
    // It names the device twice, ComputerName and DevDetail/DNSComputerName: the one finding.
    let codes: Vec<String> = validate(&file, &ValidateOptions::default())
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["PPKG016"]);
    let written = String::from_utf8(file.to_xml().unwrap()).unwrap();
    assert!(
        written.contains("<Name>Rich &amp; Varied</Name>"),
        "{written}"
    );
    assert!(written.contains("<OwnerType>ITAdmin</OwnerType>"));
    assert!(
        written.contains("<Condition Name=\"PowerPlatformRole\" Value=\"2\"/>"),
        "{written}"
    );
}

#[test]
fn unknown_content_in_a_typed_section_keeps_it_raw() {
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<WindowsCustomizations>
  <PackageConfig xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0">
    <ID>{6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e}</ID><Name>x</Name><Version>1.0</Version><OwnerType>ITAdmin</OwnerType>
  </PackageConfig>
  <Settings xmlns="urn:schemas-microsoft-com:windows-provisioning"><Customizations><Common>
    <Workplace><Enrollments><Unexpected/></Enrollments></Workplace>
  </Common></Customizations></Settings>
</WindowsCustomizations>"#;
    let file = AnswerFile::parse(xml).unwrap();
    assert!(file.common.workplace.is_none());
    assert_eq!(file.common.other[0].name, "Workplace");
    let findings = validate(&file, &ValidateOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "PPKG090");
    round_trip(xml);
}

#[test]
fn parse_errors_have_codes() {
    let cases: &[(&[u8], &str)] = &[
        (b"<Other/>", "PPKG107"),
        (b"<WindowsCustomizations/>", "PPKG107"),
        (b"<WindowsCustomizations><PackageConfig>", "PPKG106"),
        (b"\xff\xfe<\x00", "PPKG104"),
        (
            b"<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>",
            "PPKG104",
        ),
        (b"<a x='1' x='2'/>", "PPKG105"),
        (b"<a>&bogus;</a>", "PPKG105"),
    ];
    for (input, code) in cases {
        let err = AnswerFile::parse(input).unwrap_err();
        assert_eq!(err.code(), *code, "{err}");
    }
    let bad_bool = br#"<WindowsCustomizations><PackageConfig/><Settings><Customizations><Common>
        <OOBE><Desktop><HideOobe>Maybe</HideOobe></Desktop></OOBE></Common></Customizations></Settings></WindowsCustomizations>"#;
    let err = AnswerFile::parse(bad_bool).unwrap_err();
    assert_eq!(err.code(), "PPKG108");
    assert!(
        err.to_string().contains("Common.OOBE.Desktop.HideOobe"),
        "{err}"
    );
}

#[test]
fn accepts_a_byte_order_mark_and_writes_none() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(examples().join("vendor-enrollment.xml")).unwrap());
    let file = AnswerFile::parse(&bytes).unwrap();
    assert!(!file.to_xml().unwrap().starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn merge_puts_generated_settings_over_a_vendor_file() {
    let vendor = std::fs::read(examples().join("vendor-enrollment.xml")).unwrap();
    let vendor_file = AnswerFile::parse(&vendor).unwrap();
    let generated = example_output().answer_file;

    // The vendor file enrolls in its MDM and names the device (DNSComputerName); ours does
    // both too. Without a precedence that is refused, naming both sides.
    let conflict = merge(&vendor_file, &generated, MergePrecedence::Refuse).unwrap_err();
    assert_eq!(conflict.setting, "MDM enrollment");
    assert_eq!(conflict.theirs, "bulk-enroll@vendor.example");
    assert_eq!(conflict.ours, "enroll@contoso.com");

    let merged = merge(&vendor_file, &generated, MergePrecedence::Ours).unwrap();
    assert_eq!(merged.package_config, generated.package_config);
    let upns: Vec<&str> = merged
        .common
        .workplace
        .as_ref()
        .unwrap()
        .enrollments
        .iter()
        .map(|e| e.upn.as_str())
        .collect();
    assert_eq!(upns, ["enroll@contoso.com"]);
    assert!(
        merged.common.other.iter().all(|e| e.name != "DevDetail"),
        "their DNSComputerName goes with precedence ours"
    );
    assert!(merged.common.provisioning_commands.is_some());
    let codes: Vec<String> = validate(&merged, &ValidateOptions::default())
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert!(
        !codes.iter().any(|c| c == "PPKG016" || c == "PPKG025"),
        "{codes:?}"
    );

    let theirs = merge(&vendor_file, &generated, MergePrecedence::Theirs).unwrap();
    let enrollments = &theirs.common.workplace.as_ref().unwrap().enrollments;
    assert_eq!(enrollments.len(), 1);
    assert_eq!(enrollments[0].upn, "bulk-enroll@vendor.example");
    let computer = theirs
        .common
        .accounts
        .as_ref()
        .unwrap()
        .computer_account
        .as_ref();
    assert!(computer.is_none_or(|c| c.computer_name.is_none()));

    // Same key: the generated enrollment replaces the vendor's in place, no conflict. The
    // computer names still conflict (ComputerName against DNSComputerName).
    let mut overlay = generated.clone();
    overlay.common.workplace.as_mut().unwrap().enrollments[0].upn =
        "BULK-ENROLL@vendor.example".into();
    let conflict = merge(&vendor_file, &overlay, MergePrecedence::Refuse).unwrap_err();
    assert_eq!(conflict.setting, "computer name");
    assert_eq!(conflict.theirs, "DNSComputerName VND-%SERIAL%");
    assert_eq!(conflict.ours, "ComputerName CTS-%RAND:6%");
    overlay.common.accounts.as_mut().unwrap().computer_account = None;
    let merged = merge(&vendor_file, &overlay, MergePrecedence::Refuse).unwrap();
    let enrollments = &merged.common.workplace.as_ref().unwrap().enrollments;
    assert_eq!(enrollments.len(), 1);
    assert_eq!(
        enrollments[0].secret.as_ref().unwrap().expose(),
        "k3Rf-enroll-88Zq"
    );

    // Through the config: [merge] answer_file, refused unless precedence says which side.
    let text = std::fs::read_to_string(examples().join("onboarding.toml"))
        .unwrap()
        .replace("# [merge]\n# answer_file", "[merge]\nanswer_file");
    let spec = example_spec(&text);
    assert_eq!(spec.base_answer_file(), Some("vendor/customizations.xml"));
    let asset = std::fs::read(examples().join("assets/agent.msi")).unwrap();
    let assets = [("assets/agent.msi".to_owned(), asset.as_slice())];
    let err = spec.build(&assets, Some(&vendor)).unwrap_err();
    assert_eq!(err.code(), "PPKG504");
    assert!(
        err.to_string().contains("vendor/customizations.xml")
            && err.to_string().contains("bulk-enroll@vendor.example")
            && err.to_string().contains("enroll@contoso.com"),
        "{err}"
    );
    let text = text.replace(
        "answer_file = \"vendor/customizations.xml\"",
        "answer_file = \"vendor/customizations.xml\"\nprecedence = \"ours\"",
    );
    let out = example_spec(&text).build(&assets, Some(&vendor)).unwrap();
    let enrollments = &out
        .answer_file
        .common
        .workplace
        .as_ref()
        .unwrap()
        .enrollments;
    assert_eq!(enrollments.len(), 1);
    assert!(out.diagnostics.iter().all(|d| d.code != "PPKG025"));
}

#[test]
fn no_secret_appears_in_debug_output() {
    let output = example_output();
    let text = std::fs::read_to_string(examples().join("onboarding.toml")).unwrap();
    let spec = example_spec(&text);
    let debug = format!("{output:?}\n{spec:?}\n{:#?}", output.answer_file);
    for secret in SECRETS {
        assert!(
            !debug.contains(secret),
            "`{secret}` leaked into Debug output"
        );
        // The secrets are really in the XML: the check above is not vacuous.
        let xml = String::from_utf8_lossy(file(&output, "customizations.xml")).into_owned();
        assert!(xml.contains(secret));
    }
    let rich = AnswerFile::parse(&data("rich-customizations.xml")).unwrap();
    let debug = format!("{rich:?}");
    for secret in [
        "TechPassw0rd!",
        "AttrFormPass1",
        "PARSEDCONNECTKEY123",
        "wifi-passphrase-42",
        "ParsedEnrollmentSecret9",
        "eyJBULKTOKENVALUE",
    ] {
        assert!(
            !debug.contains(secret),
            "`{secret}` leaked into Debug output"
        );
    }
}

#[test]
fn bump_version_keeps_the_id() {
    let mut file = example_output().answer_file;
    let id = file.package_config.id.clone();
    assert_eq!(bump_version(&mut file).unwrap().to_string(), "1.1");
    assert_eq!(file.package_config.version, "1.1");
    assert_eq!(file.package_config.id, id);
    file.package_config.version = "1.0.0".into();
    assert!(bump_version(&mut file).is_none());
    assert_eq!(file.package_config.version, "1.0.0");
}

#[test]
fn build_plan_checks_assets() {
    // The agent command alone, so that agent.msi is the one file referenced.
    let mut file = example_output().answer_file;
    if let Some(commands) = file.common.provisioning_commands.as_mut() {
        commands
            .primary_context
            .retain(|c| c.name == "Install_Agent");
    }
    let xml = file.to_xml().unwrap();
    let options = BuildOptions::new("x.ppkg");
    let err = plan_build(&file, &xml, &options, &[]).unwrap_err();
    assert_eq!(err.code(), "PPKG401");
    // An MSI is an OLE compound file: its signature, then anything.
    let msi = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1];
    let a = AssetInput {
        file_name: "agent.msi".into(),
        bytes: &msi,
    };
    let placeholder = b"Placeholder for the agent MSI. Replace this file.\n";
    for (name, bytes) in [("agent.msi", &placeholder[..]), ("agent.msi", &msi[..4])] {
        let not_msi = AssetInput {
            file_name: name.into(),
            bytes,
        };
        let err = plan_build(&file, &xml, &options, &[not_msi]).unwrap_err();
        assert_eq!(err.code(), "PPKG406");
        assert!(err.to_string().contains("is not an MSI"), "{err}");
    }
    let extra = AssetInput {
        file_name: "other.cab".into(),
        bytes: b"2",
    };
    let err = plan_build(&file, &xml, &options, &[a.clone(), extra]).unwrap_err();
    assert_eq!(err.code(), "PPKG402");
    let dup = AssetInput {
        file_name: "AGENT.msi".into(),
        bytes: b"2",
    };
    let err = plan_build(&file, &xml, &options, &[a.clone(), dup]).unwrap_err();
    assert_eq!(err.code(), "PPKG403");
    for work_dir in [r"C:\", r"C:\My Build", r"\\server\share", "C:/x", r"C:\a;b"] {
        let mut o = options.clone();
        o.work_dir = work_dir.into();
        assert_eq!(
            plan_build(&file, &xml, &o, std::slice::from_ref(&a))
                .unwrap_err()
                .code(),
            "PPKG404",
            "{work_dir}"
        );
    }
    let mut o = options.clone();
    o.encrypted = true;
    let plan = plan_build(&file, &xml, &o, &[a]).unwrap();
    assert_eq!(plan.icd_arguments[4..], ["+Encrypted", "+Overwrite"]);
}

#[test]
fn config_errors_have_codes_and_no_values() {
    let err = PackageSpec::from_toml("[package]\nname = \"x\"\nbogus = 1\n").unwrap_err();
    assert_eq!(err.code(), "PPKG501");
    assert!(err.to_string().contains("line 3"), "{err}");
    let err = PackageSpec::from_toml("[package]\nname = \"x\"\n[build]\nstore = \"nope\"\n")
        .unwrap()
        .build_options()
        .unwrap_err();
    assert_eq!(err.code(), "PPKG502");
    let spec = PackageSpec::from_toml(
        "[package]\nname = \"x\"\n[agent]\nmsi = \"a.msi\"\nconnect_key = \"k&calc\"\n",
    )
    .unwrap();
    assert_eq!(spec.build(&[], None).unwrap_err().code(), "PPKG503");
    let err = spec.build(&[("a.msi".into(), b"x")], None).unwrap_err();
    assert_eq!(err.code(), "PPKG303");
    assert!(!err.to_string().contains("k&calc"));
}

/// Issue 12: a secret of the wrong TOML type (integer, float, boolean, date) is refused without
/// its value in the message, for every secret field of the package config.
#[test]
fn secrets_of_the_wrong_type_are_never_echoed() {
    let base = "[package]\nname = \"x\"\n";
    let cases = [
        (
            "[[users]]\nname = \"admin\"\npassword = 77712345\n",
            "77712345",
        ),
        (
            "[[users]]\nname = \"admin\"\npassword = 7771.2345\n",
            "7771.2345",
        ),
        (
            "[enrollment]\nupn = \"e@contoso.com\"\ndiscovery_url = \"https://m.contoso.com/x\"\nsecret = 98765432\n",
            "98765432",
        ),
        (
            "[agent]\nmsi = \"a.msi\"\nconnect_key = 55512345\n",
            "55512345",
        ),
        ("[[wifi]]\nssid = \"n\"\nkey = 44412345\n", "44412345"),
        ("[[wifi]]\nssid = \"n\"\nkey = 1979-05-27\n", "1979-05-27"),
        ("[[wifi]]\nssid = \"n\"\nkey = true\n", "true"),
    ];
    for (section, value) in cases {
        let err = PackageSpec::from_toml(&format!("{base}{section}")).unwrap_err();
        assert_eq!(err.code(), "PPKG501", "{section}");
        let text = err.to_string();
        assert!(!text.contains(value), "{section}: {text}");
        assert!(text.contains("value not shown"), "{section}: {text}");
    }
}

/// Found by fuzzing: a namespace declaration holding `&lt;` or `&#10;` was taken from the
/// resolver unescaped, so each write escaped it once more (`&amp;lt;`, `&amp;#10;`).
#[test]
fn escaped_namespaces_and_attributes_survive_write_parse_write() {
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<WindowsCustomizations>
  <PackageConfig xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0&#10;&lt;x&gt;">
    <ID>{6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e}</ID><Name>x</Name><Version>1.0</Version><OwnerType>ITAdmin</OwnerType>
  </PackageConfig>
  <Settings xmlns="urn:schemas-microsoft-com:windows-provisioning">
    <Customizations><Common>
      <Vendor Note="line one&#10;line two &amp; &#x41;">text</Vendor>
    </Common></Customizations>
  </Settings>
</WindowsCustomizations>"#;
    let first = enrollkit_ppkg::AnswerFile::parse(xml)
        .unwrap()
        .to_xml()
        .unwrap();
    let second = enrollkit_ppkg::AnswerFile::parse(&first)
        .unwrap()
        .to_xml()
        .unwrap();
    assert_eq!(first, second);
    let text = String::from_utf8(first).unwrap();
    assert!(
        !text.contains("&amp;#10;") && !text.contains("&amp;lt;"),
        "{text}"
    );
    assert!(text.contains("line two &amp; A"), "{text}");
}

fn answer_file_with_common(common: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<WindowsCustomizations>
  <PackageConfig xmlns="urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0">
    <ID>{{6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e}}</ID><Name>x</Name><Version>1.0</Version><OwnerType>ITAdmin</OwnerType>
  </PackageConfig>
  <Settings xmlns="urn:schemas-microsoft-com:windows-provisioning">
    <Customizations><Common>{common}</Common></Customizations>
  </Settings>
</WindowsCustomizations>"#
    )
}

/// Found by fuzzing: text inside `WLANSetting` was dropped by the typed reader, and a raw
/// U+0003 was read and written back, which no XML 1.0 reader takes. A section holding text or
/// comments the model has no place for now stays raw, whole.
#[test]
fn text_and_comments_in_typed_sections_survive_a_round_trip() {
    for (common, kept) in [
        (
            "<ConnectivityProfiles><WLAN><WLANSetting>stray text</WLANSetting></WLAN></ConnectivityProfiles>",
            "stray text",
        ),
        (
            "<Accounts>loose<ComputerAccount><ComputerName>PC-1</ComputerName></ComputerAccount></Accounts>",
            "loose",
        ),
        (
            "<Workplace><!-- enrolled by IT --><Enrollments/></Workplace>",
            "<!-- enrolled by IT -->",
        ),
        (
            "<Accounts><ComputerAccount><ComputerName>PC<b>1</b></ComputerName></ComputerAccount></Accounts>",
            "<b>1</b>",
        ),
        (
            "<OOBE><Desktop><HideOobe Note=\"x\">True</HideOobe></Desktop></OOBE>",
            "Note=\"x\"",
        ),
    ] {
        let xml = answer_file_with_common(common);
        let first = enrollkit_ppkg::AnswerFile::parse(xml.as_bytes())
            .unwrap()
            .to_xml()
            .unwrap();
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(text.contains(kept), "{kept:?} was lost:\n{text}");
        let second = enrollkit_ppkg::AnswerFile::parse(&first)
            .unwrap()
            .to_xml()
            .unwrap();
        assert_eq!(first, second, "write -> parse -> write changed {common}");
    }
}

#[test]
fn characters_xml_cannot_carry_are_refused_raw_or_as_references() {
    for bad in [
        "<Vendor>a\u{3}b</Vendor>",
        "<Vendor>a&#3;b</Vendor>",
        "<Vendor>&#xFFFE;</Vendor>",
    ] {
        let xml = answer_file_with_common(bad);
        let err = enrollkit_ppkg::AnswerFile::parse(xml.as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not a character XML 1.0 allows"),
            "{bad}: {err}"
        );
    }
    // Tab, newline and carriage return are characters; so is anything from U+0020 up.
    let xml = answer_file_with_common("<Vendor>a&#9;b&#10;é</Vendor>");
    assert!(enrollkit_ppkg::AnswerFile::parse(xml.as_bytes()).is_ok());
}

#[test]
fn package_config_refuses_what_it_cannot_keep() {
    let xml = answer_file_with_common("").replace("<Name>x</Name>", "<Name>x</Name>loose");
    let err = enrollkit_ppkg::AnswerFile::parse(xml.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("PackageConfig holds text"),
        "{err}"
    );
    let xml = answer_file_with_common("").replace("<Name>x</Name>", "<Name>x<i/></Name>");
    let err = enrollkit_ppkg::AnswerFile::parse(xml.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("PackageConfig.Name"), "{err}");
}

/// Microsoft's WLAN_profile, OneX and EapHost schemas, as their documentation lists them:
/// element order within each parent, namespaces and the enumerations. Python's ElementTree
/// parses what the crate writes; the rules below are written from the documentation.
const WLAN_ORACLE: &str = r#"
import sys
import xml.etree.ElementTree as ET

V1 = "{http://www.microsoft.com/networking/WLAN/profile/v1}"
V4 = "{http://www.microsoft.com/networking/WLAN/profile/v4}"
ONEX = "{http://www.microsoft.com/networking/OneX/v1}"
HOST = "{http://www.microsoft.com/provisioning/EapHostConfig}"
COMMON = "{http://www.microsoft.com/provisioning/EapCommon}"
BASE = "{http://www.microsoft.com/provisioning/BaseEapConnectionPropertiesV1}"
TLS = "{http://www.microsoft.com/provisioning/EapTlsConnectionPropertiesV1}"
PEAP = "{http://www.microsoft.com/provisioning/MsPeapConnectionPropertiesV1}"
CHAP = "{http://www.microsoft.com/provisioning/MsChapV2ConnectionPropertiesV1}"

ORDER = {
    V1 + "WLANProfile": ["name", "SSIDConfig", "Hotspot2", "connectionType", "connectionMode", "autoSwitch", "MSM", "IHV"],
    V1 + "SSIDConfig": ["SSID", "nonBroadcast"],
    V1 + "SSID": ["hex", "name"],
    V1 + "MSM": ["connectivity", "security"],
    V1 + "security": ["authEncryption", "sharedKey", "keyIndex", "PMKCacheMode", "PMKCacheTTL", "PMKCacheSize", "preAuthMode", "preAuthThrottle", "OneX"],
    V1 + "authEncryption": ["authentication", "encryption", "useOneX", "FIPSMode", "transitionMode"],
    V1 + "sharedKey": ["keyType", "protected", "keyMaterial"],
    ONEX + "OneX": ["cacheUserData", "heldPeriod", "authPeriod", "startPeriod", "maxStart", "maxAuthFailures", "supplicantMode", "authMode", "singleSignOn", "EAPConfig"],
    HOST + "EapMethod": ["Type", "VendorId", "VendorType", "AuthorId"],
    HOST + "EapHostConfig": ["EapMethod", "Config"],
    TLS + "EapType": ["CredentialsSource", "ServerValidation", "DifferentUsername"],
    TLS + "ServerValidation": ["DisableUserPromptForServerValidation", "ServerNames", "TrustedRootCA"],
    PEAP + "EapType": ["ServerValidation", "FastReconnect", "InnerEapOptional", "Eap", "EnableQuarantineChecks", "RequireCryptoBinding", "PeapExtensions"],
    PEAP + "ServerValidation": ["DisableUserPromptForServerValidation", "ServerNames", "TrustedRootCA"],
}
AUTH = {"open", "shared", "WPA", "WPAPSK", "WPA2", "WPA2PSK", "WPA3", "WPA3ENT192", "WPA3ENT", "WPA3SAE", "OWE"}
ENC = {"none", "WEP", "TKIP", "AES", "GCMP256"}

def local(tag):
    return tag.split("}")[1]

def check_order(el):
    rule = ORDER.get(el.tag)
    if rule is not None:
        positions = [rule.index(local(c.tag)) for c in el]
        assert positions == sorted(positions), (el.tag, [local(c.tag) for c in el])
    for child in el:
        check_order(child)

for path, kind in zip(sys.argv[1::2], sys.argv[2::2]):
    root = ET.parse(path).getroot()
    assert root.tag == V1 + "WLANProfile", root.tag
    check_order(root)
    ssid = root.find(V1 + "SSIDConfig/" + V1 + "SSID")
    assert bytes.fromhex(ssid.findtext(V1 + "hex")).decode() == ssid.findtext(V1 + "name") == root.findtext(V1 + "name")
    assert root.findtext(V1 + "connectionType") == "ESS"
    assert root.findtext(V1 + "connectionMode") in ("auto", "manual")
    sec = root.find(V1 + "MSM/" + V1 + "security")
    auth = sec.findtext(V1 + "authEncryption/" + V1 + "authentication")
    enc = sec.findtext(V1 + "authEncryption/" + V1 + "encryption")
    assert auth in AUTH and enc in ENC, (auth, enc)
    one_x = sec.findtext(V1 + "authEncryption/" + V1 + "useOneX")
    if kind == "personal":
        assert (auth, enc, one_x) == ("WPA3SAE", "AES", "false")
        assert sec.findtext(V1 + "authEncryption/" + V4 + "transitionMode") == "true"
        key = sec.find(V1 + "sharedKey")
        assert key.findtext(V1 + "keyType") == "passPhrase" and key.findtext(V1 + "protected") == "false"
        assert 8 <= len(key.findtext(V1 + "keyMaterial")) <= 63
        assert sec.find(ONEX + "OneX") is None
        continue
    assert one_x == "true" and sec.find(V1 + "sharedKey") is None
    expected = {"wpa2-peap": ("WPA2", "AES"), "wpa3-tls": ("WPA3ENT", "AES"), "wpa3-192-tls": ("WPA3ENT192", "GCMP256")}[kind]
    assert (auth, enc) == expected, (auth, enc)
    host = sec.find(ONEX + "OneX/" + ONEX + "EAPConfig/" + HOST + "EapHostConfig")
    outer = host.findtext(HOST + "EapMethod/" + COMMON + "Type")
    eap = host.find(HOST + "Config/" + BASE + "Eap")
    assert eap.findtext(BASE + "Type") == outer
    if kind.endswith("tls"):
        assert outer == "13"
        v = eap.find(TLS + "EapType/" + TLS + "ServerValidation")
        assert eap.find(TLS + "EapType/" + TLS + "CredentialsSource/" + TLS + "CertificateStore") is not None
    else:
        assert outer == "25"
        v = eap.find(PEAP + "EapType/" + PEAP + "ServerValidation")
        inner = eap.find(PEAP + "EapType/" + BASE + "Eap")
        assert inner.findtext(BASE + "Type") == "26"
        assert inner.find(CHAP + "EapType/" + CHAP + "UseWinLogonCredentials") is not None
    prefix = v.tag.split("}")[0] + "}"
    assert v.findtext(prefix + "DisableUserPromptForServerValidation") == "true"
    assert v.findtext(prefix + "ServerNames") == "radius.contoso.com;radius2.contoso.com"
    roots = [r.text for r in v.findall(prefix + "TrustedRootCA")]
    assert roots == ["8f 43 28 8a d2 72 f3 10 3b 6f b1 42 84 85 ea 30 14 c0 bc fe"], roots
print("wlan oracle ok")
"#;

#[test]
fn wlan_profiles_follow_microsofts_schema() {
    let networks = [
        (
            "personal",
            "security = \"WPA3-Personal\"\nkey = \"Orchid-Lantern-42\"\ntransition_mode = true\nhidden = true",
        ),
        (
            "wpa2-peap",
            "security = \"WPA2-Enterprise\"\neap = \"PEAP\"",
        ),
        ("wpa3-tls", "security = \"WPA3-Enterprise\"\neap = \"TLS\""),
        (
            "wpa3-192-tls",
            "security = \"WPA3-Enterprise-192\"\neap = \"TLS\"",
        ),
    ];
    let mut config = String::from("[package]\nname = \"Wi-Fi\"\n");
    for (i, (kind, body)) in networks.iter().enumerate() {
        let validation = if kind.contains("personal") {
            String::new()
        } else {
            "server_names = [\"radius.contoso.com\", \"radius2.contoso.com\"]\ntrusted_root_ca_sha1 = [\"8F:43:28:8A:D2:72:F3:10:3B:6F:B1:42:84:85:EA:30:14:C0:BC:FE\"]\n".into()
        };
        config.push_str(&format!(
            "[[wifi]]\nssid = \"Net-{i}\"\n{body}\n{validation}"
        ));
    }
    let out = PackageSpec::from_toml(&config)
        .unwrap()
        .build(&[], None)
        .unwrap();
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["PPKG046"],
        "only the PEAP warning: {:?}",
        out.diagnostics
    );
    let dir = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    for (i, (kind, _)) in networks.iter().enumerate() {
        let name = format!("assets/enrollkit-wifi-{}.xml", i + 1);
        let bytes = &out.files.iter().find(|f| f.path == name).unwrap().bytes;
        let path = dir.path().join(format!("{i}.xml"));
        std::fs::write(&path, bytes).unwrap();
        args.push(path.display().to_string());
        args.push((*kind).to_owned());
    }
    let run = Command::new("python3")
        .arg("-c")
        .arg(WLAN_ORACLE)
        .args(&args)
        .output()
        .expect("python3 must be installed");
    assert!(
        run.status.success(),
        "wlan oracle failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    // No WLANXmlSettings for them: the answer file's own Wi-Fi setting cannot express these.
    assert!(out.answer_file.common.connectivity.is_none());

    // Refusals: a WPA3 key that is too short or a placeholder, no server validation, PEAP
    // in 192-bit mode, enterprise fields on a personal network.
    for (body, code) in [
        ("security = \"WPA3-Personal\"\nkey = \"short\"", "PPKG041"),
        (
            "security = \"WPA3-Personal\"\nkey = \"CHANGE-ME-wifi\"",
            "PPKG026",
        ),
        ("security = \"WPA3-Enterprise\"\neap = \"TLS\"", "PPKG044"),
        (
            "security = \"WPA3-Enterprise-192\"\neap = \"PEAP\"\nserver_names = [\"r.example\"]\ntrusted_root_ca_sha1 = [\"8f43288ad272f3103b6fb1428485ea3014c0bcfe\"]",
            "PPKG045",
        ),
    ] {
        let config = format!("[package]\nname = \"x\"\n[[wifi]]\nssid = \"N\"\n{body}\n");
        let out = PackageSpec::from_toml(&config)
            .unwrap()
            .build(&[], None)
            .unwrap();
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.code == code && d.is_error()),
            "{body}: {:?}",
            out.diagnostics
        );
    }
    let config = "[package]\nname = \"x\"\n[[wifi]]\nssid = \"N\"\nsecurity = \"WPA2-Personal\"\nkey = \"k3y-long-enough\"\neap = \"TLS\"\n";
    let err = PackageSpec::from_toml(config)
        .unwrap()
        .build(&[], None)
        .unwrap_err();
    assert_eq!(err.code(), "PPKG502");
    assert!(err.to_string().contains("wifi[0].eap"), "{err}");
}

/// One PIN policy: what the package tells Windows to enforce is what the credential-provider
/// flow accepts. For every length and every character class, the flow's `PinPolicy::check`
/// and the registry values the package writes give the same answer.
#[test]
fn package_pin_values_agree_with_the_flow_check() {
    use enrollkit_flow::pin::PinPolicy;
    for policy in [
        PinPolicy::default(),
        PinPolicy {
            min_length: 4,
            max_length: 8,
            digits_only: true,
        },
        PinPolicy {
            min_length: 8,
            max_length: 20,
            digits_only: false,
        },
    ] {
        let config = format!(
            "[package]\nname = \"x\"\n[hello_pin]\nmin_length = {}\nmax_length = {}\ndigits_only = {}\n",
            policy.min_length, policy.max_length, policy.digits_only
        );
        let out = PackageSpec::from_toml(&config)
            .unwrap()
            .build(&[], None)
            .unwrap();
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        // The values as the answer file carries them, read back from its XML.
        let xml = out.answer_file.to_xml().unwrap();
        let parsed = AnswerFile::parse(&xml).unwrap();
        let command = parsed
            .common
            .provisioning_commands
            .as_ref()
            .unwrap()
            .primary_context
            .iter()
            .find(|c| c.name == PIN_POLICY_COMMAND)
            .unwrap();
        let line = command.command_line.to_text().expose().to_owned();
        let value = |name: &str| -> u32 {
            let needle = format!(" {name}:");
            let at = line.find(&needle).unwrap() + needle.len();
            line[at..].split(' ').next().unwrap().parse().unwrap()
        };
        // Windows' side, from the registry values: length bounds and classes (0 allowed,
        // 1 required, 2 not allowed).
        let windows_accepts = |pin: &str| {
            let len = pin.chars().count() as u32;
            let class_ok = |name: &str, has: bool| match value(name) {
                1 => has,
                2 => !has,
                _ => true,
            };
            len >= value("MinimumPINLength")
                && len <= value("MaximumPINLength")
                && class_ok("Digits", pin.chars().any(|c| c.is_ascii_digit()))
                && class_ok(
                    "LowercaseLetters",
                    pin.chars().any(|c| c.is_ascii_lowercase()),
                )
                && class_ok(
                    "UppercaseLetters",
                    pin.chars().any(|c| c.is_ascii_uppercase()),
                )
                && class_ok(
                    "SpecialCharacters",
                    pin.chars().any(|c| !c.is_ascii_alphanumeric()),
                )
        };
        // Candidates: every length 1..=24 with digits only (no constant step, which both
        // sides refuse), with letters, with a symbol.
        for len in 1..=24usize {
            let digits: String = (0..len)
                .map(|i| ["2", "8", "4", "7", "1", "9"][i % 6])
                .collect();
            for pin in [
                digits.clone(),
                format!("{}a", &digits[..len - 1]),
                format!("{}Q", &digits[..len - 1]),
                format!("{}#", &digits[..len - 1]),
            ] {
                if enrollkit_flow::pin::constant_step(&pin).is_some() {
                    continue;
                }
                let flow_accepts = policy.check(&Secret::new(pin.clone())).is_ok();
                assert_eq!(flow_accepts, windows_accepts(&pin), "{policy:?} {pin}");
            }
        }
    }
}
