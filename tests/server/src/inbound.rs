//! The inbound reliable protocol: server-to-client messages that survive the
//! client (an extension's worker) stopping, one [`Store`] per tag.
//!
//! The wire, JSON text frames (the mirror of the outbound reliable mode):
//!
//! - client → server, after each open: `{"type":"sw.resume","after":N}`, N the
//!   highest inbound id the client handled (0 if none). The server answers with
//!   every stored message whose id is above N, in order, before any new one.
//!   A connection that never sent `sw.resume` gets no `sw.msg` frame.
//! - server → client: `{"type":"sw.msg","id":N,"data":D}`, or
//!   `{"type":"sw.msg","id":N,"dup":true,"data":D}` for a message that was sent
//!   before (to any connection of the tag). D is a JSON string. Ids start at 1
//!   and increase by 1 per tag in this server (a client must allow gaps).
//! - client → server: `{"type":"sw.ack","id":N}`: every id up to N is handled
//!   (cumulative); the stored messages with an id up to N are dropped.
//! - server → client: `{"type":"sw.gap","after":N,"next":M}` right after a
//!   resume, before message M, when ids above N and below M were dropped (by
//!   an ack or by `/control/forget`) and can no longer be sent. M is the first
//!   stored id, or the next id to be given if none is stored.
//!
//! A resume does not drop anything (only an ack does). A resume after N at or
//! above the next id sends nothing, and the next id stays as it is. After its
//! first resume a connection also gets each new message of its tag as it is
//! pushed, until it closes; a second resume on it replays again.
//!
//! A text frame is read as `sw.resume` / `sw.ack` when it is a JSON object
//! with that `type` ([`client_frame`]); such frames are never echoed and are
//! counted apart (see `stats.rs`). One with a missing or bad `after` / `id` is
//! ignored and counted as `malformed`. A message counts as sent (and is `dup`
//! when sent again) once it is handed to a connection's task.
//!
//! The HTTP side (`/control/push?reliable=1`, `/control/forget`) is in
//! `routes/inbound.rs`; a [`Store`] serializes as the `inbound` object of
//! `/stats?tag=`.

use serde::Serialize;
use std::collections::VecDeque;

#[cfg(test)]
mod tests;

/// One message waiting for its ack.
#[derive(Clone, Debug)]
struct Stored {
    id: u64,
    data: String,
    /// It was handed to a connection before: a resend is marked `dup`.
    sent: bool,
}

/// One tag's inbound messages and what happened to them, across connections.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    /// The id the next stored message gets (1 for the first).
    next_id: u64,
    /// The messages not yet acked or forgotten, ids increasing by 1.
    #[serde(skip)]
    messages: VecDeque<Stored>,
    /// How many messages are stored (not yet acked nor forgotten).
    stored: usize,
    /// The highest id acked (0 if none).
    acked: u64,
    /// How many `sw.ack` frames arrived.
    ack_frames: u64,
    /// The `after` of each `sw.resume`, in arrival order.
    resumes: Vec<u64>,
    /// `sw.msg` frames handed to connections, resends included.
    sent: u64,
    /// Of those, the ones marked `dup: true`.
    dups: u64,
    /// `sw.gap` frames handed to connections.
    gaps: u64,
    /// How many stored messages `/control/forget` dropped.
    forgotten: u64,
    /// `sw.resume` or `sw.ack` frames with a missing or bad field (ignored).
    malformed: u64,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            next_id: 1,
            messages: VecDeque::new(),
            stored: 0,
            acked: 0,
            ack_frames: 0,
            resumes: Vec::new(),
            sent: 0,
            dups: 0,
            gaps: 0,
            forgotten: 0,
            malformed: 0,
        }
    }
}

