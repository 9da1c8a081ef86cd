//! What the engine refuses, and that a refusal changes nothing: the 8-minute expiry, replayed
//! challenges and tokens, tampered bodies, another Topic, forged sign-ins.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use enrollkit_diagnostic::{Coded, Platform};
use enrollkit_protocol::checkin::Message;
use enrollkit_protocol::engine::{Effect, LookupKey};
use enrollkit_protocol::oidc;
use enrollkit_protocol::secret::Secret;
use enrollkit_protocol::simulator::{InMemoryHost, SimulatedDevice};

/// A profile-driven enrollment up to the download; returns the enrollment ID.
fn downloaded(
    host: &mut InMemoryHost<'_>,
    iphone: &mut SimulatedDevice,
    at_s: i64,
) -> (String, Vec<u8>) {
    let start = host.send(iphone.browse(&format!("{BASE}/portal")), at(at_s));
    sign_in(host, iphone, &start, at(at_s + 10));
    let download = host.send(
        iphone.browse(&format!("{BASE}/enroll/profile")),
        at(at_s + 20),
    );
    assert_eq!(download.status(), 200);
    iphone.install(download.body()).unwrap();
    let id = iphone
        .installed
        .as_ref()
        .unwrap()
        .check_in_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (id, download.into_body())
}

#[test]
fn the_window_expires_when_no_authenticate_arrives_in_8_minutes() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    let downloaded_at = at(20);
    let timer = host
        .timers
        .iter()
        .find(|(e, _)| *e == id)
        .map(|(_, t)| *t)
        .unwrap();
    assert_eq!(timer, downloaded_at.plus_seconds(8 * 60 + 1));

    // Before the window closes, a timer changes nothing.
    host.run_timers(downloaded_at.plus_seconds(60));
    assert_eq!(host.enrollments[&id].state(), "profile_pending");
    // At any later time the status says it expired, even before the timer runs.
    let view = world
        .engine
        .portal_view(&host.enrollments[&id], downloaded_at.plus_seconds(9 * 60))
        .unwrap();
    assert!(view.install_window.unwrap().expired);

    host.run_timers(timer);
    let e = &host.enrollments[&id];
    assert_eq!(e.state(), "failed");
    let view = world.engine.portal_view(e, timer).unwrap();
    assert_eq!(view.failure.unwrap().code, "FLOW107");
    assert!(host.effects.iter().any(|f| matches!(
        f,
        Effect::Unindex {
            key: LookupKey::IdentityChallenge(_)
        }
    )));

    // The SCEP server can no longer redeem its challenge, and a late Authenticate is refused.
    assert!(
        host.scep_enroll(&mut iphone, &world.identity_ca, timer)
            .is_err()
    );
    iphone
        .accept_identity(
            world
                .identity_ca
                .issue(
                    &format!("enrollment {id}"),
                    "",
                    enrollkit_cms::KeyAlgorithm::EcP256,
                )
                .unwrap(),
        )
        .unwrap();
    let before = host.enrollments[&id].clone();
    let r = host.send(
        iphone
            .checkin_request(&iphone.authenticate(), timer.plus_seconds(5))
            .unwrap(),
        timer.plus_seconds(5),
    );
    assert_eq!(r.status(), 409);
    assert_eq!(host.enrollments[&id], before);
}

#[test]
fn an_authenticate_after_the_window_fails_the_enrollment_with_flow107() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    host.scep_enroll(&mut iphone, &world.identity_ca, at(60))
        .unwrap();
    let late = at(20 + 8 * 60 + 30);
    let r = host.send(
        iphone
            .checkin_request(&iphone.authenticate(), late)
            .unwrap(),
        late,
    );
    assert_eq!(r.status(), 409);
    assert!(json(&r)["message"].as_str().unwrap().contains("FLOW107"));
    assert_eq!(host.enrollments[&id].state(), "failed");
}

#[test]
fn a_replayed_scep_challenge_is_refused() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    downloaded(&mut host, &mut iphone, 0);
    host.scep_enroll(&mut iphone, &world.identity_ca, at(60))
        .unwrap();
    let again = host
        .scep_enroll(&mut iphone, &world.identity_ca, at(61))
        .unwrap_err();
    assert_eq!(again.code(), "PROT012");
}

