//! The room: a Durable Object holding the room's WebSockets through the
//! hibernation API. It may be evicted from memory between messages while the
//! sockets stay open, so nothing lives only in its fields: each socket's state
//! is in its attachment, each client's dedup state and the room's inbound log
//! in storage, and the keepalive auto-response is set again by every
//! constructor. The inbound mode's side is in `room/log.rs` and
//! `room/acks.rs`.

use crate::entry::refuse;
use crate::inbound;
use crate::protocol::{self, Attachment, Frame, Reliable};
use std::cell::Cell;
use worker::{
    console_error, durable_object, js_sys, DurableObject, Env, Request, Response, Result, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair, WebSocketRequestResponsePair,
};

mod acks;
mod log;

#[durable_object(websocket)]
pub struct Room {
    state: State,
    /// The keepalive text (`KEEPALIVE_MESSAGE`; empty: none).
    keepalive: String,
    /// Its answer (`KEEPALIVE_REPLY`; empty: none).
    reply: String,
    /// When this object last wrote its sockets' acks (0: not yet). Only a
    /// pace: a new object writes at the first ack.
    acks_written_ms: Cell<f64>,
}

/// A `[vars]` string, or `default` when it is not set.
fn var(env: &Env, name: &str, default: &str) -> String {
    env.var(name)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| default.to_owned())
}

/// A random name for a connection (a socket's attachment): 16 hex digits.
fn conn_name() -> String {
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
    format!("{:08x}{:08x}", half(), half())
}

impl DurableObject for Room {
    fn new(state: State, env: Env) -> Self {
        let keepalive = var(
            &env,
            "KEEPALIVE_MESSAGE",
            protocol::DEFAULT_KEEPALIVE_MESSAGE,
        );
        let reply = var(&env, "KEEPALIVE_REPLY", protocol::DEFAULT_KEEPALIVE_REPLY);
        if !keepalive.is_empty() && !reply.is_empty() {
            // The runtime answers the keepalive itself, even while the object
            // hibernates, and neither wakes it nor passes the text on.
            let set = WebSocketRequestResponsePair::new(&keepalive, &reply)
                .and_then(|pair| state.as_raw().set_websocket_auto_response(&pair));
            if let Err(e) = set {
                console_error!("setWebSocketAutoResponse failed: {e:?}");
            }
        }
        Self {
            state,
            keepalive,
            reply,
            acks_written_ms: Cell::new(0.0),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        // The Worker routed this already; checked again for any other caller.
        let url = req.url()?;
        let upgrade = req.headers().get("Upgrade")?;
        let client = match protocol::route(url.path(), url.query(), upgrade.as_deref()) {
            Ok(up) => up.client.map(str::to_owned),
            Err(refusal) => return refuse(refusal),
        };
        let pair = WebSocketPair::new()?;
        pair.server.serialize_attachment(Attachment {
            client,
            conn: conn_name(),
            ..Attachment::default()
        })?;
        self.state.as_raw().accept_websocket(pair.server.as_ref())?;
        Response::from_websocket(pair.client)
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let text = match message {
            WebSocketIncomingMessage::Binary(bytes) => {
                // Not logged: to every other socket as it is, resumed or not.
                for socket in self.others(&ws) {
                    // A socket that is closing refuses; the others still get it.
                    let _ = socket.send_with_bytes(&bytes);
                }
                return Ok(());
            }
            WebSocketIncomingMessage::String(text) => text,
        };
        match protocol::classify(&text, &self.keepalive) {
            // Only when the auto-response is off or did not match: answer it
            // the same way (a client with `heartbeatReply` waits for it).
            Frame::Keepalive if self.reply.is_empty() => Ok(()),
            Frame::Keepalive => ws.send_with_str(&self.reply),
            Frame::App => self.publish(&ws, &text, &inbound::text_data(&text)).await,
            Frame::Auth => Ok(()),
            Frame::BadReliable => bad(&ws, protocol::BAD_FRAME_REASON),
            Frame::BadResume => bad(&ws, protocol::BAD_RESUME_REASON),
            Frame::BadAck => bad(&ws, protocol::BAD_ACK_REASON),
            Frame::Reliable(frame) => self.reliable(&ws, frame).await,
            Frame::Resume(after) => self.resume(&ws, after).await,
            Frame::Ack(id) => self.ack(&ws, id).await,
        }
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        // The hibernation API leaves the answering close frame to us (on
        // newer compatibility dates the runtime sends it and this is a no-op).
        let code = u16::try_from(code).map_or(1000, protocol::close_reply);
        // Failing means the socket is already closed: nothing left to do.
        let _ = ws.close(Some(code), Some(""));
        self.left(&ws).await
    }

    async fn websocket_error(&self, ws: WebSocket, error: worker::Error) -> Result<()> {
        console_error!("websocket error: {error}");
        self.left(&ws).await
    }
}

/// Closes a socket that sent a malformed protocol frame.
fn bad(ws: &WebSocket, reason: &str) -> Result<()> {
    ws.close(Some(protocol::BAD_FRAME_CODE), Some(reason))
}

impl Room {
    /// Every socket of the room.
    fn sockets(&self) -> Vec<WebSocket> {
        match self.state.as_raw().get_websockets() {
            Ok(sockets) => sockets.into_iter().map(WebSocket::from).collect(),
            Err(e) => {
                console_error!("getWebSockets failed: {e:?}");
                Vec::new()
            }
        }
    }

    /// Every socket of the room but `from`.
    fn others(&self, from: &WebSocket) -> Vec<WebSocket> {
        let mut sockets = self.sockets();
        sockets.retain(|socket| socket.as_ref() != from.as_ref());
        sockets
    }

    /// Delivers a reliable frame unless it was delivered before, then acks it.
    async fn reliable(&self, ws: &WebSocket, frame: Reliable<'_>) -> Result<()> {
        let mut attachment: Attachment = ws.deserialize_attachment()?.unwrap_or_default();
        let storage = self.state.storage();
        let key = attachment.client.as_deref().map(protocol::client_key);
        let highest = match &key {
            Some(key) => storage.get::<u64>(key).await?,
            None => attachment.highest,
        };
        if protocol::should_deliver(frame.id, highest) {
            // Delivered (and logged) before it is recorded: if the object
            // fails in between, the resend is delivered again (at least
            // once), never lost. The ack waits for the record (an error
            // skips it, so the client resends).
            self.publish(ws, &frame.payload, frame.data).await?;
            // Delivered: above the highest so far, so it is the new highest.
            let highest = frame.id;
            match &key {
                Some(key) => storage.put(key, highest).await?,
                None => {
                    attachment.highest = Some(highest);
                    ws.serialize_attachment(&attachment)?;
                }
            }
        }
        ws.send_with_str(protocol::ack(frame.id))
    }
}
