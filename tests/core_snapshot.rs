//! The persisted snapshot: round trip, restore and revival, migration
//! (what is refused: `core_snapshot_refused.rs`).

mod support;

use support::native::*;
use sw_websocket::core::{
    Action, ConnState, Connection, Intent, Message, Options, SendOptions, Snapshot, SnapshotV1,
    Timestamp, SNAPSHOT_VERSION,
};

#[test]
fn snapshot_round_trips_through_json() {
    let snapshot = stored_state();
    let json = to_json(&snapshot);
    let back: Snapshot = from_json(&json).expect("deserialize");
    assert_eq!(back, snapshot);
    assert_eq!(back.version, SNAPSHOT_VERSION);
    assert_eq!(back.intent, Intent::Open);
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
    assert_eq!(conn.status().counters.reconnects, 1);
    assert_eq!(conn.status().counters.worker_starts, 1);
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
    assert_eq!(snapshot.intent, Intent::Closed);
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
    let v1: SnapshotV1 = from_json(
        r#"{"version":1,"intent":"open","url":"ws://localhost:9/ws","outbox":["a","b"]}"#,
    )
    .expect("v1 layout");
    let snapshot = v1.migrate();
    assert_eq!(snapshot.version, SNAPSHOT_VERSION);
    assert_eq!(snapshot.next_id, 3);
    let mut conn = Connection::new();
    conn.restore(Timestamp(5), snapshot, None).expect("valid");
    assert_eq!(conn.state(), ConnState::Connecting);
    assert_eq!(conn.status().outbox, 2);
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
    assert_eq!(second.status().counters.worker_starts, 2);
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