impl Store {
    /// Stores a message and returns its id.
    pub fn push(&mut self, data: String) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.messages.push_back(Stored {
            id,
            data,
            sent: false,
        });
        self.stored = self.messages.len();
        id
    }

    /// A resume after `after`: the frames to send, in order (a `sw.gap` first
    /// if ids above `after` were dropped, then every stored message above it).
    pub fn resume(&mut self, after: u64) -> Vec<String> {
        self.resumes.push(after);
        let next = self.messages.front().map_or(self.next_id, |m| m.id);
        let mut frames = Vec::new();
        if after.saturating_add(1) < next {
            self.gaps += 1;
            frames.push(gap_frame(after, next));
        }
        let ids: Vec<u64> = self
            .messages
            .iter()
            .filter(|m| m.id > after)
            .map(|m| m.id)
            .collect();
        frames.extend(ids.into_iter().filter_map(|id| self.send(id)));
        frames
    }

    /// The `sw.msg` frame of stored message `id`, counted as sent (and marked
    /// `dup` if it was sent before); `None` if it is not stored.
    pub fn send(&mut self, id: u64) -> Option<String> {
        let first = self.messages.front()?.id;
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        let message = self.messages.get_mut(index)?;
        let dup = message.sent;
        message.sent = true;
        self.sent += 1;
        if dup {
            self.dups += 1;
        }
        Some(msg_frame(id, dup, &message.data))
    }

    /// A cumulative ack: drops every stored message with an id up to `id`.
    pub fn ack(&mut self, id: u64) {
        self.ack_frames += 1;
        self.acked = self.acked.max(id);
        self.drop_up_to(id);
    }

    /// Forgets every stored message with an id up to `up_to`; returns how many.
    pub fn forget(&mut self, up_to: u64) -> usize {
        let dropped = self.drop_up_to(up_to);
        self.forgotten += dropped as u64;
        dropped
    }

    /// How many messages are stored.
    pub fn stored(&self) -> usize {
        self.messages.len()
    }

    /// Counts a `sw.resume` or `sw.ack` frame that could not be read.
    pub fn malformed(&mut self) {
        self.malformed += 1;
    }

    fn drop_up_to(&mut self, id: u64) -> usize {
        let before = self.messages.len();
        while self.messages.front().is_some_and(|m| m.id <= id) {
            self.messages.pop_front();
        }
        self.stored = self.messages.len();
        before - self.stored
    }
}

/// `{"type":"sw.msg","id":N[,"dup":true],"data":"..."}`.
pub fn msg_frame(id: u64, dup: bool, data: &str) -> String {
    let dup = if dup { ",\"dup\":true" } else { "" };
    let mut frame = format!("{{\"type\":\"sw.msg\",\"id\":{id}{dup},\"data\":");
    // Most texts need no escape: copied as they are (the bench pushes
    // thousands; serde's escaping cost more than the rest of the frame).
    let plain = !data.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
    if plain {
        frame.reserve(data.len() + 3);
        frame.push('"');
        frame.push_str(data);
        frame.push('"');
    } else {
        frame.push_str(&serde_json::Value::String(data.to_owned()).to_string());
    }
    frame.push('}');
    frame
}

/// `{"type":"sw.gap","after":N,"next":M}`.
pub fn gap_frame(after: u64, next: u64) -> String {
    format!("{{\"type\":\"sw.gap\",\"after\":{after},\"next\":{next}}}")
}

/// A protocol frame from the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientFrame {
    /// `{"type":"sw.resume","after":N}`.
    Resume(u64),
    /// `{"type":"sw.ack","id":N}`.
    Ack(u64),
    /// A `sw.resume` or `sw.ack` without a non-negative integer `after` / `id`.
    Malformed,
}

/// Reads a text frame as a `sw.resume` or `sw.ack`; `None` for any other text
/// (the application's, or a `sw.msg` of the outbound reliable mode).
pub fn client_frame(text: &str) -> Option<ClientFrame> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') || !(text.contains("sw.resume") || text.contains("sw.ack")) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let field = |name: &str| value.get(name).and_then(serde_json::Value::as_u64);
    match value.get("type")?.as_str()? {
        "sw.resume" => Some(field("after").map_or(ClientFrame::Malformed, ClientFrame::Resume)),
        "sw.ack" => Some(field("id").map_or(ClientFrame::Malformed, ClientFrame::Ack)),
        _ => None,
    }
}
