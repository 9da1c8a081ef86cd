//! Table-driven rule tests: for every lint rule at least one profile that triggers it and one
//! that does not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use enrollkit_diagnostic::Diagnostic;
use enrollkit_lint::{
    Enrollment, InstallMethod, LintContext, OsVersion, Platform, lint_value, rules::rules,
};

const UUIDS: [&str; 6] = [
    "A0000000-0000-4000-8000-000000000000",
    "A1111111-1111-4111-8111-111111111111",
    "A2222222-2222-4222-8222-222222222222",
    "A3333333-3333-4333-8333-333333333333",
    "A4444444-4444-4444-8444-444444444444",
    "A5555555-5555-4555-8555-555555555555",
];
const TOP_UUID: &str = "F0000000-0000-4000-8000-0000000000FF";

/// One payload dictionary: common keys plus `body` (`{U0}`..`{U5}` name payload UUIDs).
fn p(ptype: &str, body: &str) -> (String, String) {
    (ptype.to_owned(), body.to_owned())
}

fn build(top_extra: &str, payloads: &[(String, String)]) -> String {
    let mut items = String::new();
    for (i, (ptype, body)) in payloads.iter().enumerate() {
        items.push_str(&format!(
            "<dict><key>PayloadType</key><string>{ptype}</string>\
             <key>PayloadVersion</key><integer>1</integer>\
             <key>PayloadIdentifier</key><string>com.example.p{i}</string>\
             <key>PayloadUUID</key><string>{}</string>{body}</dict>",
            UUIDS[i]
        ));
    }
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>\
         <key>PayloadType</key><string>Configuration</string>\
         <key>PayloadVersion</key><integer>1</integer>\
         <key>PayloadIdentifier</key><string>com.example.profile</string>\
         <key>PayloadUUID</key><string>{TOP_UUID}</string>{top_extra}\
         <key>PayloadContent</key><array>{items}</array></dict></plist>"
    );
    for (i, u) in UUIDS.iter().enumerate() {
        xml = xml.replace(&format!("{{U{i}}}"), u);
    }
    xml
}

fn profile(payloads: &[(String, String)]) -> String {
    build("", payloads)
}

fn s(key: &str, value: &str) -> String {
    format!("<key>{key}</key><string>{value}</string>")
}
fn i(key: &str, value: i64) -> String {
    format!("<key>{key}</key><integer>{value}</integer>")
}
fn b(key: &str, value: bool) -> String {
    format!("<key>{key}</key><{value}/>")
}
fn arr(key: &str, strings: &[&str]) -> String {
    let items: String = strings
        .iter()
        .map(|v| format!("<string>{v}</string>"))
        .collect();
    format!("<key>{key}</key><array>{items}</array>")
}

fn scep(extra: &str) -> (String, String) {
    p(
        "com.apple.security.scep",
        &format!(
            "<key>PayloadContent</key><dict>{}{}{extra}</dict>",
            s("URL", "https://scep.example.com/"),
            i("Keysize", 2048)
        ),
    )
}

/// A valid MDM payload for macOS device enrollment, identity in payload 0, plus `extra`.
fn mdm(extra: &str) -> (String, String) {
    p(
        "com.apple.mdm",
        &format!(
            "{}{}{}{}{extra}",
            s("IdentityCertificateUUID", "{U0}"),
            s("Topic", "com.apple.mgmt.External.5a4c"),
            s("ServerURL", "https://mdm.example.com/mdm"),
            arr(
                "ServerCapabilities",
                &["com.apple.mdm.per-user-connections"]
            ),
        ),
    )
}

fn acme(key_type: &str, size: i64, hardware: bool, extra: &str) -> (String, String) {
    p(
        "com.apple.security.acme",
        &format!(
            "{}{}{}{}{}<key>Subject</key><array><array><array><string>CN</string><string>x</string></array></array></array>{extra}",
            s("DirectoryURL", "https://acme.example.com/dir"),
            s("ClientIdentifier", "abc"),
            s("KeyType", key_type),
            i("KeySize", size),
            b("HardwareBound", hardware),
        ),
    )
}

fn sso(kind: &str, extra: &str) -> (String, String) {
    p(
        "com.apple.extensiblesso",
        &format!(
            "{}{}{extra}",
            s("ExtensionIdentifier", "com.example.sso.ext"),
            s("Type", kind)
        ),
    )
}

fn mac() -> LintContext {
    LintContext::new(Platform::MacOs)
}
fn ios() -> LintContext {
    LintContext::new(Platform::Ios)
}
fn v(text: &str) -> OsVersion {
    text.parse().unwrap()
}

struct Case {
    name: &'static str,
    code: &'static str,
    fires: bool,
    ctx: LintContext,
    xml: String,
}

fn case(
    name: &'static str,
    code: &'static str,
    fires: bool,
    ctx: LintContext,
    xml: String,
) -> Case {
    Case {
        name,
        code,
        fires,
        ctx,
        xml,
    }
}

