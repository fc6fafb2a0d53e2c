//! tactful over HTTP: LanguageTool's `/v2/check` and `/v2/languages` for
//! the writing tools that already speak it, a native `/v1/check` in the
//! batch contract's shape, a health endpoint, and a page at `/` where an
//! agent can try a draft.
//!
//! The binary (`src/main.rs`) reads the arguments, loads the pack and
//! reloads it on SIGHUP or when the file changes; this library holds the
//! router so that tests drive it without a socket.

#![deny(missing_docs)]

pub mod error;
pub mod lt;

use arc_swap::ArcSwap;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use error::ApiError;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tactful::{Channel, Checker, Pack, ReplyInput};
use tokio::sync::Semaphore;

/// The page served at `/`.
const PAGE: &str = include_str!("../page/index.html");

/// Texts longer than this (bytes) are checked on the blocking pool so a
/// long check does not hold up the connections sharing its thread.
const INLINE_LIMIT: usize = 16 * 1024;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Rule packs layered over the default pack, in order.
    pub rules: Vec<PathBuf>,
    /// The channel when a request names none.
    pub channel: Channel,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The largest text to check, in bytes (after decoding).
    pub max_text: usize,
    /// Requests handled at once; more wait for a slot until the timeout.
    pub max_concurrency: usize,
    /// How long a request may take, waiting for a slot included.
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: Vec::new(),
            channel: Channel::Email,
            max_body: 1024 * 1024,
            max_text: 200_000,
            max_concurrency: 64,
            timeout: Duration::from_secs(10),
        }
    }
}

/// The checker in use and how many times one has been loaded.
pub struct Loaded {
    /// The compiled checker.
    pub checker: Checker,
    /// 1 for the pack loaded at start, one more for each reload.
    pub generation: u64,
}

/// What every request shares.
pub struct AppState {
    config: Config,
    loaded: ArcSwap<Loaded>,
    generation: AtomicU64,
    permits: Semaphore,
}

/// Builds a checker from the default pack and `paths` layered over it;
/// the error says which file, line and rule.
pub fn load(paths: &[PathBuf]) -> Result<Checker, String> {
    let mut builder = Checker::builder();
    for path in paths {
        builder = builder.layer(Pack::from_path(path).map_err(|e| e.to_string())?);
    }
    builder.build().map_err(|e| e.to_string())
}

impl AppState {
    /// Loads the packs the config names and makes the shared state.
    pub fn new(config: Config) -> Result<Arc<AppState>, String> {
        let checker = load(&config.rules)?;
        Ok(Arc::new(AppState {
            permits: Semaphore::new(config.max_concurrency.max(1)),
            loaded: ArcSwap::from_pointee(Loaded {
                checker,
                generation: 1,
            }),
            generation: AtomicU64::new(1),
            config,
        }))
    }

    /// Loads the packs again. On success requests from now on use the new
    /// checker (requests under way finish with the old one) and the new
    /// generation is returned; on failure the old checker stays and the
    /// error says why.
    pub fn reload(&self) -> Result<u64, String> {
        let checker = load(&self.config.rules)?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.loaded.store(Arc::new(Loaded {
            checker,
            generation,
        }));
        Ok(generation)
    }

    /// The checker in use now.
    pub fn loaded(&self) -> Arc<Loaded> {
        self.loaded.load_full()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The router with every endpoint and layer.
pub fn router(state: Arc<AppState>) -> Router {
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(tower_http::cors::Any);
    Router::new()
        .route("/", get(page))
        .route("/health", get(health))
        .route("/v2/languages", get(languages))
        .route("/v2/check", get(v2_check).post(v2_check))
        .route("/v1/check", axum::routing::post(v1_check))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(state.config.max_body))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(cors)
        .with_state(state)
}

/// Bounds the requests handled at once and the time each may take.
async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let limit = state.config.timeout;
    let work = async {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = state.permits.acquire().await;
        next.run(req).await
    };
    match tokio::time::timeout(limit, work).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the request took longer than {} ms (server busy or body too slow)",
                limit.as_millis()
            ),
        )
        .into_response(),
    }
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no endpoint at `{}`; try POST /v2/check, GET /v2/languages, POST /v1/check, GET /health or GET /",
            uri.path()
        ),
    )
}

