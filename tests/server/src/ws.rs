//! One WebSocket connection: echo, keepalive accounting, pushes and closes,
//! and the client's frames of both reliable modes (see [`crate::inbound`]).

use crate::inbound;
use crate::stats::{Command, Hub};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A connection registered before its upgrade is answered, so that a control
/// call made as soon as the client sees `open` reaches it: its commands wait
/// in the channel until [`serve`] runs. Dropped unserved (the upgrade failed
/// or was abandoned), it is recorded as closed.
pub struct Registered {
    pub hub: Arc<Hub>,
    pub id: u64,
    /// Commands to this connection (control calls, delayed acks).
    pub tx: mpsc::UnboundedSender<Command>,
    pub rx: mpsc::UnboundedReceiver<Command>,
}

impl Registered {
    /// Records a new connection to `path` with `tag`.
    pub fn new(hub: Arc<Hub>, path: String, tag: Option<String>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let id = hub.open(path, tag, tx.clone());
        Registered { hub, id, tx, rx }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        // Recorded once: a no-op after `serve` recorded how it closed.
        self.hub.close(self.id, None, None);
    }
}

/// Serves one upgraded socket until it closes; `greet` goes out first.
pub async fn serve(
    mut conn: Registered,
    mut socket: WebSocket,
    tag: Option<String>,
    greet: Option<String>,
) {
    let (hub, id, tx) = (conn.hub.clone(), conn.id, conn.tx.clone());
    let rx = &mut conn.rx;
    if let Some(text) = greet {
        if socket.send(Message::Text(text.into())).await.is_err() {
            hub.close(id, None, None);
            return;
        }
    }
    let mut close: Option<(u16, String)> = None;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if on_text(&hub, id, tag.as_deref(), &tx, text.as_str())
                        && socket.send(Message::Text(text)).await.is_err()
                    {
                        break;
                    }
                }
                Some(Ok(Message::Binary(bytes))) => {
                    hub.frame(id, None, bytes.len());
                    if socket.send(Message::Binary(bytes)).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    close = Some(match frame {
                        Some(f) => (f.code, f.reason.to_string()),
                        None => (1005, String::new()),
                    });
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            command = rx.recv() => {
                let delivered = match command {
                    Some(Command::Text(text)) => socket.send(Message::Text(text.into())).await.is_ok(),
                    Some(Command::Binary(bytes)) => socket.send(Message::Binary(bytes.into())).await.is_ok(),
                    Some(Command::Close(code, reason)) => {
                        let frame = CloseFrame { code, reason: reason.into() };
                        socket.send(Message::Close(Some(frame))).await.is_ok()
                    }
                    None => true,
                };
                if !delivered {
                    break;
                }
            }
        }
    }
    match close {
        Some((code, reason)) => hub.close(id, Some(code), Some(reason)),
        None => hub.close(id, None, None),
    }
}

/// What a received text does on connection `id` (commands to it go to
/// `tx`): counted, and a reliable frame acked; true when it is echoed (not
/// a keepalive, nor a frame of either reliable mode).
pub fn on_text(
    hub: &Hub,
    id: u64,
    tag: Option<&str>,
    tx: &mpsc::UnboundedSender<Command>,
    text: &str,
) -> bool {
    if let Some(frame) = inbound::client_frame(text) {
        // sw.resume / sw.ack: counted apart, never echoed.
        hub.inbound_frame(id, tag, frame, text.len());
        return false;
    }
    hub.frame(id, Some(text), text.len());
    let Some((msg_id, dup, data)) = reliable_frame(text) else {
        return text != hub.args.keepalive_text;
    };
    hub.reliable(tag, msg_id, dup, data);
    let ack = format!("{{\"type\":\"sw.ack\",\"id\":{msg_id}}}");
    let delay = hub.args.ack_delay_ms;
    let tx = tx.clone();
    tokio::spawn(async move {
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let _ = tx.send(Command::Text(ack));
    });
    false
}

/// `(id, dup, data)` of a `{"type":"sw.msg",...}` frame.
fn reliable_frame(text: &str) -> Option<(u64, bool, serde_json::Value)> {
    if !text.starts_with("{\"type\":\"sw.msg\"") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let id = value.get("id")?.as_u64()?;
    let dup = value.get("dup").and_then(|d| d.as_bool()).unwrap_or(false);
    Some((id, dup, value.get("data").cloned().unwrap_or_default()))
}

/// Pushes `{"type":"push","n":K}` to every live connection every `every_ms`.
pub async fn push_loop(hub: Arc<Hub>, every_ms: u64) {
    let mut ticker = tokio::time::interval(Duration::from_millis(every_ms));
    let mut n: u64 = 0;
    loop {
        ticker.tick().await;
        n += 1;
        let text = format!("{{\"type\":\"push\",\"n\":{n}}}");
        hub.broadcast(None, || Command::Text(text.clone()));
    }
}

#[cfg(test)]
mod tests;