fn cases() -> Vec<Case> {
    let ue_ios = ios().with_enrollment(Enrollment::User);
    let ue_mac = mac().with_enrollment(Enrollment::User);
    let manual_ios = ios().with_install(InstallMethod::Manual);
    let sup_ios = ios().with_supervised(true);
    let wifi = |extra: &str| {
        p(
            "com.apple.wifi.managed",
            &format!("{}{extra}", s("SSID_STR", "corp")),
        )
    };
    vec![
        // Structure
        case(
            "root array",
            "STR001",
            true,
            mac(),
            "<plist version=\"1.0\"><array/></plist>".into(),
        ),
        case("root dict", "STR001", false, mac(), profile(&[wifi("")])),
        case(
            "top type wrong",
            "STR002",
            true,
            mac(),
            profile(&[]).replace("<string>Configuration</string>", "<string>Profile</string>"),
        ),
        case("top type ok", "STR002", false, mac(), profile(&[])),
        case(
            "more findings than the limit",
            "STR016",
            true,
            mac(),
            profile(&[p(
                "com.apple.wifi.managed",
                &(0..1100)
                    .map(|n| s(&format!("Unknown{n}"), "x"))
                    .collect::<String>(),
            )]),
        ),
        case(
            "findings within the limit",
            "STR016",
            false,
            mac(),
            profile(&[wifi("")]),
        ),
        case(
            "version 2",
            "STR003",
            true,
            mac(),
            profile(&[wifi("")]).replacen("<integer>1</integer>", "<integer>2</integer>", 1),
        ),
        case(
            "version string",
            "STR003",
            true,
            mac(),
            profile(&[wifi("")]).replacen("<integer>1</integer>", "<string>1</string>", 1),
        ),
        case("version 1", "STR003", false, mac(), profile(&[wifi("")])),
        case(
            "uuid missing",
            "STR004",
            true,
            mac(),
            profile(&[wifi("")]).replace(
                &format!("<key>PayloadUUID</key><string>{}</string>", UUIDS[0]),
                "",
            ),
        ),
        case("uuid present", "STR004", false, mac(), profile(&[wifi("")])),
        case(
            "uuid not uuid",
            "STR005",
            true,
            mac(),
            profile(&[wifi("")]).replace(UUIDS[0], "my-uuid"),
        ),
        case("uuid form ok", "STR005", false, mac(), profile(&[wifi("")])),
        case(
            "uuid twice",
            "STR006",
            true,
            mac(),
            profile(&[wifi(""), wifi("")]).replace(UUIDS[1], UUIDS[0]),
        ),
        case(
            "uuid same as top",
            "STR006",
            true,
            mac(),
            profile(&[wifi("")]).replace(UUIDS[0], TOP_UUID),
        ),
        case(
            "uuids distinct",
            "STR006",
            false,
            mac(),
            profile(&[wifi(""), wifi("")]),
        ),
        case(
            "identifier missing",
            "STR007",
            true,
            mac(),
            profile(&[wifi("")]).replace(
                "<key>PayloadIdentifier</key><string>com.example.profile</string>",
                "",
            ),
        ),
        case(
            "identifier present",
            "STR007",
            false,
            mac(),
            profile(&[wifi("")]),
        ),
        case(
            "identifier twice",
            "STR008",
            true,
            mac(),
            profile(&[wifi(""), wifi("")]).replace("com.example.p1", "com.example.p0"),
        ),
        case(
            "identifiers distinct",
            "STR008",
            false,
            mac(),
            profile(&[wifi(""), wifi("")]),
        ),
        case(
            "PayloadEnabled",
            "STR009",
            true,
            mac(),
            profile(&[wifi(&b("PayloadEnabled", true))]),
        ),
        case(
            "PayloadDisplayName is standard",
            "STR009",
            false,
            mac(),
            profile(&[wifi(&s("PayloadDisplayName", "x"))]),
        ),
        case(
            "bool as integer",
            "STR010",
            true,
            mac(),
            profile(&[wifi(&i("AutoJoin", 1))]),
        ),
        case(
            "top real as string",
            "STR010",
            true,
            mac(),
            build(&s("DurationUntilRemoval", "60"), &[wifi("")]),
        ),
        case(
            "bool as bool",
            "STR010",
            false,
            mac(),
            profile(&[wifi(&b("AutoJoin", true))]),
        ),
        case(
            "real as integer",
            "STR011",
            true,
            mac(),
            build(&i("DurationUntilRemoval", 60), &[wifi("")]),
        ),
        case(
            "real as real",
            "STR011",
            false,
            mac(),
            build(
                "<key>DurationUntilRemoval</key><real>60</real>",
                &[wifi("")],
            ),
        ),
        case(
            "payload without type",
            "STR012",
            true,
            mac(),
            profile(&[wifi("")]).replace(
                "<key>PayloadType</key><string>com.apple.wifi.managed</string>",
                "",
            ),
        ),
        case(
            "payload with type",
            "STR012",
            false,
            mac(),
            profile(&[wifi("")]),
        ),
        case(
            "content is dict",
            "STR013",
            true,
            mac(),
            profile(&[]).replace(
                "<key>PayloadContent</key><array></array>",
                "<key>PayloadContent</key><dict/>",
            ),
        ),
        case(
            "content element string",
            "STR013",
            true,
            mac(),
            profile(&[]).replace("<array></array>", "<array><string>x</string></array>"),
        ),
        case(
            "content array",
            "STR013",
            false,
            mac(),
            profile(&[wifi("")]),
        ),
        case(
            "encrypted without data",
            "STR014",
            true,
            mac(),
            build(&b("IsEncrypted", true), &[])
                .replace("<key>PayloadContent</key><array></array>", ""),
        ),
        case(
            "encrypted data with content",
            "STR014",
            true,
            mac(),
            build(
                "<key>EncryptedPayloadContent</key><data>AAEC</data>",
                &[wifi("")],
            ),
        ),
        case(
            "encrypted well formed",
            "STR014",
            false,
            mac(),
            build(
                &format!(
                    "{}<key>EncryptedPayloadContent</key><data>AAEC</data>",
                    b("IsEncrypted", true)
                ),
                &[],
            )
            .replace("<key>PayloadContent</key><array></array>", ""),
        ),
        case(
            "encrypted is reported",
            "STR015",
            true,
            mac(),
            build(
                &format!(
                    "{}<key>EncryptedPayloadContent</key><data>AAEC</data>",
                    b("IsEncrypted", true)
                ),
                &[],
            )
            .replace("<key>PayloadContent</key><array></array>", ""),
        ),
        case(
            "plain not reported",
            "STR015",
            false,
            mac(),
            profile(&[wifi("")]),
        ),
        // Schema
        case(
            "unknown type",
            "SCH001",
            true,
            mac(),
            profile(&[p("com.example.custom", "")]),
        ),
        case("known type", "SCH001", false, mac(), profile(&[wifi("")])),
        case(
            "mdm without Topic",
            "SCH002",
            true,
            mac(),
            profile(&[scep(""), mdm("")]).replace(
                "<key>Topic</key><string>com.apple.mgmt.External.5a4c</string>",
                "",
            ),
        ),
        case(
            "scep without URL",
            "SCH002",
            true,
            mac(),
            profile(&[p(
                "com.apple.security.scep",
                "<key>PayloadContent</key><dict><key>Keysize</key><integer>2048</integer></dict>",
            )]),
        ),
        case(
            "mdm complete",
            "SCH002",
            false,
            mac(),
            profile(&[scep(""), mdm("")]),
        ),
        case(
            "misspelled key",
            "SCH003",
            true,
            mac(),
            profile(&[wifi(&s("SSID", "corp"))]),
        ),
        case(
            "nested unknown key",
            "SCH003",
            true,
            mac(),
            profile(&[scep(&s("Bogus", "x"))]),
        ),
        case(
            "known keys",
            "SCH003",
            false,
            mac(),
            profile(&[wifi(&s("EncryptionType", "WPA2"))]),
        ),
        case(
            "enum value wrong",
            "SCH004",
            true,
            mac(),
            profile(&[wifi(&s("EncryptionType", "WPA9"))]),
        ),
        case(
            "top enum wrong",
            "SCH004",
            true,
            mac(),
            build(&s("PayloadScope", "Device"), &[wifi("")]),
        ),
        case(
            "enum value ok",
            "SCH004",
            false,
            mac(),
            build(
                &s("PayloadScope", "System"),
                &[wifi(&s("EncryptionType", "WPA2"))],
            ),
        ),
        case(
            "out of range",
            "SCH005",
            true,
            ios(),
            profile(&[p(
                "com.apple.mobiledevice.passwordpolicy",
                &i("maxFailedAttempts", 20),
            )]),
        ),
        case(
            "in range",
            "SCH005",
            false,
            ios(),
            profile(&[p(
                "com.apple.mobiledevice.passwordpolicy",
                &i("maxFailedAttempts", 5),
            )]),
        ),
        case(
            "format mismatch",
            "SCH006",
            true,
            mac(),
            profile(&[wifi(&s("PayloadCertificateUUID", "not-a-uuid"))]),
        ),
        case(
            "format ok",
            "SCH006",
            false,
            mac(),
            profile(&[wifi(&s("PayloadCertificateUUID", UUIDS[3]))]),
        ),
        case(
            "subject pair of three",
            "SCH007",
            true,
            mac(),
            profile(&[scep(
                "<key>Subject</key><array><array><array><string>CN</string><string>x</string><string>y</string></array></array></array>",
            )]),
        ),
        case(
            "subject pair of two",
            "SCH007",
            false,
            mac(),
            profile(&[scep(
                "<key>Subject</key><array><array><array><string>CN</string><string>x</string></array></array></array>",
            )]),
        ),
        // OS availability
        case(
            "ios-only type on macOS",
            "OS001",
            true,
            mac(),
            profile(&[p(
                "com.apple.app.lock",
                "<key>App</key><dict><key>Identifier</key><string>com.example.app</string></dict>",
            )]),
        ),
        case(
            "ios-only type on iOS",
            "OS001",
            false,
            sup_ios,
            profile(&[p(
                "com.apple.app.lock",
                "<key>App</key><dict><key>Identifier</key><string>com.example.app</string></dict>",
            )]),
        ),
        case(
            "macOS-only key on iOS",
            "OS002",
            true,
            ios(),
            profile(&[sso(
                "Credential",
                &format!(
                    "{}{}",
                    arr("Hosts", &["example.com"]),
                    s("TeamIdentifier", "ABCDE12345")
                ),
            )]),
        ),
        case(
            "macOS-only key on macOS",
            "OS002",
            false,
            mac(),
            profile(&[sso(
                "Credential",
                &format!(
                    "{}{}",
                    arr("Hosts", &["example.com"]),
                    s("TeamIdentifier", "ABCDE12345")
                ),
            )]),
        ),
        case(
            "acme on iOS 15",
            "OS003",
            true,
            ios().with_os_version(v("15.7")),
            profile(&[acme("ECSECPrimeRandom", 256, false, "")]),
        ),
        case(
            "acme on iOS 16",
            "OS003",
            false,
            ios().with_os_version(v("16.0")),
            profile(&[acme("ECSECPrimeRandom", 256, false, "")]),
        ),
        case(
            "key too new",
            "OS004",
            true,
            ios().with_os_version(v("14.8")),
            profile(&[scep(""), mdm(&s("AssignedManagedAppleID", "a@example.com"))]),
        ),
        case(
            "key new enough",
            "OS004",
            false,
            ios().with_os_version(v("15.0")),
            profile(&[scep(""), mdm(&s("AssignedManagedAppleID", "a@example.com"))]),
        ),
        case(
            "removed type",
            "OS005",
            true,
            ios().with_os_version(v("12.0")),
            profile(&[p("com.apple.osxserver.account", "")]),
        ),
        case(
            "type before removal",
            "OS005",
            false,
            ios().with_os_version(v("11.4")),
            profile(&[p("com.apple.osxserver.account", "")]),
        ),
        case(
            "removed key",
            "OS006",
            true,
            mac().with_os_version(v("15.0")),
            profile(&[p("com.apple.security.firewall", &b("EnableLogging", true))]),
        ),
        case(
            "key before removal",
            "OS006",
            false,
            mac().with_os_version(v("14.6")),
            profile(&[p("com.apple.security.firewall", &b("EnableLogging", true))]),
        ),
        case(
            "deprecated type",
            "OS007",
            true,
            mac().with_os_version(v("13.0")),
            profile(&[p("com.apple.systempreferences", "")]),
        ),
        case(
            "deprecated key",
            "OS007",
            true,
            mac(),
            profile(&[
                p("com.apple.finder", &b("ShowHardDrivesOnDesktop", true)),
                p(
                    "com.apple.desktop",
                    "<key>override-picture-path</key><string>/x.png</string><key>locked</key><true/>",
                ),
            ]),
        ),
        case(
            "type before deprecation",
            "OS007",
            false,
            mac().with_os_version(v("12.6")),
            profile(&[p("com.apple.systempreferences", "")]),
        ),
        // User Enrollment
        case(
            "full VPN under UE on iOS",
            "UE001",
            true,
            ue_ios,
            profile(&[p("com.apple.vpn.managed", &s("VPNType", "IKEv2"))]),
        ),
        case(
            "per-app VPN under UE on iOS",
            "UE001",
            false,
            ue_ios,
            profile(&[p("com.apple.vpn.managed.applayer", &s("VPNType", "IKEv2"))]),
        ),
        case(
            "full VPN under device enrollment",
            "UE001",
            false,
            ios(),
            profile(&[p("com.apple.vpn.managed", &s("VPNType", "IKEv2"))]),
        ),
        case(
            "loginwindow under UE on macOS",
            "UE002",
            true,
            ue_mac,
            profile(&[p("com.apple.loginwindow", &s("LoginwindowText", "hi"))]),
        ),
        case(
            "wifi under UE on macOS",
            "UE002",
            false,
            ue_mac,
            profile(&[wifi("")]),
        ),
        case(
            "wifi proxy under UE",
            "UE003",
            true,
            ue_ios,
            profile(&[wifi(&s("ProxyType", "None"))]),
        ),
        case(
            "wifi without proxy under UE",
            "UE003",
            false,
            ue_ios,
            profile(&[wifi("")]),
        ),
        case(
            "AccessRights under UE",
            "UE004",
            true,
            ue_ios,
            profile(&[scep(""), mdm(&i("AccessRights", 8191))]),
        ),
        case(
            "AccessRights under device enrollment",
            "UE004",
            false,
            ios(),
            profile(&[scep(""), mdm(&i("AccessRights", 8191))]),
        ),
        case(
            "ManagedAppleID under device enrollment",
            "UE005",
            true,
            ios().with_os_version(v("16.0")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "ManagedAppleID under UE",
            "UE005",
            false,
            ue_ios.with_os_version(v("16.0")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        // Install context
        case(
            "SSO by hand",
            "INS001",
            true,
            manual_ios,
            profile(&[sso("Credential", &arr("Hosts", &["example.com"]))]),
        ),
        case(
            "SSO by MDM",
            "INS001",
            false,
            ios(),
            profile(&[sso("Credential", &arr("Hosts", &["example.com"]))]),
        ),
        case(
            "app lock unsupervised",
            "INS002",
            true,
            ios(),
            profile(&[p(
                "com.apple.app.lock",
                "<key>App</key><dict><key>Identifier</key><string>com.example.app</string></dict>",
            )]),
        ),
        case(
            "app lock supervised",
            "INS002",
            false,
            sup_ios,
            profile(&[p(
                "com.apple.app.lock",
                "<key>App</key><dict><key>Identifier</key><string>com.example.app</string></dict>",
            )]),
        ),
        case(
            "supervised key unsupervised",
            "INS003",
            true,
            ios(),
            profile(&[p(
                "com.apple.applicationaccess",
                &b("allowAppInstallation", false),
            )]),
        ),
        case(
            "supervised key supervised",
            "INS003",
            false,
            sup_ios,
            profile(&[p(
                "com.apple.applicationaccess",
                &b("allowAppInstallation", false),
            )]),
        ),
        case(
            "two MDM payloads",
            "INS004",
            true,
            mac(),
            profile(&[scep(""), mdm(""), mdm("")]),
        ),
        case(
            "two dock payloads",
            "INS004",
            true,
            mac(),
            profile(&[p("com.apple.dock", ""), p("com.apple.dock", "")]),
        ),
        case(
            "two wifi payloads",
            "INS004",
            false,
            mac(),
            profile(&[wifi(""), wifi("")]),
        ),
        case(
            "MDM-only key by hand",
            "INS005",
            true,
            mac().with_install(InstallMethod::Manual),
            profile(&[p("com.apple.loginwindow", &s("AutologinUsername", "kiosk"))]),
        ),
        case(
            "MDM-only key by MDM",
            "INS005",
            false,
            mac(),
            profile(&[p("com.apple.loginwindow", &s("AutologinUsername", "kiosk"))]),
        ),
        // MDM payload
        case(
            "identity missing",
            "MDM001",
            true,
            mac(),
            profile(&[scep(""), mdm("")]).replace(
                &format!(
                    "<key>IdentityCertificateUUID</key><string>{}</string>",
                    UUIDS[0]
                ),
                &format!(
                    "<key>IdentityCertificateUUID</key><string>{}</string>",
                    UUIDS[5]
                ),
            ),
        ),
        case(
            "identity is a root cert",
            "MDM001",
            true,
            mac(),
            profile(&[
                p(
                    "com.apple.security.root",
                    "<key>PayloadContent</key><data>AAEC</data>",
                ),
                mdm(""),
            ]),
        ),
        case(
            "identity is pkcs12",
            "MDM001",
            false,
            mac(),
            profile(&[
                p(
                    "com.apple.security.pkcs12",
                    "<key>PayloadContent</key><data>AAEC</data>",
                ),
                mdm(""),
            ]),
        ),
        case(
            "identity is acme",
            "MDM001",
            false,
            mac(),
            profile(&[acme("ECSECPrimeRandom", 256, false, ""), mdm("")]),
        ),
        case(
            "bad topic",
            "MDM002",
            true,
            mac(),
            profile(&[scep(""), mdm("")])
                .replace("com.apple.mgmt.External.5a4c", "com.example.push"),
        ),
        case(
            "good topic",
            "MDM002",
            false,
            mac(),
            profile(&[scep(""), mdm("")]),
        ),
        case(
            "http server",
            "MDM003",
            true,
            mac(),
            profile(&[scep(""), mdm("")])
                .replace("https://mdm.example.com/mdm", "http://mdm.example.com/mdm"),
        ),
        case(
            "http checkin",
            "MDM003",
            true,
            mac(),
            profile(&[
                scep(""),
                mdm(&s("CheckInURL", "http://mdm.example.com/checkin")),
            ]),
        ),
        case(
            "https everywhere",
            "MDM003",
            false,
            mac(),
            profile(&[
                scep(""),
                mdm(&s("CheckInURL", "https://mdm.example.com/checkin")),
            ]),
        ),
        case(
            "pin to missing payload",
            "MDM004",
            true,
            mac(),
            profile(&[
                scep(""),
                mdm(&arr("ServerURLPinningCertificateUUIDs", &["{U4}"])),
            ]),
        ),
        case(
            "pin to scep",
            "MDM004",
            true,
            mac(),
            profile(&[
                scep(""),
                mdm(&arr("CheckInURLPinningCertificateUUIDs", &["{U0}"])),
            ]),
        ),
        case(
            "pin to root",
            "MDM004",
            false,
            mac(),
            profile(&[
                scep(""),
                mdm(&arr("ServerURLPinningCertificateUUIDs", &["{U2}"])),
                p(
                    "com.apple.security.root",
                    "<key>PayloadContent</key><data>AAEC</data>",
                ),
            ]),
        ),
        case(
            "rights 0",
            "MDM005",
            true,
            mac(),
            profile(&[scep(""), mdm(&i("AccessRights", 0))]),
        ),
        case(
            "rights 2 without 1",
            "MDM005",
            true,
            mac(),
            profile(&[scep(""), mdm(&i("AccessRights", 2))]),
        ),
        case(
            "rights 128 without 64",
            "MDM005",
            true,
            mac(),
            profile(&[scep(""), mdm(&i("AccessRights", 128 | 1))]),
        ),
        case(
            "rights too large",
            "MDM005",
            true,
            mac(),
            profile(&[scep(""), mdm(&i("AccessRights", 8192))]),
        ),
        case(
            "rights all",
            "MDM005",
            false,
            mac(),
            profile(&[scep(""), mdm(&i("AccessRights", 8191))]),
        ),
        case(
            "BYOD without assigned id",
            "MDM006",
            true,
            ios(),
            profile(&[scep(""), mdm(&s("EnrollmentMode", "BYOD"))]),
        ),
        case(
            "BYOD with rights",
            "MDM006",
            true,
            ios(),
            profile(&[
                scep(""),
                mdm(&format!(
                    "{}{}{}",
                    s("EnrollmentMode", "BYOD"),
                    s("AssignedManagedAppleID", "a@example.com"),
                    i("AccessRights", 8191)
                )),
            ]),
        ),
        case(
            "ADDE without assigned id",
            "MDM006",
            true,
            ios(),
            profile(&[scep(""), mdm(&s("EnrollmentMode", "ADDE"))]),
        ),
        case(
            "BYOD well formed",
            "MDM006",
            false,
            ios(),
            profile(&[
                scep(""),
                mdm(&format!(
                    "{}{}",
                    s("EnrollmentMode", "BYOD"),
                    s("AssignedManagedAppleID", "a@example.com")
                )),
            ]),
        ),
        case(
            "ManagedAppleID on iOS 18",
            "MDM007",
            true,
            ue_ios.with_os_version(v("18.0")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "ManagedAppleID on iOS 13.0",
            "MDM007",
            true,
            ue_ios.with_os_version(v("13.0")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "ManagedAppleID on current macOS",
            "MDM007",
            true,
            ue_mac,
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "ManagedAppleID on iOS 17.5",
            "MDM007",
            false,
            ue_ios.with_os_version(v("17.5")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "ManagedAppleID on macOS 14",
            "MDM007",
            false,
            ue_mac.with_os_version(v("14.4")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        case(
            "macOS without user channel",
            "MDM008",
            true,
            mac(),
            profile(&[scep(""), mdm("")]).replace(
                "com.apple.mdm.per-user-connections",
                "com.apple.mdm.bootstraptoken",
            ),
        ),
        case(
            "macOS with user channel",
            "MDM008",
            false,
            mac(),
            profile(&[scep(""), mdm("")]),
        ),
        case(
            "iOS needs no user channel",
            "MDM008",
            false,
            ios(),
            profile(&[scep(""), mdm("")])
                .replace("com.apple.mdm.per-user-connections", "com.apple.mdm.token"),
        ),
        case(
            "ManagedAppleID with EnrollmentMode",
            "MDM009",
            true,
            ue_ios.with_os_version(v("16.0")),
            profile(&[
                scep(""),
                mdm(&format!(
                    "{}{}{}",
                    s("ManagedAppleID", "a@example.com"),
                    s("EnrollmentMode", "BYOD"),
                    s("AssignedManagedAppleID", "a@example.com")
                )),
            ]),
        ),
        case(
            "ManagedAppleID alone",
            "MDM009",
            false,
            ue_ios.with_os_version(v("16.0")),
            profile(&[scep(""), mdm(&s("ManagedAppleID", "a@example.com"))]),
        ),
        // Identity payloads
        case(
            "scep 1024 explicit",
            "IDP001",
            true,
            mac(),
            profile(&[scep("")]).replace("<integer>2048</integer>", "<integer>1024</integer>"),
        ),
        case(
            "scep default size",
            "IDP001",
            true,
            mac(),
            profile(&[p(
                "com.apple.security.scep",
                &format!(
                    "<key>PayloadContent</key><dict>{}</dict>",
                    s("URL", "https://scep.example.com/")
                ),
            )]),
        ),
        case("scep 2048", "IDP001", false, mac(), profile(&[scep("")])),
        case(
            "scep KeyType",
            "IDP002",
            true,
            mac(),
            profile(&[scep(&s("KeyType", "RSA"))]),
        ),
        case(
            "scep Key Type",
            "IDP002",
            false,
            mac(),
            profile(&[scep(&s("Key Type", "RSA"))]),
        ),
        case(
            "acme RSA odd size",
            "IDP003",
            true,
            mac(),
            profile(&[acme("RSA", 2050, false, "")]),
        ),
        case(
            "acme RSA hardware",
            "IDP003",
            true,
            mac(),
            profile(&[acme("RSA", 2048, true, "")]),
        ),
        case(
            "acme RSA ok",
            "IDP003",
            false,
            mac(),
            profile(&[acme("RSA", 2048, false, "")]),
        ),
        case(
            "acme EC 512",
            "IDP004",
            true,
            mac(),
            profile(&[acme("ECSECPrimeRandom", 512, false, "")]),
        ),
        case(
            "acme EC hardware 521",
            "IDP004",
            true,
            ios(),
            profile(&[acme("ECSECPrimeRandom", 521, true, "")]),
        ),
        case(
            "acme EC hardware 384",
            "IDP004",
            false,
            ios(),
            profile(&[acme("ECSECPrimeRandom", 384, true, "")]),
        ),
        case(
            "attest without hardware",
            "IDP005",
            true,
            ios(),
            profile(&[acme("ECSECPrimeRandom", 256, false, &b("Attest", true))]),
        ),
        case(
            "attest with hardware",
            "IDP005",
            false,
            ios(),
            profile(&[acme("ECSECPrimeRandom", 256, true, &b("Attest", true))]),
        ),
        case(
            "hardware on macOS 13",
            "IDP006",
            true,
            mac().with_os_version(v("13.3")),
            profile(&[acme("ECSECPrimeRandom", 256, true, "")]),
        ),
        case(
            "hardware on macOS 14",
            "IDP006",
            false,
            mac().with_os_version(v("14.0")),
            profile(&[acme("ECSECPrimeRandom", 256, true, "")]),
        ),
        case(
            "p12 password",
            "IDP007",
            true,
            mac(),
            profile(&[p(
                "com.apple.security.pkcs12",
                &format!(
                    "<key>PayloadContent</key><data>AAEC</data>{}",
                    s("Password", "secret")
                ),
            )]),
        ),
        case(
            "p12 without password",
            "IDP007",
            false,
            mac(),
            profile(&[p(
                "com.apple.security.pkcs12",
                "<key>PayloadContent</key><data>AAEC</data>",
            )]),
        ),
        // Extensible SSO
        case(
            "redirect without URLs",
            "SSO001",
            true,
            ios(),
            profile(&[sso("Redirect", "")]),
        ),
        case(
            "redirect with URLs",
            "SSO001",
            false,
            ios(),
            profile(&[sso("Redirect", &arr("URLs", &["https://idp.example.com/"]))]),
        ),
        case(
            "redirect URL with query",
            "SSO002",
            true,
            ios(),
            profile(&[sso(
                "Redirect",
                &arr("URLs", &["https://idp.example.com/?a=1"]),
            )]),
        ),
        case(
            "redirect URL ftp",
            "SSO002",
            true,
            ios(),
            profile(&[sso("Redirect", &arr("URLs", &["ftp://idp.example.com/"]))]),
        ),
        case(
            "redirect URL with fragment",
            "SSO002",
            true,
            ios(),
            profile(&[sso(
                "Redirect",
                &arr("URLs", &["https://idp.example.com/#x"]),
            )]),
        ),
        case(
            "redirect URL plain",
            "SSO002",
            false,
            ios(),
            profile(&[sso(
                "Redirect",
                &arr("URLs", &["HTTPS://idp.example.com/sso"]),
            )]),
        ),
        case(
            "credential without hosts",
            "SSO003",
            true,
            ios(),
            profile(&[sso("Credential", "")]),
        ),
        case(
            "credential with hosts",
            "SSO003",
            false,
            ios(),
            profile(&[sso("Credential", &arr("Hosts", &[".example.com"]))]),
        ),
        case(
            "macOS without team",
            "SSO004",
            true,
            mac(),
            profile(&[sso("Credential", &arr("Hosts", &["example.com"]))]),
        ),
        case(
            "macOS with team",
            "SSO004",
            false,
            mac(),
            profile(&[sso(
                "Credential",
                &format!(
                    "{}{}",
                    arr("Hosts", &["example.com"]),
                    s("TeamIdentifier", "ABCDE12345")
                ),
            )]),
        ),
        case(
            "iOS needs no team",
            "SSO004",
            false,
            ios(),
            profile(&[sso("Credential", &arr("Hosts", &["example.com"]))]),
        ),
        case(
            "host claimed twice",
            "SSO005",
            true,
            ios(),
            profile(&[
                sso("Credential", &arr("Hosts", &["Example.com"])),
                sso("Credential", &arr("Hosts", &["example.COM"])),
            ]),
        ),
        case(
            "url claimed twice",
            "SSO005",
            true,
            ios(),
            profile(&[
                sso("Redirect", &arr("URLs", &["https://IDP.example.com/a"])),
                sso("Redirect", &arr("URLs", &["https://idp.example.com/a"])),
            ]),
        ),
        case(
            "distinct claims",
            "SSO005",
            false,
            ios(),
            profile(&[
                sso("Credential", &arr("Hosts", &["a.example.com"])),
                sso("Redirect", &arr("URLs", &["https://idp.example.com/a"])),
                sso("Redirect", &arr("URLs", &["https://idp.example.com/A"])),
            ]),
        ),
    ]
}

fn run(case: &Case) -> Vec<Diagnostic> {
    let value = plist::Value::from_reader_xml(case.xml.as_bytes())
        .unwrap_or_else(|e| panic!("{}: test profile does not parse: {e}", case.name));
    lint_value(&value, &case.ctx)
}

#[test]
fn every_rule_case_behaves() {
    let mut failures = Vec::new();
    for case in cases() {
        let findings = run(&case);
        let hits: Vec<&Diagnostic> = findings.iter().filter(|d| d.code == case.code).collect();
        let fired = !hits.is_empty();
        if case.fires != fired {
            failures.push(format!(
                "{} ({}): expected fires={}, got {:#?}",
                case.name, case.code, case.fires, findings
            ));
        }
        let rule = enrollkit_lint::rules::rule(case.code).unwrap();
        for hit in hits {
            assert_eq!(hit.severity, rule.severity(), "{}", case.name);
            assert!(!hit.message.is_empty() && !hit.remediation.is_empty());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_lint_rule_has_a_failing_and_a_passing_case() {
    let cases = cases();
    let fired: HashSet<&str> = cases.iter().filter(|c| c.fires).map(|c| c.code).collect();
    let passed: HashSet<&str> = cases.iter().filter(|c| !c.fires).map(|c| c.code).collect();
    for rule in rules().filter(|r| r.family() != "CHK") {
        assert!(
            fired.contains(rule.as_str()),
            "no failing case for {}",
            rule
        );
        assert!(
            passed.contains(rule.as_str()),
            "no passing case for {}",
            rule
        );
    }
}

#[test]
fn a_clean_enrollment_profile_has_no_findings() {
    let xml = profile(&[
        p(
            "com.apple.security.root",
            "<key>PayloadContent</key><data>AAEC</data>",
        ),
        scep(&s("Key Type", "RSA")),
        mdm(&format!(
            "{}{}",
            s("CheckInURL", "https://mdm.example.com/checkin"),
            arr("ServerURLPinningCertificateUUIDs", &["{U0}"])
        ))
        .clone(),
    ])
    // the MDM payload's identity is the SCEP payload (index 1)
    .replacen(
        &format!(
            "<key>IdentityCertificateUUID</key><string>{}</string>",
            UUIDS[0]
        ),
        &format!(
            "<key>IdentityCertificateUUID</key><string>{}</string>",
            UUIDS[1]
        ),
        1,
    );
    let value = plist::Value::from_reader_xml(xml.as_bytes()).unwrap();
    let findings = lint_value(&value, &mac());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn findings_locate_payload_and_key_path() {
    let xml = profile(&[wifi_with_bad_eap()]);
    let value = plist::Value::from_reader_xml(xml.as_bytes()).unwrap();
    let findings = lint_value(&value, &mac());
    let d = findings.iter().find(|d| d.code == "STR010").unwrap();
    assert_eq!(d.location.payload_index, Some(0));
    assert_eq!(
        d.location.key_path,
        "EAPClientConfiguration.AcceptEAPTypes[0]"
    );
}

fn wifi_with_bad_eap() -> (String, String) {
    p(
        "com.apple.wifi.managed",
        "<key>SSID_STR</key><string>x</string><key>EAPClientConfiguration</key><dict><key>AcceptEAPTypes</key><array><string>13</string></array></dict>",
    )
}

#[test]
fn output_is_deterministic() {
    let xml = profile(&[scep(""), mdm(""), mdm(""), wifi_with_bad_eap()]);
    let value = plist::Value::from_reader_xml(xml.as_bytes()).unwrap();
    let first = lint_value(&value, &ios());
    for _ in 0..5 {
        assert_eq!(lint_value(&value, &ios()), first);
    }
}
