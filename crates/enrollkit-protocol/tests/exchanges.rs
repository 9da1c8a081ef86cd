//! The device simulator plays each of Apple's exchanges against the engine, byte for byte as a
//! device would, and each ends in the state Apple's flow ends in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use enrollkit_diagnostic::Platform;
use enrollkit_flow::account_driven::{
    parse_authentication_callback, parse_www_authenticate_challenge,
};
use enrollkit_lint::Enrollment as LintEnrollment;
use enrollkit_profile::plist::Value;
use enrollkit_protocol::checkin::DeviceId;
use enrollkit_protocol::engine::{Effect, PlatformSsoSettings};

#[test]
fn a_profile_driven_web_enrollment_with_a_just_in_time_user() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");

    let start = host.send(iphone.browse(&format!("{BASE}/portal")), at(0));
    let back = sign_in(&mut host, &mut iphone, &start, at(30));
    assert_eq!(back.status(), 303);
    assert_eq!(header(&back, "location"), format!("{BASE}/enroll"));

    let page = host.send(iphone.browse(&format!("{BASE}/enroll")), at(40));
    let view = json(&page);
    assert_eq!(view["state"], "authenticated", "{view}");
    assert_eq!(view["download_url"], format!("{BASE}/enroll/profile"));

    let download = host.send(iphone.browse(&format!("{BASE}/enroll/profile")), at(60));
    assert_eq!(
        download.status(),
        200,
        "{}",
        String::from_utf8_lossy(download.body())
    );
    assert_eq!(
        header(&download, "content-type"),
        "application/x-apple-aspen-config"
    );
    assert_verifies_and_lints(
        &world,
        download.body(),
        Platform::Ios,
        "17.4",
        LintEnrollment::User,
    );
    let installed = iphone.install(download.body()).unwrap().clone();
    assert_eq!(
        installed.managed_apple_id.as_deref(),
        Some("dana.lee@example.com")
    );
    assert_eq!(installed.enrollment_mode, None);
    assert_eq!(installed.topic, TOPIC);

    // The window is running: 8 minutes from the download.
    let view = json(&host.send(iphone.browse(&format!("{BASE}/enroll")), at(120)));
    assert_eq!(view["state"], "profile_pending");
    assert_eq!(view["install_window"]["seconds_left"], 420);

    let id = check_in(&mut host, &world, &mut iphone, at(300));
    let e = &host.enrollments[&id];
    assert_eq!(e.state(), "enrolled");
    assert!(matches!(
        &e.checkin.as_ref().unwrap().device,
        DeviceId::EnrollmentId(_)
    ));
    assert!(
        host.effects
            .iter()
            .any(|f| matches!(f, Effect::CreateUser(user) if user.key.subject == "00u8f3kq2"))
    );
    assert!(host.effects.iter().any(|f| matches!(
        f,
        Effect::RecordEnrollment {
            device: DeviceId::EnrollmentId(_),
            ..
        }
    )));
    assert!(host.refusals.is_empty(), "{:?}", host.refusals);
}

