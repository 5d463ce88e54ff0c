//! Helpers of the inbound tests (`tests/core_inbound*.rs`).

use super::native::*;
use sw_websocket::core::{Connection, Event, Message, Timestamp};

/// Reliable inbound delivery on, with a short handler timeout.
pub const ON: &str = r#"{"reliableInbound": true, "handlerTimeoutMs": 1000}"#;
pub const KEPT: &str = "(kept by the shell)";

pub fn msg(id: u64, data: &str) -> Message {
    Message::Text(format!(r#"{{"type":"sw.msg","id":{id},"data":{data}}}"#))
}

/// Open, with the connect written, frames and events of the open taken.
pub fn open(options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(options))
        .expect("valid");
    conn.handle_open(Timestamp(5));
    written(&mut conn, Timestamp(5));
    conn
}

/// The inbound messages handed to the app since the last call: (id, dup,
/// data), data `KEPT` when the shell keeps it.
pub fn handed(conn: &mut Connection) -> Vec<(u64, bool, String)> {
    events(conn)
        .into_iter()
        .filter_map(|e| match e {
            Event::Inbound { id, dup, data } => Some((id, dup, data.unwrap_or(KEPT.into()))),
            _ => None,
        })
        .collect()
}
