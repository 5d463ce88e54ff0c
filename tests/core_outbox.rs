//! The outbox and reliable mode: order, bounds, flush on open, acks, dup resends,
//! and the write sequence a queued send waits for.

mod support;

use support::native::*;
use sw_websocket::core::{
    parse_ack, Action, Connection, Error, Event, Message, Options, Sent, Timestamp,
};

/// Connecting, with the state the connect changed written, as the shell
/// writes it at once (that write reserves the first block of ids).
fn connecting(options: &str) -> Connection {
    let mut conn = Connection::new();
    conn.connect(Timestamp(0), URL, opts(options))
        .expect("valid");
    sends(&mut conn);
    written(&mut conn, Timestamp(0));
    conn
}

#[test]
fn queued_while_not_open_then_flushed_in_order_before_new_sends() {
    let mut conn = connecting("{}");
    for i in 0..5 {
        let sent = conn
            .send(Timestamp(1), format!("m{i}").into(), PLAIN)
            .expect("queued");
        assert!(matches!(sent, Sent::Queued { id, .. } if id == i + 1));
    }
    conn.send(Timestamp(1), Message::Binary(vec![7; 3]), PLAIN)
        .expect("queued");
    assert_eq!(conn.status().outbox, 6);
    assert_eq!(conn.status().outbox_bytes, 13);
    conn.handle_open(Timestamp(2));
    conn.send(Timestamp(3), "after".into(), PLAIN)
        .expect("sent");
    assert_eq!(
        sends(&mut conn),
        ["m0", "m1", "m2", "m3", "m4", "<3 bytes>", "after"]
    );
    assert_eq!(conn.status().outbox, 0);
    assert_eq!(conn.counters().sent, 7);
}

