//! The protocol decisions, without any `worker` type, so that they are tested
//! natively with `cargo test`.
//!
//! - [`route`]: what the Worker does with a request (404, 400, 426, or the
//!   upgrade forwarded to a room's Durable Object).
//! - [`classify`]: what a text frame is: the keepalive, a reliable frame
//!   (`sw.msg`), an inbound-mode frame (`sw.resume`, `sw.ack`; see
//!   [`crate::inbound`]), a malformed one of these, an auth frame, or an app
//!   message.
//! - [`should_deliver`] and [`ack`]: the reliable-mode dedup and answer.
//! - [`close_reply`]: the code that answers a client's close.
//!
//! Dedup keeps one number per client, the highest id it delivered, because
//! the client numbers its reliable messages with increasing ids, sends them in
//! id order on a connection, keeps each until a cumulative ack covers it, and
//! after a reconnect resends from the oldest unacknowledged one, in order. So
//! every id at or below the highest delivered one was delivered already (it
//! is a resend), and every id above it was not. The `dup` flag says the
//! client is not sure; the decision uses the id alone, so it also holds for a
//! first send that arrives late on a connection the client already gave up.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

mod routing;
pub use routing::*;

/// The keepalive text the client library sends by default (`keepaliveMessage`).
pub const DEFAULT_KEEPALIVE_MESSAGE: &str = "keep alive";
/// What the server answers to it by default (the client's `heartbeatReply`).
pub const DEFAULT_KEEPALIVE_REPLY: &str = "pong";

/// The close code for a malformed `sw.msg` frame: 1008, policy violation. The
/// frame is valid JSON in a valid text frame (1007 is for data that does not
/// match its frame type, such as bad UTF-8); it breaks this server's protocol.
/// The client library treats 1008 as fatal and does not reconnect.
pub const BAD_FRAME_CODE: u16 = 1008;
/// The close reason for a malformed `sw.msg` frame.
pub const BAD_FRAME_REASON: &str = "bad sw.msg";
/// The close reason for a malformed `sw.resume` frame (code [`BAD_FRAME_CODE`]).
pub const BAD_RESUME_REASON: &str = "bad sw.resume";
/// The close reason for a malformed `sw.ack` frame (code [`BAD_FRAME_CODE`]).
pub const BAD_ACK_REASON: &str = "bad sw.ack";

/// The largest reliable id: `Number.MAX_SAFE_INTEGER`, the largest integer a
/// JS peer counts exactly (and the largest the runtime stores as a number).
pub const MAX_ID: u64 = (1 << 53) - 1;

/// What a text frame from a client is.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// The keepalive text: not broadcast; answered with the keepalive reply.
    Keepalive,
    /// `{"type":"sw.msg","id":N,"dup":B,"data":D}`.
    Reliable(Reliable<'a>),
    /// A JSON object of type `sw.msg` without a valid id (an integer from 0
    /// to [`MAX_ID`]), with a `dup` that is not a boolean, or with a field
    /// given twice: the socket is closed with [`BAD_FRAME_CODE`].
    BadReliable,
    /// `{"type":"sw.auth",...}`, the client's token when it authenticates by
    /// message: never broadcast (this example checks no token).
    Auth,
    /// `{"type":"sw.resume","after":N}` (inbound mode, see [`crate::inbound`]):
    /// the client handled every room message up to `N`.
    Resume(u64),
    /// `{"type":"sw.ack","id":N}` (inbound mode): cumulative, every room
    /// message up to `N` handled.
    Ack(u64),
    /// A JSON object of type `sw.resume` without a valid `after` (an integer
    /// from 0 to [`MAX_ID`], once), or with `type` twice: closed with
    /// [`BAD_FRAME_CODE`] and [`BAD_RESUME_REASON`].
    BadResume,
    /// The same for `sw.ack` and its `id`: [`BAD_ACK_REASON`].
    BadAck,
    /// Anything else: an app message, broadcast as it is to the sockets that
    /// did not resume, and logged for those that did ([`crate::inbound`]).
    App,
}

/// A reliable frame.
#[derive(Debug, PartialEq, Eq)]
pub struct Reliable<'a> {
    /// Its id; an ack with this id covers every id up to it.
    pub id: u64,
    /// A resend: the client is not sure the server has it.
    pub dup: bool,
    /// What to deliver, as the text of a text frame: `data` itself if it is
    /// a JSON string, else its JSON text as the client wrote it (`null` when
    /// there is no `data`).
    pub payload: Cow<'a, str>,
    /// `data` as the JSON text the client wrote (`null` when there is none):
    /// what the room's inbound log keeps.
    pub data: &'a str,
}

