//! The inbound reliable mode (room to client), its decisions without any
//! `worker` type: what the room logs, the frames it sends, and what it keeps
//! per client. The Durable Object's side is in `room/log.rs`.
//!
//! The wire, JSON text frames (the client's `reliableInbound` option):
//!
//! - client → room, after each open (after `sw.auth`, if any):
//!   `{"type":"sw.resume","after":N}`, N the highest room message id it
//!   handled (0: none). The room answers with every logged message above N,
//!   in id order, and from then on sends each new one as it is logged.
//! - room → client: `{"type":"sw.msg","id":I,"data":D}`, with `"dup":true`
//!   after the id when this client may have been sent it before (see
//!   [`Reader::dup_upto`]).
//! - client → room: `{"type":"sw.ack","id":N}`: every id up to N handled
//!   (cumulative). Recorded per client ([`Reader`], [`ack_write_due`]); it
//!   drops nothing.
//! - room → client: `{"type":"sw.gap","after":A,"next":M}` before message M
//!   (or, when it is the last frame of a replay, M the next id to be given)
//!   when the ids above A and below M are no longer in the log.
//!
//! A connection that never sends `sw.resume` gets no new frame: every room
//! message reaches it as before, as plain text.
//!
//! **What is logged.** Each room message, once: an app text `T` as the JSON
//! string `T` (a resumed client gets `data: "T"`, the same text), and a
//! reliable `sw.msg` from its sender, once delivered, with its `data` as the
//! sender wrote it (`null` when absent). Binary messages, the keepalive and
//! the protocol frames are not. A message's own sender (the same client id,
//! or the same connection without one) is never sent it back as `sw.msg`,
//! live or in a replay.
//!
//! **The bound.** The log keeps the last [`LOG_MAX_MESSAGES`] messages and at
//! most [`LOG_MAX_BYTES`] bytes of their `data`: the oldest go first. A
//! message whose `data` is longer than [`ENTRY_MAX_BYTES`] is sent live but
//! logged as a mark only: a replay reports it as a gap.
//!
//! **Ids.** The ids of a room increase by 1 per message. A new log (a new
//! room, or one whose storage was lost) starts at the time in milliseconds
//! times 1000 ([`first_id`]), not at 1, so that its ids stay above those a
//! lost log gave (unless that one gave more than 1000 per millisecond on
//! average): a client's position from before is never above them, and the
//! client does not skip them as resends.

use crate::protocol::{Attachment, MAX_ID};
use serde::{Deserialize, Serialize};

mod meta;
pub use meta::{first_id, replay, trim, Meta};

#[cfg(test)]
mod tests;

/// The log keeps at most this many messages.
pub const LOG_MAX_MESSAGES: u64 = 1000;
/// ... and at most this many bytes of their `data` (UTF-8 JSON text): 1 MiB.
pub const LOG_MAX_BYTES: u64 = 1 << 20;
/// A message with more `data` than this (256 KiB) is logged as a mark: a
/// replay reports it as a gap. (SQLite-backed storage takes values up to
/// 2 MB, and a string of n UTF-8 bytes may take 2n there.)
pub const ENTRY_MAX_BYTES: usize = 256 * 1024;

/// The room writes its sockets' new acks to storage at most this often, all
/// in one write (and a socket's own when it resumes or closes): a write per
/// ack cost more than the rest of the room's work for it, with 300 clients
/// acking 20 messages a second each.
pub const ACK_WRITE_MS: f64 = 1000.0;

/// Whether a room that last wrote its acks at `written_ms` writes them at
/// `now_ms` ([`ACK_WRITE_MS`]). A clock that went back, or an unreadable
/// time, makes it due.
pub fn ack_write_due(written_ms: f64, now_ms: f64) -> bool {
    !(0.0..ACK_WRITE_MS).contains(&(now_ms - written_ms))
}

/// The storage key of the log's [`Meta`].
pub const META_KEY: &str = "log";

/// The storage key of log entry `id`: ids have 16 digits at most
/// ([`MAX_ID`]), so the keys sort as the ids do.
pub fn entry_key(id: u64) -> String {
    format!("msg:{id:016}")
}

/// The id of a log entry's key.
pub fn id_of_key(key: &str) -> Option<u64> {
    key.strip_prefix("msg:")?.parse().ok()
}

/// The storage key of a client's [`Reader`] state.
pub fn reader_key(client: &str) -> String {
    format!("inbound:{client}")
}

