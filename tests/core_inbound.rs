//! Reliable inbound delivery (`reliableInbound`): resume after each open
//! from the stored position, one message at a time in id order, the ack only
//! once the handled position is stored, resends skipped, gaps reported,
//! handlers that fail or run too long counted as handled, and the position
//! carried across a worker stop.

mod support;

use support::native::*;
use sw_websocket::core::{Connection, Error, Event, Message, Timestamp};

const ON: &str = r#"{"reliableInbound": true, "handlerTimeoutMs": 1000}"#;
const KEPT: &str = "(kept by the shell)";

fn msg(id: u64, data: &str) -> Message {
    Message::Text(format!(r#"{{"type":"sw.msg","id":{id},"data":{data}}}"#))
}

/// Open, with the connect written, frames and events of the open taken.
fn open(options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(options))
        .expect("valid");
    conn.handle_open(Timestamp(5));
    written(&mut conn, Timestamp(5));
    conn
}

/// The inbound messages handed to the app since the last call: (id, dup,
/// data), data `KEPT` when the shell keeps it.
fn handed(conn: &mut Connection) -> Vec<(u64, bool, String)> {
    events(conn)
        .into_iter()
        .filter_map(|e| match e {
            Event::Inbound { id, dup, data } => Some((id, dup, data.unwrap_or(KEPT.into()))),
            _ => None,
        })
        .collect()
}

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
    let layouts: [(u32, &[&str]); 2] =
        [(2, &["inboundHandled", "sleepUntil"]), (3, &["sleepUntil"])];
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
            snapshot.version,
        );
        assert_eq!(read, (0, None, SNAPSHOT_VERSION));
        // With a key added after it: refused (strict, so not that layout).
        let map = value.as_object_mut().expect("an object");
        map.insert("sleepUntil".into(), serde_json::Value::Null);
        assert!(stored(&value).is_err(), "layout {layout} with sleepUntil");
    }
}

/// The snapshot after a round trip through its stored form.
fn from_json_snapshot(snapshot: &sw_websocket::core::Snapshot) -> sw_websocket::core::Snapshot {
    stored(&to_json_value(snapshot)).expect("reads back")
}

#[test]
fn frames_the_shell_keeps_in_place_follow_the_same_rules_as_texts() {
    let mut conn = open(ON);
    sends(&mut conn);
    events(&mut conn);
    // Kept: queued, handed over without data, in id order with texts.
    assert!(conn.handle_inbound_in_place(Timestamp(10), 1, false));
    conn.handle_message(Timestamp(11), msg(2, "\"two\""));
    assert!(conn.handle_inbound_in_place(Timestamp(12), 3, true));
    // Known already (queued), handled, or id 0: not queued, nothing to keep.
    assert!(!conn.handle_inbound_in_place(Timestamp(13), 3, false));
    assert!(!conn.handle_inbound_in_place(Timestamp(13), 0, false));
    assert_eq!(handed(&mut conn), [(1, false, KEPT.into())]);
    conn.handle_inbound_done(Timestamp(20), 1, Ok(()));
    assert_eq!(handed(&mut conn), [(2, false, "\"two\"".into())]);
    conn.handle_inbound_done(Timestamp(21), 2, Ok(()));
    assert_eq!(handed(&mut conn), [(3, true, KEPT.into())]);
    conn.handle_inbound_done(Timestamp(22), 3, Ok(()));
    written(&mut conn, Timestamp(23));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":1}"#]);
    conn.handle_timeout(Timestamp(45));
    written(&mut conn, Timestamp(46));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":3}"#]);
    // A resend below the position: the stored position is acked again.
    assert!(!conn.handle_inbound_in_place(Timestamp(30), 2, false));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":3}"#]);
    assert_eq!(conn.status().inbound_handled, 3);
    assert_eq!(conn.status().counters.received, 3);
}