async fn page() -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(PAGE)).into_response()
}

async fn health(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let loaded = state.loaded();
    Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": loaded.checker.rules().len(),
        "generation": loaded.generation,
    }))
}

async fn languages() -> Json<serde_json::Value> {
    Json(lt::languages())
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "request body is larger than the server's limit".to_owned()
        } else {
            format!("request body: {}", e.body_text())
        };
        ApiError::new(status, message)
    })
}

fn check_size(state: &AppState, text: &str) -> Result<(), ApiError> {
    let max = state.config.max_text;
    if text.len() > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the text is {} bytes; the server's limit is {max}",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// Runs `work` here for a short text, on the blocking pool for a long one.
async fn run<T: Send + 'static>(
    len: usize,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if len <= INLINE_LIMIT {
        return work();
    }
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))?
}

/// `POST /v2/check` (and `GET` with a query): LanguageTool's check.
async fn v2_check(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<lt::CheckResponse>, ApiError> {
    let body = body_bytes(body)?;
    let mut params = lt::Params::new();
    if let Some(query) = uri.query() {
        lt::read_form(query.as_bytes(), &mut params, "query string")?;
    }
    lt::read_body(&body, &mut params)?;
    let doc = match (params.get("data"), params.get("text")) {
        (Some(data), _) => lt::Document::from_data(data)?,
        (None, Some(text)) => lt::Document::plain(text.clone()),
        (None, None) => {
            return Err(ApiError::bad_request(
                "missing parameter: give `text` or `data`",
            ))
        }
    };
    check_size(&state, &doc.plain)?;
    let language = lt::language(params.get("language").map(String::as_str))?;
    let default_channel = state.config.channel;
    let loaded = state.loaded();
    let len = doc.plain.len();
    run(len, move || {
        let ctx = lt::context(&params, default_channel)?;
        let report = loaded.checker.check_with(&doc.plain, &ctx);
        Ok(Json(lt::response(&report, &doc, language)))
    })
    .await
}

/// `POST /v1/check`: one batch input object in, one batch output object
/// out. `"fix": true` in the body or `?fix=true` adds `fixed`.
async fn v1_check(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<tactful::OwnedReport>, ApiError> {
    let body = body_bytes(body)?;
    let mut query = lt::Params::new();
    if let Some(q) = uri.query() {
        lt::read_form(q.as_bytes(), &mut query, "query string")?;
    }
    let mut fix = lt::flag(&query, "fix")?;
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("request body: invalid JSON: {e}")))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(ApiError::bad_request(
            "request body: expected a JSON object with a string field \"text\"",
        ));
    };
    match object.remove("fix") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Bool(b)) => fix |= b,
        Some(_) => {
            return Err(ApiError::bad_request(
                "request body: field \"fix\" must be true or false",
            ))
        }
    }
    if !matches!(object.get("text"), Some(serde_json::Value::String(_))) {
        return Err(ApiError::bad_request(
            "request body: expected a string field \"text\"",
        ));
    }
    let input: ReplyInput = serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| ApiError::bad_request(format!("request body: {e}")))?;
    check_size(&state, &input.text)?;
    let default_channel = state.config.channel;
    let loaded = state.loaded();
    run(input.text.len(), move || {
        let report = loaded
            .checker
            .check_with(&input.text, &input.context_or(default_channel));
        let owned = if fix {
            report.to_owned_report_fixed()
        } else {
            report.to_owned_report()
        };
        Ok(Json(owned.with_id(input.id.clone())))
    })
    .await
}
