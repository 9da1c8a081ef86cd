//! HTTP to engine calls and back. A request is routed by the engine, its enrollment loaded,
//! handled, and the result committed with its effects; a lost race (another instance advanced
//! the enrollment) handles the request again against the new state. Nothing here knows the
//! protocol.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use enrollkit::Coded;
use enrollkit::diagnostic::codes;
use enrollkit::flow::clock::Timestamp;
use enrollkit::protocol::ProtocolError;
use enrollkit::protocol::engine::{
    Engine, Enrollment, Handled, Lookup, LookupKey, PortalView, Reply, Route, Routed,
};
use enrollkit::protocol::entropy::OsEntropy;
use enrollkit::protocol::secret::{Secret, SecretDigest};
use http::{HeaderValue, StatusCode, header};

use crate::clock::Clock;
use crate::idp::{self, Idp};
use crate::pages;
use crate::store::{Commit, Store, StoreError, Stored};

/// How often a request is handled again after losing a race for its enrollment.
const ATTEMPTS: usize = 8;

/// What every handler shares.
pub struct App {
    /// The engine.
    pub engine: Engine,
    /// Storage.
    pub store: Store,
    /// The identity provider.
    pub idp: Idp,
    /// The server's time.
    pub clock: Clock,
    /// Secret of the SCEP server's challenge webhook.
    pub scep_webhook_secret: Secret,
    /// The admin view's password.
    pub admin_password: Secret,
    /// Whether a test may move the clock.
    pub test_clock: bool,
    /// Largest body read.
    pub body_limit: usize,
    /// Time a client has to send its body.
    pub body_timeout: Duration,
}

/// The server's routes: the engine's (a fallback), the admin view, the SCEP webhook.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/enrollments.json", get(admin_json))
        .route("/admin/test-clock", post(test_clock))
        .route("/scep/challenge", post(scep_challenge))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(engine_request)
        .with_state(app)
}

/// A coded JSON answer for an error the server itself meets (body limits, storage).
fn coded(error: &ProtocolError) -> Response {
    into_axum(error.to_response())
}

fn into_axum(response: http::Response<Vec<u8>>) -> Response {
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::from(body))
}

fn storage_failure(e: &StoreError) -> Response {
    tracing::error!(error = %e, "storage");
    // The server's own failure: 503, so the device retries later; the request changed nothing.
    let mut r = coded(&ProtocolError::new(
        codes::internal::INTERNAL,
        "the enrollment store is unavailable; try again",
    ));
    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    r
}

/// Reads the body within the size limit and the time limit.
async fn read_body(app: &App, body: Body) -> Result<Vec<u8>, ProtocolError> {
    match tokio::time::timeout(app.body_timeout, axum::body::to_bytes(body, app.body_limit)).await {
        Err(_) => Err(ProtocolError::new(
            codes::protocol::SLOW_REQUEST,
            format!(
                "the body did not arrive within {} s",
                app.body_timeout.as_secs()
            ),
        )),
        Ok(Err(e)) => Err(ProtocolError::new(
            codes::protocol::BODY_TOO_LARGE,
            format!(
                "the body is over the server's limit of {} bytes ({e})",
                app.body_limit
            ),
        )),
        Ok(Ok(b)) => Ok(b.to_vec()),
    }
}

fn wants_html(request: &http::Request<Vec<u8>>) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn browser_route(route: Route) -> bool {
    matches!(
        route,
        Route::Portal
            | Route::Ota
            | Route::Status
            | Route::SignInCallback
            | Route::AccountAuth
            | Route::AdeWeb
            | Route::Download
    )
}

