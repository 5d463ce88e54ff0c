//! `/deflate`: the echo of `/ws` through a server that compresses
//! (permessage-deflate, RFC 7692), as most production servers and proxies
//! do once Chrome offers it. The library the other routes use has no
//! compression, so the frames are read and written by hand (`frame.rs`).
//! Texts take the same path as on `/ws` (counted, reliable frames acked,
//! keepalives not echoed); control calls reach it the same way; each
//! message that came compressed is counted (`compressedMessages`).

use crate::raw::switching_protocols;
use crate::stats::{Command, Hub};
use crate::ws::{on_text, Registered};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use frame::{Deflater, Frame, Inflater};
use hyper_util::rt::TokioIo;
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

mod frame;

/// A whole message from the client.
enum Incoming {
    Data {
        text: bool,
        bytes: Vec<u8>,
        compressed: bool,
    },
    Ping(Vec<u8>),
    Close(u16, String),
}

/// Answers the upgrade, with permessage-deflate when the client offered it,
/// and serves the connection (registered before the answer, as on `/ws`).
pub fn upgrade(hub: Arc<Hub>, mut request: Request, tag: Option<String>) -> Response {
    let Some(key) = request.headers().get(header::SEC_WEBSOCKET_KEY) else {
        return (StatusCode::UPGRADE_REQUIRED, "Expected Upgrade: websocket").into_response();
    };
    let accept = derive_accept_key(key.as_bytes());
    let compress = request
        .headers()
        .get_all(header::SEC_WEBSOCKET_EXTENSIONS)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("permessage-deflate")));
    let conn = Registered::new(hub, request.uri().path().to_owned(), tag.clone());
    let upgraded = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        // Failed: `conn` is dropped, and so recorded as closed.
        let Ok(upgraded) = upgraded.await else { return };
        serve(conn, TokioIo::new(upgraded), tag, compress).await;
    });
    let mut response = switching_protocols(&accept);
    if compress {
        // Both sides keep their window across messages (no parameters).
        let taken = HeaderValue::from_static("permessage-deflate");
        response
            .headers_mut()
            .insert(header::SEC_WEBSOCKET_EXTENSIONS, taken);
    }
    response
}

/// Reads whole messages (fragments joined, compressed ones inflated) and
/// hands them over until the client closes or the connection fails.
async fn read_messages<R: AsyncRead + Unpin>(
    mut r: R,
    to: mpsc::UnboundedSender<io::Result<Incoming>>,
) {
    let mut inflater = Inflater::new();
    let mut message: Option<Frame> = None;
    loop {
        let incoming = match frame::read_frame(&mut r).await {
            Err(e) => Err(e),
            Ok(f) if f.opcode == frame::PING => Ok(Some(Incoming::Ping(f.payload))),
            Ok(f) if f.opcode == frame::PONG => Ok(None),
            Ok(f) if f.opcode == frame::CLOSE => Ok(Some(close_of(&f.payload))),
            Ok(f) => join(&mut message, f, &mut inflater),
        };
        let end = !matches!(
            incoming,
            Ok(None) | Ok(Some(Incoming::Data { .. } | Incoming::Ping(_)))
        );
        if let Some(incoming) = incoming.transpose() {
            if to.send(incoming).is_err() {
                return;
            }
        }
        if end {
            return;
        }
    }
}

/// Adds data frame `f` to the message under way; the message once whole.
fn join(
    message: &mut Option<Frame>,
    f: Frame,
    inflater: &mut Inflater,
) -> io::Result<Option<Incoming>> {
    let mut whole = match (message.take(), f.opcode) {
        (None, frame::TEXT | frame::BINARY) => f,
        (Some(mut first), frame::CONTINUATION) => {
            first.payload.extend_from_slice(&f.payload);
            first.fin = f.fin;
            first
        }
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a frame out of order",
            ))
        }
    };
    if whole.payload.len() > frame::MAX_MESSAGE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a message over 64 MiB",
        ));
    }
    if !whole.fin {
        *message = Some(whole);
        return Ok(None);
    }
    if whole.compressed {
        whole.payload = inflater.inflate(&whole.payload)?;
    }
    Ok(Some(Incoming::Data {
        text: whole.opcode == frame::TEXT,
        bytes: whole.payload,
        compressed: whole.compressed,
    }))
}