#[test]
fn b_ota_profile_service_then_a_per_device_profile_encrypted_to_the_device() {
    let mut s = settings();
    s.portal.ownership = enrollkit_flow::web::Ownership::Corporate;
    let world = world(s);
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.5", "iPhone16,1");

    let start = host.send(iphone.browse(&format!("{BASE}/ota")), at(0));
    assert_eq!(
        sign_in(&mut host, &mut iphone, &start, at(20)).status(),
        303
    );
    let service = host.send(iphone.browse(&format!("{BASE}/enroll/profile")), at(40));
    assert_eq!(service.status(), 200);
    let payload = enrollkit_profile::read_value(service.body(), &Default::default()).unwrap();
    assert!(
        payload.signed.is_some(),
        "the Profile Service payload is signed"
    );
    let top = payload.value.as_dictionary().unwrap();
    assert_eq!(top["PayloadType"].as_string(), Some("Profile Service"));
    let content = top["PayloadContent"].as_dictionary().unwrap();
    let url = content["URL"].as_string().unwrap().to_owned();
    let challenge =
        enrollkit_protocol::secret::Secret::new(content["Challenge"].as_string().unwrap());
    let asked: Vec<_> = content["DeviceAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_string)
        .collect();
    assert!(asked.contains(&"UDID") && asked.contains(&"PRODUCT"));

    let attributes = iphone
        .ota_attributes_request(&url, &challenge, at(90))
        .unwrap();
    let profile = host.send(attributes.clone(), at(90));
    assert_eq!(
        profile.status(),
        200,
        "{}",
        String::from_utf8_lossy(profile.body())
    );
    let outer = enrollkit_profile::read_profile(profile.body(), &Default::default()).unwrap();
    assert!(
        outer.profile.encrypted_payload_content.is_some(),
        "encrypted to the device"
    );
    let installed = iphone.install(profile.body()).unwrap().clone();
    assert!(
        installed.has_access_rights,
        "device enrollment carries AccessRights"
    );

    // The same signed attributes again: the challenge is spent.
    let replay = host.send(attributes, at(95));
    assert_eq!(replay.status(), 403);
    assert_eq!(json(&replay)["code"], "PROT012");

    let id = check_in(&mut host, &world, &mut iphone, at(200));
    let e = &host.enrollments[&id];
    assert_eq!(e.state(), "enrolled");
    assert_eq!(
        e.checkin.as_ref().unwrap().device,
        DeviceId::Udid(iphone.udid.clone())
    );
}

#[test]
fn c_account_driven_user_enrollment_from_settings() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "18.1", "iPhone17,1");

    let wk = host.send(iphone.well_known_request("dana.lee@example.com"), at(0));
    assert_eq!(wk.status(), 200);
    let base_url = json(&wk)["Servers"][0]["BaseURL"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(json(&wk)["Servers"][0]["Version"], "mdm-byod");

    // The normal first step: 401 with the apple-as-web challenge, and nothing stored.
    let first = host.send(iphone.enrollment_request(&base_url, at(5)).unwrap(), at(5));
    assert_eq!(first.status(), 401);
    let auth_url = parse_www_authenticate_challenge(&header(&first, "www-authenticate")).unwrap();
    assert!(host.enrollments.is_empty());

    let page = format!("{auth_url}?user-identifier=dana.lee%40example.com");
    let start = host.send(iphone.browse(&page), at(10));
    assert!(header(&start, "location").contains("login_hint=dana.lee%40example.com"));
    let back = sign_in(&mut host, &mut iphone, &start, at(30));
    assert_eq!(back.status(), 308);
    let token = parse_authentication_callback(&header(&back, "location")).unwrap();
    iphone.access_token = Some(token);

    let retry = host.send(
        iphone.enrollment_request(&base_url, at(40)).unwrap(),
        at(40),
    );
    assert_eq!(
        retry.status(),
        200,
        "{}",
        String::from_utf8_lossy(retry.body())
    );
    assert_verifies_and_lints(
        &world,
        retry.body(),
        Platform::Ios,
        "18.1",
        LintEnrollment::User,
    );
    let installed = iphone.install(retry.body()).unwrap().clone();
    assert_eq!(installed.enrollment_mode.as_deref(), Some("BYOD"));
    assert_eq!(
        installed.managed_apple_id.as_deref(),
        Some("dana.lee@example.com")
    );
    assert!(!installed.has_access_rights, "BYOD carries no AccessRights");

    // The token fetched the profile once; the same request again is a replay.
    let replayed = host.send(
        iphone.enrollment_request(&base_url, at(45)).unwrap(),
        at(45),
    );
    assert_eq!(replayed.status(), 401);
    assert_eq!(json(&replayed)["code"], "PROT013");
    assert!(header(&replayed, "www-authenticate").contains("apple-as-web"));

    let id = check_in(&mut host, &world, &mut iphone, at(120));
    assert_eq!(host.enrollments[&id].state(), "enrolled");

    // Later MDM requests carry the token; without it the device is sent to sign in again.
    let saved = iphone.access_token.take();
    let r = host.send(
        iphone
            .checkin_request(&iphone.token_update(), at(200))
            .unwrap(),
        at(200),
    );
    assert_eq!(r.status(), 401);
    iphone.access_token = saved;
}

#[test]
fn c_discovery_and_unknown_devices_get_apple_error_bodies() {
    let world = world(settings());
    let mut host = host(&world);
    let iphone = device(&world, Platform::Ios, "18.1", "iPhone17,1");
    let r = host.send(
        iphone.well_known_request("someone@other.example.org"),
        at(0),
    );
    assert_eq!(r.status(), 403);
    assert_eq!(json(&r)["code"], "com.apple.well-known.failed");
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("other.example.org")
    );

    let mut stranger = device(&world, Platform::Ios, "18.1", "iPhone17,1");
    stranger.install(&host_profile_for_tests(&world)).unwrap();
    stranger
        .accept_identity(
            world
                .identity_ca
                .issue("enrollment x", "", enrollkit_cms::KeyAlgorithm::EcP256)
                .unwrap(),
        )
        .unwrap();
    let r = host.send(
        stranger
            .checkin_request(&stranger.authenticate(), at(1))
            .unwrap(),
        at(1),
    );
    assert_eq!(r.status(), 403);
    assert_eq!(json(&r)["code"], "com.apple.unrecognized.device");
}

