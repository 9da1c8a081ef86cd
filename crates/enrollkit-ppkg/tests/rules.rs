#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One table row per validation rule: a valid baseline, one mutation, the exact codes expected.

use enrollkit_ppkg::*;

fn baseline() -> AnswerFile {
    let version = PackageVersion::parse("1.0").unwrap();
    let mut file = AnswerFile::new(PackageConfig::new(
        derive_package_id("Rules"),
        "Rules",
        &version,
        OwnerType::ItAdmin,
        10,
    ));
    file.common.accounts = Some(Accounts {
        computer_account: Some(ComputerAccount {
            computer_name: Some("PC-%RAND:5%".into()),
            ..ComputerAccount::default()
        }),
        users: vec![LocalUser {
            user_name: "localadmin".into(),
            password: Some(Secret::new("pw-1234567")),
            user_group: Some("Administrators".into()),
        }],
        extra: vec![],
    });
    file.common.oobe = Some(Oobe {
        hide_oobe: Some(true),
        ..Oobe::default()
    });
    file.common.workplace = Some(Workplace {
        enrollments: vec![Enrollment::on_premise(
            "enroll@contoso.com",
            "https://mdm.contoso.com/EnrollmentServer/Discovery.svc",
            Secret::new("s3cret"),
        )],
        extra: vec![],
    });
    let agent = AgentRecipe::new("agent.msi", Secret::new("key0123"))
        .command_config(r"C:\b\assets")
        .unwrap();
    file.common.provisioning_commands = Some(ProvisioningCommands {
        device_context: Some(DeviceContext {
            command_files: vec![NamedPath {
                name: "setup.cmd".into(),
                path: r"C:\b\assets\setup.cmd".into(),
            }],
            command_lines: vec![CommandLine::new().text("cmd /c setup.cmd")],
        }),
        primary_context: vec![agent],
        extra: vec![],
    });
    file.common.connectivity = Some(ConnectivityProfiles {
        wlan: vec![WifiNetwork {
            ssid: "Corp".into(),
            name: Some("Corp".into()),
            security_type: Some(WifiSecurity::Wpa2Personal),
            security_key: Some(Secret::new("passphrase")),
            auto_connect: Some(true),
            hidden_network: Some(false),
            extra: vec![],
        }],
        ..ConnectivityProfiles::default()
    });
    file
}

fn accounts(f: &mut AnswerFile) -> &mut Accounts {
    f.common.accounts.as_mut().unwrap()
}
fn enrollment(f: &mut AnswerFile) -> &mut Enrollment {
    &mut f.common.workplace.as_mut().unwrap().enrollments[0]
}
fn commands(f: &mut AnswerFile) -> &mut ProvisioningCommands {
    f.common.provisioning_commands.as_mut().unwrap()
}
fn wifi(f: &mut AnswerFile) -> &mut WifiNetwork {
    &mut f.common.connectivity.as_mut().unwrap().wlan[0]
}
fn computer_name(f: &mut AnswerFile, name: &str) {
    accounts(f).computer_account.as_mut().unwrap().computer_name = Some(name.into());
}

type Mutation = fn(&mut AnswerFile);

fn check(cases: &[(&str, Mutation, &[&str])], store: SettingsStore) {
    for (label, mutate, expected) in cases {
        let mut file = baseline();
        mutate(&mut file);
        let findings = validate(&file, &ValidateOptions { store });
        let codes: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(&codes, expected, "case `{label}`: {findings:#?}");
        // Every finding survives a write/parse cycle: rules judge what the XML says.
        let reparsed = AnswerFile::parse(&file.to_xml().unwrap()).unwrap();
        let again: Vec<String> = validate(&reparsed, &ValidateOptions { store })
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        assert_eq!(again, codes, "case `{label}` after round trip");
    }
}

#[test]
fn baseline_is_clean() {
    assert_eq!(validate(&baseline(), &ValidateOptions::default()), vec![]);
}