#[test]
fn in_place_frames_need_the_mode_and_an_open_socket() {
    let mut off = open("{}");
    assert!(!off.handle_inbound_in_place(Timestamp(10), 1, false));
    let mut conn = open(ON);
    conn.close(Timestamp(10), Some(1000), Some("bye"))
        .expect("open");
    conn.handle_close(Timestamp(11), 1000, "bye", true);
    assert!(!conn.handle_inbound_in_place(Timestamp(12), 1, false));
    assert_eq!(handed(&mut conn), []);
}

#[test]
fn a_repeated_key_counts_as_its_last_as_in_json_parse() {
    let mut conn = open(ON);
    events(&mut conn);
    let text = r#"{"type":"sw.msg","id":1,"data":"first","id":2,"data":"last"}"#;
    conn.handle_message(Timestamp(10), Message::Text(text.into()));
    assert_eq!(handed(&mut conn), [(2, false, "\"last\"".into())]);
}

#[test]
fn ids_above_2_pow_53_are_no_frames() {
    use sw_websocket::core::MAX_INBOUND_ID;
    let mut conn = open(ON);
    events(&mut conn);
    let over = MAX_INBOUND_ID + 1;
    conn.handle_message(Timestamp(10), msg(over, "1"));
    assert!(matches!(
        &events(&mut conn)[..],
        [Event::Message(Message::Text(_))]
    ));
    assert!(!conn.handle_inbound_in_place(Timestamp(11), over, false));
    conn.handle_message(Timestamp(12), msg(MAX_INBOUND_ID, "2"));
    assert_eq!(handed(&mut conn), [(MAX_INBOUND_ID, false, "2".into())]);
}

#[test]
fn a_burst_writes_the_position_at_most_every_25_ms_and_no_ack_waits_longer() {
    use sw_websocket::core::INBOUND_WRITE_EVERY;
    let every = INBOUND_WRITE_EVERY.get();
    let mut conn = open(ON);
    sends(&mut conn);
    events(&mut conn);
    let (mut writes, mut handled_at, mut worst) = (0, Vec::new(), 0);
    for id in 1..=1000u64 {
        let now = Timestamp(100 + id);
        conn.handle_timeout(now);
        conn.handle_message(now, msg(id, "1"));
        assert_eq!(handed(&mut conn).len(), 1, "one at a time");
        conn.handle_inbound_done(now, id, Ok(()));
        handled_at.push(now.0);
        if conn.poll_persist().is_some() {
            writes += 1;
            written(&mut conn, now); // a write that lands at once
        }
        for ack in sends(&mut conn) {
            let acked: u64 = ack
                .trim_end_matches('}')
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let oldest_unacked = handled_at.iter().copied().min().unwrap();
            worst = worst.max(now.0 - oldest_unacked);
            handled_at.retain(|at| *at > 100 + acked);
        }
    }
    conn.handle_timeout(Timestamp(100 + 1000 + every));
    written(&mut conn, Timestamp(100 + 1000 + every));
    assert_eq!(sends(&mut conn), [r#"{"type":"sw.ack","id":1000}"#]);
    assert!(writes <= 1000 / every + 1, "{writes} writes");
    assert!(worst <= every, "an ack waited {worst} ms");
}

#[test]
fn a_paced_write_still_happens_after_the_socket_closed() {
    let mut conn = open(ON);
    sends(&mut conn);
    conn.handle_message(Timestamp(10), msg(1, "1"));
    conn.handle_inbound_done(Timestamp(10), 1, Ok(()));
    written(&mut conn, Timestamp(10));
    conn.handle_message(Timestamp(11), msg(2, "2"));
    conn.handle_inbound_done(Timestamp(12), 2, Ok(()));
    conn.handle_close(Timestamp(13), 1006, "", false);
    written(&mut conn, Timestamp(13));
    assert_eq!(conn.poll_persist(), None);
    conn.handle_timeout(Timestamp(35));
    assert!(
        conn.poll_persist().is_some(),
        "the paced write of position 2"
    );
    assert_eq!(conn.snapshot().inbound_handled, 2);
}
