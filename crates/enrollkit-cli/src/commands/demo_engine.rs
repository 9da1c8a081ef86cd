//! The demo's enrollments, through the engine: a simulated iPhone enrolls by account-driven
//! User Enrollment for a user created just in time, then a profile-driven download on another
//! iPhone runs out its 8-minute window. Every request is one a device or a browser sends; the
//! engine answers it the way a server built on it does.

use std::time::{Duration, SystemTime};

use enrollkit::cms::{
    CmsSigner, KeyAlgorithm, SignOptions, TrustAnchors, generate_throwaway_identity,
};
use enrollkit::flow::account_driven::{
    parse_authentication_callback, parse_www_authenticate_challenge,
};
use enrollkit::flow::clock::Timestamp;
use enrollkit::flow::web::Ownership;
use enrollkit::lint::{Enrollment, InstallMethod, LintContext, Platform};
use enrollkit::protocol::build::{IdentityIssuer, ProfileSettings};
use enrollkit::protocol::engine::{
    AccountDrivenSettings, AdeSettings, Effect, Engine, EngineKeys, EngineSettings, PortalPolicy,
};
use enrollkit::protocol::entropy::SeededEntropy;
use enrollkit::protocol::oidc::OidcSettings;
use enrollkit::protocol::simulator::{
    IdpUser, InMemoryHost, SimulatedDevice, SimulatedIdp, throwaway_cas,
};
use enrollkit::{Coded, Secret};

use super::demo::{Demo, broken};
use crate::error::CliError;

const BASE: &str = "https://enroll.example.com";

fn coded(e: &(impl Coded + std::fmt::Display)) -> CliError {
    CliError::coded(e.code(), None, format!("demo: {e}"))
}

fn url(s: &str) -> Result<url::Url, CliError> {
    url::Url::parse(s).map_err(|e| broken(format!("{s}: {e}")))
}

fn settings() -> Result<EngineSettings, CliError> {
    Ok(EngineSettings {
        base_url: url(&format!("{BASE}/"))?,
        profile: ProfileSettings {
            identifier: "com.example.enrollkit.demo.enroll".into(),
            organization: "Example Corp".into(),
            topic: "com.apple.mgmt.External.5f0c7f8e-3d0a-4a43-9a51-7e6b1d0c2a11".into(),
            mdm_base_url: url(&format!("{BASE}/mdm"))?,
            identity: IdentityIssuer::Scep {
                url: url(&format!("{BASE}/scep"))?,
                name: None,
                key_size: 2048,
            },
            anchors: Vec::new(),
            sign_message: true,
            device_access_rights: 8191,
            challenge_margin_seconds: 22 * 60,
        },
        portal: PortalPolicy {
            require_mfa: false,
            jit_registration: true,
            ownership: Ownership::Personal,
        },
        oidc: OidcSettings::new(
            "https://login.example.com",
            "enrollkit-demo",
            url("https://login.example.com/authorize")?,
            url("https://login.example.com/token")?,
            url(&format!("{BASE}/oidc/callback"))?,
        ),
        account_driven: AccountDrivenSettings {
            domains: vec!["example.com".into()],
            device_enrollment: false,
        },
        ade: AdeSettings::default(),
        limits: Default::default(),
        secret_key: Secret::new("demo-key-not-secret-0123456789abcdef"),
        encrypt_ota_profiles: false,
    })
}

fn show(demo: &mut Demo, what: &str, r: &http::Response<Vec<u8>>) -> Result<(), CliError> {
    let header = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let detail = match r.status().as_u16() {
        401 => header("www-authenticate").map(|h| format!(" WWW-Authenticate: {h}")),
        302 => header("location").map(|l| {
            let path = l.split('?').next().unwrap_or(&l).to_owned();
            format!(" Location: {path}?… (state, nonce, PKCE S256)")
        }),
        303 | 308 => header("location").map(|l| {
            // The 308 carries the access token: show where it goes, not the token.
            let shown = l.split("access-token=").next().unwrap_or(&l).to_owned();
            let hidden = if l.contains("access-token=") {
                "access-token=…"
            } else {
                ""
            };
            format!(" Location: {shown}{hidden}")
        }),
        _ => header("content-type").map(|c| format!(" {c}, {} bytes", r.body().len())),
    };
    writeln!(
        demo.out,
        "  {what:<44} <- {}{}",
        r.status().as_u16(),
        detail.unwrap_or_default()
    )
}

