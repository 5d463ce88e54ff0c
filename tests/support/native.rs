//! Helpers for the native tests of the core: options from JSON, what a
//! connection asked for or told, and the shell's write.

use sw_websocket::core::codec::{decode, encode, Record, Value};
use sw_websocket::core::{
    Action, Connection, Event, Message, Options, SendOptions, Snapshot, Timestamp,
};

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
    from_json(json).expect("valid options JSON")
}

/// A record read from JSON text the way the shell reads it from a JS value
/// (through the core's codec: the same field list, the same checks).
pub fn from_json<R: Record + Default>(json: &str) -> Result<R, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    decode(&value)
}

/// A record as JSON text, written the way the shell writes it.
pub fn to_json<R: Record + Default + Clone>(record: &R) -> String {
    serde_json::to_string(&to_value(record)).expect("a Value always serializes")
}

/// A record as a JSON value, written the way the shell writes it.
pub fn to_value<R: Record + Default + Clone>(record: &R) -> Value {
    encode(&mut record.clone())
}

/// A record as a `serde_json` value, for tests that edit it.
pub fn to_json_value<R: Record + Default + Clone>(record: &R) -> serde_json::Value {
    serde_json::to_value(to_value(record)).expect("a Value always converts")
}

/// A stored value as the shell decodes it (`Snapshot::from_stored`).
pub fn stored(json: &serde_json::Value) -> Result<Snapshot, String> {
    let value: Value = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    Snapshot::from_stored(&value)
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

/// What a worker leaves in storage after queuing messages while disconnected.
pub fn stored_state() -> Snapshot {
    let mut conn = Connection::new();
    conn.connect(
        Timestamp(0),
        URL,
        opts(r#"{"keepaliveMs": 5000, "watchdogMs": 6000}"#),
    )
    .expect("valid");
    conn.handle_close(Timestamp(10), 1006, "", false);
    conn.send(Timestamp(11), "text".into(), SendOptions::default())
        .expect("queued");
    conn.send(
        Timestamp(11),
        Message::Binary((0..=255).collect()),
        SendOptions::default(),
    )
    .expect("queued");
    conn.send(
        Timestamp(11),
        Message::Json("{\"a\":1}".into()),
        SendOptions {
            reliable: Some(true),
        },
    )
    .expect("queued");
    conn.snapshot()
}

/// How many sockets the connection asked to open since the last call.
pub fn opens(conn: &mut Connection) -> usize {
    std::iter::from_fn(|| conn.poll_action())
        .filter(|a| matches!(a, Action::Open { .. }))
        .count()
}
