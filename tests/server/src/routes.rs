//! HTTP routes: the socket, the stats and the test controls.

use crate::stats::{Command, Hub};
use crate::{raw, ws};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;

mod inbound;

/// The routes of the server.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/ws", get(socket))
        .route("/ws/{*rest}", get(socket))
        .route("/refuse", get(refuse))
        .route("/hang", get(hang))
        .route("/badutf8", get(bad_utf8))
        .route("/deflate", get(deflate))
        .route("/stats", get(stats))
        .route("/control/push", get(push).post(push))
        .route("/control/close", get(close).post(close))
        .route(
            "/control/forget",
            get(inbound::forget).post(inbound::forget),
        )
        .route("/health", get(|| async { cors("ok".into_response()) }))
        .route("/page", get(page))
        .with_state(hub)
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    tag: Option<String>,
    text: Option<String>,
    code: Option<u16>,
    reason: Option<String>,
    /// `/control/push`: send the message this many times (default 1).
    count: Option<usize>,
    /// `/control/push`: send a binary message of this many bytes instead of text.
    bytes: Option<usize>,
    /// `/control/push`: `1` (or `true`) stores the messages for the inbound
    /// reliable protocol instead of sending plain text.
    reliable: Option<String>,
    /// `/ws`: a text the server sends first on every connection (a greeting
    /// that reaches a worker before its module is ready).
    greet: Option<String>,
    /// `/control/forget`: forget the stored messages with an id up to this.
    #[serde(rename = "upTo")]
    up_to: Option<u64>,
}

async fn socket(
    State(hub): State<Arc<Hub>>,
    Query(params): Query<Params>,
    uri: axum::http::Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => {
            let delay = hub.args.handshake_delay_ms;
            if delay > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            }
            let path = uri.path().to_owned();
            let conn = ws::Registered::new(hub, path, params.tag.clone());
            upgrade
                .max_message_size(64 << 20)
                .max_frame_size(64 << 20)
                .on_upgrade(move |socket| ws::serve(conn, socket, params.tag, params.greet))
        }
        Err(_) => (
            StatusCode::UPGRADE_REQUIRED,
            [(header::UPGRADE, "websocket")],
            "Expected Upgrade: websocket",
        )
            .into_response(),
    }
}

async fn stats(State(hub): State<Arc<Hub>>, Query(params): Query<Params>) -> Response {
    cors(axum::Json(hub.stats(params.tag.as_deref())).into_response())
}

/// Refuses every request, upgrade or not, as a server without WebSocket would.
async fn refuse() -> Response {
    (StatusCode::UPGRADE_REQUIRED, "Expected Upgrade: websocket").into_response()
}

/// Takes the request and never answers it: a handshake that never completes.
async fn hang() -> Response {
    std::future::pending::<Response>().await
}

/// The first connection of a tag gets a text frame of invalid UTF-8; the
/// following ones are the plain echo of `/ws`.
async fn bad_utf8(
    State(hub): State<Arc<Hub>>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    if hub.connections(params.tag.as_deref()) == 0 {
        return raw::bad_utf8(hub, request, params.tag);
    }
    let uri = request.uri().clone();
    let (mut parts, _) = request.into_parts();
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &()).await;
    socket(State(hub), Query(params), uri, upgrade).await
}

/// The echo of `/ws` with permessage-deflate (see `deflate.rs`).
async fn deflate(
    State(hub): State<Arc<Hub>>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    crate::deflate::upgrade(hub, request, params.tag)
}

async fn push(State(hub): State<Arc<Hub>>, Query(params): Query<Params>) -> Response {
    match inbound::flag(params.reliable.as_deref()) {
        Ok(false) => {}
        Ok(true) => return inbound::push(hub, params),
        Err(message) => return inbound::bad(&message),
    }
    let text = params.text.unwrap_or_else(|| "push".into());
    let mut sent = 0;
    for n in 0..params.count.unwrap_or(1) {
        sent = match params.bytes {
            // Byte i of the message is (i + n) mod 251: the receiver can check every byte.
            Some(len) => hub.broadcast(params.tag.as_deref(), || {
                Command::Binary((0..len).map(|i| ((i + n) % 251) as u8).collect())
            }),
            None => hub.broadcast(params.tag.as_deref(), || Command::Text(text.clone())),
        };
    }
    cors(axum::Json(serde_json::json!({ "sent": sent })).into_response())
}

async fn close(State(hub): State<Arc<Hub>>, Query(params): Query<Params>) -> Response {
    let code = params.code.unwrap_or(1000);
    let reason = params.reason.unwrap_or_default();
    let closed = hub.broadcast(params.tag.as_deref(), || {
        Command::Close(code, reason.clone())
    });
    cors(axum::Json(serde_json::json!({ "closed": closed })).into_response())
}

/// An empty web page, for content-script tests.
async fn page() -> Response {
    axum::response::Html("<!doctype html><title>sw-websocket test page</title>").into_response()
}

fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}