#[test]
fn a_second_download_replaces_the_pending_one_and_its_challenge() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    let first = iphone.installed.clone().unwrap();
    let again = host.send(iphone.browse(&format!("{BASE}/enroll/profile")), at(100));
    assert_eq!(again.status(), 200);
    let e = &host.enrollments[&id];
    assert_eq!(e.state(), "profile_pending");
    assert!(e.flow.clock.last() == Some(at(100)));
    // The first profile's challenge no longer finds the enrollment.
    assert!(host.enrollment_for_challenge(&first.challenge).is_none());
    iphone.install(again.body()).unwrap();
    assert_ne!(
        iphone.installed.as_ref().unwrap().challenge.expose(),
        first.challenge.expose()
    );
    check_in(&mut host, &world, &mut iphone, at(200));
}

#[test]
fn a_tampered_body_with_a_valid_looking_signature_is_refused_and_changes_nothing() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    host.scep_enroll(&mut iphone, &world.identity_ca, at(60))
        .unwrap();
    let mut req = iphone
        .checkin_request(&iphone.authenticate(), at(70))
        .unwrap();
    let body = req.body_mut();
    let i = body.iter().rposition(|b| *b == b'<').unwrap() - 3;
    body[i] ^= 0x01;
    let before = host.enrollments[&id].clone();
    let r = host.send(req, at(70));
    assert_eq!(r.status(), 403);
    assert_eq!(json(&r)["code"], "PROT007");
    assert_eq!(host.enrollments[&id], before);

    // No signature at all, while the profile sets SignMessage.
    let mut req = iphone
        .checkin_request(&iphone.authenticate(), at(71))
        .unwrap();
    req.headers_mut().remove("mdm-signature");
    let r = host.send(req, at(71));
    assert_eq!(json(&r)["code"], "PROT006");
    // Signed by an identity from another CA.
    let other = enrollkit_cms::ThrowawayCa::new(
        "Other CA",
        "",
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(at(-100).unix() as u64),
        std::time::Duration::from_secs(86_400),
        enrollkit_cms::KeyAlgorithm::EcP256,
    )
    .unwrap();
    let mut forger = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    forger.installed = iphone.installed.clone();
    forger.udid = iphone.udid.clone();
    forger.enrollment_id = iphone.enrollment_id.clone();
    forger
        .accept_identity(
            other
                .issue(
                    &format!("enrollment {id}"),
                    "",
                    enrollkit_cms::KeyAlgorithm::EcP256,
                )
                .unwrap(),
        )
        .unwrap();
    let r = host.send(
        forger
            .checkin_request(&forger.authenticate(), at(72))
            .unwrap(),
        at(72),
    );
    assert_eq!(json(&r)["code"], "PROT008");
    assert_eq!(host.enrollments[&id], before);
}

#[test]
fn a_check_in_for_another_topic_or_device_is_refused() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    host.scep_enroll(&mut iphone, &world.identity_ca, at(60))
        .unwrap();
    let before = host.enrollments[&id].clone();

    let Message::Authenticate(mut other_topic) = iphone.authenticate() else {
        unreachable!()
    };
    other_topic.topic = "com.apple.mgmt.External.someone-else".into();
    let r = host.send(
        iphone
            .checkin_request(&Message::Authenticate(other_topic), at(70))
            .unwrap(),
        at(70),
    );
    assert_eq!(r.status(), 403);
    assert_eq!(json(&r)["code"], "PROT010");

    // User Enrollment names the device by EnrollmentID; a UDID is the wrong kind.
    let Message::Authenticate(mut by_udid) = iphone.authenticate() else {
        unreachable!()
    };
    by_udid.enrollment_id = None;
    by_udid.udid = Some(iphone.udid.clone());
    let r = host.send(
        iphone
            .checkin_request(&Message::Authenticate(by_udid), at(71))
            .unwrap(),
        at(71),
    );
    assert_eq!(json(&r)["code"], "PROT005");
    assert_eq!(host.enrollments[&id], before);

    // After Authenticate, another EnrollmentID is another device.
    assert_eq!(
        host.send(
            iphone
                .checkin_request(&iphone.authenticate(), at(72))
                .unwrap(),
            at(72)
        )
        .status(),
        200
    );
    let real = iphone.enrollment_id.clone();
    iphone.enrollment_id = "0E3C6F0A-1111-4222-8333-944455556666".into();
    let r = host.send(
        iphone
            .checkin_request(&iphone.token_update(), at(73))
            .unwrap(),
        at(73),
    );
    assert_eq!(json(&r)["code"], "PROT011");
    iphone.enrollment_id = real;
}

