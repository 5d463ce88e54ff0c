//! Reliable inbound delivery (`reliableInbound`): resume after each open
//! from the stored position, one message at a time in id order, the ack only
//! once the handled position is stored, resends skipped, gaps reported,
//! handlers that fail or run too long counted as handled, and the position
//! carried across a worker stop.

mod support;

use support::inbound::*;
use support::native::*;
use sw_websocket::core::{Connection, Error, Event, Message, Timestamp};

#[test]
fn off_by_default_the_frames_reach_the_app_as_text_and_nothing_is_sent() {
    let mut conn = open("{}");
    assert_eq!(sends(&mut conn), Vec::<String>::new());
    events(&mut conn);
    conn.handle_message(Timestamp(10), msg(1, "\"a\""));
    let got = events(&mut conn);
    assert!(matches!(&got[..], [Event::Message(Message::Text(t))] if t.contains("sw.msg")));
}

#[test]
fn one_at_a_time_in_order_acked_only_after_the_position_is_stored() {
    let mut conn = open(ON);
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.resume","after":0}"#]);
    events(&mut conn);
    for (id, data) in [(1, "\"one\""), (2, "{\"n\":[2,\"}\"]}"), (3, "\"three\"")] {
        conn.handle_message(Timestamp(10), msg(id, data));
    }
    // Only the first is handed over; its data is the JSON text as sent.
    assert_eq!(handed(&mut conn), [(1, false, "\"one\"".to_owned())]);
    conn.handle_inbound_done(Timestamp(20), 1, Ok(()));
    assert_eq!(
        handed(&mut conn),
        [(2, false, "{\"n\":[2,\"}\"]}".to_owned())]
    );
    assert_eq!(
        sends(&mut conn),
        Vec::<String>::new(),
        "no ack before the write"
    );
    assert_eq!(conn.snapshot().inbound_handled, 1);
    written(&mut conn, Timestamp(21));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":1}"#]);
    // Two handled within INBOUND_WRITE_EVERY (25 ms) of that write: written
    // together once it is up, one ack for the higher (coalesced).
    conn.handle_inbound_done(Timestamp(30), 2, Ok(()));
    assert_eq!(handed(&mut conn).len(), 1);
    conn.handle_inbound_done(Timestamp(31), 3, Ok(()));
    written(&mut conn, Timestamp(32));
    assert_eq!(sends(&mut conn), Vec::<String>::new(), "paced");
    assert_eq!(conn.poll_timeout(), Some(Timestamp(20 + 25)));
    conn.handle_timeout(Timestamp(45));
    written(&mut conn, Timestamp(46));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":3}"#]);
    assert_eq!(conn.status().inbound_handled, 3);
    assert_eq!(
        conn.status().counters.received,
        3,
        "each handed over counts as received"
    );
}

#[test]
fn a_resend_of_a_handled_message_is_acked_not_handed_over_again() {
    let mut conn = open(ON);
    sends(&mut conn);
    conn.handle_message(Timestamp(10), msg(1, "\"one\""));
    handed(&mut conn);
    conn.handle_inbound_done(Timestamp(20), 1, Ok(()));
    written(&mut conn, Timestamp(21));
    sends(&mut conn);
    conn.handle_message(Timestamp(30), msg(1, "\"one\""));
    assert_eq!(handed(&mut conn), []);
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":1}"#]);
    // The same id twice while it is queued or handled is one message.
    conn.handle_message(Timestamp(40), msg(2, "\"two\""));
    conn.handle_message(Timestamp(41), msg(2, "\"two\""));
    assert_eq!(handed(&mut conn).len(), 1);
}