async fn engine_request(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match read_body(&app, body).await {
        Ok(b) => b,
        Err(e) => return coded(&e),
    };
    let request = http::Request::from_parts(parts, body);
    let routed = match app.engine.route(&request) {
        Ok(r) => r,
        Err(e) => return coded(&e),
    };
    let html = wants_html(&request) && browser_route(routed.route);
    let handled = match process(&app, &routed, &request).await {
        Ok(h) => h,
        Err(e) => return storage_failure(&e),
    };
    if let Some(refused) = &handled.refused {
        tracing::info!(code = %refused.code(), route = ?routed.route, "refused: {}", refused.message());
    }
    let response = match handled.reply {
        Reply::Respond(r) => r,
        // The reference server queues no MDM commands: an empty 200 tells the device so.
        Reply::Delegate(_) | Reply::ExchangeCode(_) => http::Response::new(Vec::new()),
    };
    if html {
        return render_html(&app, response);
    }
    into_axum(response)
}

/// The portal's JSON as its page; a refusal as a message page with the same status.
fn render_html(app: &App, response: http::Response<Vec<u8>>) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !json {
        return into_axum(response);
    }
    let organization = &app.engine.settings().profile.organization;
    let status = response.status();
    let page = if let Ok(view) = serde_json::from_slice::<PortalView>(response.body()) {
        pages::portal(&view, organization)
    } else {
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
        let text = body["message"]
            .as_str()
            .unwrap_or("The request was refused.");
        let fix = body["remediation"].as_str().unwrap_or("");
        pages::message(
            &format!(
                "That did not work ({})",
                body["code"].as_str().unwrap_or("error")
            ),
            &format!("{text} {fix}"),
            organization,
        )
    };
    let mut r = (status, axum::response::Html(page.into_string())).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn lookup(app: &App, lookup: &Lookup) -> Result<Option<Stored>, StoreError> {
    match lookup {
        Lookup::None | Lookup::New => Ok(None),
        Lookup::Enrollment(id) => app.store.load(id).await,
        Lookup::Key(key) => app.store.load_by_key(key).await,
    }
}

/// Handles one request to completion: the engine's step, the sign-in's token exchange, and
/// the commit (again, against fresh state, after a lost race).
pub async fn process(
    app: &App,
    routed: &Routed,
    request: &http::Request<Vec<u8>>,
) -> Result<Handled, StoreError> {
    for _ in 0..ATTEMPTS {
        let found = lookup(app, &routed.lookup).await?;
        let version = found.as_ref().map(|s| s.version);
        let enrollment = found.map(|s| s.enrollment);
        let now = app.clock.now();
        let handled = app
            .engine
            .handle(routed, request, enrollment.clone(), now, &mut OsEntropy);
        if let Reply::ExchangeCode(token_request) = handled.reply {
            let Some(enrollment) = enrollment else {
                return Ok(Handled::refuse(ProtocolError::new(
                    codes::protocol::SIGN_IN_STATE_MISMATCH,
                    "the sign-in's enrollment is gone",
                )));
            };
            return finish_sign_in(app, request, enrollment, version, token_request).await;
        }
        match app
            .store
            .commit(handled.enrollment.as_ref(), version, &handled.effects, now)
            .await?
        {
            Commit::Done => return Ok(handled),
            Commit::Conflict => continue,
        }
    }
    Ok(Handled::refuse(ProtocolError::new(
        codes::protocol::WRONG_STATE,
        "the enrollment kept changing under this request; try again",
    )))
}