/// A close frame's code and reason (1005: none given).
fn close_of(payload: &[u8]) -> Incoming {
    match payload {
        [a, b, reason @ ..] => Incoming::Close(
            u16::from_be_bytes([*a, *b]),
            String::from_utf8_lossy(reason).into(),
        ),
        _ => Incoming::Close(1005, String::new()),
    }
}

/// Writes one message, compressed when the client took permessage-deflate.
async fn send<W: AsyncWrite + Unpin>(
    w: &mut W,
    deflater: &mut Option<Deflater>,
    opcode: u8,
    data: &[u8],
) -> io::Result<()> {
    let bytes = match deflater {
        Some(d) => frame::encode(opcode, true, &d.deflate(data)?),
        None => frame::encode(opcode, false, data),
    };
    w.write_all(&bytes).await
}

/// Serves one upgraded connection until it closes.
async fn serve<S>(mut conn: Registered, io: S, tag: Option<String>, compress: bool)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (hub, id, tx) = (conn.hub.clone(), conn.id, conn.tx.clone());
    let (r, mut w) = tokio::io::split(io);
    let (to, mut from_client) = mpsc::unbounded_channel();
    let reader = tokio::spawn(read_messages(r, to));
    let mut deflater = compress.then(Deflater::new);
    let mut close: Option<(u16, String)> = None;
    let mut close_sent = false;
    loop {
        let written = tokio::select! {
            incoming = from_client.recv() => match incoming {
                Some(Ok(Incoming::Data { text, bytes, compressed })) => {
                    if compressed {
                        hub.compressed(id);
                    }
                    if !text {
                        hub.frame(id, None, bytes.len());
                        send(&mut w, &mut deflater, frame::BINARY, &bytes).await
                    } else if let Ok(text) = String::from_utf8(bytes) {
                        if on_text(&hub, id, tag.as_deref(), &tx, &text) {
                            send(&mut w, &mut deflater, frame::TEXT, text.as_bytes()).await
                        } else {
                            Ok(())
                        }
                    } else {
                        break; // a text that is not UTF-8: the connection fails
                    }
                }
                Some(Ok(Incoming::Ping(payload))) => {
                    w.write_all(&frame::encode(frame::PONG, false, &payload)).await
                }
                Some(Ok(Incoming::Close(code, reason))) => {
                    if !close_sent {
                        let echo = if code == 1005 { Vec::new() } else { code.to_be_bytes().to_vec() };
                        let _ = w.write_all(&frame::encode(frame::CLOSE, false, &echo)).await;
                    }
                    close = Some((code, reason));
                    break;
                }
                Some(Err(_)) | None => break,
            },
            command = conn.rx.recv() => match command {
                Some(Command::Text(text)) => send(&mut w, &mut deflater, frame::TEXT, text.as_bytes()).await,
                Some(Command::Binary(bytes)) => send(&mut w, &mut deflater, frame::BINARY, &bytes).await,
                Some(Command::Close(code, reason)) => {
                    close_sent = true;
                    let payload = [&code.to_be_bytes()[..], reason.as_bytes()].concat();
                    w.write_all(&frame::encode(frame::CLOSE, false, &payload)).await
                }
                None => Ok(()),
            },
        };
        if written.is_err() {
            break;
        }
    }
    reader.abort();
    let _ = w.shutdown().await;
    match close {
        Some((code, reason)) => hub.close(id, Some(code), Some(reason)),
        None => hub.close(id, None, None),
    }
}