/// Classifies a text frame; `keepalive` is the keepalive text (empty: none).
pub fn classify<'a>(text: &'a str, keepalive: &str) -> Frame<'a> {
    if !keepalive.is_empty() && text == keepalive {
        return Frame::Keepalive;
    }
    // Only a JSON object can be a protocol frame; most app text is not one.
    if !text.trim_start().starts_with('{') {
        return Frame::App;
    }
    let Ok(Fields(fields)) = serde_json::from_str::<Fields<'a>>(text) else {
        return Frame::App;
    };
    let types: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "type")
        .map(|(_, v)| v.get())
        .collect();
    let is = |name: &str| {
        types
            .iter()
            .any(|t| serde_json::from_str::<String>(t).is_ok_and(|t| t == name))
    };
    if is("sw.msg") {
        if types.len() != 1 {
            return Frame::BadReliable;
        }
        return reliable(&fields).map_or(Frame::BadReliable, Frame::Reliable);
    }
    if is("sw.auth") {
        return Frame::Auth;
    }
    for (name, field, frame, bad) in [
        (
            "sw.resume",
            "after",
            Frame::Resume as fn(u64) -> Frame<'a>,
            Frame::BadResume,
        ),
        ("sw.ack", "id", Frame::Ack, Frame::BadAck),
    ] {
        if is(name) {
            if types.len() != 1 {
                return bad;
            }
            return id_field(&fields, field).map_or(bad, frame);
        }
    }
    Frame::App
}

/// Field `name` of an object, if it is there exactly once (`Err`: twice).
fn one<'a>(fields: &[(String, &'a RawValue)], name: &str) -> Result<Option<&'a RawValue>, ()> {
    let mut found = fields.iter().filter(|(k, _)| k == name).map(|(_, v)| *v);
    match (found.next(), found.next()) {
        (first, None) => Ok(first),
        (_, Some(_)) => Err(()),
    }
}

/// Field `name` as an id: present once, an integer from 0 to [`MAX_ID`].
fn id_field(fields: &[(String, &RawValue)], name: &str) -> Option<u64> {
    let id: u64 = serde_json::from_str(one(fields, name).ok()??.get()).ok()?;
    (id <= MAX_ID).then_some(id)
}

/// The fields of a `sw.msg` object, if they are valid.
fn reliable<'a>(fields: &[(String, &'a RawValue)]) -> Option<Reliable<'a>> {
    let one = |name: &str| one(fields, name);
    let id = id_field(fields, "id")?;
    let dup = match one("dup").ok()? {
        Some(raw) => serde_json::from_str::<bool>(raw.get()).ok()?,
        None => false,
    };
    let data = one("data").ok()?.map_or("null", RawValue::get);
    let payload = match one("data").ok()? {
        None => Cow::Borrowed("null"),
        Some(raw) if raw.get().starts_with('"') => {
            Cow::Owned(serde_json::from_str::<String>(raw.get()).ok()?)
        }
        Some(raw) => Cow::Borrowed(raw.get()),
    };
    Some(Reliable {
        id,
        dup,
        payload,
        data,
    })
}

/// The members of a JSON object in order, duplicates kept, values unparsed.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Fields<'de>, M::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// Whether reliable frame `id` is delivered, given the highest id delivered
/// so far for its client (or connection). See the module docs for why one
/// number is enough.
pub fn should_deliver(id: u64, highest_delivered: Option<u64>) -> bool {
    highest_delivered.is_none_or(|highest| id > highest)
}

/// The answer to reliable frame `id` (cumulative: it covers every id up to it).
pub fn ack(id: u64) -> String {
    format!("{{\"type\":\"sw.ack\",\"id\":{id}}}")
}

/// The storage key of a client's highest delivered id.
pub fn client_key(client: &str) -> String {
    format!("client:{client}")
}

/// What a socket carries through hibernation (its attachment).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The client id from the query: dedup state is in storage under
    /// [`client_key`], shared by this client's connections.
    pub client: Option<String>,
    /// Without a client id: the highest id delivered on this connection.
    pub highest: Option<u64>,
    /// A random name of this connection, given at the upgrade: in the inbound
    /// log, it marks the messages this connection sent when it has no client
    /// id. Empty for a socket accepted by an older version.
    #[serde(default)]
    pub conn: String,
    /// It sent `sw.resume`: it gets the room's messages as `sw.msg` frames.
    #[serde(default)]
    pub resumed: bool,
    /// The highest inbound id it acked. With a client id, the room also
    /// writes it to storage ([`crate::inbound::Reader`]), for all its sockets
    /// at once at most every [`crate::inbound::ACK_WRITE_MS`], and when the
    /// socket resumes or closes.
    #[serde(default)]
    pub acked: u64,
    /// The ack last written to storage for this socket.
    #[serde(default)]
    pub ack_stored: u64,
}

/// The code of the close frame that answers a client's close with `code`: the
/// same code, unless it is one that may not be sent (1005, 1006, 1015, and
/// anything outside 1000-4999), then 1000.
pub fn close_reply(code: u16) -> u16 {
    match code {
        1005 | 1006 | 1015 => 1000,
        1000..=4999 => code,
        _ => 1000,
    }
}

#[cfg(test)]
mod tests;
