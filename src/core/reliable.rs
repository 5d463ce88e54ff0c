//! Reliable-mode frames: `{"type":"sw.msg","id":N,"dup":B,"data":...}` out,
//! cumulative `{"type":"sw.ack","id":N}` in.

use crate::core::json::{flat_object, push_quoted, quote, Scalar};
use crate::core::Message;
use std::fmt::Write;

/// The wire frame of reliable message `id`, written from a borrow of the
/// message (which stays in the outbox until acked): JSON as it is, text
/// quoted.
pub(crate) fn frame(id: u64, message: &Message, dup: bool) -> Message {
    let mut out = String::with_capacity(message.len() + 64);
    let _ = write!(
        out,
        "{{\"type\":\"sw.msg\",\"id\":{id},\"dup\":{dup},\"data\":"
    );
    match message {
        Message::Json(json) => out.push_str(json),
        Message::Text(text) => push_quoted(&mut out, text),
        // Reliable binary is refused at send time.
        Message::Binary(_) => out.push_str("null"),
    }
    out.push('}');
    Message::Text(out)
}

/// The first message of a connection that authenticates with a token.
pub(crate) fn auth_frame(token: &str) -> Message {
    Message::Text(format!(
        "{{\"type\":\"sw.auth\",\"token\":{}}}",
        quote(token)
    ))
}

/// Every ack frame contains this; a text without it is never one.
pub const ACK_MARK: &str = "sw.ack";

/// Every frame of the protocol the core reads (`sw.ack`, and with
/// `reliableInbound` `sw.msg` and `sw.gap`) contains this: the shell hands
/// texts with it to [`handle_message`](crate::core::Connection::handle_message),
/// others it may keep on its side.
pub const PROTOCOL_MARK: &str = "\"sw.";

/// The id of an ack frame, if `text` is one.
pub fn parse_ack(text: &str) -> Option<u64> {
    // A cheap look before parsing (by bytes: `str::contains` with a string
    // pattern brings in the two-way searcher).
    let mark = ACK_MARK.as_bytes();
    let mentions_ack = text.as_bytes().windows(mark.len()).any(|w| w == mark);
    if !text.trim_start().starts_with('{') || !mentions_ack {
        return None;
    }
    let fields = flat_object(text)?;
    let is_ack = fields
        .iter()
        .any(|(k, v)| k == "type" && *v == Scalar::Str("sw.ack".into()));
    let id = fields.iter().find_map(|(k, v)| match v {
        Scalar::Num(whole) if k == "id" => *whole,
        _ => None,
    });
    if is_ack {
        id
    } else {
        None
    }
}
