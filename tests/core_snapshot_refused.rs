//! Stored snapshots that are refused, by the decoder or by `restore`, and
//! leave the connection as it was.

mod support;

use support::native::*;
use sw_websocket::core::{ConnState, Connection, Loaded, SendOptions, Snapshot, Timestamp};

#[test]
fn corrupt_snapshots_are_refused_and_change_nothing() {
    let good = to_json_value(&stored_state());
    let broken: Vec<(&str, serde_json::Value)> = vec![
        ("version", serde_json::json!(99)),
        ("intent", serde_json::json!("sideways")),
        ("url", serde_json::json!("ws://example.com/ws")),
        ("url", serde_json::Value::Null),
        ("options", serde_json::json!({"keepaliveMs": 31000})),
        (
            "outbox",
            serde_json::json!([{"id": 1, "kind": "binary", "data": "%%%", "reliable": false}]),
        ),
        (
            "outbox",
            serde_json::json!([{"id": 2, "kind": "text", "data": "", "reliable": false},
                                      {"id": 1, "kind": "text", "data": "", "reliable": false}]),
        ),
        (
            "outbox",
            serde_json::json!([{"id": 1, "kind": "video", "data": "", "reliable": false}]),
        ),
        ("nextId", serde_json::json!(1)),
    ];
    for (key, value) in broken {
        let mut json = good.clone();
        json[key] = value.clone();
        let snapshot = match stored(&json) {
            // The decoder refuses what a field's type cannot hold, naming it.
            Err(why) => {
                assert!(why.contains(key), "{key} = {value}: {why}");
                continue;
            }
            Ok(snapshot) => snapshot,
        };
        let mut conn = Connection::new();
        let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
        assert_eq!(err.kind(), "corrupt_snapshot", "{key} = {value}");
        assert_eq!(conn.state(), ConnState::Idle, "{key}: nothing restored");
        assert_eq!(opens(&mut conn), 0);
    }
    // A snapshot made in Rust is checked by restore itself.
    let mut conn = Connection::new();
    let mut snapshot = stored_state();
    snapshot.version = 99;
    let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
    assert_eq!(err.kind(), "corrupt_snapshot");
    assert_eq!(opens(&mut conn), 0);
    // Wrong shapes fail to decode at all: the shell reports those the same way.
    for bad in [
        r#""garbage""#,
        r#"{"version":2}"#,
        r#"[1,2]"#,
        r#"{"version":2,"intent":"open","evil":1}"#,
    ] {
        let json: serde_json::Value = serde_json::from_str(bad).expect("JSON");
        assert!(stored(&json).is_err(), "{bad}");
    }
    let mut conn = Connection::new();
    let corrupt = Loaded::Corrupt {
        why: "not an object".into(),
        next_id: None,
    };
    let why = conn.handle_loaded(Timestamp(1), corrupt);
    assert_eq!(why.as_deref(), Some("not an object"), "quarantined");
    let status = conn.status();
    assert_eq!(
        status.last_error.map(|e| e.kind),
        Some("corrupt_snapshot".into())
    );
    assert!(
        conn.poll_persist().is_some(),
        "a fresh snapshot replaces the corrupt one"
    );
}

/// Sets one field of a snapshot made in Rust.
type SetField = fn(&mut Snapshot, u64);

/// Found by fuzzing: a stored counter at `u64::MAX` was restored and the
/// next `+= 1` panicked (debug) or wrapped (release); a `nextId` there did the
/// same on the next send. Counters and `nextId - 1` above 2^53 - 1 are now
/// refused.
#[test]
fn counters_and_ids_past_js_numbers_are_refused() {
    let good = to_json_value(&stored_state());
    let cases: [(&str, u64, SetField); 4] = [
        ("/counters/sent", u64::MAX, |s, v| s.counters.sent = v),
        ("/counters/connects", u64::MAX, |s, v| {
            s.counters.connects = v
        }),
        ("/counters/workerStarts", 1 << 53, |s, v| {
            s.counters.worker_starts = v
        }),
        ("/nextId", u64::MAX, |s, v| s.next_id = v),
    ];
    for (path, value, set) in cases {
        // The decoder refuses a number JS cannot hold exactly...
        let mut json = good.clone();
        *json.pointer_mut(path).expect("a field of the snapshot") = value.into();
        assert!(stored(&json).is_err(), "{path} = {value} decodes");
        // ...and restore refuses a snapshot made in Rust with one.
        let mut snapshot = stored_state();
        set(&mut snapshot, value);
        let mut conn = Connection::new();
        let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
        assert_eq!(err.kind(), "corrupt_snapshot", "{path} = {value}");
        assert_eq!(conn.state(), ConnState::Idle, "{path}: nothing restored");
        assert_eq!(opens(&mut conn), 0);
    }
    // The largest JS-safe values still restore, open, flush and take sends.
    let max = (1u64 << 53) - 1;
    let mut json = good;
    json["nextId"] = max.into();
    json["counters"] = serde_json::json!({"sent": max - 10, "connects": max - 1,
        "reconnects": max - 1, "workerStarts": max - 1});
    let snapshot = stored(&json).expect("shape is fine");
    let mut conn = Connection::new();
    conn.restore(Timestamp(u64::MAX / 2), snapshot, None)
        .expect("in range");
    conn.handle_worker_start();
    assert_eq!(opens(&mut conn), 1);
    conn.handle_open(Timestamp(u64::MAX / 2));
    let sent = conn
        .send(
            Timestamp(u64::MAX / 2),
            "after".into(),
            SendOptions::default(),
        )
        .expect("open");
    assert!(matches!(sent, sw_websocket::core::Sent::ToSocket));
    let reliable = SendOptions {
        reliable: Some(true),
    };
    let sent = conn
        .send(Timestamp(u64::MAX / 2), "r".into(), reliable)
        .expect("open");
    assert!(matches!(sent, sw_websocket::core::Sent::Reliable { id, .. } if id == max));
}

/// Found by fuzzing: `nextId: 0` with an empty outbox was restored, the next
/// queued send got id 0, and the snapshot written then was refused (outbox
/// id 0 out of order), losing the outbox.
#[test]
fn next_id_0_is_refused() {
    let mut json = to_json_value(&stored_state());
    json["outbox"] = serde_json::json!([]);
    json["nextId"] = 0.into();
    let snapshot = stored(&json).expect("shape is fine");
    let mut conn = Connection::new();
    let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
    assert_eq!(err.kind(), "corrupt_snapshot");
    assert_eq!(conn.state(), ConnState::Idle);
    assert_eq!(opens(&mut conn), 0);
}