/// A profile the engine served for another host's enrollment: its check-in URL names an
/// enrollment this host never stored.
fn host_profile_for_tests(world: &World) -> Vec<u8> {
    let mut other = host(world);
    let mut iphone = device(world, Platform::Ios, "17.4", "iPhone15,2");
    let start = other.send(iphone.browse(&format!("{BASE}/portal")), at(0));
    sign_in(&mut other, &mut iphone, &start, at(1));
    other
        .send(iphone.browse(&format!("{BASE}/enroll/profile")), at(2))
        .into_body()
}

#[test]
fn d_ade_web_authentication_and_the_platform_sso_requirement() {
    let mut s = settings();
    s.ade.require_platform_sso = true;
    s.ade.platform_sso = Some(PlatformSsoSettings {
        profile_url: "https://enroll.example.com/psso/profile".parse().unwrap(),
        package_manifest_url: "https://enroll.example.com/psso/manifest.plist"
            .parse()
            .unwrap(),
        auth_url: "https://enroll.example.com/psso/auth".parse().unwrap(),
    });
    let world = world(s);
    let mut host = host(&world);

    // macOS 26 that can set up Platform SSO: 403 com.apple.psso.required, nothing stored.
    let mac26 = device(&world, Platform::MacOs, "26.0", "Mac16,1");
    let mut req = mac26.browse(&format!("{BASE}/ade/enroll"));
    req.headers_mut().insert(
        "x-apple-aspen-deviceinfo",
        mac26
            .machine_info_header(true, at(0))
            .unwrap()
            .parse()
            .unwrap(),
    );
    let r = host.send(req, at(0));
    assert_eq!(r.status(), 403);
    let body = json(&r);
    assert_eq!(body["code"], "com.apple.psso.required");
    assert_eq!(
        body["details"]["AuthURL"],
        "https://enroll.example.com/psso/auth"
    );
    assert_eq!(
        body["details"]["Package"]["ManifestURL"],
        "https://enroll.example.com/psso/manifest.plist"
    );
    assert!(host.enrollments.is_empty());

    // A Mac that cannot: web authentication, then the profile straight into Setup Assistant.
    let mut mac = device(&world, Platform::MacOs, "15.2", "Mac15,3");
    let mut req = mac.browse(&format!("{BASE}/ade/enroll"));
    req.headers_mut().insert(
        "x-apple-aspen-deviceinfo",
        mac.machine_info_header(false, at(10))
            .unwrap()
            .parse()
            .unwrap(),
    );
    let start = host.send(req, at(10));
    let back = sign_in(&mut host, &mut mac, &start, at(30));
    assert_eq!(back.status(), 303);
    assert_eq!(header(&back, "location"), format!("{BASE}/enroll/profile"));
    let profile = host.send(mac.browse(&format!("{BASE}/enroll/profile")), at(40));
    assert_eq!(
        profile.status(),
        200,
        "{}",
        String::from_utf8_lossy(profile.body())
    );
    assert_verifies_and_lints(
        &world,
        profile.body(),
        Platform::MacOs,
        "15.2",
        LintEnrollment::Ade,
    );
    mac.install(profile.body()).unwrap();
    let id = check_in(&mut host, &world, &mut mac, at(100));
    let e = &host.enrollments[&id];
    assert_eq!(e.state(), "enrolled");
    assert_eq!(e.device.udid.as_deref(), Some(mac.udid.as_str()));

    // A MachineInfo header that does not verify is refused.
    let mut req = mac.browse(&format!("{BASE}/ade/enroll"));
    let mut forged = mac.machine_info_header(false, at(10)).unwrap();
    forged.replace_range(200..204, "AAAA");
    req.headers_mut()
        .insert("x-apple-aspen-deviceinfo", forged.parse().unwrap());
    let r = host.send(req, at(200));
    assert!(r.status() == 403 || r.status() == 400, "{}", r.status());
}

#[test]
fn ios_18_in_safari_is_sent_to_settings_never_enrolled() {
    let world = world(settings());
    let mut host = host(&world);
    let iphone = device(&world, Platform::Ios, "18.0", "iPhone16,2");
    let r = host.send(iphone.browse(&format!("{BASE}/portal")), at(0));
    assert_eq!(r.status(), 200);
    let view = json(&r);
    assert_eq!(view["state"], "sent_to_settings");
    assert!(
        view["next_step"]
            .as_str()
            .unwrap()
            .contains("VPN & Device Management")
    );
    assert!(host.enrollments.is_empty());
}
