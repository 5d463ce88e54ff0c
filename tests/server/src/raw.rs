//! A handshake done by hand, for frames a WebSocket library refuses to send.

use crate::stats::Hub;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// A final text frame whose 4 payload bytes are not UTF-8 (server frames are unmasked).
const BAD_UTF8_FRAME: [u8; 6] = [0x81, 0x04, 0xff, 0xfe, 0xc3, 0x28];

/// Completes the upgrade, sends one text frame of invalid UTF-8, then reads
/// until the client goes. The connection is recorded under `tag` like any other.
pub fn bad_utf8(hub: Arc<Hub>, mut request: Request, tag: Option<String>) -> Response {
    let Some(key) = request.headers().get(header::SEC_WEBSOCKET_KEY) else {
        return (StatusCode::UPGRADE_REQUIRED, "Expected Upgrade: websocket").into_response();
    };
    let accept = derive_accept_key(key.as_bytes());
    let path = request.uri().path().to_owned();
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else { return };
        let mut io = TokioIo::new(upgraded);
        let (tx, _rx) = mpsc::unbounded_channel();
        let id = hub.open(path, tag, tx);
        let mut buf = [0u8; 1024];
        if io.write_all(&BAD_UTF8_FRAME).await.is_ok() {
            // Until the client closes or drops the connection.
            while matches!(io.read(&mut buf).await, Ok(n) if n > 0) {}
        }
        hub.close(id, None, None);
    });
    switching_protocols(&accept)
}

/// The `101 Switching Protocols` answer of a handshake done by hand.
pub fn switching_protocols(accept: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(value) = HeaderValue::from_str(accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, value);
    }
    response
}