#[test]
fn package_config_rules() {
    check(
        &[
            (
                "bad guid",
                |f| f.package_config.id = "{1234}".into(),
                &["PPKG001"],
            ),
            (
                "empty id",
                |f| f.package_config.id = String::new(),
                &["PPKG001"],
            ),
            (
                "guid without braces",
                |f| f.package_config.id = "6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e".into(),
                &[],
            ),
            (
                "half braces",
                |f| f.package_config.id = "{6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e".into(),
                &["PPKG001"],
            ),
            (
                "3-part version",
                |f| f.package_config.version = "1.0.0".into(),
                &["PPKG002"],
            ),
            (
                "1-part version",
                |f| f.package_config.version = "1".into(),
                &["PPKG002"],
            ),
            (
                "4-part version",
                |f| f.package_config.version = "1.0.0.0".into(),
                &[],
            ),
            (
                "owner",
                |f| f.package_config.owner_type = OwnerType::parse("Siloading"),
                &["PPKG003"],
            ),
            (
                "owner any case",
                |f| f.package_config.owner_type = OwnerType::parse("oem"),
                &[],
            ),
            (
                "rank 150",
                |f| f.package_config.rank = Some("150".into()),
                &["PPKG004"],
            ),
            (
                "rank text",
                |f| f.package_config.rank = Some("high".into()),
                &["PPKG004"],
            ),
            (
                "rank 99",
                |f| f.package_config.rank = Some("99".into()),
                &[],
            ),
            ("no rank", |f| f.package_config.rank = None, &[]),
            (
                "empty name",
                |f| f.package_config.name = " ".into(),
                &["PPKG005"],
            ),
            (
                "lowercase m namespace",
                |f| {
                    f.package_config.namespace =
                        "urn:schemas-microsoft-com:Windows-ICD-Package-Config.v1.0".into()
                },
                &["PPKG006"],
            ),
            (
                "settings namespace",
                |f| f.settings_namespace = "urn:wrong".into(),
                &["PPKG007"],
            ),
        ],
        SettingsStore::Desktop,
    );
}

#[test]
fn account_rules() {
    check(
        &[
            (
                "name too long",
                |f| computer_name(f, "CONTOSO-LAPTOP-01"),
                &["PPKG010"],
            ),
            (
                "rand too long",
                |f| computer_name(f, "CONTOSO-%RAND:9%"),
                &["PPKG010"],
            ),
            (
                "unknown macro",
                |f| computer_name(f, "PC-%USERNAME%"),
                &["PPKG010"],
            ),
            (
                "forbidden char",
                |f| computer_name(f, "PC_1&2"),
                &["PPKG010"],
            ),
            ("all digits", |f| computer_name(f, "123456"), &["PPKG010"]),
            ("serial fits", |f| computer_name(f, "CTS-%SERIAL%"), &[]),
            (
                "no room for any serial",
                |f| computer_name(f, "CONTOSO-LAPTOP-%SERIAL%"),
                &["PPKG010"],
            ),
            (
                "room for a short serial",
                |f| computer_name(f, "CONTOSO-LAPTO%SERIAL%"),
                &["PPKG015"],
            ),
            (
                "serial squeezed",
                |f| computer_name(f, "CONTOSO-%SERIAL%"),
                &["PPKG015"],
            ),
            (
                "two computer names",
                |f| {
                    f.common.other.push(
                        Element::new("DevDetail")
                            .with_child(Element::new("DNSComputerName").with_text("VND-%SERIAL%")),
                    );
                },
                &["PPKG016"],
            ),
            (
                "user name char",
                |f| accounts(f).users[0].user_name = "admin/1".into(),
                &["PPKG011"],
            ),
            (
                "user name period",
                |f| accounts(f).users[0].user_name = "admin.".into(),
                &["PPKG011"],
            ),
            (
                "user name 21",
                |f| accounts(f).users[0].user_name = "a".repeat(21),
                &["PPKG011"],
            ),
            (
                "user name @",
                |f| accounts(f).users[0].user_name = "a@b".into(),
                &["PPKG011"],
            ),
            (
                "no password",
                |f| accounts(f).users[0].password = None,
                &["PPKG012"],
            ),
            (
                "empty password",
                |f| accounts(f).users[0].password = Some(Secret::new("")),
                &["PPKG012"],
            ),
            (
                "hide oobe no users",
                |f| accounts(f).users.clear(),
                &["PPKG013"],
            ),
            (
                "no users, oobe shown",
                |f| {
                    accounts(f).users.clear();
                    f.common.oobe.as_mut().unwrap().hide_oobe = Some(false);
                },
                &[],
            ),
            (
                "reserved name",
                |f| accounts(f).users[0].user_name = "Administrator".into(),
                &["PPKG014"],
            ),
        ],
        SettingsStore::Desktop,
    );
}