/// The callback's second half: the provider's token response, the user lookup, and the
/// completion (retried against fresh state without exchanging the code again).
async fn finish_sign_in(
    app: &App,
    request: &http::Request<Vec<u8>>,
    enrollment: Enrollment,
    version: Option<i64>,
    token_request: http::Request<Vec<u8>>,
) -> Result<Handled, StoreError> {
    let now = app.clock.now();
    let response = match app.idp.exchange(token_request).await {
        Ok(r) => r,
        Err(e) => {
            return Ok(Handled::refuse(ProtocolError::new(
                codes::protocol::TOKEN_RESPONSE_INVALID,
                e,
            )));
        }
    };
    let verify = |jwks| {
        app.engine
            .verify_sign_in(&enrollment, request, &response, jwks, now)
    };
    let verified = match app.idp.jwks(false).await {
        Ok(jwks) => match verify(&jwks) {
            Err(e) if idp::may_be_rotation(&e) => match app.idp.jwks(true).await {
                Ok(fresh) => verify(&fresh),
                Err(_) => Err(e),
            },
            other => other,
        },
        Err(e) => Err(ProtocolError::new(
            codes::protocol::TOKEN_RESPONSE_INVALID,
            e,
        )),
    };
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return Ok(Handled::refuse(e)),
    };
    let (mut enrollment, mut version) = (enrollment, version);
    for _ in 0..ATTEMPTS {
        let directory = app.store.user(&verified.identity.key()).await?;
        let handled = app.engine.complete_sign_in(
            enrollment.clone(),
            verified.clone(),
            directory,
            now,
            &mut OsEntropy,
        );
        match app
            .store
            .commit(handled.enrollment.as_ref(), version, &handled.effects, now)
            .await?
        {
            Commit::Done => return Ok(handled),
            Commit::Conflict => match app.store.load(&enrollment.id).await? {
                Some(fresh) => {
                    version = Some(fresh.version);
                    enrollment = fresh.enrollment;
                }
                None => break,
            },
        }
    }
    Ok(Handled::refuse(ProtocolError::new(
        codes::protocol::WRONG_STATE,
        "the enrollment changed during the sign-in; sign in again",
    )))
}

/// Runs the install-window timers that are due, once.
pub async fn run_timers(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let due = app.store.due_timers(now, 200).await?;
    let mut ran = 0;
    for (id, due_at) in due {
        let Some(stored) = app.store.load(&id).await? else {
            app.store.delete_timer(&id, due_at).await?;
            continue;
        };
        let handled = app.engine.expire(stored.enrollment, now);
        if app
            .store
            .commit(
                handled.enrollment.as_ref(),
                Some(stored.version),
                &handled.effects,
                now,
            )
            .await?
            == Commit::Done
        {
            app.store.delete_timer(&id, due_at).await?;
            ran += 1;
        }
    }
    Ok(ran)
}

/// The timer loop: once a second, every instance (a lost race is retried on the next tick).
pub async fn timer_loop(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(e) = run_timers(&app).await {
            tracing::warn!(error = %e, "timers");
        }
    }
}

fn bearer_ok(headers: &http::HeaderMap, secret: &Secret) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(Secret::new);
    presented.is_some_and(|p| SecretDigest::of(secret).matches(&p))
}

#[derive(serde::Deserialize)]
struct ChallengeBody {
    challenge: String,
}

/// `POST /scep/challenge` with the webhook secret: the SCEP (or ACME) server redeems the
/// challenge a device presented; once only.
async fn scep_challenge(State(app): State<Arc<App>>, request: Request) -> Response {
    if !bearer_ok(request.headers(), &app.scep_webhook_secret) {
        return coded(&ProtocolError::new(
            codes::protocol::TOKEN_REJECTED,
            "the challenge webhook needs its secret",
        ));
    }
    let body = match read_body(&app, request.into_body()).await {
        Ok(b) => b,
        Err(e) => return coded(&e),
    };
    let Ok(parsed) = serde_json::from_slice::<ChallengeBody>(&body) else {
        return coded(&ProtocolError::new(
            codes::protocol::MALFORMED_BODY,
            "the webhook body is {\"challenge\": \"...\"}",
        ));
    };
    let presented = Secret::new(parsed.challenge);
    let key = LookupKey::IdentityChallenge(SecretDigest::of(&presented));
    for _ in 0..ATTEMPTS {
        let stored = match app.store.load_by_key(&key).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                return coded(&ProtocolError::new(
                    codes::protocol::CHALLENGE_REJECTED,
                    "no enrollment issued this challenge (or its profile was replaced or expired)",
                ));
            }
            Err(e) => return storage_failure(&e),
        };
        let now = app.clock.now();
        let redeemed =
            match app
                .engine
                .redeem_identity_challenge(stored.enrollment, &presented, now)
            {
                Ok(e) => e,
                Err(e) => return coded(&e),
            };
        match app
            .store
            .commit(Some(&redeemed), Some(stored.version), &[], now)
            .await
        {
            Ok(Commit::Done) => {
                let body = serde_json::json!({
                    "enrollment": redeemed.id,
                    "common_name": format!("enrollment {}", redeemed.id),
                });
                return axum::Json(body).into_response();
            }
            Ok(Commit::Conflict) => continue,
            Err(e) => return storage_failure(&e),
        }
    }
    coded(&ProtocolError::new(
        codes::protocol::WRONG_STATE,
        "try again",
    ))
}