#[test]
fn outbox_is_bounded_by_count_and_bytes_with_a_typed_error() {
    let mut conn = connecting(r#"{"maxOutboxMessages": 3, "maxOutboxBytes": 10}"#);
    for _ in 0..3 {
        conn.send(Timestamp(1), "ab".into(), PLAIN).expect("fits");
    }
    let err = conn.send(Timestamp(1), "x".into(), PLAIN).unwrap_err();
    assert_eq!(
        err,
        Error::OutboxFull {
            messages: 3,
            bytes: 6
        }
    );
    assert_eq!(err.kind(), "outbox_full");
    let mut conn = connecting(r#"{"maxOutboxBytes": 10}"#);
    conn.send(Timestamp(1), "123456".into(), PLAIN)
        .expect("fits");
    assert!(conn.send(Timestamp(1), "12345".into(), PLAIN).is_err());
    assert!(conn.send(Timestamp(1), "1234".into(), PLAIN).is_ok());
    assert_eq!(
        conn.outbox().count(),
        2,
        "the refused message left no trace"
    );
    assert_eq!(conn.clear_outbox(), 2);
    assert_eq!(conn.status().outbox, 0);
}

#[test]
fn send_needs_a_connect_and_close_keeps_the_outbox() {
    let mut conn = Connection::new();
    assert_eq!(
        conn.send(Timestamp(0), "x".into(), PLAIN),
        Err(Error::NotOpen)
    );
    let mut conn = connecting("{}");
    conn.send(Timestamp(1), "kept".into(), PLAIN)
        .expect("queued");
    conn.close(Timestamp(2), None, None).expect("valid");
    assert_eq!(
        conn.send(Timestamp(3), "x".into(), PLAIN),
        Err(Error::NotOpen)
    );
    assert_eq!(conn.outbox().count(), 1);
    conn.connect(Timestamp(4), URL, Options::default())
        .expect("valid");
    conn.handle_open(Timestamp(5));
    assert_eq!(sends(&mut conn), ["kept"]);
}

#[test]
fn reliable_frames_acks_and_dup_resends() {
    let mut conn = connecting("{}");
    conn.handle_open(Timestamp(1));
    sends(&mut conn);
    for text in ["a", "b \"q\"", "c"] {
        conn.send(Timestamp(2), text.into(), RELIABLE)
            .expect("sent");
    }
    conn.send(
        Timestamp(2),
        Message::Json(r#"{"n":[1,2]}"#.into()),
        RELIABLE,
    )
    .expect("sent");
    assert_eq!(
        sends(&mut conn),
        [
            r#"{"type":"sw.msg","id":1,"dup":false,"data":"a"}"#,
            r#"{"type":"sw.msg","id":2,"dup":false,"data":"b \"q\""}"#,
            r#"{"type":"sw.msg","id":3,"dup":false,"data":"c"}"#,
            r#"{"type":"sw.msg","id":4,"dup":false,"data":{"n":[1,2]}}"#,
        ]
    );
    assert_eq!(conn.status().outbox, 4, "kept until acked");
    // A cumulative ack: 1 and 2 leave; the ack is not an app message.
    conn.handle_message(Timestamp(3), r#"{"type":"sw.ack","id":2}"#.into());
    assert_eq!(conn.status().outbox, 2);
    let evs: Vec<Event> = std::iter::from_fn(|| conn.poll_event()).collect();
    assert!(evs.contains(&Event::Ack(2)));
    assert!(!evs.iter().any(|e| matches!(e, Event::Message(_))));
    assert_eq!(conn.counters().received, 0);
    // The connection drops; the reconnect resends 3 and 4 marked dup, in order.
    conn.handle_close(Timestamp(4), 1006, "", false);
    let at = conn.poll_timeout().expect("reconnect");
    conn.handle_timeout(at);
    conn.handle_open(at);
    assert_eq!(
        sends(&mut conn),
        [
            r#"{"type":"sw.msg","id":3,"dup":true,"data":"c"}"#,
            r#"{"type":"sw.msg","id":4,"dup":true,"data":{"n":[1,2]}}"#,
        ]
    );
    conn.handle_message(at, r#"{ "id": 4, "type": "sw.ack" }"#.into());
    assert_eq!(conn.status().outbox, 0);
}

#[test]
fn reliable_while_disconnected_goes_out_on_open_not_dup() {
    let mut conn = connecting(r#"{"reliable": true}"#);
    conn.send(Timestamp(1), "x".into(), PLAIN).expect("queued");
    conn.handle_open(Timestamp(2));
    assert_eq!(
        sends(&mut conn),
        [r#"{"type":"sw.msg","id":1,"dup":false,"data":"x"}"#]
    );
    let err = conn
        .send(Timestamp(3), Message::Binary(vec![1]), PLAIN)
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_message");
}

#[test]
fn ack_parsing_is_strict() {
    assert_eq!(parse_ack(r#"{"type":"sw.ack","id":7}"#), Some(7));
    assert_eq!(
        parse_ack(r#" {"id":7,"type":"sw.ack","extra":"x"} "#),
        Some(7)
    );
    // Any JSON spelling of a whole number is an id.
    for (id, want) in [
        ("7.0", 7),
        ("7e0", 7),
        ("70E-1", 7),
        ("1e3", 1000),
        ("2.5e1", 25),
        ("-0", 0),
        ("0.000", 0),
        ("9007199254740993", 9_007_199_254_740_993),
    ] {
        let frame = format!(r#"{{"type":"sw.ack","id":{id}}}"#);
        assert_eq!(parse_ack(&frame), Some(want), "{frame}");
    }
    for not_ack in [
        r#"{"type":"sw.ack","id":2.5}"#,
        r#"{"type":"sw.ack","id":25e-1}"#,
        r#"{"type":"sw.ack","id":1e400}"#,
        r#"{"type":"sw.ack","id":18446744073709551616}"#,
        r#"{"type":"sw.ack","id":1.}"#,
        r#"{"type":"sw.ack","id":1e}"#,
        r#"{"type":"sw.ack","id":-}"#,
        r#"{"type":"sw.ack","id":7x}"#,
        r#"{"type":"sw.ack"}"#,
        r#"{"type":"sw.ack","id":-1}"#,
        r#"{"type":"sw.ack","id":1.5}"#,
        r#"{"type":"sw.ack","id":"7"}"#,
        r#"{"type":"sw.msg","id":7}"#,
        r#"{"type":"sw.ack","id":7"#,
        r#"{"type":"sw.ack","id":7,"data":{"nested":1}}"#,
        "sw.ack",
        "",
    ] {
        assert_eq!(parse_ack(not_ack), None, "{not_ack}");
    }
}

#[test]
fn queued_send_waits_for_its_write_and_bursts_coalesce() {
    let mut conn = connecting("{}");
    assert_eq!(conn.poll_persist(), None, "connect is persisted");
    let mut seqs = Vec::new();
    for i in 0..1000 {
        match conn.send(Timestamp(1), format!("{i}").into(), PLAIN) {
            Ok(Sent::Queued { seq, .. }) => seqs.push(seq),
            other => panic!("{other:?}"),
        }
    }
    // One write covers the whole burst.
    let seq = conn.poll_persist().expect("dirty");
    assert!(seqs.iter().all(|s| *s <= seq));
    assert_eq!(conn.snapshot().outbox.len(), 1000);
    let next_id = conn.snapshot().next_id;
    conn.handle_persisted(Timestamp(1), seq, next_id);
    assert_eq!(conn.poll_persist(), None);
    assert!(conn.persisted() >= *seqs.last().unwrap_or(&0));
}

#[test]
fn auth_token_as_first_message_or_query_parameter() {
    let mut conn = connecting(r#"{"authToken": "s3cr\"t"}"#);
    conn.send(Timestamp(1), "queued".into(), PLAIN)
        .expect("queued");
    conn.handle_open(Timestamp(2));
    assert_eq!(
        sends(&mut conn),
        [r#"{"type":"sw.auth","token":"s3cr\"t"}"#, "queued"]
    );
    let mut conn = Connection::new();
    conn.connect(
        Timestamp(0),
        URL,
        opts(r#"{"authToken": "a b&c", "authQueryParam": "token"}"#),
    )
    .expect("valid");
    let open = std::iter::from_fn(|| conn.poll_action()).find_map(|a| match a {
        Action::Open { url, .. } => Some(url),
        _ => None,
    });
    assert_eq!(open.as_deref(), Some("ws://127.0.0.1:9/ws?token=a%20b%26c"));
    assert_eq!(
        conn.status().url.as_deref(),
        Some(URL),
        "the status never shows the token"
    );
    let stored = to_json(&conn.snapshot());
    assert!(
        !stored.contains("a b&c") && !stored.contains("a%20b"),
        "{stored}"
    );
    assert_eq!(conn.secret(), Some("a b&c"));
}