#[test]
fn enrollment_rules() {
    check(
        &[
            (
                "upn not address",
                |f| enrollment(f).upn = "enroll".into(),
                &["PPKG020"],
            ),
            (
                "two enrollments",
                |f| {
                    let mut second = enrollment(f).clone();
                    second.upn = "bulk-enroll@vendor.example".into();
                    f.common
                        .workplace
                        .as_mut()
                        .unwrap()
                        .enrollments
                        .push(second);
                },
                &["PPKG025"],
            ),
            (
                "upn no tld",
                |f| enrollment(f).upn = "enroll@contoso".into(),
                &["PPKG020"],
            ),
            (
                "empty secret",
                |f| enrollment(f).secret = Some(Secret::new("  ")),
                &["PPKG021"],
            ),
            (
                "missing secret",
                |f| enrollment(f).secret = None,
                &["PPKG021"],
            ),
            (
                "auth policy unknown",
                |f| enrollment(f).auth_policy = Some(AuthPolicy::parse("Federated")),
                &["PPKG022"],
            ),
            (
                "auth policy missing",
                |f| enrollment(f).auth_policy = None,
                &["PPKG022"],
            ),
            (
                "certificate without client cert",
                |f| enrollment(f).auth_policy = Some(AuthPolicy::Certificate),
                &["PPKG023"],
            ),
            (
                "certificate with client cert",
                |f| {
                    enrollment(f).auth_policy = Some(AuthPolicy::Certificate);
                    f.common.other.push(
                        Element::new("Certificates").with_child(
                            Element::new("ClientCertificates").with_child(
                                Element::new("ClientCertificate")
                                    .with_attr("Name", "enroll")
                                    .with_child(
                                        Element::new("CertificatePath").with_text(r"C:\b\c.pfx"),
                                    ),
                            ),
                        ),
                    );
                },
                &[],
            ),
            (
                "http discovery",
                |f| {
                    enrollment(f).discovery_service_full_url =
                        Some("http://mdm.contoso.com/x".into())
                },
                &["PPKG024"],
            ),
            (
                "no discovery",
                |f| enrollment(f).discovery_service_full_url = None,
                &["PPKG024"],
            ),
        ],
        SettingsStore::Desktop,
    );
}

#[test]
fn command_rules() {
    check(
        &[
            (
                "two device lines",
                |f| {
                    let d = commands(f).device_context.as_mut().unwrap();
                    d.command_lines
                        .push(CommandLine::new().text("cmd /c other.cmd"));
                },
                &["PPKG030"],
            ),
            (
                "no device line",
                |f| {
                    commands(f)
                        .device_context
                        .as_mut()
                        .unwrap()
                        .command_lines
                        .clear()
                },
                &["PPKG030"],
            ),
            (
                "duplicate file names",
                |f| {
                    commands(f).primary_context[0].command_file = Some(r"C:\other\SETUP.cmd".into())
                },
                &["PPKG031"],
            ),
            (
                "duplicate dependency",
                |f| {
                    commands(f).primary_context[0]
                        .dependency_packages
                        .push(NamedPath {
                            name: "d".into(),
                            path: r"C:\x\agent.msi".into(),
                        })
                },
                &["PPKG031"],
            ),
            (
                "duplicate command name",
                |f| {
                    let c = commands(f);
                    let mut second = c.primary_context[0].clone();
                    second.command_file = Some(r"C:\b\assets\agent2.msi".into());
                    c.primary_context.push(second);
                },
                &["PPKG033"],
            ),
            (
                "empty command line",
                |f| commands(f).primary_context[0].command_line = CommandLine::new(),
                &["PPKG034"],
            ),
            (
                "blank device line",
                |f| {
                    commands(f).device_context.as_mut().unwrap().command_lines[0] =
                        CommandLine::new().text("  ")
                },
                &["PPKG034"],
            ),
        ],
        SettingsStore::Desktop,
    );
}