#[test]
fn malformed_and_oversized_check_ins_are_coded_and_change_nothing() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let (id, _) = downloaded(&mut host, &mut iphone, 0);
    host.scep_enroll(&mut iphone, &world.identity_ca, at(60))
        .unwrap();
    let before = host.enrollments[&id].clone();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not a plist".to_vec(), "PROT002"),
        (b"<plist><array/></plist>".to_vec(), "PROT002"),
        (b"<plist><dict><key>MessageType</key><string>Nope</string></dict></plist>".to_vec(), "PROT003"),
        (b"<plist><dict><key>MessageType</key><string>Authenticate</string><key>EnrollmentID</key><string>x</string></dict></plist>".to_vec(), "PROT004"),
        (vec![b' '; 2 * 1024 * 1024], "PROT001"),
    ];
    for (body, code) in cases {
        let r = host.send(iphone.signed_put(body, at(70)).unwrap(), at(70));
        assert!(r.status().is_client_error(), "{code}: {}", r.status());
        assert_eq!(json(&r)["code"], code);
        assert_eq!(
            host.enrollments[&id], before,
            "{code} changed the enrollment"
        );
    }
    // Unknown paths and methods.
    let r = host.send(
        http::Request::get(format!("{BASE}/nope"))
            .body(Vec::new())
            .unwrap(),
        at(70),
    );
    assert_eq!(r.status(), 404);
    let r = host.send(
        http::Request::post(format!("{BASE}/portal"))
            .body(Vec::new())
            .unwrap(),
        at(70),
    );
    assert_eq!(r.status(), 405);
}

#[test]
fn a_replayed_sign_in_callback_is_refused() {
    let world = world(settings());
    let mut host = host(&world);
    let mut iphone = device(&world, Platform::Ios, "17.4", "iPhone15,2");
    let start = host.send(iphone.browse(&format!("{BASE}/portal")), at(0));
    iphone.keep_cookies(&start);
    let callback = host
        .idp
        .sign_in(&header(&start, "location"), &dana(), at(5))
        .unwrap();
    assert_eq!(host.send(iphone.browse(&callback), at(6)).status(), 303);
    let again = host.send(iphone.browse(&callback), at(7));
    assert_eq!(again.status(), 400);
    assert_eq!(json(&again)["code"], "PROT020");
}

/// ID tokens the relying party must refuse: each with its code.
#[test]
fn id_tokens_are_validated_for_signature_issuer_audience_time_and_nonce() {
    let world = world(settings());
    let host = host(&world);
    let s = &world.engine.settings().oidc;
    let key = world.engine.settings().secret_key.expose().as_bytes();
    let state = Secret::new("state-1");
    let start = oidc::start_sign_in(s, key, state.clone(), None, at(0));
    let nonce = url::Url::parse(start.authorization_url.as_str())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "nonce")
        .unwrap()
        .1
        .into_owned();
    let now = at(10);
    let good = serde_json::json!({"iss": s.issuer, "sub": "u1", "aud": s.client_id, "iat": now.unix(), "exp": now.unix() + 300, "nonce": nonce});
    let jwks = host.idp.jwks();
    let check = |claims: &serde_json::Value| {
        oidc::validate_id_token(s, key, &state, &host.idp.mint(claims).unwrap(), &jwks, now)
            .map(|v| v.identity.subject)
    };
    assert_eq!(check(&good).unwrap(), "u1");
    let with = |k: &str, v: serde_json::Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    for (claims, code) in [
        (with("iss", "https://evil.example.com".into()), "PROT024"),
        (with("aud", "another-client".into()), "PROT024"),
        (with("exp", (now.unix() - 120).into()), "PROT024"),
        (with("iat", (now.unix() + 3600).into()), "PROT024"),
        (with("nonce", "replayed".into()), "PROT024"),
    ] {
        assert_eq!(check(&claims).unwrap_err().code(), code, "{claims}");
    }
    // Another provider's key, a changed payload, an unsigned token.
    let other = enrollkit_protocol::simulator::SimulatedIdp::new(&s.issuer, &s.client_id).unwrap();
    let foreign = other.mint(&good).unwrap();
    assert_eq!(
        oidc::validate_id_token(s, key, &state, &foreign, &jwks, now)
            .unwrap_err()
            .code(),
        "PROT023"
    );
    let token = host.idp.mint(&good).unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = base64_url(&serde_json::to_vec(&with("sub", "admin".into())).unwrap());
    assert_eq!(
        oidc::validate_id_token(s, key, &state, &parts.join("."), &jwks, now)
            .unwrap_err()
            .code(),
        "PROT023"
    );
    let none = format!(
        "{}.{}.",
        base64_url(br#"{"alg":"none","kid":"sim-1"}"#),
        parts[1]
    );
    assert_eq!(
        oidc::validate_id_token(s, key, &state, &none, &jwks, now)
            .unwrap_err()
            .code(),
        "PROT023"
    );
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