#[test]
fn a_gap_is_an_event_and_moves_the_position_on() {
    let mut conn = open(ON);
    sends(&mut conn);
    events(&mut conn);
    conn.handle_message(
        Timestamp(10),
        Message::Text(r#"{"type":"sw.gap","after":0,"next":5}"#.into()),
    );
    conn.handle_message(Timestamp(11), msg(5, "\"five\""));
    let got = events(&mut conn);
    assert!(got.contains(&Event::Gap { after: 0, next: 5 }), "{got:?}");
    assert!(got.contains(&Event::Inbound {
        id: 5,
        dup: false,
        data: Some("\"five\"".into())
    }));
    written(&mut conn, Timestamp(12));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":4}"#]);
}

#[test]
fn a_handler_that_fails_or_runs_too_long_is_reported_and_counts_as_handled() {
    let mut conn = open(ON);
    sends(&mut conn);
    events(&mut conn);
    conn.handle_message(Timestamp(10), msg(1, "\"one\""));
    conn.handle_message(Timestamp(10), msg(2, "\"two\""));
    handed(&mut conn);
    conn.handle_inbound_done(Timestamp(20), 1, Err(Error::HandlerFailed("boom".into())));
    let got = events(&mut conn);
    assert!(got
        .iter()
        .any(|e| matches!(e, Event::Error(Error::HandlerFailed(_)))));
    assert!(got
        .iter()
        .any(|e| matches!(e, Event::Inbound { id: 2, .. })));
    // Message 2's handlers never finish: the timeout (1 000 ms) ends them.
    assert_eq!(conn.poll_timeout(), Some(Timestamp(1020)));
    conn.handle_timeout(Timestamp(1020));
    let got = events(&mut conn);
    assert!(
        got.iter()
            .any(|e| matches!(e, Event::Error(Error::HandlerTimeout { id: 2, ms: 1000 }))),
        "{got:?}"
    );
    // Its late end changes nothing.
    conn.handle_inbound_done(Timestamp(1500), 2, Ok(()));
    written(&mut conn, Timestamp(1501));
    assert_eq!(conn.status().inbound_handled, 2);
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":2}"#]);
}

#[test]
fn a_reconnect_resumes_from_the_stored_position_and_drops_what_was_queued() {
    let mut conn = open(ON);
    sends(&mut conn);
    for id in 1..=3 {
        conn.handle_message(Timestamp(10), msg(id, "\"x\""));
    }
    handed(&mut conn);
    conn.handle_inbound_done(Timestamp(20), 1, Ok(()));
    written(&mut conn, Timestamp(21));
    // Message 2 is being handled, 3 waits, when the socket drops.
    conn.handle_close(Timestamp(30), 1006, "", false);
    conn.handle_timeout(Timestamp(40_000));
    conn.handle_open(Timestamp(40_001));
    assert!(sends(&mut conn).contains(&r#"{"type":"sw.resume","after":1}"#.to_owned()));
    // The server sends 2 and 3 again; 2 finishes from the old connection.
    conn.handle_message(Timestamp(40_010), msg(2, "\"x\""));
    conn.handle_inbound_done(Timestamp(40_020), 2, Ok(()));
    conn.handle_message(Timestamp(40_030), msg(3, "\"x\""));
    let ids: Vec<u64> = handed(&mut conn).into_iter().map(|(id, ..)| id).collect();
    assert_eq!(ids, [2, 3], "2 once (its handling went on), then 3");
}

#[test]
fn the_position_survives_a_worker_stop_and_a_resend_below_it_is_skipped() {
    let mut conn = open(ON);
    sends(&mut conn);
    conn.handle_message(Timestamp(10), msg(7, "\"seven\""));
    handed(&mut conn);
    conn.handle_inbound_done(Timestamp(20), 7, Ok(()));
    written(&mut conn, Timestamp(21));
    let stored = conn.snapshot();
    assert_eq!(stored.inbound_handled, 7);
    // A new worker life restores it and resumes after 7.
    let mut next = Connection::new();
    next.restore(Timestamp(100), from_json_snapshot(&stored), None)
        .expect("restores");
    next.handle_open(Timestamp(110));
    assert!(sends(&mut next).contains(&r#"{"type":"sw.resume","after":7}"#.to_owned()));
    next.handle_message(Timestamp(120), msg(7, "\"seven\""));
    assert_eq!(handed(&mut next), []);
}

#[test]
fn older_layouts_are_read_without_the_keys_added_after_them() {
    use sw_websocket::core::SNAPSHOT_VERSION;
    let current = to_json_value(&open(ON).snapshot());
    let layouts: [(u32, &[&str]); 3] = [
        (2, &["inboundHandled", "sleepUntil", "openAt"]),
        (3, &["sleepUntil", "openAt"]),
        (4, &["openAt"]),
    ];
    for (layout, dropped) in layouts {
        let mut value = current.clone();
        let map = value.as_object_mut().expect("an object");
        for key in dropped {
            map.remove(*key);
        }
        map.insert("version".into(), layout.into());
        let snapshot = stored(&value).unwrap_or_else(|e| panic!("layout {layout} reads: {e}"));
        let read = (
            snapshot.inbound_handled,
            snapshot.sleep_until,
            snapshot.open_at,
            snapshot.version,
        );
        assert_eq!(read, (0, None, None, SNAPSHOT_VERSION));
        // With a key added after it: refused (strict, so not that layout).
        let map = value.as_object_mut().expect("an object");
        map.insert("openAt".into(), serde_json::Value::Null);
        assert!(stored(&value).is_err(), "layout {layout} with openAt");
    }
}

/// The snapshot after a round trip through its stored form.
fn from_json_snapshot(snapshot: &sw_websocket::core::Snapshot) -> sw_websocket::core::Snapshot {
    stored(&to_json_value(snapshot)).expect("reads back")
}
