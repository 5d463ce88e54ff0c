//! The protocol decisions, without any `worker` type, so that they are tested
//! natively with `cargo test`.
//!
//! - [`route`]: what the Worker does with a request (404, 400, 426, or the
//!   upgrade forwarded to a room's Durable Object).
//! - [`classify`]: what a text frame is: the keepalive, a reliable frame
//!   (`sw.msg`), a malformed reliable frame, an auth frame, or an app message.
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

/// The largest reliable id: `Number.MAX_SAFE_INTEGER`, the largest integer a
/// JS peer counts exactly (and the largest the runtime stores as a number).
pub const MAX_ID: u64 = (1 << 53) - 1;

/// The longest client id or room name.
pub const MAX_NAME_LEN: usize = 64;

/// The body of the answer to a plain (not upgrade) request on `/ws/<room>`.
pub const UPGRADE_REQUIRED_BODY: &str = "Expected Upgrade: websocket";
/// The body of the answer to an unknown path.
pub const NOT_FOUND_BODY: &str = "Not Found";
/// The body of the answer to a bad `client` query parameter.
pub const BAD_CLIENT_BODY: &str = "Bad client id: 1 to 64 characters of A-Z a-z 0-9 _ -";

/// A request the Worker answers itself instead of upgrading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 404: not `/ws/<room>`.
    NotFound,
    /// 400: a `client` query parameter that is not a valid id, or more than one.
    BadClient,
    /// 426: `/ws/<room>` without `Upgrade: websocket`.
    UpgradeRequired,
}

impl Refusal {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::BadClient => 400,
            Refusal::UpgradeRequired => 426,
        }
    }

    /// The text body.
    pub fn body(self) -> &'static str {
        match self {
            Refusal::NotFound => NOT_FOUND_BODY,
            Refusal::BadClient => BAD_CLIENT_BODY,
            Refusal::UpgradeRequired => UPGRADE_REQUIRED_BODY,
        }
    }
}

/// A WebSocket upgrade to forward to a room's Durable Object.
#[derive(Debug, PartialEq, Eq)]
pub struct Upgrade<'a> {
    /// The room name, the Durable Object's name.
    pub room: &'a str,
    /// The client id, if the query has one.
    pub client: Option<&'a str>,
}

/// Decides what to do with a request from its path, its query (without the
/// `?`) and its `Upgrade` header. The path is checked first, then the client
/// id, then the upgrade, so a plain GET shows each refusal.
pub fn route<'a>(
    path: &'a str,
    query: Option<&'a str>,
    upgrade: Option<&str>,
) -> Result<Upgrade<'a>, Refusal> {
    let room = match path.strip_prefix("/ws/") {
        Some(room) if valid_name(room) => room,
        _ => return Err(Refusal::NotFound),
    };
    let client = client_param(query.unwrap_or("")).map_err(|BadClient| Refusal::BadClient)?;
    if !is_websocket_upgrade(upgrade) {
        return Err(Refusal::UpgradeRequired);
    }
    Ok(Upgrade { room, client })
}

/// A room name or client id: 1 to 64 characters of `A-Z a-z 0-9 _ -`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A bad `client` query parameter.
#[derive(Debug, PartialEq, Eq)]
pub struct BadClient;

/// The `client` parameter of a raw query string. Its value is taken as it is:
/// a valid id needs no escapes, so one with `%` or `+` is refused. Given twice,
/// it is refused too (which one would the client mean?).
pub fn client_param(query: &str) -> Result<Option<&str>, BadClient> {
    let mut found = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "client" {
            continue;
        }
        if found.is_some() || !valid_name(value) {
            return Err(BadClient);
        }
        found = Some(value);
    }
    Ok(found)
}

/// Whether an `Upgrade` header asks for a WebSocket (a list may name several
/// protocols; names are case-insensitive).
pub fn is_websocket_upgrade(header: Option<&str>) -> bool {
    header.is_some_and(|h| {
        h.split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("websocket"))
    })
}

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
    /// Anything else: broadcast as it is.
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
    Frame::App
}

/// The fields of a `sw.msg` object, if they are valid.
fn reliable<'a>(fields: &[(String, &'a RawValue)]) -> Option<Reliable<'a>> {
    let one = |name: &str| -> Result<Option<&'a RawValue>, ()> {
        let mut found = fields.iter().filter(|(k, _)| k == name).map(|(_, v)| *v);
        match (found.next(), found.next()) {
            (first, None) => Ok(first),
            (_, Some(_)) => Err(()),
        }
    };
    let id: u64 = serde_json::from_str(one("id").ok()??.get()).ok()?;
    if id > MAX_ID {
        return None;
    }
    let dup = match one("dup").ok()? {
        Some(raw) => serde_json::from_str::<bool>(raw.get()).ok()?,
        None => false,
    };
    let payload = match one("data").ok()? {
        None => Cow::Borrowed("null"),
        Some(raw) if raw.get().starts_with('"') => {
            Cow::Owned(serde_json::from_str::<String>(raw.get()).ok()?)
        }
        Some(raw) => Cow::Borrowed(raw.get()),
    };
    Some(Reliable { id, dup, payload })
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
