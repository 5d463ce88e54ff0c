//! Helpers for the native tests of the core: options from JSON, what a
//! connection asked for or told, and the shell's write.

use sw_websocket::core::{Action, Connection, Event, Message, Options, SendOptions, Timestamp};

/// A loopback URL (nothing listens: the tests play the socket).
pub const URL: &str = "ws://127.0.0.1:9/ws";

/// A send with the connection's own `reliable` setting.
pub const PLAIN: SendOptions = SendOptions { reliable: None };

/// A reliable send.
pub const RELIABLE: SendOptions = SendOptions {
    reliable: Some(true),
};

/// Reliable mode on.
pub fn reliable_options() -> Options {
    opts(r#"{"reliable": true}"#)
}

/// Options from their JSON form, as JS passes them.
pub fn opts(json: &str) -> Options {
    serde_json::from_str(json).expect("valid options JSON")
}

/// Every action asked for since the last call.
pub fn actions(conn: &mut Connection) -> Vec<Action> {
    std::iter::from_fn(|| conn.poll_action()).collect()
}

/// Every event told since the last call.
pub fn events(conn: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| conn.poll_event()).collect()
}

/// The frames sent since the last call (text and JSON as their text, binary
/// ones as `<N bytes>`); other actions are dropped.
pub fn sends(conn: &mut Connection) -> Vec<String> {
    actions(conn)
        .into_iter()
        .filter_map(|a| match a {
            Action::Send(Message::Text(t) | Message::Json(t)) => Some(t),
            Action::Send(Message::Binary(b)) => Some(format!("<{} bytes>", b.len())),
            _ => None,
        })
        .collect()
}

/// The shell wrote the snapshot as it is now.
pub fn written(conn: &mut Connection, now: Timestamp) {
    if let Some(seq) = conn.poll_persist() {
        let next_id = conn.snapshot().next_id;
        conn.handle_persisted(now, seq, next_id);
    }
}
