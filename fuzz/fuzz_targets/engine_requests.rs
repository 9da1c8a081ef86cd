//! Arbitrary HTTP requests at the engine: any method, a path from the engine's routes (or
//! not), arbitrary headers and body, with no enrollment or with one taken mid-flight.
//! Routing and handling never panic, no request gets a 5xx, and a refusal stores nothing.
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use enrollkit_diagnostic::Platform;
use enrollkit_flow::clock::Timestamp;
use enrollkit_protocol::engine::{Engine, Enrollment, Reply};
use enrollkit_protocol::entropy::SeededEntropy;
use enrollkit_protocol::simulator::{IdpUser, InMemoryHost, SimulatedDevice, SimulatedIdp, throwaway_cas};
use libfuzzer_sys::fuzz_target;

mod engine_world {
    include!("engine_world.rs");
}

struct World {
    engine: Engine,
    enrollments: Vec<Enrollment>,
    now: Timestamp,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let now = Timestamp::from_unix(1_800_000_000).expect("time");
        let (identity_ca, attestation_ca) = throwaway_cas(now).expect("cas");
        let engine = engine_world::engine(now, &identity_ca, &attestation_ca);
        // Enrollments in the states a real one passes through: signed in, downloaded, enrolled.
        let enrollments = {
        let mut host = InMemoryHost::new(&engine, SimulatedIdp::new("https://login.example.com", "enrollkit").expect("idp"), Box::new(SeededEntropy::new("fuzz")));
        let mut seed = SeededEntropy::new("fuzz device");
        let mut device = SimulatedDevice::new(Platform::Ios, "17.4".parse().expect("v"), "iPhone15,2", &attestation_ca, &mut seed).expect("device");
        let start = host.send(device.browse("https://enroll.example.com/portal"), now);
        device.keep_cookies(&start);
        let location = start.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let user = IdpUser { subject: "s".into(), email: "u@example.com".into(), name: "U".into(), mfa: true };
        let callback = host.idp.sign_in(&location, &user, now).expect("sign in");
        host.send(device.browse(&callback), now);
        let mut enrollments: Vec<Enrollment> = host.enrollments.values().cloned().collect();
        let profile = host.send(device.browse("https://enroll.example.com/enroll/profile"), now);
        device.install(profile.body()).expect("install");
        enrollments.extend(host.enrollments.values().cloned());
        host.scep_enroll(&mut device, &identity_ca, now).expect("scep");
        host.send(device.checkin_request(&device.authenticate(), now).expect("auth"), now);
        enrollments.extend(host.enrollments.values().cloned());
        enrollments
        };
        World { engine, enrollments, now }
    })
}

const PATHS: &[&str] = &[
    "/.well-known/com.apple.remotemanagement", "/portal", "/ota", "/oidc/callback", "/enroll",
    "/enroll/profile", "/account/auth", "/account/enroll", "/ade/enroll", "/ota/device/",
    "/mdm/checkin/", "/mdm/connect/", "/nope",
];
const HEADERS: &[&str] = &[
    "content-type", "authorization", "mdm-signature", "cookie", "user-agent",
    "x-apple-aspen-deviceinfo", "host",
];

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    path: u8,
    suffix: String,
    query: String,
    headers: Vec<(u8, String)>,
    enrollment: Option<u8>,
    body: Vec<u8>,
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else { return };
    let method = ["GET", "POST", "PUT", "DELETE"][usize::from(input.method) % 4];
    let path = PATHS[usize::from(input.path) % PATHS.len()];
    let mut found = input.enrollment.map(|i| w.enrollments[usize::from(i) % w.enrollments.len()].clone());
    let suffix = match (&found, path.ends_with('/')) {
        (Some(e), true) if input.suffix.is_empty() => e.id.clone(),
        _ => input.suffix.clone(),
    };
    let uri = format!("https://enroll.example.com{path}{suffix}?{}", input.query);
    let mut builder = http::Request::builder().method(method).uri(uri.as_str());
    for (h, v) in input.headers.iter().take(8) {
        builder = builder.header(HEADERS[usize::from(*h) % HEADERS.len()], v.as_str());
    }
    let Ok(request) = builder.body(input.body.clone()) else { return };
    let Ok(routed) = w.engine.route(&request) else { return };
    if found.is_none() && input.enrollment.is_some() {
        found = None;
    }
    let handled = w.engine.handle(&routed, &request, found, w.now, &mut SeededEntropy::new("fuzz run"));
    if let Reply::Respond(r) = &handled.reply {
        assert!(r.status().as_u16() < 500, "{} {uri}: {}", r.status(), String::from_utf8_lossy(r.body()));
    }
    if handled.refused.is_some() {
        // A refusal stores nothing, except an Authenticate that arrived too late (the failure).
        assert!(handled.enrollment.as_ref().is_none_or(|e| e.state() == "failed"));
    }
});
