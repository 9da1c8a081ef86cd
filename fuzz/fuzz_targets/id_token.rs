//! Arbitrary text as an ID token, a token response and a sign-in callback: validation never
//! panics, refusals are protocol codes, and nothing but the provider's own signature over the
//! expected claims is accepted. Mode 2 mutates a real token (one byte, at a position from the
//! input): it must be refused unless the mutation left the token's meaning unchanged.
#![no_main]

use std::sync::OnceLock;

use enrollkit_diagnostic::{Area, Coded};
use enrollkit_flow::clock::Timestamp;
use enrollkit_protocol::oidc::{self, OidcSettings};
use enrollkit_protocol::secret::Secret;
use enrollkit_protocol::simulator::SimulatedIdp;
use libfuzzer_sys::fuzz_target;

struct World {
    settings: OidcSettings,
    idp: SimulatedIdp,
    good: String,
    now: Timestamp,
}

const KEY: &[u8] = b"fuzz-secret-key-0123456789abcdef0123";

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let u = |s: &str| s.parse().expect("url");
        let settings = OidcSettings::new("https://idp.example", "client", u("https://idp.example/a"), u("https://idp.example/t"), u("https://rp.example/cb"));
        let now = Timestamp::from_unix(1_800_000_000).expect("time");
        let start = oidc::start_sign_in(&settings, KEY, Secret::new("state"), None, now);
        let nonce = start.authorization_url.query_pairs().find(|(k, _)| k == "nonce").map(|(_, v)| v.into_owned()).expect("nonce");
        let idp = SimulatedIdp::new("https://idp.example", "client").expect("idp");
        let good = idp
            .mint(&serde_json::json!({"iss": "https://idp.example", "aud": "client", "sub": "u", "iat": now.unix(), "exp": now.unix() + 60, "nonce": nonce}))
            .expect("token");
        World { settings, idp, good, now }
    })
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let state = Secret::new("state");
    let jwks = w.idp.jwks();
    let Some((&mode, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let refused = |r: Result<oidc::VerifiedSignIn, enrollkit_protocol::ProtocolError>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert_eq!(e.code().area(), Area::Protocol, "{e}");
            None
        }
    };
    match mode % 4 {
        0 => assert!(refused(oidc::validate_id_token(&w.settings, KEY, &state, &text, &jwks, w.now)).is_none()),
        1 => {
            let response = http::Response::new(rest.to_vec());
            let _ = refused(oidc::validate_token_response(&w.settings, KEY, &state, &response, &jwks, w.now));
        }
        2 => {
            let mut token = w.good.clone().into_bytes();
            let at = rest.iter().fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(*b as usize)) % token.len();
            token[at] = rest.first().copied().unwrap_or(b'A');
            let mutated = String::from_utf8_lossy(&token).into_owned();
            if let Some(v) = refused(oidc::validate_id_token(&w.settings, KEY, &state, &mutated, &jwks, w.now)) {
                assert_eq!(v.identity.subject, "u", "a mutated token changed who signed in");
            }
        }
        _ => {
            if let Ok(cb) = oidc::read_callback(&text) {
                let pending = oidc::start_sign_in(&w.settings, KEY, Secret::new("state"), None, w.now).pending;
                let ok = oidc::check_state(&w.settings, Some(&pending), &cb.state, w.now).is_ok();
                assert_eq!(ok, cb.state.expose() == "state");
                let _ = oidc::token_request(&w.settings, KEY, &cb);
            }
        }
    }
});
