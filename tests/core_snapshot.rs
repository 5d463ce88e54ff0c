//! The persisted snapshot: round trip, restore and revival, migration, corruption.

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, ConnState, Connection, Loaded, Message, Options, SendOptions, Snapshot, SnapshotV1,
    Timestamp,
};

/// What a worker leaves in storage after queuing messages while disconnected.
fn stored_state() -> Snapshot {
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
        "{\"a\":1}".into(),
        SendOptions {
            reliable: Some(true),
            json: true,
        },
    )
    .expect("queued");
    conn.snapshot()
}

fn opens(conn: &mut Connection) -> usize {
    std::iter::from_fn(|| conn.poll_action())
        .filter(|a| matches!(a, Action::Open { .. }))
        .count()
}

#[test]
fn snapshot_round_trips_through_json() {
    let snapshot = stored_state();
    let json = serde_json::to_string(&snapshot).expect("serialize");
    let back: Snapshot = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, snapshot);
    assert_eq!(back.version, 2);
    assert_eq!(back.intent, "open");
    assert_eq!(back.outbox.len(), 3);
    assert_eq!(back.outbox[1].kind, "binary");
    assert!(back.next_attempt_at.is_some());
}

#[test]
fn restore_revives_an_open_intent_with_the_outbox_in_order() {
    let snapshot = stored_state();
    let due = snapshot.next_attempt_at.expect("in backoff");
    let mut conn = Connection::new();
    conn.handle_worker_start();
    conn.restore(Timestamp(due), snapshot, None).expect("valid");
    let actions: Vec<Action> = std::iter::from_fn(|| conn.poll_action()).collect();
    assert!(
        actions.contains(&Action::Watchdog(Some(sw_websocket::core::Millis::new(
            6_000
        ))))
    );
    assert!(
        actions.iter().any(|a| matches!(a, Action::Open { .. })),
        "{actions:?}"
    );
    assert_eq!(conn.status().reconnects, 1);
    assert_eq!(conn.status().worker_starts, 1);
    conn.handle_open(Timestamp(due + 5));
    let sent: Vec<Message> = std::iter::from_fn(|| conn.poll_action())
        .filter_map(|a| match a {
            Action::Send(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(sent[0], Message::from("text"));
    assert_eq!(sent[1], Message::Binary((0..=255).collect()));
    assert_eq!(
        sent[2],
        Message::from(r#"{"type":"sw.msg","id":3,"dup":true,"data":{"a":1}}"#)
    );
    assert_eq!(
        conn.status().outbox,
        1,
        "the reliable one waits for its ack"
    );
}

#[test]
fn restore_before_the_due_time_waits_in_backoff() {
    let snapshot = stored_state();
    let due = snapshot.next_attempt_at.expect("in backoff");
    let mut conn = Connection::new();
    conn.restore(Timestamp(due - 1), snapshot, None)
        .expect("valid");
    assert_eq!(conn.state(), ConnState::Backoff);
    assert_eq!(conn.poll_timeout(), Some(Timestamp(due)));
    assert_eq!(opens(&mut conn), 0);
}

#[test]
fn a_closed_intent_is_remembered() {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, Options::default())
        .expect("valid");
    conn.handle_open(Timestamp(1));
    conn.close(Timestamp(2), None, None).expect("valid");
    conn.handle_close(Timestamp(3), 1000, "", true);
    let snapshot = conn.snapshot();
    assert_eq!(snapshot.intent, "closed");
    let mut revived = Connection::new();
    revived
        .restore(Timestamp(100_000), snapshot, None)
        .expect("valid");
    assert_eq!(revived.state(), ConnState::Closed);
    assert_eq!(opens(&mut revived), 0);
    revived.handle_timeout(Timestamp(10_000_000));
    assert_eq!(opens(&mut revived), 0);
    assert_eq!(revived.poll_timeout(), None);
}

#[test]
fn version_1_migrates() {
    let v1: SnapshotV1 = serde_json::from_str(
        r#"{"version":1,"intent":"open","url":"ws://localhost:9/ws","outbox":["a","b"]}"#,
    )
    .expect("v1 layout");
    let snapshot = v1.migrate();
    assert_eq!(snapshot.version, 2);
    assert_eq!(snapshot.next_id, 3);
    let mut conn = Connection::new();
    conn.restore(Timestamp(5), snapshot, None).expect("valid");
    assert_eq!(conn.state(), ConnState::Connecting);
    assert_eq!(conn.status().outbox, 2);
}

#[test]
fn corrupt_snapshots_are_refused_and_change_nothing() {
    let good = serde_json::to_value(stored_state()).expect("json");
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
        let snapshot: Snapshot = serde_json::from_value(json).expect("shape is fine");
        let mut conn = Connection::new();
        let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
        assert_eq!(err.kind(), "corrupt_snapshot", "{key} = {value}");
        assert_eq!(conn.state(), ConnState::Idle, "{key}: nothing restored");
        assert_eq!(opens(&mut conn), 0);
    }
    // Wrong shapes fail to deserialize at all: the shell reports those the same way.
    for bad in [
        r#""garbage""#,
        r#"{"version":2}"#,
        r#"[1,2]"#,
        r#"{"version":2,"intent":"open","evil":1}"#,
    ] {
        assert!(serde_json::from_str::<Snapshot>(bad).is_err(), "{bad}");
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

/// Found by fuzzing: a stored counter at `u64::MAX` was restored and the
/// next `+= 1` panicked (debug) or wrapped (release); a `nextId` there did the
/// same on the next send. Counters and `nextId - 1` above 2^53 - 1 are now
/// refused.
#[test]
fn counters_and_ids_past_js_numbers_are_refused() {
    let good = serde_json::to_value(stored_state()).expect("json");
    for (path, value) in [
        ("/counters/sent", u64::MAX),
        ("/counters/connects", u64::MAX),
        ("/counters/workerStarts", 1 << 53),
        ("/nextId", u64::MAX),
    ] {
        let mut json = good.clone();
        *json.pointer_mut(path).expect("a field of the snapshot") = value.into();
        let snapshot: Snapshot = serde_json::from_value(json).expect("shape is fine");
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
    let snapshot: Snapshot = serde_json::from_value(json).expect("shape is fine");
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
        json: false,
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
    let mut json = serde_json::to_value(stored_state()).expect("json");
    json["outbox"] = serde_json::json!([]);
    json["nextId"] = 0.into();
    let snapshot: Snapshot = serde_json::from_value(json).expect("shape is fine");
    let mut conn = Connection::new();
    let err = conn.restore(Timestamp(1), snapshot, None).unwrap_err();
    assert_eq!(err.kind(), "corrupt_snapshot");
    assert_eq!(conn.state(), ConnState::Idle);
    assert_eq!(opens(&mut conn), 0);
}

#[test]
fn a_worker_dies_and_the_next_one_picks_up_from_the_store() {
    use sw_websocket::core::{MemoryStore, SnapshotStore};
    let mut store = MemoryStore::default();
    let mut first = Connection::new();
    first.resume_from(Timestamp(0), &store);
    first
        .connect(Timestamp(0), URL, opts(r#"{"reliable": true}"#))
        .expect("valid");
    first.handle_open(Timestamp(1));
    for i in 0..100 {
        first
            .send(Timestamp(2), format!("r{i}").into(), SendOptions::default())
            .expect("sent");
    }
    first.persist_to(Timestamp(2), &mut store).expect("stored");
    assert_eq!(store.writes, 1, "the burst is one write");
    first.handle_message(Timestamp(3), r#"{"type":"sw.ack","id":60}"#.into());
    first.persist_to(Timestamp(2), &mut store).expect("stored");
    drop(first); // the worker is stopped: sockets, timers and globals are gone

    let mut second = Connection::new();
    second.resume_from(Timestamp(10_000), &store);
    assert_eq!(second.status().worker_starts, 2);
    assert_eq!(second.status().outbox, 40);
    assert_eq!(second.state(), ConnState::Connecting);
    second.handle_open(Timestamp(10_001));
    let resent: Vec<String> = std::iter::from_fn(|| second.poll_action())
        .filter_map(|a| match a {
            Action::Send(Message::Text(t)) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(resent.len(), 40);
    assert_eq!(
        resent[0],
        r#"{"type":"sw.msg","id":61,"dup":true,"data":"r60"}"#
    );
    assert_eq!(
        resent[39],
        r#"{"type":"sw.msg","id":100,"dup":true,"data":"r99"}"#
    );
    assert!(store.load().is_some());
}