async fn admin_rows(
    app: &App,
) -> Result<(Vec<(Enrollment, Option<PortalView>)>, serde_json::Value), StoreError> {
    let now = app.clock.now();
    let rows = app.store.recent(500).await?;
    let counts = app.store.counts().await?;
    Ok((
        rows.into_iter()
            .map(|s| {
                let view = app.engine.portal_view(&s.enrollment, now).ok();
                (s.enrollment, view)
            })
            .collect(),
        counts,
    ))
}

/// The admin view asks for its password: HTTP Basic (`admin`), so a browser prompts, or Bearer.
fn admin_refused(app: &App, headers: &http::HeaderMap) -> Option<Response> {
    use base64::Engine as _;
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            if let Some(token) = v.strip_prefix("Bearer ") {
                return Some(token.to_owned());
            }
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(v.strip_prefix("Basic ")?)
                .ok()?;
            String::from_utf8(decoded)
                .ok()?
                .strip_prefix("admin:")
                .map(str::to_owned)
        })
        .map(Secret::new);
    if presented.is_some_and(|p| SecretDigest::of(&app.admin_password).matches(&p)) {
        return None;
    }
    let mut r = coded(&ProtocolError::new(
        codes::protocol::TOKEN_REJECTED,
        "the admin view needs its password (user admin)",
    ));
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"enrollkit admin\""),
    );
    Some(r)
}

async fn admin_page(State(app): State<Arc<App>>, headers: http::HeaderMap) -> Response {
    if let Some(r) = admin_refused(&app, &headers) {
        return r;
    }
    match admin_rows(&app).await {
        Ok((rows, counts)) => axum::response::Html(
            pages::admin(&rows, &counts, &app.engine.settings().profile.organization).into_string(),
        )
        .into_response(),
        Err(e) => storage_failure(&e),
    }
}

async fn admin_json(State(app): State<Arc<App>>, headers: http::HeaderMap) -> Response {
    if let Some(r) = admin_refused(&app, &headers) {
        return r;
    }
    match admin_rows(&app).await {
        Ok((rows, counts)) => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(e, view)| {
                    serde_json::json!({
                        "id": e.id, "exchange": e.exchange, "state": e.state(),
                        "user": e.user.as_ref().map(|u| &u.key),
                        "device": e.checkin.as_ref().map(|c| &c.device),
                        "view": view,
                    })
                })
                .collect();
            axum::Json(
                serde_json::json!({"counts": counts, "enrollments": list, "now": app.clock.now()}),
            )
            .into_response()
        }
        Err(e) => storage_failure(&e),
    }
}

#[derive(serde::Deserialize)]
struct Advance {
    advance: i64,
}

async fn test_clock(
    State(app): State<Arc<App>>,
    headers: http::HeaderMap,
    Query(q): Query<Advance>,
) -> Response {
    if let Some(r) = admin_refused(&app, &headers) {
        return r;
    }
    if !app.test_clock {
        return coded(&ProtocolError::new(
            codes::protocol::NOT_FOUND,
            "the test clock is off (test_clock = false)",
        ));
    }
    app.clock.advance(q.advance);
    let now: Timestamp = app.clock.now();
    axum::Json(serde_json::json!({"now": now})).into_response()
}
