//! Reliable inbound delivery, the frames' side: frames the shell reads in
//! place follow the same rules as texts; ids stop at 2^53 - 1; a repeated
//! key counts as its last; during a burst the position is written at most
//! every 25 ms, and no ack waits longer.

mod support;

use support::inbound::*;
use support::native::*;
use sw_websocket::core::{Event, Message, Timestamp};

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
