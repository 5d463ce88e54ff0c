//! What a write's outcome means for the queued sends it was to hold (the
//! core settles each by its `seq`), and what a failed write or a failed
//! storage call does to the rest.

mod support;

use support::native::*;
use sw_websocket::core::{Action, Connection, Error, Event, Message, Sent, Timestamp};

fn storage(why: &str) -> Error {
    Error::Storage(why.into())
}

/// The `seq` that names a queued send.
fn queued(conn: &mut Connection, now: u64, text: &str) -> (u64, u64) {
    match conn.send(Timestamp(now), Message::Text(text.into()), PLAIN) {
        Ok(Sent::Queued { id, seq } | Sent::Reliable { id, seq }) => (seq, id),
        other => panic!("{other:?}"),
    }
}

fn settled(conn: &mut Connection) -> Vec<(u64, Result<u64, Error>)> {
    events(conn)
        .into_iter()
        .filter_map(|e| match e {
            Event::Settled { seq, result } => Some((seq, result)),
            _ => None,
        })
        .collect()
}

/// Connecting, with the connect written.
fn connecting(options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(options))
        .expect("valid");
    written(&mut conn, Timestamp(0));
    actions(&mut conn);
    events(&mut conn);
    conn
}

#[test]
fn a_write_settles_the_sends_it_holds_in_order_and_no_later_one() {
    let mut conn = connecting("{}");
    let a = queued(&mut conn, 1, "a");
    let b = queued(&mut conn, 1, "b");
    let seq = conn.poll_persist().expect("dirty");
    let next_id = conn.snapshot().next_id;
    let c = queued(&mut conn, 2, "c"); // after the snapshot was taken
    conn.handle_persisted(Timestamp(3), seq, next_id);
    assert_eq!(settled(&mut conn), [(a.0, Ok(a.1)), (b.0, Ok(b.1))]);
    written(&mut conn, Timestamp(4));
    assert_eq!(settled(&mut conn), [(c.0, Ok(c.1))]);
}

#[test]
fn a_failed_write_takes_back_what_waits_and_settles_what_a_socket_has() {
    let mut conn = connecting(r#"{"reliable": true}"#);
    let on_wire = queued(&mut conn, 1, "on the wire");
    written(&mut conn, Timestamp(1));
    settled(&mut conn);
    conn.handle_open(Timestamp(2));
    // Sent at once (its id is reserved), kept until acked, not stored yet.
    let unacked = queued(&mut conn, 3, "sent, not acked");
    assert_eq!(sends(&mut conn).len(), 2, "both frames went out");
    conn.handle_close(Timestamp(4), 1006, "", false);
    let waiting = queued(&mut conn, 5, "waits for a socket");
    events(&mut conn);
    let seq = conn.poll_persist().expect("dirty");
    conn.handle_write_failed(Timestamp(6), seq, storage("quota exceeded"));
    let evs = events(&mut conn);
    assert_eq!(
        evs.iter()
            .filter(|e| !matches!(e, Event::Settled { .. }))
            .collect::<Vec<_>>(),
        [&Event::Error(storage("quota exceeded"))],
        "reported once"
    );
    assert_eq!(
        evs.into_iter()
            .filter_map(|e| match e {
                Event::Settled { seq, result } => Some((seq, result)),
                _ => None,
            })
            .collect::<Vec<_>>(),
        [
            (unacked.0, Ok(unacked.1)),
            (waiting.0, Err(storage("quota exceeded")))
        ]
    );
    let ids: Vec<u64> = conn.outbox().map(|e| e.id).collect();
    assert_eq!(
        ids,
        [on_wire.1, unacked.1],
        "taken back: only the one no socket has"
    );
    assert_eq!(
        conn.status().last_error.map(|e| e.kind),
        Some("storage".into())
    );
    // Taking it back changed the state: that is written next.
    assert!(conn.poll_persist().is_some());
}

#[test]
fn after_a_failed_write_nothing_is_written_before_the_next_change() {
    let mut conn = connecting("{}");
    conn.handle_open(Timestamp(1));
    written(&mut conn, Timestamp(1));
    let sent = conn.send(Timestamp(2), "counted".into(), PLAIN);
    assert_eq!(sent, Ok(Sent::ToSocket));
    actions(&mut conn);
    // Only a counter changed: written lazily.
    assert_eq!(
        conn.poll_timeout(),
        Some(Timestamp(2_002)),
        "the lazy write"
    );
    conn.handle_timeout(Timestamp(2_002));
    let seq = conn.poll_persist().expect("the counters");
    conn.handle_write_failed(Timestamp(2_003), seq, storage("disk full"));
    assert_eq!(conn.poll_persist(), None, "a failing store is not hammered");
    assert_eq!(actions(&mut conn), []);
    // The next change, a lazy one too, writes everything again.
    conn.handle_message(Timestamp(2_004), "in".into());
    assert_eq!(conn.poll_persist(), None, "counters wait a little");
    conn.handle_timeout(Timestamp(4_004));
    assert!(conn.poll_persist().is_some_and(|next| next > seq));
    written(&mut conn, Timestamp(4_005));
    assert_eq!(conn.snapshot().counters.sent, 1);
    assert_eq!(conn.snapshot().counters.received, 1);
}

#[test]
fn a_failed_storage_call_is_reported_and_changes_nothing_else() {
    let mut conn = connecting("{}");
    let before = conn.snapshot();
    let pending = conn.poll_persist();
    conn.handle_storage_error(Timestamp(1), storage("alarms refused"));
    assert_eq!(events(&mut conn), [Event::Error(storage("alarms refused"))]);
    assert_eq!(actions(&mut conn), Vec::<Action>::new());
    assert_eq!(conn.poll_persist(), pending);
    assert_eq!(
        conn.status().last_error.map(|e| e.kind),
        Some("storage".into())
    );
    let mut after = conn.snapshot();
    after.last_error = before.last_error.clone();
    assert_eq!(after, before, "nothing but the last error");
}