#[test]
fn store_rule() {
    check(
        &[
            ("commands in common store", |_| {}, &["PPKG032"]),
            (
                "no commands in common store",
                |f| f.common.provisioning_commands = None,
                &[],
            ),
        ],
        SettingsStore::Common,
    );
}

#[test]
fn wifi_rules() {
    check(
        &[
            ("empty ssid", |f| wifi(f).ssid = String::new(), &["PPKG040"]),
            ("long ssid", |f| wifi(f).ssid = "x".repeat(33), &["PPKG040"]),
            (
                "short key",
                |f| wifi(f).security_key = Some(Secret::new("short")),
                &["PPKG041"],
            ),
            ("no key", |f| wifi(f).security_key = None, &["PPKG041"]),
            (
                "hex key",
                |f| wifi(f).security_key = Some(Secret::new("ab".repeat(32))),
                &[],
            ),
            (
                "64 non-hex",
                |f| wifi(f).security_key = Some(Secret::new("zx".repeat(32))),
                &["PPKG041"],
            ),
            (
                "open",
                |f| {
                    wifi(f).security_type = Some(WifiSecurity::Open);
                    wifi(f).security_key = None;
                },
                &[],
            ),
            (
                "unknown security",
                |f| wifi(f).security_type = Some(WifiSecurity::parse("WPA3")),
                &["PPKG042"],
            ),
            (
                "wep",
                |f| wifi(f).security_type = Some(WifiSecurity::Wep),
                &["PPKG043"],
            ),
            (
                "wep without key",
                |f| {
                    wifi(f).security_type = Some(WifiSecurity::Wep);
                    wifi(f).security_key = None;
                },
                &["PPKG043", "PPKG041"],
            ),
        ],
        SettingsStore::Desktop,
    );
}

/// PPKG026: placeholders in every secret the answer file carries, and in command lines.
#[test]
fn placeholder_rules() {
    check(
        &[
            (
                "CHANGE-ME password",
                |f| accounts(f).users[0].password = Some(Secret::new("CHANGE-ME-local-admin")),
                &["PPKG026"],
            ),
            (
                "example enrollment secret",
                |f| enrollment(f).secret = Some(Secret::new("Enrollment-Secret")),
                &["PPKG026"],
            ),
            (
                "repeated Wi-Fi key",
                |f| wifi(f).security_key = Some(Secret::new("xxxxxxxxxx")),
                &["PPKG026"],
            ),
            (
                "connect key placeholder",
                |f| {
                    commands(f).primary_context[0] =
                        AgentRecipe::new("agent.msi", Secret::new("REPLACE_ME_key"))
                            .command_config(r"C:\b\assets")
                            .unwrap()
                },
                &["PPKG026"],
            ),
            (
                "separators do not hide a placeholder",
                |f| enrollment(f).secret = Some(Secret::new("Change_Me!")),
                &["PPKG026"],
            ),
            (
                "a value that merely contains admin",
                |f| accounts(f).users[0].password = Some(Secret::new("admin-7Kq2-rotated")),
                &[],
            ),
        ],
        SettingsStore::Desktop,
    );
    for (value, placeholder) in [
        ("CHANGEME", true),
        ("<your password here>", true),
        ("password1", true),
        ("P@ssw0rd", true),
        ("****", true),
        ("0000", true),
        ("s3cret", false),
        ("Vq9-local-7Hs2-pw", false),
        ("", false),
    ] {
        assert_eq!(is_placeholder_secret(value), placeholder, "{value:?}");
    }
}

#[test]
fn findings_print_as_lint_lines() {
    let mut file = baseline();
    file.package_config.rank = Some("150".into());
    let line = validate(&file, &ValidateOptions::default())[0].to_string();
    assert_eq!(
        line,
        "error PPKG004 PackageConfig.Rank: `150` is not an integer from 0 to 99 \
         (Set Rank to a whole number between 0 and 99)"
    );
}

#[test]
fn every_rule_is_in_the_documented_table() {
    let lib = include_str!("../src/lib.rs");
    for rule in rules() {
        let row = format!("//! | {} | {} |", rule, rule.severity());
        assert!(
            lib.contains(&row),
            "rule {rule} missing from the crate docs table"
        );
    }
    let documented = lib.matches("//! | PPKG0").count();
    assert_eq!(documented, rules().count());
}
