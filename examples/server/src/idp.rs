//! The identity provider, as the server talks to it: the token request the engine built, and
//! the provider's keys (JWKS), cached and refreshed when a token names a key not yet seen.

use std::time::{Duration, Instant};

use enrollkit::protocol::ProtocolError;
use enrollkit::protocol::oidc::JwkSet;
use tokio::sync::RwLock;

/// How long fetched keys are used before they are fetched again.
const JWKS_TTL: Duration = Duration::from_secs(300);

/// The provider's HTTP side.
pub struct Idp {
    client: reqwest::Client,
    jwks_uri: String,
    jwks: RwLock<Option<(Instant, JwkSet)>>,
}

impl Idp {
    /// A client for the provider (60-second timeouts: a provider under load answers late, the system's roots for https).
    pub fn new(jwks_uri: &str) -> Result<Idp, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Idp {
            client,
            jwks_uri: jwks_uri.to_owned(),
            jwks: RwLock::new(None),
        })
    }

    /// Sends the engine's token request; the provider's answer, as received.
    pub async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, String> {
        let (parts, body) = request.into_parts();
        let mut builder = self.client.request(parts.method, parts.uri.to_string());
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .body(body)
            .send()
            .await
            .map_err(|e| format!("token endpoint: {e}"))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("token endpoint: {e}"))?;
        let mut out = http::Response::new(bytes.to_vec());
        *out.status_mut() = status;
        Ok(out)
    }

    /// The provider's keys; `refresh` fetches them again now.
    pub async fn jwks(&self, refresh: bool) -> Result<JwkSet, String> {
        if !refresh
            && let Some((at, keys)) = self.jwks.read().await.as_ref()
            && at.elapsed() < JWKS_TTL
        {
            return Ok(keys.clone());
        }
        let keys: JwkSet = self
            .client
            .get(&self.jwks_uri)
            .send()
            .await
            .map_err(|e| format!("JWKS: {e}"))?
            .error_for_status()
            .map_err(|e| format!("JWKS: {e}"))?
            .json()
            .await
            .map_err(|e| format!("JWKS: {e}"))?;
        *self.jwks.write().await = Some((Instant::now(), keys.clone()));
        Ok(keys)
    }
}

/// Whether a sign-in failure may be a key rotation (the token names a key not in the cache).
pub fn may_be_rotation(e: &ProtocolError) -> bool {
    e.message().contains("no key")
}