fn expect(r: &http::Response<Vec<u8>>, status: u16, what: &str) -> Result<(), CliError> {
    if r.status().as_u16() == status {
        Ok(())
    } else {
        Err(broken(format!(
            "{what}: expected {status}, got {} {}",
            r.status(),
            String::from_utf8_lossy(r.body())
        )))
    }
}

/// Runs both enrollments and prints each exchange.
pub fn simulate(demo: &mut Demo) -> Result<(), CliError> {
    let now = SystemTime::now();
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(broken)?
        .as_secs();
    let t0 =
        Timestamp::from_unix(i64::try_from(secs).unwrap_or(0)).ok_or_else(|| broken("clock"))?;
    let (identity_ca, attestation_ca) = throwaway_cas(t0).map_err(|e| coded(&e))?;
    let signer = generate_throwaway_identity(
        "Example Corp Profile Signer",
        "Example Corp",
        now - Duration::from_secs(3600),
        Duration::from_secs(86_400),
        KeyAlgorithm::EcP256,
    )
    .map_err(|e| coded(&e))?;
    let keys = EngineKeys {
        signer: CmsSigner::new(signer.identity.clone(), SignOptions::default())
            .map_err(|e| coded(&e))?,
        device_identity_anchors: TrustAnchors::new(vec![identity_ca.certificate().to_vec()])
            .map_err(|e| coded(&e))?,
        attestation_anchors: TrustAnchors::new(vec![attestation_ca.certificate().to_vec()])
            .map_err(|e| coded(&e))?,
    };
    let engine = Engine::new(settings()?, keys).map_err(|e| coded(&e))?;
    let idp =
        SimulatedIdp::new("https://login.example.com", "enrollkit-demo").map_err(|e| coded(&e))?;
    let mut host = InMemoryHost::new(&engine, idp, Box::new(SeededEntropy::new("enrollkit demo")));
    let mut seed = SeededEntropy::new("enrollkit demo devices");
    let iphone_on = |version: &str, model: &str, seed: &mut SeededEntropy| {
        let version = version.parse().map_err(|e| coded(&e))?;
        SimulatedDevice::new(Platform::Ios, version, model, &attestation_ca, seed)
            .map_err(|e| coded(&e))
    };
    let at = |s: i64| t0.plus_seconds(s);

    writeln!(
        demo.out,
        "account-driven User Enrollment, iPhone on iOS 18.1, user dana.lee@example.com (not in the directory yet)"
    )?;
    let mut iphone = iphone_on("18.1", "iPhone17,1", &mut seed)?;
    let r = host.send(iphone.well_known_request("dana.lee@example.com"), at(0));
    show(demo, "GET /.well-known/com.apple.remotemanagement", &r)?;
    expect(&r, 200, ".well-known")?;
    let base: serde_json::Value = serde_json::from_slice(r.body()).map_err(broken)?;
    let base = base["Servers"][0]["BaseURL"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = host.send(
        iphone
            .enrollment_request(&base, at(2))
            .map_err(|e| coded(&e))?,
        at(2),
    );
    show(demo, "POST /account/enroll (signed, no token)", &r)?;
    expect(&r, 401, "first enrollment request")?;
    let auth = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let auth_url = parse_www_authenticate_challenge(auth).map_err(|e| coded(&e))?;
    let start = host.send(
        iphone.browse(&format!(
            "{auth_url}?user-identifier=dana.lee%40example.com"
        )),
        at(5),
    );
    show(demo, "GET /account/auth (sign-in sheet)", &start)?;
    iphone.keep_cookies(&start);
    let location = start
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let dana = IdpUser {
        subject: "00u8f3kq2".into(),
        email: "dana.lee@example.com".into(),
        name: "Dana Lee".into(),
        mfa: true,
    };
    let callback = host
        .idp
        .sign_in(&location, &dana, at(30))
        .map_err(|e| coded(&e))?;
    let r = host.send(iphone.browse(&callback), at(31));
    show(demo, "GET /oidc/callback (ID token checked)", &r)?;
    expect(&r, 308, "sign-in callback")?;
    let token = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    iphone.access_token = Some(parse_authentication_callback(token).map_err(|e| coded(&e))?);
    let r = host.send(
        iphone
            .enrollment_request(&base, at(35))
            .map_err(|e| coded(&e))?,
        at(35),
    );
    show(demo, "POST /account/enroll (Authorization: Bearer)", &r)?;
    expect(&r, 200, "enrollment request with the token")?;
    let path = demo.write("account-driven-enrollment.mobileconfig", r.body())?;
    let context = LintContext {
        platform: Platform::Ios,
        os_version: Some("18.1".parse().map_err(|e| coded(&e))?),
        enrollment: Enrollment::User,
        supervised: false,
        install: InstallMethod::Manual,
    };
    let findings =
        enrollkit::check::lint(r.body(), &context).map_err(|e| CliError::input(&path, &e))?;
    let errors = findings
        .iter()
        .filter(|d| d.severity == enrollkit::Severity::Error)
        .count();
    let installed = iphone.install(r.body()).map_err(|e| coded(&e))?.clone();
    writeln!(
        demo.out,
        "  profile built for this enrollment: EnrollmentMode {}, AssignedManagedAppleID {}, AccessRights {}; lint for iOS 18.1 User Enrollment: {} findings, {errors} errors",
        installed.enrollment_mode.as_deref().unwrap_or("-"),
        installed.managed_apple_id.as_deref().unwrap_or("-"),
        if installed.has_access_rights {
            "present"
        } else {
            "absent"
        },
        findings.len()
    )?;
    if errors > 0 || installed.has_access_rights {
        return Err(broken("the account-driven profile would be rejected"));
    }
    host.scep_enroll(&mut iphone, &identity_ca, at(40))
        .map_err(|e| coded(&e))?;
    writeln!(
        demo.out,
        "  SCEP: the challenge is redeemed once; the device gets its identity"
    )?;
    let r = host.send(
        iphone
            .checkin_request(&iphone.authenticate(), at(45))
            .map_err(|e| coded(&e))?,
        at(45),
    );
    show(demo, "PUT /mdm/checkin Authenticate (Mdm-Signature)", &r)?;
    expect(&r, 200, "Authenticate")?;
    let r = host.send(
        iphone
            .checkin_request(&iphone.token_update(), at(46))
            .map_err(|e| coded(&e))?,
        at(46),
    );
    show(demo, "PUT /mdm/checkin TokenUpdate (Mdm-Signature)", &r)?;
    expect(&r, 200, "TokenUpdate")?;
    let created = host
        .effects
        .iter()
        .any(|e| matches!(e, Effect::CreateUser(user) if user.key.subject == "00u8f3kq2"));
    let state = host
        .enrollments
        .values()
        .next()
        .map(|e| e.state())
        .unwrap_or("none");
    writeln!(
        demo.out,
        "  user created just in time: {created}; enrollment state: {state}"
    )?;
    if !created || state != "enrolled" {
        return Err(broken("the account-driven enrollment did not end enrolled"));
    }

    writeln!(
        demo.out,
        "\nprofile-driven download on an iPhone on iOS 17.4, never installed"
    )?;
    let mut other = iphone_on("17.4", "iPhone15,2", &mut seed)?;
    let start = host.send(other.browse(&format!("{BASE}/portal")), at(100));
    show(demo, "GET /portal (Safari)", &start)?;
    other.keep_cookies(&start);
    let location = start
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let callback = host
        .idp
        .sign_in(&location, &dana, at(110))
        .map_err(|e| coded(&e))?;
    let r = host.send(other.browse(&callback), at(111));
    show(demo, "GET /oidc/callback", &r)?;
    let r = host.send(other.browse(&format!("{BASE}/enroll/profile")), at(120));
    show(demo, "GET /enroll/profile", &r)?;
    expect(&r, 200, "profile download")?;
    let id = host
        .enrollments
        .values()
        .find(|e| e.state() == "profile_pending")
        .map(|e| e.id.clone())
        .ok_or_else(|| broken("no pending download"))?;
    for (label, t) in [("4 minutes later", at(360)), ("9 minutes later", at(660))] {
        host.run_timers(t);
        let e = host
            .enrollments
            .get(&id)
            .ok_or_else(|| broken("lost the enrollment"))?;
        let view = engine.portal_view(e, t).map_err(|e| coded(&e))?;
        let left = view
            .install_window
            .map(|w| format!(", {} s left", w.seconds_left))
            .unwrap_or_default();
        writeln!(
            demo.out,
            "  {label}: {}{left}; the portal says: {}",
            view.state, view.next_step
        )?;
    }
    let e = host
        .enrollments
        .get(&id)
        .ok_or_else(|| broken("lost the enrollment"))?;
    if e.state() != "failed" {
        return Err(broken("the download did not expire"));
    }
    Ok(())
}