impl Attachment {
    /// Who this connection is in the log: `c:<client id>`, or `k:<conn>`
    /// without a client id; `None` for a socket without either (accepted by
    /// an older version).
    pub fn sender(&self) -> Option<String> {
        match (&self.client, self.conn.is_empty()) {
            (Some(client), _) => Some(format!("c:{client}")),
            (None, false) => Some(format!("k:{}", self.conn)),
            (None, true) => None,
        }
    }
}

/// The `data` of an app text's log entry: the text as a JSON string.
pub fn text_data(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "null".to_owned())
}

/// A log entry as stored, and its size for [`LOG_MAX_BYTES`]: the sender
/// ([`Attachment::sender`], empty if none), a newline, then `data`'s JSON
/// text; only the sender and the newline (size 0) when `data` is longer than
/// [`ENTRY_MAX_BYTES`].
pub fn encode_entry(sender: Option<&str>, data: &str) -> (String, u64) {
    let sender = sender.unwrap_or("");
    if data.len() > ENTRY_MAX_BYTES {
        return (format!("{sender}\n"), 0);
    }
    (format!("{sender}\n{data}"), data.len() as u64)
}

/// A stored log entry.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Its sender, empty if none.
    pub sender: &'a str,
    /// Its `data`, `None` if it was too long to keep (or the entry is not one).
    pub data: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// Reads a stored entry ([`encode_entry`]).
    pub fn decode(stored: &'a str) -> Self {
        match stored.split_once('\n') {
            Some((sender, "")) => Entry { sender, data: None },
            Some((sender, data)) => Entry {
                sender,
                data: Some(data),
            },
            None => Entry {
                sender: "",
                data: None,
            },
        }
    }

    /// Its size for [`LOG_MAX_BYTES`].
    pub fn size(&self) -> u64 {
        self.data.map_or(0, |d| d.len() as u64)
    }
}

/// A `sw.msg` frame; `data` is JSON text.
pub fn msg_frame(id: u64, dup: bool, data: &str) -> String {
    let dup = if dup { ",\"dup\":true" } else { "" };
    format!("{{\"type\":\"sw.msg\",\"id\":{id}{dup},\"data\":{data}}}")
}

/// A `sw.gap` frame: the ids above `after` and below `next` are gone.
pub fn gap_frame(after: u64, next: u64) -> String {
    format!("{{\"type\":\"sw.gap\",\"after\":{after},\"next\":{next}}}")
}

/// What the room keeps of a client, in storage under [`reader_key`] for a
/// client id (shared by its connections; kept forever, like the outbound
/// dedup key), in the socket's attachment without one (`acked` only). Each
/// ack goes to the socket's attachment at once, which the runtime keeps
/// through hibernation and eviction, and to storage with the room's next
/// write of acks ([`ACK_WRITE_MS`]) or when the socket closes: only a runtime
/// that dies with the socket open loses the acks it had not written, and
/// those only count for `dup` marks (the client skips what it handled by its
/// own position).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    /// The highest id it acked.
    pub acked: u64,
    /// The room's last id when a connection of it was last seen resumed (at
    /// its resume and when it closed): every logged message up to it was
    /// sent to the client, or handled by it before.
    pub sent: u64,
}

impl Reader {
    /// Reads the stored state; anything unreadable counts as nothing.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The stored form.
    pub fn to_json(self) -> String {
        format!("{{\"acked\":{},\"sent\":{}}}", self.acked, self.sent)
    }

    /// Records a cumulative ack of `id`; `last` is the room's last id (an ack
    /// above it counts as an ack of it). Whether anything changed.
    pub fn ack(&mut self, id: u64, last: u64) -> bool {
        let id = id.min(last).min(MAX_ID);
        let changed = id > self.acked;
        self.acked = self.acked.max(id);
        changed
    }

    /// A connection of the client was resumed while the room's last id was
    /// `last`. Whether anything changed.
    pub fn seen(&mut self, last: u64) -> bool {
        let changed = last > self.sent;
        self.sent = self.sent.max(last);
        changed
    }

    /// A replayed message with an id up to this is marked `dup`: the client
    /// acked it, or was sent it before. (A connection that resumes while
    /// another of the same client is live, or a second time, marks every
    /// replayed message: the room's last id.)
    pub fn dup_upto(self) -> u64 {
        self.acked.max(self.sent)
    }
}
